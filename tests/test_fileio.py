"""scoring.data.fileio: a write is all or nothing, keeps the file's mode, and never replaces an input."""

from __future__ import annotations

import os
import stat

import pytest

from scoring.data.fileio import (
    OutputError,
    refuse_overwriting_inputs,
    write_atomic,
    write_atomic_with,
)


def _leftovers(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_a_write_replaces_the_file_and_leaves_no_temporary_behind(tmp_path):
    target = tmp_path / "scores.csv"
    write_atomic(target, "lead_id\n1\n")
    write_atomic(target, b"lead_id\n2\n")
    assert target.read_bytes() == b"lead_id\n2\n"
    assert _leftovers(tmp_path) == []


def test_a_failure_midway_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "scores.csv"
    target.write_text("the old scores\n")

    def half_then_disk_full(handle):
        handle.write(b"lead_id\n1\n")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomic_with(target, half_then_disk_full)
    assert target.read_text() == "the old scores\n"
    assert _leftovers(tmp_path) == []


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    kept = tmp_path / "kept.yaml"
    kept.write_text("a")
    kept.chmod(0o640)
    write_atomic(kept, "b")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640

    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.yaml", "c")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644


def test_an_output_that_is_an_input_is_refused_also_through_a_link(tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id\n1\n")
    link = tmp_path / "same.csv"
    link.symlink_to(leads)
    with pytest.raises(OutputError, match=r"--out .*same\.csv: that is an input file"):
        refuse_overwriting_inputs(link, [None, tmp_path / "activities.csv", leads])
    refuse_overwriting_inputs(tmp_path / "scores.csv", [leads, None])  # another path is fine
