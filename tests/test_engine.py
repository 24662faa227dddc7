"""Scoring: bad input, rules and the profile score, grades, routing and the output shape
(MODEL_FORMAT.md "Meaning")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from enginecases import (
    AS_OF,
    LETTER_GRADES,
    NUMBER_GRADES,
    ONE_LEAD,
    ROUTING,
    activity_model,
    acts,
    leads_of,
    make_model,
    one_category,
    profile_scores,
)

from scoring import DataError, score
from scoring.engine.scorer import OUTPUT_COLUMNS, grade
from scoring.model.schema import LETTERS, NUMBERS

# --- bad inputs ---------------------------------------------------------------------------------


def test_missing_model_field_column_is_refused_with_closest_name():
    leads = pd.DataFrame({"lead_id": [1], "Industry": ["Software"]})
    model = one_category([{"match": {"in": ["Software"]}, "value": 100}], field="industry")
    with pytest.raises(DataError) as error:
        score(model, leads)
    assert "industry" in str(error.value)
    assert "closest: Industry" in str(error.value)


def test_missing_field_entry_column_is_refused():
    model = make_model(entries=[{"id": "v", "field": "total_visits", "rules": [{"match": {"gte": 1}, "value": 5}]}])
    with pytest.raises(DataError, match="total_visits"):
        score(model, ONE_LEAD)


def test_activities_without_required_columns_are_refused():
    activities = pd.DataFrame({"lead_id": ["L1"], "activity": ["demo"]})
    with pytest.raises(DataError, match="occurred_at"):
        score(activity_model(), ONE_LEAD, activities, AS_OF)


def test_duplicate_lead_ids_are_refused():
    with pytest.raises(DataError, match="unique"):
        score(make_model(), pd.DataFrame({"lead_id": [1, 2, 1], "x": ["a", "b", "c"]}))


def test_unreadable_as_of_is_refused():
    with pytest.raises(DataError, match="as_of"):
        score(activity_model(), ONE_LEAD, None, "not a date")


def test_unreadable_occurred_at_is_refused_naming_column():
    activities = acts([("L1", "demo", "2024-03-01"), ("L1", "demo", "yesterday")])
    with pytest.raises(DataError, match="occurred_at") as error:
        score(activity_model(), ONE_LEAD, activities, AS_OF)
    assert "yesterday" in str(error.value)


# --- rules and profile score --------------------------------------------------------------------


def test_first_matching_rule_wins():
    rules = [
        {"match": {"gte": 10}, "value": 50},
        {"match": {"gte": 100}, "value": 100},
        {"match": {"in": [500]}, "value": 80},
    ]
    assert profile_scores(one_category(rules), leads_of([500, 50, 5])) == [50, 50, 0]


def test_default_when_no_rule_matches():
    rules = [{"match": {"in": ["Software"]}, "value": 100}]
    assert profile_scores(one_category(rules, default=20), leads_of(["Software", "Retail", None])) == [100, 20, 20]


def test_default_is_zero_when_left_out():
    rules = [{"match": {"in": ["Software"]}, "value": 100}]
    assert profile_scores(one_category(rules), leads_of(["Retail", None])) == [0, 0]


def test_missing_rule_catches_missing_before_default():
    rules = [{"match": {"gte": 1000}, "value": 100}, {"match": {"missing": True}, "value": 5}]
    values = [None, np.nan, "", "  ", "n/a", "1,000", "1000"]
    assert profile_scores(one_category(rules, default=30), leads_of(pd.Series(values, dtype=object))) == [
        5, 5, 5, 5, 30, 30, 100,
    ]


SPEC_CATEGORIES = [
    {
        "id": "industry", "field": "industry", "weight": 30, "default": 20,
        "rules": [
            {"match": {"in": ["Software", "Financial Services"]}, "value": 100},
            {"match": {"in": ["Manufacturing", "Healthcare"]}, "value": 60},
        ],
    },
    {
        "id": "size", "field": "employees", "weight": 25, "default": 30,
        "rules": [
            {"match": {"gte": 1000}, "value": 100},
            {"match": {"range": [200, 1000]}, "value": 70},
            {"match": {"missing": True}, "value": 0},
        ],
    },
    {
        "id": "title", "field": "job_title", "weight": 25, "default": 10,
        "rules": [
            {"match": {"contains_any": ["chief", "vp", "vice president", "director"]}, "value": 100},
            {"match": {"contains_any": ["manager", "head"]}, "value": 60},
        ],
    },
    {
        "id": "country", "field": "country", "weight": 20, "default": 40,
        "rules": [{"match": {"in": ["US", "CA", "GB", "DE"]}, "value": 100}],
    },
]


def test_profile_score_is_weighted_sum_of_rule_values():
    leads = pd.DataFrame({
        "lead_id": ["a", "b", "c"],
        "industry": ["software", "Healthcare", "Retail"],
        "employees": ["500", "5000", ""],
        "job_title": ["Marketing Manager", "VP Sales", "Intern"],
        "country": ["FR", " us ", "DE"],
    })
    result = score(make_model(categories=SPEC_CATEGORIES), leads)
    # a: 30*100 + 25*70 + 25*60 + 20*40  (/100) = 30 + 17.5 + 15 + 8
    # b: 30*60 + 25*100 + 25*100 + 20*100 (/100) = 18 + 25 + 25 + 20
    # c: 30*20 + 25*0 + 25*10 + 20*100 (/100) = 6 + 0 + 2.5 + 20
    assert result["profile_score"].tolist() == pytest.approx([70.5, 88.0, 28.5])
    assert result["profile_grade"].tolist() == ["B", "A", "C"]


def test_negative_value_disqualifier_clips_profile_at_zero():
    categories = [
        {"id": "domain", "field": "domain", "weight": 50,
         "rules": [{"match": {"in": ["competitor.com"]}, "value": -100}], "default": 100},
        {"id": "size", "field": "size", "weight": 50, "rules": [], "default": 60},
    ]
    leads = pd.DataFrame({"lead_id": [1, 2], "domain": ["competitor.com", "client.com"], "size": [1, 1]})
    result = score(make_model(categories=categories), leads)
    # -50 + 30 = -20 -> 0; 50 + 30 = 80
    assert result["profile_score"].tolist() == [0.0, 80.0]
    assert result["profile_grade"].tolist() == ["D", "A"]


def test_negative_value_pulls_profile_down_without_clipping():
    categories = [
        {"id": "a", "field": "x", "weight": 40, "default": -50},
        {"id": "b", "field": "x", "weight": 60, "default": 100},
    ]
    assert profile_scores(make_model(categories=categories), leads_of(["v"])) == pytest.approx([40.0])


def test_profile_score_clipped_at_100_when_weights_sum_just_over_100():
    categories = [
        {"id": "a", "field": "x", "weight": 50.004, "default": 100},
        {"id": "b", "field": "x", "weight": 50.004, "default": 100},
    ]
    assert profile_scores(make_model(categories=categories), leads_of(["v"])) == [100.0]


def test_zero_weight_category_contributes_nothing():
    categories = [
        {"id": "a", "field": "x", "weight": 0, "default": 100},
        {"id": "b", "field": "x", "weight": 100, "default": 10},
    ]
    assert profile_scores(make_model(categories=categories), leads_of(["v"])) == [10.0]


# --- grades -------------------------------------------------------------------------------------


def test_grade_letter_edges():
    scores = np.array([100, 75, 75 - 1e-10, 75 - 1e-8, 50, 50 - 1e-10, 50 - 1e-8, 25, 25 - 1e-8, 0, 1e-12])
    assert grade(scores, LETTER_GRADES, LETTERS).tolist() == ["A", "A", "A", "B", "B", "B", "C", "C", "D", "D", "D"]


def test_grade_number_edges():
    scores = np.array([60, 60 - 1e-10, 60 - 1e-8, 35, 35 - 1e-10, 35 - 1e-8, 15, 15 - 1e-10, 15 - 1e-8, 0])
    assert grade(scores, NUMBER_GRADES, NUMBERS).tolist() == ["1", "1", "2", "2", "2", "3", "3", "3", "4", "4"]


def test_letter_at_exact_threshold_through_engine():
    scores = []
    for value in (75, 50, 25, 0, 24):
        scores.append(score(one_category([], default=value), leads_of(["v"]))["profile_grade"].iloc[0])
    assert scores == ["A", "B", "C", "D", "D"]


def test_float_sum_just_below_threshold_reaches_it():
    # 33.3*60/100 + 33.3*60/100 + 33.4*60/100 == 59.99999999999999 in floating point
    categories = [
        {"id": "a", "field": "x", "weight": 33.3, "default": 60},
        {"id": "b", "field": "x", "weight": 33.3, "default": 60},
        {"id": "c", "field": "x", "weight": 33.4, "default": 60},
    ]
    model = make_model(categories=categories, letters={"A": 60, "B": 40, "C": 20, "D": 0})
    result = score(model, leads_of(["v"]))
    assert result["profile_score"].iloc[0] == pytest.approx(60.0)
    assert result["profile_grade"].iloc[0] == "A"


def test_custom_thresholds_are_used():
    model = make_model(
        categories=[{"id": "c", "field": "x", "weight": 100, "rules": [
            {"match": {"in": ["a"]}, "value": 90}, {"match": {"in": ["b"]}, "value": 89},
        ]}],
        letters={"A": 90, "B": 60, "C": 30, "D": 0},
    )
    assert score(model, leads_of(["a", "b"]))["profile_grade"].tolist() == ["A", "B"]


def test_engagement_numbers_through_field_entry():
    rules = [{"match": {"in": [v]}, "value": v} for v in (60, 35, 15, 14, 0)]
    model = make_model(entries=[{"id": "f", "field": "y", "rules": rules}])
    leads = pd.DataFrame({"lead_id": range(5), "x": "v", "y": [60, 35, 15, 14, 0]})
    result = score(model, leads)
    assert result["engagement_score"].tolist() == [60, 35, 15, 14, 0]
    assert result["engagement_grade"].tolist() == ["1", "2", "3", "4", "4"]
    assert result["rating"].tolist() == ["D1", "D2", "D3", "D4", "D4"]


# --- routing and output shape -------------------------------------------------------------------

def routed(values, routing=ROUTING):
    model = make_model(
        categories=[{"id": "c", "field": "x", "weight": 100, "rules": [
            {"match": {"in": ["a"]}, "value": 100}, {"match": {"in": ["b"]}, "value": 60},
        ]}],
        entries=[{"id": "e", "field": "y", "rules": [{"match": {"gte": 0}, "value": 100}]}],
        routing=routing,
    )
    leads = pd.DataFrame({"lead_id": range(len(values)), "x": values, "y": 1})
    return score(model, leads)


def test_routing_from_cell_else_default():
    result = routed(["a", "b", "c", "z"])
    assert result["rating"].tolist() == ["A1", "B1", "D1", "D1"]
    assert result["action"].tolist() == ["sales", "sales", "discard", "discard"]
    sla = result["sla_hours"].tolist()
    assert sla[0] == 24
    assert np.isnan(sla[1]) and np.isnan(sla[2])


def test_routing_default_used_for_rating_without_cell():
    routing = {"default": {"action": "nurture:fast-track", "sla_hours": 72}, "cells": {"A1": {"action": "sales"}}}
    result = routed(["a", "b"], routing)
    assert result["action"].tolist() == ["sales", "nurture:fast-track"]
    assert np.isnan(result["sla_hours"].iloc[0])
    assert result["sla_hours"].iloc[1] == 72


def test_routing_left_out_is_nurture():
    model = make_model()
    assert score(model, leads_of(["v"]))["action"].tolist() == ["nurture"]


def test_output_columns_and_index():
    result = routed(["a"])
    assert list(result.columns) == list(OUTPUT_COLUMNS)
    assert list(result.columns) == [
        "profile_score", "profile_grade", "engagement_score", "engagement_grade", "rating", "action", "sla_hours",
    ]
    assert result.index.name == "lead_id"


def test_output_in_input_order():
    leads = pd.DataFrame({"lead_id": ["c", "a", "b"], "x": ["z", "a", "b"]})
    model = one_category([{"match": {"in": ["a"]}, "value": 100}, {"match": {"in": ["b"]}, "value": 50}])
    result = score(model, leads)
    assert result.index.tolist() == ["c", "a", "b"]
    assert result["profile_score"].tolist() == [0, 100, 50]


def test_leads_indexed_by_lead_id_are_accepted():
    leads = pd.DataFrame({"lead_id": ["c", "a"], "x": ["a", "z"]}).set_index("lead_id")
    model = one_category([{"match": {"in": ["a"]}, "value": 100}])
    result = score(model, leads)
    assert result.index.tolist() == ["c", "a"]
    assert result["profile_score"].tolist() == [100, 0]


def test_empty_leads_give_empty_output():
    result = score(make_model(), pd.DataFrame({"lead_id": pd.Series([], dtype=object), "x": []}))
    assert len(result) == 0
    assert list(result.columns) == list(OUTPUT_COLUMNS)
