"""The clinic: products and labels, screening, sessions, courses and the FHIR record.

It imports only the packages below it: _engine to _planning.
"""
