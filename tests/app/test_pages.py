"""The designer, driven through Streamlit's AppTest: every page renders, edits change the
model (and the matrix), invalid edits and broken files are refused with the field path,
drafts survive a refresh, undo/redo work, and routing moves the headline.

AppTest quirk (Streamlit's, not the app's): with ``st.navigation``, what the main script
draws outside the page (the sidebar: headline, Undo/Redo) is only present in the tree of
a session's *first* run. Later runs and ``switch_page`` leave the sidebar empty in AppTest,
though a browser shows it. So the Undo/Redo clicks below happen on the first run of a new
AppTest that carries the session's state over (``_carry_over``); the tests for everything
else read pages and ``at.session_state`` directly.
"""

from __future__ import annotations

import pytest
from pagecases import (
    DEFAULT_MODEL,
    NINETY_YAML,
    PAGES,
    WINDOWS_YAML,
    _activities_csv,
    _errors,
    _history,
    _leads_csv,
    _metrics,
    _page,
    _upload_leads,
    _upload_model,
    _weights,
)

import scoring
from scoring.data.datasets import SAMPLE
from scoring.engine.scorer import Scorer
from scoring.measures.metrics import preview
from ui import state

# ----- 1. every page renders -------------------------------------------------------------------

@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders(open_app, path):
    at = open_app()
    assert not at.exception and not _errors(at)
    if path != "ui/pages/data.py":
        _page(at, path)
    assert not at.exception, at.exception
    assert not _errors(at)
    assert [title.value for title in at.title] == [PAGES[path]]


def test_first_run_shows_the_sidebar_headline_and_disabled_undo(open_app):
    at = open_app()
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.sidebar.markdown[0].value == f"### {DEFAULT_MODEL.name}"
    assert {"Leads to sales a month, Jul–Sep 2025", "Accepted by sales"} <= set(_metrics(at))
    assert at.button(key="undo").disabled and at.button(key="redo").disabled


# ----- 2. weights -------------------------------------------------------------------------------

def test_weight_off_100_is_refused_then_rescaled_and_the_matrix_changes(open_app):
    at = open_app()
    before = at.session_state[state.MODEL]
    _page(at, "ui/pages/matrix.py")
    metrics_before = _metrics(at)
    matrix_before = at.session_state[state.PREVIEW_MEMO][1].matrix.copy()

    _page(at, "ui/pages/profile.py")
    at.slider(key="w:weight:industry").set_value(40.0).run()
    assert not at.exception
    assert any("weights must sum to 100; got 115" in error for error in _errors(at)), _errors(at)
    assert at.session_state[state.MODEL] == before  # nothing applied while the total is off
    assert at.session_state[state.UNDO] == []

    at.button(key="rescale_weights").click().run()
    assert not at.exception and not _errors(at)
    weights = _weights(at.session_state[state.MODEL])
    assert weights["industry"] == 40
    assert sum(weights.values()) == pytest.approx(100)
    # the others keep their proportions (20:15:25:15 of the remaining 60)
    assert weights == {"industry": 40, "company_size": 16, "revenue": 12, "job_title": 20, "country": 12}
    assert [s.value for s in at.success] == ["Weights total 100 %."]
    assert _history(at)[-1].startswith("Industry weight 25 → 40")
    assert len(at.session_state[state.UNDO]) == 1

    _page(at, "ui/pages/matrix.py")
    matrix_after = at.session_state[state.PREVIEW_MEMO][1].matrix
    assert not matrix_after["leads"].equals(matrix_before["leads"])
    assert _metrics(at) != metrics_before
    assert matrix_after["leads"].sum() == matrix_before["leads"].sum()  # same leads, other cells


def test_weights_that_make_100_apply_at_once(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    at.slider(key="w:weight:industry").set_value(30.0).run()
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    at.slider(key="w:weight:country").set_value(10.0).run()
    assert not at.exception and not _errors(at)
    weights = _weights(at.session_state[state.MODEL])
    assert (weights["industry"], weights["country"]) == (30, 10)
    assert _history(at)[-1] == "Industry weight 25 → 30; Country weight 15 → 10"


# ----- 3. thresholds ----------------------------------------------------------------------------

def test_profile_threshold_above_the_letter_above_is_refused(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    at.number_input(key="w:grade:B").set_value(80.0).run()
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith("profile.grades.B:"), errors
    assert "A is 70, B is 80" in errors[0]
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.UNDO] == []


def test_valid_profile_threshold_is_applied(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    at.number_input(key="w:grade:B").set_value(55.0).run()
    assert not at.exception and not _errors(at)
    assert at.session_state[state.MODEL].profile.grades.B == 55
    assert _history(at)[-1] == "Profile threshold B 50 → 55"


def test_engagement_threshold_above_the_number_above_is_refused(open_app):
    at = _page(open_app(), "ui/pages/engagement.py")
    at.number_input(key="w:engagement_grade:2").set_value(70.0).run()
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith("engagement.grades.2:"), errors
    assert "1 is 55, 2 is 70" in errors[0]
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.UNDO] == []


# ----- 4. export: loading a model file ----------------------------------------------------------



@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("broken.yaml", b"name: x\nprofile:\n  categories: [\n  - id: a\n", "broken.yaml:4: not valid YAML"),
    ("ninety.yaml", NINETY_YAML,
     "ninety.yaml:12 profile.categories: weights must sum to 100; got 90"),
], ids=["bad-yaml-syntax", "weights-sum-to-90"])
def test_broken_model_upload_is_refused_with_file_line_and_path(open_app, name, raw, expected):
    at = _page(open_app(), "ui/pages/export.py")
    history = _history(at)
    _upload_model(at, name, raw)
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith(expected), errors
    assert "The model being edited is unchanged." in [c.value for c in at.caption]
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.BASELINE] == DEFAULT_MODEL
    assert at.session_state[state.UNDO] == []
    assert _history(at) == history


def test_good_model_upload_replaces_the_model_and_resets_changed_since_loaded(open_app):
    at = _page(open_app(), "ui/pages/export.py")
    _upload_model(at, "windows.yaml", WINDOWS_YAML.read_bytes())
    loaded = scoring.load_model(WINDOWS_YAML)
    assert not _errors(at)
    assert at.session_state[state.MODEL] == loaded
    assert at.session_state[state.BASELINE] == loaded
    assert _history(at)[-1] == "Opened windows.yaml"
    assert at.session_state[state.UNDO][-1].model == DEFAULT_MODEL  # undo goes back to the default
    assert "Nothing yet: this is the model as it was loaded." in [c.value for c in at.caption]

    _page(at, "ui/pages/profile.py")
    at.number_input(key="w:grade:A").set_value(75.0).run()
    assert at.session_state[state.MODEL].profile.grades.A == 75

    _page(at, "ui/pages/export.py")
    assert "Nothing yet: this is the model as it was loaded." not in [c.value for c in at.caption]
    assert "- Profile threshold A 70 → 75" in [m.value for m in at.markdown]
    assert "A: 75" in at.code[0].value  # the YAML shown (and downloaded) is the edited model


# ----- 5. data page: uploading leads ------------------------------------------------------------





@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("ragged.csv", b"lead_id,industry\n1,Software\n2,Retail,extra,more\n", "ragged.csv:3:"),
    ("empty.csv", b"", "empty.csv: the file is empty"),
], ids=["row-with-too-many-fields", "empty-file"])
def test_broken_leads_upload_is_refused_and_keeps_the_sample(open_app, name, raw, expected):
    at = _upload_leads(open_app(), name, raw)
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith(expected), errors
    assert at.session_state[state.DATASET].key == SAMPLE.key
    assert at.session_state[state.UPLOADS] == {}
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert _metrics(at)["Leads"] == "6,000"


LAST_ACTIVITY = "2025-06-04 10:00:00"  # the uploads' activities end here: the as-of the room gives them


def test_good_leads_upload_switches_the_data_and_the_matrix(open_app):
    raw, activities = _leads_csv(42), _activities_csv(42)
    at = _upload_leads(open_app(), "mine.csv", raw, activities)
    # the file has no scored_at: until the room says when its leads were evaluated, no preview
    assert [error.split(" leads have")[0] for error in _errors(at)] == ["14"]
    at.text_input(key="hand_over_as_of").set_value(LAST_ACTIVITY)
    at.button(key="FormSubmitter:hand_over_form-Use this hand-over moment").click().run()
    assert not _errors(at)
    assert at.session_state[state.DATASET].key == "upload"
    assert _metrics(at)["Leads"] == "42"
    assert at.session_state[state.MODEL] == DEFAULT_MODEL

    expected = preview(DEFAULT_MODEL, Scorer(scoring.read_table(raw, "mine.csv"),
                                               scoring.read_table(activities, "acts.csv"), LAST_ACTIVITY))
    assert expected.sales.leads == 14  # the Software CTOs with a demo request: A1
    _page(at, "ui/pages/matrix.py")
    assert not _errors(at)
    assert _metrics(at)["Leads to sales"] == str(expected.sales.leads)
    shown = at.session_state[state.PREVIEW_MEMO][1]
    assert shown.matrix["leads"].sum() == 42
    assert shown.matrix["leads"].tolist() == expected.matrix["leads"].tolist()
    assert shown.matrix.loc["A1", "leads"] == 14
    for path in ("ui/pages/profile.py", "ui/pages/engagement.py", "ui/pages/export.py"):
        _page(at, path)
        assert not _errors(at), (path, _errors(at))

    # a refresh keeps the uploaded files: they are part of the draft
    restored = open_app(draft=at.session_state[state.DRAFT_ID])
    assert not restored.exception and not _errors(restored)
    assert restored.session_state[state.DATASET].key == "upload"
    assert _metrics(restored)["Leads"] == "42"
