"""One workshop journey in a real browser: Debian's Chromium driven by Playwright against
``streamlit run app.py`` on a free localhost port.

Load the sample data, move a weight, watch the matrix change, undo and redo it, download
the YAML and check it carries the new weight. A screenshot of each page is saved under
test-artifacts/ at the repository root.
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

# Outside CI a machine without Chromium or Playwright skips this test; in CI (where
# `make test` installs both) a missing browser is a failure, not a skip.
IN_CI = bool(os.environ.get("CI"))
playwright = pytest.importorskip("playwright.sync_api") if not IN_CI else __import__(
    "playwright.sync_api", fromlist=["sync_playwright"])

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not IN_CI,
                                reason="needs Debian's chromium (make test installs it)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, LEADGRID_HOME=str(tmp_path_factory.mktemp("leadgrid-home")))
    log = (tmp_path_factory.mktemp("logs") / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
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
            viewport={"width": 1600, "height": 1000}, accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()


def _open(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=re.compile("^" + re.escape(title))).wait_for()
    _settle(page)


def _settle(page) -> None:
    """Wait until Streamlit has finished the current run (no 'Running…' status widget)."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")
    page.wait_for_timeout(300)


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid='stMain'] [data-testid='stMetric']").filter(
        has=page.get_by_text(label, exact=True)).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def _industry_weight(page) -> str:
    return page.get_by_role("slider", name="Industry").input_value()


def test_workshop_journey(app_url: str, page, tmp_path: Path) -> None:
    page.goto(app_url)
    page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for()
    _settle(page)
    assert page.get_by_text("6,000").first.is_visible()  # the sample data is loaded
    _shoot(page, "1-data")

    _open(page, "4 · Matrix")
    before = _metric(page, "Leads to sales")
    _shoot(page, "4-matrix-before")

    _open(page, "2 · Profile")
    assert _industry_weight(page) == "25"
    slider = page.get_by_role("slider", name="Industry")
    slider.focus()
    for _ in range(15):
        slider.press("ArrowRight")
    _settle(page)
    page.get_by_text("weights must sum to 100; got 115").wait_for()  # refused until the total is 100
    page.get_by_role("button", name="Rescale the others to 100 %").click()
    page.get_by_text("Weights total 100 %").wait_for()
    _settle(page)
    assert _industry_weight(page) == "40"
    _shoot(page, "2-profile")

    _open(page, "4 · Matrix")
    after = _metric(page, "Leads to sales")
    assert after != before, "moving the industry weight should change who goes to sales"
    _shoot(page, "4-matrix")

    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("button", name="Undo").click()
    _settle(page)
    assert _metric(page, "Leads to sales") == before
    sidebar.get_by_role("button", name="Redo").click()
    _settle(page)
    assert _metric(page, "Leads to sales") == after

    cell_c1 = page.locator(".js-plotly-plot .scatterlayer .point").nth(8)  # A1..A4, B1..B4, C1
    cell_c1.click(force=True)
    page.get_by_text(re.compile(r"^C1: [\d,]+ leads")).wait_for()  # clicking a cell lists its leads
    _settle(page)
    page.get_by_text(re.compile(r"^Why lead `?\w+`? is C1")).wait_for()

    page.reload()  # a refresh reopens the draft named in the address bar
    page.get_by_role("heading", name=re.compile("^4 · Matrix")).wait_for()
    _settle(page)
    assert _metric(page, "Leads to sales") == after

    _open(page, "3 · Engagement")
    _shoot(page, "3-engagement")

    _open(page, "5 · Export")
    page.locator("[data-testid='stMain']").get_by_text("Industry weight 25 → 40", exact=True).wait_for()
    _shoot(page, "5-export")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Model (YAML)").click()
    saved = tmp_path / "model.yaml"
    download_info.value.save_as(saved)
    model = scoring.load_model(saved)
    weights = {category.id: category.weight for category in model.profile.categories}
    assert weights["industry"] == 40
    assert sum(weights.values()) == pytest.approx(100)
