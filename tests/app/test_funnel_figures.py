"""The After hand-over page's figures on data shaped as issue 19 found them: lost leads
exported with an amount of 0 (no deals), data without sales decisions (no rejection
reasons), conversion without acceptance (the heatmap still coloured), each checked against
the raw rows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import scoring
from scoring.engine.scorer import Scorer
from ui import state

REPO = Path(__file__).resolve().parents[2]
PAGE = "ui/pages/funnel.py"
MODEL = scoring.load_model(REPO / "configs" / "default.yaml")


@pytest.fixture
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (scoring.read_table(REPO / "sample_data" / "leads.csv"),
            scoring.read_table(REPO / "sample_data" / "activities.csv"))


def _metric(at, label: str):
    [metric] = [metric for metric in at.metric if metric.label == label]
    return metric


def _cell_rows(leads: pd.DataFrame, activities: pd.DataFrame, cell: str) -> pd.DataFrame:
    scored = Scorer(leads, activities).score(MODEL)
    return leads[(scored["rating"] == cell).to_numpy()]


def test_lost_leads_with_an_amount_of_0_are_not_deals(open_files, sample):
    leads, activities = sample
    leads = leads.assign(won_amount=pd.to_numeric(leads["won_amount"]).fillna(0))  # exports write 0 for lost leads
    at = open_files(leads, activities, PAGE)
    at.selectbox(key=state.FUNNEL_CELL).set_value("A1").run()
    rows = _cell_rows(leads, activities, "A1")
    won = rows[rows["converted"].astype(str).str.lower() == "true"]
    assert len(won) < (rows["won_amount"].notna()).sum()  # the zeros would have counted as deals
    average = _metric(at, "Average deal")
    assert average.value == f"{won['won_amount'].astype(float).mean():,.0f}"
    assert average.delta == f"{len(won):,} deals" and "won lead" in average.help
    assert _metric(at, "Won amount").value == f"{won['won_amount'].astype(float).sum():,.0f}"


def test_data_without_sales_decisions_shows_no_rejections(bank):
    """Issue 19: "1,799 rejected (converted = no)" on data with no sales decisions at all."""
    at = bank
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    text = " ".join(element.value for element in [*at.markdown, *at.caption])
    assert "rejected" not in text.replace("rejection", "")
    assert "rejections and their reasons are shown only where sales decided" in text


def test_the_heatmap_is_coloured_by_conversion_where_sales_decided_nothing(bank):
    """Issue 19: the after-hand-over heatmap was blank on data with conversion but no acceptance."""
    at = bank
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    [heatmap] = [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"][:1]
                 if trace["type"] == "heatmap"]
    shown = at.session_state[state.PREVIEW_MEMO][1].matrix
    z = [value for row in heatmap["z"] for value in row]
    assert z == pytest.approx([shown.loc[letter + number, "conversion_rate"] for letter in "ABCD" for number in "1234"],
                              nan_ok=True)
    assert any(value == value for value in z) and heatmap["colorbar"]["title"]["text"] == "Converted,<br>of known"
    assert any(caption.value.startswith("Cell colour: converted, of the cell's leads with a known outcome")
               for caption in at.caption)


def test_acceptance_says_of_which_leads(open_app):
    """Issue 19: acceptance of decided leads (84 %) beside acceptance of handed-over leads (68 %), unlabelled."""
    at = open_app()
    at.switch_page(PAGE).run()
    [heatmap] = [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"][:1]
                 if trace["type"] == "heatmap"]
    assert heatmap["colorbar"]["title"]["text"] == "Accepted,<br>of decided"
    text = " ".join(element.value for element in [*at.caption, *at.markdown])
    assert "accepted, of the cell's leads that sales decided on" in text
    assert "share of all the leads handed over (a lead without a decision counts as not accepted)" in text
    assert _metric(at, "Accepted when touched in time").help == "Of the leads touched within the SLA that sales decided on."
