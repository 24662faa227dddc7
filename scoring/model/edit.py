"""Model edits the designer makes, as pure functions: each returns a new, validated model.

The app never mutates a model: it asks for an edited copy here and keeps the old
one for undo. Every function raises ``ModelError`` (with the field path) when
the result would be invalid, and leaves its input untouched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from scoring.data.missing import is_blank
from scoring.errors import ModelError, Problem
from scoring.model.schema import RATINGS, SALES_ACTION, WEIGHT_TOTAL, LeadModel, Rule
from scoring.model.tables import cell_number, routing_rows
from scoring.model.validation import validate_model

# Where a model switches from a half-life to step windows, it starts from these.
DEFAULT_WINDOWS = ({"within_days": 7.0, "factor": 1.0}, {"within_days": 30.0, "factor": 0.5},
                   {"within_days": 90.0, "factor": 0.25})
DEFAULT_RECENCY = {"half_life_days": 30.0}


def _data(model: LeadModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_none=True)


def _number(value: Any, path: str) -> float:
    """A number given to an edit; ``ModelError`` at ``path`` for anything else (text, None, a bool)."""
    number = None if isinstance(value, bool) else cell_number(value, path)
    if number is None:
        raise ModelError([Problem(path, f"needs a number; got {value!r}")])
    return number


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ModelError([Problem(path, f"must be a mapping of keys; got {value!r}")])
    return value


def with_weights(model: LeadModel, weights: Mapping[str, float]) -> LeadModel:
    """The model with new category weights (by category id); they must still sum to 100."""
    data = _data(model)
    _mapping(weights, "profile.categories")
    for index, category in enumerate(data["profile"]["categories"]):
        if category["id"] in weights:
            category["weight"] = _number(weights[category["id"]], f"profile.categories[{index}].weight")
    return validate_model(data)


def rescale_weights(weights: Mapping[str, float], keep: str) -> dict[str, float]:
    """Weights summing to 100: ``keep`` stays as set, the others scale in proportion.

    The others are whole numbers where the kept weight is; rounding follows the
    largest-remainder method, so each stays within 1 of its exact share and the
    total is exactly 100.
    """
    if keep not in weights:
        raise ModelError([Problem("profile.categories", f"no category with id {keep!r}")])
    numbers = {key: _number(value, f"weights.{key}") for key, value in weights.items()}
    kept = min(max(numbers[keep], 0.0), WEIGHT_TOTAL)
    others = {key: max(value, 0.0) for key, value in numbers.items() if key != keep}
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
    # What is left when the kept weight is fractional. It is below one unit either way; when
    # rounding overshot (a kept weight a hair above a whole number) it is negative and comes
    # off the largest weight, which is at least a whole unit, so no weight goes below 0.
    leftover = room - sum(result.values())
    target = by_remainder[units % len(by_remainder)] if leftover >= 0 else max(result, key=result.get)
    result[target] = max(result[target] + leftover, 0.0)
    return {keep: kept, **result}


def with_grades(model: LeadModel, axis: str, thresholds: Mapping[str, float]) -> LeadModel:
    """New thresholds for ``axis`` ``"profile"`` (A..D) or ``"engagement"`` ("1".."4")."""
    if axis not in ("profile", "engagement"):
        raise ModelError([Problem("", f"grades belong to 'profile' or 'engagement'; got {axis!r}")])
    data = _data(model)
    thresholds = _mapping(thresholds, f"{axis}.grades")
    data[axis]["grades"] = {**data[axis]["grades"],
                            **{str(k): _number(v, f"{axis}.grades.{k}") for k, v in thresholds.items()}}
    return validate_model(data)


def with_route(model: LeadModel, rating: str, action: str, sla_hours: float | None) -> LeadModel:
    """Route one cell (a calibration proposal sends single cells to sales); a route equal to
    the default is stored as no entry at all."""
    rows = routing_rows(model)
    if rating not in RATINGS:
        rows.append({"rating": rating})
    for row in rows:
        if row["rating"] == rating:
            row.update(action=action, sla_hours=sla_hours)
    return with_routing(model, rows)


def with_category(model: LeadModel, category_id: str, **changes: Any) -> LeadModel:
    """The model with some fields of one category replaced (``rules`` as plain dicts or Rules)."""
    data = _data(model)
    category = data["profile"]["categories"][model.category_index(category_id)]
    category.update({key: _plain(value) for key, value in changes.items()})
    return validate_model(data)


def with_activities(model: LeadModel, entries: Sequence[Mapping[str, Any]]) -> LeadModel:
    """The model with its whole list of engagement entries replaced."""
    data = _data(model)
    data["engagement"]["activities"] = [
        {key: value for key, value in _mapping(entry, f"engagement.activities[{index}]").items() if not is_blank(value)}
        for index, entry in enumerate(entries)
    ]
    return validate_model(data)


def with_activity_entries(model: LeadModel, rows: Sequence[Mapping[str, Any]],
                          recency: Mapping[str, Any] | None = None) -> LeadModel:
    """The model with its activity entries replaced by the rows of the activity table; the
    field entries stay as they are. A model that had no activity entries has no recency
    yet: the first activity comes with ``recency`` (the page's setting), else a 30-day
    half-life. A row without a ``where`` key keeps its entry's filter (the table has no such column)."""
    rows = [_mapping(row, f"engagement.activities[{index}]") for index, row in enumerate(rows)]
    filters = {entry.id: entry.where for entry in model.activity_entries if entry.where}
    entries = [_keeping_where(dict(row), filters) for row in rows if not is_blank(row.get("id"))]
    entries += [entry.model_dump(by_alias=True, exclude_none=True) for entry in model.field_entries]
    if model.engagement.recency is None and any(not is_blank(row.get("activity")) for row in entries):
        model = with_recency(model, recency or DEFAULT_RECENCY)
    return with_activities(model, entries)


def _keeping_where(row: dict[str, Any], filters: Mapping[str, Any]) -> dict[str, Any]:
    """A table row without a ``where`` column keeps the filter its entry (same id) had."""
    if "where" not in row and row.get("id") in filters:
        row["where"] = filters[row["id"]]
    return row


def with_recency(model: LeadModel, recency: Mapping[str, Any]) -> LeadModel:
    data = _data(model)
    recency = _mapping(recency, "engagement.recency")
    data["engagement"]["recency"] = {key: value for key, value in recency.items() if value is not None}
    return validate_model(data)


def _plain(value: Any) -> Any:
    if isinstance(value, Rule):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def with_columns(model: LeadModel, leads: Mapping[str, str], activities: Mapping[str, str]) -> LeadModel:
    """The model with a new column mapping; identity entries (field == column) are dropped."""
    data = _data(model)
    leads, activities = _mapping(leads, "columns.leads"), _mapping(activities, "columns.activities")
    leads = {field: column for field, column in leads.items() if column and column != field}
    activities = {field: column for field, column in activities.items() if column and column != field}
    if leads or activities:
        data["columns"] = {"leads": leads, "activities": activities}
    else:
        data.pop("columns", None)
    return validate_model(data)


def with_routing(model: LeadModel, rows: Sequence[Mapping[str, Any]]) -> LeadModel:
    """The model with cells routed as the rows say ({rating, action, sla_hours}); a cell whose
    route equals the default is stored as no entry. A cell moved from sales to another action
    loses its SLA (sales' deadline to act on the lead)."""
    data = _data(model)
    default = data["routing"].get("default", {"action": "nurture"})
    cells = {}
    for index, row in enumerate(rows):
        row = _mapping(row, f"routing.cells (row {index + 1})")
        if is_blank(row.get("rating")):
            raise ModelError([Problem("routing.cells", f"row {index + 1} has no rating; use one of A1..D4")])
        action = "" if is_blank(row.get("action")) else str(row["action"]).strip()
        sla = cell_number(row.get("sla_hours"), f"routing.cells.{row['rating']}.sla_hours")
        if action != SALES_ACTION and model.routing.route_for(str(row["rating"])).action == SALES_ACTION:
            sla = None  # moved off sales: the SLA was sales' deadline, nobody's once the lead is nurtured
        route = {"action": action} | ({"sla_hours": sla} if sla else {})
        recycle = row["recycle"] if "recycle" in row else model.routing.route_for(str(row["rating"])).recycle
        route |= {} if is_blank(recycle) else {"recycle": str(recycle).strip()}  # a table without the column keeps it
        if route != default:
            cells[str(row["rating"])] = route
    data["routing"]["cells"] = cells
    return validate_model(data)


