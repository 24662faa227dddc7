"""scoring.measures.bins: histogram bins and each grade's own share, checked against counts by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.engine.ratings import grade
from scoring.measures.bins import curve_points, grade_shares, score_bins


def test_bad_bins_are_refused() -> None:
    with pytest.raises(ValueError, match="positive width"):
        score_bins(np.array([1.0]), width=0)
    with pytest.raises(ValueError, match="non-empty range"):
        score_bins(np.array([1.0]), score_range=(10, 10))


def test_bins_count_by_hand() -> None:
    # bins of 25 over 0..100: [0,25) [25,50) [50,75) [75,100]
    scores = np.array([0.0, 24.99, 25.0, 49.0, 50.0, 99.9, 100.0, -3.0, 100.5, np.nan])
    bins = score_bins(scores, width=25)
    assert bins.edges.tolist() == [0, 25, 50, 75, 100]
    assert bins.counts.tolist() == [2, 2, 1, 2]  # 100 falls in the last bin
    assert (bins.below, bins.above, bins.missing) == (1, 1, 1)
    assert bins.total == len(scores)
    assert bins.centres.tolist() == [12.5, 37.5, 62.5, 87.5]


def test_default_bins_are_forty_of_two_and_a_half() -> None:
    bins = score_bins(np.array([2.5, 2.4999, 97.5, 100.0]))
    assert len(bins.counts) == 40 and bins.edges[1] == 2.5
    assert bins.counts[0] == 1 and bins.counts[1] == 1 and bins.counts[39] == 2


def test_uneven_width_ends_at_the_top_of_the_range() -> None:
    bins = score_bins(np.array([99.0]), width=30)  # 0, 30, 60, 90, 100
    assert bins.edges.tolist() == [0, 30, 60, 90, 100]
    assert bins.counts.tolist() == [0, 0, 0, 1]


def test_grade_shares_are_each_grades_own() -> None:
    thresholds = {"A": 70, "B": 55, "C": 40, "D": 0}
    scores = np.array([80, 70, 69.9, 55, 40, 39.9, 0, np.nan])
    # A: 80, 70 / B: 69.9, 55 / C: 40 / D: 39.9, 0 and the missing score
    shares = grade_shares(scores, thresholds, "ABCD")
    assert shares == {"A": 2 / 8, "B": 2 / 8, "C": 1 / 8, "D": 3 / 8}
    assert sum(shares.values()) == pytest.approx(1)


def test_grade_shares_agree_with_the_engine() -> None:
    thresholds = {"1": 60, "2": 30, "3": 10, "4": 0}
    scores = np.random.default_rng(3).uniform(0, 100, 1000)
    scores[:5] = [60, 60 - 1e-10, 30, 10, 9.99]
    graded = grade(scores, thresholds, ("1", "2", "3", "4"))
    shares = grade_shares(scores, thresholds, "1234")
    for name in "1234":
        assert shares[name] == np.mean(graded == name)


def test_grade_shares_of_no_scores() -> None:
    assert all(math.isnan(v) for v in grade_shares(np.array([]), {"A": 1, "B": 0}, "AB").values())


def test_curve_points_by_hand():
    curve = pd.DataFrame({"share_of_leads": [0.0, 0.1, 0.2, 0.25, 0.5, 0.9, 1.0], "lift": range(7)})
    assert curve_points(curve, points=3)["share_of_leads"].tolist() == [0.0, 0.5, 1.0]  # 0, 0.5, 1 asked
    assert curve_points(curve, points=5)["share_of_leads"].tolist() == [0.0, 0.25, 0.5, 0.9, 1.0]
    assert curve_points(curve, points=10) is curve  # fewer rows than points: drawn whole


@given(st.lists(st.integers(1, 1000), min_size=1, max_size=3000), st.integers(3, 60))
def test_curve_points_keep_the_ends_and_skip_only_within_one_step(counts, points):
    """Against the curve itself: drawn rows are rows of it, in order, first and last kept, at
    most points + 1 of them; rows skipped between two drawn ones are within one step."""
    shares = np.r_[0.0, np.cumsum(counts) / sum(counts)]
    curve = pd.DataFrame({"share_of_leads": shares})
    drawn = curve_points(curve, points=points)
    rows = drawn.index.to_numpy()
    assert rows[0] == 0 and rows[-1] == len(curve) - 1 and (np.diff(rows) > 0).all()
    assert len(drawn) <= max(points + 1, len(curve))
    step = 1 / (points - 1)
    for left, right in itertools.pairwise(rows):
        assert right == left + 1 or shares[right - 1] - shares[left] < step + 1e-12
