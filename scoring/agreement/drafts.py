"""Drafts on disk: the model being edited, the model as loaded, the change history and the
uploaded files of one designer session, so a refresh or a restart loses nothing.

A ``DraftStore`` is a folder with one subfolder per draft id; it knows nothing of
Streamlit, so the CLI and the tests use it as the app does. Every file goes through
``write_atomic``, and none through a symbolic link that leads outside the drafts folder. Each save carries a revision number: a save based on an older revision
than the one on disk (the same draft edited in two browser tabs) raises ``StaleDraft``
instead of silently dropping the other tab's change.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scoring.data.fileio import LOCK_FILE, locked, refuse_leaving, write_atomic
from scoring.errors import LeadGridError, ModelError
from scoring.model.files import dump_model, load_model, load_model_text, reads_as
from scoring.model.schema import LeadModel

MODEL_FILE = "model.yaml"
BASELINE_FILE = "baseline.yaml"
STATE_FILE = "state.json"
UPLOADS_FILE = "uploads.json"
UPLOADS_FOLDER = "uploads"
_DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class DraftError(LeadGridError):
    """A draft that cannot be read or written; the message names the draft and the cause."""


class StaleDraft(DraftError):
    """The draft changed on disk since this session read it (another tab saved it)."""

    def __init__(self, draft_id: str, expected: int, found: int):
        self.draft_id, self.expected, self.found = draft_id, expected, found
        super().__init__(f"draft {draft_id} was changed elsewhere (revision {found}, this session has "
                         f"{expected}): reload it, or keep your version as a copy")


def is_draft_id(text: str) -> bool:
    return bool(_DRAFT_ID.fullmatch(text or ""))


@dataclass
class Draft:
    """One draft as read from disk."""

    id: str
    model: LeadModel
    baseline: LeadModel
    revision: int = 0
    state: dict[str, Any] = field(default_factory=dict)  # dataset choice, history, free keys
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # role -> (file name, bytes)
    # the YAML file the baseline was read from: kept as the baseline's file, and the model
    # is written onto it, so the draft keeps the file's comments and layout
    baseline_text: str | None = None


@dataclass(frozen=True)
class DraftInfo:
    """What a list of drafts shows."""

    id: str
    name: str
    title: str  # the user's name for the draft, or the model's name
    saved_at: float
    last_change: str
    revision: int


def _baseline_file(draft: Draft) -> str:
    """The baseline's own file when the draft has it (and it still reads as the baseline),
    else the baseline written plainly."""
    if draft.baseline_text is not None and reads_as(draft.baseline_text, draft.baseline):
        return draft.baseline_text
    return dump_model(draft.baseline)


class DraftStore:
    """The drafts under ``folder`` (by default ``$LEADGRID_HOME/drafts``)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, draft_id: str) -> Path:
        if not is_draft_id(draft_id):
            raise DraftError(f"'{draft_id}' is not a draft id (letters, digits, - and _; at most 64)")
        return self.folder / draft_id

    def exists(self, draft_id: str) -> bool:
        return is_draft_id(draft_id) and (self.path(draft_id) / STATE_FILE).is_file()

    # ----- writing

    def save(self, draft: Draft) -> int:
        """Write ``draft`` as the next revision and return it. Raises ``StaleDraft`` when the
        revision on disk is not ``draft.revision``, ``DraftError`` when the disk refuses."""
        folder = self.path(draft.id)
        self._refuse_links_out(folder, LOCK_FILE, MODEL_FILE, BASELINE_FILE, STATE_FILE)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with locked(folder):
                found = self._revision_on_disk(folder)
                if found != draft.revision:
                    raise StaleDraft(draft.id, draft.revision, found)
                revision = draft.revision + 1
                write_atomic(folder / MODEL_FILE, dump_model(draft.model, like=draft.baseline_text))
                write_atomic(folder / BASELINE_FILE, _baseline_file(draft))
                state = {**draft.state, "revision": revision, "saved_at": time.time(), "name": draft.model.name}
                write_atomic(folder / STATE_FILE, json.dumps(state, indent=1, allow_nan=False))
        except OSError as error:
            raise DraftError(f"could not save draft {draft.id} to {folder}: {error.strerror or error}") from None
        except ModelError as error:
            raise DraftError(f"could not save draft {draft.id}: {error}") from None
        draft.revision = revision
        draft.state = state
        return revision

    def save_uploads(self, draft_id: str, uploads: dict[str, tuple[str, bytes]]) -> None:
        """Keep the uploaded files with the draft. Files are stored under their content hash
        and switched in by one atomic write of the manifest, so a failure leaves the previous
        uploads as they were."""
        folder = self.path(draft_id) / UPLOADS_FOLDER
        self._refuse_links_out(self.path(draft_id), UPLOADS_FOLDER, UPLOADS_FILE)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            manifest = {}
            for role, (name, raw) in uploads.items():
                stored = f"{role}-{hashlib.sha256(raw).hexdigest()[:24]}"
                self._refuse_links_out(folder, stored)
                if not (folder / stored).is_file():
                    write_atomic(folder / stored, raw)
                manifest[role] = {"name": Path(name).name, "file": stored}
            write_atomic(self.path(draft_id) / UPLOADS_FILE, json.dumps(manifest, indent=1))
        except OSError as error:
            raise DraftError(f"could not keep the uploaded files with draft {draft_id} in {folder}: "
                             f"{error.strerror or error}") from None
        kept = {entry["file"] for entry in manifest.values()}
        for old in folder.iterdir():
            if old.name not in kept and not old.name.startswith("."):
                old.unlink(missing_ok=True)

    def rename(self, draft_id: str, title: str) -> None:
        """Give a draft a name of its own (shown in lists instead of the model's name)."""
        folder = self.path(draft_id)
        if not self.exists(draft_id):
            raise DraftError(f"draft {draft_id} not found in {self.folder}")
        self._refuse_links_out(folder, LOCK_FILE, STATE_FILE)
        with locked(folder):
            state = self._state(draft_id)
            state["title"] = title.strip()
            try:
                write_atomic(folder / STATE_FILE, json.dumps(state, indent=1, allow_nan=False))
            except OSError as error:
                raise DraftError(f"could not rename draft {draft_id}: {error.strerror or error}") from None

    def delete(self, draft_id: str) -> None:
        folder = self.path(draft_id)
        if not folder.is_dir():
            raise DraftError(f"draft {draft_id} does not exist")
        self._refuse_links_out(folder)
        shutil.rmtree(folder)

    def _refuse_links_out(self, folder: Path, *names: str) -> None:
        """Refuse ``folder`` (a draft's) and the files ``names`` in it when a symbolic link
        among them leads outside the drafts folder: nothing is written, or deleted, there."""
        refuse_leaving(self.folder, folder, *(folder / name for name in names), error=DraftError)

    # ----- reading

    def load(self, draft_id: str) -> Draft:
        """The draft, or ``DraftError`` saying why it cannot be opened."""
        folder = self.path(draft_id)
        if not (folder / STATE_FILE).is_file():
            raise DraftError(f"draft {draft_id} not found in {self.folder}")
        state = self._state(draft_id)
        try:
            model = load_model(folder / MODEL_FILE)
            baseline, baseline_text = load_model_text(folder / BASELINE_FILE)
        except ModelError as error:
            raise DraftError(f"draft {draft_id} cannot be opened: {error}") from None
        return Draft(draft_id, model, baseline, int(state.get("revision", 0)), state, self._uploads(draft_id),
                     baseline_text)

    def list(self, limit: int | None = None) -> list[DraftInfo]:
        """The drafts, most recently saved first; unreadable ones are left out."""
        infos = []
        for state_file in self.folder.glob(f"*/{STATE_FILE}"):
            try:
                state = json.loads(state_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            history = state.get("history") or []
            edits = [entry for entry in history if entry.get("kind") != "load"]
            last = (edits or history or [{}])[-1].get("text", "")
            name = str(state.get("name", "?"))
            infos.append(DraftInfo(state_file.parent.name, name, str(state.get("title") or name),
                                   float(state.get("saved_at", 0)), last, int(state.get("revision", 0))))
        infos.sort(key=lambda info: info.saved_at, reverse=True)
        return infos if limit is None else infos[:limit]

    def _state(self, draft_id: str) -> dict[str, Any]:
        path = self.path(draft_id) / STATE_FILE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise DraftError(f"draft {draft_id} cannot be opened: {path} is unreadable ({error})") from None
        if not isinstance(state, dict):
            raise DraftError(f"draft {draft_id} cannot be opened: {path} is not a JSON object")
        return state

    def _uploads(self, draft_id: str) -> dict[str, tuple[str, bytes]]:
        manifest_path = self.path(draft_id) / UPLOADS_FILE
        if not manifest_path.is_file():
            return {}
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            folder = self.path(draft_id) / UPLOADS_FOLDER
            return {role: (entry["name"], (folder / entry["file"]).read_bytes())
                    for role, entry in manifest.items()}
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise DraftError(f"draft {draft_id}: its uploaded files cannot be read ({error})") from None

    def _revision_on_disk(self, folder: Path) -> int:
        try:
            return int(json.loads((folder / STATE_FILE).read_text(encoding="utf-8")).get("revision", 0))
        except FileNotFoundError:
            return 0
        except (ValueError, AttributeError):
            return -1  # unreadable: no session can claim to be based on it

