"""Saved versions of a model: one file per version, ``FOLDER/NAME/VERSION.yaml`` (the app
uses ``$LEADGRID_HOME/models``), so the quarterly recalibration can open last quarter's
version and compare.

A saved version is immutable: saving a version that is already on disk raises
``VersionExists``; a changed model needs a new version. The only later write is a
signature: ``sign`` adds one entry to the file's ``sign_off`` list and leaves every other
field as it was saved. A version is saved without ``sign_off`` (signatures belong to the
version they signed, not to its successor) and with ``agreed_on`` (today when it has none).

Names and versions become file names through ``file_name``: letters, digits, ``.``, ``-``
and ``_`` are kept, anything else becomes ``-``, so ``B2B SaaS / EU`` is ``B2B-SaaS-EU``
and ``../x`` cannot leave the folder; nor can a symbolic link (``NAME`` linked elsewhere):
a write through one is refused. Every write goes through ``write_atomic`` under a
lock, so two sessions saving the same version cannot both succeed. Knows nothing of
Streamlit; the CLI and the tests use it as the app does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scoring.agreement.signoff import sign_off_role, signed, unsigned
from scoring.data.fileio import LOCK_FILE, locked, refuse_leaving, write_atomic
from scoring.errors import LeadGridError, ModelError
from scoring.model.files import dump_model, load_model
from scoring.model.schema import LeadModel, SignOff
from scoring.model.validation import validate_model

SUFFIX = ".yaml"
MAX_FILE_NAME = 100
_UNSAFE = re.compile(r"[^\w.-]+")


class VersionError(LeadGridError):
    """A version that cannot be saved, found, read or signed; the message says why."""


class VersionExists(VersionError):
    """Saving a version that is already saved: saved versions do not change."""


def file_name(text: str, what: str = "name") -> str:
    """``text`` as a safe file name: letters (any script), digits, ``.``, ``-`` and ``_`` kept,
    every other run of characters one ``-``, no leading or trailing ``.``/``-``, at most 100
    characters. Raises ``VersionError`` when nothing is left."""
    safe = _UNSAFE.sub("-", unicodedata.normalize("NFC", text or "")).strip(".-_ ")[:MAX_FILE_NAME].rstrip(".-")
    if not safe:
        raise VersionError(f"the {what} {text!r} has no letters or digits to name a file with")
    return safe


def _natural(text: str) -> tuple:
    """Sort key that puts version 2027.10 after 2027.9."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


@dataclass(frozen=True)
class VersionInfo:
    """One saved version, as a list shows it."""

    name: str
    version: str
    agreed_on: dt.date | None
    written_at: float  # when the file was last written: saved, or last signed
    sign_off: tuple[SignOff, ...]
    path: Path

    @property
    def sort_key(self) -> tuple:
        return (self.agreed_on or dt.date.min, _natural(self.version), self.written_at)


class VersionStore:
    """The saved versions under ``folder``."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, name: str, version: str) -> Path:
        """Where version ``version`` of model ``name`` is (or would be) kept."""
        return self.folder / file_name(name, "model name") / (file_name(version, "version") + SUFFIX)

    def exists(self, name: str, version: str) -> bool:
        return self.path(name, version).is_file()

    # ----- writing

    def save(self, model: LeadModel, today: dt.date | None = None) -> tuple[Path, LeadModel]:
        """Save ``model`` as its ``version``; return the file and the model as saved (no
        ``sign_off``; ``agreed_on`` set to ``today`` when it had none). Raises
        ``VersionError`` for a model without a version and ``VersionExists`` when that
        version is already saved."""
        if not (model.version or "").strip():
            raise VersionError(f"model {model.name!r} has no version: give it one (e.g. 2027.1) before saving")
        saved = unsigned(model)
        if saved.agreed_on is None:
            saved = saved.model_copy(update={"agreed_on": today or dt.date.today()})
        target = self.path(model.name, model.version)
        text = dump_model(saved)  # a model that cannot be written fails before anything is touched
        self._refuse_links_out(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with locked(target.parent):
                if target.exists():
                    raise VersionExists(self._taken(target, model))
                write_atomic(target, text)
        except OSError as error:
            raise VersionError(f"could not save version {model.version} of {model.name} to {target}: "
                               f"{error.strerror or error}") from None
        return target, saved

    def sign(self, name: str, version: str, person: str, role: str,
             at: dt.datetime | None = None) -> LeadModel:
        """Record that ``person`` signed version ``version`` of ``name`` for ``role`` (sales,
        marketing or other; an owner's role such as ``Sales`` is mapped) at ``at`` (now).
        Only ``sign_off`` changes in the file. Returns the signed model."""
        target = self.path(name, version)
        self._refuse_links_out(target)
        role = sign_off_role(role)
        moment = at or dt.datetime.now(dt.UTC)
        with locked(target.parent) if target.parent.is_dir() else contextlib.nullcontext():
            model = self.load(name, version)
            if signed(model, person, role) is not None:
                raise VersionError(f"{person.strip()} has already signed version {version} of {name} as {role}")
            data = model.model_dump(mode="json", by_alias=True, exclude_none=True)
            data["sign_off"] = [*data.get("sign_off", []),
                                {"name": person.strip(), "role": role, "signed_at": moment.isoformat()}]
            try:
                new = validate_model(data)
            except ModelError as error:
                raise VersionError(f"cannot sign version {version} of {name}: {error.message}") from None
            try:
                write_atomic(target, dump_model(new))
            except OSError as error:
                raise VersionError(f"could not sign {target}: {error.strerror or error}") from None
        return new

    def _refuse_links_out(self, target: Path) -> None:
        """A symbolic link below the folder (``NAME`` or the file) that leads outside it is refused."""
        refuse_leaving(self.folder, target.parent, target.parent / LOCK_FILE, target, error=VersionError)

    # ----- reading

    def load(self, name: str, version: str) -> LeadModel:
        """The saved version; ``VersionError`` when there is none, ``ModelError`` (naming the
        file) when the file is not a valid model."""
        target = self.path(name, version)
        if not target.is_file():
            raise VersionError(f"no saved version {version!r} of model {name!r} (looked for {target})")
        model = load_model(target)
        if model.name != name or model.version != version:
            raise VersionError(f"{target} holds version {model.version!r} of model {model.name!r}, "
                               f"not version {version!r} of {name!r}")
        return model

    def list(self, name: str | None = None) -> list[VersionInfo]:
        """Saved versions (of model ``name`` when given), grouped by model name, newest
        agreement first. Files that are not valid models are left out."""
        infos = []
        for path in self.folder.glob(f"*/*{SUFFIX}"):
            if path.name.startswith("."):
                continue
            try:
                model = load_model(path)
                written = path.stat().st_mtime
            except (ModelError, OSError):
                continue
            if name is not None and model.name != name:
                continue
            infos.append(VersionInfo(model.name, model.version or path.stem, model.agreed_on, written,
                                     tuple(model.sign_off or ()), path))
        infos.sort(key=lambda info: info.sort_key, reverse=True)
        infos.sort(key=lambda info: info.name.casefold())
        return infos

    def latest(self, name: str, other_than: str | None = None) -> VersionInfo | None:
        """The newest saved version of ``name`` (by agreement date, then version), leaving
        out version ``other_than``."""
        found = [info for info in self.list(name) if info.version != other_than]
        return found[0] if found else None

    def saved_as(self, model: LeadModel) -> LeadModel | None:
        """The saved file of ``model``'s name and version when its content (everything but
        ``sign_off``) equals ``model``'s; None otherwise."""
        if not model.version or not self.exists(model.name, model.version):
            return None
        try:
            stored = self.load(model.name, model.version)
        except (VersionError, ModelError):
            return None
        return stored if unsigned(stored) == unsigned(model) else None

    def _taken(self, target: Path, model: LeadModel) -> str:
        try:
            held = load_model(target)
            holder = f"version {held.version!r} of {held.name!r}"
        except ModelError:
            holder = "a file that is not a valid model"
        if holder == f"version {model.version!r} of {model.name!r}":
            return (f"version {model.version} of {model.name} is already saved ({target}); saved versions do "
                    "not change: give this one a new version")
        return f"the file for version {model.version} of {model.name}, {target}, already holds {holder}: " \
               "give this one another version"

