"""The product's rules, in plain Python: no Flask, no database, the current instant passed in."""
