"""ui.charts.score_histogram: the browser gets bins, and each grade's own share in a legend."""

from __future__ import annotations

import numpy as np

from ui import charts


def test_histogram_sends_bins_and_own_shares() -> None:
    scores = np.array([80, 70, 69.9, 55, 40, 39.9, 0, 12.0] * 125_000)  # a million scores
    figure = charts.score_histogram(scores, {"A": 70, "B": 55, "C": 40, "D": 0}, "Profile score")
    bars = figure.data[0]
    assert len(bars.y) == 40 and sum(bars.y) == len(scores)
    assert len(figure.to_json()) < 20_000  # bins, not a million points
    names = [trace.name for trace in figure.data[1:]]
    # A: 80, 70; B: 69.9, 55; C: 40; D: 39.9, 0, 12 (of 8)
    assert names == ["A ≥ 70: 25% of leads", "B 55 – 70: 25% of leads", "C 40 – 55: 12% of leads",
                     "D < 40: 38% of leads"]
    assert figure.layout.legend.orientation == "h"  # one row of labels above the chart: no overlap
