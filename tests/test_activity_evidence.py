"""Per activity type and entry (issue 19, scoring/activity_evidence.py): occurrences counted,
after the hand-over, too old, without a moment; the leads that had it before the hand-over
and their outcomes; what explain leaves out. A hand case, then a property test against a
merge of the raw rows in pandas."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import Scorer, parse_model
from scoring.engine.explain import explain_lead
from scoring.measures.activity_evidence import (
    activity_evidence,
    counts_text,
    field_counts_text,
    type_timing,
)
from scoring.measures.metrics import wilson_interval
from scoring.measures.report import explanation_text

MODEL = """
schema_version: 1
name: Demo
profile:
  categories:
    - {id: size, field: size, weight: 100, rules: [{match: {gte: 100}, value: 100}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  recency: {half_life_days: 30, max_age_days: 365}
  activities:
    - {id: demo, label: Demo request, activity: demo_request, points: 80}
    - {id: open, activity: email_open, points: 1}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
"""
AS_OF = "2026-04-01"


def _hand_case() -> Scorer:
    """L1 and L2 handed over on 1 March, L3 without a moment (the run's as-of, 1 April).
    demo_request: L1 on 20 Feb (counted) and 5 March (after), L2 on 1 Jan 2025 (424 days old:
    too old), L3 on 20 March (counted), an unknown lead L9 and an undated one of L2."""
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "size": [500, 20, 20],
                          "scored_at": ["2026-03-01", "2026-03-01", None], "accepted": ["yes", "no", "no"]})
    activities = pd.DataFrame({
        "lead_id": ["L1", "L1", "L2", "L3", "L9", "L2"],
        "activity": [" Demo_Request", "demo_request", "DEMO_REQUEST", "demo_request", "demo_request", "demo_request"],
        "occurred_at": ["2026-02-20", "2026-03-05", "2025-01-01", "2026-03-20", "2026-02-01", None]})
    return Scorer(leads, activities, as_of=AS_OF)


def test_an_entrys_occurrences_and_the_leads_that_had_it():
    evidence = activity_evidence(_hand_case(), parse_model(MODEL)).set_index("id")
    demo = evidence.loc["demo"]
    assert (demo["occurrences"], demo["counted"], demo["after_handover"], demo["too_old"], demo["not_aged"]) == (
        6, 2, 1, 1, 2)
    assert counts_text(demo) == "2 of 6 · 1 after hand-over · 1 too old · 2 without a hand-over moment or date"
    assert (demo["leads"], demo["decided"], demo["accepted"]) == (2, 2, 1)  # L1 accepted, L3 not
    assert (demo["acceptance_low"], demo["acceptance_high"]) == wilson_interval(1, 2)
    assert evidence.loc["open", "occurrences"] == 0 and evidence.loc["open", "leads"] == 0
    timing = type_timing(_hand_case()).set_index("activity").loc["demo_request"]
    assert timing.to_dict() == {"occurrences": 6, "before_handover": 3, "after_handover": 1, "not_aged": 2}


def test_explain_lists_what_it_left_out_as_after_the_hand_over():
    scorer = _hand_case()
    explanation = explain_lead(scorer, parse_model(MODEL), "L1")
    assert explanation.after_handover.to_dict(orient="records") == [
        {"activity": "demo_request", "occurred_at": "2026-03-05", "days_after": 4.0}]
    assert explanation.as_dict()["after_handover"] == [
        {"activity": "demo_request", "occurred_at": "2026-03-05", "days_after": 4.0}]
    text = explanation_text(explanation)
    assert ("Left out as after the hand-over: 1 activity (1 × demo_request), dated after this lead's hand-over "
            "moment") in text
    assert explain_lead(scorer, parse_model(MODEL), "L3").after_handover_text() is None


def test_a_lead_column_entry_counts_its_values():
    leads = pd.DataFrame({"lead_id": [1, 2, 3], "visits": [3, None, " "]})
    assert field_counts_text(Scorer(leads), "visits").startswith("`visits`: 1 leads have a value, 2 none.")


DAYS = st.one_of(st.none(), st.integers(0, 500))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(DAYS, st.sampled_from(["yes", "no", None])), min_size=1, max_size=25),
       st.lists(st.tuples(st.integers(1, 30), st.sampled_from(["demo_request", " Demo_Request", "email_open",
                                                              "EMAIL_OPEN "]), DAYS), max_size=80),
       st.sampled_from([None, 30.0, 365.0]))
def test_counts_match_a_merge_of_the_raw_rows(leads_rows, activity_rows, max_age):
    """Day n is 2025-01-01 + n days; the run's as-of is day 400 for leads without scored_at."""
    start = pd.Timestamp("2025-01-01")
    leads = pd.DataFrame({"lead_id": range(1, len(leads_rows) + 1), "size": 1,
                          "scored_at": [None if d is None else str(start + pd.Timedelta(days=d)) for d, _ in leads_rows],
                          "accepted": [a for _, a in leads_rows]})
    activities = pd.DataFrame({"lead_id": [i for i, _, _ in activity_rows], "activity": [t for _, t, _ in activity_rows],
                               "occurred_at": [None if d is None else str(start + pd.Timedelta(days=d))
                                               for _, _, d in activity_rows]},
                              columns=["lead_id", "activity", "occurred_at"]).astype({"lead_id": "int64"})
    as_of = start + pd.Timedelta(days=400)
    model = parse_model(MODEL.replace("max_age_days: 365", f"max_age_days: {max_age}" if max_age else "")
                        .replace("recency: {half_life_days: 30, }", "recency: {half_life_days: 30}"))
    scorer = Scorer(leads, activities, as_of=str(as_of))
    evidence = activity_evidence(scorer, model).set_index("activity")

    merged = activities.merge(leads, on="lead_id", how="left", indicator=True)
    moment = pd.to_datetime(merged["scored_at"]).fillna(as_of)
    occurred = pd.to_datetime(merged["occurred_at"])
    aged = (merged["_merge"] == "both") & occurred.notna()
    age = (moment - occurred).dt.days
    after = aged & (age < 0)
    counted = aged & (age >= 0) & ((age <= max_age) if max_age else True)
    types = merged["activity"].astype("string").str.strip().str.lower()
    for activity in ("demo_request", "email_open"):
        mine = types == activity
        row = evidence.loc[activity]
        assert row["occurrences"] == mine.sum()
        assert row["counted"] == (mine & counted).sum()
        assert row["after_handover"] == (mine & after).sum()
        assert row["not_aged"] == (mine & ~aged).sum()
        had = leads[leads["lead_id"].isin(merged.loc[mine & counted, "lead_id"])]
        assert row["leads"] == len(had)
        assert row["decided"] == had["accepted"].notna().sum()
        assert row["accepted"] == (had["accepted"] == "yes").sum()
    timing = type_timing(scorer).set_index("activity")
    for activity in timing.index:
        mine = types == activity
        assert timing.loc[activity, "after_handover"] == (mine & after).sum()
        assert timing.loc[activity, "before_handover"] == (mine & aged & (age >= 0)).sum()


def test_leadgrid_explain_names_the_left_out_activities(capsys):
    """Sample lead 100006 opened an e-mail on 2025-07-24, 18.9 days after its hand-over."""
    from clicases import ROOT, run

    args = ["explain", "--model", ROOT / "configs" / "default.yaml", "--leads", ROOT / "sample_data" / "leads.csv",
            "--activities", ROOT / "sample_data" / "activities.csv", "--lead", "100006"]
    code, out, _ = run(capsys, *args)
    assert code == 0 and "Left out as after the hand-over: 1 activity (1 × email_open)" in out
    code, out, _ = run(capsys, *args, "--format", "json")
    import json

    [left_out] = json.loads(out)["after_handover"]
    assert left_out["activity"] == "email_open" and left_out["occurred_at"].startswith("2025-07-24")
    assert round(left_out["days_after"], 1) == 18.9
