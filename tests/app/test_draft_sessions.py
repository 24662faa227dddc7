"""Drafts and uploads in the app when things go wrong: the same draft edited in two sessions,
a drafts folder that refuses the uploaded files, a draft that cannot be read, infinite
numbers in an upload, and the list of drafts with open, rename and delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.agreement.drafts import Draft, DraftStore
from ui import state

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")
LEADS = b"lead_id,industry,employees,annual_revenue,job_title,country,total_visits,accepted\n" + b"".join(
    f"L{index},Software,5000,200000000,CTO,US,25,true\n".encode() for index in range(7))


def _page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _set_threshold(at: AppTest, grade: str, value: float) -> AppTest:
    at.number_input(key=f"w:grade:{grade}").set_value(value).run()
    assert not at.exception, at.exception
    return at


def _saved_model(home: Path, draft_id: str) -> scoring.LeadModel:
    return scoring.load_model(home / "drafts" / draft_id / "model.yaml")


def test_a_stale_save_is_refused_and_the_second_session_keeps_its_change_as_a_copy(open_app, leadgrid_home):
    first = _set_threshold(_page(open_app(), "ui/pages/profile.py"), "A", 75.0)
    draft_id = first.session_state[state.DRAFT_ID]
    second = _page(open_app(draft=draft_id), "ui/pages/profile.py")  # the same link in another tab
    _set_threshold(first, "C", 35.0)  # the first tab saves again: revision 2

    _set_threshold(second, "B", 60.0)  # based on revision 1
    assert [warning.value for warning in second.warning if "not saved" in warning.value]
    on_disk = _saved_model(leadgrid_home, draft_id)
    assert (on_disk.profile.grades.A, on_disk.profile.grades.B, on_disk.profile.grades.C) == (75, 50, 35)
    assert second.session_state[state.MODEL].profile.grades.B == 60  # the session keeps its edit

    second.button(key="draft_copy").click().run()
    copy_id = second.session_state[state.DRAFT_ID]
    assert copy_id != draft_id and second.query_params["draft"] == copy_id
    assert _saved_model(leadgrid_home, copy_id).profile.grades.B == 60
    assert _saved_model(leadgrid_home, draft_id) == on_disk  # the other tab's draft is untouched
    assert state.DRAFT_CONFLICT not in second.session_state


def test_after_a_conflict_reload_takes_the_draft_as_the_other_session_saved_it(open_app, leadgrid_home):
    first = _set_threshold(_page(open_app(), "ui/pages/profile.py"), "A", 75.0)
    draft_id = first.session_state[state.DRAFT_ID]
    second = _page(open_app(draft=draft_id), "ui/pages/profile.py")
    _set_threshold(first, "A", 78.0)
    _set_threshold(second, "B", 60.0)
    assert second.session_state[state.DRAFT_CONFLICT]

    second.button(key="draft_reload").click().run()
    assert not second.exception, second.exception
    assert second.session_state[state.MODEL] == _saved_model(leadgrid_home, draft_id)
    assert second.session_state[state.MODEL].profile.grades.A == 78
    assert state.DRAFT_CONFLICT not in second.session_state
    _set_threshold(_page(second, "ui/pages/profile.py"), "B", 61.0)  # saving works again
    assert _saved_model(leadgrid_home, draft_id).profile.grades.B == 61


def test_uploads_the_drafts_folder_refuses_are_used_and_the_error_shown(open_app, leadgrid_home):
    at = open_app()
    draft_id = at.session_state[state.DRAFT_ID]
    blocked = leadgrid_home / "drafts" / draft_id
    blocked.mkdir(parents=True)
    (blocked / "uploads").write_text("a file where the folder should be")

    at.radio(key="w:data:source").set_value("upload").run()
    at.file_uploader(key="upload_leads").set_value(("mine.csv", LEADS, "text/csv"))
    at.button(key="FormSubmitter:upload_form-Use these files").click().run()
    assert not at.exception, at.exception
    errors = [error.value for error in at.error]
    assert any(f"could not keep the uploaded files with draft {draft_id}" in error for error in errors), errors
    assert at.session_state[state.DATASET].key == "upload"  # the session uses the files anyway
    assert {metric.label: metric.value for metric in at.metric}["Leads"] == "7"


def test_a_draft_that_cannot_be_read_is_reported_and_left_alone(open_app, leadgrid_home):
    store = DraftStore(leadgrid_home / "drafts")
    store.save(Draft("broken", DEFAULT_MODEL, DEFAULT_MODEL))
    model_file = store.path("broken") / "model.yaml"
    model_file.write_text("profile: [unclosed\n")

    at = open_app(draft="broken")
    assert not at.exception, at.exception
    errors = [error.value for error in at.error]
    assert any("draft broken cannot be opened" in error and "new draft" in error for error in errors), errors
    assert at.session_state[state.DRAFT_ID] != "broken"
    assert model_file.read_text() == "profile: [unclosed\n"  # not replaced


@pytest.fixture
def two_drafts(leadgrid_home):
    store = DraftStore(leadgrid_home / "drafts")
    for draft_id in ("older", "newer"):
        store.save(Draft(draft_id, DEFAULT_MODEL, DEFAULT_MODEL, state={"history": [
            {"at": 0.0, "text": f"change in {draft_id}", "kind": "edit"}]}))
    return store


def test_the_draft_list_opens_renames_and_deletes_after_asking(open_app, two_drafts):
    at = _page(open_app(), "ui/pages/export.py")
    listed = "\n".join(markdown.value for markdown in at.markdown)
    assert "change in older" in listed and "change in newer" in listed

    at.text_input(key="draft_title_older").set_value("Q3 workshop")
    at.button(key="draft_rename_older").click().run()
    assert {info.id: info.title for info in two_drafts.list()} == {"older": "Q3 workshop", "newer": DEFAULT_MODEL.name}

    at.button(key="draft_delete_newer").click().run()  # the button inside the confirming popover
    assert not at.exception, at.exception
    assert not two_drafts.exists("newer") and two_drafts.exists("older")

    at.button(key="draft_open_older").click().run()
    assert not at.exception, at.exception
    assert at.session_state[state.DRAFT_ID] == "older"
    assert at.query_params["draft"] == "older"


def test_infinite_numbers_in_an_upload_are_counted_on_the_data_page(open_app):
    raw = LEADS.replace(b"L0,Software,5000,", b"L0,Software,inf,").replace(b"L1,Software,5000,", b"L1,Software,1e400,")
    at = open_app()
    at.radio(key="w:data:source").set_value("upload").run()
    at.file_uploader(key="upload_leads").set_value(("mine.csv", raw, "text/csv"))
    at.button(key="FormSubmitter:upload_form-Use these files").click().run()
    assert not at.exception, at.exception
    warnings = [warning.value for warning in at.warning if "infinite number" in warning.value]
    assert warnings and "employees 2" in warnings[0], [warning.value for warning in at.warning]


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]


def test_the_yaml_download_keeps_the_files_comments_after_edits_and_a_refresh(open_app):
    source = (REPO / "configs" / "default.yaml").read_text(encoding="utf-8")
    assert _comments(source)
    at = _set_threshold(_page(open_app(), "ui/pages/profile.py"), "A", 75.0)
    shown = _page(at, "ui/pages/export.py").code[0].value
    assert _comments(shown) == _comments(source)
    assert scoring.parse_model(shown).profile.grades.A == 75
    changed = [line for line in shown.splitlines() if line not in source.splitlines()]
    assert len(changed) == 1 and "A: 75" in changed[0]  # only the edited line differs

    again = _page(open_app(draft=at.session_state[state.DRAFT_ID]), "ui/pages/export.py")
    assert again.code[0].value == shown


def test_undo_and_redo_work_after_a_refresh(open_app, leadgrid_home):
    """Issue 19: after a refresh the history was shown but Undo was disabled."""
    at = _page(open_app(), "ui/pages/profile.py")
    draft_id = at.session_state[state.DRAFT_ID]
    _set_threshold(at, "A", 75.0)
    first = at.session_state[state.MODEL]
    _set_threshold(at, "B", 55.0)
    second = at.session_state[state.MODEL]
    assert (first.profile.grades.A, second.profile.grades.B) == (75, 55)

    again = open_app(draft=draft_id)  # a refresh: a new session on the same draft
    assert not again.exception
    assert again.session_state[state.MODEL] == second
    assert [snapshot.text for snapshot in again.session_state[state.UNDO]] == [
        "Profile threshold A 70 → 75", "Profile threshold B 50 → 55"]
    assert not again.sidebar.button(key="undo").disabled and again.sidebar.button(key="redo").disabled
    again.sidebar.button(key="undo").click().run()
    assert not again.exception and again.session_state[state.MODEL] == first
    assert _saved_model(leadgrid_home, draft_id) == first

    reopened = open_app(draft=draft_id)  # and once more: redo is kept too
    assert reopened.session_state[state.MODEL] == first and not reopened.sidebar.button(key="redo").disabled
    reopened.sidebar.button(key="undo").click().run()
    assert reopened.session_state[state.MODEL] == DEFAULT_MODEL
    third = open_app(draft=draft_id)
    third.sidebar.button(key="redo").click().run()
    assert not third.exception and third.session_state[state.MODEL] == first


def test_an_undo_step_that_no_longer_reads_as_a_model_ends_the_stack_there(open_app, leadgrid_home):
    at = _page(open_app(), "ui/pages/profile.py")
    draft_id = at.session_state[state.DRAFT_ID]
    _set_threshold(at, "A", 75.0)
    _set_threshold(at, "B", 55.0)
    path = leadgrid_home / "drafts" / draft_id / "state.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    model = json.loads(saved["undo"][0]["model"])
    model["profile"]["grades"] = {"A": "high"}  # the oldest step no longer reads as a model
    saved["undo"][0]["model"] = json.dumps(model)
    path.write_text(json.dumps(saved), encoding="utf-8")
    again = open_app(draft=draft_id)
    assert not again.exception and not again.error
    assert [snapshot.text for snapshot in again.session_state[state.UNDO]] == ["Profile threshold B 50 → 55"]
    assert saved["undo"][1]["same_baseline"] and saved["undo"][1]["baseline"] is None  # written once, not per step


def test_undo_after_a_refresh_takes_back_opening_a_dataset(open_app, leadgrid_home):
    at = open_app()
    draft_id = at.session_state[state.DRAFT_ID]
    at.radio(key="w:data:source").set_value("bank_marketing").run()
    assert at.session_state[state.DATASET].key == "bank_marketing"
    again = open_app(draft=draft_id)  # the undo step carries the model, the baseline and the data set before it
    assert again.session_state[state.DATASET].key == "bank_marketing"
    again.sidebar.button(key="undo").click().run()
    assert not again.exception
    assert again.session_state[state.DATASET].key == "sample"
    assert again.session_state[state.MODEL] == DEFAULT_MODEL and again.session_state[state.BASELINE] == DEFAULT_MODEL
