"""Writing files so that a failure never leaves a half-written one behind.

Every file LeadGrid writes (scores, exports, drafts, saved uploads, saved versions) goes
through ``write_atomic``: the bytes go to a temporary file in the target's own folder,
are flushed to disk, and only then renamed over the target. A full disk or a crash
mid-write leaves the previous file untouched; an error names the target, never the
temporary file. The temporary file is named ``.<target>.<pid>.<random>.tmp``: a writer
killed mid-write (kill -9) leaves one behind, which the next write of the same target
removes once its writer is gone or it is over a minute old.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from scoring.errors import LeadGridError


class OutputError(LeadGridError):
    """An output path that cannot or must not be written."""


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` all or nothing."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    write_atomic_with(path, lambda handle: handle.write(raw))


def write_atomic_with(path: str | Path, write: Callable[[object], object]) -> None:
    """Call ``write`` with a binary file handle whose content replaces ``path`` only once
    ``write`` has returned and the bytes are on disk. On any error the temporary file is
    removed and ``path`` keeps its old content; the error propagates (an ``OSError`` with
    ``path`` as its file name: a full disk or a read-only folder names the target)."""
    target = Path(path)
    remove_stale_temporaries(target)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 -- closed below, before the rename
            "wb", dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=TEMPORARY_SUFFIX, delete=False)
    except OSError as error:
        raise _naming(error, target) from None
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(target, Path(handle.name))
        os.replace(handle.name, target)
    except OSError as error:
        Path(handle.name).unlink(missing_ok=True)
        raise _naming(error, target) from None
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _naming(error: OSError, target: Path) -> OSError:
    """``error`` with ``target`` as its file name (the system names the temporary file, or
    nothing at all for a full disk)."""
    if error.errno is None:
        return error
    reason = error.strerror or os.strerror(error.errno)
    try:
        return type(error)(error.errno, reason, str(target))
    except Exception:  # a subclass with a constructor of its own
        return OSError(error.errno, reason, str(target))


TEMPORARY_SUFFIX = ".tmp"
STALE_AFTER_SECONDS = 60.0


def _temporary_name(target: Path) -> re.Pattern[str]:
    """Our temporary files of ``target``: ``.<name>.<pid>.<random>.tmp`` (and, written
    before the pid was in the name, ``.<name>.<random>.tmp``); the random part is
    NamedTemporaryFile's eight letters, digits or underscores."""
    return re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}{re.escape(TEMPORARY_SUFFIX)}")


def remove_stale_temporaries(target: str | Path, now: float | None = None) -> list[Path]:
    """Remove what killed writers of ``target`` left behind: our temporary files of that
    target whose writer process is gone, or that are over a minute old (never one of this
    process's, which another thread may be writing). Returns the removed paths."""
    target = Path(target)
    pattern = _temporary_name(target)
    moment = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None:
            continue
        pid = int(found.group(1)) if found.group(1) else None
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or pid == os.getpid():
            continue
        if (pid is not None and not _running(pid)) or moment - info.st_mtime > STALE_AFTER_SECONDS:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OverflowError:
        return False
    return True


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


def refuse_leaving(folder: str | Path, *targets: str | Path, error: type[LeadGridError] = OutputError) -> None:
    """Refuse to write ``targets`` when a symbolic link on the way (``models/NAME`` linked
    elsewhere, a draft folder, the file itself) leads outside ``folder``: a store writes,
    and cleans up, only inside its own folder. Raises ``error`` with one line."""
    root = Path(folder).resolve()
    for target in targets:
        real = Path(target).resolve()
        if real != root and root not in real.parents:
            raise error(f"{target}: a symbolic link leads outside {folder} (to {real}); LeadGrid writes only "
                        f"inside {folder}: remove the link")


def refuse_overwriting_inputs(out: str | Path, inputs: Iterable[str | Path | None],
                              flag: str = "--out") -> None:
    """Refuse an output path that is (or links to) one of the input files."""
    target = Path(out).resolve()
    for source in inputs:
        if source is None or not isinstance(source, (str, Path)):
            continue
        if Path(source).resolve() == target:
            raise OutputError(f"{flag} {out}: that is an input file; choose another output path")
