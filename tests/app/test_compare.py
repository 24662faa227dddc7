"""The Compare and Drift pages through Streamlit's AppTest: the draft against the model as
loaded, a saved version and an uploaded file (the movement and deltas are those of
``scoring.measures.compare``); models with other column mappings and broken files get one message;
the drift page reads two quarters of the sample data and refuses a split date outside it."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
import scoring.measures.compare
from scoring.engine.scorer import Scorer
from scoring.measures.compare import SUMMARY_LABELS, compare_models, format_change, format_figure
from scoring.model.schema import RATINGS
from ui import state

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")
WINDOWS_MODEL = scoring.load_model(REPO / "configs" / "windows.yaml")
WINDOWS_YAML = REPO / "configs" / "windows.yaml"
COMPARE, DRIFT = "ui/pages/compare.py", "ui/pages/drift.py"


def _page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {metric.label: (metric.value, metric.delta) for metric in at.metric}


def _periods(at: AppTest) -> list[str]:
    return [metric.label for metric in at.metric if metric.label.startswith(("Earlier", "Later"))]


def _markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


@pytest.fixture(scope="module")
def sample_scorer() -> Scorer:
    leads = scoring.load_leads(REPO / "sample_data" / "leads.csv")
    return Scorer.for_model(DEFAULT_MODEL, leads, scoring.read_table(REPO / "sample_data" / "activities.csv"))


def test_compare_page_with_no_change_shows_nobody_moving(open_app):
    at = _page(open_app(), COMPARE)
    assert at.title[0].value == "7 · Compare: before and after"
    assert "**0** of 6,000 leads change rating" in _markdown(at)
    assert _metrics(at)["Leads to sales"][1] == "+0"
    assert any("A and the draft are the same model" in caption.value for caption in at.caption)


def test_compare_draft_against_the_loaded_model(open_app, sample_scorer):
    at = open_app()
    at.session_state[state.MODEL] = WINDOWS_MODEL  # the draft: recency windows instead of the half-life
    _page(at, COMPARE)
    expected = compare_models(DEFAULT_MODEL, WINDOWS_MODEL, sample_scorer)
    moves = expected.moves
    assert (f"**{moves['changed_rating']:,}** of 6,000 leads change rating; **{moves['into_sales']:,}** move into"
            in _markdown(at))
    summary = expected.summary
    metrics = _metrics(at)
    assert metrics["Leads to sales"] == (f"{summary.loc['to_sales_leads', 'b']:,.0f}",
                                         f"{summary.loc['to_sales_leads', 'change']:+,.0f}")
    assert metrics["Share of past conversions caught"][1] == \
        f"{summary.loc['conversions_caught_share', 'change'] * 100:+.1f} pts"
    cells = at.dataframe[0].value
    assert cells["leads_change"].tolist() == expected.cells["leads_change"].tolist()
    assert any("Recency half-life 30 days → windows" in element.value for element in at.markdown)
    figure = at.get("plotly_chart")[0].proto.spec
    assert '"Rating under A"' in figure and "420" in figure  # the A1 -> A1 diagonal count


def test_a_later_visit_compares_nothing_and_a_changed_draft_compares_afresh(open_app, monkeypatch):
    """The comparison is kept per model A, the draft and the data (issue 26: seconds at a
    million leads on every visit): back on the page it is not computed again; a new draft is."""
    calls = []
    compare = scoring.measures.compare.compare_models
    monkeypatch.setattr(scoring.measures.compare, "compare_models", lambda *args, **kwargs: calls.append(args[1].name)
                        or compare(*args, **kwargs))
    at = _page(open_app(), COMPARE)
    _page(at, "ui/pages/matrix.py")
    _page(at, COMPARE)
    assert len(calls) == 1
    assert "**0** of 6,000 leads change rating" in _markdown(at)
    at.session_state[state.MODEL] = WINDOWS_MODEL
    _page(at, COMPARE)
    assert calls == [DEFAULT_MODEL.name, WINDOWS_MODEL.name]
    assert "**0** of 6,000 leads change rating" not in _markdown(at)


def test_compare_with_a_saved_version(open_app, leadgrid_home):
    from scoring.agreement.versions import VersionStore

    VersionStore(leadgrid_home / "models").save(WINDOWS_MODEL)
    at = _page(open_app(), COMPARE)
    at.segmented_control(key=state.COMPARE_SOURCE).set_value("version").run()
    assert not at.exception and not at.error
    assert at.selectbox(key=state.COMPARE_VERSION).value == f"{WINDOWS_MODEL.name} · {WINDOWS_MODEL.version}"
    assert f"version {WINDOWS_MODEL.version}" in _markdown(at)
    assert any("Recency windows" in element.value and "half-life 30 days" in element.value
               for element in at.markdown)


def test_compare_with_no_saved_versions_says_so(open_app):
    at = _page(open_app(), COMPARE)
    at.segmented_control(key=state.COMPARE_SOURCE).set_value("version").run()
    assert not at.exception
    assert "No saved versions yet" in at.info[0].value


def test_a_model_with_another_column_mapping_is_one_error(open_app):
    at = open_app()
    at.session_state[state.BASELINE] = DEFAULT_MODEL.model_copy(
        update={"columns": scoring.parse_model(
            (REPO / "configs" / "default.yaml").read_text() + "columns:\n  leads: {industry: sector}\n").columns})
    _page(at, COMPARE)
    assert len(at.error) == 1
    assert "map columns differently" in at.error[0].value and "leads.industry" in at.error[0].value


def test_drift_page_reads_two_quarters_of_the_sample_data(open_app):
    at = _page(open_app(), DRIFT)
    assert at.title[0].value == "8 · Drift: this quarter vs last"
    assert at.date_input(key=state.DRIFT_SPLIT).value == dt.date(2025, 7, 1)
    assert _periods(at) == ["Earlier: 2025-04-01 to 2025-06-30", "Later: 2025-07-01 to 2025-09-30"]
    psi = at.dataframe[0].value
    assert list(psi.index) == ["profile grade", "engagement grade", "rating"]
    assert all(reading.startswith(("within chance", "stable", "moderate", "major")) for reading in psi["reading"])
    assert len(at.dataframe[1].value) == 16


def test_drift_page_everything_before_and_after(open_app):
    at = _page(open_app(), DRIFT)
    at.selectbox(key=state.DRIFT_WINDOW).set_value(0).run()
    assert not at.exception
    assert _periods(at) == ["Earlier: 2024-04-12 to 2025-06-30",
                                                      "Later: 2025-07-01 to 2025-10-22"]


def test_drift_split_date_outside_the_data_is_one_error(open_app):
    at = _page(open_app(), DRIFT)
    at.date_input(key=state.DRIFT_SPLIT).set_value(dt.date(2030, 1, 1)).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "the split date 2030-01-01 is outside the data" in at.error[0].value


def test_compare_with_a_file_asks_for_one(open_app):
    at = _page(open_app(), COMPARE)
    at.segmented_control(key=state.COMPARE_SOURCE).set_value("file").run()
    assert not at.exception and not at.error
    assert "Upload the model to compare the draft with." in at.info[0].value


# ----- model A from an uploaded file ---------------------------------------------------------


def _upload_model_a(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.segmented_control(key=state.COMPARE_SOURCE).set_value("file").run()
    at.file_uploader(key=state.COMPARE_UPLOAD).set_value((name, raw, "application/x-yaml")).run()
    assert not at.exception, at.exception
    return at


def _movement_shown(at: AppTest) -> pd.DataFrame:
    """The counts the movement heatmap draws (Plotly sends them as typed binary arrays)."""
    z = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["z"]
    if isinstance(z, dict):  # {"dtype": "i2", "bdata": base64, "shape": "16, 16"}
        counts = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]).newbyteorder("<"))
        z = counts.reshape(len(RATINGS), len(RATINGS))
    return pd.DataFrame(np.asarray(z), index=list(RATINGS), columns=list(RATINGS))


def test_compare_draft_against_an_uploaded_model(open_app, sample_scorer):
    at = _upload_model_a(_page(open_app(), COMPARE), "windows.yaml", WINDOWS_YAML.read_bytes())
    assert not at.error
    expected = compare_models(WINDOWS_MODEL, DEFAULT_MODEL, sample_scorer)  # A: the file; B: the draft
    markdown = _markdown(at)
    assert f"**A**: windows.yaml ({WINDOWS_MODEL.name} {WINDOWS_MODEL.version}) · **B**: the draft" in markdown
    moves = expected.moves
    assert (f"**{moves['changed_rating']:,}** of 6,000 leads change rating; **{moves['into_sales']:,}** move into "
            f"the to-sales cells and **{moves['out_of_sales']:,}** out of them ({moves['stay_in_sales']:,} stay)"
            in markdown)
    # the movement drawn is the engine's: each lead's rating under A against under B, every lead once
    movement = _movement_shown(at)
    pd.testing.assert_frame_equal(movement, expected.movement.loc[list(RATINGS), list(RATINGS)], check_dtype=False,
                                  check_names=False)
    rating_a, rating_b = sample_scorer.score(WINDOWS_MODEL)["rating"], sample_scorer.score(DEFAULT_MODEL)["rating"]
    by_hand = pd.crosstab(rating_a, rating_b).reindex(index=list(RATINGS), columns=list(RATINGS), fill_value=0)
    assert (movement.to_numpy() == by_hand.to_numpy()).all() and movement.to_numpy().sum() == 6000
    assert int(np.trace(movement.to_numpy())) == 6000 - moves["changed_rating"]
    # the to-sales deltas, B minus A, as the page shows them
    summary = expected.summary
    shown = {metric.label: (metric.value, metric.delta) for metric in at.main.metric}  # not the sidebar's
    assert shown == {summary.loc[name, "label"]: (format_figure(name, summary.loc[name, "b"]),
                                                  format_change(name, summary.loc[name, "change"]))
                     for name in SUMMARY_LABELS}
    assert summary.loc["to_sales_per_month", "label"] == "Leads to sales per month, Jul–Sep 2025"
    assert summary.loc["to_sales_leads", "change"] == moves["into_sales"] - moves["out_of_sales"]
    pd.testing.assert_frame_equal(at.dataframe[0].value, expected.cells, check_dtype=False)
    assert expected.changes and all(f"- {change}" in markdown for change in expected.changes)
    assert any("Recency windows" in change for change in expected.changes)
    assert at.session_state[state.MODEL] == DEFAULT_MODEL  # A is only read: the draft is untouched


def test_a_broken_model_upload_is_one_error(open_app):
    at = _upload_model_a(_page(open_app(), COMPARE), "broken.yaml", b"name: x\nprofile:\n  categories: [\n  - id: a\n")
    assert len(at.error) == 1
    assert at.error[0].value.startswith("broken.yaml:4: not valid YAML")
    assert not at.get("plotly_chart") and not at.main.metric  # the page stops before comparing
    assert at.session_state[state.MODEL] == DEFAULT_MODEL


def test_an_uploaded_model_with_another_column_mapping_is_one_error(open_app):
    raw = ((REPO / "configs" / "default.yaml").read_text() + "columns:\n  leads: {industry: sector}\n").encode()
    at = _upload_model_a(_page(open_app(), COMPARE), "sector.yaml", raw)
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("Cannot compare: columns: the two models map columns differently")
    assert "leads.industry: A reads 'sector'" in message and "\n" not in message
    assert not at.get("plotly_chart") and not at.main.metric
