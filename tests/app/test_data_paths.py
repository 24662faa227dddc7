"""Opening data by its path on this machine (large files: a browser upload is capped): from the
Data page, and at start-up as ``leadgrid app --leads PATH --activities PATH`` sets it. A bad
path is one line of error and the session keeps its data; a refresh reopens the files."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring
from scoring.data.datasets import SAMPLE
from scoring.engine.scorer import Scorer
from scoring.measures.metrics import preview
from ui import data, state

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")
OPEN = "FormSubmitter:path_form-Open these files"


@pytest.fixture
def small_files(tmp_path: Path) -> tuple[Path, Path]:
    """The sample's first 500 leads and their activities, as Parquet."""
    leads = scoring.read_table(REPO / "sample_data" / "leads.csv").head(500)
    activities = scoring.read_table(REPO / "sample_data" / "activities.csv")
    activities = activities[activities["lead_id"].isin(set(leads["lead_id"]))]
    paths = tmp_path / "leads.parquet", tmp_path / "activities.parquet"
    leads.to_parquet(paths[0])
    activities.to_parquet(paths[1])
    return paths


def _metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _open_paths(at, leads: str, activities: str = ""):
    at.radio(key="w:data:source").set_value(data.PATHS).run()
    at.text_input(key="path_leads").set_value(leads)
    at.text_input(key="path_activities").set_value(activities)
    at.button(key=OPEN).click().run()
    assert not at.exception, at.exception
    return at


def _expected(paths: tuple[Path, Path]):
    return preview(DEFAULT_MODEL, Scorer(scoring.read_table(paths[0]), scoring.read_table(paths[1])))


def test_opening_files_by_path_switches_the_data_and_the_matrix(open_app, small_files):
    at = _open_paths(open_app(), str(small_files[0]), str(small_files[1]))
    assert not at.error
    assert at.session_state[state.DATASET].key == data.PATHS
    assert _metrics(at)["Leads"] == "500"
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    at.switch_page("ui/pages/matrix.py").run()
    assert not at.exception and not at.error
    expected = _expected(small_files)
    shown = at.session_state[state.PREVIEW_MEMO][1]
    assert shown.matrix["leads"].tolist() == expected.matrix["leads"].tolist()
    assert _metrics(at)["Leads to sales"] == f"{expected.sales.leads:,}"

    restored = open_app(draft=at.session_state[state.DRAFT_ID])  # a refresh reopens the files
    assert not restored.exception and not restored.error
    assert restored.session_state[state.DATASET].paths == (str(small_files[0]), str(small_files[1]))
    assert _metrics(restored)["Leads"] == "500"


@pytest.mark.parametrize("wanted", ["missing", "folder", "broken", "blank"])
def test_a_bad_path_is_one_line_and_keeps_the_data(open_app, tmp_path, wanted):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    path = {"missing": str(tmp_path / "nope.parquet"), "folder": str(tmp_path), "broken": str(broken),
            "blank": "  "}[wanted]
    at = _open_paths(open_app(), path)
    errors = [element.value for element in at.error]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    assert {"missing": "cannot open the file", "folder": "not a file", "broken": "not a readable Parquet file",
            "blank": "give the path of a leads file"}[wanted] in errors[0]
    assert at.session_state[state.DATASET].key == SAMPLE.key
    assert _metrics(at)["Leads"] == "6,000"


def test_a_new_session_opens_the_files_the_app_was_started_with(open_app, small_files, monkeypatch):
    monkeypatch.setenv(data.LEADS_ENV, str(small_files[0]))
    monkeypatch.setenv(data.ACTIVITIES_ENV, str(small_files[1]))
    at = open_app()
    assert not at.exception and not at.error
    assert at.session_state[state.DATASET].key == data.PATHS
    assert _metrics(at)["Leads"] == "500"
    assert at.radio(key="w:data:source").value == data.PATHS
    assert at.text_input(key="path_leads").value == str(small_files[0])


def test_period_shows_first_and_last_month(open_app):
    at = open_app()
    period = next(metric for metric in at.metric if metric.label == "Period")
    assert (period.value, period.delta) == ("Apr 2024", "to Oct 2025")
