"""The browser tests' shared machinery (a helper module, not a test module): ``streamlit run
app.py`` on a free localhost port with its own LEADGRID_HOME, and Debian's Chromium driven by
Playwright with a fresh profile. tests/e2e/conftest.py makes fixtures of it and
tests/e2e/bench_browser.py uses it directly.

The server watches no files (``--server.fileWatcherType none``): a source file edited
elsewhere in the tree while a test runs would otherwise stop the app at Streamlit's "Rerun?"
prompt.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1600, "height": 1000}
# Outside CI a machine without Chromium or Playwright skips the browser tests; in CI (where
# `make test` installs both) a missing browser is a failure, not a skip.
IN_CI = bool(os.environ.get("CI"))
# Data the calling shell may have set for `leadgrid app`; the tests start on the sample.
APP_DATA_ENV = ("LEADGRID_LEADS", "LEADGRID_ACTIVITIES")


def require_chromium() -> None:
    """Skip (outside CI) or fail (in CI) with the reason when Playwright or Chromium is missing."""
    import pytest

    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "needs Playwright (pip install playwright; make test installs it)"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium; make test installs it)"
    if missing is None:
        return
    if IN_CI:
        pytest.fail(f"{missing}; in CI a missing browser is a failure", pytrace=False)
    pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` on a free port with its own LEADGRID_HOME (``home``), logging to
    ``log``; restartable (``stop`` then ``start`` keeps the home). ``env`` is added to the
    process environment, e.g. ``LEADGRID_LEADS`` to open a file by path as ``leadgrid app``
    does. As a context manager it is started on entry and stopped on exit, also on failure."""

    def __init__(self, home: Path, log: Path, env: Mapping[str, str] | None = None,
                 start_timeout: float = 60, stop_timeout: float = 20):
        self.home, self.log_path, self.extra_env = Path(home), Path(log), dict(env or {})
        self.start_timeout, self.stop_timeout = start_timeout, stop_timeout
        self.process: subprocess.Popen | None = None
        self.url = ""

    def command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]

    def environment(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if name not in APP_DATA_ENV}
        return {**env, "LEADGRID_HOME": str(self.home), **self.extra_env}

    def start(self) -> str:
        """Start the server and wait until it answers its health check; its URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.log = self.log_path.open("a")
        self.process = subprocess.Popen(self.command(port), cwd=ROOT, env=self.environment(),
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + self.start_timeout
            while True:
                try:
                    urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1)
                    return self.url
                except OSError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise RuntimeError(f"streamlit did not start; see {self.log_path}") from None
                    time.sleep(0.3)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.process.terminate()
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        finally:
            self.process = None
            self.log.close()

    def __enter__(self) -> StreamlitServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


@contextmanager
def chromium(profile: Path, *, timeout_ms: int = TIMEOUT_MS, viewport: Mapping[str, int] | None = None,
             **options) -> Iterator[BrowserContext]:
    """Debian's Chromium, headless, with a fresh profile in ``profile``; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport=dict(viewport or VIEWPORT), **options)
        context.set_default_timeout(timeout_ms)
        try:
            yield context
        finally:
            context.close()


RUN_FINISHED = "[data-testid='stApp'][data-test-script-state='notRunning']"


def settle(page: Page) -> None:
    """Wait until Streamlit has no run going: the app's script state is ``notRunning`` and its
    'Running…' status widget is gone. A run an action has not started yet cannot be waited
    for, so call it after waiting for something the action shows (its heading, a text, a
    value), never instead of that."""
    page.locator(RUN_FINISHED).wait_for(state="attached")
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")


def keyed(scope: Page | Locator, key: str) -> Locator:
    """The element of the widget (or form, or chart) with the Streamlit key ``key``: Streamlit
    gives it the class ``st-key-<key>``, every character outside ``[a-zA-Z0-9_-]`` made a
    ``-`` (``w:weight:industry`` -> ``st-key-w-weight-industry``)."""
    return scope.locator(_key_class(key))


def _key_class(key: str) -> str:
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def form_holding(scope: Page | Locator, key: str) -> Locator:
    """The ``st.form`` that holds the widget keyed ``key`` (a form's own key gives it no class)."""
    page = scope if hasattr(scope, "goto") else scope.page
    return scope.get_by_test_id("stForm").filter(has=page.locator(_key_class(key)))


def expect_text(locator: Locator, text: str | re.Pattern[str], timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until ``locator`` shows ``text`` (the state an action leads to), failing with what it shows."""
    from playwright.sync_api import expect

    expect(locator).to_have_text(text, timeout=timeout_ms)


def open_page(page: Page, title: str) -> None:
    """Follow the sidebar link ``title`` and wait for its heading and the run to finish."""
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=re.compile("^" + re.escape(title))).wait_for()
    settle(page)


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot, test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
