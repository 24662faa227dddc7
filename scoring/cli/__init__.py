"""The ``leadgrid`` command line: one module per command group, shared pieces in ``common``."""
