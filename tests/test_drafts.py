"""scoring.agreement.drafts: the drafts store the app keeps its sessions in, used here without Streamlit."""

from __future__ import annotations

import errno
import json
import os

import pytest

from scoring import dump_model, load_model
from scoring.agreement.drafts import Draft, DraftError, DraftStore, StaleDraft, is_draft_id
from scoring.model.edit import with_grades
from scoring.model.files import load_model_text

DEFAULT = "configs/default.yaml"


@pytest.fixture
def store(tmp_path):
    return DraftStore(tmp_path / "drafts")


@pytest.fixture
def model():
    return load_model(DEFAULT)


def test_a_saved_draft_reads_back_with_its_model_baseline_and_state(store, model):
    changed = with_grades(model, "profile", {"A": 81, "B": 60, "C": 40})
    draft = Draft("d1", changed, model, state={"history": [{"kind": "edit", "text": "A from 81"}]})
    assert store.save(draft) == 1
    back = store.load("d1")
    assert back.model == changed and back.baseline == model
    assert back.revision == 1 and back.state["history"][0]["text"] == "A from 81"


def test_each_save_counts_one_revision_and_an_older_one_is_refused(store, model):
    first = Draft("d1", model, model)
    store.save(first)
    store.save(first)
    assert first.revision == 2
    other_tab = Draft("d1", model, model, revision=1)  # read before the second save
    with pytest.raises(StaleDraft, match="revision 2, this session has 1"):
        store.save(other_tab)
    assert store.load("d1").revision == 2  # the refused save wrote nothing


def test_the_list_shows_name_title_last_change_newest_first(store, model):
    store.save(Draft("old", model, model, state={"history": [{"kind": "load", "text": "opened"}]}))
    store.save(Draft("new", model, model, state={"history": [
        {"kind": "load", "text": "opened"}, {"kind": "edit", "text": "weight of industry 30 %"}]}))
    state = json.loads((store.path("old") / "state.json").read_text())
    state["saved_at"] -= 60
    (store.path("old") / "state.json").write_text(json.dumps(state))
    store.rename("new", "  Q3 workshop ")
    listed = store.list()
    assert [info.id for info in listed] == ["new", "old"]
    assert listed[0].title == "Q3 workshop" and listed[0].name == model.name
    assert listed[0].last_change == "weight of industry 30 %"
    assert listed[1].title == model.name and listed[1].last_change == "opened"
    assert store.list(limit=1) == listed[:1]


def test_an_unreadable_draft_is_left_out_of_the_list_and_refused_by_name(store, model):
    store.save(Draft("good", model, model))
    store.save(Draft("bad", model, model))
    (store.path("bad") / "state.json").write_text("{not json")
    assert [info.id for info in store.list()] == ["good"]
    with pytest.raises(DraftError, match=r"draft bad cannot be opened: .*state.json is unreadable"):
        store.load("bad")
    (store.path("bad") / "state.json").write_text("{}")
    (store.path("bad") / "model.yaml").write_text("profile: [")
    with pytest.raises(DraftError, match=r"draft bad cannot be opened: .*model.yaml"):
        store.load("bad")


def test_uploads_are_kept_by_content_and_replaced_in_one_step(store, model):
    store.save(Draft("d1", model, model))
    store.save_uploads("d1", {"leads": ("../../leads.csv", b"lead_id\n1\n")})
    assert store.load("d1").uploads == {"leads": ("leads.csv", b"lead_id\n1\n")}  # no path kept
    store.save_uploads("d1", {"leads": ("leads.csv", b"lead_id\n2\n"), "activities": ("a.csv", b"x\n")})
    assert store.load("d1").uploads["leads"] == ("leads.csv", b"lead_id\n2\n")
    stored = sorted(path.name for path in (store.path("d1") / "uploads").iterdir())
    assert len(stored) == 2  # the replaced file is gone


def test_a_full_disk_gives_a_draft_error_and_keeps_what_was_there(store, model, monkeypatch):
    store.save(Draft("d1", model, model))
    store.save_uploads("d1", {"leads": ("leads.csv", b"lead_id\n1\n")})

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("scoring.agreement.drafts.write_atomic", disk_full)
    with pytest.raises(DraftError, match=r"could not keep the uploaded files with draft d1 .*No space left"):
        store.save_uploads("d1", {"leads": ("leads.csv", b"lead_id\n9\n")})
    with pytest.raises(DraftError, match=r"could not save draft d1 .*No space left"):
        store.save(Draft("d1", model, model, revision=1))
    monkeypatch.undo()
    back = store.load("d1")
    assert back.revision == 1 and back.uploads["leads"][1] == b"lead_id\n1\n"


def test_draft_ids_are_names_never_paths(store, model):
    assert is_draft_id("a-b_9") and not is_draft_id("../x") and not is_draft_id("") and not is_draft_id("x" * 65)
    with pytest.raises(DraftError, match="is not a draft id"):
        store.load("../../etc")
    with pytest.raises(DraftError, match="not found"):
        store.rename("missing", "x")
    with pytest.raises(DraftError, match="does not exist"):
        store.delete("missing")
    store.save(Draft("d1", model, model))
    store.delete("d1")
    assert not store.exists("d1") and store.list() == []


def test_a_draft_keeps_the_loaded_file_and_writes_the_model_onto_it(store):
    model, text = load_model_text(DEFAULT)
    assert "#" in text  # the shipped model is commented
    changed = with_grades(model, "profile", {"A": 81, "B": 50, "C": 30})
    store.save(Draft("d1", changed, model, baseline_text=text))
    assert (store.path("d1") / "baseline.yaml").read_text() == text
    written = (store.path("d1") / "model.yaml").read_text()
    assert [line for line in written.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert "A: 81" in written
    back = store.load("d1")
    assert back.model == changed and back.baseline == model and back.baseline_text == text


def test_a_baseline_text_that_no_longer_reads_as_the_baseline_is_not_kept(store, model):
    other = with_grades(model, "profile", {"A": 90, "B": 50, "C": 30})
    store.save(Draft("d1", model, model, baseline_text=dump_model(other)))
    assert store.load("d1").baseline == model
