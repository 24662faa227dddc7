"""The After hand-over page's figures on data shaped as issue 19 found them: lost leads
exported with an amount of 0 (no deals), data without sales decisions (no rejection
reasons), conversion without acceptance (the heatmap still coloured), each checked against
the raw rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import scoring
from scoring.engine import Scorer
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
