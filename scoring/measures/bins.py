"""What a score histogram shows, computed here so that the app sends the browser a few
dozen bins, never a million scores: the bin edges and counts of a score 0..100, and each
grade's own share of the leads (A: at least A's threshold; B: from B's up to A's; ...;
the last grade: everything below), exactly as the engine grades them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.engine.ratings import grade_codes

BIN_WIDTH = 2.5
SCORE_RANGE = (0.0, 100.0)


@dataclass(frozen=True)
class ScoreBins:
    """``counts[i]`` scores lie in ``[edges[i], edges[i + 1])``; the last bin also holds its
    upper edge. Scores outside the range are counted in ``below`` and ``above``, missing
    (NaN) ones in ``missing``."""

    edges: np.ndarray
    counts: np.ndarray
    below: int = 0
    above: int = 0
    missing: int = 0

    @property
    def centres(self) -> np.ndarray:
        return (self.edges[:-1] + self.edges[1:]) / 2

    @property
    def total(self) -> int:
        return int(self.counts.sum()) + self.below + self.above + self.missing


def score_bins(scores: np.ndarray, width: float = BIN_WIDTH,
               score_range: tuple[float, float] = SCORE_RANGE) -> ScoreBins:
    """Count ``scores`` in bins ``width`` wide over ``score_range`` (the top edge included
    in the last bin). ``width`` must be positive and the range non-empty."""
    low, high = score_range
    if not width > 0 or not high > low:
        raise ValueError(f"bins need a positive width and a non-empty range; got width {width}, "
                         f"range {score_range}")
    scores = np.asarray(scores, dtype=float)
    count = int(np.ceil((high - low) / width - 1e-9))
    edges = low + width * np.arange(count + 1, dtype=float)
    edges[-1] = high
    even = abs(low + width * count - high) < 1e-9 * max(1.0, abs(high))
    # numpy's even-width path is one pass; it drops NaN and anything outside the range
    counts = np.histogram(scores, bins=count if even else edges, range=(low, high))[0].astype(np.int64)
    missing = int(np.isnan(scores).sum())
    return ScoreBins(edges, counts, int((scores < low).sum()), int((scores > high).sum()), missing)


def grade_shares(scores: np.ndarray, thresholds: Mapping[str, float], names: Sequence[str]) -> dict[str, float]:
    """Each grade's own share of ``scores`` (NaN for no scores): the share graded ``name`` by
    the engine's rule, so the shares add up to 1. ``thresholds`` holds every name but the last."""
    scores = np.asarray(scores, dtype=float)
    if not len(scores):
        return {name: float("nan") for name in names}
    counts = np.bincount(grade_codes(scores, thresholds, tuple(names)), minlength=len(names))
    return {name: float(counts[code]) / len(scores) for code, name in enumerate(names)}


CURVE_POINTS = 201


def curve_points(curve: pd.DataFrame, column: str = "share_of_leads", points: int = CURVE_POINTS) -> pd.DataFrame:
    """The rows of a cumulative curve that a chart draws: the first row at or past each of
    ``points`` evenly spaced values of ``column`` (a share, 0..1, rising), and the last row; a
    curve of fewer rows is drawn whole. A gain curve has a row per distinct score, up to a
    million, and a browser drawing them all took minutes; the rows skipped between two drawn
    ones lie within one step (1 / (points - 1)) of the share."""
    if len(curve) <= points:
        return curve
    shares = curve[column].to_numpy(dtype=float)
    wanted = np.searchsorted(shares, np.linspace(0.0, 1.0, points), side="left")
    return curve.iloc[np.unique(np.r_[0, np.minimum(wanted, len(curve) - 1), len(curve) - 1])]
