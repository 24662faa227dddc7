"""Explanations (scoring/explain.py): the rule each category matched and what each activity
added (the cases are in tests/explaincases.py; as-of, ids, output forms and the agreement
with ``score`` are in test_explain_output.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from explaincases import (
    MODEL,
    RUN_AS_OF,
    make_activities,
    make_leads,
    reason,
)

from scoring import DataError, Scorer
from scoring.engine.explain import explain, explain_lead
from scoring.measures.report import explanation_text


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(make_leads(), make_activities(), RUN_AS_OF)


# ------------------------------------------------------------------ bad input


def test_unknown_lead_id_raises_data_error(scorer):
    with pytest.raises(DataError, match="no lead with lead_id 'L99'"):
        explain_lead(scorer, MODEL, "L99")


def test_unknown_lead_id_in_one_off_explain_raises_data_error():
    with pytest.raises(DataError):
        explain(MODEL, make_leads(), make_activities(), 12345, RUN_AS_OF)


def test_missing_model_field_column_raises_data_error_naming_it():
    leads = make_leads().rename(columns={"job_title": "jobtitle"})
    with pytest.raises(DataError, match=r"job_title \(closest: jobtitle\)"):
        explain(MODEL, leads, make_activities(), "L1", RUN_AS_OF)


# ------------------------------------------------------------------ profile reasons


def test_explanation_names_the_first_matching_rule(scorer):
    e = explain_lead(scorer, MODEL, "L1")
    assert [(r.id, r.rule) for r in e.categories] == [
        ("industry", "rule 1: in [Software, Financial Services]"),
        ("size", "rule 1: >= 1000"),
        ("title", "rule 2: contains any of [chief, vp, director]"),
        ("country", "rule 1: in [US, CA, GB, DE]"),
    ]
    assert [r.label for r in e.categories] == ["Industry", "size", "Job title", "country"]
    assert [r.field for r in e.categories] == ["industry", "employees", "job_title", "country"]
    assert [r.value for r in e.categories] == ["Software", 5000.0, "VP Sales", "US"]


def test_explanation_names_default_and_middle_rules(scorer):
    l2 = explain_lead(scorer, MODEL, "L2")
    assert [r.rule for r in l2.categories] == [
        "default", "rule 3: is missing", "rule 1: contains any of [student, intern]", "default"]
    l3 = explain_lead(scorer, MODEL, "L3")
    assert [r.rule for r in l3.categories] == [
        "rule 2: in [Manufacturing, Healthcare]", "rule 2: in range [200, 1000)",
        "rule 3: contains any of [manager, head]", "rule 1: in [US, CA, GB, DE]"]


def test_category_points_are_weight_times_share(scorer):
    e = explain_lead(scorer, MODEL, "L3")
    assert [(r.share, r.weight) for r in e.categories] == [(60, 30), (70, 25), (60, 25), (100, 20)]
    assert [r.points for r in e.categories] == pytest.approx([18.0, 17.5, 15.0, 20.0])
    for r in e.categories:
        assert r.points == pytest.approx(r.weight * r.share / 100)


def test_category_points_sum_to_profile_score(scorer):
    for lead_id, expected in (("L1", 100.0), ("L3", 70.5), ("L4", 60.5)):
        e = explain_lead(scorer, MODEL, lead_id)
        assert sum(r.points for r in e.categories) == pytest.approx(expected)
        assert e.profile_raw == pytest.approx(expected)
        assert e.profile_score == pytest.approx(expected)


def test_disqualified_lead_shows_raw_sum_and_clipping(scorer):
    e = explain_lead(scorer, MODEL, "L2")
    # 30*20/100 + 25*0/100 + 25*(-100)/100 + 20*40/100 = 6 + 0 - 25 + 8
    assert [r.points for r in e.categories] == pytest.approx([6.0, 0.0, -25.0, 8.0])
    assert e.profile_raw == pytest.approx(-11.0)
    assert e.profile_score == 0.0
    assert e.profile_grade == "D"
    text = explanation_text(e)
    assert "Profile 0.0 (D)  (sum -11.0, clipped)" in text


def test_unclipped_profile_has_no_clipping_note(scorer):
    text = explanation_text(explain_lead(scorer, MODEL, "L3"))
    assert "Profile 70.5 (B)" in text
    assert "clipped" not in text.splitlines()[1]


# ------------------------------------------------------------------ engagement reasons


def test_activity_reasons_count_decay_and_cap(scorer):
    e = explain_lead(scorer, MODEL, "L1")
    demo = reason(e.activities, "demo")
    # ages 0 and 30 (the one after scored_at is not counted): D = 1 + 0.5, capped at 1
    assert (demo.occurrences, demo.points_each, demo.max_count) == (2, 40.0, 1)
    assert demo.decayed_count == pytest.approx(1.5)
    assert demo.counted == pytest.approx(1.0)
    assert demo.points == pytest.approx(40.0)
    assert demo.label == "Demo request" and demo.activity == "demo_request"
    pricing = reason(e.activities, "pricing")
    # ages 0, 30, 60: D = 1 + 0.5 + 0.25 = 1.75 < max_count 3
    assert pricing.occurrences == 3
    assert (pricing.decayed_count, pricing.counted, pricing.points) == pytest.approx((1.75, 1.75, 17.5))
    click = reason(e.activities, "email_click")
    assert (click.occurrences, click.decayed_count, click.counted, click.points) == pytest.approx(
        (1, 0.5, 0.5, 1.5))
    webinar = reason(e.activities, "webinar")
    assert (webinar.occurrences, webinar.decayed_count, webinar.points) == (0, 0.0, 0.0)
    assert webinar.max_count is None


def test_field_entry_reason(scorer):
    visits = reason(explain_lead(scorer, MODEL, "L1").fields, "visits")
    assert (visits.rule, visits.value, visits.share, visits.points) == ("rule 1: >= 10", 12, 20.0, 20.0)
    assert visits.label == "Website visits" and visits.field == "total_visits"
    none = reason(explain_lead(scorer, MODEL, "L4").fields, "visits")
    assert (none.rule, none.points) == ("default", 0.0)


def test_engagement_reasons_sum_to_engagement_score(scorer):
    e = explain_lead(scorer, MODEL, "L1")
    # 40 (demo) + 17.5 (pricing) + 1.5 (email click) + 20 (visits)
    assert e.engagement_raw == pytest.approx(79.0)
    assert e.engagement_score == pytest.approx(79.0)
    assert (e.rating, e.action, e.sla_hours) == ("A1", "sales", 24)


def test_activity_past_max_age_is_listed_with_factor_zero(scorer):
    e = explain_lead(scorer, MODEL, "L3")
    webinar = reason(e.activities, "webinar")
    assert webinar.decayed_count == pytest.approx(0.5 ** (10 / 30))
    assert webinar.points == pytest.approx(15 * 0.5 ** (10 / 30))
    old = e.events[e.events["age_days"] > 365]
    assert old["age_days"].tolist() == pytest.approx([400.0])
    assert old["factor"].tolist() == [0.0]
    # 8 (visits: 5 >= 3) + 15 * 0.5 ** (1/3)
    assert e.engagement_score == pytest.approx(8 + 15 * 0.5 ** (10 / 30))
    assert (e.rating, e.action, e.sla_hours) == ("B3", "nurture", None)


def test_negative_points_clip_engagement_and_note_it(scorer):
    e = explain_lead(scorer, MODEL, "L2")
    unsubscribe = reason(e.activities, "unsubscribe")
    assert (unsubscribe.occurrences, unsubscribe.points) == (1, -30.0)
    assert e.engagement_raw == pytest.approx(-30.0)
    assert e.engagement_score == 0.0
    assert (e.rating, e.action) == ("D4", "discard")
    assert "Engagement 0.0 (4)  (sum -30.0, clipped)" in explanation_text(e)


def test_events_listed_newest_first_with_age_factor_and_entry(scorer):
    events = explain_lead(scorer, MODEL, "L1").events
    assert list(events.columns) == ["activity", "occurred_at", "age_days", "factor", "entry"]
    assert events["age_days"].tolist() == pytest.approx([0, 0, 30, 30, 30, 60])
    assert events["factor"].tolist() == pytest.approx([1, 1, 0.5, 0.5, 0.5, 0.25])
    assert sorted(events["entry"]) == ["demo", "demo", "email_click", "pricing", "pricing", "pricing"]
    assert "2026-03-05T00:00:00" not in events["occurred_at"].tolist()  # after scoring


def test_events_of_uncounted_type_have_no_entry(scorer):
    events = explain_lead(scorer, MODEL, "L3").events
    row = events[events["activity"] == "newsletter_signup"].iloc[0]
    assert pd.isna(row["entry"])
    assert row["age_days"] == pytest.approx(5.0)


def test_lead_without_activities_has_empty_events():
    e = explain(MODEL, make_leads(), None, "L1")
    assert len(e.events) == 0
    assert all(a.occurrences == 0 and a.points == 0 for a in e.activities)
    assert e.engagement_score == pytest.approx(20.0)  # visits only
