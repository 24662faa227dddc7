"""Scoring the engagement axis: decay, activities, caps, lead-id joins, scored_at and as_of
(MODEL_FORMAT.md "Meaning")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from enginecases import (
    AS_OF,
    ONE_LEAD,
    activity_model,
    acts,
    days_before,
    engagement_of,
    make_model,
)

from scoring import Scorer, score
from scoring.engine.scorer import AsOfRequired, decay_factors
from scoring.model.schema import Recency

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


def test_without_an_as_of_the_latest_activity_is_never_used():
    leads = pd.DataFrame({"lead_id": ["a"], "x": "v"})
    # the latest activity belongs to an unknown lead, and one row has no date
    activities = acts([("a", "demo", "2024-03-01"), ("unknown", "demo", "2024-03-11T00:00:00"), ("a", "demo", "")])
    model = activity_model(points=10, recency={"half_life_days": 10})
    with pytest.raises(AsOfRequired, match=r"1 lead has activities but no hand-over moment.*--as-of now"):
        engagement_of(model, leads, activities, None)
    assert engagement_of(model, leads, activities, "2024-03-11") == pytest.approx([5.0])
    assert Scorer(leads, activities, "2024-03-11").as_of == pd.Timestamp("2024-03-11", tz="UTC")


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
