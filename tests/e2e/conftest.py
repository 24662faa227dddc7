"""Fixtures of the browser tests, from tests/e2e/browser.py.

- every test here needs Playwright and Debian's Chromium: without them it is skipped with the
  reason (in CI, where `make test` installs both, it fails instead);
- ``app_url``: one Streamlit server per test module, on the sample data, with its own
  LEADGRID_HOME; ``server``: one per test, restartable, its home at ``server.home``;
- ``browser_context``: Chromium with a fresh profile per test, set up by ``browser_options``
  (a module overrides that fixture for another window size or timeout); ``page``: a tab in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import TIMEOUT_MS, VIEWPORT, StreamlitServer, chromium, require_chromium


@pytest.fixture(scope="session", autouse=True)
def _browser_installed() -> None:
    require_chromium()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("leadgrid-home")
    with StreamlitServer(home, tmp_path_factory.mktemp("logs") / "streamlit.log") as running:
        yield running.url


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[StreamlitServer]:
    with StreamlitServer(tmp_path / "leadgrid-home", tmp_path / "streamlit.log") as running:
        yield running


@pytest.fixture()
def browser_options() -> dict:
    return {"viewport": VIEWPORT, "timeout_ms": TIMEOUT_MS, "accept_downloads": True}


@pytest.fixture()
def browser_context(tmp_path: Path, browser_options: dict):
    with chromium(tmp_path / "chromium-profile", **browser_options) as context:
        yield context


@pytest.fixture()
def page(browser_context):
    return browser_context.new_page()
