"""Bands of a numeric column, cut where the outcome changes (ChiMerge), or at quantiles when
there is no outcome.

With an outcome: the numbers are first cut into up to ``PREBINS`` bins of about equal leads
(quantiles; a value never split across two bins), then neighbouring bins are merged
bottom-up, ChiMerge style (Kerber, 1992): while a bin has fewer than the minimum leads with a
known outcome, or there are more than ``MAX_BANDS`` bins, or two neighbours' rates do not
differ at 99 % (a 2×2 chi-square below ``CHI2_99``), the pair with the smallest chi-square
is merged. What is left are bands whose rates differ from their neighbours'. They are not
forced to be monotonic: a U shape (the youngest and the oldest clients subscribe more)
survives, as it should in a rule table the room reads.

Why our own ~100 lines and not ``optbinning`` (the credit-scorecard field's library, which
solves the same cut as a mixed-integer programme with monotonic constraints): it brings
OR-Tools and scikit-learn (hundreds of MB) to a command that otherwise needs only pandas,
its optimum is for a weight-of-evidence scorecard rather than a handful of readable bands,
and the few lines here are easy to explain beside each number and to test by hand.

Cut points are "nice" numbers: the shortest number that splits the same leads (a cut
between 16 and 17 is 17, between 33,700,000 and 33,762,000 is 33,760,000 — no lead changes band).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

PREBINS = 20
MAX_BANDS = 5
CHI2_99 = 6.635  # chi-square, 1 degree of freedom, 99 %: twenty bins test many pairs
QUANTILE_BANDS = 4  # without an outcome: quartiles


def nice_cut(below: float, at: float) -> float:
    """The number with the fewest significant digits in ``(below, at]``: a cut that keeps
    every value <= ``below`` under it and ``at`` above it."""
    if at == 0 or below < 0 <= at:
        return 0.0
    magnitude = math.floor(math.log10(abs(at)))
    for digits in range(1, 17):
        step = 10.0 ** (magnitude - digits + 1)
        candidate = round(math.floor(at / step + 1e-9) * step, digits - 1 - magnitude)
        if below < candidate <= at:
            return float(candidate)
    return float(at)


def _nice(cuts: np.ndarray, values: np.ndarray) -> list[float]:
    """Each cut moved to a nice number between the largest value below it and itself."""
    distinct = np.unique(values)
    nice = []
    for cut in cuts:
        below = distinct[distinct < cut]
        nice.append(nice_cut(float(below[-1]), float(cut)) if len(below) else float(cut))
    return nice


def quantile_cuts(values: np.ndarray, bins: int) -> np.ndarray:
    """Inner cut points at the quantiles of ``values`` (bands ``[cut_i, cut_i+1)``); a cut at
    the minimum, which would leave an empty band, is dropped."""
    values = np.asarray(values, dtype=float)
    if not len(values):
        return np.empty(0)
    cuts = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1], method="higher"))
    return cuts[cuts > values.min()]


def _counts(values: np.ndarray, cuts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    codes = np.searchsorted(cuts, values, side="right")
    return np.bincount(codes, weights=weights, minlength=len(cuts) + 1).astype(float)


def chi_square(hits_a: float, known_a: float, hits_b: float, known_b: float) -> float:
    """The 2×2 chi-square of two groups' hits and misses (0 when a row or column is empty)."""
    table = np.array([[hits_a, known_a - hits_a], [hits_b, known_b - hits_b]], dtype=float)
    total = table.sum()
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    if total == 0 or (rows == 0).any() or (columns == 0).any():
        return 0.0
    expected = np.outer(rows, columns) / total
    return float(((table - expected) ** 2 / expected).sum())


def outcome_cuts(values: np.ndarray, outcome: np.ndarray, min_known: int, max_bands: int = MAX_BANDS) -> list[float]:
    """Cut points of the bands of ``values`` where the 0/1 ``outcome`` (NaN: unknown) changes
    (see the module docstring); an empty list is one band."""
    values = np.asarray(values, dtype=float)
    outcome = np.asarray(outcome, dtype=float)
    cuts = list(quantile_cuts(values, PREBINS))
    known = ~np.isnan(outcome)
    known_counts = list(_counts(values[known], np.array(cuts)))
    hit_counts = list(_counts(values[known], np.array(cuts), outcome[known]))
    while cuts:
        chi = [chi_square(hit_counts[i], known_counts[i], hit_counts[i + 1], known_counts[i + 1])
               for i in range(len(cuts))]
        small = [i for i, k in enumerate(known_counts) if k < min_known]
        if small:
            bin_ = small[0]  # merge it with the neighbour it differs from least
            pairs = [p for p in (bin_ - 1, bin_) if 0 <= p < len(cuts)]
            pair = min(pairs, key=lambda p: chi[p])
        elif len(cuts) + 1 > max_bands or min(chi) < CHI2_99:
            pair = int(np.argmin(chi))
        else:
            break
        known_counts[pair:pair + 2] = [known_counts[pair] + known_counts[pair + 1]]
        hit_counts[pair:pair + 2] = [hit_counts[pair] + hit_counts[pair + 1]]
        del cuts[pair]
    return _nice(np.array(cuts), values)


def plain_cuts(values: np.ndarray, min_leads: int, bands: int = QUANTILE_BANDS) -> list[float]:
    """Without an outcome: quantile bands (quartiles), a band with fewer than ``min_leads``
    merged into its smaller neighbour."""
    values = np.asarray(values, dtype=float)
    cuts = list(quantile_cuts(values, bands))
    counts = list(_counts(values, np.array(cuts)))
    while cuts and min(counts) < min_leads:
        small = int(np.argmin(counts))
        pair = small - 1 if small == len(cuts) or (small > 0 and counts[small - 1] <= counts[small + 1]) else small
        counts[pair:pair + 2] = [counts[pair] + counts[pair + 1]]
        del cuts[pair]
    return _nice(np.array(cuts), values)


def band_ranges(cuts: list[float]) -> list[tuple[float | None, float | None]]:
    """The ``range: [lo, hi]`` of each band (``lo <= x < hi``; open ends None)."""
    edges: list[float | None] = [None, *cuts, None]
    return list(itertools.pairwise(edges))
