"""``python -m mesocalc``: the command line, run as the ``mesocalc`` command runs it."""

from mesocalc._exchange.cli import console

if __name__ == "__main__":
    console()
