"""The ``leadgrid`` command line on bad usage (exit 2) and bad input (exit 1): one line
on standard error, no traceback, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clicases import (
    ACTIVITIES_CSV,
    LEADS_CSV,
    MODEL_YAML,
    assert_one_line_error,
    data_args,
    run,
    write_files,
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return write_files(tmp_path)


# ------------------------------------------------------------------ usage errors (exit 2)


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        [],
        ["score", "--model", "m.yaml"],
        ["explain", "--model", "m.yaml", "--leads", "l.csv"],
        ["matrix", "--model", "m.yaml", "--leads", "l.csv", "--format", "xml"],
        ["validate"],
        ["score", "--model", "m.yaml", "--leads", "l.csv", "--out", "x.csv", "--bogus"],
    ],
    ids=["unknown-command", "no-command", "score-missing-options", "explain-missing-lead",
         "bad-format", "validate-no-file", "unknown-option"],
)
def test_bad_usage_exits_2_with_one_line(capsys, args):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    line = assert_one_line_error(err)
    assert line.startswith("leadgrid: usage error: ")


def test_unknown_command_names_the_choices(capsys):
    _, _, err = run(capsys, "frobnicate")
    assert "frobnicate" in err and "validate" in err


def test_missing_required_option_is_named(capsys, files):
    _, _, err = run(capsys, "score", "--model", files["model"], "--leads", files["leads"])
    assert "--out" in err


def test_score_bad_out_extension_exits_2_and_writes_nothing(capsys, files, tmp_path):
    out_file = tmp_path / "scores.txt"
    code, _, err = run(capsys, "score", *data_args(files), "--out", out_file)
    assert code == 2
    assert ".csv or .parquet" in assert_one_line_error(err)
    assert not out_file.exists()


def test_bad_map_argument_exits_2(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "x.csv", "--map", "industry")
    assert code == 2
    assert "FIELD=COLUMN" in assert_one_line_error(err)


# ------------------------------------------------------------------ bad input (exit 1)


def test_validate_invalid_model_exits_1_with_file_line_path_messages(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (MODEL_YAML.replace("value: 100}\n        - {match: {in: [Retail]}",
                               "value: 130}\n        - {match: {in: [Retail]}")
            .replace("B1: {action: sales}", "E1: {action: sales}"))
    bad.write_text(text, encoding="utf-8")
    value_line, cell_line = (text.splitlines().index(line) + 1 for line in (
        "        - {match: {in: [Software]}, value: 130}", "    E1: {action: sales}"))
    code, out, err = run(capsys, "validate", bad)
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert re.fullmatch(rf"leadgrid: {re.escape(str(bad))}:\d+ [\w.\[\]]+: .+", line), line
    assert lines[0].startswith(f"leadgrid: {bad}:{value_line} profile.categories[0].rules[0].value: ")
    assert lines[1].startswith(f"leadgrid: {bad}:{cell_line} routing.cells.E1: ")


def test_validate_invalid_yaml_names_file_and_line(capsys, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("schema_version: 1\nname: [unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", bad)
    assert code == 1
    line = assert_one_line_error(err)
    assert re.fullmatch(rf"leadgrid: {re.escape(str(bad))}:\d+: not valid YAML: .+", line)


def test_validate_missing_file_exits_1_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "validate", tmp_path / "nope.yaml")
    assert code == 1
    assert "nope.yaml" in assert_one_line_error(err)


def test_score_with_invalid_model_exits_1_one_line(capsys, files, tmp_path):
    files["model"].write_text(MODEL_YAML.replace("weight: 40", "weight: 45"), encoding="utf-8")
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "x.csv")
    assert code == 1
    assert "profile" in assert_one_line_error(err)
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("which", ["model", "leads", "activities"])
def test_missing_input_file_exits_1_one_line(capsys, files, tmp_path, which):
    files[which] = tmp_path / f"missing_{which}.csv"
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "x.csv")
    assert code == 1
    assert f"missing_{which}.csv" in assert_one_line_error(err)


def test_missing_leads_column_names_it_and_the_closest_name(capsys, files, tmp_path):
    files["leads"].write_text(LEADS_CSV.replace("lead_id,industry,", "lead_id,Industy,", 1), encoding="utf-8")
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "x.csv")
    assert code == 1
    line = assert_one_line_error(err)
    assert "industry" in line
    assert "closest: Industy" in line


def test_missing_activities_column_exits_1(capsys, files, tmp_path):
    files["activities"].write_text(ACTIVITIES_CSV.replace("occurred_at", "when", 1), encoding="utf-8")
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "x.csv")
    assert code == 1
    assert "occurred_at" in assert_one_line_error(err)


def test_unreadable_as_of_exits_1(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "x.csv", "--as-of", "someday")
    assert code == 1
    assert "someday" in assert_one_line_error(err)


def test_mapped_column_absent_from_file_exits_1(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "x.csv",
                       "--map", "industry=Sector")
    assert code == 1
    assert "Sector" in assert_one_line_error(err)


def test_explain_unknown_lead_exits_1_one_line(capsys, files):
    code, out, err = run(capsys, "explain", *data_args(files), "--lead", "L99")
    assert code == 1
    assert out == ""
    assert "L99" in assert_one_line_error(err)


def test_score_into_missing_directory_exits_1_one_line(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "nodir" / "x.csv")
    assert code == 1
    assert "nodir" in assert_one_line_error(err)


def test_score_into_missing_directory_message_has_no_empty_location(capsys, files, tmp_path):
    _, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "nodir" / "x.csv")
    assert not err.startswith("leadgrid: : ")
