"""Two models on one history (scoring/compare.py): the movement matrix, the per-cell
differences and the to-sales deltas of six leads worked out by hand, the refusal of
models that map columns differently, and a Hypothesis property: every lead is counted
exactly once and the movement's margins are the two matrices' leads."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metricscases import small_model

from scoring import RATINGS, ModelError, Scorer, parse_model
from scoring.measures.compare import check_same_mapping, compare_models, movement_matrix
from scoring.measures.metrics import DAYS_PER_MONTH, preview

MODEL_A = small_model("Model A", "{A1: {action: sales}, B1: {action: sales}}")
# B: Retail is worth 80 (an A), and the to-sales cells are A1 and A4
MODEL_B = small_model("Model B", "{A1: {action: sales}, A4: {action: sales}}", retail=80)

START = pd.Timestamp("2025-01-01")
LEADS = pd.DataFrame({
    "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6"],
    "industry": ["Software", "Retail", "Retail", "Other", "Software", "Retail"],
    "total_visits": [12, 12, 0, 12, 0, 20],
    # under A: A1, B1, B4, D1, A4, B1;  under B: A1, A1, A4, D1, A4, A1
    "accepted": ["yes", "yes", "no", "no", "", "no"],
    "converted": [True, False, True, False, False, True],
    "won_amount": [100.0, None, 50.0, None, None, 200.0],
    # the dates span exactly two months of DAYS_PER_MONTH days
    "created_at": [START, START, START, START, START, START + pd.Timedelta(days=2 * DAYS_PER_MONTH)],
})


@pytest.fixture(scope="module")
def comparison():
    return compare_models(parse_model(MODEL_A), parse_model(MODEL_B), Scorer(LEADS))


def test_movement_counts_each_lead_in_its_cell_under_a_and_under_b(comparison):
    movement = comparison.movement
    assert list(movement.index) == list(RATINGS) and list(movement.columns) == list(RATINGS)
    expected = {("A1", "A1"): 1, ("B1", "A1"): 2, ("B4", "A4"): 1, ("D1", "D1"): 1, ("A4", "A4"): 1}
    for row in RATINGS:
        for column in RATINGS:
            assert movement.loc[row, column] == expected.get((row, column), 0), (row, column)
    assert comparison.moves == {"leads": 6, "same_rating": 3, "changed_rating": 3,
                                "into_sales": 2,  # L3 (B4 -> A4) and L5 (A4, now routed to sales)
                                "out_of_sales": 0, "stay_in_sales": 3}
    assert comparison.largest_moves() == [("B1", "A1", 2), ("B4", "A4", 1)]


def test_cell_differences_by_hand(comparison):
    cells = comparison.cells
    a1 = cells.loc["A1"]  # A: L1;  B: L1, L2, L6
    assert (a1["leads_a"], a1["leads_b"], a1["leads_change"]) == (1, 3, 2)
    assert a1["acceptance_a"] == 1.0 and a1["acceptance_b"] == pytest.approx(2 / 3)
    assert a1["acceptance_change"] == pytest.approx(2 / 3 - 1)
    assert a1["conversion_a"] == 1.0 and a1["conversion_b"] == pytest.approx(2 / 3)
    assert (a1["won_amount_a"], a1["won_amount_b"], a1["won_amount_change"]) == (100.0, 300.0, 200.0)
    b1 = cells.loc["B1"]  # A: L2, L6;  B: none
    assert (b1["leads_a"], b1["leads_b"], b1["leads_change"]) == (2, 0, -2)
    assert b1["acceptance_a"] == 0.5 and math.isnan(b1["acceptance_b"]) and math.isnan(b1["acceptance_change"])
    assert (b1["won_amount_a"], b1["won_amount_b"]) == (200.0, 0.0)
    assert (b1["action_a"], b1["action_b"]) == ("sales", "nurture")
    assert (cells.loc["A4", "action_a"], cells.loc["A4", "action_b"]) == ("nurture", "sales")
    assert cells["leads_change"].sum() == 0


def test_summary_deltas_by_hand(comparison):
    summary = comparison.summary
    # A sends L1, L2, L6; B sends L1, L2, L6 (A1) and L3, L5 (A4); two months of history
    assert summary.loc["to_sales_leads", ["a", "b", "change"]].tolist() == [3, 5, 2]
    assert summary.loc["to_sales_per_month", ["a", "b", "change"]].tolist() == pytest.approx([1.5, 2.5, 1.0])
    # decided in the set: A: L1 yes, L2 yes, L6 no;  B: also L3 no (L5 undecided)
    assert summary.loc["to_sales_acceptance", ["a", "b"]].tolist() == pytest.approx([2 / 3, 2 / 4])
    assert summary.loc["to_sales_acceptance", "change"] == pytest.approx(0.5 - 2 / 3)
    # conversions L1, L3, L6: A catches L1 and L6, B all three
    assert summary.loc["conversions_caught_share", ["a", "b"]].tolist() == pytest.approx([2 / 3, 1.0])
    # won 100 (L1) + 50 (L3) + 200 (L6) = 350: A catches 300, B all
    assert summary.loc["won_amount_caught_share", ["a", "b"]].tolist() == pytest.approx([300 / 350, 1.0])


def test_changes_in_words_and_plain_data(comparison):
    assert comparison.changes == ["Model name: Model A → Model B", "industry rule 2 (in [Retail]) 60 → 80",
                                  "A4: nurture → sales", "B1: sales → nurture"]
    data = comparison.as_dict()
    assert set(data["movement"]) == set(RATINGS)
    assert all(set(row) == set(RATINGS) for row in data["movement"].values())
    assert data["movement"]["B1"]["A1"] == 2
    assert data["summary"]["to_sales_leads"] == {"label": "Leads to sales", "a": 3.0, "b": 5.0, "change": 2.0}
    assert data["a"]["model"] == "Model A" and data["b"]["cells"]["A1"]["leads"] == 3


def test_a_given_preview_of_b_gives_the_same_comparison(comparison):
    """``preview_b`` (the app passes its current preview) is used as B's, not built again."""
    scorer = Scorer(LEADS)
    given_b = preview(parse_model(MODEL_B), scorer)
    reused = compare_models(parse_model(MODEL_A), parse_model(MODEL_B), scorer, preview_b=given_b)
    assert reused.b is given_b
    assert json.dumps(reused.as_dict(), default=str) == json.dumps(comparison.as_dict(), default=str)


def test_the_same_model_moves_nobody():
    model = parse_model(MODEL_A)
    result = compare_models(model, model, Scorer(LEADS))
    assert np.trace(result.movement.to_numpy()) == len(LEADS)
    assert result.changes == [] and result.largest_moves() == []
    assert (result.summary["change"].fillna(0) == 0).all()


def test_models_mapping_columns_differently_are_refused_in_one_sentence():
    mapped = parse_model(MODEL_B + "columns:\n  leads: {industry: sector}\n")
    with pytest.raises(ModelError) as caught:
        compare_models(parse_model(MODEL_A), mapped, Scorer(LEADS))
    message = str(caught.value)
    assert "\n" not in message and caught.value.path == "columns"
    assert "map columns differently" in message and "leads.industry" in message and "'sector'" in message
    # the same mapping on both sides, or overrides that make them agree, are fine
    check_same_mapping(mapped, mapped)
    check_same_mapping(parse_model(MODEL_A), mapped, {"leads": {"industry": "sector"}})


def test_movement_matrix_refuses_mismatched_or_foreign_codes():
    with pytest.raises(ValueError):
        movement_matrix(np.array([0, 1]), np.array([0]))
    with pytest.raises(ValueError):
        movement_matrix(np.array([16]), np.array([0]))
    assert movement_matrix(np.array([], dtype=int), np.array([], dtype=int)).to_numpy().sum() == 0


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["Software", "Retail", "Other", "", None]),
                            st.one_of(st.none(), st.integers(-5, 40))), min_size=1, max_size=40),
    retail=st.integers(-100, 100),
    visits=st.integers(0, 100),
    threshold_b=st.integers(26, 74),
)
def test_movement_counts_every_lead_once_and_its_margins_are_the_matrices(rows, retail, visits, threshold_b):
    leads = pd.DataFrame({"lead_id": range(len(rows)), "industry": [r[0] for r in rows],
                          "total_visits": pd.array([r[1] for r in rows], dtype="Int64")})
    model_b = parse_model(MODEL_B.replace("value: 80", f"value: {retail}").replace("value: 70", f"value: {visits}")
                          .replace("B: 50", f"B: {threshold_b}"))
    result = compare_models(parse_model(MODEL_A), model_b, Scorer(leads))
    movement = result.movement.to_numpy()
    assert movement.sum() == len(leads)
    assert movement.sum(axis=1).tolist() == result.a.matrix.loc[list(RATINGS), "leads"].tolist()
    assert movement.sum(axis=0).tolist() == result.b.matrix.loc[list(RATINGS), "leads"].tolist()
    moves = result.moves
    assert moves["same_rating"] + moves["changed_rating"] == len(leads)
    assert moves["stay_in_sales"] + moves["out_of_sales"] == result.a.sales.leads
    assert moves["stay_in_sales"] + moves["into_sales"] == result.b.sales.leads
