"""Outcome flags and Wilson intervals (scoring/metrics.py): how a yes/no column is read and
how sure a rate is."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.measures.metrics import read_flags, wilson_interval

# ------------------------------------------------------------- read_flags: bad input


def test_read_flags_other_text_is_unknown_and_counted_as_unrecognised():
    flags = read_flags(pd.Series(["maybe", "yes", "pending", "n/a", "NULL", "2", "no"]))
    assert np.isnan(flags.values[[0, 2, 3, 4, 5]]).all()
    assert flags.values[[1, 6]].tolist() == [1.0, 0.0]
    assert flags.unrecognised == 5


def test_read_flags_empty_blank_and_null_are_unknown_but_not_unrecognised():
    flags = read_flags(pd.Series(["", "   ", "\t", None, np.nan, "yes"], dtype=object))
    assert np.isnan(flags.values[:5]).all()
    assert flags.values[5] == 1.0
    assert flags.unrecognised == 0
    assert flags.known.tolist() == [False] * 5 + [True]


def test_read_flags_numbers_other_than_zero_and_one_are_unknown_and_unrecognised():
    flags = read_flags(pd.Series([1, 0, 2, -1]))
    assert flags.values[:2].tolist() == [1.0, 0.0]
    assert np.isnan(flags.values[2:]).all()
    assert flags.unrecognised == 2


def test_read_flags_float_nan_is_unknown_not_unrecognised():
    flags = read_flags(pd.Series([1.0, np.nan, 0.0, 0.5]))
    assert flags.values[[0, 2]].tolist() == [1.0, 0.0]
    assert np.isnan(flags.values[[1, 3]]).all()
    assert flags.unrecognised == 1


def test_read_flags_empty_series():
    flags = read_flags(pd.Series([], dtype=object))
    assert len(flags.values) == 0
    assert flags.unrecognised == 0


# ------------------------------------------------------------- read_flags: pinned


@pytest.mark.parametrize("text", ["true", "TRUE", "True", " yes ", "YES", "y", "Y", "1", "1.0", "\ttrue\n"])
def test_read_flags_true_words_any_case_trimmed(text):
    flags = read_flags(pd.Series([text]))
    assert flags.values.tolist() == [1.0]
    assert flags.unrecognised == 0


@pytest.mark.parametrize("text", ["false", "FALSE", "False", " no ", "NO", "n", "N", "0", " 0 "])
def test_read_flags_false_words_any_case_trimmed(text):
    flags = read_flags(pd.Series([text]))
    assert flags.values.tolist() == [0.0]
    assert flags.unrecognised == 0


def test_read_flags_bool_dtype():
    flags = read_flags(pd.Series([True, False, True]))
    assert flags.values.tolist() == [1.0, 0.0, 1.0]
    assert flags.unrecognised == 0


def test_read_flags_nullable_boolean_dtype_missing_is_unknown():
    flags = read_flags(pd.Series([True, None, False], dtype="boolean"))
    assert flags.values[[0, 2]].tolist() == [1.0, 0.0]
    assert np.isnan(flags.values[1])
    assert flags.unrecognised == 0


def test_read_flags_integer_and_float_dtypes():
    assert read_flags(pd.Series([1, 0, 1], dtype="int64")).values.tolist() == [1.0, 0.0, 1.0]
    assert read_flags(pd.Series([1.0, 0.0], dtype="float64")).values.tolist() == [1.0, 0.0]
    nullable = read_flags(pd.Series([1, None, 0], dtype="Int64"))
    assert nullable.values[[0, 2]].tolist() == [1.0, 0.0]
    assert np.isnan(nullable.values[1])
    assert nullable.unrecognised == 0


def test_read_flags_mixed_object_column_of_bools_numbers_and_text():
    flags = read_flags(pd.Series([True, False, 1, 0.0, "Yes", None], dtype=object))
    assert flags.values[:5].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert np.isnan(flags.values[5])
    assert flags.unrecognised == 0


def test_read_flags_string_dtype_with_missing():
    flags = read_flags(pd.Series(["yes", pd.NA, " N "], dtype="string"))
    assert flags.values[[0, 2]].tolist() == [1.0, 0.0]
    assert np.isnan(flags.values[1])
    assert flags.unrecognised == 0


# ------------------------------------------------------------- wilson_interval


def test_wilson_interval_no_trials_is_nan():
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (8, 10, 0.4902, 0.9433),
        (5, 10, 0.2366, 0.7634),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (1, 1, 0.2065, 1.0),
        (50, 100, 0.4038, 0.5962),
    ],
)
def test_wilson_interval_known_values(successes, trials, low, high):
    got = wilson_interval(successes, trials)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_interval_other_z():
    # z = 1 (about 68 %): 8 of 10 -> centre (0.8 + 0.05) / 1.1, half sqrt(0.016 + 0.0025) / 1.1
    low, high = wilson_interval(8, 10, z=1.0)
    centre, half = 0.85 / 1.1, math.sqrt(0.016 + 0.0025) / 1.1
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-12)


def test_wilson_interval_all_successes_reaches_one_exactly():
    assert wilson_interval(10, 10)[1] == 1.0


def test_wilson_interval_no_successes_starts_at_zero_exactly():
    assert wilson_interval(0, 3)[0] == 0.0


@given(trials=st.integers(1, 5000), data=st.data())
def test_wilson_interval_contains_p_and_stays_within_unit_interval(trials, data):
    successes = data.draw(st.integers(0, trials))
    low, high = wilson_interval(successes, trials)
    p = successes / trials
    assert 0.0 <= low <= high <= 1.0
    assert low <= p <= high


@given(trials=st.integers(1, 1000), factor=st.integers(2, 20), data=st.data())
def test_wilson_interval_narrower_with_more_trials_at_same_p(trials, factor, data):
    successes = data.draw(st.integers(0, trials))
    small = wilson_interval(successes, trials)
    large = wilson_interval(successes * factor, trials * factor)
    assert large[1] - large[0] < small[1] - small[0]
