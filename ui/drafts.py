"""The session's draft on disk, through ``scoring.agreement.drafts.DraftStore``.

A new session gets a draft id in the address bar (``?draft=``) but writes nothing until
its first change, so opening the app leaves no empty drafts behind. A refresh or a
restart reopens the draft named in the address bar, with its undo and redo steps. A draft that cannot be opened is
reported, never silently replaced; a save that finds the draft changed by another tab
keeps this session's model and offers to reload or save it as a copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import uuid
from pathlib import Path

import streamlit as st

from scoring.agreement.drafts import Draft, DraftError, DraftStore, StaleDraft, is_draft_id
from scoring.data.datasets import CATALOGUE, SAMPLE
from scoring.errors import LeadGridError
from scoring.model.files import load_model_text
from scoring.model.validation import validate_model

from . import state
from .data import UPLOAD, DatasetChoice

ROOT = Path(__file__).resolve().parent.parent
HISTORY_KEPT = 500
STEPS_KEPT = 50  # undo and redo steps kept with the draft (each a model and its baseline)


def home() -> Path:
    """The workspace: $LEADGRID_HOME, by default .leadgrid beside the app."""
    return Path(os.environ.get("LEADGRID_HOME", ROOT / ".leadgrid"))


def store() -> DraftStore:
    return DraftStore(home() / "drafts")


def _session_draft() -> Draft:
    return Draft(
        st.session_state[state.DRAFT_ID], state.model(), state.baseline(), st.session_state[state.DRAFT_REVISION],
        {"dataset": st.session_state[state.DATASET].as_dict(),
         "history": [entry.as_dict() for entry in state.history()][-HISTORY_KEPT:],
         "undo": _saved_steps(st.session_state[state.UNDO]), "redo": _saved_steps(st.session_state[state.REDO]),
         "per_month": _saved_per_month()},
        baseline_text=state.baseline_text(),
    )


def _saved_steps(stack: list[state.Snapshot]) -> list[dict]:
    """The newest ``STEPS_KEPT`` snapshots of an undo or redo stack, so undo works after a
    refresh. Each model is written once as compact JSON text (kept on the snapshot, which never
    changes); a snapshot whose baseline is the session's own says so instead of repeating it."""
    current, current_text = state.baseline(), state.baseline_text()
    saved = []
    for snapshot in stack[-STEPS_KEPT:]:
        same = snapshot.baseline is current and snapshot.baseline_text == current_text
        saved.append({"model": _json_of(snapshot, "model"), "baseline": None if same else _json_of(snapshot, "baseline"),
                      "baseline_text": None if same else snapshot.baseline_text, "same_baseline": same,
                      "dataset": None if snapshot.dataset is None else snapshot.dataset.as_dict(),
                      "text": snapshot.text})
    return saved


def _json_of(snapshot: state.Snapshot, part: str) -> str:
    cache = snapshot.__dict__.setdefault("_json", {})  # a frozen dataclass: a cache, not a change
    if part not in cache:
        model = getattr(snapshot, part)
        cache[part] = json.dumps(model.model_dump(mode="json", by_alias=True, exclude_none=True),
                                 separators=(",", ":"), allow_nan=False)
    return cache[part]


def _restored_steps(saved: list[dict], draft: Draft) -> list[state.Snapshot]:
    """The snapshots ``_saved_steps`` wrote; a step that no longer reads as a model (the
    format moved on) ends the stack there: undo goes back as far as it can, never wrong."""
    steps = []
    for entry in saved:
        try:
            dataset = None if entry.get("dataset") is None else DatasetChoice(**entry["dataset"])
            same = bool(entry.get("same_baseline"))
            baseline = draft.baseline if same else validate_model(json.loads(entry["baseline"]))
            snapshot = state.Snapshot(validate_model(json.loads(entry["model"])), baseline, dataset,
                                      str(entry["text"]), draft.baseline_text if same else entry.get("baseline_text"))
        except (LeadGridError, KeyError, TypeError, ValueError):
            steps = []  # the older steps lead to this one: without it they cannot be reached
            continue
        steps.append(snapshot)
    return steps


def save() -> None:
    """Write the session to its draft. A full disk or another tab's newer save is told to
    the user; the session keeps its model either way."""
    if st.session_state.get(state.DRAFT_CONFLICT):
        return  # the user decides first: reload or save as a copy
    try:
        st.session_state[state.DRAFT_REVISION] = store().save(_session_draft())
    except StaleDraft as conflict:
        st.session_state[state.DRAFT_CONFLICT] = str(conflict)
    except DraftError as error:
        state.notice(f"Not saved: {error}")


def save_uploads(uploads: dict) -> None:
    files = {role: uploads[role] for role in ("leads", "activities") if role in uploads}
    try:
        store().save_uploads(st.session_state[state.DRAFT_ID], files)
    except DraftError as error:
        state.error(f"{error}. The files are used in this session but will not be there after a restart.")


def _restore(draft_id: str) -> None:
    """Make the saved draft this session's; raises ``DraftError`` and changes nothing when
    it cannot be read."""
    draft = store().load(draft_id)
    choice = DatasetChoice(**draft.state.get("dataset", {}))
    if choice.key not in CATALOGUE and not draft.uploads and not choice.paths:  # paths: files on this machine
        choice = DatasetChoice()
    entries = [state.HistoryEntry(**entry) for entry in draft.state.get("history", [])]
    state.start(draft.model, draft.baseline, draft_id, choice, entries,
                dict(draft.uploads) if choice.key == UPLOAD else {}, draft.revision, draft.baseline_text)
    st.session_state[state.UNDO] = _restored_steps(draft.state.get("undo", []), draft)
    st.session_state[state.REDO] = _restored_steps(draft.state.get("redo", []), draft)
    _restore_per_month(draft.state.get("per_month"))
    st.session_state.pop(state.DRAFT_CONFLICT, None)


def _saved_per_month() -> dict[str, object] | None:
    """The sidebar's per-month window (its picker's spelling, and a range's two days)."""
    picked = st.session_state.get(state.PER_MONTH)
    if picked is None:
        return None
    days = st.session_state.get(state.PER_MONTH_RANGE)
    both = isinstance(days, tuple | list) and len(days) == 2 and all(isinstance(d, dt.date) for d in days)
    return {"choice": str(picked), "range": [d.isoformat() for d in days] if both else None}


def _restore_per_month(saved: object) -> None:
    """The window a reopened draft was counting over; an unreadable one leaves the default."""
    if not isinstance(saved, dict) or not isinstance(saved.get("choice"), str):
        return
    st.session_state[state.PER_MONTH] = saved["choice"]
    days = saved.get("range")
    with contextlib.suppress(TypeError, ValueError):
        if isinstance(days, list) and len(days) == 2:
            st.session_state[state.PER_MONTH_RANGE] = tuple(dt.date.fromisoformat(day) for day in days)


def open_draft(draft_id: str) -> bool:
    """Switch this session to a saved draft (keeps the draft's own id); False, with the
    reason shown, when it cannot be opened."""
    try:
        _restore(draft_id)
    except DraftError as error:
        state.error(str(error))
        return False
    st.query_params["draft"] = draft_id
    state.reset_widgets()
    return True


def save_as_copy() -> None:
    """After a conflict: keep this session's model as a new draft."""
    st.session_state.pop(state.DRAFT_CONFLICT, None)
    st.session_state[state.DRAFT_ID] = new_id()
    st.session_state[state.DRAFT_REVISION] = 0
    st.query_params["draft"] = st.session_state[state.DRAFT_ID]
    if st.session_state[state.DATASET].key == UPLOAD:
        save_uploads(st.session_state[state.UPLOADS])
    save()
    state.notice("Saved as a new draft; the other tab's draft is unchanged.")


def reload() -> None:
    """After a conflict: drop this session's unsaved change and open the draft as saved."""
    if open_draft(st.session_state[state.DRAFT_ID]):
        state.notice("Reloaded the draft as the other tab saved it.")


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def init() -> None:
    """Set up the session once: reopen the draft named in the address bar, or start from the
    sample data and its model under a new draft id (written on the first change)."""
    state.persist_with(save, save_uploads)  # state, below this module, saves through these
    if state.MODEL in st.session_state:
        return
    wanted = st.query_params.get("draft")
    if wanted and store().exists(wanted):
        try:
            _restore(wanted)
            return
        except DraftError as error:
            state.error(f"{error}. You are working on a new draft; the old one is left as it was.")
    elif wanted and is_draft_id(wanted):
        state.notice(f"Draft {wanted} has no saved changes (or was deleted): this is a new draft.")
    start, text = load_model_text(SAMPLE.model_path)
    draft_id = new_id()
    state.start(start, start, draft_id, DatasetChoice(), [], {}, 0, text)
    state.record(f"Opened {SAMPLE.model_path.name}", "load")
    st.query_params["draft"] = draft_id


def keep_draft_in_url() -> None:
    """Put the draft id back in the address bar (page links drop query parameters), so a
    refresh on any page reopens this draft."""
    if st.query_params.get("draft") != st.session_state[state.DRAFT_ID]:
        st.query_params["draft"] = st.session_state[state.DRAFT_ID]
