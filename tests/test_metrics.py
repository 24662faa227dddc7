"""Preview metrics (scoring/metrics.py): per-cell figures and the to-sales summary (outcome
flags and Wilson intervals are in test_metrics_flags.py).

Most tests build the ``scored`` frame by hand (only ``rating`` and ``action`` are read), so
every expected number can be worked out from the test's own data.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metricscases import MODEL_YAML

from scoring import RATINGS, Scorer, parse_model, validate_model
from scoring.measures.metrics import (
    DAYS_PER_MONTH,
    MIN_DECISIONS,
    MIN_POSITIVES,
    Outcomes,
    few_rule,
    headline,
    matrix_metrics,
    preview,
    read_flags,
    sales_summary,
    wilson_interval,
)
from scoring.measures.volume import PerMonth


def scored_frame(ratings: list[str], actions: list[str] | None = None) -> pd.DataFrame:
    """What ``score`` returns, reduced to the columns metrics read."""
    actions = actions if actions is not None else ["nurture"] * len(ratings)
    return pd.DataFrame({"rating": ratings, "action": actions},
                        index=pd.Index([f"L{i}" for i in range(len(ratings))], name="lead_id"))

# ------------------------------------------------------------- matrix_metrics: bad input


def test_matrix_metrics_without_outcome_columns_gives_nan_rates_not_errors():
    scored = scored_frame(["A1", "A1", "D4"])
    leads = pd.DataFrame({"lead_id": ["L0", "L1", "L2"]})
    matrix = matrix_metrics(scored, leads)
    assert list(matrix.index) == list(RATINGS)
    assert matrix.loc["A1", "leads"] == 2
    for column in ("acceptance_rate", "acceptance_low", "acceptance_high", "conversion_rate",
                   "conversion_low", "conversion_high", "won_amount"):
        assert matrix[column].isna().all(), column
    assert (matrix["decided"] == 0).all()
    assert (matrix["conversion_known"] == 0).all()
    assert matrix["too_few_decisions"].all()


def test_matrix_metrics_unrecognised_outcomes_are_not_decisions():
    scored = scored_frame(["B2"] * 4)
    leads = pd.DataFrame({"accepted": ["yes", "maybe", "n/a", "no"], "converted": ["?", "", "1", "x"]})
    row = matrix_metrics(scored, leads).loc["B2"]
    assert row["decided"] == 2
    assert row["accepted"] == 1
    assert row["acceptance_rate"] == 0.5
    assert row["conversion_known"] == 1
    assert row["conversion_rate"] == 1.0


def test_matrix_metrics_unparseable_amounts_are_ignored():
    scored = scored_frame(["A1"] * 4)
    leads = pd.DataFrame({"won_amount": ["1,000", "n/a", "", "250"]})
    assert matrix_metrics(scored, leads).loc["A1", "won_amount"] == 250.0


def test_matrix_metrics_no_leads():
    matrix = matrix_metrics(scored_frame([]), pd.DataFrame({"accepted": pd.Series([], dtype=object)}))
    assert len(matrix) == 16
    assert (matrix["leads"] == 0).all()
    assert matrix["share"].isna().all()


# ------------------------------------------------------------- matrix_metrics: pinned


def small_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    """10 leads: A1 x4, B2 x3, D4 x3, with outcomes worked out by hand in the tests."""
    scored = scored_frame(["A1", "B2", "A1", "D4", "A1", "B2", "D4", "A1", "B2", "D4"])
    leads = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(10)],
        #            A1     B2    A1    D4    A1       B2    D4    A1     B2   D4
        "accepted": ["yes", "1", "no", None, "", "1", None, "maybe", "0", None],
        "converted": ["1", "true", "0", "0", "0", "false", "", "", "", "no"],
        "won_amount": ["1000", "500", "", None, " 250.5 ", "x", "", "n/a", "99", ""],
    })
    return scored, leads


def test_matrix_metrics_counts_and_share_per_cell():
    scored, leads = small_history()
    matrix = matrix_metrics(scored, leads)
    assert list(matrix.index) == list(RATINGS)
    assert matrix.loc[["A1", "B2", "D4"], "leads"].tolist() == [4, 3, 3]
    assert matrix.loc[["A1", "B2", "D4"], "share"].tolist() == pytest.approx([0.4, 0.3, 0.3])
    assert matrix["leads"].sum() == 10
    assert matrix["share"].sum() == pytest.approx(1.0)
    assert matrix.loc["C3", "leads"] == 0 and matrix.loc["C3", "share"] == 0.0


def test_matrix_metrics_acceptance_among_decided_only():
    scored, leads = small_history()
    matrix = matrix_metrics(scored, leads)
    a1, b2, d4 = matrix.loc["A1"], matrix.loc["B2"], matrix.loc["D4"]
    # A1: yes, no, (empty), maybe -> 2 decided, 1 accepted
    assert (a1["decided"], a1["accepted"], a1["acceptance_rate"]) == (2, 1, 0.5)
    assert (a1["acceptance_low"], a1["acceptance_high"]) == pytest.approx(wilson_interval(1, 2))
    # B2: 1, 1, 0 -> 3 decided, 2 accepted
    assert (b2["decided"], b2["accepted"]) == (3, 2)
    assert b2["acceptance_rate"] == pytest.approx(2 / 3)
    assert (b2["acceptance_low"], b2["acceptance_high"]) == pytest.approx(wilson_interval(2, 3))
    # D4: nothing recorded -> no rate
    assert d4["decided"] == 0
    assert math.isnan(d4["acceptance_rate"]) and math.isnan(d4["acceptance_low"])


def test_matrix_metrics_conversion_among_known_only():
    scored, leads = small_history()
    matrix = matrix_metrics(scored, leads)
    # A1: 1, 0, 0, (empty) -> 3 known, 1 converted
    assert (matrix.loc["A1", "conversion_known"], matrix.loc["A1", "converted"]) == (3, 1)
    assert matrix.loc["A1", "conversion_rate"] == pytest.approx(1 / 3)
    # B2: true, false, (empty) -> 2 known, 1 converted
    assert matrix.loc["B2", "conversion_rate"] == 0.5
    # D4: 0, (empty), no -> 2 known, 0 converted
    assert (matrix.loc["D4", "conversion_known"], matrix.loc["D4", "conversion_rate"]) == (2, 0.0)
    assert (matrix.loc["D4", "conversion_low"], matrix.loc["D4", "conversion_high"]) == pytest.approx(
        wilson_interval(0, 2))


def test_matrix_metrics_won_amount_sums_text_amounts():
    scored, leads = small_history()
    matrix = matrix_metrics(scored, leads)
    # won leads only: 1000 (converted); " 250.5 " is a lost lead's (converted 0); n/a ignored
    assert matrix.loc["A1", "won_amount"] == pytest.approx(1000.0)
    assert matrix.loc["B2", "won_amount"] == pytest.approx(599.0)  # 500 (converted) + 99 (not known: above 0); "x" ignored
    assert matrix.loc["D4", "won_amount"] == 0.0


def test_matrix_metrics_won_amount_numeric_column():
    scored = scored_frame(["A1", "A1", "B1"])
    leads = pd.DataFrame({"won_amount": [100.0, np.nan, 7.5]})
    matrix = matrix_metrics(scored, leads)
    assert matrix.loc["A1", "won_amount"] == 100.0
    assert matrix.loc["B1", "won_amount"] == 7.5


def test_matrix_metrics_too_few_decisions_flag_at_min_decisions():
    ratings = ["A1"] * MIN_DECISIONS + ["B1"] * (MIN_DECISIONS - 1) + ["C1"] * (MIN_DECISIONS + 5)
    accepted = ["yes"] * MIN_DECISIONS + ["no"] * (MIN_DECISIONS - 1) + ["yes"] * MIN_DECISIONS + [""] * 5
    matrix = matrix_metrics(scored_frame(ratings), pd.DataFrame({"accepted": accepted}))
    assert matrix.loc["A1", "decided"] == MIN_DECISIONS
    assert not matrix.loc["A1", "too_few_decisions"]
    assert matrix.loc["B1", "decided"] == MIN_DECISIONS - 1
    assert matrix.loc["B1", "too_few_decisions"]
    assert matrix.loc["C1", "decided"] == MIN_DECISIONS  # the 5 blanks are not decisions
    assert not matrix.loc["C1", "too_few_decisions"]
    assert matrix.loc["D4", "too_few_decisions"]  # empty cell


def test_matrix_metrics_custom_outcome_column_names():
    scored, leads = small_history()
    renamed = leads.rename(columns={"accepted": "sal", "converted": "closed_won", "won_amount": "amount"})
    outcomes = Outcomes(accepted="sal", converted="closed_won", won_amount="amount")
    custom = matrix_metrics(scored, renamed, outcomes)
    pd.testing.assert_frame_equal(custom, matrix_metrics(scored, leads))
    # with the default names the renamed columns are not found
    assert matrix_metrics(scored, renamed)["acceptance_rate"].isna().all()


def test_matrix_metrics_leads_index_is_ignored():
    scored, leads = small_history()
    shuffled_index = leads.set_index(pd.Index([9, 3, 5, 1, 7, 0, 2, 8, 4, 6]))
    pd.testing.assert_frame_equal(matrix_metrics(scored, shuffled_index), matrix_metrics(scored, leads))


# ------------------------------------------------------------- sales_summary: bad input


def test_sales_summary_without_dates_or_outcomes():
    summary = sales_summary(scored_frame(["A1", "B1"], ["sales", "nurture"]), pd.DataFrame({"x": [1, 2]}))
    assert summary.leads == 1
    assert summary.share == 0.5
    assert summary.leads_per_month is None and summary.months is None
    assert summary.decided == 0
    assert math.isnan(summary.acceptance_rate) and math.isnan(summary.rest_acceptance_rate)
    assert math.isnan(summary.conversions_caught_share)
    assert summary.conversions_total == 0
    assert summary.unrecognised_outcomes == 0


def test_sales_summary_unreadable_created_at_falls_back_to_scored_at():
    leads = pd.DataFrame({"created_at": ["soon", "later"], "scored_at": ["2026-01-01", "2026-03-02T12:00"]})
    summary = sales_summary(scored_frame(["A1", "A1"], ["sales", "sales"]), leads)
    assert summary.months == pytest.approx(60.5 / DAYS_PER_MONTH)


def test_sales_summary_counts_unrecognised_outcomes():
    leads = pd.DataFrame({"accepted": ["yes", "later", ""], "converted": ["??", "no", "0"]})
    summary = sales_summary(scored_frame(["A1"] * 3, ["sales"] * 3), leads)
    assert summary.unrecognised_outcomes == 2


# ------------------------------------------------------------- sales_summary: pinned


def test_sales_summary_only_action_sales_exactly_goes_to_sales():
    actions = ["sales", "nurture:fast-track", "Sales", "sales", "nurture", "discard"]
    summary = sales_summary(scored_frame(["A1"] * 6, actions), pd.DataFrame({"x": range(6)}))
    assert summary.leads == 2
    assert summary.share == pytest.approx(2 / 6)


def six_month_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    """200 leads created over exactly 6 months; 120 go to sales, 80 do not.

    To sales: 90 decided, 60 accepted; 15 converted (known for 100).
    The rest: 40 decided, 10 accepted; 5 converted.
    """
    n_sales, n_rest = 120, 80
    start = pd.Timestamp("2026-01-01T00:00:00")
    end = start + pd.Timedelta(days=6 * DAYS_PER_MONTH)  # 2026-07-02 15:00
    assert end == pd.Timestamp("2026-07-02T15:00:00")
    created = pd.date_range(start, end, periods=n_sales + n_rest).strftime("%Y-%m-%d %H:%M:%S").tolist()
    actions = ["sales"] * n_sales + ["nurture"] * n_rest
    accepted = ["yes"] * 60 + ["no"] * 30 + [""] * 30 + ["yes"] * 10 + ["no"] * 30 + [""] * 40
    converted = ["1"] * 15 + ["0"] * 85 + [""] * 20 + ["1"] * 5 + ["0"] * 75
    scored = scored_frame(["A1"] * n_sales + ["C3"] * n_rest, actions)
    leads = pd.DataFrame({"created_at": created, "accepted": accepted, "converted": converted})
    return scored, leads


WHOLE_HISTORY = Outcomes(per_month=PerMonth.parse("all"))


def test_sales_summary_leads_per_month_from_created_at_span():
    scored, leads = six_month_history()
    summary = sales_summary(scored, leads, WHOLE_HISTORY)
    assert summary.leads == 120
    assert summary.share == pytest.approx(0.6)
    assert summary.months == pytest.approx(6.0, abs=1e-9)
    assert summary.leads_per_month == pytest.approx(20.0, abs=1e-9)


def test_sales_summary_span_uses_all_leads_in_any_order():
    scored, leads = six_month_history()
    order = np.random.default_rng(7).permutation(len(leads))
    summary = sales_summary(scored.iloc[order], leads.iloc[order], WHOLE_HISTORY)
    assert summary.leads_per_month == pytest.approx(20.0, abs=1e-9)


def test_sales_summary_span_under_a_month_counts_as_one_month():
    leads = pd.DataFrame({"created_at": ["2026-01-01", "2026-01-03", "2026-01-04"]})
    summary = sales_summary(scored_frame(["A1"] * 3, ["sales"] * 3), leads)
    assert summary.months == 1.0
    assert summary.leads_per_month == 3.0


def test_sales_summary_acceptance_of_sales_set_versus_the_rest():
    scored, leads = six_month_history()
    summary = sales_summary(scored, leads)
    assert summary.decided == 90
    assert summary.acceptance_rate == pytest.approx(60 / 90)
    assert (summary.acceptance_low, summary.acceptance_high) == pytest.approx(wilson_interval(60, 90))
    assert summary.rest_acceptance_rate == pytest.approx(10 / 40)


def test_sales_summary_share_of_conversions_caught():
    scored, leads = six_month_history()
    summary = sales_summary(scored, leads)
    assert summary.conversions_total == 20
    assert summary.conversions_caught == 15
    assert summary.conversions_caught_share == pytest.approx(0.75)
    assert summary.conversion_rate == pytest.approx(15 / 100)


def test_sales_summary_custom_outcome_names():
    scored, leads = six_month_history()
    renamed = leads.rename(columns={"created_at": "signup", "accepted": "sal", "converted": "won"})
    summary = sales_summary(scored, renamed, Outcomes(accepted="sal", converted="won", created_at="signup"))
    default = sales_summary(scored, leads)
    assert summary.window.dated_by == "signup" and default.window.dated_by == "created_at"
    assert summary == dataclasses.replace(default, window=dataclasses.replace(default.window, dated_by="signup"))


def test_sales_summary_as_dict_has_every_field():
    scored, leads = six_month_history()
    data = sales_summary(scored, leads, WHOLE_HISTORY).as_dict()
    assert data["leads"] == 120
    assert data["leads_per_month"] == pytest.approx(20.0)
    assert data["per_month_window"]["name"] == "all"
    assert (data["per_month_window"]["start"], data["per_month_window"]["end"]) == ("2026-01-01", "2026-07-02")
    assert {"acceptance_rate", "rest_acceptance_rate", "conversions_caught_share"} <= set(data)


# ------------------------------------------------------------- preview (model + scorer)


def test_preview_scores_and_adds_routing_to_matrix():
    model = parse_model(MODEL_YAML)
    leads = pd.DataFrame({
        "lead_id": [1, 2, 3, 4, 5],
        "industry": ["Software", "Software", "Retail", "Other", "Software"],
        "total_visits": [12, 0, 15, 20, 3],
        "accepted": ["yes", "no", "yes", "no", ""],
        "converted": ["1", "0", "0", "0", "1"],
        "created_at": ["2026-01-01", "2026-01-15", "2026-02-01", "2026-03-01", "2026-04-01"],
    })
    scorer = Scorer(leads)
    result = preview(model, scorer)
    pd.testing.assert_frame_equal(result.scored, scorer.score(model))
    assert result.scored["rating"].tolist() == ["A1", "A4", "B1", "D1", "A4"]
    assert result.matrix.loc["A1", "action"] == "sales" and result.matrix.loc["A1", "sla_hours"] == 24
    assert result.matrix.loc["B1", "action"] == "sales" and math.isnan(result.matrix.loc["B1", "sla_hours"])
    assert result.matrix.loc["A4", "action"] == "nurture:fast-track"
    assert result.matrix.loc["C2", "action"] == "nurture"
    assert result.matrix.loc["A4", "leads"] == 2
    assert result.sales.leads == 2  # A1 and B1; fast-track is not sales
    assert result.sales.acceptance_rate == 1.0
    assert result.sales.rest_acceptance_rate == 0.0
    assert result.sales.conversions_caught == 1 and result.sales.conversions_total == 2  # leads 1 and 5


def test_few_outcomes_are_judged_by_the_positive_ones():
    # Issue 19: a cell with 9 conversions out of 1,800 is not trustworthy because it has 1,800 leads.
    ratings = ["A1"] * 1800 + ["B1"] * 30 + ["C1"] * 30 + ["D1"] * 29
    converted = ["yes"] * 9 + ["no"] * 1791 + ["yes"] * 10 + ["no"] * 20 + ["yes"] * 9 + ["no"] * 21 + ["yes"] * 29
    matrix = matrix_metrics(scored_frame(ratings), pd.DataFrame({"converted": converted, "accepted": converted}))
    assert list(matrix.loc[["A1", "B1", "C1", "D1"], "too_few_conversions"]) == [True, False, True, True]
    assert list(matrix.loc[["A1", "B1", "C1", "D1"], "too_few_decisions"]) == [True, False, True, True]
    assert few_rule("conversion") == ("fewer than 30 leads with a known conversion, or fewer than 10 converted")


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.tuples(st.sampled_from(RATINGS), st.integers(0, 400), st.integers(0, 60)), max_size=6))
def test_too_few_against_the_raw_rows(cells):
    ratings, converted = [], []
    for rating, negatives, positives in cells:
        ratings += [rating] * (negatives + positives + 1)
        converted += ["no"] * negatives + ["yes"] * positives + [""]
    leads = pd.DataFrame({"converted": converted})
    matrix = matrix_metrics(scored_frame(ratings), leads)
    raw = pd.DataFrame({"rating": ratings, "converted": converted})
    known = raw[raw["converted"] != ""].groupby("rating")["converted"].agg(
        known="size", positives=lambda values: int((values == "yes").sum()))
    for rating in RATINGS:
        count, hits = (known.loc[rating, "known"], known.loc[rating, "positives"]) if rating in known.index else (0, 0)
        assert matrix.loc[rating, "too_few_conversions"] == (count < 30 or hits < 10), rating


# ------------------------------------------------------------- properties

OUTCOME_TEXT = st.sampled_from(["yes", "no", "", "1", "0", "maybe", "TRUE", " n "])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(RATINGS), OUTCOME_TEXT, OUTCOME_TEXT), max_size=60))
def test_matrix_metrics_totals_agree_with_the_data(rows):
    ratings = [r for r, _, _ in rows]
    leads = pd.DataFrame({"accepted": [a for _, a, _ in rows], "converted": [c for _, _, c in rows]},
                         dtype=object)
    matrix = matrix_metrics(scored_frame(ratings), leads)
    flags = read_flags(leads["accepted"])
    assert matrix["leads"].sum() == len(rows)
    if rows:
        assert matrix["share"].sum() == pytest.approx(1.0)
    assert matrix["decided"].sum() == int(flags.known.sum())
    assert matrix["accepted"].sum() == int(np.nansum(flags.values))
    assert (matrix["accepted"] <= matrix["decided"]).all()
    assert (matrix["decided"] <= matrix["leads"]).all()
    assert (matrix["conversion_known"] <= matrix["leads"]).all()
    for _, row in matrix.iterrows():
        if row["decided"]:
            assert row["acceptance_low"] <= row["acceptance_rate"] + 1e-12
            assert row["acceptance_rate"] <= row["acceptance_high"] + 1e-12
        else:
            assert math.isnan(row["acceptance_rate"])
        assert row["too_few_decisions"] == (row["decided"] < MIN_DECISIONS or row["accepted"] < MIN_POSITIVES)


def test_matrix_table_shows_conversion_when_the_data_records_no_decisions():
    from scoring.measures.report import matrix_table

    leads = pd.DataFrame({"lead_id": ["a", "b", "c", "d"], "x": ["1", "1", "0", "0"],
                          "converted": ["1", "0", "0", "0"]})
    model = validate_model({
        "name": "t",
        "profile": {"categories": [{"id": "x", "field": "x", "weight": 100,
                                    "rules": [{"match": {"in": ["1"]}, "value": 100}]}],
                    "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
        "engagement": {"grades": {"1": 60, "2": 35, "3": 15, "4": 0}},
        "routing": {"cells": {"A4": {"action": "sales"}}},
    })
    text = matrix_table(preview(model, Scorer(leads)))
    assert "conversion" in text.splitlines()[0]
    assert "Converted: 50.0%; the rest: 0.0%" in text
    assert " 50.0%" in text.splitlines()[3]  # row A, cell 4: 2 leads, 1 converted


@pytest.mark.parametrize(("columns", "outcome", "label", "rate"), [
    ({"accepted": ["yes", "no", "", ""], "converted": ["1", "0", "0", "0"]}, "acceptance", "Accepted by sales", 0.5),
    ({"converted": ["1", "0", "0", "0"]}, "conversion", "Converted", 0.5),
    ({}, "acceptance", "No outcomes recorded", None),
])
def test_headline_judges_by_acceptance_else_conversion_else_says_none_is_recorded(columns, outcome, label, rate):
    # leads a and b are A4 (to sales); c and d are D4
    leads = pd.DataFrame({"lead_id": ["a", "b", "c", "d"], "x": ["1", "1", "0", "0"], **columns})
    model = validate_model({
        "name": "t",
        "profile": {"categories": [{"id": "x", "field": "x", "weight": 100,
                                    "rules": [{"match": {"in": ["1"]}, "value": 100}]}],
                    "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
        "engagement": {"grades": {"1": 60, "2": 35, "3": 15, "4": 0}},
        "routing": {"cells": {"A4": {"action": "sales"}}},
    })
    head = headline(preview(model, Scorer(leads)))
    assert (head.outcome, head.label) == (outcome, label)
    assert math.isnan(head.rate) if rate is None else head.rate == rate
