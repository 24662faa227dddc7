"""The historical leads the session scores against: a dataset of the catalogue
(``scoring.datasets.CATALOGUE``: the sample and the public datasets) or uploaded files,
with the ``Scorer`` prepared once per data set and mapping, and the current preview."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import scoring
from scoring.datasets import CATALOGUE, SAMPLE, PublicDataset
from scoring.engine import Scorer
from scoring.metrics import Outcomes, Preview, preview

from . import state

UPLOAD = "upload"


@dataclass
class DatasetChoice:
    """What the session scores against: a catalogue key or ``"upload"``. The column mapping
    is part of the model (its ``columns`` section), so it is exported and undone with it."""

    key: str = SAMPLE.key
    as_of: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "as_of": self.as_of}


def available() -> dict[str, PublicDataset]:
    """The catalogue's datasets whose files are on this machine."""
    return {key: dataset for key, dataset in CATALOGUE.items() if dataset.found_in(dataset.default_dir())}


def absent() -> list[PublicDataset]:
    return [dataset for key, dataset in CATALOGUE.items() if key not in available()]


def choice() -> DatasetChoice:
    return st.session_state[state.DATASET]


def mapping() -> dict[str, dict[str, str]]:
    """The current model's column mapping (model field -> file column) for leads and activities."""
    return state.model().column_mapping()


def _stamp(key: str) -> float:
    """Changes when the dataset's files change, so the cached tables are read again."""
    dataset = CATALOGUE[key]
    folder = dataset.default_dir()
    return sum((folder / name).stat().st_mtime for name in dataset.files if (folder / name).exists())


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalogue_frames(key: str, stamp: float) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    return CATALOGUE[key].load()


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalogue_scorer(key: str, stamp: float, mapping_json: str, as_of: str | None) -> Scorer:
    leads, activities = _catalogue_frames(key, stamp)
    return Scorer(leads, activities, as_of, mapping=json.loads(mapping_json))


def frames() -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The session's leads and activities tables as read, before mapping."""
    current = choice()
    if current.key in CATALOGUE:
        return _catalogue_frames(current.key, _stamp(current.key))
    uploads = st.session_state[state.UPLOADS]
    if "frames" not in uploads:
        name, raw = uploads["leads"]
        leads = scoring.read_table(raw, name)
        activities = scoring.read_table(*reversed(uploads["activities"])) if "activities" in uploads else None
        uploads["frames"] = (leads, activities)
    return uploads["frames"]


def scorer() -> Scorer:
    """The session's Scorer: shared for catalogue data, per session for uploads. Never re-reads a file."""
    current = choice()
    mapping_json = json.dumps(mapping(), sort_keys=True)
    if current.key in CATALOGUE:
        return _catalogue_scorer(current.key, _stamp(current.key), mapping_json, current.as_of)
    cache_key = (mapping_json, current.as_of, id(st.session_state[state.UPLOADS]))
    cached = st.session_state.get(state.UPLOAD_SCORER)
    if cached is None or cached[0] != cache_key:
        leads, activities = frames()
        cached = (cache_key, Scorer(leads, activities, current.as_of, mapping=mapping()))
        st.session_state[state.UPLOAD_SCORER] = cached
    return cached[1]


def raw_columns() -> tuple[list[str], list[str]]:
    """Column names of the current leads and activities files, before mapping."""
    leads, activities = frames()
    return list(leads.columns), [] if activities is None else list(activities.columns)


def use_uploads(leads: tuple[str, bytes], activities: tuple[str, bytes] | None) -> None:
    """Switch the session to uploaded files (read first: a bad file switches nothing). The
    files are kept with the draft; when the disk refuses, the session still uses them and
    the page says they will not survive a restart."""
    from . import drafts

    candidate = {"leads": leads} | ({"activities": activities} if activities else {})
    candidate["frames"] = (scoring.read_table(leads[1], leads[0]),
                           scoring.read_table(activities[1], activities[0]) if activities else None)
    st.session_state[state.UPLOADS] = candidate
    st.session_state[state.DATASET] = DatasetChoice(key=UPLOAD)
    state.reset_widgets()
    drafts.save_uploads(candidate)
    drafts.save()


def use_catalogue(key: str) -> None:
    """Switch to a dataset of the catalogue, with the model written for it. Undo brings the
    previous model and data set back."""
    _catalogue_frames(key, _stamp(key))  # read first: a missing file must not switch anything
    dataset = CATALOGUE[key]
    state.load(scoring.load_model(dataset.model_path), f"Opened {dataset.title}", DatasetChoice(key=key))


def set_as_of(as_of: str | None) -> None:
    from . import drafts

    st.session_state[state.DATASET] = DatasetChoice(choice().key, as_of)
    drafts.save()


def current_preview(outcomes: Outcomes | None = None) -> Preview:
    """The preview of the current model on the session's data, computed once per model."""
    outcomes = outcomes or Outcomes()
    memo_key = (state.model().model_dump_json(), json.dumps(choice().as_dict(), sort_keys=True),
                id(st.session_state[state.UPLOADS]), outcomes)
    memo = st.session_state.get(state.PREVIEW_MEMO)
    if memo is None or memo[0] != memo_key:
        memo = (memo_key, preview(state.model(), scorer(), outcomes))
        st.session_state[state.PREVIEW_MEMO] = memo
    return memo[1]
