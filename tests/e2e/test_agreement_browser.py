"""The agreement in a real browser (Debian's Chromium driven by Playwright).

1. The sheet that ``leadgrid export --to sheet`` writes renders in Chromium with nothing
   fetched, fits the width of an A4 page on screen and in print, and prints to a PDF.
2. A user edits the model's name, version and owners, saves the version, both owners
   sign, downloads the sheet, and after a restart of the server a new session reopens
   the version.

Screenshots and the PDF are saved under test-artifacts/ at the repository root.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import ARTIFACTS, ROOT, VIEWPORT, form_holding, keyed, open_page, settle

import scoring

A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


@pytest.fixture()
def browser_options(browser_options: dict) -> dict:
    return {**browser_options, "viewport": {**VIEWPORT, "width": 1400}}


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


def test_cli_sheet_renders_offline_fits_a4_and_prints(browser_context, tmp_path: Path) -> None:
    out = tmp_path / "model.html"
    subprocess.run([sys.executable, "-m", "scoring", "export", "--model", "configs/default.yaml", "--to", "sheet",
                    "--leads", "sample_data/leads.csv", "--activities", "sample_data/activities.csv",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    page = browser_context.new_page()
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

def _open_agreement(page) -> None:
    open_page(page, "9 · Agreement")


def _field(page, name: str):
    """A text input of the agreement form, by its key (ui/pages/agreement.py)."""
    return keyed(page, f"w:agreement:{name}").locator("input")


def _click_until(page, button, expected, tries: int = 3) -> None:
    """Click ``button`` until ``expected`` shows: a click that lands while Streamlit is still
    redrawing the page after the previous one can be lost."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries):
        settle(page)
        if button.count() == 0 and expected.count() > 0:
            break
        button.click()
        try:
            expected.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    expected.wait_for()
    settle(page)


def _main(page):
    return page.locator("[data-testid='stMain']")


def test_edit_save_sign_download_and_reopen_after_restart(server, browser_context, tmp_path: Path) -> None:
    page = browser_context.new_page()
    page.goto(server.url)
    page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for()
    settle(page)
    _open_agreement(page)

    main = _main(page)
    for name, value in (("name", "EU inbound"), ("version", "2027.1"), ("marketing", "Dana"), ("sales", "Lee")):
        field = _field(main, name)
        field.fill(value)
        field.press("Tab")
    save = keyed(main, "save_version").get_by_role("button", name="Save version 2027.1")
    _click_until(page, form_holding(main, "w:agreement:name").get_by_role("button", name="Apply"), save)
    _click_until(page, save,
                 main.get_by_text(re.compile(r"This is version 2027\.1 of EU inbound, saved and agreed on")))

    _click_until(page, keyed(main, "sign_0").get_by_role("button", name="Sign as Dana (marketing)"),
                 main.get_by_text(re.compile(r"Dana \(marketing\)\s*signed on")))
    _click_until(page, keyed(main, "sign_1").get_by_role("button", name="Sign as Lee (sales)"),
                 main.get_by_text(re.compile(r"Lee \(sales\)\s*signed on")))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "9-agreement.png"), full_page=True)

    saved = scoring.load_model(server.home / "models" / "EU-inbound" / "2027.1.yaml")
    assert (saved.name, saved.version, saved.owners) == ("EU inbound", "2027.1", {"marketing": "Dana", "sales": "Lee"})
    assert [(s.name, s.role) for s in saved.sign_off] == [("Dana", "marketing"), ("Lee", "sales")]

    with page.expect_download() as download_info:
        keyed(main, "download_sheet").get_by_role("button", name="Sheet (HTML, printable)").click()
    sheet = tmp_path / "sheet.html"
    download_info.value.save_as(sheet)
    assert download_info.value.suggested_filename == "eu-inbound-2027-1.html"
    html = sheet.read_text(encoding="utf-8")
    assert "<h1>EU inbound</h1>" in html and "On the historical leads" in html
    for person in ("Dana", "Lee"):
        assert re.search(rf"<td>{person}</td><td>signed \d{{4}}-\d\d-\d\d \d\d:\d\d UTC</td>", html), person
    sheet_page = browser_context.new_page()
    sheet_page.goto(sheet.as_uri())
    _check_prints(sheet_page, "sheet-signed")

    server.stop()  # a restart: a new server process, and a new browser session without the draft link
    server.start()
    page.goto(server.url)
    page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for()
    settle(page)
    _open_agreement(page)
    main = _main(page)
    assert _field(main, "name").input_value() == "B2B SaaS inbound (default)"
    main.get_by_text(re.compile(r"EU inbound · version 2027\.1 · agreed on \d{4}-\d\d-\d\d\s+signed by Dana "
                                r"\(marketing\), Lee \(sales\)")).wait_for()
    _click_until(page, keyed(main, "open_version_EU-inbound_2027.1").get_by_role("button", name="Open", exact=True),
                 main.get_by_text(re.compile(r"This is version 2027\.1 of EU inbound")))
    assert _field(main, "name").input_value() == "EU inbound"
    assert _field(main, "version").input_value() == "2027.1"
    main.get_by_text(re.compile(r"This is version 2027\.1 of EU inbound")).wait_for()
    main.get_by_text(re.compile(r"Dana \(marketing\)\s*signed on")).wait_for()
    shutil.copy(sheet, ARTIFACTS / "sheet-signed.html")
