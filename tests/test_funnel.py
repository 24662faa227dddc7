"""scoring.measures.pipeline and scoring.measures.funnel: every after-hand-over figure on a small case computed
by hand, bad input counted (never a crash), the sample data pinned, and the Maven CRM
dataset's real funnel when the dataset is on this machine."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.data.datasets import DATASETS
from scoring.engine.scorer import Scorer
from scoring.measures.funnel import (
    after_handover,
    cycle_times,
    funnel,
    rejection_reasons,
    revenue,
    segment_funnel,
    sla_compliance,
    with_recycle,
)
from scoring.measures.metrics import preview, rating_codes
from scoring.measures.pipeline import NO_REASON, Pipeline, instants, stage_key
from scoring.model.diff import describe_changes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = scoring.load_model(ROOT / "configs" / "default.yaml")  # A1-A3, B1-B3 to sales; A1 SLA 24 h
T0 = "2025-01-01 00:00:00"
A1, D4 = 0, 15


def at(hours: float | None) -> str | None:
    return None if hours is None else str(pd.Timestamp(T0) + pd.Timedelta(hours=hours))


DAY = 24.0
# lead, cell, accepted, converted, amount, stage, reason, accepted_at, opportunity_at, won_at, first touch (hours)
ROWS = [
    ("L1", A1, "true", "true", "1000", "Customer", None, 1 * DAY, 3 * DAY, 10 * DAY, 2),
    ("L2", A1, "true", "false", None, "Closed Lost", None, 2 * DAY, 5 * DAY, None, 30),
    ("L3", A1, "true", "false", None, "SAL", None, 4 * DAY, None, None, 10),
    ("L4", A1, "false", "false", None, "Rejected", "No budget", None, None, None, 50),
    ("L5", A1, "false", "false", None, "rejected ", " NO BUDGET ", None, None, None, None),
    ("L6", A1, None, "false", None, "MQL", None, None, None, None, None),
    ("L7", D4, "false", "false", None, "Recycled", "Too early", None, None, None, 5),
    ("L8", D4, "true", "true", "3000", "customer", None, -1 * DAY, None, 20 * DAY, -2),
    ("L9", D4, None, "false", "n/a", "On Hold", None, None, None, None, None),
    ("L10", D4, "false", "false", None, "Rejected", "No budget", None, None, None, None),
    ("L11", D4, "false", "false", None, "Rejected", None, None, None, None, None),
]


@pytest.fixture(scope="module")
def case() -> tuple[pd.DataFrame, np.ndarray, Pipeline]:
    leads = pd.DataFrame({
        "lead_id": [r[0] for r in ROWS], "scored_at": T0,
        "accepted": [r[2] for r in ROWS], "converted": [r[3] for r in ROWS], "won_amount": [r[4] for r in ROWS],
        "lifecycle_stage": [r[5] for r in ROWS], "rejection_reason": [r[6] for r in ROWS],
        "accepted_at": [at(r[7]) for r in ROWS], "opportunity_at": [at(r[8]) for r in ROWS],
        "won_at": [at(r[9]) for r in ROWS], "first_touch_at": [at(r[10]) for r in ROWS],
    }, dtype=object)
    return leads, np.array([r[1] for r in ROWS]), Pipeline.read(leads)


def cell(case, code: int) -> np.ndarray:
    return case[1] == code


# ----- bad input first: counted, never a crash

def test_bad_values_are_counted_in_the_issues(case):
    issues = case[2].issues
    assert issues.dates_before_handover == {"accepted_at": 1, "first_touch_at": 1}
    assert issues.unknown_stages == {"On Hold": 1} and issues.unknown_stage_leads == 1
    assert issues.non_numeric_amounts == 1
    lines = issues.lines()
    assert len(lines) == 4 and any("'On Hold' (1)" in line for line in lines)


def test_unreadable_dates_are_counted_not_raised():
    leads = pd.DataFrame({"lead_id": ["1", "2", "3"], "scored_at": [T0] * 3,
                          "won_at": ["2025-02-01", "31/13/2025", "soon"], "converted": ["true"] * 3})
    pipe = Pipeline.read(leads)
    assert pipe.issues.unreadable_dates == {"won_at": 2}
    assert cycle_times(pipe, np.ones(3, dtype=bool)) == {"won": {"median_days": 31.0, "leads": 1}}
    assert instants(pd.Series(["9999-12-31", None]))[1] == 1  # beyond pandas' dates: unreadable


def test_no_pipeline_columns_gives_only_the_handed_over_stage():
    pipe = Pipeline.read(pd.DataFrame({"lead_id": ["1", "2"]}))
    assert not pipe.has_any()
    assert [row["stage"] for row in funnel(pipe, np.ones(2, dtype=bool))] == ["handed_over"]
    everyone = np.ones(2, dtype=bool)
    assert rejection_reasons(pipe, everyone) is None and revenue(pipe, everyone) is None
    assert sla_compliance(pipe, everyone, np.full(2, 24.0)) is None


def test_stage_key_ignores_case_spacing_and_separators():
    assert stage_key("  Closed_Lost ") == stage_key("closed-lost") == "closed lost"


# ----- figures computed by hand

def test_funnel_counts_and_rates(case):
    rows = funnel(case[2], cell(case, A1))
    assert [(r["stage"], r["leads"]) for r in rows] == [("handed_over", 6), ("accepted", 3), ("opportunity", 2),
                                                         ("won", 1)]
    accepted, opportunity, won = rows[1], rows[2], rows[3]
    assert accepted["rate"] == 0.5 and opportunity["step_rate"] == pytest.approx(2 / 3)
    assert won["rate"] == pytest.approx(1 / 6) and won["step_rate"] == 0.5
    # Wilson 95 % for 3 of 6, by hand: centre 0.5, half-width 1.96*sqrt(.25/6 + 3.8415/144)/1.64025
    assert accepted["low"] == pytest.approx(0.18761, abs=1e-4)
    assert accepted["high"] == pytest.approx(0.81239, abs=1e-4)
    assert accepted["recorded_by"] == "accepted + lifecycle_stage"


def test_unknown_stage_counts_as_handed_over_only(case):
    rows = funnel(case[2], cell(case, D4))
    assert [r["leads"] for r in rows] == [5, 1, 1, 1]  # only L8 (customer) went further


def test_rejection_reasons_ignore_case_and_spaces(case):
    a1 = rejection_reasons(case[2], cell(case, A1))
    assert a1["rejected"] == 2 and a1["basis"] == "accepted = no"
    assert a1["reasons"] == [{"reason": "No budget", "leads": 2, "share": 1.0}]  # the most common spelling
    d4 = rejection_reasons(case[2], cell(case, D4))
    assert d4["rejected"] == 3
    assert {r["reason"]: r["leads"] for r in d4["reasons"]} == {"Too early": 1, "No budget": 1, NO_REASON: 1}


def test_top_reasons_fold_the_rest_into_other(case):
    d4 = rejection_reasons(case[2], cell(case, D4), top=1)
    assert [r["leads"] for r in d4["reasons"]] == [1, 1, 1]
    assert d4["reasons"][1]["reason"] == "(other reasons)" and d4["reasons"][2]["reason"] == NO_REASON


def test_revenue(case):
    assert revenue(case[2], cell(case, A1)) == {"won_amount": 1000.0, "deals": 1, "deals_with_amount": 1,
                                                 "average_deal": 1000.0, "won_per_lead": pytest.approx(1000 / 6)}
    d4 = revenue(case[2], cell(case, D4))  # "n/a" is left out (and counted as an issue)
    assert (d4["won_amount"], d4["deals"], d4["won_per_lead"]) == (3000.0, 1, 600.0)


def test_no_sales_decisions_no_rejections():
    # Issue 19: "1,799 rejected (converted = no)" on data without a single sales decision.
    converted_only = pd.DataFrame({"lead_id": list("abc"), "converted": ["no", "no", "yes"]})
    assert rejection_reasons(Pipeline.read(converted_only), np.ones(3, dtype=bool)) is None
    blank = converted_only.assign(accepted=["", None, " "])  # an accepted column without one decision
    pipe = Pipeline.read(blank)
    assert rejection_reasons(pipe, np.ones(3, dtype=bool)) is None
    assert [row["stage"] for row in funnel(pipe, np.ones(3, dtype=bool))] == ["handed_over", "won"]
    with_reasons = blank.assign(rejection_reason=["No budget", "", None])  # a reason is sales' decision
    rejections = rejection_reasons(Pipeline.read(with_reasons), np.ones(3, dtype=bool))
    assert rejections["rejected"] == 1 and rejections["basis"] == "a rejection_reason given"


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["yes", "no", "", "maybe", None]),
                               st.sampled_from(["yes", "no", "", None]), st.booleans()), min_size=1, max_size=30))
def test_rejections_against_the_raw_rows(rows):
    leads = pd.DataFrame({"lead_id": [str(i) for i in range(len(rows))],
                          "accepted": pd.Series([r[0] for r in rows], dtype=object),
                          "converted": pd.Series([r[1] for r in rows], dtype=object)})
    within = np.array([r[2] for r in rows])
    rejections = rejection_reasons(Pipeline.read(leads), within)
    decided = leads["accepted"].isin(["yes", "no"])
    if not decided.any():
        assert rejections is None
    else:
        assert rejections["rejected"] == int(((leads["accepted"] == "no") & within).sum())


def test_lost_leads_exported_with_an_amount_of_0_are_no_deals():
    # Issue 19: exports write 0 for lost leads. Two won leads (100 and 300), three lost at 0,
    # one lost with an amount (a lost opportunity's value: converted says no), one won without
    # an amount: 3 deals, 400 won, an average deal of 200 over the 2 deals with an amount.
    leads = pd.DataFrame({"lead_id": list("abcdefg"),
                          "converted": ["yes", "yes", "no", "no", "no", "no", "yes"],
                          "won_amount": [100, 300, 0, 0, 0, 50, None]})
    money = revenue(Pipeline.read(leads), np.ones(7, dtype=bool))
    assert money == {"won_amount": 400.0, "deals": 3, "deals_with_amount": 2, "average_deal": 200.0,
                     "won_per_lead": pytest.approx(400 / 7)}


def test_without_an_outcome_column_a_deal_is_an_amount_above_0():
    leads = pd.DataFrame({"lead_id": list("abcd"), "won_amount": [0, 0, 80, 20]})
    money = revenue(Pipeline.read(leads), np.ones(4, dtype=bool))
    assert (money["deals"], money["won_amount"], money["average_deal"]) == (2, 100.0, 50.0)
    # where converted is blank for a lead, its amount decides; where it says no, it does not
    leads["converted"] = ["", "no", "", "no"]
    money = revenue(Pipeline.read(leads), np.ones(4, dtype=bool))
    assert (money["deals"], money["won_amount"], money["average_deal"]) == (1, 80.0, 80.0)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["yes", "no", "", "maybe", None]),
                               st.one_of(st.none(), st.just(0.0), st.floats(0.01, 1e6), st.just("n/a")),
                               st.booleans()), min_size=1, max_size=30))
def test_deals_and_average_deal_against_the_raw_rows(rows):
    leads = pd.DataFrame({"lead_id": [str(i) for i in range(len(rows))],
                          "converted": pd.Series([r[0] for r in rows], dtype=object),
                          "won_amount": pd.Series([r[1] for r in rows], dtype=object)})
    within = np.array([r[2] for r in rows])
    money = revenue(Pipeline.read(leads), within)
    raw = leads[within]
    said = raw["converted"].map({"yes": True, "no": False})  # NaN: converted does not say
    amount = pd.to_numeric(raw["won_amount"], errors="coerce")
    won = said.where(said.notna(), amount.fillna(0) > 0).astype(bool)
    assert money["deals"] == int(won.sum())
    assert money["deals_with_amount"] == int(amount[won].notna().sum())
    assert money["won_amount"] == pytest.approx(float(amount[won].sum()))
    expected = amount[won].mean()
    assert (math.isnan(money["average_deal"]) and math.isnan(expected)) or money["average_deal"] == pytest.approx(
        expected)


def test_cycle_times(case):
    assert cycle_times(case[2], cell(case, A1)) == {
        "accepted": {"median_days": 2.0, "leads": 3}, "opportunity": {"median_days": 4.0, "leads": 2},
        "won": {"median_days": 10.0, "leads": 1}}
    d4 = cycle_times(case[2], cell(case, D4))
    assert d4["accepted"]["leads"] == 0 and math.isnan(d4["accepted"]["median_days"])  # dated before hand-over
    assert d4["won"] == {"median_days": 20.0, "leads": 1}


def test_sla_compliance(case):
    sla = sla_compliance(case[2], cell(case, A1), np.full(len(ROWS), 24.0))
    assert (sla["leads"], sla["touched"], sla["with_sla"], sla["within_sla"], sla["late"], sla["never_touched"]) \
        == (6, 4, 6, 2, 2, 2)
    assert sla["compliance"]["rate"] == pytest.approx(2 / 6)
    assert sla["median_hours_to_touch"] == 20.0  # of 2, 10, 30, 50
    assert sla["acceptance_within_sla"]["rate"] == 1.0 and sla["acceptance_within_sla"]["decided"] == 2
    assert sla["acceptance_late"]["rate"] == 0.5 and sla["acceptance_late"]["decided"] == 2
    no_sla = sla_compliance(case[2], cell(case, D4), np.full(len(ROWS), np.nan))
    assert no_sla["with_sla"] == 0 and math.isnan(no_sla["compliance"]["rate"])
    assert no_sla["touch_before_handover"] == 1 and no_sla["median_hours_to_touch"] == 5.0


def test_after_handover_per_cell_and_to_sales_against_nurture(case):
    model = with_recycle(DEFAULT, "A1", "nurture:recycled")
    result = after_handover(model, case[1], case[2])
    a1 = result.cells["A1"]
    assert a1["action"] == "sales" and a1["sla_hours"] == 24.0
    assert a1["recycle"] == {"track": "nurture:recycled", "leads": 2}
    assert a1["sla"]["within_sla"] == 2  # the cell's own SLA
    assert result.cells["A2"]["leads"] == 0 and result.cells["D4"]["recycle"] is None
    assert [r["leads"] for r in result.to_sales["funnel"]] == [6, 3, 2, 1]  # A1 is the only to-sales cell here
    assert [r["leads"] for r in result.nurture["funnel"]] == [5, 1, 1, 1]
    within = np.array([r[0] in ("L1", "L4") for r in ROWS])
    assert [r["leads"] for r in after_handover(model, case[1], case[2], within).cells["A1"]["funnel"]] == [2, 1, 1, 1]
    assert result.as_dict()["data_issues"] == case[2].issues.lines()


def test_segment_funnel_of_a_cell(case):
    labels = np.array(["web", "web", "event", "web", "event", "web", "web", "web", "web", "web", "web"], dtype=object)
    frame = segment_funnel(case[2], cell(case, A1), labels, ["web", "event", "other"])
    assert list(frame["segment"]) == ["web", "event"]  # values without leads in the cell are left out
    web = frame.iloc[0]
    assert (web["leads"], web["accepted"], web["won"], web["won_amount"]) == (4, 2, 1, 1000.0)


def test_dates_count_only_where_no_flag_or_stage_records_the_stage():
    """Maven's close date is on lost deals too: with a stage column it times wins only."""
    leads = pd.DataFrame({"lead_id": ["1", "2", "3"], "scored_at": [T0] * 3,
                          "lifecycle_stage": ["Won", "Lost", "Prospecting"],
                          "won_at": ["2025-01-11", "2025-01-06", None]})
    pipe = Pipeline.read(leads)
    assert pipe.basis["won"] == "lifecycle_stage" and list(pipe.reached["won"]) == [True, False, False]
    assert cycle_times(pipe, np.ones(3, dtype=bool))["won"] == {"median_days": 10.0, "leads": 1}
    only_dates = Pipeline.read(leads.drop(columns="lifecycle_stage"))
    assert only_dates.basis["won"] == "won_at" and list(only_dates.reached["won"]) == [True, True, False]
    assert "accepted" not in only_dates.reached  # nothing records acceptance: left out, not zero


def test_recycle_route_refused_for_sales_and_kept_by_routing_edits():
    with pytest.raises(scoring.ModelError, match=r"routing\.cells\.B2\.recycle"):
        with_recycle(DEFAULT, "B2", "sales")
    model = with_recycle(DEFAULT, "B2", " nurture:recycled ")
    assert model.routing.route_for("B2").recycle == "nurture:recycled"
    assert "recycle: nurture:recycled" in scoring.dump_model(model)
    assert with_recycle(model, "B2", "").routing.route_for("B2").recycle is None
    assert describe_changes(DEFAULT, model) == [
        "B2: sales within 48 h → sales within 48 h, rejected leads to nurture:recycled"]


# ----- the sample data, pinned

@pytest.fixture(scope="module")
def sample():
    leads = scoring.load_leads(ROOT / "sample_data" / "leads.csv")
    scorer = Scorer(leads, scoring.read_table(ROOT / "sample_data" / "activities.csv"))
    result = preview(DEFAULT, scorer)
    return after_handover(DEFAULT, rating_codes(result.scored["rating"]), Pipeline.read(scorer.leads))


def test_sample_data_a1(sample):
    a1 = sample.cells["A1"]
    assert [r["leads"] for r in a1["funnel"]] == [421, 301, 266, 151]
    assert a1["rejections"]["rejected"] == 53 and a1["rejections"]["reasons"][0]["reason"] == "Not ready: too early"
    assert a1["revenue"]["won_amount"] == 8_090_200
    assert (a1["sla"]["within_sla"], a1["sla"]["late"], a1["sla"]["never_touched"]) == (309, 73, 38)
    assert a1["sla"]["acceptance_within_sla"]["rate"] > a1["sla"]["acceptance_late"]["rate"] + 0.2  # speed matters


def test_sample_data_reasons_differ_by_cell(sample):
    def top(rating):
        return sample.cells[rating]["rejections"]["reasons"][0]["reason"]
    assert top("D1") in ("Company too small", "Wrong industry", "Student / job seeker")  # poor fit, keen
    assert top("A4") in ("Not ready: too early", "No response", "No budget")  # good fit, not ready


def test_sample_data_to_sales_against_nurture(sample):
    # A1 421 + A2 329 + A3 450 + B1 343 + B2 391 + B3 566 = 2,500 leads handed over; the other 3,500 nurtured
    assert [r["leads"] for r in sample.to_sales["funnel"]] == [2500, 1046, 831, 404]
    assert [r["leads"] for r in sample.nurture["funnel"]] == [3500, 375, 225, 72]


# ----- the Maven CRM dataset: its real funnel

def test_maven_crm_shows_its_real_funnel():
    dataset = DATASETS["maven_crm_sales"]
    if not dataset.found_in(dataset.default_dir()):
        pytest.skip("maven_crm_sales is not on this machine")
    model = scoring.load_model(dataset.model_path)
    scorer = Scorer.for_model(model, *dataset.load())
    pipe = Pipeline.read(scorer.leads)
    everyone = np.ones(len(scorer.leads), dtype=bool)
    # deal_stage: Won 4,238; Lost 2,473; Engaging 1,589; Prospecting 500 (SOURCE.md)
    assert [r["leads"] for r in funnel(pipe, everyone)] == [8800, 4238 + 2473 + 1589, 4238 + 2473, 4238]
    money = revenue(pipe, everyone)
    assert money["deals"] == 4238 and money["won_amount"] == 10_005_534
    assert cycle_times(pipe, everyone)["won"] == {"median_days": 57.0, "leads": 4238}
    assert not pipe.issues.lines()
