"""File-name stems from model names (``scoring.formatting.file_slug``)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.formatting import file_slug


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
