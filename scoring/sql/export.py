"""The scoring query as text: rendered for one dialect, pretty-printed, with a header."""

from __future__ import annotations

import re

from scoring.model.schema import LeadModel
from scoring.sql import DEFAULT_DIALECT
from scoring.sql.dialects import Target
from scoring.sql.query import OUTPUT_COLUMNS, SqlOptions, build_query

_SAFE_COMMENT = re.compile(r"[^A-Za-z0-9 ._:()/+-]")


def header(model: LeadModel, dialect: str) -> str:
    """Comment lines naming the model (only letters, digits and plain punctuation kept)."""
    name = _SAFE_COMMENT.sub("", model.name)[:80]
    version = _SAFE_COMMENT.sub("", model.version or "")[:40]
    return (f"-- LeadGrid scoring query for model: {name}{f' (version {version})' if version else ''}\n"
            f"-- dialect: {dialect}; one row per lead:\n--   {', '.join(OUTPUT_COLUMNS)}\n")


def export_sql(model: LeadModel, dialect: str = DEFAULT_DIALECT, options: SqlOptions | None = None,
               *, pretty: bool = True, with_header: bool = True) -> str:
    """The scoring query for ``model`` as text in ``dialect``."""
    text = Target(dialect).render(build_query(model, dialect, options or SqlOptions()), pretty=pretty)
    return (header(model, dialect) if with_header else "") + text + "\n"
