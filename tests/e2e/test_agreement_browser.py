"""The agreement in a real browser (Debian's Chromium driven by Playwright).

1. The sheet that ``leadgrid export --to sheet`` writes renders in Chromium with nothing
   fetched, fits the width of an A4 page on screen and in print, and prints to a PDF.
2. A user edits the model's name, version and owners, saves the version, both owners
   sign, downloads the sheet, and after a restart of the server a new session reopens
   the version.

Screenshots and the PDF are saved under test-artifacts/ at the repository root.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import scoring

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
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not IN_CI,
                                reason="needs Debian's chromium (make test installs it)")


@pytest.fixture()
def browser(tmp_path: Path):
    with playwright.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000}, accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


def _check_prints(page, name: str) -> bytes:
    """The loaded sheet fits an A4 width on screen and in print; its PDF is saved."""
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"the sheet is {width}px wide in {media}, wider than an A4 page ({inner}px)"
        overflowing = page.evaluate("""() => [...document.querySelectorAll('table, svg, h1, p')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).length""")
        assert overflowing == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    pdf = page.pdf(path=str(ARTIFACTS / f"{name}.pdf"), format="A4", print_background=True,
                   margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})  # the sheet's @page sets them
    assert pdf.startswith(b"%PDF-")
    return pdf


def test_cli_sheet_renders_offline_fits_a4_and_prints(browser, tmp_path: Path) -> None:
    out = tmp_path / "model.html"
    subprocess.run([sys.executable, "-m", "scoring", "export", "--model", "configs/default.yaml", "--to", "sheet",
                    "--leads", "sample_data/leads.csv", "--activities", "sample_data/activities.csv",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    page = browser.new_page()
    fetched: list[str] = []

    def only_the_sheet(route) -> None:  # the sheet itself loads; anything else it asks for is refused
        if route.request.url == out.as_uri():
            route.continue_()
        else:
            fetched.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_sheet)
    page.goto(out.as_uri())
    page.wait_for_load_state("networkidle")
    assert fetched == []
    page.get_by_role("heading", name="B2B SaaS inbound (default)").wait_for()
    assert page.get_by_role("img", name="Decay curve").is_visible()
    assert page.get_by_text("On the historical leads").is_visible()
    pdf = _check_prints(page, "sheet-default")
    assert _pdf_pages(pdf) == 1, f"the default model's sheet with its preview prints to {_pdf_pages(pdf)} A4 pages"


# ----- the journey ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``streamlit run app.py`` on a free port with its own LEADGRID_HOME; restartable."""

    def __init__(self, home: Path, log: Path):
        self.home, self.log_path = home, log
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> str:
        port = _free_port()
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=dict(os.environ, LEADGRID_HOME=str(self.home)), stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1)
                return self.url
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"streamlit did not start; see {self.log_path}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
            self.log.close()


@pytest.fixture()
def server(tmp_path: Path):
    running = Server(tmp_path / "leadgrid-home", tmp_path / "streamlit.log")
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _settle(page) -> None:
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")
    page.wait_for_timeout(300)


def _open_agreement(page) -> None:
    page.get_by_role("link", name="9 · Agreement").click()
    page.get_by_role("heading", name=re.compile("^9 · Agreement")).wait_for()
    _settle(page)


def _click_until(page, button, expected, tries: int = 3) -> None:
    """Click ``button`` until ``expected`` shows: a click that lands while Streamlit is still
    redrawing the page after the previous one can be lost."""
    for _ in range(tries):
        _settle(page)
        if button.count() == 0 and expected.count() > 0:
            break
        button.click()
        try:
            expected.wait_for(timeout=15_000)
            break
        except playwright.TimeoutError:
            continue
    expected.wait_for()
    _settle(page)


def _main(page):
    return page.locator("[data-testid='stMain']")


def test_edit_save_sign_download_and_reopen_after_restart(server, browser, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(server.url)
    page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for()
    _settle(page)
    _open_agreement(page)

    main = _main(page)
    for label, value in (("Model name", "EU inbound"), ("Version", "2027.1"), ("Marketing owner", "Dana"),
                         ("Sales owner", "Lee")):
        field = main.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Tab")
    _click_until(page, main.get_by_role("button", name="Apply"),
                 main.get_by_role("button", name="Save version 2027.1"))
    _click_until(page, main.get_by_role("button", name="Save version 2027.1"),
                 main.get_by_text(re.compile(r"This is version 2027\.1 of EU inbound, saved and agreed on")))

    _click_until(page, main.get_by_role("button", name="Sign as Dana (marketing)"),
                 main.get_by_text(re.compile(r"Dana \(marketing\)\s*signed on")))
    _click_until(page, main.get_by_role("button", name="Sign as Lee (sales)"),
                 main.get_by_text(re.compile(r"Lee \(sales\)\s*signed on")))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "9-agreement.png"), full_page=True)

    saved = scoring.load_model(server.home / "models" / "EU-inbound" / "2027.1.yaml")
    assert (saved.name, saved.version, saved.owners) == ("EU inbound", "2027.1", {"marketing": "Dana", "sales": "Lee"})
    assert [(s.name, s.role) for s in saved.sign_off] == [("Dana", "marketing"), ("Lee", "sales")]

    with page.expect_download() as download_info:
        main.get_by_role("button", name="Sheet (HTML, printable)").click()
    sheet = tmp_path / "sheet.html"
    download_info.value.save_as(sheet)
    assert download_info.value.suggested_filename == "eu-inbound-2027-1.html"
    html = sheet.read_text(encoding="utf-8")
    assert "<h1>EU inbound</h1>" in html and "On the historical leads" in html
    for person in ("Dana", "Lee"):
        assert re.search(rf"<td>{person}</td><td>signed \d{{4}}-\d\d-\d\d \d\d:\d\d UTC</td>", html), person
    sheet_page = browser.new_page()
    sheet_page.goto(sheet.as_uri())
    _check_prints(sheet_page, "sheet-signed")

    server.stop()  # a restart: a new server process, and a new browser session without the draft link
    server.start()
    page.goto(server.url)
    page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for()
    _settle(page)
    _open_agreement(page)
    main = _main(page)
    assert main.get_by_label("Model name", exact=True).input_value() == "B2B SaaS inbound (default)"
    main.get_by_text(re.compile(r"EU inbound · version 2027\.1 · agreed on \d{4}-\d\d-\d\d\s+signed by Dana "
                                r"\(marketing\), Lee \(sales\)")).wait_for()
    _click_until(page, main.get_by_role("button", name="Open", exact=True),  # the one saved version
                 main.get_by_text(re.compile(r"This is version 2027\.1 of EU inbound")))
    assert main.get_by_label("Model name", exact=True).input_value() == "EU inbound"
    assert main.get_by_label("Version", exact=True).input_value() == "2027.1"
    main.get_by_text(re.compile(r"This is version 2027\.1 of EU inbound")).wait_for()
    main.get_by_text(re.compile(r"Dana \(marketing\)\s*signed on")).wait_for()
    shutil.copy(sheet, ARTIFACTS / "sheet-signed.html")
