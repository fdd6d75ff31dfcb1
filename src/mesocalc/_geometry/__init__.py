"""Geometry: shapes, layouts of points, threads, injector heads, placement, drawing.

It imports only the packages below it: _engine, _quantities, _records and _catalog.
"""
