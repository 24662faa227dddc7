"""Files written in hostile places (issue 20): a symbolic link inside the LeadGrid home that
leads outside it is refused by saved versions and drafts; a full disk or a read-only folder
names the target file, never the temporary one; a writer killed mid-write leaves a temporary
file that the next write of the same target removes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from clicases import MODEL_YAML, run

from scoring import parse_model
from scoring.agreement.drafts import Draft, DraftError, DraftStore
from scoring.agreement.versions import VersionError, VersionStore
from scoring.data.fileio import remove_stale_temporaries, write_atomic, write_atomic_with

MODEL = parse_model(MODEL_YAML)  # name "CLI test model", version 1.2
TODAY = dt.date(2027, 1, 15)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me")
    return folder


def _only_the_precious_file(outside: Path) -> bool:
    return sorted(path.name for path in outside.iterdir()) == ["precious.txt"]


def _one_line(error: Exception) -> str:
    text = str(error)
    assert "\n" not in text
    return text


# ------------------------------------------------------------------ saved versions


def test_a_model_folder_linked_outside_the_home_is_refused(home, outside):
    store = VersionStore(home / "models")
    (home / "models").mkdir()
    (home / "models" / "CLI-test-model").symlink_to(outside)  # the case
    with pytest.raises(VersionError) as caught:
        store.save(MODEL, today=TODAY)
    message = _one_line(caught.value)
    assert "CLI-test-model" in message and "symbolic link leads outside" in message and str(outside) in message
    assert _only_the_precious_file(outside)


def test_a_version_file_linked_outside_is_refused_when_signing(home, outside):
    store = VersionStore(home / "models")
    target, _ = store.save(MODEL, today=TODAY)
    target.rename(outside / "moved.yaml")
    target.symlink_to(outside / "moved.yaml")
    before = (outside / "moved.yaml").read_text()
    with pytest.raises(VersionError, match="symbolic link leads outside"):
        store.sign(MODEL.name, MODEL.version, "Dana", "marketing")
    assert (outside / "moved.yaml").read_text() == before


def test_a_link_that_stays_inside_the_folder_is_fine(home):
    store = VersionStore(home / "models")
    (home / "models" / "elsewhere").mkdir(parents=True)
    (home / "models" / "CLI-test-model").symlink_to(home / "models" / "elsewhere")
    target, _ = store.save(MODEL, today=TODAY)
    assert (home / "models" / "elsewhere" / target.name).is_file()


def test_a_home_folder_that_is_itself_a_link_is_the_users_choice(tmp_path, outside):
    (tmp_path / "linked-home").symlink_to(outside)
    target, _ = VersionStore(tmp_path / "linked-home" / "models").save(MODEL, today=TODAY)
    assert (outside / "models" / "CLI-test-model" / target.name).is_file()


# ------------------------------------------------------------------ drafts


def _draft(draft_id: str = "d1") -> Draft:
    return Draft(draft_id, MODEL, MODEL)


def test_a_draft_folder_linked_outside_is_refused(home, outside):
    store = DraftStore(home / "drafts")
    (home / "drafts").mkdir()
    (home / "drafts" / "d1").symlink_to(outside)
    with pytest.raises(DraftError) as caught:
        store.save(_draft())
    assert "symbolic link leads outside" in _one_line(caught.value)
    assert _only_the_precious_file(outside)
    with pytest.raises(DraftError, match="symbolic link leads outside"):
        store.delete("d1")
    assert _only_the_precious_file(outside)


def test_an_uploads_folder_linked_outside_is_neither_written_nor_cleaned(home, outside):
    store = DraftStore(home / "drafts")
    store.save(_draft())
    (home / "drafts" / "d1" / "uploads").symlink_to(outside)
    with pytest.raises(DraftError, match="symbolic link leads outside"):
        store.save_uploads("d1", {"leads": ("leads.csv", b"lead_id\n1\n")})
    assert _only_the_precious_file(outside)  # the clean-up of old uploads would have deleted it


@pytest.mark.parametrize("name", ["state.json", "model.yaml", ".lock"])
def test_a_draft_file_linked_outside_is_refused(home, outside, name):
    store = DraftStore(home / "drafts")
    store.save(_draft())
    draft = store.load("d1")
    file = home / "drafts" / "d1" / name
    file.unlink(missing_ok=True)
    file.symlink_to(outside / "precious.txt")
    with pytest.raises(DraftError, match="symbolic link leads outside"):
        store.save(draft)
    assert (outside / "precious.txt").read_text() == "keep me"


# ------------------------------------------------------------------ errors name the target


def test_a_full_disk_names_the_target_not_the_temporary(tmp_path):
    target = tmp_path / "scores.csv"

    def disk_full(handle):
        handle.write(b"lead_id\n")
        raise OSError(28, "No space left on device")  # what the system raises: no file name

    with pytest.raises(OSError) as caught:
        write_atomic_with(target, disk_full)
    assert (caught.value.errno, caught.value.filename) == (28, str(target))
    assert not list(tmp_path.iterdir())


def test_the_cli_names_the_target_on_a_full_disk(capsys, tmp_path, monkeypatch):
    def no_space(_descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("scoring.data.fileio.os.fsync", no_space)
    out = tmp_path / "schema.json"
    code, _, err = run(capsys, "schema", "--out", out)
    assert (code, err) == (1, f"leadgrid: {out}: No space left on device\n")


def test_a_read_only_folder_names_the_target(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    temporary = tmp_path / f".out.csv.{os.getpid()}.abcdefgh.tmp"

    def refused(*args, **kwargs):  # what NamedTemporaryFile raises in a folder without write permission
        raise PermissionError(13, "Permission denied", str(temporary))

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refused)
    with pytest.raises(PermissionError) as caught:
        write_atomic(target, "x")
    assert caught.value.filename == str(target)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_really_read_only_folder_names_the_target(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError) as caught:
            write_atomic(folder / "out.csv", "x")
    finally:
        folder.chmod(0o755)
    assert caught.value.filename == str(folder / "out.csv")


def test_out_naming_an_input_exits_1_as_the_docs_say(capsys, tmp_path):
    (tmp_path / "model.yaml").write_text(MODEL_YAML, encoding="utf-8")
    (tmp_path / "leads.csv").write_text("lead_id,industry,employees,total_visits\nL1,Software,5,1\n")
    code, _, err = run(capsys, "score", "--model", tmp_path / "model.yaml", "--leads", tmp_path / "leads.csv",
                       "--out", tmp_path / "leads.csv")
    assert code == 1 and "that is an input file" in err
    docs = (Path(__file__).resolve().parent.parent / "docs" / "bad-input.md").read_text(encoding="utf-8")
    rows = [line for line in docs.splitlines()
            if line.startswith("|") and ("names an input file" in line or "that is an input file" in line)]
    assert rows and all("exit 1" in row and "exit 2" not in row for row in rows), rows


# ------------------------------------------------------------------ temporary files left by a killed writer


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _age(path: Path, seconds: float) -> Path:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))
    return path


def test_stale_temporaries_of_the_target_are_removed_and_nothing_else(tmp_path):
    target = tmp_path / "out.csv"
    made = {}
    for key, name, age in [
        ("dead writer", f".out.csv.{_dead_pid()}.abcdefgh.tmp", 0),
        ("old, live writer", ".out.csv.1.k2j4h5g6.tmp", 120),
        ("old, no pid", ".out.csv.zz12ab_9.tmp", 120),
        ("fresh, live writer", ".out.csv.1.abcdefgh.tmp", 0),
        ("fresh, no pid", ".out.csv.qwertyui.tmp", 0),
        ("old, ours", f".out.csv.{os.getpid()}.abcdefgh.tmp", 120),
        ("another target", f".other.csv.{_dead_pid()}.abcdefgh.tmp", 120),
        ("not our pattern", ".out.csv.123.abc.tmp", 120),
        ("a user's file", "out.csv.tmp", 120),
    ]:
        path = tmp_path / name
        path.write_text("partial")
        made[key] = _age(path, age)
    (tmp_path / f".out.csv.{_dead_pid()}.linklink.tmp").symlink_to(tmp_path / "out.csv.tmp")
    removed = remove_stale_temporaries(target)
    assert sorted(path.name for path in removed) == sorted(
        made[key].name for key in ("dead writer", "old, live writer", "old, no pid"))
    left = {path.name for path in tmp_path.iterdir()}
    for key in ("fresh, live writer", "fresh, no pid", "old, ours", "another target", "not our pattern",
                "a user's file"):
        assert made[key].name in left, key
    assert any(name.endswith("linklink.tmp") for name in left)  # a link is never ours to remove


WRITER = """
import sys, time
from scoring.data.fileio import write_atomic_with

def slow(handle):
    handle.write(b"partial,")
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)

write_atomic_with(sys.argv[1], slow)
"""


def test_after_a_kill_9_mid_write_the_next_write_cleans_up(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("the old scores\n")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
    finally:
        writer.kill()  # SIGKILL: no clean-up runs
        writer.wait()
    leftovers = [path for path in tmp_path.iterdir() if path.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(f".out.csv.{writer.pid}.")
    assert target.read_text() == "the old scores\n"
    write_atomic(target, "the new scores\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]
    assert target.read_text() == "the new scores\n"
