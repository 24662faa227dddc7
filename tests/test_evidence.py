"""Evidence beside the controls (scoring/measures/evidence.py, grid.py, report.py): per value, band and rule, the leads and
their acceptance and conversion; the compact grid; the separation of a column against the
whole model. Every figure below is counted by hand from the few leads of each case."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring import Scorer, parse_model
from scoring.measures.evidence import rule_evidence, separation_report, value_evidence
from scoring.measures.grid import compact_grid, few_outcomes, outcome_of, rate_choices
from scoring.measures.metrics import matrix_metrics, wilson_interval
from scoring.measures.stats import auc as separation
from scoring.model.schema import Rule

SOFTWARE = Rule.model_validate({"match": {"in": ["Software"]}, "value": 100})
RETAIL = Rule.model_validate({"match": {"in": ["Retail"]}, "value": 60})


def _leads(**columns) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    return pd.DataFrame({"lead_id": [f"L{i}" for i in range(size)],
                         **{k: pd.Series(v, dtype=object) for k, v in columns.items()}})


@pytest.fixture
def industry_scorer() -> Scorer:
    return Scorer(_leads(
        industry=["Software", "software ", "Retail", "Other", None, "Software", "Retail", "Other"],
        accepted=["yes", "no", "yes", "", "no", "yes", "no", "no"],
        converted=["1", "0", "0", "0", "1", "1", "", "0"],
    ))


def _row(frame: pd.DataFrame, value: str) -> dict:
    return frame.set_index(frame.columns[0]).loc[value].to_dict()


# ----- bad input first


def test_a_column_the_leads_lack_is_a_data_error(industry_scorer):
    from scoring import DataError

    with pytest.raises(DataError, match="missing leads column: size"):
        value_evidence(industry_scorer, "size", [SOFTWARE])


def test_without_outcome_columns_counts_are_zero_and_rates_missing():
    scorer = Scorer(_leads(industry=["Software", "Retail", "Software"]))
    frame = value_evidence(scorer, "industry", [SOFTWARE])
    software = _row(frame, "Software")
    assert software["leads"] == 2 and software["decided"] == 0 and software["conversion_known"] == 0
    assert math.isnan(software["acceptance_rate"]) and math.isnan(software["conversion_rate"])
    assert math.isnan(software["conversion_low"])


# ----- per value


def test_value_evidence_counts_each_value_as_rules_compare_it(industry_scorer):
    frame = value_evidence(industry_scorer, "industry", [SOFTWARE, RETAIL], default=10)
    assert frame["value"].tolist() == ["Software", "Retail", "Other", "(missing)"]  # most leads first
    assert frame["leads"].tolist() == [3, 2, 2, 1]
    assert frame["rule"].tolist() == ["rule 1", "rule 2", "default", "default"]
    assert frame["share"].tolist() == [100, 60, 10, 10]
    software = _row(frame, "Software")  # leads 0, 1, 5: accepted yes, no, yes; converted 1, 0, 1
    assert (software["decided"], software["accepted"], software["acceptance_rate"]) == (3, 2, pytest.approx(2 / 3))
    assert (software["acceptance_low"], software["acceptance_high"]) == pytest.approx(wilson_interval(2, 3))
    assert (software["conversion_known"], software["converted"]) == (3, 2)
    other = _row(frame, "Other")  # leads 3 and 7: acceptance '' (unknown) and no; conversion 0, 0
    assert (other["decided"], other["accepted"], other["acceptance_rate"]) == (1, 0, 0.0)
    assert (other["conversion_known"], other["conversion_rate"]) == (2, 0.0)
    retail = _row(frame, "Retail")  # leads 2 and 6: conversion 0 and unknown
    assert (retail["conversion_known"], retail["converted"], retail["acceptance_rate"]) == (1, 0, 0.5)
    missing = _row(frame, "(missing)")
    assert (missing["decided"], missing["conversion_known"], missing["conversion_rate"]) == (1, 1, 1.0)


def test_values_beyond_the_limit_are_one_row(industry_scorer):
    frame = value_evidence(industry_scorer, "industry", [SOFTWARE, RETAIL], limit=2)
    assert frame["value"].tolist() == ["Software", "Retail", "(all other values)"]
    others = _row(frame, "(all other values)")  # leads 3, 4, 7
    assert others["leads"] == 3 and others["rule"] == "default"
    assert (others["decided"], others["accepted"]) == (2, 0)
    assert (others["conversion_known"], others["converted"]) == (3, 1)


def test_rule_evidence_counts_the_leads_each_rule_catches_first(industry_scorer):
    both = Rule.model_validate({"match": {"contains_any": ["soft", "ret"]}, "value": 30})
    frame = rule_evidence(industry_scorer, "industry", [SOFTWARE, both], default=-5)
    assert frame["rule"].tolist() == ["rule 1", "rule 2", "default"]
    assert frame["share"].tolist() == [100, 30, -5]
    assert frame["leads"].tolist() == [3, 2, 3]  # rule 2 gets only Retail: Software met rule 1 first
    assert frame["accepted"].tolist() == [2, 1, 0]
    assert frame["converted"].tolist() == [2, 0, 1]


# ----- bands of a numeric column


def test_numbers_with_many_values_come_in_bands():
    visits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, None, "n/a"]
    converted = ["1", "0", "0", "1", "1", "0", "1", "1", "1", "1", "1", "0", "0", "1"]
    scorer = Scorer(_leads(visits=visits, converted=converted))
    rules = [Rule.model_validate({"match": {"gte": 5}, "value": 50})]
    frame = value_evidence(scorer, "visits", rules, limit=5, bands=4)
    # quantiles of 0..11 at 0, 1/4, 1/2, 3/4, 1: 0, 2.75, 5.5, 8.25, 11
    assert frame["value"].tolist() == ["0 ≤ x < 2.75", "2.75 ≤ x < 5.5", "5.5 ≤ x < 8.25", "8.25 ≤ x ≤ 11",
                                       "(missing)", "(not a number)"]
    assert frame["leads"].tolist() == [3, 3, 3, 3, 1, 1]
    assert frame["converted"].tolist() == [1, 2, 3, 2, 0, 1]
    assert frame["rule"].tolist() == ["default", "mixed", "rule 1", "rule 1", "default", "default"]
    assert frame["share"].iloc[1] != frame["share"].iloc[1]  # a mixed band has no single share
    assert frame["share"].iloc[2] == 50


def test_few_distinct_numbers_stay_values():
    scorer = Scorer(_leads(visits=[1, 1, 2, 3]))
    assert value_evidence(scorer, "visits", [], limit=5)["value"].tolist() == ["1", "2", "3"]


# ----- the outcome a data set records, and the compact grid


def _matrix(ratings: list[str], **outcomes) -> pd.DataFrame:
    scored = pd.DataFrame({"rating": ratings}, index=pd.Index([f"L{i}" for i in range(len(ratings))]))
    matrix = matrix_metrics(scored, _leads(**outcomes) if outcomes else _leads(x=[0] * len(ratings)))
    matrix["action"] = ["sales" if rating == "A1" else "nurture" for rating in matrix.index]
    return matrix


def test_conversion_only_data_is_judged_by_conversion():
    matrix = _matrix(["A1", "A1", "A1", "B2", "D4"], converted=["1", "0", "1", "0", ""],
                     accepted=["", "", "", "", ""])  # an acceptance column with no decision in it
    assert outcome_of(matrix) == "conversion"
    assert rate_choices(matrix) == ["conversion_rate", "share"]
    grid = compact_grid(matrix, "conversion")
    assert grid.loc["A1"].to_dict() == {"letter": "A", "number": "1", "leads": 3, "share": pytest.approx(0.6),
                                        "rate": pytest.approx(2 / 3), "known": 3, "few": True, "to_sales": True}
    assert grid.loc["D4", "leads"] == 1 and math.isnan(grid.loc["D4", "rate"]) and grid.loc["D4", "known"] == 0
    assert grid.loc["A2", "leads"] == 0 and not grid.loc["A2", "few"]  # an empty cell is not "few"
    assert list(grid.index) == ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4",
                                "C1", "C2", "C3", "C4", "D1", "D2", "D3", "D4"]


def test_data_with_decisions_is_judged_by_acceptance_and_few_counts_decisions():
    matrix = _matrix(["A1"] * 31 + ["B1"] * 2, accepted=["yes"] * 30 + ["no"] * 3, converted=["1"] * 33)
    assert outcome_of(matrix) == "acceptance"
    assert rate_choices(matrix) == ["acceptance_rate", "conversion_rate", "share"]
    few = few_outcomes(matrix, "acceptance")
    assert not few["A1"] and few["B1"] and not few["C1"]  # 31 decisions; 2; no leads
    grid = compact_grid(matrix, "acceptance")
    assert grid.loc["A1", "rate"] == pytest.approx(30 / 31) and grid.loc["B1", "rate"] == 0.0


def test_data_without_outcomes_has_no_rate_and_nothing_few():
    matrix = _matrix(["A1", "C3"])
    assert outcome_of(matrix) is None
    assert rate_choices(matrix) == ["share"]
    assert not few_outcomes(matrix, None).any()
    grid = compact_grid(matrix, None)
    assert grid.loc["C3", "leads"] == 1 and math.isnan(grid.loc["C3", "rate"]) and grid.loc["C3", "known"] == 0


# ----- separation


def test_separation_is_the_auc_with_ties_half():
    assert separation(np.array([1, 2, 3, 4]), np.array([0, 0, 1, 1])) == 1.0
    assert separation(np.array([4, 3, 2, 1]), np.array([0, 0, 1, 1])) == 0.0
    assert separation(np.array([1, 1, 1, 1]), np.array([0, 1, 0, 1])) == 0.5
    # positives 3 and 2 against negatives 1 and 2: wins 3>1, 3>2, 2>1 and the tie 2=2 half: 3.5 of 4
    assert separation(np.array([3, 1, 2, 2]), np.array([1, 0, 1, 0])) == 0.875
    assert separation(np.array([3, 1, 2, 2, 9]), np.array([1, 0, 1, 0, np.nan])) == 0.875  # unknown left out
    assert math.isnan(separation(np.array([1, 2]), np.array([1, 1])))


LEAK_MODEL = """
schema_version: 1
name: Leak
profile:
  categories:
    - {id: leak, label: Page value, field: leak, weight: 50, rules: [{match: {in: ["y"]}, value: 100}], default: 0}
    - {id: noise, field: noise, weight: 50, rules: [{match: {in: ["a"]}, value: 100}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  activities: []
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
"""


def test_a_column_doing_all_the_work_is_dominant():
    scorer = Scorer(_leads(leak=list("yyyynnnn"), noise=list("abababab"), converted=list("11110000")))
    report = separation_report(scorer, parse_model(LEAK_MODEL))
    # profile scores: y+a 100, y+b 50, n+a 50, n+b 0; buyers 100, 50, 100, 50 against 50, 0, 50, 0:
    # of 16 pairs the two 100s win 8, the two 50s win 4 and tie 4 (2): 14 / 16
    assert report.outcome == "conversion"
    assert report.model_auc == 0.875
    by_id = {c.id: c for c in report.columns}
    assert by_id["leak"].auc == 1.0 and by_id["leak"].share == pytest.approx(0.5 / 0.375)
    assert by_id["noise"].auc == 0.5 and by_id["noise"].share == 0.0
    assert [c.id for c in report.dominant] == ["leak"]
    assert by_id["leak"].label == "Page value" and by_id["leak"].axis == "profile"


def test_no_outcome_no_separation():
    scorer = Scorer(_leads(leak=list("yn"), noise=list("ab")))
    report = separation_report(scorer, parse_model(LEAK_MODEL))
    assert report.outcome is None and report.columns == [] and report.dominant == []


def test_rates_as_the_pages_show_them(industry_scorer):
    frame = rule_evidence(industry_scorer, "industry", [SOFTWARE, RETAIL])
    from scoring.measures.grid import recorded_outcomes
    from scoring.measures.report import evidence_text, rate_text

    assert recorded_outcomes(frame) == ["acceptance", "conversion"]
    low, high = wilson_interval(2, 3)  # 20.8% .. 93.9%
    assert rate_text(2 / 3, low, high) == "66.7% (20.8–93.9%)"
    assert rate_text(math.nan, math.nan, math.nan) == "–"
    shown = evidence_text(frame)
    assert shown.columns.tolist() == ["leads", "acceptance", "conversion"]
    assert shown["acceptance"].tolist()[0] == "66.7% (20.8–93.9%)"
    only_conversion = Scorer(_leads(industry=["Software", "Retail"], converted=["1", "0"]))
    frame = rule_evidence(only_conversion, "industry", [SOFTWARE])
    assert recorded_outcomes(frame) == ["conversion"]
    assert evidence_text(frame)["conversion"].tolist()[0].startswith("100.0% (")
