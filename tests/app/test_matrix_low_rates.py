"""The Matrix page at a low base rate (issue 19: 0.9 % conversion read 0-2 % everywhere, one
colour for all 16 cells, "2 %, 1 % for the rest"): rates with enough digits, the heatmap
coloured over the data's own range, and "few outcomes" judged by the positive ones."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import scoring
from scoring.engine.scorer import Scorer

REPO = Path(__file__).resolve().parents[2]
PAGE = "ui/pages/matrix.py"
MODEL = scoring.load_model(REPO / "configs" / "default.yaml")


def _two_digits(rate: float) -> str:
    """A rate below 10 % with two significant digits, written out by hand."""
    percent = rate * 100
    return f"{percent:.1f}%" if percent >= 1 else f"{percent:.2f}%"


@pytest.fixture
def low_rate():
    """The sample data without sales decisions and with only its first 54 conversions (0.9 %)."""
    leads = scoring.read_table(REPO / "sample_data" / "leads.csv").drop(columns=["accepted"])
    activities = scoring.read_table(REPO / "sample_data" / "activities.csv")
    converted = leads["converted"].astype(str).str.lower() == "true"
    leads["converted"] = converted & (converted.cumsum() <= 54)
    scored = Scorer(leads, activities).score(MODEL)
    raw = pd.DataFrame({"rating": scored["rating"].to_numpy(), "sales": (scored["action"] == "sales").to_numpy(),
                        "converted": leads["converted"].to_numpy()})
    return leads, activities, raw


def test_low_base_rates_read_apart_and_colour_apart(open_files, low_rate):
    leads, activities, raw = low_rate
    at = open_files(leads, activities, PAGE)
    to_sales, rest = raw[raw["sales"]]["converted"].mean(), raw[~raw["sales"]]["converted"].mean()
    assert to_sales < 0.1 and rest < 0.01
    [headline] = [metric for metric in at.main.metric if metric.label == "Converted"]
    assert headline.value == _two_digits(to_sales)  # 1.96 % reads 2.0%, not 2%
    assert headline.delta == f"{_two_digits(rest)} for the rest"  # 0.14 %, not 0%

    [heatmap] = [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"][:1]
                 if trace["type"] == "heatmap"]
    per_cell = raw.groupby("rating")["converted"].agg(["size", "sum", "mean"])
    assert heatmap["zmin"] == pytest.approx(per_cell["mean"].min())  # this data's own range, not 0-100 %
    assert heatmap["zmax"] == pytest.approx(per_cell["mean"].max()) and heatmap["zmax"] < 0.05
    text = {letter + number: heatmap["text"][r][c] for r, letter in enumerate("ABCD") for c, number in enumerate("1234")}
    for rating, row in per_cell.iterrows():  # few: under 30 known or under 10 converted, whatever the leads
        assert ("few outcomes" in text[rating]) == (row["size"] < 30 or row["sum"] < 10), rating
    assert "few outcomes" in text["B1"] and per_cell.loc["B1", "size"] > 300  # 7 conversions in 343 leads
    caption = " ".join(element.value for element in at.caption)
    assert "fewer than 30 leads with a known conversion, or fewer than 10 converted" in caption
