"""Small models and tables shared by the engine's test modules."""

from __future__ import annotations

import pandas as pd

from scoring import score, validate_model

LETTER_GRADES = {"A": 75, "B": 50, "C": 25, "D": 0}
NUMBER_GRADES = {"1": 60, "2": 35, "3": 15, "4": 0}
AS_OF = "2024-03-31"


def make_model(categories=None, entries=(), recency=None, letters=None, numbers=None, routing=None):
    """A valid model; by default one category on column ``x`` with no rules and default 0."""
    engagement = {"activities": list(entries), "grades": numbers or NUMBER_GRADES}
    if recency is not None:
        engagement["recency"] = recency
    data = {
        "name": "test",
        "profile": {
            "categories": categories or [{"id": "c", "field": "x", "weight": 100}],
            "grades": letters or LETTER_GRADES,
        },
        "engagement": engagement,
    }
    if routing is not None:
        data["routing"] = routing
    return validate_model(data)


def one_category(rules, default=None, field="x"):
    category = {"id": "c", "field": field, "weight": 100, "rules": rules}
    if default is not None:
        category["default"] = default
    return make_model(categories=[category])


def leads_of(values, column="x"):
    return pd.DataFrame({"lead_id": [f"L{i}" for i in range(len(values))], column: values})


def profile_scores(model, leads) -> list[float]:
    return score(model, leads)["profile_score"].tolist()


def activity_model(points=10, max_count=None, recency=None, activity="demo"):
    entry = {"id": "a", "activity": activity, "points": points}
    if max_count is not None:
        entry["max_count"] = max_count
    return make_model(entries=[entry], recency=recency or {"half_life_days": 30})


def days_before(as_of: str, *days: float) -> list[str]:
    base = pd.Timestamp(as_of)
    return [(base - pd.Timedelta(days=day)).isoformat() for day in days]


def engagement_of(model, leads, activities, as_of=AS_OF) -> list[float]:
    return score(model, leads, activities, as_of)["engagement_score"].tolist()


def acts(rows):
    """Activities frame from (lead_id, activity, occurred_at) tuples."""
    return pd.DataFrame(rows, columns=["lead_id", "activity", "occurred_at"])


ONE_LEAD = pd.DataFrame({"lead_id": ["L1"], "x": ["a"]})


ROUTING = {
    "default": {"action": "nurture"},
    "cells": {"A1": {"action": "sales", "sla_hours": 24}, "B1": {"action": "sales"},
              "D1": {"action": "discard"}},
}
