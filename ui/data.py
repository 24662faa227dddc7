"""The historical leads the session scores against: a dataset of the catalogue
(``scoring.data.datasets.CATALOGUE``: the sample and the public datasets), uploaded files, or
files opened by their path on this machine (large ones: a browser upload is capped), with
the ``Scorer`` prepared once per data set and mapping, and the current preview.

``leadgrid app --leads PATH --activities PATH`` starts the app with ``LEADGRID_LEADS`` and
``LEADGRID_ACTIVITIES`` set: a new session then opens those files instead of the sample."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

import scoring
from scoring.data.datasets import CATALOGUE, SAMPLE, PublicDataset
from scoring.data.quality import DataQuality, data_quality
from scoring.engine.handover import HandOver, as_of_choice
from scoring.engine.scorer import Scorer
from scoring.measures.metrics import Outcomes, Preview, preview
from scoring.model.files import load_model_text

from . import per_month, state, warm

T = TypeVar("T")
UPLOAD = "upload"
PATHS = "paths"
LEADS_ENV = "LEADGRID_LEADS"
ACTIVITIES_ENV = "LEADGRID_ACTIVITIES"


def startup_paths() -> tuple[str, str | None] | None:
    """The files the app was started with (``leadgrid app --leads ... --activities ...``)."""
    leads = os.environ.get(LEADS_ENV, "").strip()
    return (leads, os.environ.get(ACTIVITIES_ENV, "").strip() or None) if leads else None


def _startup_key() -> str:
    return PATHS if startup_paths() else SAMPLE.key


@dataclass
class DatasetChoice:
    """What the session scores against: a catalogue key, ``"upload"`` or ``"paths"`` (with
    ``paths``: the leads file and the activities file or None). ``DatasetChoice()`` is the
    data a new session opens: the files the app was started with, else the sample. The
    column mapping is part of the model (its ``columns`` section), so it is exported and
    undone with it."""

    key: str = field(default_factory=_startup_key)
    as_of: str | None = None
    paths: tuple[str, str | None] | None = None
    hand_over: str | None = None  # HandOver text (COLUMN, COLUMN+Nd, first:TYPE); None: scored_at

    def __post_init__(self) -> None:
        if self.key == PATHS and self.paths is None:
            self.paths = startup_paths()
        if self.paths is not None:
            self.paths = (str(self.paths[0]), None if self.paths[1] is None else str(self.paths[1]))

    def as_dict(self) -> dict[str, object]:
        return ({"key": self.key, "as_of": self.as_of} | ({"paths": list(self.paths)} if self.paths else {})
                | ({"hand_over": self.hand_over} if self.hand_over else {}))


def available() -> dict[str, PublicDataset]:
    """The catalogue's datasets whose files are on this machine."""
    return {key: dataset for key, dataset in CATALOGUE.items() if dataset.found_in(dataset.default_dir())}


def absent() -> list[PublicDataset]:
    return [dataset for key, dataset in CATALOGUE.items() if key not in available()]


def choice() -> DatasetChoice:
    return st.session_state[state.DATASET]


def source_name(current: DatasetChoice | None = None) -> str:
    """What the session's data is called where a page names it (the sign-off sheet): the
    catalogue dataset's title, else the leads file's name, uploaded or opened by path. Every
    kind of source has one, so a page never reads a source-specific session key for it."""
    current = current or choice()
    if current.key in CATALOGUE:
        return CATALOGUE[current.key].title
    if current.key == PATHS:
        return Path(current.paths[0]).name if current.paths else "files opened by path"
    uploaded = st.session_state.get(state.UPLOADS) or {}
    return uploaded["leads"][0] if "leads" in uploaded else "uploaded files"


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
def _catalogue_scorer(key: str, stamp: float, mapping_json: str, as_of: str | None,
                      hand_over: str | None = None) -> Scorer:
    leads, activities = _catalogue_frames(key, stamp)
    return Scorer(leads, activities, as_of, mapping=json.loads(mapping_json), hand_over=hand_over)


def _file_stamp(path: str | None) -> tuple[str, int, int] | None:
    """The file's resolved path, size and modification time: a changed file is read again.
    A missing or unreadable file is a one-line ``DataError``."""
    if path is None:
        return None
    try:
        resolved = Path(path).expanduser().resolve()
        info = resolved.stat()
    except OSError as error:
        raise scoring.DataError(f"cannot open the file: {error.strerror or error}", source=path) from None
    if not resolved.is_file():
        raise scoring.DataError("not a file", source=path)
    return str(resolved), info.st_size, info.st_mtime_ns


# Large data opened by path is shared by every session of this server (it is the same file),
# and kept for the two newest data sets or mappings only: a million leads take gigabytes.
@st.cache_resource(show_spinner="Reading a large file…", max_entries=4)
def _path_table(stamp: tuple[str, int, int]) -> pd.DataFrame:
    return scoring.read_table(stamp[0])


@st.cache_resource(show_spinner="Preparing the leads for scoring…", max_entries=2)
def _path_scorer(leads: tuple[str, int, int], activities: tuple[str, int, int] | None, mapping_json: str,
                 as_of: str | None, hand_over: str | None = None) -> Scorer:
    return Scorer(_path_table(leads), None if activities is None else _path_table(activities), as_of,
                  mapping=json.loads(mapping_json), hand_over=hand_over)


def _path_stamps(paths: tuple[str, str | None]) -> tuple[tuple[str, int, int], tuple[str, int, int] | None]:
    leads = _file_stamp(paths[0])
    assert leads is not None
    return leads, _file_stamp(paths[1])


def frames() -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The session's leads and activities tables as read, before mapping."""
    current = choice()
    if current.key in CATALOGUE:
        return _catalogue_frames(current.key, _stamp(current.key))
    if current.key == PATHS:
        if not current.paths:
            raise scoring.DataError(f"no leads file given (set {LEADS_ENV} or open one on the Data page)")
        leads, activities = _path_stamps(current.paths)
        return _path_table(leads), None if activities is None else _path_table(activities)
    uploads = st.session_state[state.UPLOADS]
    if "frames" not in uploads:
        name, raw = uploads["leads"]
        leads = scoring.read_table(raw, name)
        activities = scoring.read_table(*reversed(uploads["activities"])) if "activities" in uploads else None
        uploads["frames"] = (leads, activities)
    return uploads["frames"]


def scorer() -> Scorer:
    """The session's Scorer: shared for catalogue data and files opened by path, per session
    for uploads. Never re-reads a file that has not changed. Leads with activities but no
    hand-over moment and no as-of raise ``AsOfRequired`` (its ``in_app`` text says where to
    choose one)."""
    current = choice()
    mapping_json = json.dumps(mapping(), sort_keys=True)
    if current.key in CATALOGUE:
        return _warming(_catalogue_scorer(current.key, _stamp(current.key), mapping_json, current.as_of,
                                          current.hand_over))
    if current.key == PATHS:
        frames()  # a missing file is the same one-line error as on the first read
        return _warming(_path_scorer(*_path_stamps(current.paths), mapping_json, current.as_of, current.hand_over))
    cache_key = (mapping_json, current.as_of, current.hand_over, id(st.session_state[state.UPLOADS]))
    cached = st.session_state.get(state.UPLOAD_SCORER)
    if cached is None or cached[0] != cache_key:
        leads, activities = frames()
        cached = (cache_key, Scorer(leads, activities, current.as_of, mapping=mapping(), hand_over=current.hand_over))
        st.session_state[state.UPLOAD_SCORER] = cached
    return cached[1]


def _warming(shared: Scorer) -> Scorer:
    """A Scorer every session shares, its per-data-set figures started in the background (``ui.warm``)."""
    warm.prepare_in_background(shared, state.model(), per_month.outcomes())
    return shared


def raw_columns() -> tuple[list[str], list[str]]:
    """Column names of the current leads and activities files, before mapping."""
    leads, activities = frames()
    return list(leads.columns), [] if activities is None else list(activities.columns)


def use_uploads(leads: tuple[str, bytes], activities: tuple[str, bytes] | None) -> None:
    """Switch the session to uploaded files (read first: a bad file switches nothing). The
    files are kept with the draft; when the disk refuses, the session still uses them and
    the page says they will not survive a restart."""
    candidate = {"leads": leads} | ({"activities": activities} if activities else {})
    candidate["frames"] = (scoring.read_table(leads[1], leads[0]),
                           scoring.read_table(activities[1], activities[0]) if activities else None)
    st.session_state[state.UPLOADS] = candidate
    st.session_state[state.DATASET] = DatasetChoice(key=UPLOAD)
    state.reset_widgets()
    state.save_uploads(candidate)
    state.save()


def use_catalogue(key: str) -> None:
    """Switch to a dataset of the catalogue, with the model written for it. Undo brings the
    previous model and data set back."""
    _catalogue_frames(key, _stamp(key))  # read first: a missing file must not switch anything
    dataset = CATALOGUE[key]
    loaded, text = load_model_text(dataset.model_path)
    state.load(loaded, f"Opened {dataset.title}", DatasetChoice(key=key), text)


def use_paths(leads_path: str, activities_path: str | None) -> None:
    """Switch the session to files on this machine, read and prepared first with their
    progress shown: a bad path or file raises ``DataError`` and switches nothing. The model
    is kept (map its columns on the Data page if they differ)."""
    leads_path, activities_path = leads_path.strip(), (activities_path or "").strip() or None
    if not leads_path:
        raise scoring.DataError("give the path of a leads file (CSV or Parquet)")
    with st.status(f"Opening {Path(leads_path).name}…", expanded=True) as status:
        try:
            leads_stamp, activities_stamp = _path_stamps((leads_path, activities_path))
            st.write(f"Reading the leads ({leads_stamp[1] / 1e6:,.0f} MB)…")
            leads = _path_table(leads_stamp)
            if activities_stamp is not None:
                st.write(f"{len(leads):,} leads. Reading the activities ({activities_stamp[1] / 1e6:,.0f} MB)…")
                _path_table(activities_stamp)
            st.write("Preparing the leads for scoring (columns factorised, activities joined and sorted)…")
            prepared = _path_scorer(leads_stamp, activities_stamp, json.dumps(mapping(), sort_keys=True), None)
            st.write("Checking the data quality…")
            model = state.model()
            with contextlib.suppress(scoring.LeadGridError):  # the Data page shows what does not fit
                prepared.memo(("data_quality", _reads(model)), lambda: data_quality(prepared, model))
        except scoring.LeadGridError:
            status.update(label=f"Could not open {Path(leads_path).name}", state="error", expanded=False)
            raise
        status.update(label=f"Opened {len(leads):,} leads", state="complete", expanded=False)
    st.session_state[state.DATASET] = DatasetChoice(key=PATHS, paths=(leads_path, activities_path))
    state.changed(f"Opened {leads_path}" + (f" and {activities_path}" if activities_path else ""), "load")


def set_hand_over(hand_over: str | None, as_of: str | None) -> None:
    """The session's hand-over moment (None: the scored_at column) and the as-of of leads
    without one (a date, ``now``, or None); checked before it is kept: a bad choice raises
    ``DataError`` and changes nothing. One undo step, like any other change."""
    if hand_over:
        HandOver.parse(hand_over)
    if as_of:
        as_of_choice(as_of)
    current = choice()
    wanted = DatasetChoice(current.key, as_of or None, current.paths, hand_over or None)
    if wanted == current:
        return
    described = HandOver.parse(hand_over).describe() if hand_over else "the scored_at column"
    state.change_dataset(wanted, f"Hand-over moment: {described}" + (f", as of {as_of}" if as_of else ""))


def quality(model: scoring.LeadModel) -> DataQuality:
    """The data-quality summary of the session's data for ``model``: computed once per data
    set and per the columns and activities the model reads (seconds at a million leads), not
    on every run of the Data page."""
    prepared = scorer()
    return prepared.memo(("data_quality", _reads(model)), lambda: data_quality(prepared, model))


def _reads(model: scoring.LeadModel) -> str:
    """What the data-quality summary depends on in a model: the columns and activities it reads."""
    reads = [[c.id, c.label, c.field] for c in model.profile.categories]
    return json.dumps(reads + [[e.id, e.label, e.field, e.activity] for e in model.engagement.activities])


def per_model(name: str, compute: Callable[[], T], *parts: Hashable) -> T:
    """``compute()`` once per model, data set and ``parts`` in this session (the last result is
    kept, under ``name``): a page's figures for the current model are not computed again on
    every visit (seconds at a million leads), and a changed model or data set computes afresh."""
    memo_key = (state.model().model_dump_json(), json.dumps(choice().as_dict(), sort_keys=True),
                id(st.session_state[state.UPLOADS]), id(scorer()), parts)  # scorer: a changed file
    slot = f"{name}_memo"
    memo = st.session_state.get(slot)
    if memo is None or memo[0] != memo_key:
        memo = (memo_key, compute())
        st.session_state[slot] = memo
    return memo[1]


def current_preview(outcomes: Outcomes | None = None) -> Preview:
    """The preview of the current model on the session's data, computed once per model."""
    outcomes = outcomes or per_month.outcomes()  # the session's per-month window
    memo_key = (state.model().model_dump_json(), json.dumps(choice().as_dict(), sort_keys=True),
                id(st.session_state[state.UPLOADS]), outcomes)
    memo = st.session_state.get(state.PREVIEW_MEMO)
    if memo is None or memo[0] != memo_key:
        memo = (memo_key, preview(state.model(), scorer(), outcomes))
        st.session_state[state.PREVIEW_MEMO] = memo
    return memo[1]
