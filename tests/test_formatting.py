"""File-name stems from model names (``scoring.formatting.file_slug``) and rates written with
enough digits to tell low base rates apart (``format_rate``, ``format_interval``, ``format_lift``)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.formatting import file_slug, format_interval, format_lift, format_rate


@pytest.mark.parametrize(("name", "expected"), [
    ("Online Shoppers (UCI) — session scoring", "online-shoppers-uci-session-scoring"),
    ("B2B SaaS inbound (default)", "b2b-saas-inbound-default"),
    ("  --Café   Leads!!  v2.1--  ", "cafe-leads-v2-1"),
    ("x'); DROP TABLE leads; --", "x-drop-table-leads"),
    ("../../etc/passwd", "etc-passwd"),
    ("北京 销售", "model"),
    ("", "model"),
    ("---", "model"),
])
def test_file_slug(name, expected):
    assert file_slug(name) == expected


def test_file_slug_cuts_at_a_dash_within_the_limit():
    assert file_slug("alpha beta gamma", limit=12) == "alpha-beta"
    assert file_slug("alpha beta gamma", limit=10) == "alpha-beta"  # the cut falls on the dash
    assert file_slug("abcdefghijkl mn", limit=5) == "abcde"  # one word longer than the limit
    assert file_slug("", fallback="leadgrid-model") == "leadgrid-model"


@given(st.text(max_size=200))
def test_file_slug_is_always_a_clean_stem(name):
    slug = file_slug(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert len(slug) <= 60


# ----- rates: enough digits to tell low base rates apart (issue 19)

@pytest.mark.parametrize(("rate", "expected"), [
    (0.72, "72%"), (0.0175, "1.8%"), (0.0079, "0.79%"), (0.00052, "0.052%"), (0.099, "9.9%"),
    (0.0995, "10%"), (0.0, "0%"), (1.0, "100%"), (float("nan"), "–"), (None, "–"),
])
def test_format_rate_by_hand(rate, expected):
    assert format_rate(rate) == expected


def test_format_rate_fixed_digits_interval_and_lift():
    assert format_rate(0.0175, 0) == "2%" and format_rate(0.5, 1) == "50.0%"
    assert format_interval(0.0175, 0.011, 0.027) == "1.8% (1.1%–2.7%)"
    assert format_interval(float("nan"), 0, 1) == "–"
    assert format_lift(2.0, 1.44, float("inf")) == "2.0× (1.4–∞)" and format_lift(float("nan"), 1, 2) == "–"


@given(st.floats(1e-4, 0.0994))
def test_a_low_rate_reads_back_within_two_significant_digits(rate):
    shown = float(format_rate(rate).rstrip("%")) / 100
    assert abs(shown - rate) <= rate * 0.05 + 1e-12


def test_below_a_hundredth_of_a_percent_three_decimals_are_the_most():
    # found by Hypothesis under CI when the property drew from 1e-5: 0.00107 % reads 0.001%
    assert format_rate(1.073202691967771e-05) == "0.001%"
    assert format_rate(4e-6) == "0.000%" and format_rate(0.0) == "0%"


@given(st.floats(1e-4, 0.08), st.floats(1.12, 5))
def test_two_low_rates_a_tenth_apart_read_apart(rate, ratio):
    assert format_rate(rate) != format_rate(rate * ratio)
