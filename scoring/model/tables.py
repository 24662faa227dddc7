"""The designer's editable tables and the model, both ways: rule tables (condition, items,
from, to, share), the routing table, and the plain records an edited table compares by.

The app's data editors show these rows; what comes back goes through ``rows_to_rules``
or ``scoring.model.edit.with_routing``, which refuse a row that lacks what its condition
needs with a ``ModelError`` naming the row's field path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from scoring.data.missing import is_blank
from scoring.errors import ModelError, Problem
from scoring.formatting import format_interval, format_lift, format_rate
from scoring.model.operators import RowError, operator_for_condition, table_conditions
from scoring.model.schema import RATINGS, LeadModel, Rule

# The rule table's "condition" column, in plain words (each operator reads its own back).
CONDITIONS = table_conditions()
RULE_COLUMNS = ("condition", "items", "from", "to", "value")



def table_records(table: Any) -> list[dict[str, Any]]:
    """Rows of an edited table (a DataFrame) as plain comparable dicts: NaN -> None, arrays -> lists."""
    records = []
    for row in table.to_dict(orient="records"):
        records.append({key: _plain_cell(value) for key, value in row.items()})
    return records


def _plain_cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if hasattr(value, "__iter__"):
        return [str(item) for item in value]
    if is_blank(value):
        return None
    try:
        if value is not None and value != value:  # pd.NA and other NaN-likes
            return None
    except TypeError:
        return None
    return value.item() if hasattr(value, "item") else value


def rules_to_rows(rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """Rules as rows of the rule table: condition, items, from, to, value."""
    rows = []
    for rule in rules:
        row: dict[str, Any] = {"condition": "", "items": [], "from": None, "to": None, "value": rule.value}
        row.update(rule.match.operator.row())
        rows.append(row)
    return rows


def _items(value: Any) -> list[str]:
    """Items from a table cell: a list (or array) of values as written, or comma-separated text."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if value is None or not hasattr(value, "__iter__"):
        return []
    return [str(item) for item in value if not is_blank(item) and str(item).strip()]


def _row_key(row: Mapping[str, Any]) -> str:
    return repr([_plain_cell(row.get(column)) for column in RULE_COLUMNS])


def cell_number(value: Any, path: str = "") -> float | None:
    """A table cell as a number, None when blank; ``ModelError`` at ``path`` for text that is not one."""
    if is_blank(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ModelError([Problem(path, f"{value!r} is not a number")]) from None


def rows_to_rules(rows: Sequence[Mapping[str, Any]], path: str = "rules",
                  keep: Sequence[Rule] = ()) -> list[dict[str, Any]]:
    """Rows of the rule table back to rule dicts; a row without a condition is skipped.

    A row identical to the row of a rule in ``keep`` gives back that rule as it was
    (a ``gte``+``lt`` rule stays one rather than becoming a ``range``). Raises
    ``ModelError`` naming the row for a condition that lacks what it needs.
    """
    unchanged = {_row_key(row): rule for rule, row in zip(keep, rules_to_rows(keep), strict=True)}
    rules, problems = [], []
    position = 0
    for index, row in enumerate(rows):
        condition = row.get("condition")
        if is_blank(condition):
            continue
        if _row_key(row) in unchanged:
            rules.append(unchanged[_row_key(row)].model_dump(by_alias=True, exclude_none=True))
            position += 1
            continue
        where = f"{path}[{position}]"
        position += 1
        operator = operator_for_condition(str(condition))
        try:
            low, high = cell_number(row.get("from"), f"{where}.match"), cell_number(row.get("to"), f"{where}.match")
            value = cell_number(row.get("value"), f"{where}.value")
        except ModelError as error:
            problems.extend(Problem(p.path, f"{p.message} (row {index + 1})") for p in error.problems)
            continue
        if operator is None:
            problems.append(Problem(where, f"unknown condition {condition!r}; use one of {', '.join(CONDITIONS)}"))
            continue
        try:
            match = operator.from_row(str(condition), _items(row.get("items")), low, high)
        except RowError as error:
            problems.append(Problem(where + error.field, f"{error.message} (row {index + 1})"))
            continue
        rules.append({"match": match, "value": 0.0 if value is None else value})
    if problems:
        raise ModelError(problems)
    return rules


def routing_rows(model: LeadModel) -> list[dict[str, Any]]:
    """Every cell A1..D4 with its action, SLA and recycle track (where sales' rejects go),
    for the routing table."""
    rows = []
    for rating in RATINGS:
        route = model.routing.route_for(rating)
        rows.append({"rating": rating, "action": route.action, "sla_hours": route.sla_hours,
                     "recycle": route.recycle})
    return rows


def breakdown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``segments.segment_breakdown`` as the pages show it: per value its leads, to-sales
    leads (and per month), the acceptance and conversion of its to-sales leads with
    intervals (only the outcomes the data records), its base rate, the rate of its other
    leads, the lift of to-sales over them with an interval, and the flag; every rate
    written by ``format_rate``."""
    shown = frame[["segment", "leads", "to_sales", "to_sales_per_month"]].copy()
    for name in ("acceptance", "conversion"):
        if frame[f"{name}_known"].sum() > 0:
            shown[name] = [format_interval(r, lo, hi) for r, lo, hi in
                           zip(frame[f"{name}_rate"], frame[f"{name}_low"], frame[f"{name}_high"], strict=True)]
    shown["base_rate"] = [format_rate(rate) for rate in frame["base_rate"]]
    shown["rest_rate"] = [format_rate(rate) for rate in frame["rest_rate"]]
    shown["lift"] = [format_lift(lift, low, high) for lift, low, high in
                     zip(frame["lift"], frame["lift_low"], frame["lift_high"], strict=True)]
    shown["worse"] = frame["worse"].astype(bool)
    return shown
