"""ValueColumn: the match operators and the missing-value rule of MODEL_FORMAT.md "Meaning"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.engine.values import TRIM_CHARS, ValueColumn, canonical_item
from scoring.model.schema import Match


def hits(values, spec, dtype=None) -> list[bool]:
    """Which of ``values`` satisfy the match ``spec`` (a dict in the YAML spelling)."""
    column = ValueColumn(pd.Series(values, dtype=dtype))
    return [bool(x) for x in column.matches(Match.model_validate(spec))]


MISSING_OBJECTS = [None, np.nan, "", "   ", " \t\r\n", pd.NA]


# --- missing values -----------------------------------------------------------------------------


def test_trim_chars_are_space_tab_cr_lf():
    assert set(TRIM_CHARS) == {" ", "\t", "\r", "\n"}


def test_missing_is_null_nan_empty_or_blank_text_only():
    values = [None, np.nan, "", "   ", " \t\r\n", "n/a", "NULL", "None", "0", 0, 0.0, "\u00a0"]
    assert hits(values, {"missing": True}, dtype=object) == [True] * 5 + [False] * 7


@pytest.mark.parametrize("spec", [{"missing": True}, {"gte": 0}, {"in": ["x"]}])
def test_all_nan_object_column_is_missing(spec):
    expected = [True, True] if "missing" in spec else [False, False]
    assert hits([np.nan, None], spec, dtype=object) == expected


def test_missing_in_float_column_is_nan_only():
    assert hits([np.nan, 0.0, -1.0], {"missing": True}) == [True, False, False]


def test_missing_in_string_dtype_column():
    assert hits([pd.NA, "", " ", "x"], {"missing": True}, dtype="string") == [True, True, True, False]


def test_missing_in_nullable_integer_column():
    assert hits([1, None], {"missing": True}, dtype="Int64") == [False, True]


@pytest.mark.parametrize(
    "spec",
    [
        {"in": [""]},
        {"in": ["nan", "None", " "]},
        {"contains_any": ["n"]},  # contains_any [""] or [" "] is refused by the model (issue 10)
        {"gte": -1e300},
        {"lt": 1e300},
        {"gte": -1e300, "lt": 1e300},
        {"range": [None, None]},
        {"range": [-1e300, 1e300]},
    ],
)
def test_missing_value_matches_no_operator_but_missing(spec):
    assert hits(MISSING_OBJECTS, spec, dtype=object) == [False] * len(MISSING_OBJECTS)
    assert hits([np.nan, np.nan], spec) == [False, False]


# --- in -----------------------------------------------------------------------------------------


def test_in_ignores_case_and_trims_value():
    values = ["Software", " software ", "SOFTWARE\t", "\nsoftware\r", "Soft ware", "Software Inc", "softwares"]
    assert hits(values, {"in": ["software"]}) == [True, True, True, True, False, False, False]


def test_in_trims_and_lowercases_items():
    assert hits(["software", "Finance"], {"in": ["  SoftWare\t", "FINANCE"]}) == [True, True]


def test_in_does_not_trim_inner_spaces_or_non_breaking_space():
    assert hits(["Financial  Services", "\u00a0Software"], {"in": ["Financial Services", "Software"]}) == [
        False,
        False,
    ]


def test_in_whole_float_column_matches_integer_item():
    assert hits([1.0, 2.0, 1.5, -3.0], {"in": [1, -3]}) == [True, False, False, True]


def test_in_whole_float_matches_text_item_of_integer():
    assert hits([1.0, 10.0], {"in": ["1"]}) == [True, False]


def test_in_integer_column_matches_integer_and_text_items():
    assert hits([1, 2, 3], {"in": [1, "3"]}) == [True, False, True]


def test_in_float_item_whole_compares_as_integer_text():
    assert hits(["1", "1.0", 1, 1.0], {"in": [1.0]}, dtype=object) == [True, False, True, True]


def test_in_text_one_point_zero_does_not_match_item_one():
    # "1.0" is text, compared as text; only *numbers* that are whole become "1".
    assert hits(["1.0", " 1.0 ", "01", "1"], {"in": [1]}) == [False, False, False, True]


def test_in_mixed_object_column():
    values = [1.0, "1", " 1 ", "1.0", 1, np.int64(1), np.float64(1.0), "x"]
    assert hits(values, {"in": [1]}, dtype=object) == [True, True, True, False, True, True, True, False]


def test_in_fractional_number_matches_same_number():
    assert hits([1.5, 2.25], {"in": [1.5]}) == [True, False]
    assert hits(["1.5", "1.50"], {"in": [1.5]}) == [True, False]


def test_in_text_stays_text_null_words():
    assert hits(["n/a", "NULL", "None"], {"in": ["N/A", "null"]}) == [True, True, False]


def test_in_huge_whole_float_column_matches_same_item():
    assert hits([1e20], {"in": [1e20]}) == [True]


def test_in_large_integer_item_matches_its_text():
    assert hits(["9007199254740993"], {"in": [9007199254740993]}) == [True]


def test_canonical_item():
    assert canonical_item(" Software\t") == "software"
    assert canonical_item(1) == "1"
    assert canonical_item(1.0) == "1"
    assert canonical_item(-2.0) == "-2"
    assert canonical_item(1.5) == "1.5"


# --- contains_any -------------------------------------------------------------------------------


def test_contains_any_ignores_case():
    values = ["Chief Executive Officer", "VP Sales", "Director of IT", "Sales Manager", "Intern"]
    spec = {"contains_any": ["chief", "VP", "director"]}
    assert hits(values, spec) == [True, True, True, False, False]


def test_contains_any_matches_substring_inside_words():
    assert hits(["SVP of Marketing", "vpn admin"], {"contains_any": ["vp"]}) == [True, True]


def test_contains_any_item_is_literal_not_regex():
    assert hits(["a.b", "axb", "(x)"], {"contains_any": [".", "("]}) == [True, False, True]


def test_contains_any_multiword_item():
    values = ["Senior Vice President", "Vice-President", "vice  president"]
    assert hits(values, {"contains_any": ["vice president"]}) == [True, False, False]


# --- numeric operators --------------------------------------------------------------------------


def test_gte_boundary():
    assert hits([999.999, 1000, 1000.0, 1e9, -5], {"gte": 1000}) == [False, True, True, True, False]


def test_lt_boundary():
    assert hits([9.999, 10, 10.001, -1e9], {"lt": 10}) == [True, False, False, True]


def test_gte_with_lt_is_half_open_interval():
    assert hits([4.99, 5, 7, 9.999, 10, 11], {"gte": 5, "lt": 10}) == [False, True, True, True, False, False]


def test_range_is_lo_inclusive_hi_exclusive():
    assert hits([199.999, 200, 500, 999.99, 1000, 1001], {"range": [200, 1000]}) == [
        False,
        True,
        True,
        True,
        False,
        False,
    ]


def test_range_open_low_end():
    assert hits([-1e12, 0, 9.99, 10, 11], {"range": [None, 10]}) == [True, True, True, False, False]


def test_range_open_high_end():
    assert hits([9.99, 10, 1e12], {"range": [10, None]}) == [False, True, True]


def test_range_open_both_ends_matches_every_number_only():
    assert hits([0, -5.5, "7", "seven", None], {"range": [None, None]}, dtype=object) == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_numbers_in_text_parse_trimmed():
    values = ["1000", "1000.0", " 1000 ", "\t1000\n", "1e3", "+1000", "999"]
    assert hits(values, {"gte": 1000}) == [True, True, True, True, True, True, False]


@pytest.mark.parametrize("spec", [{"gte": -1e300}, {"lt": 1e300}, {"range": [None, None]}, {"gte": 0, "lt": 1e9}])
def test_numeric_operators_never_match_non_numeric_text(spec):
    values = ["1,000", "1 000", "1k", "$1000", "abc", "n/a", "NULL", "ten", "1000-2000"]
    assert hits(values, spec) == [False] * len(values)


def test_numeric_operators_do_not_match_booleans():
    assert hits([True, False], {"gte": 0}) == [False, False]


def test_numeric_text_compares_as_number_not_text():
    # As text "9" > "10", as numbers it is not.
    assert hits(["9", "10", "100"], {"gte": 10}) == [False, True, True]


# --- properties ---------------------------------------------------------------------------------

cell = st.one_of(
    st.none(),
    st.just(np.nan),
    st.integers(-2000, 2000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.text(alphabet=" \t1a0.,-Xe", max_size=6),
)


@given(st.lists(cell, min_size=1, max_size=12), st.floats(-1e4, 1e4), st.floats(-1e4, 1e4))
def test_range_equals_gte_with_lt_and_missing_never_numeric(values, lo, hi):
    series = pd.Series(values, dtype=object)
    column = ValueColumn(series)
    combined = column.matches(Match.model_validate({"gte": lo, "lt": hi}))
    ranged = column.matches(Match.model_validate({"range": [lo, hi]}))
    assert combined.tolist() == ranged.tolist()
    assert not (column.missing & ranged).any()
    gte = column.matches(Match.model_validate({"gte": lo}))
    lt = column.matches(Match.model_validate({"lt": lo}))
    # every number is either >= lo or < lo; text and missing are neither
    numeric = ~np.isnan(column.number)
    assert ((gte | lt) == numeric).all()
    assert not (gte & lt).any()


@given(st.lists(cell, min_size=1, max_size=12))
def test_missing_and_in_are_consistent_with_text_form(values):
    column = ValueColumn(pd.Series(values, dtype=object))
    for position, value in enumerate(values):
        is_missing = value is None or (isinstance(value, float) and np.isnan(value)) or (
            isinstance(value, str) and value.strip(TRIM_CHARS) == ""
        )
        assert bool(column.missing[position]) == is_missing
        if not is_missing:
            item = value.strip(TRIM_CHARS).upper() if isinstance(value, str) else value
            assert column.matches(Match.model_validate({"in": [item]}))[position]


def test_decimal_values_compare_like_numbers():
    from decimal import Decimal

    column = ValueColumn(pd.Series([Decimal("104.00"), Decimal("2.50"), None], dtype=object))
    assert column.matches(Match.model_validate({"in": [104]})).tolist() == [True, False, False]
    assert column.matches(Match.model_validate({"in": [2.5]})).tolist() == [False, True, False]
    assert column.matches(Match.model_validate({"gte": 100})).tolist() == [True, False, False]


def test_numbers_of_a_text_column_by_hand():
    column = ValueColumn(pd.Series([" 12 ", "1e3", "1,000", "x", "", None, "12", "-0.5"], dtype="string"))
    np.testing.assert_array_equal(column.number, [12.0, 1000.0, np.nan, np.nan, np.nan, np.nan, 12.0, -0.5])


NUMBERISH = st.lists(st.one_of(st.none(), st.sampled_from(["", " ", "\t7\n", "n/a", "1,000", "0x10", "inf"]),
                               st.text(alphabet="0123456789.-+e ", max_size=8),
                               st.integers(-10**20, 10**20).map(str)), max_size=30)


@given(NUMBERISH, st.sampled_from(["object", "string"]))
def test_numbers_of_a_text_column_are_each_value_read_alone(values, dtype):
    """The column is parsed once per distinct text: each lead's number is still its own
    value read as a number (pandas ``to_numeric`` on that value alone), NaN when it is none."""
    column = ValueColumn(pd.Series(values, dtype=dtype))

    def alone(value):
        if value is None or not value.strip(TRIM_CHARS):
            return np.nan
        return float(pd.to_numeric(pd.Series([value.strip(TRIM_CHARS)], dtype=dtype), errors="coerce")
                     .astype(float).iloc[0])

    np.testing.assert_array_equal(column.number, np.array([alone(value) for value in values], dtype=float))
