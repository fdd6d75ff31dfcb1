"""What composes plans for other programs: data frames and the command line.

It may import every package below it.
"""
