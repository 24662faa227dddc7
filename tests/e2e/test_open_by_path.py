"""Large data opens by path, in a real browser (Debian's Chromium driven by Playwright): open
small Parquet files by their path on the Data page, step the "A from" threshold on the
Profile page, and check the matrix follows: the A1 cell's count and the histogram's
A share are the engine's. Correctness only; the timings are tests/e2e/bench_browser.py's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import ROOT, expect_text, form_holding, keyed, open_page, settle

import scoring
from scoring.engine.scorer import Scorer
from scoring.formatting import format_rate
from scoring.measures.bins import grade_shares
from scoring.measures.metrics import preview
from scoring.model.edit import with_grades

MODEL = scoring.load_model(ROOT / "configs" / "default.yaml")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample's first 800 leads and their activities, as Parquet."""
    folder = tmp_path_factory.mktemp("data")
    leads = scoring.read_table(ROOT / "sample_data" / "leads.csv").head(800)
    activities = scoring.read_table(ROOT / "sample_data" / "activities.csv")
    activities = activities[activities["lead_id"].isin(set(leads["lead_id"]))]
    paths = folder / "leads.parquet", folder / "activities.parquet"
    leads.to_parquet(paths[0])
    activities.to_parquet(paths[1])
    return paths


@pytest.fixture()
def browser_options(browser_options: dict) -> dict:
    return {**browser_options, "timeout_ms": 90_000}


def _a1_count(page) -> int:
    text = page.get_by_text(re.compile(r"^A1: [\d,]+ leads")).inner_text()
    return int(re.match(r"A1: ([\d,]+) leads", text).group(1).replace(",", ""))


def test_open_by_path_then_a_threshold_step_moves_the_matrix(app_url: str, page, files) -> None:
    scorer = Scorer(scoring.read_table(files[0]), scoring.read_table(files[1]))
    grades = MODEL.profile.grades.as_dict()
    stepped = with_grades(MODEL, "profile", {**grades, "A": grades["A"] + 1})
    before, after = preview(MODEL, scorer), preview(stepped, scorer)
    assert before.matrix.loc["A1", "leads"] != after.matrix.loc["A1", "leads"]  # the step matters here

    page.goto(app_url)
    page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for()
    settle(page)
    keyed(page, "w:data:source").get_by_text("Files on this machine (large data)").click()
    keyed(page, "path_leads").wait_for()  # the form appears with the choice
    settle(page)
    keyed(page, "path_leads").locator("input").fill(str(files[0]))
    keyed(page, "path_activities").locator("input").fill(str(files[1]))
    form_holding(page, "path_leads").get_by_role("button", name="Open these files").click()
    leads = page.locator("[data-testid='stMain'] [data-testid='stMetric']").filter(
        has=page.get_by_text("Leads", exact=True)).first
    expect_text(leads.locator("[data-testid='stMetricValue']"), "800")
    settle(page)

    open_page(page, "4 · Matrix")
    assert _a1_count(page) == before.matrix.loc["A1", "leads"]

    open_page(page, "2 · Profile")
    a_from = keyed(page, "w:grade:A")  # ui/widgets.py: state.widget_key(key_prefix, name), "A from"
    a_from.get_by_test_id("stNumberInputStepUp").click()
    share = grade_shares(after.scored["profile_score"].to_numpy(), stepped.profile.grades.as_dict(), "ABCD")["A"]
    page.locator("text.legendtext", has_text=f"A ≥ {grades['A'] + 1:g}: {format_rate(share)} of leads").wait_for()
    settle(page)

    open_page(page, "4 · Matrix")
    assert _a1_count(page) == after.matrix.loc["A1", "leads"]
