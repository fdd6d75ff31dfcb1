"""Quantities and names: units, the parameter table, codes, reading one input, arithmetic.

It imports only :mod:`mesocalc._engine.engine` and :mod:`mesocalc.exceptions`.
"""
