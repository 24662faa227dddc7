"""Counting every candidate's to-sales set at once, whatever cells the room routes to sales.

A candidate moves the lines of one axis: its ``lines`` are the thresholds of every grade
(one row per candidate, one column per grade, the last 0). A lead's grade under a row
depends only on which of its thresholds the score reaches (``score >= threshold -
TOLERANCE``, as grading compares), so the scores are binned on the union of every row's
thresholds less TOLERANCE: all scores in a bin get the same grade under every candidate.
Per outcome weight, one 2-D histogram of the (profile bin, engagement bin) pairs; per pair
of candidates, the histogram summed over the bins whose (letter, number) cell is routed to
sales. That is two matrix products, whatever the number of leads.
"""

from __future__ import annotations

import numpy as np

from scoring.engine.ratings import TOLERANCE


def breakpoints(lines: np.ndarray) -> np.ndarray:
    """The sorted distinct ``threshold - TOLERANCE`` of every candidate (the last grade's 0 aside)."""
    return np.unique(np.asarray(lines, dtype=float)[:, :-1].ravel() - TOLERANCE)


def score_bins(scores: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per score, how many edges it reaches (0..len(edges)); NaN reaches none."""
    scores = np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf)
    return np.searchsorted(edges, scores, side="right")


def bin_grades(lines: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(candidates, bins): the grade code a score of each bin gets under each candidate. Bin k
    holds the scores from ``edges[k - 1]`` (inclusive) to ``edges[k]``; bin 0 those below all."""
    lines = np.asarray(lines, dtype=float)
    lowest = np.r_[-np.inf, edges]
    reached = (lowest[None, None, :] >= lines[:, :-1, None] - TOLERANCE).sum(axis=1)
    return lines.shape[1] - 1 - reached


def _one_hot(codes: np.ndarray, size: int) -> np.ndarray:
    """(candidates, grades, bins): 1.0 where the bin has that grade under that candidate."""
    return (codes[:, None, :] == np.arange(size)[None, :, None]).astype(float)


def to_sales_counts(profile_score: np.ndarray, engagement_score: np.ndarray, profile_lines: np.ndarray,
                    engagement_lines: np.ndarray, to_sales: np.ndarray,
                    weights: dict[str, np.ndarray | None]) -> dict[str, np.ndarray]:
    """Per weight (None counts leads): an integer array ``[i, j]`` summing the weight over the
    leads routed to sales when the profile lines are ``profile_lines[i]`` and the engagement
    lines ``engagement_lines[j]``; ``to_sales`` is the (letters, numbers) mask of sales cells."""
    p_edges, e_edges = breakpoints(profile_lines), breakpoints(engagement_lines)
    p_bins, e_bins = score_bins(profile_score, p_edges), score_bins(engagement_score, e_edges)
    p_size, e_size = len(p_edges) + 1, len(e_edges) + 1
    letters = _one_hot(bin_grades(profile_lines, p_edges), to_sales.shape[0])  # (I, L, P)
    numbers = _one_hot(bin_grades(engagement_lines, e_edges), to_sales.shape[1])  # (J, N, E)
    flat_numbers = numbers.transpose(2, 0, 1).reshape(e_size, -1)  # (E, J * N)
    cells = p_bins * e_size + e_bins
    counts = {}
    for name, weight in weights.items():
        histogram = np.bincount(cells, weights=weight, minlength=p_size * e_size).reshape(p_size, e_size)
        by_letter = letters.reshape(-1, p_size) @ histogram  # (I * L, E)
        by_cell = (by_letter @ flat_numbers).reshape(
            len(profile_lines), to_sales.shape[0], len(engagement_lines), to_sales.shape[1])
        counts[name] = np.rint(np.tensordot(by_cell, to_sales.astype(float), axes=([1, 3], [0, 1]))).astype(np.int64)
    return counts
