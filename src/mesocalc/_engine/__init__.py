"""The engine: lazy imports, caches, the numpy binding, package files, the built catalog.

It imports nothing of mesocalc's but :mod:`mesocalc.exceptions`.
"""
