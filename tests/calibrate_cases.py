"""A history small enough to work out by hand, shared by the calibration tests.

One profile category (tier a = 100, b = 60, c = 20, weight 100) and one engagement field
(visits >= 10: 80, >= 5: 40); all leads created within one month (so leads a month =
leads). Grades A 90, B 50, C 10 and 1 70, 2 30, 3 10; A1 goes to sales.

lead  tier visits  profile engagement rating accepted converted
L1    a    12      100     80         A1     yes      yes
L2    a    6       100     40         A2     yes      no
L3    b    12      60      80         B1     yes      yes
L4    b    6       60      40         B2     no       no
L5    c    12      20      80         C1     no       no
L6    c    0       20      0          C4     no       no
L7    a    0       100     0          A4     no       no
L8    b    0       60      0          B4     (none)   no

The two-category case for suggested weights (``two_category_model``, ``two_category_leads``):
X (a = 100, b = 0) says nothing, both values having the same outcomes; Y (good = 100, bad = 0)
does: 3 of 4 good leads accepted, 1 of 4 bad ones, for each X. With X balanced against Y and
an intercept, the fit's gradient for X is 0 at X = 0, so X gets weight 0 exactly and Y 100.
Now (50/50, A4 and B4 to sales: profile >= 50) the 8 good and the 4 (a, bad) leads go to
sales, 7 of 12 accepted; with Y alone the 8 good leads score 100 (A): 6 of 8. All 16 leads
are created on one day, so leads a month = leads.
"""

from __future__ import annotations

import itertools

import pandas as pd

import scoring

MODEL = {
    "name": "hand case",
    "profile": {
        "categories": [{"id": "tier", "field": "tier", "weight": 100, "default": 0, "rules": [
            {"match": {"in": ["a"]}, "value": 100}, {"match": {"in": ["b"]}, "value": 60},
            {"match": {"in": ["c"]}, "value": 20}]}],
        "grades": {"A": 90, "B": 50, "C": 10, "D": 0},
    },
    "engagement": {
        "activities": [{"id": "visits", "field": "visits", "rules": [
            {"match": {"gte": 10}, "value": 80}, {"match": {"gte": 5}, "value": 40}]}],
        "grades": {"1": 70, "2": 30, "3": 10, "4": 0},
    },
    "routing": {"default": {"action": "nurture"}, "cells": {"A1": {"action": "sales", "sla_hours": 24}}},
}


def hand_model(**changes: object) -> scoring.LeadModel:
    return scoring.validate_model({**MODEL, **changes})


def hand_leads(**columns: list) -> pd.DataFrame:
    frame = pd.DataFrame({
        "lead_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "created_at": pd.date_range("2025-01-01", periods=8, freq="D").astype(str),
        "tier": ["a", "a", "b", "b", "c", "c", "a", "b"],
        "visits": [12, 6, 12, 6, 12, 0, 0, 0],
        "accepted": ["true", "true", "true", "false", "false", "false", "false", ""],
        "converted": ["true", "false", "true", "false", "false", "false", "false", "false"],
    })
    for name, values in columns.items():
        if values is None:
            frame = frame.drop(columns=name)
        else:
            frame[name] = values
    return frame


def hand_scorer(leads: pd.DataFrame | None = None, activities: pd.DataFrame | None = None) -> scoring.Scorer:
    return scoring.Scorer(hand_leads() if leads is None else leads, activities)


TWO_CATEGORY_MODEL = {
    "name": "two",
    "profile": {"categories": [
        {"id": "x", "field": "x", "weight": 50, "rules": [{"match": {"in": ["a"]}, "value": 100}]},
        {"id": "y", "field": "y", "weight": 50, "rules": [{"match": {"in": ["good"]}, "value": 100}]}],
        "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
    "engagement": {"activities": [], "grades": {"1": 3, "2": 2, "3": 1, "4": 0}},
    "routing": {"cells": {"A4": {"action": "sales"}, "B4": {"action": "sales"}}},
}


def two_category_model() -> scoring.LeadModel:
    return scoring.validate_model(TWO_CATEGORY_MODEL)


def two_category_leads() -> pd.DataFrame:
    rows = []
    for x, y in itertools.product("ab", ("good", "bad")):
        outcomes = ["true", "true", "true", "false"] if y == "good" else ["true", "false", "false", "false"]
        rows += [{"x": x, "y": y, "accepted": o} for o in outcomes]
    leads = pd.DataFrame(rows)
    leads.insert(0, "lead_id", range(1, len(leads) + 1))
    leads["created_at"] = "2025-01-01"
    return leads
