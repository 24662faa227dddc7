"""The one error of the SQL export (no sqlglot needed to import it, so callers can catch it
before the ``sql`` extra is loaded)."""

from __future__ import annotations


class ExportError(ValueError):
    """Options the export cannot honour (an unknown dialect, an unusable table name)."""
