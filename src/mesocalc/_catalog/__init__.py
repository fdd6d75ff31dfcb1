"""The catalog and its data: techniques x zones, sources, warnings, clinic protocols.

It imports only the packages below it: _engine, _quantities and _records.
"""
