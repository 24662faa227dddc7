"""What the scoring query reads: each input table and the columns it reads from it.

Read off the query itself (the ``lead_values`` and ``activity_values`` CTEs are the only
places that name a table of the warehouse), so the list is exactly what the exported SQL
needs, after the model's ``columns:`` mapping: a column renamed there is listed under the
table's own name, with the model fields it stands for. The activities table is absent
when the query does not read it (no activity entry can count, or no activities table).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlglot import exp

from scoring.data import read as d
from scoring.model.schema import LeadModel
from scoring.sql import DEFAULT_DIALECT
from scoring.sql.query import SqlOptions, build_query

LEADS = "leads"
ACTIVITIES = "activities"
_READING_CTES = ((LEADS, "lead_values"), (ACTIVITIES, "activity_values"))


@dataclass(frozen=True)
class ColumnRead:
    """One column of an input table, and the model fields read from it (the same name
    unless the model's ``columns:`` section maps it)."""

    column: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class TableRead:
    """An input table of the query: its role (leads or activities), its name as given in
    the options, and the columns read, in the order the query first reads them."""

    role: str
    table: str
    columns: tuple[ColumnRead, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(read.column for read in self.columns)


def _candidate_fields(model: LeadModel, role: str) -> list[str]:
    if role == ACTIVITIES:
        return list(dict.fromkeys([*d.ACTIVITY_COLUMNS, *model.where_columns()]))
    return list(dict.fromkeys([d.LEAD_ID, d.SCORED_AT, *model.lead_fields()]))


def tables_read(model: LeadModel, options: SqlOptions | None = None, dialect: str = DEFAULT_DIALECT,
                query: exp.Select | None = None) -> list[TableRead]:
    """The tables the scoring query of ``model`` reads and the columns it reads from each.

    ``query``: the query already built with the same ``options`` (else it is built here)."""
    options = options or SqlOptions()
    if query is None:  # which columns are read does not depend on the as-of moment
        query = build_query(model, dialect, options if options.as_of is not None else replace(options, as_of="now"))
    selects = {cte.alias: cte.this for cte in query.ctes}
    mapping = model.column_mapping(options.mapping)
    names = {LEADS: options.leads_table, ACTIVITIES: options.activities_table}
    reads = []
    for role, cte in _READING_CTES:
        select = selects.get(cte)
        if select is None or names[role] is None:
            continue
        columns = dict.fromkeys(column.name for column in select.find_all(exp.Column, bfs=False)
                                if not column.table)
        renamed = mapping.get(role, {})
        fields = _candidate_fields(model, role)
        reads.append(TableRead(role, names[role], tuple(
            ColumnRead(name, tuple(f for f in fields if renamed.get(f, f) == name)) for name in columns)))
    return reads
