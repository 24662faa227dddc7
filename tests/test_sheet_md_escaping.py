"""The Markdown sign-off sheet escapes every text the model supplies (issue 20): name, owners,
description, category labels and columns, rule items, activity labels, routing actions and
the note, as the HTML sheet does, so a renderer that passes raw HTML runs none of it."""

from __future__ import annotations

import html
import re

import pytest

from scoring import validate_model
from scoring.agreement.sheet_md import sheet_markdown

PAYLOADS = [
    "<script>alert(1)</script>",  # the examples
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",  # and others of our own
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "</td></tr></table><a href=javascript:alert(1)>x</a>",
    "<details open ontoggle=alert(1)>",
    "[click](javascript:alert(1))",
    "<javascript:alert(1)>",
    "&lt;script&gt;",  # an entity must not decode into a tag either
]


def _model(payload: str):
    return validate_model({
        "schema_version": 1, "name": payload, "version": "1", "description": payload,
        "owners": {"marketing": payload, payload: "Lee"},
        "profile": {"categories": [{"id": "c", "label": payload, "field": payload, "weight": 100,
                                    "rules": [{"match": {"in": [payload]}, "value": 100}]}],
                    "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
        "engagement": {"activities": [{"id": "a", "label": payload, "activity": payload, "points": 10}],
                       "recency": {"half_life_days": 30},
                       "grades": {"1": 60, "2": 35, "3": 15, "4": 0}},
        "routing": {"default": {"action": payload}, "cells": {"A1": {"action": "sales", "sla_hours": 24},
                                                              "B2": {"action": payload}}},
    })


def _tags(text: str) -> list[str]:
    """Anything a Markdown renderer would pass on as an HTML tag, comment or autolink."""
    return re.findall(r"<[A-Za-z!/?][^>]*>?", text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_model_text_reaches_the_markdown_as_html(payload):
    text = sheet_markdown(_model(payload), note=payload)
    assert _tags(text) == []
    assert "<" not in text  # the sheet itself writes no HTML at all
    assert "](javascript" not in text
    escaped = html.escape(payload, quote=False).replace("](", "]\\(")
    assert f"# {escaped}\n" in text  # the heading, readable once rendered
    assert f"> **{escaped}**" in text  # the note
    assert text.count(escaped.replace("|", "\\|")) >= 8  # name, description, owners, label, field, rule, entry, route


def test_the_escaped_text_reads_as_written_once_rendered():
    payload = 'Acme <b>"Leads"</b> & co'
    text = sheet_markdown(_model(payload))
    heading = text.splitlines()[0].removeprefix("# ")
    assert heading == "Acme &lt;b&gt;\"Leads\"&lt;/b&gt; &amp; co"
    assert html.unescape(heading) == payload  # what a browser shows


def test_a_line_break_in_a_name_cannot_start_a_block_of_raw_html():
    text = sheet_markdown(_model("Plan\n<div onmouseover=alert(1)>\nhi"), note="a\r\n<script>x</script>")
    assert text.splitlines()[0] == "# Plan &lt;div onmouseover=alert(1)&gt; hi"
    assert _tags(text) == []
