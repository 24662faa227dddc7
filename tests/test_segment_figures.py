"""Every after-hand-over figure of a cell under a segment filter, against an independent
pandas computation on the raw rows (issue 19): random leads, segment value and cell; the
cell's leads (by id), its deals, won amount and average deal, its rejections, and the
segment's base rate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metricscases import MODEL_YAML

from scoring import Scorer, parse_model
from scoring.measures.funnel import after_handover
from scoring.measures.metrics import History, cell_leads, preview, rating_codes
from scoring.measures.pipeline import Pipeline
from scoring.measures.segments import segment_breakdown, segment_labels, segment_preview

MODEL = parse_model(MODEL_YAML)
SOURCES = ["web", "webinar", "event"]
YES_NO = st.sampled_from(["yes", "no", "", None])
ROW = st.tuples(st.sampled_from(["Software", "Retail", "x"]), st.integers(0, 30), st.sampled_from(SOURCES),
                YES_NO, YES_NO, st.one_of(st.none(), st.just(0), st.integers(1, 5000)))


def _leads(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame({
        "lead_id": [f"id{(13 * i) % 97}-{i}" for i in range(len(rows))],
        "industry": [r[0] for r in rows], "total_visits": [r[1] for r in rows], "lead_source": [r[2] for r in rows],
        "accepted": pd.Series([r[3] for r in rows], dtype=object),
        "converted": pd.Series([r[4] for r in rows], dtype=object),
        "won_amount": pd.Series([r[5] for r in rows], dtype=object),
    })


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=50), value=st.sampled_from(SOURCES),
       rating=st.sampled_from(["A1", "A4", "B1", "B4", "D1", "D4"]))
def test_a_cells_figures_under_a_segment_against_the_raw_rows(rows, value, rating):
    leads = _leads(rows)
    if not (leads["lead_source"] == value).any():
        return
    scorer = Scorer(leads)
    full = preview(MODEL, scorer)
    history = History.read(scorer.leads)
    segments = segment_labels(scorer.leads, "lead_source")
    within = segments.mask(value)
    sliced = segment_preview(MODEL, full, history, within)
    cell = after_handover(MODEL, rating_codes(full.scored["rating"]), Pipeline.read(scorer.leads), within).cells[rating]

    # the raw rows of the cell, found without the engine's figures: ratings by lead id, the source as written
    ratings = scorer.score(MODEL)["rating"]
    raw = leads[(leads["lead_source"] == value).to_numpy() & (ratings.loc[leads["lead_id"]] == rating).to_numpy()]
    assert cell["leads"] == len(raw) == int(sliced.matrix.loc[rating, "leads"])
    table = cell_leads(sliced, scorer.leads, rating, MODEL.lead_fields())
    assert sorted(table["lead_id"]) == sorted(raw["lead_id"])
    by_id = raw.set_index("lead_id")
    for _, row in table.iterrows():
        assert row["industry"] == by_id.loc[row["lead_id"], "industry"]
        assert row["total_visits"] == by_id.loc[row["lead_id"], "total_visits"]

    said = raw["converted"].map({"yes": True, "no": False})
    amount = pd.to_numeric(raw["won_amount"], errors="coerce")
    won = said.where(said.notna(), amount.fillna(0) > 0).astype(bool)
    money = cell["revenue"]
    assert money["deals"] == int(won.sum())
    assert money["won_amount"] == pytest.approx(float(amount[won].sum()))
    average = amount[won].mean()
    assert (math.isnan(money["average_deal"]) and math.isnan(average)) or money["average_deal"] == pytest.approx(
        average)

    decided_anywhere = leads["accepted"].isin(["yes", "no"]).any()
    if decided_anywhere:
        assert cell["rejections"]["rejected"] == int((raw["accepted"] == "no").sum())
    else:
        assert cell["rejections"] is None  # no sales decision anywhere: no rejections, not "converted = no"

    breakdown = segment_breakdown(full, history, segments).set_index("segment")
    outcome = "accepted" if decided_anywhere else "converted"
    mine = leads[leads["lead_source"] == value][outcome]
    known = mine[mine.isin(["yes", "no"])]
    expected = (known == "yes").mean() if len(known) else np.nan
    got = breakdown.loc[value, "base_rate"]
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)
