"""The sign-off sheet (scoring.agreement.sheet, sheet_html, sheet_md) on a hand-made model and four
hand-made leads: every figure it prints is computed here by hand first."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from scoring import Scorer, parse_model, preview
from scoring.agreement.sheet import build_sheet, decay_curve
from scoring.agreement.sheet_html import _ticks, sheet_html
from scoring.agreement.sheet_md import sheet_markdown

MODEL_YAML = """
schema_version: 1
name: Tiny <agreement> & co
version: "1.0"
description: Agreed in the test
owners: {marketing: Dana, sales: Lee}
agreed_on: 2027-01-15
sign_off: [{name: Dana, role: marketing, signed_at: 2027-01-15T14:30:00Z}]
profile:
  categories:
    - id: industry
      label: Industry
      field: industry
      weight: 60
      rules:
        - {match: {in: [Software, "a|b"]}, value: 100}
    - id: size
      field: employees
      weight: 40
      rules:
        - {match: {gte: 100}, value: 100}
      default: 10
  grades: {A: 80, B: 50, C: 30, D: 0}
engagement:
  recency: {half_life_days: 10, max_age_days: 40}
  activities:
    - {id: demo, label: Demo, activity: demo_request, points: 60, max_count: 1}
  grades: {"1": 50, "2": 20, "3": 10, "4": 0}
routing:
  cells:
    A1: {action: sales, sla_hours: 24}
    B1: {action: sales}
"""
MODEL = parse_model(MODEL_YAML)
# profile = 60 * industry + 40 * size / 100; engagement = 60 * 0.5 ** (age / 10), capped at 1 demo
#   L1 Software, 500 staff: 60 + 40 = 100 -> A; demo at age 0: 60 -> 1   => A1 (sales)  accepted yes, converted yes
#   L2 Software, 10 staff:  60 + 4 = 64 -> B;   demo at age 10: 30 -> 2  => B2 (nurture) accepted no, converted yes
#   L3 Retail, 500 staff:   0 + 40 = 40 -> C;   demo at age 0: 60 -> 1   => C1 (nurture) accepted ?, converted no
#   L4 Software, 10 staff:  64 -> B;            demo at age 0: 60 -> 1   => B1 (sales)  accepted yes, converted no
LEADS = pd.DataFrame({
    "lead_id": ["L1", "L2", "L3", "L4"],
    "industry": ["Software", "Software", "Retail", "Software"],
    "employees": [500, 10, 500, 10],
    "scored_at": ["2027-01-31"] * 4,
    "created_at": ["2027-01-02", "2027-01-10", "2027-01-15", "2027-01-20"],  # within one month
    "accepted": ["yes", "no", "", "yes"],
    "converted": ["yes", "yes", "no", "no"],
})
ACTIVITIES = pd.DataFrame({
    "lead_id": ["L1", "L2", "L3", "L4"],
    "activity": ["demo_request"] * 4,
    "occurred_at": ["2027-01-31", "2027-01-21", "2027-01-31", "2027-01-31"],
})
PRINTED = dt.date(2027, 2, 1)


@pytest.fixture(scope="module")
def result():
    return preview(MODEL, Scorer.for_model(MODEL, LEADS, ACTIVITIES))


def test_sheet_header_owners_and_signatures():
    sheet = build_sheet(MODEL, printed_on=PRINTED)
    assert (sheet.title, sheet.version, sheet.agreed_on, sheet.printed_on) == (
        "Tiny <agreement> & co", "1.0", "2027-01-15", "2027-02-01")
    assert sheet.note is None
    assert [(s.owner_role, s.person, s.signed is not None) for s in sheet.signatures] == [
        ("marketing", "Dana", True), ("sales", "Lee", False)]


def test_sheet_profile_engagement_and_routing_by_hand():
    sheet = build_sheet(MODEL, printed_on=PRINTED)
    industry, size = sheet.categories
    assert (industry.label, industry.field, industry.weight) == ("Industry", "industry", "60 %")
    assert [(r.condition, r.value) for r in industry.rules] == [("in [Software, a|b]", "100"), ("any other value", "0")]
    assert (size.label, [(r.condition, r.value) for r in size.rules]) == (
        "size", [(">= 100", "100"), ("any other value", "10")])
    assert sheet.letter_grades == [("A", "80 – 100"), ("B", "50 – <80"), ("C", "30 – <50"), ("D", "0 – <30")]
    assert sheet.number_grades == [("1", "50 – 100"), ("2", "20 – <50"), ("3", "10 – <20"), ("4", "0 – <10")]
    assert [(a.label, a.counts, a.points, a.cap) for a in sheet.activities] == [
        ("Demo", "activity demo_request", "60 each", "1")]
    assert sheet.routing["A1"] == "sales ≤ 24 h" and sheet.routing["B1"] == "sales"
    assert sheet.routing["D4"] == "nurture"
    assert sheet.sales_cells == ["A1", "B1"]


def test_decay_curve_half_life_by_hand():
    curve = decay_curve(MODEL.engagement.recency)
    assert curve.text == "half-life 10 days; older than 40 days counts nothing"
    # 0.5 ** (7/10) = 0.616, 0.5 ** 1.4 = 0.379, 0.5 ** 3 = 0.125; ages above 40 are not shown
    assert curve.marks == [("0 days", "100%"), ("7 days", "62%"), ("14 days", "38%"), ("30 days", "12%")]
    assert curve.ages[0] == 0 and curve.ages[-1] == pytest.approx(42)  # 5 % past max_age_days
    assert curve.factors[0] == 1 and curve.factors[-1] == 0  # past max_age_days counts nothing
    at_ten = min(range(len(curve.ages)), key=lambda i: abs(curve.ages[i] - 10))
    assert curve.factors[at_ten] == pytest.approx(0.5 ** (curve.ages[at_ten] / 10))


def test_decay_curve_windows_by_hand():
    recency = parse_model(MODEL_YAML.replace("{half_life_days: 10, max_age_days: 40}",
                                             "{windows: [{within_days: 7, factor: 1}, {within_days: 30, factor: 0.5}]}"
                                             )).engagement.recency
    curve = decay_curve(recency)
    assert curve.text == "windows: ≤ 7 days × 1, ≤ 30 days × 0.5"
    assert curve.marks == [("0 days", "100%"), ("7 days", "100%"), ("14 days", "50%"), ("30 days", "50%")]
    steps = dict(zip(curve.ages, curve.factors, strict=True))
    assert steps[7.0] == 1 and steps[30.0] == 0.5  # the edges are drawn exactly
    assert curve.ages[-1] == pytest.approx(30 * 1.2 * 1.05)


def test_preview_block_by_hand(result):
    block = build_sheet(MODEL, result, source="leads.csv", printed_on=PRINTED).preview
    assert block.source == "leads.csv: 4 leads"
    assert block.rate_label == "Accepted by sales"
    assert block.cells["A1"] == ("1 leads", "100%*")  # 1 of 1 accepted, far fewer than 30 decisions
    assert block.cells["B1"] == ("1 leads", "100%*")
    assert block.cells["B2"] == ("1 leads", "0%*")
    assert block.cells["C1"] == ("1 leads", "–")  # no decision recorded: no rate, no mark
    assert block.cells["D4"] == ("0 leads", "–")
    assert block.to_sales == "2 leads (50.0%)"  # L1 and L4
    # the leads were created within one month, less than a quarter: the whole history, counted as one month
    assert block.per_month == "2 (whole history, 2 Jan–20 Jan 2027)"
    assert (block.rate, block.rest_rate) == ("100%", "0%")  # rest: L2 rejected, L3 undecided
    assert block.caught == "50% (1 of 2)"  # converted: L1 (to sales) and L2 (not)
    assert block.footnote.startswith("* fewer than 30 leads with a sales decision, or fewer than 10 accepted")


def test_a_model_without_version_is_marked_as_a_draft():
    draft = parse_model(MODEL_YAML.replace('version: "1.0"\n', ""))
    assert build_sheet(draft).note == "Draft: this model has no version yet, so it cannot be signed."
    assert build_sheet(MODEL, note="Changed since version 1.0").note == "Changed since version 1.0"


def test_html_is_self_contained_escaped_and_printable(result):
    html = sheet_html(MODEL, result, source="leads.csv", printed_on=PRINTED)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<h1>Tiny &lt;agreement&gt; &amp; co</h1>" in html
    assert "<script" not in html and not re.search(r"(src|href)=|url\(|@import|https?:", html)
    assert "@page { size: A4" in html and "<svg viewBox" in html and "<polyline" in html
    assert "<td>Dana</td><td>signed 2027-01-15 14:30 UTC</td>" in html
    assert "<td>Lee</td><td></td>" in html  # not signed: a blank line to sign on paper
    assert '<td class="sales">sales ≤ 24 h</td>' in html
    assert '<td class="sales">1 leads<br><b>100%*</b></td>' in html
    for figure in ("2 leads (50.0%)", "50% (1 of 2)", "printed 2027-02-01", "half-life 10 days"):
        assert figure in html


def test_html_is_laid_out_for_one_portrait_page(result):
    html = sheet_html(MODEL, result, source="leads.csv", printed_on=PRINTED)
    assert "@page { size: A4 portrait; margin: 10mm; }" in html
    assert html.count('<div class="card">') == 2  # a card per category, three to a row
    assert '<b>Industry</b><span class="muted">industry</span><span class="weight">60 %</span>' in html
    order = ["<h1>", "Profile: who", "Engagement: how", "Routing: what", "On the historical leads",
             "Owners and sign-off", "printed 2027-02-01"]
    assert [html.index(text) for text in order] == sorted(html.index(text) for text in order)  # sign last
    assert "<th>Date</th><th>Signature</th>" in html  # room to date and sign on paper


def test_html_without_leads_has_no_preview():
    html = sheet_html(MODEL, printed_on=PRINTED)
    assert "On the historical leads" not in html and "Routing: what happens to each rating" in html


def test_markdown_has_the_same_content(result):
    text = sheet_markdown(MODEL, result, source="leads.csv", printed_on=PRINTED)
    assert text.startswith("# Tiny &lt;agreement&gt; &amp; co\n")  # model text is HTML-escaped
    assert "| marketing | Dana | 2027-01-15 14:30 UTC |" in text
    assert "| sales | Lee | not yet |" in text
    assert "| Industry | industry | 60 % | in [Software, a\\|b] → 100; any other value → 0 |" in text
    assert "| A | **sales ≤ 24 h** | nurture | nurture | nurture |" in text
    assert "| A | 1 leads / 100%* | 0 leads / – | 0 leads / – | 0 leads / – |" in text
    assert "| 2 leads (50.0%) | 2 (whole history, 2 Jan–20 Jan 2027) | 100% | 0% | 50% (1 of 2) |" in text
    assert "\\* fewer than 30 leads with a sales decision, or fewer than 10 accepted" in text
    assert "| counts | 100% | 62% | 38% | 12% |" not in text  # the HTML form; Markdown has a row per age
    assert "| 100% | 62% | 38% | 12% |" in text


@pytest.mark.parametrize(("horizon", "ticks"), [
    (40, [0, 10, 20, 30, 40]), (383.25, [0, 50, 100, 150, 200, 250, 300, 350]),
    (37.8, [0, 5, 10, 15, 20, 25, 30, 35]), (1, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]),
])
def test_axis_ticks_are_round(horizon, ticks):
    assert _ticks(horizon) == pytest.approx(ticks)
