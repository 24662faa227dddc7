"""Fixtures for the app tests: every test gets its own LEADGRID_HOME, so drafts never leak
between tests (or into the working tree), and a helper that opens the app in AppTest."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
if str(REPO) not in sys.path:  # the tests read the session keys of ui.state, as the pages do
    sys.path.insert(0, str(REPO))


@pytest.fixture
def leadgrid_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "leadgrid-home"
    monkeypatch.setenv("LEADGRID_HOME", str(home))
    return home


@pytest.fixture
def open_app(leadgrid_home: Path) -> Callable[..., AppTest]:
    """``open_app(draft=None, state=None)``: a new browser session on the app, run once.

    ``draft`` goes into the ``?draft=`` query parameter (a refresh or a restart);
    ``state`` pre-fills session keys before the first run.
    """

    def _open(draft: str | None = None, state: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        if draft is not None:
            at.query_params["draft"] = draft
        for key, value in (state or {}).items():
            at.session_state[key] = value
        return at.run()

    return _open


@pytest.fixture
def bank(open_app: Callable[..., AppTest]) -> AppTest:
    """A session switched to the bank-marketing dataset: no acceptance column, no activities."""
    from ui import state

    at = open_app()
    at.radio(key="w:data:source").set_value("bank_marketing").run()
    assert not at.exception and at.session_state[state.DATASET].key == "bank_marketing"
    return at


@pytest.fixture
def open_files(open_app: Callable[..., AppTest], tmp_path: Path) -> Callable[..., AppTest]:
    """``open_files(leads, activities, page)``: the app on these frames (opened by their paths,
    as Parquet), switched to ``page``."""
    from ui import data

    def _open(leads, activities, page: str) -> AppTest:
        paths = tmp_path / "leads.parquet", tmp_path / "activities.parquet"
        leads.to_parquet(paths[0])
        activities.to_parquet(paths[1])
        at = open_app()
        at.radio(key="w:data:source").set_value(data.PATHS).run()
        at.text_input(key="path_leads").set_value(str(paths[0]))
        at.text_input(key="path_activities").set_value(str(paths[1]))
        at.button(key="FormSubmitter:path_form-Open these files").click().run()
        assert not at.exception and not at.error, (at.exception, [error.value for error in at.error])
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return _open
