"""Explanations (scoring/explain.py): as-of moments, lead ids and column mapping, the
dictionary and text forms, and that the story always adds up to the scores ``score``
gives."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from explaincases import (
    MODEL,
    RUN_AS_OF,
    SCORED_AT,
    make_activities,
    make_leads,
    reason,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import Scorer, score
from scoring.engine.explain import explain, explain_lead
from scoring.measures.report import explanation_text


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(make_leads(), make_activities(), RUN_AS_OF)


# ------------------------------------------------------------------ as_of, ids, mapping


def test_lead_without_scored_at_is_measured_at_the_runs_as_of(scorer):
    e = explain_lead(scorer, MODEL, "L4")
    assert e.as_of == pd.Timestamp("2026-03-05T00:00:00Z")
    assert reason(e.activities, "demo").points == pytest.approx(40.0)
    assert e.rating == "B2"
    assert explain_lead(scorer, MODEL, "L1").as_of == SCORED_AT


def test_explicit_as_of_applies_to_leads_without_scored_at_only():
    e4 = explain(MODEL, make_leads(), make_activities(), "L4", as_of="2026-04-04")
    assert e4.as_of == pd.Timestamp("2026-04-04T00:00:00Z")
    assert reason(e4.activities, "demo").points == pytest.approx(20.0)  # 30 days old
    assert e4.rating == "B3"
    e1 = explain(MODEL, make_leads(), make_activities(), "L1", as_of="2026-04-04")
    assert e1.as_of == SCORED_AT
    assert e1.engagement_score == pytest.approx(79.0)


def test_numeric_lead_ids_are_found_by_text_or_number():
    leads = make_leads().assign(lead_id=[7, 8, 9, 10])
    by_number = explain(MODEL, leads, None, 9)
    by_text = explain(MODEL, leads, None, " 9 ")
    assert by_number.lead_id == 9 and by_text.lead_id == 9
    assert by_number.rating == by_text.rating == "B4"  # no activities: visits 8 only


def test_mapping_renames_columns_for_explain():
    leads = make_leads().rename(columns={"industry": "Sector", "lead_id": "id"})
    activities = make_activities().rename(columns={"lead_id": "contact"})
    mapping = {"leads": {"industry": "Sector", "lead_id": "id"}, "activities": {"lead_id": "contact"}}
    mapped = explain(MODEL, leads, activities, "L1", RUN_AS_OF, mapping=mapping)
    plain = explain(MODEL, make_leads(), make_activities(), "L1", RUN_AS_OF)
    assert mapped.as_dict() == plain.as_dict()


# ------------------------------------------------------------------ as_dict and text


def test_as_dict_is_json_serialisable(scorer):
    for lead_id in ("L1", "L2", "L3", "L4"):
        data = explain_lead(scorer, MODEL, lead_id).as_dict()
        text = json.dumps(data, allow_nan=False)
        back = json.loads(text)
        assert back["lead_id"] == lead_id
        assert back["rating"] == data["rating"]


def test_as_dict_contents(scorer):
    data = explain_lead(scorer, MODEL, "L2").as_dict()
    assert data["as_of"] == "2026-03-01T00:00:00+00:00"
    size = next(c for c in data["categories"] if c["id"] == "size")
    assert size["value"] is None  # NaN employees
    assert size["rule"] == "rule 3: is missing"
    assert [e["activity"] for e in data["events"]] == ["unsubscribe"]
    assert data["events"][0]["factor"] == 1.0
    assert data["sla_hours"] is None
    assert {a["id"] for a in data["activities"]} == {"demo", "pricing", "webinar", "email_click", "unsubscribe"}
    l3_events = explain_lead(scorer, MODEL, "L3").as_dict()["events"]
    assert [e["entry"] for e in l3_events] == [None, "webinar", "webinar"]  # newsletter: no entry


def test_as_dict_with_datetime_columns_and_integer_ids():
    leads = make_leads().assign(lead_id=[1, 2, 3, 4], scored_at=pd.to_datetime(
        ["2026-03-01", "2026-03-01", "2026-03-01", None], utc=True))
    activities = make_activities()
    activities = activities[activities["lead_id"] != "nobody"].assign(
        lead_id=lambda f: f["lead_id"].str[1:].astype(int),
        occurred_at=lambda f: pd.to_datetime(f["occurred_at"], utc=True))
    data = explain(MODEL, leads, activities, 1, RUN_AS_OF).as_dict()
    back = json.loads(json.dumps(data, allow_nan=False))
    assert back["lead_id"] == 1
    assert back["events"][0]["occurred_at"].startswith("2026-03-01T00:00:00")
    assert back["rating"] == "A1"


def test_explanation_text_headline_and_lines(scorer):
    text = explanation_text(explain_lead(scorer, MODEL, "L1"))
    lines = text.splitlines()
    assert lines[0] == "Lead L1: A1 -> sales, within 24 h"
    assert lines[1] == "Profile 100.0 (A)"
    assert any(line.strip().startswith("Industry") and "rule 1: in [Software" in line for line in lines)
    assert any("Demo request" in line and "2 x, decayed 1.50, cap 1 x 40 pts = +40.0" in line for line in lines)
    assert lines[-1] == "Ages measured at 2026-03-01 00:00 UTC"


# ------------------------------------------------------------------ agreement with score()


def assert_matches_score(explanation, row):
    assert explanation.rating == row["rating"]
    assert explanation.action == row["action"]
    assert explanation.profile_grade == row["profile_grade"]
    assert explanation.engagement_grade == row["engagement_grade"]
    assert explanation.profile_score == pytest.approx(row["profile_score"], abs=1e-9)
    assert explanation.engagement_score == pytest.approx(row["engagement_score"], abs=1e-9)
    expected_sla = None if math.isnan(row["sla_hours"]) else row["sla_hours"]
    assert explanation.sla_hours == expected_sla
    assert min(max(explanation.profile_raw, 0), 100) == pytest.approx(explanation.profile_score, abs=1e-9)
    assert min(max(explanation.engagement_raw, 0), 100) == pytest.approx(
        explanation.engagement_score, abs=1e-9)


def test_explanation_equals_score_for_every_lead(scorer):
    scored = score(MODEL, make_leads(), make_activities(), RUN_AS_OF)
    for lead_id, row in scored.iterrows():
        assert_matches_score(explain_lead(scorer, MODEL, lead_id), row)


def test_explanation_equals_score_for_every_lead_with_as_of():
    scored = score(MODEL, make_leads(), make_activities(), as_of="2026-06-01")
    for lead_id, row in scored.iterrows():
        e = explain(MODEL, make_leads(), make_activities(), lead_id, as_of="2026-06-01")
        assert_matches_score(e, row)


LEAD = st.fixed_dictionaries({
    "industry": st.sampled_from(["Software", "manufacturing", "Retail", "", None]),
    "employees": st.one_of(st.none(), st.integers(0, 5000).map(str), st.just("1,000"), st.just("n/a")),
    "job_title": st.sampled_from(["VP Sales", "intern", "Head of Data", "Analyst", None]),
    "country": st.sampled_from(["US", " gb ", "FR", None]),
    "total_visits": st.integers(0, 30),
    "scored": st.one_of(st.none(), st.integers(0, 100)),  # days after 2026-01-01, or no scored_at
    "events": st.lists(st.tuples(
        st.sampled_from(["demo_request", "pricing_page_visit", "webinar_attended", "email_click",
                         "unsubscribe", "other"]),
        st.integers(-20, 500)), max_size=8),  # days before 2026-04-11 (the fallback as_of)
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leads=st.lists(LEAD, min_size=1, max_size=6))
def test_explanation_adds_up_to_score_for_random_leads(leads):
    base = pd.Timestamp("2026-01-01")
    as_of = pd.Timestamp("2026-04-11")
    frame = pd.DataFrame({
        "lead_id": [f"x{i}" for i in range(len(leads))],
        **{key: [lead[key] for lead in leads]
           for key in ("industry", "employees", "job_title", "country", "total_visits")},
        "scored_at": [None if lead["scored"] is None else str(base + pd.Timedelta(days=lead["scored"]))
                      for lead in leads],
    })
    activity_rows = [(f"x{i}", kind, str(as_of - pd.Timedelta(days=age)))
                     for i, lead in enumerate(leads) for kind, age in lead["events"]]
    activities = pd.DataFrame(activity_rows, columns=["lead_id", "activity", "occurred_at"])
    scorer = Scorer(frame, activities, as_of=as_of)
    scored = scorer.score(MODEL)
    for lead_id, row in scored.iterrows():
        e = explain_lead(scorer, MODEL, lead_id)
        assert_matches_score(e, row)
        assert e.profile_raw == pytest.approx(sum(r.weight * r.share / 100 for r in e.categories))
        assert e.engagement_raw == pytest.approx(
            sum(r.points for r in e.fields) + sum(a.points for a in e.activities))
        for a in e.activities:
            cap = math.inf if a.max_count is None else a.max_count
            assert a.counted == pytest.approx(min(a.decayed_count, cap))
            assert a.points == pytest.approx(a.points_each * a.counted)
            assert a.decayed_count <= a.occurrences + 1e-9
        assert (e.events["age_days"] >= 0).all()
        assert e.events["age_days"].is_monotonic_increasing
        json.dumps(e.as_dict(), allow_nan=False)
