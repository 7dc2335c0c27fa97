"""The rule catalog: one module per rule; see `base.py` for what a rule is."""
