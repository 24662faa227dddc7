"""Click to last screen update in a real browser, at a million leads and at a small peer.

    python tests/e2e/bench_browser.py [--leads 1000000] [--small 6000] [--repeat 5] [--data DIR]

For each size, synthetic leads and activities (``scoring.tools.synth``, about ten activities a
lead) are written as Parquet to a temporary directory (or read from ``--data DIR/<size>/``
when there), the app is started on them by path (``LEADGRID_LEADS`` and
``LEADGRID_ACTIVITIES``, as ``leadgrid app --leads ... --activities ...`` does) and Debian's
Chromium, driven by Playwright with a fresh profile, times three controls: a step of the
"A from" input (Profile), a weight change (Profile: Industry one step right, refused as the
total is 101 %, then "Rescale the others to 100 %"; timed from that click), and a half-life
step (Engagement: the slider one step by keyboard). Each is timed from the input event (the
click, the key press) to the last change of the page's DOM (main area and sidebar) once the
run has finished and the page stayed still for 1.5 s, measured in the page's own clock. One
warm-up step per control is not counted; medians of ``--repeat`` steps, alternating up and
down so the model stays the same. The server and the browser are the browser tests' own
(tests/e2e/browser.py); the server watches no files (a source file changed by someone else
would show Streamlit's "Rerun?" prompt).

Before the controls it visits every page from the sidebar, in the sidebar's order, as a user
does (``--only pages`` or ``--only controls`` runs one part): the first visit of each page
(the Data page's is the app opening), then ``--repeat`` later rounds, each visit timed from
the click on the page's link to the last change of the page, as above. The server's peak
resident memory (``VmHWM`` of its process) is read after each first visit and at the end.

This is a benchmark, not a test: it asserts nothing about time. It needs about 3 GB of RAM
at a million leads; the temporary data is deleted at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from browser import ROOT, StreamlitServer, chromium
from playwright.sync_api import Page

QUIET_MS = 1500
LOAD_TIMEOUT_MS = 15 * 60_000
STEP_TIMEOUT_MS = int(os.environ.get("BENCH_STEP_TIMEOUT_MS", 120_000))
CONTROLS = ("A from step", "weight change", "half-life step")
PAGES = ("1 · Data", "2 · Profile", "3 · Engagement", "4 · Matrix", "5 · Export", "6 · Calibrate", "7 · Compare",
         "8 · Drift", "After hand-over", "9 · Agreement")  # the sidebar's links, in its order
VIEWPORT = {"width": 1440, "height": 900}

# Records, in the page's clock, the last input event and the last DOM change of the app
# (the header's "Running…" widget excluded) and counts the server's websocket messages.
PROBE = """
(() => {
  const probe = window.__probe = {input: 0, change: 0, messages: 0, lastMessage: 0};
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { probe.messages++; probe.lastMessage = performance.now(); });
    }
  };
  for (const kind of ['pointerdown', 'keydown']) {
    window.addEventListener(kind, () => { probe.input = performance.now(); }, true);
  }
  const watch = () => new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (node && !node.closest('[data-testid="stHeader"], [data-testid="stStatusWidget"]')) {
        probe.change = performance.now();
        return;
      }
    }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();
"""


def generate(count: int, folder: Path, seed: int = 7) -> tuple[Path, Path]:
    paths = folder / "leads.parquet", folder / "activities.parquet"
    if not all(path.exists() for path in paths):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "scoring.tools.synth", "--leads", str(count), "--seed", str(seed),
                        "--out", str(folder), "--format", "parquet"], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    return paths


def server(paths: tuple[Path, Path], home: Path) -> StreamlitServer:
    """The app on the files, by path as ``leadgrid app --leads ... --activities ...`` opens them."""
    files = {"LEADGRID_LEADS": str(paths[0].resolve()), "LEADGRID_ACTIVITIES": str(paths[1].resolve())}
    return StreamlitServer(home, home / "streamlit.log", env=files, start_timeout=120, stop_timeout=30)


def _probe(page: Page) -> dict:
    return page.evaluate("() => ({...window.__probe, now: performance.now()})")


def _finished(page: Page) -> bool:
    """The app's own record of its script run (the attribute Streamlit keeps for its tests): a
    page that computes for seconds without sending anything is still running."""
    return page.locator("[data-testid='stApp']").get_attribute("data-test-script-state") == "notRunning"


def settle(page: Page, messages_before: int | None = None, timeout_ms: int = STEP_TIMEOUT_MS) -> dict:
    """Wait until the server has answered (more websocket messages than ``messages_before``),
    Streamlit is not running and the page has not changed for QUIET_MS."""
    deadline = time.monotonic() + timeout_ms / 1000
    status = page.locator("[data-testid='stStatusWidget']")
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        state = _probe(page)
        answered = messages_before is None or state["messages"] > messages_before
        quiet = state["now"] - max(state["change"], state["lastMessage"]) >= QUIET_MS
        if answered and quiet and not status.is_visible() and _finished(page):
            return state
    raise TimeoutError(f"the app did not settle: {_probe(page)}, running: {status.is_visible()}, "
                       f"messages before: {messages_before}")


def timed(page: Page, action: Callable[[], None], done: Callable[[], None] | None = None) -> float:
    """Seconds from the input event ``action`` causes to the last DOM change it brings."""
    before = _probe(page)["messages"]
    action()
    if done is not None:
        done()
    state = settle(page, before)
    if state["input"] <= 0 or state["change"] < state["input"]:
        raise RuntimeError("no screen update after the input")
    return (state["change"] - state["input"]) / 1000


def open_page(page: Page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=re.compile("^" + re.escape(title))).wait_for()
    settle(page, timeout_ms=LOAD_TIMEOUT_MS)


def visit(page: Page, title: str) -> float:
    """Seconds from the click on the sidebar link ``title`` to the last change of the page."""
    heading = page.get_by_role("heading", name=re.compile("^" + re.escape(title)))
    return timed(page, page.get_by_role("link", name=title).click, lambda: heading.wait_for(timeout=LOAD_TIMEOUT_MS))


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def page_visits(page: Page, repeat: int, pid: int, opened: float) -> dict[str, object]:
    """Every page's first visit, then ``repeat`` rounds of later visits; the server's peak
    memory after each first visit. The Data page's first visit is the app's opening."""
    first, later = {PAGES[0]: opened}, {title: [] for title in PAGES}
    peaks = {PAGES[0]: peak_memory_mb(pid)}
    for title in PAGES[1:]:
        first[title] = visit(page, title)
        peaks[title] = peak_memory_mb(pid)
        print(f"  {title}: first visit {first[title]:.1f} s, peak {peaks[title]:,.0f} MB", file=sys.stderr)
    for _round in range(repeat):
        for title in PAGES:
            later[title].append(visit(page, title))
    return {"first": first, "later": later, "peaks": peaks}


def _number_input(page: Page, label: str):
    return page.locator("[data-testid='stNumberInput']").filter(has=page.get_by_text(label, exact=True))


def a_from_steps(page: Page, repeat: int) -> list[float]:
    steps = _number_input(page, "A from")
    times = []
    for step in range(repeat + 1):
        up = step % 2 == 0
        value = float(steps.locator("input").input_value())
        wanted = f"A ≥ {value + (1 if up else -1):g}"
        button = steps.get_by_test_id("stNumberInputStepUp" if up else "stNumberInputStepDown")
        times.append(timed(page, button.click,
                           lambda w=wanted: page.locator("text.legendtext", has_text=w).first.wait_for()))
    return times[1:]


def weight_changes(page: Page, repeat: int) -> list[float]:
    slider = page.get_by_role("slider", name="Industry")
    rescale = page.get_by_role("button", name="Rescale the others to 100 %")
    times = []
    for step in range(repeat + 1):
        slider.focus()
        before = _probe(page)["messages"]
        slider.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
        settle(page, before)
        rescale.wait_for()
        times.append(timed(page, rescale.click, lambda: page.get_by_text("Weights total 100 %").wait_for()))
    return times[1:]


def half_life_steps(page: Page, repeat: int) -> list[float]:
    slider = page.get_by_role("slider", name="Half-life (days)")
    times = []
    for step in range(repeat + 1):
        value = float(slider.input_value())
        slider.focus()
        wanted = value + (0.5 if step % 2 == 0 else -0.5)
        times.append(timed(page, lambda s=step: slider.press("ArrowRight" if s % 2 == 0 else "ArrowLeft")))
        if float(slider.input_value()) != wanted:
            raise RuntimeError(f"half-life is {slider.input_value()}, wanted {wanted}")
    return times[1:]


def measure(paths: tuple[Path, Path], repeat: int, home: Path, only: str | None = None) -> dict[str, object]:
    with server(paths, home) as app, chromium(home / "chromium-profile", timeout_ms=STEP_TIMEOUT_MS,
                                              viewport=VIEWPORT) as context:
        page = context.new_page()
        page.add_init_script(PROBE)
        started = time.monotonic()
        page.goto(app.url)
        page.get_by_role("heading", name=re.compile("^1 · Data")).wait_for(timeout=LOAD_TIMEOUT_MS)
        settle(page, timeout_ms=LOAD_TIMEOUT_MS)
        opened = time.monotonic() - started
        print(f"  opened in {opened:.1f} s (read, prepare, first page)", file=sys.stderr)
        figures: dict[str, object] = {"opened": opened}
        if only != "controls":
            figures["pages"] = page_visits(page, repeat, app.process.pid, opened)
        if only != "pages":
            open_page(page, "2 · Profile")
            figures["A from step"] = a_from_steps(page, repeat)
            figures["weight change"] = weight_changes(page, repeat)
            open_page(page, "3 · Engagement")
            figures["half-life step"] = half_life_steps(page, repeat)
        figures["peak_mb"] = peak_memory_mb(app.process.pid)
        return figures


def pages_table(results: dict[int, dict[str, object]]) -> str:
    """Per page and size: the first visit and the median (min-max) of the later visits, in s."""
    sizes = [size for size in sorted(results) if "pages" in results[size]]
    lines = ["click on the page's link to last screen update, in s: first visit | later visits median (min-max)",
             f"{'page':<16}" + "".join(f"{f'{size:,} leads':>34}" for size in sizes)]
    for title in PAGES:
        cells = []
        for size in sizes:
            visits = results[size]["pages"]
            later = visits["later"][title]
            spread = f"{statistics.median(later):.2f} ({min(later):.2f}-{max(later):.2f})" if later else "-"
            cells.append(f"{visits['first'][title]:6.2f} | {spread}")
        lines.append(f"{title:<16}" + "".join(f"{cell:>34}" for cell in cells))
    peaks = [f"{results[size]['peak_mb']:,.0f} MB" for size in sizes]
    lines.append(f"{'server peak RSS':<16}" + "".join(f"{peak:>34}" for peak in peaks))
    return "\n".join(lines)


def table(results: dict[int, dict[str, object]]) -> str:
    sizes = [size for size in sorted(results) if CONTROLS[0] in results[size]]
    lines = ["click to last screen update, median (min-max) in ms",
             f"{'control':<16}" + "".join(f"{f'{size:,} leads':>24}" for size in sizes)]
    for control in CONTROLS:
        cells = []
        for size in sizes:
            times = [1000 * t for t in results[size][control]]
            cells.append(f"{statistics.median(times):,.0f} ({min(times):,.0f}-{max(times):,.0f})")
        lines.append(f"{control:<16}" + "".join(f"{cell:>24}" for cell in cells))
    return "\n".join(lines)


def report(results: dict[int, dict[str, object]]) -> str:
    parts = [f"opening the {size:,} files (read, prepare, first page): {results[size]['opened']:.1f} s"
             for size in sorted(results)]
    if any("pages" in figures for figures in results.values()):
        parts.append(pages_table(results))
    if any(CONTROLS[0] in figures for figures in results.values()):
        parts.append(table(results))
    load = os.getloadavg()
    parts.append(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=1_000_000, help="the large size (default 1,000,000)")
    parser.add_argument("--small", type=int, default=6_000, help="the small peer (default 6,000; 0: none)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed steps per control and later visits per page (default 5)")
    parser.add_argument("--data", type=Path, help="keep the generated data here (reused when present)")
    parser.add_argument("--only", choices=("pages", "controls"), help="only the page visits or only the controls")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="leadgrid-browser-bench-"))
    results = {}
    try:
        for size in [s for s in (args.small, args.leads) if s]:
            print(f"{size:,} leads: generating, starting the app, timing", file=sys.stderr)
            paths = generate(size, (args.data or work) / str(size))
            home = work / f"home-{size}"
            home.mkdir()
            results[size] = measure(paths, args.repeat, home, args.only)
            print(report({size: results[size]}), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
