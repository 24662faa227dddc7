"""scoring.measures.stats: each statistic by hand, and against scipy / scikit-learn (used in the
tests only) for all inputs hypothesis draws."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import rel_entr
from scipy.stats import binomtest
from scipy.stats.contingency import relative_risk
from sklearn.metrics import roc_auc_score

from scoring.measures.stats import (
    PSI_FLOOR,
    Z_95,
    auc,
    grouped_auc,
    lift_interval,
    population_stability,
    psi_of_shares,
    wilson_interval,
)

# ----- Wilson interval


def test_wilson_interval_by_hand():
    # 1 of 2, z = 1.96: centre (0.5 + z²/4) / (1 + z²/2) = 0.5; half z·sqrt(1/8 + z²/16) / (1 + z²/2)
    z = Z_95
    half = z * math.sqrt(0.125 + z * z / 16) / (1 + z * z / 2)
    assert wilson_interval(1, 2) == pytest.approx((0.5 - half, 0.5 + half))
    assert wilson_interval(0, 4)[0] == 0.0 and wilson_interval(4, 4)[1] == 1.0
    assert all(math.isnan(end) for end in wilson_interval(0, 0))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.data())
def test_wilson_interval_is_scipys(trials, data):
    successes = data.draw(st.integers(0, trials))
    expected = binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    assert wilson_interval(successes, trials) == pytest.approx((expected.low, expected.high), abs=1e-12)


# ----- AUC


def test_auc_by_hand():
    assert auc(np.array([3, 1, 2, 2]), np.array([1, 0, 1, 0])) == 0.875  # 3 wins and a tie of 4 pairs
    assert auc(np.array([3, 1, 2, 2, 9]), np.array([1, 0, 1, 0, np.nan])) == 0.875  # unknown left out
    assert math.isnan(auc(np.array([1, 2]), np.array([1.0, 1.0])))
    # the same leads as scores 1, 2, 3 coded 0, 1, 2
    assert grouped_auc(np.array([2, 0, 1, 1]), np.array([1.0, 2.0, 3.0]), np.array([1, 0, 1, 0])) == 0.875


OUTCOMES = st.sampled_from([1.0, 0.0, np.nan])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), OUTCOMES), min_size=1, max_size=80),
       st.lists(st.sampled_from([-3.0, 0.0, 0.5, 2.0, 7.0, 100.0]), min_size=6, max_size=6))
def test_auc_and_grouped_auc_are_sklearns(rows, values):
    codes = np.array([code for code, _ in rows])
    flags = np.array([flag for _, flag in rows])
    scores = np.array(values)[codes]
    known = ~np.isnan(flags)
    ranked, counted = auc(scores, flags), grouped_auc(codes, np.array(values), flags)
    if len(set(flags[known])) < 2:
        assert math.isnan(ranked) and math.isnan(counted)
        return
    expected = roc_auc_score(flags[known], scores[known])
    assert ranked == pytest.approx(expected) and counted == pytest.approx(expected)


# ----- PSI


def test_population_stability_by_hand():
    assert population_stability([50, 50], [25, 75]) == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(1.5))
    assert population_stability([1, 2, 3], [10, 20, 30]) == 0.0
    assert math.isnan(population_stability([0, 0], [1, 1]))
    assert math.isnan(population_stability([1, 2], [1, 2, 3]))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8).flatmap(lambda n: st.tuples(st.lists(st.integers(0, 1000), min_size=n, max_size=n),
                                                     st.lists(st.integers(0, 1000), min_size=n, max_size=n))))
def test_population_stability_is_the_symmetric_relative_entropy(counts):
    # PSI = KL(after || before) + KL(before || after), on shares floored at PSI_FLOOR
    before, after = (np.array(c, dtype=float) for c in counts)
    if before.sum() == 0 or after.sum() == 0:
        assert math.isnan(population_stability(before, after))
        return
    expected_shares = np.maximum(before / before.sum(), PSI_FLOOR)
    actual_shares = np.maximum(after / after.sum(), PSI_FLOOR)
    expected = rel_entr(actual_shares, expected_shares).sum() + rel_entr(expected_shares, actual_shares).sum()
    assert population_stability(before, after) == pytest.approx(expected, abs=1e-12)
    assert psi_of_shares(np.stack([expected_shares] * 2), np.stack([actual_shares] * 2)) == pytest.approx([expected] * 2)


# ----- lift (Katz)


def test_lift_interval_by_hand():
    lift, low, high = lift_interval(10, 100, 5, 100)
    spread = math.sqrt(1 / 10 - 1 / 100 + 1 / 5 - 1 / 100)
    assert (lift, low, high) == pytest.approx((2.0, 2 * math.exp(-Z_95 * spread), 2 * math.exp(Z_95 * spread)))
    # no hit on one side: 0.5 added to every count, and that side's end exact
    lift, low, high = lift_interval(0, 10, 5, 10)
    centre = math.log((0.5 / 11) / (5.5 / 11))
    assert (lift, low) == (0.0, 0.0)
    assert high == pytest.approx(math.exp(centre + Z_95 * math.sqrt(1 / 0.5 - 1 / 11 + 1 / 5.5 - 1 / 11)))
    assert lift_interval(3, 10, 0, 10)[0::2] == (math.inf, math.inf)
    assert all(math.isnan(v) for v in lift_interval(0, 10, 0, 10))
    assert all(math.isnan(v) for v in lift_interval(1, 0, 1, 10))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 2000), st.integers(1, 2000), st.data())
def test_lift_interval_is_scipys_katz_interval(trials, rest_trials, data):
    hits, rest_hits = data.draw(st.integers(1, trials)), data.draw(st.integers(1, rest_trials))
    expected = relative_risk(hits, trials, rest_hits, rest_trials)
    interval = expected.confidence_interval(0.95)
    assert lift_interval(hits, trials, rest_hits, rest_trials) == pytest.approx(
        (expected.relative_risk, interval.low, interval.high), rel=1e-9)
