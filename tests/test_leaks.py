"""Leaks caught (issue 19, scoring/leaks.py): each column and activity type the model reads is
judged on its own. The three shapes of the issue, each counted by hand: a post-outcome flag
as a profile column, an event type that only happens after acceptance, a "visited" column
every converter has; an honest disqualifier and the default model on the sample data give
nothing; and a property test against the raw rows for the value checks."""

from __future__ import annotations

from random import Random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from scoring import Scorer, load_model, parse_model
from scoring.data.datasets import SAMPLE
from scoring.measures.leaks import (
    COMMON_OUTCOME,
    MIN_DECISIONS,
    NEAR_CERTAIN,
    leak_report,
)
from scoring.measures.metrics import Flags
from scoring.measures.stats import auc as separation
from scoring.measures.stats import grouped_auc

FLAG_MODEL = """
schema_version: 1
name: Flag
profile:
  categories:
    - {id: offer, label: Offer returned, field: offer, weight: 50, rules: [{match: {in: ["yes"]}, value: 100}]}
    - {id: noise, field: noise, weight: 50, rules: [{match: {in: ["a"]}, value: 100}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  activities: []
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
"""


def _flag_leads() -> pd.DataFrame:
    """200 leads: 80 accepted, 80 rejected, 40 undecided; ``offer`` says yes exactly for the accepted."""
    index = np.arange(200)
    accepted = np.where(index < 80, "yes", np.where(index < 160, "no", ""))
    return pd.DataFrame({"lead_id": index + 1, "offer": np.where(index < 80, "yes", "no"),
                         "noise": np.where(index % 2 == 0, "a", "b"), "accepted": accepted})


def test_a_post_outcome_flag_as_a_profile_column():
    report = leak_report(Scorer(_flag_leads()), parse_model(FLAG_MODEL))
    offer = report.of("offer")
    assert [f.check for f in offer] == ["separation", "certain_value"]  # its mirror ('no': 0 %) is not repeated
    assert offer[0].figure == 1.0 and offer[0].text.startswith(
        "Column `offer` as the model scores it separates accepted leads on its own with AUC 1.00")
    assert offer[1].text.startswith("Column `offer` = yes: 80 of 80 leads with a sales decision accepted (100.0%) "
                                    "against 0% of the others")
    assert report.of("noise") == []  # a and b: 40 of 80 accepted each
    # A4 = offer yes + noise a: 40 leads, all decided, all accepted; the other 120 decided: 40 accepted
    assert [(c.id, c.check, c.figure) for c in report.cells] == [("A4", "near_perfect_cell", 1.0)]
    assert report.cells[0].text.startswith("Cell A4 (40 of 40): leads with a sales decision accepted 100.0% of the "
                                           "time or more")
    assert report.cells[0].text.endswith("strongest on its own: `offer` (AUC 1.00).")


VISITED_MODEL = """
schema_version: 1
name: Visited
profile:
  categories:
    - {id: size, field: size, weight: 100, rules: [{match: {gte: 100}, value: 100}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  activities:
    - {id: visited, label: Visited, field: visited, rules: [{match: {in: ["yes"]}, value: 10}]}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
"""


def test_a_visited_column_every_converter_has():
    """40 converters all visited, as did 60 of the 160 others; 100 leads never visited and
    none converted. As scored the column separates with AUC 100/160 + 60/160 / 2 = 0.8125,
    below any AUC bar: the absence of a value is what gives it away."""
    index = np.arange(200)
    leads = pd.DataFrame({"lead_id": index + 1, "size": np.where(index % 3 == 0, 500, 20),
                          "visited": pd.Series(np.where(index < 100, "yes", None), dtype=object),
                          "converted": np.where(index < 40, "1", "0")})
    report = leak_report(Scorer(leads), parse_model(VISITED_MODEL))
    [finding] = report.of("visited")
    assert finding.check == "outcome_implies_value" and finding.outcome == "conversion" and finding.figure == 1.0
    assert finding.text.startswith("Column `visited` missing: 0 of 100 leads with a known conversion converted, so "
                                   "40 of the 40 converted leads (100.0%) have a value")
    assert report.of("size") == [] and report.cells == []


EVENT_MODEL = """
schema_version: 1
name: Event
profile:
  categories:
    - {id: noise, field: noise, weight: 100, rules: [{match: {in: ["a"]}, value: 100}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  recency: {half_life_days: 30}
  activities:
    - {id: offer, label: Offer returned, activity: offer_returned, points: 80}
    - {id: open, activity: email_open, points: 1}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
"""


def _event_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """100 leads handed over on 1 March; 40 accepted on 10 March, 40 rejected, 20 undecided.
    Every accepted lead gets an 'offer_returned' event on 11 March; every lead opened an e-mail
    on 20 February (before its hand-over)."""
    index = np.arange(100)
    leads = pd.DataFrame({"lead_id": index + 1, "noise": np.where(index % 2 == 0, "a", "b"),
                          "scored_at": "2026-03-01", "accepted": np.where(index < 40, "yes",
                                                                          np.where(index < 80, "no", "")),
                          "accepted_at": np.where(index < 40, "2026-03-10", "")})
    offers = pd.DataFrame({"lead_id": index[:40] + 1, "activity": "offer_returned", "occurred_at": "2026-03-11"})
    opens = pd.DataFrame({"lead_id": index + 1, "activity": "email_open", "occurred_at": "2026-02-20"})
    return leads, pd.concat([offers, opens], ignore_index=True)


def test_an_event_after_acceptance_with_a_hand_over_moment_counts_nothing_and_is_named():
    leads, activities = _event_data()
    report = leak_report(Scorer(leads, activities), parse_model(EVENT_MODEL))
    [finding] = report.of("offer")
    assert finding.check == "after_handover" and finding.figure == 1.0
    assert finding.text.startswith("Activity `offer_returned`: 40 of 40 occurrences are dated after the lead's "
                                   "hand-over (100%), so it counts almost nothing")
    assert report.of("open") == []  # every lead had one: no group to judge


def test_an_event_after_acceptance_without_a_hand_over_moment_leaks():
    leads, activities = _event_data()
    scorer = Scorer(leads.drop(columns=["scored_at"]), activities, as_of="2026-04-01")
    report = leak_report(scorer, parse_model(EVENT_MODEL))
    checks = {f.check: f for f in report.of("offer")}
    assert set(checks) == {"separation", "certain_value", "after_outcome"}
    assert checks["separation"].figure == 1.0  # had it: the 40 accepted; not: the 40 rejected
    assert checks["certain_value"].text.startswith(
        "Activity `offer_returned`, leads who had it before hand-over: 40 of 40 leads with a sales decision "
        "accepted (100.0%) against 0% of the others")
    assert checks["after_outcome"].text.startswith(
        "Activity `offer_returned`: 40 of the 40 occurrences it counts for leads with accepted_at are dated after "
        "the lead was accepted (100%)")
    # 80 points faded over 21 days (49.3) and an e-mail open: every accepted lead in 2, in A2 (noise a) or
    # D2 (noise b), 20 decided leads each: too few to call a cell near-perfect
    assert report.cells == []


def test_a_date_column_recorded_after_the_hand_over_and_the_acceptance():
    """The offer date (the day after acceptance) read as a profile column: its 40 dates are all
    after the hand-over and after accepted_at; its one value is the 40 accepted leads."""
    leads, _ = _event_data()
    leads["offer_date"] = np.where(leads["accepted_at"] != "", "2026-03-11", None)
    model = parse_model(FLAG_MODEL.replace("field: offer", "field: offer_date").replace(
        "rules: [{match: {in: [\"yes\"]}, value: 100}]", "rules: [{match: {missing: true}, value: 0}], default: 100"))
    checks = {f.check: f for f in leak_report(Scorer(leads), model).of("offer")}
    assert set(checks) == {"separation", "certain_value", "after_handover", "after_outcome"}
    assert checks["after_handover"].text.startswith(
        "Column `offer_date`: 40 of 40 dates are after the lead's hand-over (100%)")
    assert checks["after_outcome"].text.startswith(
        "Column `offer_date`: 40 of the 40 dates of leads with accepted_at are after the lead was accepted (100%)")
    assert checks["certain_value"].text.startswith("Column `offer_date` = 2026-03-11: 40 of 40 leads with a sales "
                                                   "decision accepted (100.0%)")
    leads["offer_date"] = "2026-02-01"  # a date known a month before the hand-over: not a leak by its dates
    assert [f.check for f in leak_report(Scorer(leads), model).of("offer")] == []


def test_an_honest_disqualifier_and_a_small_perfect_group_are_not_leaks():
    """20 students of 200 leads, none accepted (10 % of the leads: under LARGE_GROUP); 10 leads
    from one partner, all accepted (under MIN_DECISIONS known)."""
    index = np.arange(200)
    title = np.where(index < 20, "student", np.where(index < 30, "partner", "manager"))
    accepted = np.where(index < 20, "no", np.where(index < 30, "yes", np.where(index % 2 == 0, "yes", "no")))
    model = parse_model(FLAG_MODEL.replace("field: offer", "field: title").replace('["yes"]', '["partner"]'))
    report = leak_report(Scorer(pd.DataFrame({"lead_id": index + 1, "title": title,
                                              "noise": np.where(index % 4 < 2, "a", "b"), "accepted": accepted})),
                         model)
    assert report.findings == []


def test_without_outcomes_only_dates_are_judged():
    leads, activities = _event_data()
    report = leak_report(Scorer(leads.drop(columns=["accepted"]), activities), parse_model(EVENT_MODEL))
    assert [f.check for f in report.findings] == ["after_handover"]


def test_the_default_model_on_the_sample_data_has_no_finding():
    """Checked: no column, activity type or cell of the default model is near-certain; the
    largest activity share after the hand-over is email_open's 732 of 34,787 (2 %)."""
    leads, activities = SAMPLE.load()
    assert leak_report(Scorer(leads, activities), load_model("configs/default.yaml")).findings == []


# ----- the value checks against the raw rows


COUNTS = st.tuples(st.integers(28, 60) | st.integers(0, 60), st.integers(0, 1) | st.integers(0, 60), st.integers(0, 20))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(COUNTS, COUNTS, COUNTS), st.randoms(use_true_random=False))
@example(counts=((0, 0, 0), (0, 0, 0), (0, 0, 1)), random=Random(0))  # no decision at all
def test_certain_values_match_a_groupby_of_the_raw_rows(counts, random):
    """Per value a, b, c: so many accepted, rejected and undecided leads, shuffled. A certain
    value is reported exactly when some value has at least MIN_DECISIONS decisions, NEAR_CERTAIN
    of them accepted, and the other values' acceptance is below COMMON_OUTCOME; the one
    reported has the most decisions."""
    rows = [(value, flag) for value, (yes, no, unknown) in zip("abc", counts, strict=True)
            for flag, n in (("yes", yes), ("no", no), ("", unknown)) for _ in range(n)]
    random.shuffle(rows)
    if not rows:
        return
    leads = pd.DataFrame({"lead_id": range(1, len(rows) + 1), "offer": [v for v, _ in rows], "noise": "a",
                          "accepted": [f for _, f in rows]})
    report = leak_report(Scorer(leads), parse_model(FLAG_MODEL))
    found = [f for f in report.of("offer") if f.check == "certain_value"]

    decided = leads[leads["accepted"] != ""]
    if decided.empty:
        assert found == []
        return
    groups = decided.groupby("offer")["accepted"].agg(known="size", hits=lambda s: int((s == "yes").sum()))
    all_hits = int((decided["accepted"] == "yes").sum())
    rest_known, rest_hits = len(decided) - groups["known"], all_hits - groups["hits"]
    groups["rest_rate"] = (rest_hits / rest_known.where(rest_known > 0)).astype(float)
    certain = groups[(groups["known"] >= MIN_DECISIONS) & (groups["hits"] / groups["known"] >= NEAR_CERTAIN)
                     & (groups["rest_rate"] < COMMON_OUTCOME)]
    assert len(found) == (1 if len(certain) else 0)
    event("a certain value" if found else "none")
    if found:
        value = found[0].text.split(" = ", 1)[1].split(":", 1)[0]
        assert value in certain.index and certain.loc[value, "known"] == certain["known"].max()
        assert found[0].figure == pytest.approx(certain.loc[value, "hits"] / certain.loc[value, "known"])
        assert f"{certain.loc[value, 'hits']:,} of {certain.loc[value, 'known']:,} leads" in found[0].text


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from([1.0, 0.0, np.nan])), min_size=1, max_size=60),
       st.lists(st.sampled_from([-100.0, 0.0, 15.0, 50.0, 100.0]), min_size=5, max_size=5))
def test_the_counted_auc_is_the_ranked_auc(rows, scores):
    """grouped_auc counts per score value; stats.auc ranks every lead: the same AUC."""
    codes = np.array([c for c, _ in rows])
    flags = Flags(np.array([f for _, f in rows]), 0)
    expected = separation(np.array(scores)[codes], flags.values)
    found = grouped_auc(codes, np.array(scores), flags.values)
    assert (np.isnan(expected) and np.isnan(found)) or found == pytest.approx(expected)


def test_a_mapped_column_is_named_by_its_field_and_its_file_column():
    leads = _flag_leads().rename(columns={"offer": "Offer Returned"})
    scorer = Scorer.for_model(parse_model(FLAG_MODEL), leads, mapping={"leads": {"offer": "Offer Returned"}})
    certain = [f for f in leak_report(scorer, parse_model(FLAG_MODEL)).of("offer") if f.check == "certain_value"]
    assert certain[0].text.startswith("Column `offer` (file column `Offer Returned`) = yes: 80 of 80 leads")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["yes", "no"]), st.sampled_from(["a", "b"]),
                          st.sampled_from(["yes", "no", ""])), min_size=1, max_size=300) | st.lists(
    st.tuples(st.sampled_from(["yes", "no"]), st.sampled_from(["a", "b"]), st.sampled_from(["yes", "no", ""])),
    min_size=250, max_size=400), st.randoms(use_true_random=False), st.booleans())
@example(rows=[("yes", "a", "")], random=Random(0), leaky=False)  # no decision at all
def test_near_perfect_cells_match_a_crosstab_of_the_scored_leads(rows, random, leaky):
    """The cells named are those whose leads (by the engine's rating, joined by lead id) with a
    decision number MIN_DECISIONS or more, NEAR_CERTAIN of them accepted, while the other
    cells' acceptance is below COMMON_OUTCOME."""
    random.shuffle(rows)
    if leaky:  # the decision copied into offer: cells made of offer = yes are all accepted
        rows = [(o, n, o if a else a) for o, n, a in rows]
    leads = pd.DataFrame({"lead_id": [f"L{i}" for i in range(len(rows))], "offer": [o for o, _, _ in rows],
                          "noise": [n for _, n, _ in rows], "accepted": [a for _, _, a in rows]})
    model = parse_model(FLAG_MODEL)
    scorer = Scorer(leads)
    named = {rating for leak in leak_report(scorer, model).cells for rating in leak.id.split(",")}

    rated = scorer.score(model)["rating"].rename("rating").reset_index().merge(leads, on="lead_id")
    decided = rated[rated["accepted"] != ""]
    if decided.empty:
        assert named == set()
        return
    cells = decided.groupby("rating")["accepted"].agg(known="size", hits=lambda s: int((s == "yes").sum()))
    rest_known = len(decided) - cells["known"]
    rest_rate = (int((decided["accepted"] == "yes").sum()) - cells["hits"]) / rest_known.where(rest_known > 0)
    expected = cells[(cells["known"] >= MIN_DECISIONS) & (cells["hits"] / cells["known"] >= NEAR_CERTAIN)
                     & (rest_rate.astype(float) < COMMON_OUTCOME)]
    assert named == set(expected.index)
    event("cells named" if named else "none")
