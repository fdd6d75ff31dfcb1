"""How values are written and read back: the codec, the JSON Schemas, tables.

It imports only the packages below it: _engine and _quantities.
"""
