"""The hand-over moment (scoring/handover.py, Scorer's ``as_of`` and ``hand_over``): each
lead's activities are aged at its own hand-over moment; leads without one use the run's
as-of, which is never taken silently from the data, and they are counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import DataError, Scorer, validate_model
from scoring.engine.handover import HandOver
from scoring.engine.scorer import AsOfRequired

MODEL = validate_model({
    "name": "hand-over",
    "profile": {"categories": [{"id": "c", "label": "C", "field": "x", "weight": 100, "rules": []}],
                "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
    "engagement": {"activities": [{"id": "d", "activity": "demo", "points": 10}, {"id": "v", "activity": "visit", "points": 1}],
                   "recency": {"half_life_days": 10}, "grades": {"1": 75, "2": 50, "3": 25, "4": 0}},
    "routing": {"default": {"action": "nurture"}},
})


def leads(**columns) -> pd.DataFrame:
    return pd.DataFrame({"lead_id": ["a", "b", "c"], "x": "v", **columns})


ACTIVITIES = pd.DataFrame({
    "lead_id": ["a", "a", "b", "b", "c"],
    "activity": ["visit", "demo", "visit", "demo", "visit"],
    "occurred_at": ["2024-03-01", "2024-03-11", "2024-03-05", "2024-03-21", "2024-03-01"],
})


def engagement(scorer: Scorer) -> list[float]:
    return scorer.score(MODEL)["engagement_score"].round(9).tolist()


def test_scored_at_column_by_default_and_a_blank_one_needs_an_as_of():
    frame = leads(scored_at=["2024-03-11", "2024-03-21", None])
    with pytest.raises(AsOfRequired, match="1 lead has activities") as refused:
        Scorer(frame, ACTIVITIES)
    assert refused.value.leads == 1
    scorer = Scorer(frame, ACTIVITIES, "2024-03-01")
    # a: demo at 0 days (10) + visit at 10 days (0.5); b: demo 0 days + visit 16 days; c: visit at 0 days
    assert engagement(scorer) == pytest.approx([10.5, 10 + 0.5 ** 1.6, 1.0])
    counts = scorer.hand_over_counts
    assert (counts.with_moment, counts.without_moment, counts.fell_back) == (2, 1, 1)
    assert counts.choice == "the scored_at column"
    assert "1 leads without a hand-over moment" in counts.sentence()


def test_a_lead_without_a_moment_and_without_activities_needs_no_as_of():
    frame = leads(scored_at=["2024-03-11", "2024-03-21", None])
    scorer = Scorer(frame, ACTIVITIES[ACTIVITIES["lead_id"] != "c"])
    assert scorer.hand_over_counts.fell_back == 0
    assert scorer.as_of is None


def test_days_after_a_column():
    frame = leads(created_at=["2024-03-01", "2024-03-11", "2024-02-20"])
    scorer = Scorer(frame, ACTIVITIES, hand_over="created_at+10d")
    # a: handed over 03-11 (demo 0 days, visit 10); b: 03-21 (demo 0, visit 16); c: 03-01 (visit 0)
    assert engagement(scorer) == pytest.approx([10.5, 10 + 0.5 ** 1.6, 1.0])
    assert scorer.hand_over_counts.choice == "10 days after created_at"


def test_first_activity_of_a_type():
    scorer = Scorer(leads(), ACTIVITIES, "2024-04-01", hand_over="first:DEMO ")
    # a, b: handed over at their demo; c never did one: aged at the run's as-of (31 days)
    assert engagement(scorer) == pytest.approx([10.5, 10 + 0.5 ** 1.6, 0.5 ** 3.1])
    assert scorer.hand_over_counts.fell_back == 1
    assert scorer.activity_counts.after_scoring == 0
    with pytest.raises(AsOfRequired):
        Scorer(leads(), ACTIVITIES, hand_over="first:demo")


def test_activities_after_the_hand_over_never_count():
    frame = leads(scored_at=["2024-03-02", "2024-03-02", "2024-03-02"])
    scorer = Scorer(frame, ACTIVITIES)
    assert engagement(scorer) == pytest.approx([10 * 0 + 0.5 ** 0.1, 0.0, 0.5 ** 0.1])
    assert scorer.activity_counts.after_scoring == 3


def test_as_of_now_is_the_time_of_the_run():
    scorer = Scorer(leads(), ACTIVITIES, "now")
    assert abs(pd.Timestamp.now(tz="UTC") - scorer.as_of) < pd.Timedelta(minutes=1)
    assert scorer.hand_over_counts.as_of_choice.startswith("now (")


@pytest.mark.parametrize("text, expected", [
    ("scored_at", HandOver("scored_at")),
    ("created_at + 14d", HandOver("created_at", 14)),
    ("mql date+1.5days", HandOver("mql date", 1.5)),
    ("first:demo_request", HandOver(None, activity="demo_request")),
])
def test_parse_and_text_round_trip(text, expected):
    assert HandOver.parse(text) == expected
    assert HandOver.parse(expected.text()) == expected


@pytest.mark.parametrize("text, message", [
    ("", "give a date column"),
    ("first:", "needs an activity type"),
])
def test_bad_hand_over_text_is_one_line(text, message):
    with pytest.raises(DataError, match=message):
        HandOver.parse(text)


def test_unknown_column_or_activity_type_is_named():
    with pytest.raises(DataError, match="mql_date"):
        Scorer(leads(), ACTIVITIES, "2024-04-01", hand_over="mql_date")
    with pytest.raises(DataError, match="no activity of type 'webinar'"):
        Scorer(leads(), ACTIVITIES, "2024-04-01", hand_over="first:webinar")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["demo", "visit", "mail"]), st.integers(0, 60)),
                max_size=25),
       st.integers(0, 30))
def test_first_event_moment_against_pandas(rows, days):
    """The first-event hand-over is each lead's earliest activity of that type (pandas groupby),
    and the days-after moment is the column plus the days, on any activities."""
    ids = ["l0", "l1", "l2", "l3"]
    frame = pd.DataFrame({"lead_id": ids, "x": "v",
                          "created_at": [f"2024-01-{i + 1:02d}" for i in range(4)]})
    table = pd.DataFrame([(f"l{lead}" if lead < 4 else "stranger", kind, str(pd.Timestamp("2024-01-01")
                          + pd.Timedelta(days=day))) for lead, kind, day in rows],
                         columns=["lead_id", "activity", "occurred_at"]) if rows else ACTIVITIES.iloc[:0]
    positions = pd.Index(ids).get_indexer(table["lead_id"])
    if (table["activity"] == "demo").any():
        got = HandOver.parse("first:demo").moments(frame, table, positions)
        demos = table[(table["activity"] == "demo") & table["lead_id"].isin(ids)]
        first = pd.to_datetime(demos.groupby("lead_id")["occurred_at"].min(), utc=True)
        expected = [first[i].value if i in first.index else np.iinfo(np.int64).min for i in ids]
        assert got.tolist() == expected
    shifted = HandOver.parse(f"created_at+{days}d").moments(frame, table, positions)
    expected = (pd.to_datetime(frame["created_at"], utc=True) + pd.Timedelta(days=days)).map(lambda t: t.value)
    assert shifted.tolist() == expected.tolist()
