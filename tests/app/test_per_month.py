"""Leads to sales a month in the app (issue 19): the sidebar and the Matrix page name the
window they count over, the sidebar's picker changes it, and the figures are the sample
leads' own, counted here from the raw file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import scoring
from scoring.data.datasets import SAMPLE
from scoring.engine.scorer import Scorer
from scoring.model.schema import SALES_ACTION
from ui import state

REPO = Path(__file__).resolve().parents[2]
PAGE = "ui/pages/matrix.py"
LEADS = REPO / "sample_data" / "leads.csv"
DEFAULT = REPO / "configs" / "default.yaml"


def _per_month_metrics(block) -> dict[str, str]:
    return {metric.label: metric.value for metric in block.metric if metric.label.startswith("Leads to sales a month")}


def _to_sales_by_hand(first: str, end: str) -> int:
    """To-sales leads of the default model handed over in [first, end): the raw file's scored_at
    (set for every sample lead), the engine's actions met by lead id."""
    leads = pd.read_csv(LEADS, dtype=str, keep_default_na=False)
    handed = pd.to_datetime(leads["scored_at"], format="ISO8601", utc=True)
    inside = set(leads.loc[(handed >= pd.Timestamp(first, tz="UTC")) & (handed < pd.Timestamp(end, tz="UTC")),
                           "lead_id"].str.strip())
    model = scoring.load_model(DEFAULT)
    scored = Scorer(*SAMPLE.load()).score(model)
    return int(((scored["action"] == SALES_ACTION) & scored.index.astype(str).isin(inside)).sum())


def test_the_per_month_figure_names_its_window_and_the_picker_changes_it(open_app):
    at = open_app()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    # the sample's leads are created 12 Apr 2024 .. 22 Oct 2025: the last complete quarter is Jul-Sep 2025
    quarter = round(_to_sales_by_hand("2025-07-01", "2025-10-01") / 3)
    assert _per_month_metrics(at.sidebar) == {"Leads to sales a month, Jul–Sep 2025": f"{quarter:,}"}
    assert _per_month_metrics(at.main) == {"Leads to sales a month, Jul–Sep 2025": f"{quarter:,}"}

    at.selectbox(key=state.PER_MONTH).set_value("last-month").run()
    assert not at.exception, at.exception
    september = _to_sales_by_hand("2025-09-01", "2025-10-01")
    assert _per_month_metrics(at.sidebar) == {"Leads to sales a month, Sep 2025": f"{september:,}"}
    assert _per_month_metrics(at.main) == {"Leads to sales a month, Sep 2025": f"{september:,}"}
    assert september != quarter

    at.selectbox(key=state.PER_MONTH).set_value("all").run()
    [(label, value)] = _per_month_metrics(at.main).items()
    assert label == "Leads to sales a month, whole history, 12 Apr 2024–22 Oct 2025"
    whole = int(value.replace(",", ""))
    assert whole < quarter  # volume grows: the whole history's average is below the last quarter's


def test_a_date_range_counts_the_days_picked(open_app):
    at = open_app()
    at.switch_page(PAGE).run()
    at.selectbox(key=state.PER_MONTH).set_value("range").run()
    at.date_input(key=state.PER_MONTH_RANGE).set_value((pd.Timestamp("2025-01-01").date(),
                                                        pd.Timestamp("2025-06-30").date())).run()
    assert not at.exception, at.exception
    expected = round(_to_sales_by_hand("2025-01-01", "2025-07-01") / 6)
    assert _per_month_metrics(at.main) == {"Leads to sales a month, Jan–Jun 2025": f"{expected:,}"}


def test_a_refresh_keeps_the_window_picked(open_app):
    at = open_app()
    at.switch_page(PAGE).run()
    at.selectbox(key=state.PER_MONTH).set_value("range").run()
    days = (pd.Timestamp("2025-01-01").date(), pd.Timestamp("2025-06-30").date())
    at.date_input(key=state.PER_MONTH_RANGE).set_value(days).run()
    assert not at.exception, at.exception
    again = open_app(draft=at.session_state[state.DRAFT_ID])  # a refresh: the draft reopened
    assert not again.exception, again.exception
    assert again.session_state[state.PER_MONTH] == "range"
    assert tuple(again.session_state[state.PER_MONTH_RANGE]) == days
    assert list(_per_month_metrics(again.sidebar)) == ["Leads to sales a month, Jan–Jun 2025"]


def test_the_matrix_page_draws_the_trend_per_month(open_app):
    at = open_app()
    at.switch_page(PAGE).run()
    [expander] = [block for block in at.expander if block.label.startswith("Leads a month over the whole history")]
    assert "Jul–Sep 2025" in expander.label
    assert not at.exception, at.exception
