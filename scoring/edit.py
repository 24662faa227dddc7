"""Model edits the designer makes, as pure functions: each returns a new, validated model.

The app never mutates a model: it asks for an edited copy here and keeps the old
one for undo. Every function raises ``ModelError`` (with the field path) when
the result would be invalid, and leaves its input untouched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import ModelError, Problem
from .model import RATINGS, WEIGHT_TOTAL, LeadModel, Rule
from .validation import validate_model
from .values import canonical_item

# The rule table's "condition" column, in plain words, and back.
CONDITIONS = {
    "is one of": "in",
    "contains any of": "contains_any",
    "at least": "gte",
    "below": "lt",
    "between": "range",
    "is missing": "missing",
}
CONDITION_OF = {operator: words for words, operator in CONDITIONS.items()}
RULE_COLUMNS = ("condition", "items", "from", "to", "value")


def _data(model: LeadModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_none=True)


def _category_index(model: LeadModel, category_id: str) -> int:
    for index, category in enumerate(model.profile.categories):
        if category.id == category_id:
            return index
    raise ModelError([Problem("profile.categories", f"no category with id '{category_id}'")])


def _entry_index(model: LeadModel, entry_id: str) -> int:
    for index, entry in enumerate(model.engagement.activities):
        if entry.id == entry_id:
            return index
    raise ModelError([Problem("engagement.activities", f"no engagement entry with id '{entry_id}'")])


def with_weights(model: LeadModel, weights: Mapping[str, float]) -> LeadModel:
    """The model with new category weights (by category id); they must still sum to 100."""
    data = _data(model)
    for category in data["profile"]["categories"]:
        if category["id"] in weights:
            category["weight"] = float(weights[category["id"]])
    return validate_model(data)


def rescale_weights(weights: Mapping[str, float], keep: str) -> dict[str, float]:
    """Weights summing to 100: ``keep`` stays as set, the others scale in proportion.

    The others are whole numbers where the kept weight is; rounding follows the
    largest-remainder method, so each stays within 1 of its exact share and the
    total is exactly 100.
    """
    kept = min(max(float(weights[keep]), 0.0), WEIGHT_TOTAL)
    others = {key: max(float(value), 0.0) for key, value in weights.items() if key != keep}
    if not others:
        return {keep: WEIGHT_TOTAL}
    room = WEIGHT_TOTAL - kept
    total = sum(others.values())
    exact = {key: (value * room / total if total > 0 else room / len(others)) for key, value in others.items()}
    result = {key: float(math.floor(share)) for key, share in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - result[key], reverse=True)
    units = math.floor(room - sum(result.values()) + 1e-9)
    for key in by_remainder[:units]:
        result[key] += 1.0
    leftover = room - sum(result.values())  # the fraction left when the kept weight is fractional
    result[by_remainder[units % len(by_remainder)]] += leftover
    return {keep: kept, **result}


def with_grades(model: LeadModel, axis: str, thresholds: Mapping[str, float]) -> LeadModel:
    """New thresholds for ``axis`` ``"profile"`` (A..D) or ``"engagement"`` ("1".."4")."""
    data = _data(model)
    data[axis]["grades"] = {**data[axis]["grades"], **{str(k): float(v) for k, v in thresholds.items()}}
    return validate_model(data)


def with_route(model: LeadModel, rating: str, action: str, sla_hours: float | None) -> LeadModel:
    """Route one cell; a route equal to the default is stored as no entry at all."""
    data = _data(model)
    route = {"action": action.strip()} | ({"sla_hours": float(sla_hours)} if sla_hours else {})
    cells = dict(data["routing"].get("cells", {}))
    if route == data["routing"].get("default", {"action": "nurture"}):
        cells.pop(rating, None)
    else:
        cells[rating] = route
    data["routing"]["cells"] = cells
    return validate_model(data)


def with_category(model: LeadModel, category_id: str, **changes: Any) -> LeadModel:
    """The model with some fields of one category replaced (``rules`` as plain dicts or Rules)."""
    data = _data(model)
    category = data["profile"]["categories"][_category_index(model, category_id)]
    category.update({key: _plain(value) for key, value in changes.items()})
    return validate_model(data)


def with_entry(model: LeadModel, entry_id: str, **changes: Any) -> LeadModel:
    """The model with some fields of one engagement entry replaced; None removes a field."""
    data = _data(model)
    entry = data["engagement"]["activities"][_entry_index(model, entry_id)]
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = _plain(value)
    return validate_model(data)


def with_activities(model: LeadModel, entries: Sequence[Mapping[str, Any]]) -> LeadModel:
    """The model with its whole list of engagement entries replaced."""
    data = _data(model)
    data["engagement"]["activities"] = [
        {key: value for key, value in entry.items() if not _is_blank(value)} for entry in entries
    ]
    return validate_model(data)


def with_recency(model: LeadModel, recency: Mapping[str, Any]) -> LeadModel:
    data = _data(model)
    data["engagement"]["recency"] = {key: value for key, value in recency.items() if value is not None}
    return validate_model(data)


def _plain(value: Any) -> Any:
    if isinstance(value, Rule):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


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
    if _is_blank(value):
        return None
    try:
        if value is not None and value != value:  # pd.NA and other NaN-likes
            return None
    except TypeError:
        return None
    return value.item() if hasattr(value, "item") else value


def _item_text(item: str | int | float) -> str:
    """An ``in`` item as the table shows it; a number compares the same as this text."""
    return item if isinstance(item, str) else canonical_item(item)


def rules_to_rows(rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """Rules as rows of the rule table: condition, items, from, to, value."""
    rows = []
    for rule in rules:
        match = rule.match
        row: dict[str, Any] = {"condition": "", "items": [], "from": None, "to": None, "value": rule.value}
        if match.in_ is not None:
            row.update(condition="is one of", items=[_item_text(item) for item in match.in_])
        elif match.contains_any is not None:
            row.update(condition="contains any of", items=list(match.contains_any))
        elif match.missing:
            row.update(condition="is missing")
        elif match.range is not None:
            row.update({"condition": "between", "from": match.range[0], "to": match.range[1]})
        elif match.gte is not None and match.lt is not None:
            row.update({"condition": "between", "from": match.gte, "to": match.lt})
        elif match.gte is not None:
            row.update({"condition": "at least", "from": match.gte})
        else:
            row.update({"condition": "below", "to": match.lt})
        rows.append(row)
    return rows


def _items(value: Any) -> list[str]:
    """Items from a table cell: a list (or array) of values as written, or comma-separated text."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if value is None or not hasattr(value, "__iter__"):
        return []
    return [str(item) for item in value if not _is_blank(item) and str(item).strip()]


def _row_key(row: Mapping[str, Any]) -> str:
    return repr([_plain_cell(row.get(column)) for column in RULE_COLUMNS])


def _number(value: Any) -> float | None:
    return None if _is_blank(value) else float(value)


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
        if _is_blank(condition):
            continue
        if _row_key(row) in unchanged:
            rules.append(unchanged[_row_key(row)].model_dump(by_alias=True, exclude_none=True))
            position += 1
            continue
        where = f"{path}[{position}]"
        position += 1
        operator = CONDITIONS.get(str(condition))
        low, high, items = _number(row.get("from")), _number(row.get("to")), _items(row.get("items"))
        if operator is None:
            problems.append(Problem(where, f"unknown condition {condition!r}; use one of {', '.join(CONDITIONS)}"))
            continue
        match: dict[str, Any]
        if operator in ("in", "contains_any"):
            if not items:
                problems.append(Problem(where, f"'{condition}' needs at least one item (row {index + 1})"))
                continue
            match = {operator: items}
        elif operator == "gte":
            match = {"gte": low}
        elif operator == "lt":
            match = {"lt": high}
        elif operator == "range":
            match = {"range": [low, high]}
        else:
            match = {"missing": True}
        if None in match.values():
            problems.append(Problem(where, f"'{condition}' needs a number in "
                                           f"{'from' if operator == 'gte' else 'to'} (row {index + 1})"))
            continue
        value = _number(row.get("value"))
        rules.append({"match": match, "value": 0.0 if value is None else value})
    if problems:
        raise ModelError(problems)
    return rules


def with_columns(model: LeadModel, leads: Mapping[str, str], activities: Mapping[str, str]) -> LeadModel:
    """The model with a new column mapping; identity entries (field == column) are dropped."""
    data = _data(model)
    leads = {field: column for field, column in leads.items() if column and column != field}
    activities = {field: column for field, column in activities.items() if column and column != field}
    if leads or activities:
        data["columns"] = {"leads": leads, "activities": activities}
    else:
        data.pop("columns", None)
    return validate_model(data)


def with_routing(model: LeadModel, rows: Sequence[Mapping[str, Any]]) -> LeadModel:
    """The model with cells routed as the rows say ({rating, action, sla_hours}); a cell whose
    route equals the default is stored as no entry."""
    data = _data(model)
    default = data["routing"].get("default", {"action": "nurture"})
    cells = {}
    for row in rows:
        action = "" if _is_blank(row.get("action")) else str(row["action"]).strip()
        sla = _number(row.get("sla_hours"))
        route = {"action": action} | ({"sla_hours": sla} if sla else {})
        if route != default:
            cells[str(row["rating"])] = route
    data["routing"]["cells"] = cells
    return validate_model(data)


def routing_rows(model: LeadModel) -> list[dict[str, Any]]:
    """Every cell A1..D4 with its action and SLA, for the routing table."""
    rows = []
    for rating in RATINGS:
        route = model.routing.route_for(rating)
        rows.append({"rating": rating, "action": route.action, "sla_hours": route.sla_hours})
    return rows
