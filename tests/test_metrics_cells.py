"""The preview's figures, counted per cell from integer rating codes, equal the per-lead
figures of ``matrix_metrics`` and ``sales_summary`` on the scored table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metricscases import MODEL_YAML

from scoring import RATINGS, Scorer, parse_model
from scoring.metrics import matrix_metrics, preview, rating_codes, sales_summary
from scoring.modelfile import load_model
from scoring.synth import generate

OUTCOME = st.sampled_from(["yes", "no", "", "1", "0", "maybe", None])


def assert_preview_matches_slow_path(model, scorer: Scorer) -> None:
    result = preview(model, scorer)
    slow = matrix_metrics(result.scored, scorer.leads)
    pd.testing.assert_frame_equal(result.matrix.drop(columns=["action", "sla_hours"]), slow, rtol=1e-12)
    assert_same_summary(result.sales, sales_summary(result.scored, scorer.leads))


def assert_same_summary(fast, slow) -> None:
    for key, value in slow.as_dict().items():
        got = fast.as_dict()[key]
        if value is None or got is None:
            assert got is value, key
        elif isinstance(value, float) and np.isnan(value):
            assert np.isnan(got), key
        else:
            assert got == pytest.approx(value, rel=1e-12), key


def test_preview_figures_on_synthetic_data_equal_the_per_lead_figures():
    leads, activities = generate(4000, 3)
    model = load_model("configs/default.yaml")
    scorer = Scorer(leads, activities)
    assert_preview_matches_slow_path(model, scorer)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["Software", "Retail", "x", None]), st.integers(0, 30), OUTCOME,
                               OUTCOME, st.one_of(st.none(), st.floats(0, 1e6), st.just("n/a"))), max_size=40))
def test_preview_figures_on_messy_outcomes_equal_the_per_lead_figures(rows):
    leads = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(len(rows))],
        "industry": pd.Series([r[0] for r in rows], dtype=object),
        "total_visits": [r[1] for r in rows],
        "accepted": pd.Series([r[2] for r in rows], dtype=object),
        "converted": pd.Series([r[3] for r in rows], dtype=object),
        "won_amount": pd.Series([r[4] for r in rows], dtype=object),
    })
    assert_preview_matches_slow_path(parse_model(MODEL_YAML), Scorer(leads))


def test_rating_codes_of_text_in_any_dtype():
    ratings = ["A1", "D4", "x", None, "B2", " A1"]
    expected = [0, 15, -1, -1, 5, -1]
    assert rating_codes(pd.Series(ratings, dtype="str")).tolist() == expected
    assert rating_codes(pd.Series(ratings, dtype=object)).tolist() == expected
    assert rating_codes(pd.Series(ratings, dtype="category")).tolist() == expected
    assert rating_codes(pd.Series(list(RATINGS))).tolist() == list(range(16))
