"""The agreed model as SQL: one SELECT per warehouse dialect, and a dbt model.

``export_sql(model, dialect)`` returns the query text; ``build_query`` the sqlglot tree.
The query reproduces ``scoring.score`` (see docs/sql-export.md for how each rule of the
format maps to SQL, and for the few places where an engine can differ).

The names below the constants are loaded on first use, so that the CLI starts (and every
other command works) without sqlglot, which comes with the ``sql`` extra.
"""

from __future__ import annotations

import importlib
from typing import Any

DIALECTS = ("duckdb", "postgres", "spark", "snowflake", "bigquery", "tsql")
DEFAULT_DIALECT = "duckdb"
TESTED_DIALECTS = ("duckdb", "postgres", "spark")  # run against a real engine by the test suite

_LAZY = {
    "OUTPUT_COLUMNS": "query", "ExportError": "errors", "SqlOptions": "query", "build_query": "query",
    "export_sql": "export", "header": "export",
}
__all__ = ["DEFAULT_DIALECT", "DIALECTS", "TESTED_DIALECTS", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
