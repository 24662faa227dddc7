"""Explanations (scoring/explain.py): the rule each category matched, what each activity added,
and that the story always adds up to the scores ``score`` gives.

The leads are built to hit chosen rules; every lead is scored at a fixed ``scored_at`` so the
activity ages (0, 10, 30, 60, 400 days) and their decay factors are known exactly.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import DataError, Scorer, parse_model, score
from scoring.explain import explain, explain_lead
from scoring.report import explanation_text

MODEL_YAML = """
schema_version: 1
name: Explain test model
profile:
  categories:
    - id: industry
      label: Industry
      field: industry
      weight: 30
      rules:
        - {match: {in: [Software, Financial Services]}, value: 100}
        - {match: {in: [Manufacturing, Healthcare]}, value: 60}
      default: 20
    - id: size
      field: employees
      weight: 25
      rules:
        - {match: {gte: 1000}, value: 100}
        - {match: {range: [200, 1000]}, value: 70}
        - {match: {missing: true}, value: 0}
      default: 30
    - id: title
      label: Job title
      field: job_title
      weight: 25
      rules:
        - {match: {contains_any: [student, intern]}, value: -100}
        - {match: {contains_any: [chief, vp, director]}, value: 100}
        - {match: {contains_any: [manager, head]}, value: 60}
      default: 10
    - id: country
      field: country
      weight: 20
      rules:
        - {match: {in: [US, CA, GB, DE]}, value: 100}
      default: 40
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  recency: {half_life_days: 30, max_age_days: 365}
  activities:
    - {id: demo, label: Demo request, activity: demo_request, points: 40, max_count: 1}
    - {id: pricing, activity: pricing_page_visit, points: 10, max_count: 3}
    - {id: webinar, activity: webinar_attended, points: 15}
    - {id: email_click, activity: email_click, points: 3, max_count: 5}
    - {id: unsubscribe, activity: unsubscribe, points: -30}
    - id: visits
      label: Website visits
      field: total_visits
      rules:
        - {match: {gte: 10}, value: 20}
        - {match: {gte: 3}, value: 8}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  default: {action: nurture}
  cells:
    A1: {action: sales, sla_hours: 24}
    B1: {action: sales, sla_hours: 24}
    A2: {action: sales, sla_hours: 48}
    D4: {action: discard}
"""

MODEL = parse_model(MODEL_YAML)
SCORED_AT = pd.Timestamp("2026-03-01T00:00:00Z")


def days_before(days: float) -> str:
    return (SCORED_AT - pd.Timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")


def make_leads() -> pd.DataFrame:
    """L1: top of every category. L2: a student with nothing else (disqualified).
    L3: middle rules. L4: no scored_at, so it is measured at the run's as_of."""
    return pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4"],
        "industry": ["Software", "Retail", "Manufacturing", "Healthcare"],
        "employees": [5000.0, np.nan, 450.0, 150.0],
        "job_title": ["VP Sales", "Student", "Marketing Manager", "Head of IT"],
        "country": ["US", "fr", "ca", "DE"],
        "total_visits": [12, 0, 5, 1],
        "scored_at": ["2026-03-01", "2026-03-01", "2026-03-01T00:00:00Z", None],
    })


def make_activities() -> pd.DataFrame:
    rows = [
        ("L1", "demo_request", days_before(0)),
        ("L1", "demo_request", days_before(30)),
        ("L1", "demo_request", "2026-03-05T00:00:00"),  # after L1 was scored: never counts
        ("L1", "pricing_page_visit", days_before(60)),
        ("L1", "pricing_page_visit", days_before(30)),
        ("L1", "Pricing_Page_Visit ", days_before(0)),  # type compared trimmed, ignoring case
        ("L1", "email_click", days_before(30)),
        ("L2", "unsubscribe", days_before(0)),
        ("L3", "webinar_attended", days_before(10)),
        ("L3", "webinar_attended", days_before(400)),  # past max_age_days: factor 0
        ("L3", "newsletter_signup", days_before(5)),  # no entry counts it
        ("L4", "demo_request", "2026-03-05T00:00:00"),  # the latest activity: the run's as_of
        ("nobody", "demo_request", days_before(1)),  # an unknown lead: ignored
    ]
    return pd.DataFrame(rows, columns=["lead_id", "activity", "occurred_at"])


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(make_leads(), make_activities())


def reason(reasons, id_):
    [found] = [r for r in reasons if r.id == id_]
    return found


# ------------------------------------------------------------------ bad input


def test_unknown_lead_id_raises_data_error(scorer):
    with pytest.raises(DataError, match="no lead with lead_id 'L99'"):
        explain_lead(scorer, MODEL, "L99")


def test_unknown_lead_id_in_one_off_explain_raises_data_error():
    with pytest.raises(DataError):
        explain(MODEL, make_leads(), make_activities(), 12345)


def test_missing_model_field_column_raises_data_error_naming_it():
    leads = make_leads().rename(columns={"job_title": "jobtitle"})
    with pytest.raises(DataError, match=r"job_title \(closest: jobtitle\)"):
        explain(MODEL, leads, make_activities(), "L1")


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


# ------------------------------------------------------------------ as_of, ids, mapping


def test_lead_without_scored_at_is_measured_at_latest_activity(scorer):
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
    mapped = explain(MODEL, leads, activities, "L1", mapping=mapping)
    plain = explain(MODEL, make_leads(), make_activities(), "L1")
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
    data = explain(MODEL, leads, activities, 1).as_dict()
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
    scored = score(MODEL, make_leads(), make_activities())
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
