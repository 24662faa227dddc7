"""Every page opens whichever way the data came in (issue 26: the Agreement page raised
KeyError 'leads' on files opened by path): the sample, a public dataset, an upload, files
opened by path at start-up (``leadgrid app --leads ... --activities ...``), and each of
those reopened from its draft. A page must not read a session key only one source has."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from pagecases import PAGES, _upload_leads
from streamlit.testing.v1 import AppTest

import scoring
import scoring.agreement.sheet_md
from scoring.data.datasets import CATALOGUE
from ui import data, state

REPO = Path(__file__).resolve().parents[2]
PUBLIC = "bank_marketing"
DATED_PAGES = {"ui/pages/calibrate.py", "ui/pages/drift.py"}  # leads a month, two periods
SOURCES = ["sample", "public dataset", "upload", "paths"]


@pytest.fixture(scope="module")
def subset() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample's first 400 leads and their activities."""
    leads = scoring.read_table(REPO / "sample_data" / "leads.csv").head(400)
    activities = scoring.read_table(REPO / "sample_data" / "activities.csv")
    return leads, activities[activities["lead_id"].isin(set(leads["lead_id"]))]


@pytest.fixture
def path_files(tmp_path: Path, subset) -> tuple[Path, Path]:
    """The subset as Parquet files on this machine."""
    paths = tmp_path / "big_leads.parquet", tmp_path / "big_activities.parquet"
    subset[0].to_parquet(paths[0])
    subset[1].to_parquet(paths[1])
    return paths


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _open_source(source: str, open_app: Callable[..., AppTest], path_files: tuple[Path, Path],
                 monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, str, str]:
    """A new session on ``source``: the session, the dataset key it must have, and the name the
    pages give the data."""
    if source == "sample":
        return open_app(), "sample", CATALOGUE["sample"].title
    if source == "public dataset":
        if not CATALOGUE[PUBLIC].found_in(CATALOGUE[PUBLIC].default_dir()):
            reason = f"{CATALOGUE[PUBLIC].title} is not on this machine (looked in {CATALOGUE[PUBLIC].default_dir()})"
            print(f"skipped: {reason}")
            pytest.skip(reason)
        at = open_app()
        at.radio(key="w:data:source").set_value(PUBLIC).run()
        assert not at.exception, at.exception
        return at, PUBLIC, CATALOGUE[PUBLIC].title
    if source == "upload":
        uploaded = [pd.read_parquet(path) for path in path_files]
        return _upload_leads(open_app(), "crm_export.csv", _csv(uploaded[0]), _csv(uploaded[1])), data.UPLOAD, \
            "crm_export.csv"
    monkeypatch.setenv(data.LEADS_ENV, str(path_files[0]))  # as `leadgrid app --leads ... --activities ...`
    monkeypatch.setenv(data.ACTIVITIES_ENV, str(path_files[1]))
    return open_app(), data.PATHS, path_files[0].name


def _visit_every_page(at: AppTest) -> tuple[dict[str, str], dict[str, str]]:
    """Each page in turn: by page, its exception (or a wrong title), and its st.error lines."""
    failures, errors = {}, {}
    for path, title in PAGES.items():
        at.switch_page(path).run()
        if at.exception:
            failures[path] = "\n".join(str(element.value) for element in at.exception)
        elif [element.value for element in at.title] != [title]:
            failures[path] = f"titles {[element.value for element in at.title]}"
        if at.error:
            errors[path] = " | ".join(str(element.value) for element in at.error)
    return failures, errors


def _reopened(at: AppTest, open_app: Callable[..., AppTest]) -> AppTest:
    """The session after a change (which writes its draft), reopened from the address bar as a
    refresh or a restart does."""
    at.switch_page("ui/pages/agreement.py").run()
    at.text_input(key=state.widget_key("agreement", "version")).set_value("2027.1")
    at.button(key="FormSubmitter:agreement_form-Apply").click().run()
    assert not at.exception, at.exception
    reopened = open_app(draft=at.session_state[state.DRAFT_ID])
    assert not reopened.exception, reopened.exception
    assert reopened.session_state[state.MODEL].version == "2027.1"
    return reopened


@pytest.mark.parametrize("reopened", [False, True], ids=["session", "reopened draft"])
@pytest.mark.parametrize("source", SOURCES)
def test_every_page_opens_under_every_data_source(open_app, path_files, monkeypatch, source, reopened):
    named = []  # the data's name as the Agreement page gives it to the sign-off sheet
    sheet = scoring.agreement.sheet_md.sheet_markdown
    monkeypatch.setattr(scoring.agreement.sheet_md, "sheet_markdown",
                        lambda *args, **kwargs: named.append(kwargs["source"]) or sheet(*args, **kwargs))
    at, key, name = _open_source(source, open_app, path_files, monkeypatch)
    assert not at.exception, at.exception
    if reopened:
        at = _reopened(at, open_app)
    assert at.session_state[state.DATASET].key == key
    named.clear()
    failures, errors = _visit_every_page(at)
    assert failures == {}
    assert set(errors) == DATED_PAGES if key == PUBLIC else not errors, errors  # its leads carry no dates
    assert named and set(named) == {name}
