"""One workshop journey in a real browser: Debian's Chromium driven by Playwright against
``streamlit run app.py`` on a free localhost port.

Load the sample data, move a weight, watch the matrix change, undo and redo it, download
the YAML and check it carries the new weight. A screenshot of each page is saved under
test-artifacts/ at the repository root.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import expect_text, keyed, open_page, settle, shoot

import scoring

INDUSTRY_WEIGHT = "w:weight:industry"  # ui/pages/profile.py: state.widget_key("weight", category.id)


def _metric_value(page, label: str):
    metric = page.locator("[data-testid='stMain'] [data-testid='stMetric']").filter(
        has=page.get_by_text(label, exact=True)).first
    return metric.locator("[data-testid='stMetricValue']")


def _industry_weight(page) -> str:
    return keyed(page, INDUSTRY_WEIGHT).get_by_role("slider").input_value()


def test_workshop_journey(app_url: str, page, tmp_path: Path) -> None:
    page.goto(app_url)
    page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for()
    settle(page)
    assert page.get_by_text("6,000").first.is_visible()  # the sample data is loaded
    shoot(page, "1-data")

    open_page(page, "4 · Matrix")
    before = _metric_value(page, "Leads to sales").inner_text()
    shoot(page, "4-matrix-before")

    open_page(page, "2 · Profile")
    assert _industry_weight(page) == "25"
    slider = keyed(page, INDUSTRY_WEIGHT).get_by_role("slider")
    slider.focus()
    for _ in range(15):
        slider.press("ArrowRight")
    page.get_by_text("weights must sum to 100; got 115").wait_for()  # refused until the total is 100
    settle(page)
    keyed(page, "rescale_weights").get_by_role("button", name="Rescale the others to 100 %").click()
    page.get_by_text("Weights total 100 %").wait_for()
    settle(page)
    assert _industry_weight(page) == "40"
    shoot(page, "2-profile")

    open_page(page, "4 · Matrix")
    after = _metric_value(page, "Leads to sales").inner_text()
    assert after != before, "moving the industry weight should change who goes to sales"
    shoot(page, "4-matrix")

    keyed(page, "undo").get_by_role("button", name="Undo").click()
    expect_text(_metric_value(page, "Leads to sales"), before)
    settle(page)
    keyed(page, "redo").get_by_role("button", name="Redo").click()
    expect_text(_metric_value(page, "Leads to sales"), after)
    settle(page)

    cell_c1 = keyed(page, "matrix_chart").locator(".js-plotly-plot .scatterlayer .point").nth(8)  # A1..A4, B1..B4, C1
    cell_c1.click(force=True)
    page.get_by_text(re.compile(r"^C1: [\d,]+ leads")).wait_for()  # clicking a cell lists its leads
    page.get_by_text(re.compile(r"^Why lead `?\w+`? is C1")).wait_for()
    settle(page)

    page.reload()  # a refresh reopens the draft named in the address bar
    page.get_by_role("heading", name=re.compile("^4 · Matrix")).wait_for()
    settle(page)
    assert _metric_value(page, "Leads to sales").inner_text() == after

    open_page(page, "3 · Engagement")
    shoot(page, "3-engagement")

    open_page(page, "5 · Export")
    page.locator("[data-testid='stMain']").get_by_text("Industry weight 25 → 40", exact=True).wait_for()
    shoot(page, "5-export")
    with page.expect_download() as download_info:
        keyed(page, "download_yaml").get_by_role("button", name="Model (YAML)").click()
    saved = tmp_path / "model.yaml"
    download_info.value.save_as(saved)
    model = scoring.load_model(saved)
    weights = {category.id: category.weight for category in model.profile.categories}
    assert weights["industry"] == 40
    assert sum(weights.values()) == pytest.approx(100)
