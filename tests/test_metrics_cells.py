"""The preview's figures, counted per cell from integer rating codes, equal the per-lead
figures of ``matrix_metrics`` and ``sales_summary`` on the scored table; a cell's leads
(``cell_leads``) are the file's own rows of those lead ids, also under a segment filter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metricscases import MODEL_YAML

from scoring import RATINGS, Scorer, parse_model
from scoring.measures.metrics import (
    History,
    cell_leads,
    matrix_metrics,
    preview,
    rating_codes,
    sales_summary,
)
from scoring.measures.segments import segment_labels, segment_preview
from scoring.model.files import load_model
from scoring.tools.synth import generate

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
        elif isinstance(value, dict):  # the per-month window
            assert got == value, key
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


# ----- the leads of a cell: joined to the leads table by id, also under a segment filter

def _segment_leads(rows: list[tuple]) -> pd.DataFrame:
    """Leads with ids out of row order, so a join by position could not pass by luck."""
    return pd.DataFrame({
        "lead_id": [f"L{(7 * i + 3) % 101:03d}-{i}" for i in range(len(rows))],
        "industry": pd.Series([r[0] for r in rows], dtype=object),
        "total_visits": [r[1] for r in rows],
        "lead_source": pd.Series([r[2] for r in rows], dtype=object),
        "accepted": pd.Series([r[3] for r in rows], dtype=object),
        "converted": pd.Series([r[4] for r in rows], dtype=object),
    })


def _cell_under_segment(leads: pd.DataFrame, value: str, rating: str) -> pd.DataFrame:
    model = parse_model(MODEL_YAML)
    scorer = Scorer(leads)
    full = preview(model, scorer)
    segments = segment_labels(scorer.leads, "lead_source")
    sliced = segment_preview(model, full, History.read(scorer.leads), segments.mask(value))
    return cell_leads(sliced, scorer.leads, rating, model.lead_fields())


def test_cell_leads_under_a_segment_by_hand():
    # L1 Retail (B1, webinar), L2 Software (A1, webinar), L3 Software without visits (A4, webinar):
    # the webinar slice's A1 holds only the third lead, whose industry is Software.
    leads = _segment_leads([("Software", 12, "web", "yes", "no"), ("Retail", 12, "webinar", "no", "no"),
                            ("Software", 12, "webinar", "yes", "yes"), ("Software", 0, "webinar", "", "")])
    table = _cell_under_segment(leads, "webinar", "A1")
    assert table["lead_id"].tolist() == [leads["lead_id"][2]]
    assert table[["industry", "total_visits", "accepted", "converted"]].iloc[0].tolist() == ["Software", 12, "yes",
                                                                                           "yes"]
    assert table.loc[0, "profile_score"] == 100.0 and table.loc[0, "engagement_score"] == 70.0


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["Software", "Retail", "x", None]), st.integers(0, 30),
                               st.sampled_from(["web", "webinar", "event"]), OUTCOME, OUTCOME), min_size=1, max_size=40),
       value=st.sampled_from(["web", "webinar", "event"]), rating=st.sampled_from(["A1", "A4", "B1", "B4", "D1", "D4"]))
def test_cell_leads_under_a_segment_are_the_files_rows_of_those_ids(rows, value, rating):
    leads = _segment_leads(rows)
    if not (leads["lead_source"] == value).any():
        return
    table = _cell_under_segment(leads, value, rating)
    scored = Scorer(leads).score(parse_model(MODEL_YAML))  # the whole data, scored on its own
    expected_ids = set(scored.index[(scored["rating"] == rating).to_numpy() & (leads["lead_source"] == value).to_numpy()])
    assert set(table["lead_id"]) == expected_ids
    columns = ["industry", "total_visits", "accepted", "converted"]
    raw = leads.set_index("lead_id").loc[table["lead_id"], columns].reset_index()
    pd.testing.assert_frame_equal(table[["lead_id", *columns]], raw, check_dtype=False)
    pd.testing.assert_series_equal(table["profile_score"], scored.loc[table["lead_id"], "profile_score"]
                                   .reset_index(drop=True), check_names=False)
