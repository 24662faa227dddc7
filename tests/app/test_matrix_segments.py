"""The Matrix page sliced by a segment (issue 16): every figure for the leads of one value,
and the breakdown per value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

import scoring
from scoring.data.datasets import SAMPLE
from scoring.engine.scorer import Scorer
from scoring.measures.metrics import History, Outcomes, preview
from scoring.measures.segments import segment_labels, segment_preview
from ui import state

REPO = Path(__file__).resolve().parents[2]
PAGE = "ui/pages/matrix.py"
LEADS = REPO / "sample_data" / "leads.csv"


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.main.metric}


def test_a_segment_value_filters_every_figure_of_the_matrix_page(open_app):
    at = open_app()
    at.switch_page(PAGE).run()
    whole = _metrics(at)
    at.selectbox(key=state.MATRIX_SEGMENT).set_value("lead_source").run()
    assert not at.exception, at.exception
    [breakdown] = [table.value for table in at.dataframe if "segment" in table.value.columns]
    leads = pd.read_csv(LEADS, dtype=str, keep_default_na=False)
    webinar = int((leads["lead_source"].str.strip().str.lower() == "webinar").sum())  # counted by hand
    assert int(breakdown.loc[breakdown["segment"] == "webinar", "leads"].iloc[0]) == webinar
    assert int(breakdown["leads"].sum()) == len(leads)

    at.selectbox(key=state.MATRIX_SEGMENT_VALUE).set_value("webinar").run()
    assert not at.exception, at.exception
    shown = at.session_state[state.PREVIEW_MEMO][1]  # the whole preview stays cached
    model = scoring.load_model(SAMPLE.model_path)
    scorer = Scorer(scoring.read_table(LEADS), scoring.read_table(REPO / "sample_data" / "activities.csv"))
    full = preview(model, scorer)
    assert full.sales.leads == shown.sales.leads
    history = History.read(scorer.leads, Outcomes())
    expected = segment_preview(model, full, history, segment_labels(scorer.leads, "lead_source").mask("webinar"))
    assert int(expected.matrix["leads"].sum()) == webinar
    sliced = _metrics(at)
    assert sliced["Leads to sales"] == f"{expected.sales.leads:,}"
    assert whole["Leads to sales"] == f"{full.sales.leads:,}" != sliced["Leads to sales"]


def test_a_cells_leads_under_a_segment_are_the_files_rows_of_those_ids(open_app):
    """Issue 19: Segment = lead_source, webinar, cell B3 showed other leads' fields."""
    at = open_app()
    at.switch_page(PAGE).run()
    at.selectbox(key=state.MATRIX_SEGMENT).set_value("lead_source").run()
    at.selectbox(key=state.MATRIX_SEGMENT_VALUE).set_value("webinar").run()
    at.selectbox(key=state.SELECTED_CELL).set_value("B3").run()
    assert not at.exception, at.exception
    [table] = [frame.value for frame in at.dataframe if "profile_score" in frame.value.columns]
    leads = scoring.read_table(LEADS)
    model = scoring.load_model(SAMPLE.model_path)
    scored = Scorer(leads, scoring.read_table(REPO / "sample_data" / "activities.csv")).score(model)
    webinar = (leads["lead_source"].str.strip().str.lower() == "webinar").to_numpy()
    expected = set(scored.index[(scored["rating"] == "B3").to_numpy() & webinar])
    assert len(table) == len(expected) > 1 and set(table["lead_id"]) == expected
    columns = [column for column in table.columns if column in leads.columns and column != "lead_id"]
    assert {"industry", "employees", "job_title"} <= set(columns)
    raw = leads.set_index("lead_id").loc[table["lead_id"], columns].reset_index()
    pd.testing.assert_frame_equal(table[["lead_id", *columns]].reset_index(drop=True), raw, check_dtype=False)
