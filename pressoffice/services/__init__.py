"""Use cases: each loads what it needs, asks the domain, changes, records and commits."""
