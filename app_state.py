"""The designer's session: the model being edited, undo/redo, the data, and the draft on disk.

Every session key the app uses is declared here. Pages read the model with
``model()``, change it only through ``apply()``, and score through
``current_preview()``, which reuses the ``Scorer`` kept for the session's data.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import scoring
from scoring.datasets import DATASETS, PublicDataset
from scoring.diff import summarize_changes
from scoring.engine import Scorer
from scoring.metrics import Outcomes, Preview, preview

ROOT = Path(__file__).resolve().parent
WIDGET_PREFIX = "w:"
MAX_UNDO = 200

# Session keys
MODEL = "model"
BASELINE = "baseline"  # the model as loaded, for "changed since loaded"
UNDO = "undo_stack"
REDO = "redo_stack"
HISTORY = "history"
DRAFT_ID = "draft_id"
DATASET = "dataset"
UPLOADS = "uploads"  # {"leads": (name, bytes), "activities": (name, bytes)}
PREVIEW_MEMO = "preview_memo"
NOTICE = "notice"


@dataclass(frozen=True)
class Dataset:
    """A set of historical leads the app can open, and the model that goes with it."""

    key: str
    title: str
    model: Path
    note: str = ""
    found: bool = True
    where: Path | None = None


SAMPLE_LEADS = ROOT / "sample_data" / "leads.csv"
SAMPLE_ACTIVITIES = ROOT / "sample_data" / "activities.csv"
SAMPLE = Dataset(
    "sample", "Sample B2B leads (ships with LeadGrid)", ROOT / "configs" / "default.yaml",
    "6,000 synthetic leads with activities and outcomes, made by scoring.synth.", True, SAMPLE_LEADS.parent,
)


def _public(dataset: PublicDataset) -> Dataset:
    folder = dataset.default_dir()
    return Dataset(dataset.key, dataset.title, dataset.model_path, f"{dataset.licence}. {dataset.attribution}",
                   dataset.found_in(folder), folder)


BUILT_IN = {SAMPLE.key: SAMPLE} | {key: _public(dataset) for key, dataset in DATASETS.items()}

@dataclass
class HistoryEntry:
    at: float
    text: str
    kind: str = "edit"  # edit, undo, redo, load

    def as_dict(self) -> dict[str, object]:
        return {"at": self.at, "text": self.text, "kind": self.kind}


@dataclass
class DatasetChoice:
    """What the session scores against: a built-in dataset or uploads. The column mapping
    is part of the model (its ``columns`` section), so it is exported and undone with it."""

    key: str = SAMPLE.key
    as_of: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "as_of": self.as_of}


def drafts_dir() -> Path:
    """Where drafts are saved: $LEADGRID_HOME/drafts, by default .leadgrid/drafts beside the app."""
    return Path(os.environ.get("LEADGRID_HOME", ROOT / ".leadgrid")) / "drafts"


# ----- data ---------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=8)
def _built_in_frames(key: str, stamp: float):
    if key == SAMPLE.key:
        return scoring.read_table(SAMPLE_LEADS), scoring.read_table(SAMPLE_ACTIVITIES)
    return DATASETS[key].load()


@st.cache_resource(show_spinner=False, max_entries=8)
def _built_in_scorer(key: str, stamp: float, mapping_json: str, as_of: str | None) -> Scorer:
    leads, activities = _built_in_frames(key, stamp)
    return Scorer(leads, activities, as_of, mapping=json.loads(mapping_json))


def _stamp(key: str) -> float:
    """Changes when the dataset's files change, so the cached tables are read again."""
    if key == SAMPLE.key:
        paths = [SAMPLE_LEADS, SAMPLE_ACTIVITIES]
    else:
        dataset = DATASETS[key]
        paths = [dataset.default_dir() / name for name in dataset.files]
    return sum(path.stat().st_mtime for path in paths if path.exists())


def dataset_choice() -> DatasetChoice:
    return st.session_state[DATASET]


def mapping() -> dict[str, dict[str, str]]:
    """The current model's column mapping (model field -> file column) for leads and activities."""
    return model().column_mapping()


def scorer() -> Scorer:
    """The session's Scorer: shared for built-in data, per session for uploads. Never re-reads a file."""
    choice = dataset_choice()
    mapping_json = json.dumps(mapping(), sort_keys=True)
    if choice.key in BUILT_IN:
        return _built_in_scorer(choice.key, _stamp(choice.key), mapping_json, choice.as_of)
    cache_key = ("upload_scorer", mapping_json, choice.as_of, id(st.session_state[UPLOADS]))
    if st.session_state.get("upload_scorer_key") != cache_key:
        leads, activities = upload_frames()
        st.session_state["upload_scorer"] = Scorer(leads, activities, choice.as_of, mapping=mapping())
        st.session_state["upload_scorer_key"] = cache_key
    return st.session_state["upload_scorer"]


def upload_frames():
    uploads = st.session_state[UPLOADS]
    if "frames" not in uploads:
        name, raw = uploads["leads"]
        leads = scoring.read_table(raw, name)
        activities = scoring.read_table(*reversed(uploads["activities"])) if "activities" in uploads else None
        uploads["frames"] = (leads, activities)
    return uploads["frames"]


def raw_columns() -> tuple[list[str], list[str]]:
    """Column names of the current leads and activities files, before mapping."""
    choice = dataset_choice()
    if choice.key in BUILT_IN:
        leads, activities = _built_in_frames(choice.key, _stamp(choice.key))
    else:
        leads, activities = upload_frames()
    return list(leads.columns), [] if activities is None else list(activities.columns)


def use_uploads(leads: tuple[str, bytes], activities: tuple[str, bytes] | None) -> None:
    """Switch the session to uploaded files (checked by reading them before switching)."""
    candidate = {"leads": leads} | ({"activities": activities} if activities else {})
    frames = (scoring.read_table(leads[1], leads[0]),
              scoring.read_table(activities[1], activities[0]) if activities else None)
    candidate["frames"] = frames
    st.session_state[UPLOADS] = candidate
    st.session_state[DATASET] = DatasetChoice(key="upload")
    reset_widgets()
    _save_uploads(candidate)
    save_draft()


def use_built_in(key: str) -> None:
    """Switch to a dataset that ships with (or is known to) LeadGrid, with the model written for it.
    Undo brings the previous model back."""
    _built_in_frames(key, _stamp(key))  # read first: a missing file must not switch anything
    load(scoring.load_model(BUILT_IN[key].model), f"Opened {BUILT_IN[key].title}", DatasetChoice(key=key))


def set_as_of(as_of: str | None) -> None:
    st.session_state[DATASET] = DatasetChoice(dataset_choice().key, as_of)
    save_draft()


# ----- the model and its history -------------------------------------------------------------

def model() -> scoring.LeadModel:
    return st.session_state[MODEL]


def baseline() -> scoring.LeadModel:
    return st.session_state[BASELINE]


def reset_widgets() -> None:
    """Forget widget values so every widget re-reads the model on the next run."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def _record(text: str, kind: str) -> None:
    st.session_state[HISTORY].append(HistoryEntry(time.time(), text, kind))


@dataclass(frozen=True)
class Snapshot:
    """What undo returns to: the model, the loaded version, and, for a step that switched
    the data set, the data set before it."""

    model: scoring.LeadModel
    baseline: scoring.LeadModel
    dataset: DatasetChoice | None
    text: str


def _push_undo(text: str, with_dataset: bool = False) -> None:
    snapshot = Snapshot(model(), baseline(), dataset_choice() if with_dataset else None, text)
    st.session_state[UNDO] = (st.session_state[UNDO] + [snapshot])[-MAX_UNDO:]
    st.session_state[REDO] = []


def _changed(text: str, kind: str) -> None:
    _record(text, kind)
    reset_widgets()
    save_draft()


def apply(new_model: scoring.LeadModel, text: str | None = None) -> bool:
    """Make ``new_model`` current, keeping the old one for undo. False when nothing changed."""
    current = model()
    if new_model == current:
        return False
    text = text or summarize_changes(current, new_model)
    _push_undo(text)
    st.session_state[MODEL] = new_model
    _changed(text, "edit")
    return True


def _step(source: str, target: str, verb: str) -> None:
    """Return to the newest snapshot on ``source``, keeping the present on ``target``."""
    if not st.session_state[source]:
        return
    snapshot = st.session_state[source].pop()
    present = dataset_choice() if snapshot.dataset is not None else None
    st.session_state[target].append(Snapshot(model(), baseline(), present, snapshot.text))
    st.session_state[MODEL] = snapshot.model
    st.session_state[BASELINE] = snapshot.baseline
    if snapshot.dataset is not None:
        st.session_state[DATASET] = snapshot.dataset
    _changed(f"{verb}: {snapshot.text}", verb.lower())


def undo() -> None:
    _step(UNDO, REDO, "Undo")


def redo() -> None:
    _step(REDO, UNDO, "Redo")


def load(new_model: scoring.LeadModel, text: str, dataset: DatasetChoice | None = None) -> None:
    """Start from another model (an upload, a dataset's model), on ``dataset`` when given;
    undo goes back to the model, and the data set, before it."""
    _push_undo(text, with_dataset=dataset is not None)
    if dataset is not None:
        st.session_state[DATASET] = dataset
    st.session_state[MODEL] = new_model
    st.session_state[BASELINE] = new_model
    _changed(text, "load")


def current_preview(outcomes: Outcomes | None = None) -> Preview:
    """The preview of the current model on the session's data, computed once per model."""
    outcomes = outcomes or Outcomes()
    memo_key = (model().model_dump_json(), json.dumps(dataset_choice().as_dict(), sort_keys=True),
                id(st.session_state[UPLOADS]), outcomes)
    memo = st.session_state.get(PREVIEW_MEMO)
    if memo is None or memo[0] != memo_key:
        memo = (memo_key, preview(model(), scorer(), outcomes))
        st.session_state[PREVIEW_MEMO] = memo
    return memo[1]


def notice(text: str) -> None:
    """A message for the next run (e.g. after a callback), shown once."""
    st.session_state[NOTICE] = text


# ----- drafts ----------------------------------------------------------------------------------

def _draft_folder(draft_id: str) -> Path:
    return drafts_dir() / draft_id


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def save_draft() -> None:
    """Write the model, the loaded version and the history to the session's draft folder."""
    folder = _draft_folder(st.session_state[DRAFT_ID])
    try:
        _write_atomic(folder / "model.yaml", scoring.dump_model(model()))
        _write_atomic(folder / "baseline.yaml", scoring.dump_model(baseline()))
        state = {
            "saved_at": time.time(),
            "name": model().name,
            "dataset": dataset_choice().as_dict(),
            "history": [entry.as_dict() for entry in st.session_state[HISTORY]][-500:],
        }
        _write_atomic(folder / "state.json", json.dumps(state, indent=1))
    except OSError as error:  # a full disk must not stop the workshop
        st.session_state[NOTICE] = f"Could not save the draft to {folder}: {error.strerror or error}"


def _save_uploads(uploads: dict) -> None:
    folder = _draft_folder(st.session_state[DRAFT_ID]) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for role in ("leads", "activities"):
        if role in uploads:
            name, raw = uploads[role]
            (folder / f"{role}__{Path(name).name}").write_bytes(raw)


def _restore_uploads(folder: Path) -> dict | None:
    uploads: dict = {}
    for path in sorted((folder / "uploads").glob("*__*")):
        role, _, name = path.name.partition("__")
        uploads[role] = (name, path.read_bytes())
    return uploads if "leads" in uploads else None


def list_drafts(limit: int = 10) -> list[dict[str, object]]:
    """The most recently saved drafts: id, model name, time."""
    drafts = []
    for state_file in drafts_dir().glob("*/state.json"):
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        drafts.append({"id": state_file.parent.name, "name": state.get("name", "?"),
                       "saved_at": state.get("saved_at", 0)})
    return sorted(drafts, key=lambda d: d["saved_at"], reverse=True)[:limit]


def _restore(draft_id: str) -> bool:
    folder = _draft_folder(draft_id)
    try:
        current = scoring.load_model(folder / "model.yaml")
        loaded = scoring.load_model(folder / "baseline.yaml")
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, scoring.ModelError):
        return False
    choice = DatasetChoice(**state.get("dataset", {}))
    uploads = _restore_uploads(folder) if choice.key not in BUILT_IN else None
    if choice.key not in BUILT_IN and uploads is None:
        choice = DatasetChoice()
    st.session_state.update({
        MODEL: current, BASELINE: loaded, UNDO: [], REDO: [], DRAFT_ID: draft_id, DATASET: choice,
        UPLOADS: uploads or {},
        HISTORY: [HistoryEntry(**entry) for entry in state.get("history", [])],
    })
    _record("Draft restored", "load")
    return True


def open_draft(draft_id: str) -> bool:
    """Switch this session to a saved draft (keeps the draft's own id)."""
    if _restore(draft_id):
        st.query_params["draft"] = draft_id
        reset_widgets()
        return True
    return False


def init() -> None:
    """Set up the session once: restore the draft named in the URL, or start a new one."""
    if MODEL in st.session_state:
        return
    draft_id = st.query_params.get("draft")
    if draft_id and _is_draft_id(draft_id) and _restore(draft_id):
        return
    start = scoring.load_model(SAMPLE.model)
    new_id = uuid.uuid4().hex[:12]
    st.session_state.update({
        MODEL: start, BASELINE: start, UNDO: [], REDO: [], HISTORY: [], DRAFT_ID: new_id,
        DATASET: DatasetChoice(), UPLOADS: {},
    })
    _record(f"Opened {SAMPLE.model.name}", "load")
    st.query_params["draft"] = new_id
    save_draft()


def keep_draft_in_url() -> None:
    """Put the draft id back in the address bar (page links drop query parameters), so a
    refresh on any page reopens this draft."""
    if st.query_params.get("draft") != st.session_state[DRAFT_ID]:
        st.query_params["draft"] = st.session_state[DRAFT_ID]


def _is_draft_id(text: str) -> bool:
    return 0 < len(text) <= 64 and all(ch.isalnum() or ch in "-_" for ch in text)


def widget_key(*parts: object) -> str:
    """A stable widget key, e.g. ``w:weight:industry``; cleared by ``reset_widgets``."""
    return WIDGET_PREFIX + ":".join(str(part) for part in parts)


def seed(key: str, value: object) -> str:
    """Give a widget its value from the model unless the user has moved it since."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key
