"""Scoring: profile, engagement, grades, as_of, routing and the Scorer (MODEL_FORMAT.md "Meaning")."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import DataError, Scorer, score, validate_model
from scoring.engine import OUTPUT_COLUMNS, decay_factors, grade
from scoring.model import LETTERS, NUMBERS, Recency

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


# --- decay --------------------------------------------------------------------------------------


def test_decay_factors_half_life_fractional_days():
    recency = Recency(half_life_days=30)
    ages = np.array([0.0, 29.0, 30.0, 12.25, 90.0])
    expected = [1.0, 0.5 ** (29 / 30), 0.5, 0.5 ** (12.25 / 30), 0.125]
    assert decay_factors(ages, recency).tolist() == pytest.approx(expected)


def test_decay_factors_zero_for_negative_age_and_past_max_age():
    recency = Recency(half_life_days=10, max_age_days=20)
    factors = decay_factors(np.array([-0.001, 20.0, 20.001]), recency)
    assert factors.tolist() == pytest.approx([0.0, 0.25, 0.0])


def test_decay_factors_windows_first_window_with_within_days_at_least_age():
    recency = Recency(windows=[{"within_days": 7, "factor": 1.0}, {"within_days": 30, "factor": 0.75},
                               {"within_days": 90, "factor": 0.5}])
    ages = np.array([0.0, 7.0, 7.0001, 30.0, 30.5, 90.0, 90.0001, 400.0])
    assert decay_factors(ages, recency).tolist() == [1.0, 1.0, 0.75, 0.75, 0.5, 0.5, 0.0, 0.0]


def test_decay_factors_no_max_age_means_no_limit():
    recency = Recency(half_life_days=100)
    assert decay_factors(np.array([10_000.0]), recency)[0] == pytest.approx(0.5**100)


# --- engagement ---------------------------------------------------------------------------------


def test_single_activity_half_life_decay():
    activities = acts([("L1", "demo", t) for t in days_before(AS_OF, 29)])
    assert engagement_of(activity_model(points=40), ONE_LEAD, activities) == pytest.approx([40 * 0.5 ** (29 / 30)])


def test_decay_uses_fractional_days_from_timestamps():
    activities = acts([("L1", "demo", "2024-03-21T12:00:00"), ("L1", "demo", "2024-03-30T18:00:00")])
    model = activity_model(points=10, recency={"half_life_days": 7})
    # ages 9.5 and 0.25 days
    assert engagement_of(model, ONE_LEAD, activities) == pytest.approx([10 * (0.5 ** (9.5 / 7) + 0.5 ** (0.25 / 7))])


def test_windows_decay_with_boundaries():
    leads = pd.DataFrame({"lead_id": ["a", "b", "c", "d", "e"], "x": "v"})
    ages = [7, 7.5, 30, 30.25, 0]
    activities = acts([(lead, "demo", t) for lead, t in zip("abcde", days_before(AS_OF, *ages), strict=True)])
    recency = {"windows": [{"within_days": 7, "factor": 1.0}, {"within_days": 30, "factor": 0.5}]}
    assert engagement_of(activity_model(points=20, recency=recency), leads, activities) == [20, 10, 10, 0, 20]


def test_max_age_days_boundary_counts_and_beyond_does_not():
    leads = pd.DataFrame({"lead_id": ["a", "b"], "x": "v"})
    activities = acts([("a", "demo", days_before(AS_OF, 10)[0]), ("b", "demo", days_before(AS_OF, 10.001)[0])])
    model = activity_model(points=20, recency={"half_life_days": 10, "max_age_days": 10})
    assert engagement_of(model, leads, activities) == pytest.approx([10.0, 0.0])


def test_max_age_days_with_windows():
    leads = pd.DataFrame({"lead_id": ["a", "b"], "x": "v"})
    activities = acts([("a", "demo", days_before(AS_OF, 20)[0]), ("b", "demo", days_before(AS_OF, 25)[0])])
    recency = {"windows": [{"within_days": 30, "factor": 1.0}], "max_age_days": 20}
    assert engagement_of(activity_model(points=20, recency=recency), leads, activities) == [20, 0]


def test_activity_after_scored_at_contributes_nothing():
    leads = pd.DataFrame({"lead_id": ["L1"], "x": ["v"], "scored_at": ["2024-03-10"]})
    activities = acts([("L1", "demo", "2024-03-10T00:00:01"), ("L1", "demo", "2024-03-20")])
    assert engagement_of(activity_model(points=40), leads, activities) == [0.0]


def test_activity_at_scored_at_counts_fully():
    leads = pd.DataFrame({"lead_id": ["L1"], "x": ["v"], "scored_at": ["2024-03-10"]})
    activities = acts([("L1", "demo", "2024-03-10")])
    assert engagement_of(activity_model(points=40), leads, activities) == [40.0]


def test_max_count_caps_decayed_sum_not_raw_count():
    # three activities one half-life old: D = 1.5; a cap of 2 leaves 1.5 (a raw-count cap would give 2)
    activities = acts([("L1", "demo", t) for t in days_before(AS_OF, 30, 30, 30)])
    assert engagement_of(activity_model(points=10, max_count=2), ONE_LEAD, activities) == pytest.approx([15.0])
    assert engagement_of(activity_model(points=10, max_count=1), ONE_LEAD, activities) == pytest.approx([10.0])


def test_max_count_caps_fresh_activities():
    activities = acts([("L1", "demo", t) for t in days_before(AS_OF, 0, 0, 0, 0, 0)])
    assert engagement_of(activity_model(points=10, max_count=3), ONE_LEAD, activities) == pytest.approx([30.0])


def test_max_count_fractional_and_zero():
    activities = acts([("L1", "demo", t) for t in days_before(AS_OF, 0, 0)])
    assert engagement_of(activity_model(points=10, max_count=1.5), ONE_LEAD, activities) == pytest.approx([15.0])
    assert engagement_of(activity_model(points=10, max_count=0), ONE_LEAD, activities) == [0.0]


def test_no_cap_when_max_count_left_out():
    activities = acts([("L1", "demo", t) for t in days_before(AS_OF, *([0] * 20))])
    assert engagement_of(activity_model(points=3), ONE_LEAD, activities) == pytest.approx([60.0])


def test_engagement_clipped_at_100():
    activities = acts([("L1", "demo", t) for t in days_before(AS_OF, 0, 0, 0)])
    assert engagement_of(activity_model(points=40), ONE_LEAD, activities) == [100.0]


def test_negative_points_pull_down_and_clip_at_zero():
    model = make_model(
        entries=[
            {"id": "unsub", "activity": "unsubscribe", "points": -30},
            {"id": "visits", "field": "y", "rules": [{"match": {"gte": 10}, "value": 50}]},
        ],
        recency={"half_life_days": 30},
    )
    leads = pd.DataFrame({"lead_id": ["a", "b"], "x": "v", "y": [12, 1]})
    activities = acts([("a", "unsubscribe", AS_OF), ("b", "unsubscribe", AS_OF)])
    assert engagement_of(model, leads, activities) == [20.0, 0.0]


def test_negative_points_decay_too():
    model = make_model(
        entries=[
            {"id": "demo", "activity": "demo", "points": 40},
            {"id": "unsub", "activity": "unsubscribe", "points": -30},
        ],
        recency={"half_life_days": 30},
    )
    activities = acts([("L1", "demo", AS_OF), ("L1", "unsubscribe", days_before(AS_OF, 30)[0])])
    assert engagement_of(model, ONE_LEAD, activities) == pytest.approx([40 - 15])


def test_several_entries_add_up():
    model = make_model(
        entries=[
            {"id": "demo", "activity": "demo_request", "points": 40, "max_count": 1},
            {"id": "pricing", "activity": "pricing_page_visit", "points": 10, "max_count": 3},
        ],
        recency={"half_life_days": 30},
    )
    activities = acts([
        ("L1", "demo_request", days_before(AS_OF, 29)[0]),
        ("L1", "pricing_page_visit", days_before(AS_OF, 1)[0]),
        ("L1", "pricing_page_visit", days_before(AS_OF, 2)[0]),
    ])
    expected = 40 * 0.5 ** (29 / 30) + 10 * (0.5 ** (1 / 30) + 0.5 ** (2 / 30))
    assert engagement_of(model, ONE_LEAD, activities) == pytest.approx([expected])


def test_activity_types_match_trimmed_ignoring_case():
    activities = acts([
        ("L1", "DEMO_REQUEST ", AS_OF),
        ("L1", "\tdemo_request", AS_OF),
        ("L1", "demo request", AS_OF),
        ("L1", "demo_requests", AS_OF),
    ])
    model = activity_model(points=10, activity=" Demo_Request")
    assert engagement_of(model, ONE_LEAD, activities) == [20.0]


def test_activities_of_other_leads_and_unknown_leads_are_ignored():
    leads = pd.DataFrame({"lead_id": ["a", "b"], "x": "v"})
    activities = acts([("a", "demo", AS_OF), ("zzz", "demo", AS_OF), ("a", "demo", AS_OF)])
    assert engagement_of(activity_model(points=10), leads, activities) == [20.0, 0.0]


def test_activity_with_empty_occurred_at_is_ignored():
    activities = acts([("L1", "demo", AS_OF), ("L1", "demo", ""), ("L1", "demo", None)])
    assert engagement_of(activity_model(points=10), ONE_LEAD, activities) == [10.0]


def test_lead_ids_join_as_trimmed_text():
    leads = pd.DataFrame({"lead_id": [17, 18], "x": "v"})
    activities = acts([(" 17", "demo", AS_OF), ("17", "demo", AS_OF), ("18 ", "demo", AS_OF)])
    assert engagement_of(activity_model(points=10), leads, activities) == [20.0, 10.0]


def test_lead_ids_join_float_activity_ids_with_text_lead_ids():
    leads = pd.DataFrame({"lead_id": ["17", " 18"], "x": "v"})
    activities = pd.DataFrame({"lead_id": [17.0, 18.0, np.nan], "activity": "demo", "occurred_at": AS_OF})
    assert engagement_of(activity_model(points=10), leads, activities) == [10.0, 10.0]


def test_lead_ids_join_float_in_object_column():
    leads = pd.DataFrame({"lead_id": pd.Series([17.0, "x"], dtype=object), "x": "v"})
    activities = acts([("17", "demo", AS_OF)])
    assert engagement_of(activity_model(points=10), leads, activities) == [10.0, 0.0]


def test_field_entry_first_matching_rule_no_decay_zero_when_none():
    model = make_model(
        entries=[{"id": "visits", "field": "y", "rules": [
            {"match": {"gte": 10}, "value": 20}, {"match": {"gte": 3}, "value": 8},
        ]}],
        recency={"half_life_days": 1, "max_age_days": 1},
    )
    leads = pd.DataFrame({
        "lead_id": range(6), "x": "v", "y": pd.Series([12, 5, 1, None, "abc", "10"], dtype=object),
        "scored_at": "2020-01-01",
    })
    assert score(model, leads, None, AS_OF)["engagement_score"].tolist() == [20, 8, 0, 0, 0, 20]


def test_field_entry_negative_value():
    model = make_model(entries=[
        {"id": "bounce", "field": "bounced", "rules": [{"match": {"in": ["yes"]}, "value": -20}]},
        {"id": "visits", "field": "y", "rules": [{"match": {"gte": 0}, "value": 50}]},
    ])
    leads = pd.DataFrame({"lead_id": [1, 2], "x": "v", "bounced": ["YES", "no"], "y": [1, 1]})
    assert score(model, leads)["engagement_score"].tolist() == [30.0, 50.0]


def test_no_activities_table_gives_only_field_entries():
    assert engagement_of(activity_model(points=10), ONE_LEAD, None) == [0.0]


# --- scored_at and as_of ------------------------------------------------------------------------


def test_per_lead_scored_at_used_else_run_as_of():
    leads = pd.DataFrame({"lead_id": ["a", "b", "c"], "x": "v", "scored_at": ["2024-03-11", "", None]})
    activities = acts([(lead, "demo", "2024-03-01") for lead in "abc"])
    model = activity_model(points=10, recency={"half_life_days": 10})
    # a: age 10 (scored_at); b, c: age 20 (run as_of 2024-03-21)
    assert engagement_of(model, leads, activities, "2024-03-21") == pytest.approx([5.0, 2.5, 2.5])


def test_blank_scored_at_uses_run_as_of():
    leads = pd.DataFrame({"lead_id": ["a"], "x": "v", "scored_at": ["   "]})
    activities = acts([("a", "demo", "2024-03-01")])
    model = activity_model(points=10, recency={"half_life_days": 10})
    assert engagement_of(model, leads, activities, "2024-03-11") == pytest.approx([5.0])


def test_default_as_of_is_latest_occurred_at_of_whole_table():
    leads = pd.DataFrame({"lead_id": ["a"], "x": "v"})
    # the latest activity belongs to an unknown lead, and one row has no date
    activities = acts([("a", "demo", "2024-03-01"), ("unknown", "demo", "2024-03-11T00:00:00"), ("a", "demo", "")])
    model = activity_model(points=10, recency={"half_life_days": 10})
    assert engagement_of(model, leads, activities, None) == pytest.approx([5.0])
    assert Scorer(leads, activities).as_of == pd.Timestamp("2024-03-11", tz="UTC")


def test_as_of_argument_overrides_default():
    leads = pd.DataFrame({"lead_id": ["a"], "x": "v"})
    activities = acts([("a", "demo", "2024-03-01")])
    model = activity_model(points=10, recency={"half_life_days": 10})
    assert engagement_of(model, leads, activities, "2024-03-21") == pytest.approx([2.5])
    assert engagement_of(model, leads, activities, pd.Timestamp("2024-03-11")) == pytest.approx([5.0])


def test_date_without_time_is_midnight():
    activities = acts([("L1", "demo", "2024-03-01")])
    model = activity_model(points=10, recency={"half_life_days": 1})
    assert engagement_of(model, ONE_LEAD, activities, "2024-03-01T12:00:00") == pytest.approx([10 * 0.5**0.5])


def test_timestamps_with_zone_are_converted_to_utc():
    # 06:00+06:00 is midnight UTC; 20:00-04:00 the day before is midnight UTC of 03-02
    leads = pd.DataFrame({"lead_id": ["a", "b"], "x": "v", "scored_at": ["2024-03-01T20:00:00-04:00", ""]})
    activities = acts([("a", "demo", "2024-03-01T06:00:00+06:00"), ("b", "demo", "2024-03-01T06:00:00+06:00")])
    model = activity_model(points=10, recency={"half_life_days": 1})
    result = engagement_of(model, leads, activities, "2024-03-03T02:00:00+02:00")
    assert result == pytest.approx([5.0, 2.5])


def test_timestamp_without_zone_is_utc():
    activities = acts([("L1", "demo", "2024-03-01T00:00:00")])
    model = activity_model(points=10, recency={"half_life_days": 1})
    assert engagement_of(model, ONE_LEAD, activities, "2024-03-02T00:00:00Z") == pytest.approx([5.0])


def test_datetime_columns_are_accepted():
    leads = pd.DataFrame({"lead_id": ["a"], "x": "v", "scored_at": pd.to_datetime(["2024-03-11"])})
    activities = pd.DataFrame({"lead_id": ["a"], "activity": "demo", "occurred_at": pd.to_datetime(["2024-03-01"])})
    model = activity_model(points=10, recency={"half_life_days": 10})
    assert engagement_of(model, leads, activities, None) == pytest.approx([5.0])


# --- routing and output shape -------------------------------------------------------------------


ROUTING = {
    "default": {"action": "nurture"},
    "cells": {"A1": {"action": "sales", "sla_hours": 24}, "B1": {"action": "sales"},
              "D1": {"action": "discard"}},
}


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


def test_scorer_equals_score_for_each_model_in_sequence():
    scorer = Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
    models = scorer_models()
    for model in [*models, *reversed(models)]:
        expected = score(model, SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
        pd.testing.assert_frame_equal(scorer.score(model), expected)


def test_scorer_models_really_differ():
    scorer = Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
    results = [scorer.score(model) for model in scorer_models()]
    for first, second in itertools.pairwise(results):
        assert not first[["profile_score", "engagement_score"]].equals(second[["profile_score", "engagement_score"]])


def test_scorer_score_equals_score_function():
    model = scorer_models()[0]
    pd.testing.assert_frame_equal(
        Scorer(SCORER_LEADS, SCORER_ACTIVITIES).score(model), score(model, SCORER_LEADS, SCORER_ACTIVITIES)
    )


def test_scorer_pinned_numbers():
    result = Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30").score(scorer_models()[0])
    # profile: a Software + 5000 -> 100; b -> 0; c -> 0; d -> 0
    assert result["profile_score"].tolist() == [100, 0, 0, 0]
    # a: demo age 1, pricing age 4.5; b (scored 03-20): demo age 10, pricing age 1; c: pricing age 58;
    # d (scored 03-01): demo age 2
    expected = [
        40 * 0.5 ** (1 / 30) + 10 * 0.5 ** (4.5 / 30),
        40 * 0.5 ** (10 / 30) + 10 * 0.5 ** (1 / 30),
        10 * 0.5 ** (58 / 30),
        40 * 0.5 ** (2 / 30),
    ]
    assert result["engagement_score"].tolist() == pytest.approx(expected)


# --- properties ---------------------------------------------------------------------------------

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
         **({"max_count": m} if (m := draw(st.none() | st.integers(0, 4))) is not None else {})}
        for i, kind in enumerate(["demo", "pricing"])
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
        st.tuples(st.integers(0, size), st.sampled_from(["demo", "pricing", "other"]), st.floats(-5, 120)),
        max_size=15,
    ))
    base = pd.Timestamp("2024-03-31")
    activities = acts([(f"L{lead}", kind, (base - pd.Timedelta(days=age)).isoformat()) for lead, kind, age in rows])
    return model, leads, activities


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st())
def test_scores_stay_within_0_and_100_and_grades_agree(scenario):
    model, leads, activities = scenario
    result = score(model, leads, activities, AS_OF)
    assert ((result["profile_score"] >= 0) & (result["profile_score"] <= 100)).all()
    assert ((result["engagement_score"] >= 0) & (result["engagement_score"] <= 100)).all()
    letters = grade(result["profile_score"].to_numpy(), LETTER_GRADES, LETTERS)
    assert result["profile_grade"].tolist() == letters.tolist()
    assert (result["rating"] == result["profile_grade"] + result["engagement_grade"]).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st(), st.randoms(use_true_random=False))
def test_permuting_leads_permutes_output(scenario, random):
    model, leads, activities = scenario
    order = list(range(len(leads)))
    random.shuffle(order)
    shuffled = leads.iloc[order].reset_index(drop=True)
    expected = score(model, leads, activities, AS_OF).iloc[order]
    pd.testing.assert_frame_equal(score(model, shuffled, activities, AS_OF), expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st(), st.data())
def test_shifting_weight_to_a_category_valued_100_never_lowers_profile(scenario, data):
    model, leads, _ = scenario
    categories = model.model_dump(by_alias=True, exclude_none=True)["profile"]["categories"]
    target = data.draw(st.integers(0, len(categories) - 1))
    # the first lead matches a value-100 rule of the target category
    categories[target]["rules"].insert(0, {"match": {"in": ["__hit__"]}, "value": 100})
    leads = leads.copy()
    leads.loc[0, categories[target]["field"]] = "__hit__"
    before = make_model(categories=categories)
    moved = data.draw(st.integers(0, 100 - int(categories[target]["weight"])))
    for i, category in enumerate(categories):  # take `moved` from the others
        if i == target or not moved:
            continue
        taken = min(moved, int(category["weight"]))
        category["weight"] -= taken
        categories[target]["weight"] += taken
        moved -= taken
    after = make_model(categories=categories)
    old = score(before, leads)["profile_score"].iloc[0]
    new = score(after, leads)["profile_score"].iloc[0]
    assert new >= old - 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st(), st.integers(0, 7), st.floats(-5, 120))
def test_adding_positive_activity_never_lowers_engagement_at_fixed_as_of(scenario, lead, age):
    # With as_of fixed (the default as_of would move with a newer activity and age the others),
    # min(D, max_count) never decreases in D and clipping is monotone, so one more activity of an
    # entry with positive points cannot lower the score; it stays equal when the cap is reached,
    # the score is clipped at 100, or the activity's age is negative or past max_age_days.
    model, leads, activities = scenario
    entry = next((e for e in model.activity_entries if e.points > 0), None)
    if entry is None:
        return
    lead_id = leads["lead_id"].iloc[lead % len(leads)]
    occurred = (pd.Timestamp("2024-03-31") - pd.Timedelta(days=age)).isoformat()
    more = pd.concat([activities, acts([(lead_id, entry.activity, occurred)])], ignore_index=True)
    old = score(model, leads, activities, AS_OF)["engagement_score"]
    new = score(model, leads, more, AS_OF)["engagement_score"]
    assert (new >= old - 1e-9).all()
    others = leads["lead_id"] != lead_id
    assert new[others.to_numpy()].tolist() == old[others.to_numpy()].tolist()
