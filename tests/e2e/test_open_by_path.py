"""Large data opens by path, in a real browser (Debian's Chromium driven by Playwright): open
small Parquet files by their path on the Data page, step the "A from" threshold on the
Profile page, and check the matrix follows: the A1 cell's count and the histogram's
A share are the engine's. Correctness only; the timings are tests/e2e/bench_browser.py's.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import scoring
from scoring.bins import grade_shares
from scoring.edit import with_grades
from scoring.engine import Scorer
from scoring.formatting import format_rate
from scoring.metrics import preview

IN_CI = bool(os.environ.get("CI"))
playwright = pytest.importorskip("playwright.sync_api") if not IN_CI else __import__(
    "playwright.sync_api", fromlist=["sync_playwright"])

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 90_000
MODEL = scoring.load_model(ROOT / "configs" / "default.yaml")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not IN_CI,
                                reason="needs Debian's chromium (make test installs it)")


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, LEADGRID_HOME=str(tmp_path_factory.mktemp("leadgrid-home")))
    env.pop("LEADGRID_LEADS", None)
    log = (tmp_path_factory.mktemp("logs") / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],  # an edit elsewhere in the tree must not prompt "Rerun?"
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"streamlit did not start; see {log.name}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture()
def page(tmp_path: Path):
    with playwright.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1600, "height": 1000})
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()


def _settle(page) -> None:
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")
    page.wait_for_timeout(300)


def _open(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=re.compile("^" + re.escape(title))).wait_for()
    _settle(page)


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
    _settle(page)
    page.get_by_text("Files on this machine (large data)").click()
    _settle(page)
    page.get_by_label(re.compile("^Leads file")).fill(str(files[0]))
    page.get_by_label(re.compile("^Activities file")).fill(str(files[1]))
    page.get_by_role("button", name="Open these files").click()
    _settle(page)
    leads = page.locator("[data-testid='stMain'] [data-testid='stMetric']").filter(
        has=page.get_by_text("Leads", exact=True)).first
    assert leads.locator("[data-testid='stMetricValue']").inner_text() == "800"

    _open(page, "4 · Matrix")
    assert _a1_count(page) == before.matrix.loc["A1", "leads"]

    _open(page, "2 · Profile")
    a_from = page.locator("[data-testid='stNumberInput']").filter(has=page.get_by_text("A from", exact=True))
    a_from.get_by_test_id("stNumberInputStepUp").click()
    share = grade_shares(after.scored["profile_score"].to_numpy(), stepped.profile.grades.as_dict(), "ABCD")["A"]
    page.locator("text.legendtext", has_text=f"A ≥ {grades['A'] + 1:g}: {format_rate(share)} of leads").wait_for()
    _settle(page)

    _open(page, "4 · Matrix")
    assert _a1_count(page) == after.matrix.loc["A1", "leads"]
