"""Small models and tables shared by the engine's test modules."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

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


# --- Scorer -------------------------------------------------------------------------------------


SCORER_LEADS = pd.DataFrame({
    "lead_id": ["a", "b", "c", "d"],
    "industry": ["Software", "retail", None, "1"],
    "employees": ["5000", "300", "n/a", ""],
    "visits": [12, 3, 0, None],
    "scored_at": ["", "2024-03-20", "", "2024-03-01"],
})
SCORER_ACTIVITIES = acts([
    ("a", "demo", "2024-03-29"), ("a", "pricing", "2024-03-25T12:00:00"), ("b", "demo", "2024-03-10"),
    ("b", "pricing", "2024-03-19"), ("c", "pricing", "2024-02-01"), ("d", "demo", "2024-02-28"),
    ("b", "unsubscribe", "2024-03-15"),
])


def scorer_models():
    cats_a = [
        {"id": "i", "field": "industry", "weight": 60, "rules": [{"match": {"in": ["software"]}, "value": 100}]},
        {"id": "s", "field": "employees", "weight": 40, "rules": [{"match": {"gte": 1000}, "value": 100}]},
    ]
    # same matches as cats_a with other values and weights: a cache keyed on the wrong thing shows here
    cats_b = [
        {"id": "i", "field": "industry", "weight": 20, "rules": [{"match": {"in": ["software"]}, "value": 30}],
         "default": 50},
        {"id": "s", "field": "employees", "weight": 80, "rules": [{"match": {"gte": 200}, "value": 90},
                                                                  {"match": {"missing": True}, "value": -20}]},
    ]
    # same operators on swapped fields
    cats_c = [
        {"id": "i", "field": "employees", "weight": 50, "rules": [{"match": {"in": ["software", 300]}, "value": 100}]},
        {"id": "s", "field": "industry", "weight": 50, "rules": [{"match": {"gte": 1}, "value": 70}]},
    ]
    entries_a = [{"id": "d", "activity": "demo", "points": 40, "max_count": 1},
                 {"id": "p", "activity": "pricing", "points": 10}]
    entries_b = [{"id": "d", "activity": "pricing", "points": 25, "max_count": 2},
                 {"id": "u", "activity": "unsubscribe", "points": -30},
                 {"id": "v", "field": "visits", "rules": [{"match": {"gte": 3}, "value": 15}]}]
    return [
        make_model(categories=cats_a, entries=entries_a, recency={"half_life_days": 30}),
        make_model(categories=cats_b, entries=entries_b, recency={"half_life_days": 7, "max_age_days": 20},
                   routing=ROUTING),
        make_model(categories=cats_c, entries=entries_a,
                   recency={"windows": [{"within_days": 7, "factor": 1}, {"within_days": 30, "factor": 0.5}]},
                   letters={"A": 90, "B": 60, "C": 10, "D": 0}),
        make_model(categories=cats_a, entries=entries_b, recency={"half_life_days": 30}),
    ]


# --- random models and tables for the property tests ---------------------------------------------

value_st = st.one_of(
    st.none(),
    st.integers(-50, 3000),
    st.floats(-100, 3000, allow_nan=False),
    st.sampled_from(["Software", " software ", "retail", "", "  ", "n/a", "1,000", "1000", "VP Sales", "x"]),
)
match_st = st.one_of(
    st.lists(st.sampled_from(["software", "RETAIL", 1000, 5, "n/a"]), min_size=1, max_size=3).map(lambda v: {"in": v}),
    st.lists(st.sampled_from(["vp", "soft", "1", "a"]), min_size=1, max_size=2).map(lambda v: {"contains_any": v}),
    st.integers(-100, 3000).map(lambda v: {"gte": v}),
    st.integers(-100, 3000).map(lambda v: {"lt": v}),
    st.tuples(st.none() | st.integers(-100, 1000), st.none() | st.integers(1000, 3000)).map(
        lambda r: {"range": list(r)}
    ),
    st.just({"missing": True}),
)
rule_st = st.fixed_dictionaries({"match": match_st, "value": st.integers(-100, 100)})
# an activity's lifecycle, as event logs write it, and an entry's filter on it
lifecycle_st = st.sampled_from(["COMPLETE", " complete ", "START", "schedule", None, "", "  ", 1, 1.0, "1.0", 2.5])
where_st = st.lists(st.sampled_from(["complete", "START", 1, "1.0", 2.5, "n/a"]), min_size=1, max_size=3).map(
    lambda items: {"lifecycle": items})


@st.composite
def weights_st(draw, count):
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 100]
    return [bounds[i + 1] - bounds[i] for i in range(count)]


@st.composite
def scenario_st(draw):
    """A random model, leads (fields f0..f2, scored_at) and activities."""
    size = draw(st.integers(1, 8))
    count = draw(st.integers(1, 3))
    weights = draw(weights_st(count))
    categories = [
        {"id": f"c{i}", "field": f"f{i}", "weight": weights[i],
         "rules": draw(st.lists(rule_st, max_size=3)), "default": draw(st.integers(-100, 100))}
        for i in range(count)
    ]
    entries = [
        {"id": f"a{i}", "activity": kind, "points": draw(st.integers(-60, 60)),
         **({"max_count": m} if (m := draw(st.none() | st.integers(0, 4))) is not None else {}),
         **({"where": w} if (w := draw(st.none() | where_st)) is not None else {})}
        for i, kind in enumerate(["demo", "pricing", *(["demo"] if draw(st.booleans()) else [])])
    ]
    entries.append({"id": "fe", "field": "f0", "rules": draw(st.lists(rule_st, max_size=2))})
    recency = draw(st.one_of(
        st.builds(lambda h, m: {"half_life_days": h, **({"max_age_days": m} if m else {})},
                  st.integers(1, 60), st.none() | st.integers(1, 100)),
        st.just({"windows": [{"within_days": 7, "factor": 1.0}, {"within_days": 30, "factor": 0.5}]}),
    ))
    model = make_model(categories=categories, entries=entries, recency=recency)
    leads = pd.DataFrame({"lead_id": [f"L{i}" for i in range(size)]})
    for i in range(3):
        leads[f"f{i}"] = pd.Series(draw(st.lists(value_st, min_size=size, max_size=size)), dtype=object)
    leads["scored_at"] = draw(st.lists(st.sampled_from(["", "2024-03-20", "2024-03-31T12:00:00"]),
                                       min_size=size, max_size=size))
    rows = draw(st.lists(
        st.tuples(st.integers(0, size), st.sampled_from(["demo", "pricing", "other"]), st.floats(-5, 120),
                  lifecycle_st),
        max_size=15,
    ))
    base = pd.Timestamp("2024-03-31")
    activities = acts([(f"L{lead}", kind, (base - pd.Timedelta(days=age)).isoformat()) for lead, kind, age, _ in rows])
    activities["lifecycle"] = pd.Series([state for *_, state in rows], dtype=object)
    return model, leads, activities
