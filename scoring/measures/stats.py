"""The statistics every figure rests on, in one place (numpy and pandas only).

- ``wilson_interval``: the 95 % interval of a proportion (acceptance, conversion, a value's rate).
- ``auc`` and ``grouped_auc``: the chance a lead with the outcome scores above one without it,
  ties counting half; ``grouped_auc`` counts per score value for scores that take few values.
- ``population_stability`` (PSI) of two count vectors, and ``psi_of_shares`` for many at once.
- ``lift_interval``: the ratio of two rates with its interval (Katz' log method).

Each is tested by hand and against scipy / scikit-learn in tests/test_stats.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z_95 = 1.959963984540054
PSI_FLOOR = 1e-4


def wilson_interval(successes: float, trials: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (nan, nan) when there are no trials."""
    if trials <= 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    low = 0.0 if successes <= 0 else max(0.0, centre - half)  # exact ends: rounding must not
    high = 1.0 if successes >= trials else min(1.0, centre + half)  # exclude p = 0 or p = 1
    return (low, high)


def auc(scores: np.ndarray, flags: np.ndarray) -> float:
    """The AUC of ``scores`` for an outcome (1.0 yes, 0.0 no, NaN unknown: left out): the
    chance that a random lead with the outcome scores above a random lead without it, ties
    counting half. 0.5 is no separation, 1.0 perfect; NaN without both kinds of lead."""
    flags = np.asarray(flags, dtype=float)
    known = ~np.isnan(flags)
    scores, flags = np.asarray(scores, dtype=float)[known], flags[known]
    positives = int((flags == 1.0).sum())
    negatives = len(flags) - positives
    if not positives or not negatives:
        return math.nan
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    return float((ranks[flags == 1.0].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def grouped_auc(codes: np.ndarray, scores: np.ndarray, flags: np.ndarray) -> float:
    """``auc`` of scores that take few values: each lead's score is ``scores[codes]`` and its
    outcome ``flags`` (1.0, 0.0, NaN unknown); counted per score, not ranked (linear in the leads)."""
    values, group_of = np.unique(scores, return_inverse=True)
    per_lead = group_of[codes]
    flags = np.asarray(flags, dtype=float)
    positives = np.bincount(per_lead[flags == 1.0], minlength=len(values)).astype(float)
    negatives = np.bincount(per_lead[flags == 0.0], minlength=len(values)).astype(float)
    total_pos, total_neg = positives.sum(), negatives.sum()
    if not total_pos or not total_neg:
        return math.nan
    below = np.concatenate([[0.0], np.cumsum(negatives)[:-1]])  # negatives scoring lower than each value
    return float((positives * (below + negatives / 2)).sum() / (total_pos * total_neg))


def psi_of_shares(expected: np.ndarray, actual: np.ndarray, floor: float = PSI_FLOOR) -> np.ndarray:
    """The PSI of share vectors along the last axis, ``expected`` as reference; each share is
    floored at ``floor`` so an empty category counts as rare, not as infinitely different."""
    expected, actual = np.maximum(expected, floor), np.maximum(actual, floor)
    return np.sum((actual - expected) * np.log(actual / expected), axis=-1)


def population_stability(before: np.ndarray, after: np.ndarray, floor: float = PSI_FLOOR) -> float:
    """The PSI of two count (or share) vectors over the same categories, ``before`` as reference."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if before.shape != after.shape or before.sum() <= 0 or after.sum() <= 0:
        return float("nan")
    return float(psi_of_shares(before / before.sum(), after / after.sum(), floor))


def lift_interval(hits: float, trials: int, rest_hits: float, rest_trials: int,
                  z: float = Z_95) -> tuple[float, float, float]:
    """The ratio of two rates (``hits / trials`` over ``rest_hits / rest_trials``) with its 95 %
    interval (Katz' log method; 0.5 added to every count when either has no hit, and the end
    on that side exact: 0 or infinite). NaN when either side has no trials or neither has a
    hit; the lift is infinite when only the rest has none."""
    if trials <= 0 or rest_trials <= 0 or (hits <= 0 and rest_hits <= 0):
        return (math.nan, math.nan, math.nan)
    lift = math.inf if rest_hits <= 0 else (hits / trials) / (rest_hits / rest_trials)
    centre, spread = log_lift(hits, trials, rest_hits, rest_trials)
    low = 0.0 if hits <= 0 else math.exp(centre - z * spread)  # exact ends, as the Wilson interval's:
    high = math.inf if rest_hits <= 0 else math.exp(centre + z * spread)  # the interval holds the lift
    return (lift, low, high)


def log_lift(hits: float, trials: int, rest_hits: float, rest_trials: int) -> tuple[float, float]:
    """The log of the lift and its standard error, 0.5 added to every count when a side has no hit."""
    if hits <= 0 or rest_hits <= 0:
        hits, rest_hits, trials, rest_trials = hits + 0.5, rest_hits + 0.5, trials + 1, rest_trials + 1
    centre = math.log((hits / trials) / (rest_hits / rest_trials))
    return centre, math.sqrt(1 / hits - 1 / trials + 1 / rest_hits - 1 / rest_trials)
