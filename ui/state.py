"""The designer's session: the model being edited, its undo/redo stacks and change history.

Every ``st.session_state`` key the app uses is declared here, pages' own keys included.
Pages read the model with ``model()`` and change it only through ``apply()`` or
``load()``; each change is recorded in words, kept for undo, and saved to the draft.

The bottom floor of ``ui``: it imports no other ``ui`` module. ``ui.drafts`` (above it, and
above ``ui.data``) hands it the draft's save functions with ``persist_with`` when a run starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

import scoring
from scoring.agreement.signoff import edited
from scoring.model.diff import summarize_changes

MAX_UNDO = 200
WIDGET_PREFIX = "w:"  # widget keys the model seeds; cleared whenever the model changes

# ----- session keys: the whole list
MODEL = "model"
BASELINE = "baseline"  # the model as loaded, for "changed since loaded"
BASELINE_TEXT = "baseline_text"  # the YAML file it was loaded from: edits are written onto it
UNDO = "undo_stack"
REDO = "redo_stack"
HISTORY = "history"
DRAFT_ID = "draft_id"
DRAFT_REVISION = "draft_revision"  # the revision on disk this session's edits build on
DRAFT_CONFLICT = "draft_conflict"  # set when another tab saved the same draft first
DATASET = "dataset"
UPLOADS = "uploads"  # {"leads": (name, bytes), "activities": (name, bytes), "frames": (...)}
UPLOAD_SCORER = "upload_scorer"  # (cache key, Scorer) for uploaded data
PREVIEW_MEMO = "preview_memo"  # (cache key, Preview) of the current model
NOTICE = "notice"  # a message for the next run
ERROR = "error"  # an error for the next run (e.g. a draft that could not be opened)
# page keys
LAST_WEIGHT_MOVED = "last_weight_moved"
WEIGHTS_REFUSED = "weights_refused"  # (model, weights, why): the weight sliders' last refused check
SELECTED_CELL = "selected_cell"
LAST_CLICKED_CELL = "matrix_last_clicked"
MATRIX_METRIC = "matrix_metric"
MATRIX_SEGMENT = "matrix_segment"  # the Matrix page's segment column and value
MATRIX_SEGMENT_VALUE = "matrix_segment_value"
FUNNEL_CELL = "funnel_cell"  # the After hand-over page: its cell, segment column and value
FUNNEL_SEGMENT = "funnel_segment"
FUNNEL_SEGMENT_VALUE = "funnel_segment_value"
FUNNEL_LAST_CLICKED = "funnel_last_clicked"
COMPARE_SOURCE = "compare_source"  # what the draft is compared with: loaded, version, file
COMPARE_VERSION = "compare_version"
COMPARE_UPLOAD = "compare_upload"
DRIFT_SPLIT = "drift_split"  # the first day of the later period
DRIFT_WINDOW = "drift_window"  # months either side of the split, 0 for everything
DRIFT_MEMO = "drift_memo"  # (cache key, periods and their Scorers)
DRIFT_OUTCOME = "drift_outcome"
PER_MONTH = "per_month"  # the window per-month figures count (ui.per_month.CHOICES: a --per-month spelling)
PER_MONTH_RANGE = "per_month_range"  # its two days, when the window is a date range


@dataclass
class _Persistence:
    """How the session is saved: ``ui.drafts`` registers its draft store here (``persist_with``)."""

    save: Callable[[], None] | None = None
    save_uploads: Callable[[dict], None] | None = None


_persistence = _Persistence()


def persist_with(save: Callable[[], None], save_uploads: Callable[[dict], None]) -> None:
    """Save the session with ``save`` after each change and uploaded files with ``save_uploads``."""
    _persistence.save, _persistence.save_uploads = save, save_uploads


def save() -> None:
    """Save the session (the draft): after every change, by ``changed`` and the data switches."""
    if _persistence.save is None:
        raise RuntimeError("no draft store registered: ui.drafts.init() registers it when a run starts")
    _persistence.save()


def save_uploads(uploads: dict) -> None:
    """Keep uploaded files with the draft."""
    if _persistence.save_uploads is None:
        raise RuntimeError("no draft store registered: ui.drafts.init() registers it when a run starts")
    _persistence.save_uploads(uploads)


@dataclass
class HistoryEntry:
    at: float
    text: str
    kind: str = "edit"  # edit, undo, redo, load

    def as_dict(self) -> dict[str, object]:
        return {"at": self.at, "text": self.text, "kind": self.kind}


@dataclass(frozen=True)
class Snapshot:
    """What undo returns to: the model, the loaded version, and, for a step that switched
    the data set, the data set before it."""

    model: scoring.LeadModel
    baseline: scoring.LeadModel
    dataset: object | None
    text: str
    baseline_text: str | None = None


def model() -> scoring.LeadModel:
    return st.session_state[MODEL]


def baseline() -> scoring.LeadModel:
    return st.session_state[BASELINE]


def baseline_text() -> str | None:
    """The text of the YAML file the model was loaded from, when there was one: the model
    is written onto it (``dump_model(model, like=...)``) so its comments and layout stay."""
    return st.session_state.get(BASELINE_TEXT)


def history() -> list[HistoryEntry]:
    return st.session_state[HISTORY]


def start(current: scoring.LeadModel, loaded: scoring.LeadModel, draft_id: str, dataset: object,
          entries: list[HistoryEntry], uploads: dict, revision: int, loaded_text: str | None = None) -> None:
    """Fill every key of a new session at once."""
    st.session_state.update({
        MODEL: current, BASELINE: loaded, BASELINE_TEXT: loaded_text, UNDO: [], REDO: [], HISTORY: entries,
        DRAFT_ID: draft_id, DRAFT_REVISION: revision, DATASET: dataset, UPLOADS: uploads,
    })


def record(text: str, kind: str) -> None:
    st.session_state[HISTORY].append(HistoryEntry(time.time(), text, kind))


def reset_widgets() -> None:
    """Forget widget values so every widget re-reads the model on the next run."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def widget_key(*parts: object) -> str:
    """A stable widget key, e.g. ``w:weight:industry``; cleared by ``reset_widgets``."""
    return WIDGET_PREFIX + ":".join(str(part) for part in parts)


def seed(key: str, value: object) -> str:
    """Give a widget its value from the model unless the user has moved it since."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def notice(text: str) -> None:
    """A message for the next run (e.g. after a callback), shown once."""
    st.session_state[NOTICE] = text


def error(text: str) -> None:
    """An error for the next run, shown once with ``st.error``."""
    st.session_state[ERROR] = text


def _push_undo(text: str, dataset: object | None = None) -> None:
    snapshot = Snapshot(model(), baseline(), dataset, text, baseline_text())
    st.session_state[UNDO] = (st.session_state[UNDO] + [snapshot])[-MAX_UNDO:]
    st.session_state[REDO] = []


def changed(text: str, kind: str) -> None:
    """After a change: one history entry, widgets re-read the model, the draft is saved."""
    record(text, kind)
    reset_widgets()
    save()


def apply(new_model: scoring.LeadModel, text: str | None = None) -> bool:
    """Make ``new_model`` current, keeping the old one for undo. False when nothing changed."""
    current = model()
    new_model = edited(current, new_model)
    if new_model == current:
        return False
    text = text or summarize_changes(current, new_model)
    _push_undo(text)
    st.session_state[MODEL] = new_model
    changed(text, "edit")
    return True


def change_dataset(dataset: object, text: str) -> None:
    """Score the same model against another reading of the data (its hand-over moment, its
    as-of): one history entry and one undo step, which brings the previous reading back."""
    _push_undo(text, st.session_state[DATASET])
    st.session_state[DATASET] = dataset
    changed(text, "data")


def load(new_model: scoring.LeadModel, text: str, dataset: object | None = None, source: str | None = None) -> None:
    """Start from another model (an upload, a dataset's model), on ``dataset`` when given;
    ``source`` is the YAML text it was read from, kept so edits are written onto it. Undo
    goes back to the model, and the data set, before it."""
    _push_undo(text, st.session_state[DATASET] if dataset is not None else None)
    if dataset is not None:
        st.session_state[DATASET] = dataset
    st.session_state[MODEL] = new_model
    st.session_state[BASELINE] = new_model
    st.session_state[BASELINE_TEXT] = source
    changed(text, "load")


def _step(source: str, target: str, verb: str) -> None:
    """Return to the newest snapshot on ``source``, keeping the present on ``target``."""
    if not st.session_state[source]:
        return
    snapshot = st.session_state[source].pop()
    present = st.session_state[DATASET] if snapshot.dataset is not None else None
    st.session_state[target].append(Snapshot(model(), baseline(), present, snapshot.text, baseline_text()))
    st.session_state[MODEL] = snapshot.model
    st.session_state[BASELINE] = snapshot.baseline
    st.session_state[BASELINE_TEXT] = snapshot.baseline_text
    if snapshot.dataset is not None:
        st.session_state[DATASET] = snapshot.dataset
    changed(f"{verb}: {snapshot.text}", verb.lower())


def undo() -> None:
    _step(UNDO, REDO, "Undo")


def redo() -> None:
    _step(REDO, UNDO, "Redo")
