"""Writing files so that a failure never leaves a half-written one behind.

Every file LeadGrid writes (scores, exports, drafts, saved uploads, saved versions) goes
through ``write_atomic``: the bytes go to a temporary file in the target's own folder,
are flushed to disk, and only then renamed over the target. A full disk or a crash
mid-write leaves the previous file untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import LeadGridError


class OutputError(LeadGridError):
    """An output path that cannot or must not be written."""


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` all or nothing."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    write_atomic_with(path, lambda handle: handle.write(raw))


def write_atomic_with(path: str | Path, write: Callable[[object], object]) -> None:
    """Call ``write`` with a binary file handle whose content replaces ``path`` only once
    ``write`` has returned and the bytes are on disk. On any error the temporary file is
    removed and ``path`` keeps its old content; the error propagates."""
    target = Path(path)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 -- closed below, before the rename
        "wb", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(target, Path(handle.name))
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _keep_mode(target: Path, temporary: Path) -> None:
    """A replaced file keeps its permissions; a new one gets the usual 0666 & ~umask
    (NamedTemporaryFile creates 0600)."""
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)


LOCK_FILE = ".lock"


@contextlib.contextmanager
def locked(folder: str | Path) -> Iterator[None]:
    """One writer at a time in ``folder``, across processes (an advisory lock on its
    ``.lock`` file; the folder must exist)."""
    with open(Path(folder) / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refuse_overwriting_inputs(out: str | Path, inputs: Iterable[str | Path | None],
                              flag: str = "--out") -> None:
    """Refuse an output path that is (or links to) one of the input files."""
    target = Path(out).resolve()
    for source in inputs:
        if source is None or not isinstance(source, (str, Path)):
            continue
        if Path(source).resolve() == target:
            raise OutputError(f"{flag} {out}: that is an input file; choose another output path")
