"""An activity entry's ``where``: which rows of the activities table it counts.

``where: {lifecycle: [COMPLETE]}`` keeps the rows whose ``lifecycle`` is one of the items,
compared exactly as the ``in`` operator compares (trimmed text, ignoring case, a whole
number as its integer text; a missing value never matches). Each column is matched through
the same ``FieldRules`` the leads' rules use: a text column is factorised once and the
``in`` mask is worked out on its distinct values, so a filter costs one gather per
(column, items) over the activity rows, cached; a whole filter is the AND of its columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from scoring.engine.matching import FieldRules
from scoring.errors import DataError
from scoring.model.operators import canonical_item
from scoring.model.schema import LeadModel, Match

Where = Mapping[str, Sequence[str | int | float]]
WhereKey = tuple[tuple[str, tuple[str, ...]], ...]  # () for no filter


def where_key(where: Where | None) -> WhereKey:
    """What a filter selects, in one hashable form: per column (sorted), the items as ``in``
    compares them. Two filters that keep the same rows have the same key."""
    return tuple(sorted((column, tuple(sorted({canonical_item(item) for item in items})))
                        for column, items in (where or {}).items()))


def describe_where(where: Where | None) -> str | None:
    """A filter as the app and the explanations show it: ``lifecycle in [COMPLETE]``."""
    if not where:
        return None
    return " and ".join(f"{column} {in_match(items).describe()}" for column, items in where.items())


def in_match(items: Sequence[str | int | float]) -> Match:
    """The ``in`` match a where column's items stand for."""
    return Match.model_validate({"in": list(items)})


def missing_where_columns(model: LeadModel, columns: Sequence[str]) -> list[tuple[str, str]]:
    """(field path, column) of every ``where`` column that ``columns`` (the activities table's,
    after the column mapping) lacks, in model order."""
    present = set(map(str, columns))
    return [(f"engagement.activities[{index}].where.{column}", column)
            for index, entry in enumerate(model.engagement.activities) if entry.activity is not None
            for column in entry.where or {} if column not in present]


def refuse_missing_where_columns(model: LeadModel, activities: pd.DataFrame | None) -> None:
    """One line naming the entry's field path and the column, for the first ``where`` column
    the activities table lacks (nothing to check without an activities table)."""
    if activities is None:
        return
    absent = missing_where_columns(model, list(activities.columns))
    if absent:
        path, column = absent[0]
        more = f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""
        raise DataError(f"{path}: the activities table has no column {column!r} to filter on{more}",
                        source=activities.attrs.get("source"), column=column)


class RowFilters:
    """The rows of one activities table that each ``where`` keeps, cached per filter."""

    def __init__(self, activities: pd.DataFrame):
        self.activities = activities
        self._columns: dict[str, FieldRules] = {}
        self._masks: dict[WhereKey, np.ndarray] = {}

    def column(self, name: str) -> FieldRules:
        if name not in self._columns:
            if name not in self.activities.columns:
                raise DataError(f"the activities table has no column {name!r} to filter on",
                                source=self.activities.attrs.get("source"), column=name)
            self._columns[name] = FieldRules(self.activities[name])
        return self._columns[name]

    def mask(self, where: Where | None) -> np.ndarray | None:
        """Per row of the table (in table order): whether ``where`` keeps it; None for no filter."""
        key = where_key(where)
        if not key:
            return None
        if key not in self._masks:
            kept = np.ones(len(self.activities), dtype=bool)
            for column, items in key:
                kept &= self.column(column).matches(in_match(items))
            kept.flags.writeable = False
            self._masks[key] = kept
        return self._masks[key]
