"""Planning: rules and overrides, equipment, the plan records and the planner.

It imports only the packages below it: _engine, _quantities, _records, _catalog
and _geometry.
"""
