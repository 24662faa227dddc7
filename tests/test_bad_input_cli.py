"""Hostile input through the command line and the library (issue 10): strict JSON, one
missing-value form, outcome flags that agree with the model's mapping, --out never an input
and never half-written, and errors that say what is wrong. See docs/bad-input.md."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from clicases import (
    LEADS_CSV,
    MODEL_YAML,
    assert_one_line_error,
    data_args,
    run,
    strict_json,
    write_files,
)

from scoring import parse_model, read_table
from scoring.data import fileio
from scoring.data.quality import data_quality
from scoring.engine.scorer import Scorer


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return write_files(tmp_path)

# ------------------------------------------------ strict JSON


def test_matrix_json_with_infinite_won_amounts_is_strict_json_and_counts_them(capsys, files):
    files["leads"].write_text(LEADS_CSV.replace("yes,yes,1000", "yes,yes,inf").replace("yes,yes,250.5", "yes,yes,1e400"),
                              encoding="utf-8")
    code, out, _ = run(capsys, "matrix", *data_args(files), "--format", "json")
    assert code == 0
    assert "Infinity" not in out and "NaN" not in out
    data = strict_json(out)
    assert data["cells"]["A1"]["won_amount"] is None  # an infinite sum is written as null ...
    assert data["non_finite_values"] == {"won_amount": 2}  # ... and counted


def test_matrix_json_counts_nothing_on_clean_data(capsys, files):
    _, out, _ = run(capsys, "matrix", *data_args(files), "--format", "json")
    assert strict_json(out)["non_finite_values"] == {}


def test_quality_summary_counts_infinite_numbers_per_column():
    leads = pd.DataFrame({"lead_id": ["1", "2", "3"], "industry": ["x", "y", "z"],
                          "employees": ["inf", "1e400", "12"], "won_amount": [float("inf"), 1.0, None]})
    quality = data_quality(Scorer(leads), parse_model(MODEL_YAML))
    assert quality.non_finite == {"employees": 2, "won_amount": 1}


# ------------------------------------------------ one missing-value form: (missing) and null


@pytest.fixture
def nullable_leads(tmp_path: Path) -> Path:
    path = tmp_path / "leads.parquet"
    pd.DataFrame({
        "lead_id": ["L1", "L2"],
        "industry": pd.array(["Software", None], dtype="string"),
        "employees": pd.array([None, 5000], dtype="Int64"),
        "total_visits": pd.array([None, 12.5], dtype="Float64"),
        "scored_at": ["2026-03-01", "2026-03-01"],
    }).to_parquet(path)
    return path


def test_explain_shows_missing_nullable_parquet_values_as_missing(capsys, files, nullable_leads):
    args = ["--model", files["model"], "--leads", nullable_leads, "--lead", "L1"]
    code, out, _ = run(capsys, "explain", *args)
    assert code == 0
    assert "<NA>" not in out
    assert out.count("(missing)") == 2  # employees and total_visits
    code, out, _ = run(capsys, "explain", *args, "--format", "json")
    data = strict_json(out)
    assert "<NA>" not in out
    values = {reason["id"]: reason["value"] for reason in data["categories"] + data["fields"]}
    assert values == {"industry": "Software", "size": None, "visits": None}


# ------------------------------------------------ outcome flags and the model's mapping


@pytest.mark.parametrize("flag", ["--converted", "--accepted", "--won-amount", "--created-at"])
def test_an_outcome_flag_naming_a_missing_column_is_an_error(capsys, files, flag):
    code, out, err = run(capsys, "matrix", *data_args(files), flag, "convertd")
    assert code == 1 and out == ""
    line = assert_one_line_error(err)
    assert f"{flag} convertd" in line and "missing leads column" in line


def test_outcome_flags_agree_with_the_models_mapping(capsys, files):
    files["leads"].write_text(LEADS_CSV.replace(",converted,", ",Converted_Flag,"), encoding="utf-8")
    files["model"].write_text(MODEL_YAML + "columns:\n  leads: {converted: Converted_Flag}\n", encoding="utf-8")
    results = []
    for extra in ([], ["--converted", "Converted_Flag"], ["--converted", "converted"]):
        code, out, err = run(capsys, "matrix", *data_args(files), "--format", "json", *extra)
        assert code == 0, err
        results.append(strict_json(out)["to_sales"])
    assert results[0] == results[1] == results[2]
    assert results[0]["conversions_total"] == 2  # the outcome was read, not dropped


def test_defaults_may_be_absent(capsys, files):
    files["leads"].write_text("lead_id,industry,employees,total_visits\nL1,Software,5000,12\n", encoding="utf-8")
    code, _, err = run(capsys, "matrix", *data_args(files))
    assert code == 0, err


# ------------------------------------------------ misleading errors


def test_map_with_an_unknown_table_prefix_is_a_usage_error(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "s.csv",
                       "--map", "foo.industry=industry")
    assert code == 2
    line = assert_one_line_error(err)
    assert "'foo' is not leads or activities" in line and "closest" not in line


def test_map_with_the_leads_prefix_maps_a_leads_field(capsys, files, tmp_path):
    files["leads"].write_text(LEADS_CSV.replace(",industry,", ",sector,"), encoding="utf-8")
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "s.csv", "--map", "leads.industry=sector")
    assert code == 0, err


@pytest.mark.parametrize("as_of", ["3000-01-01", "1000-01-01"])
def test_as_of_beyond_the_dates_pandas_holds_is_a_plain_error(capsys, files, tmp_path, as_of):
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "s.csv", "--as-of", as_of)
    assert code == 1
    line = assert_one_line_error(err)
    assert f"'{as_of}' is outside the dates LeadGrid can handle" in line
    assert "OutOfBounds" not in line and "cast" not in line


@pytest.mark.parametrize(("raw", "said"), [
    ("lead_id,industry\n1,Software\n".encode("utf-16-le"), "UTF-16"),
    (b"PK\x03\x04" + b"\x00" * 60, "Excel workbook"),
], ids=["utf-16-without-bom", "xlsx"])
def test_files_that_are_not_csv_say_so_through_the_cli(capsys, files, tmp_path, raw, said):
    files["leads"].write_bytes(raw)
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "s.csv")
    assert code == 1
    line = assert_one_line_error(err)
    assert said in line and "missing" not in line and "\x00" not in line


def test_extra_fields_on_the_first_row_name_its_line_not_a_missing_id(capsys, files, tmp_path):
    files["leads"].write_text("lead_id,industry,employees,total_visits\nL1,Software,5000,12,x\nL2,Retail,50,2\n",
                              encoding="utf-8")
    code, _, err = run(capsys, "score", *data_args(files), "--out", tmp_path / "s.csv")
    assert code == 1
    line = assert_one_line_error(err)
    assert f"{files['leads']}:2: " in line and "no lead_id" not in line


# ------------------------------------------------ --out: never an input, never half-written


@pytest.mark.parametrize("which", ["leads", "activities"])
def test_out_that_is_an_input_is_refused_and_the_input_kept(capsys, files, which):
    before = files[which].read_bytes()
    target = files[which].with_suffix(".csv")
    code, _, err = run(capsys, "score", *data_args(files), "--out", target)
    assert code == 1
    assert "is an input file" in assert_one_line_error(err)
    assert files[which].read_bytes() == before


def test_out_that_links_to_an_input_is_refused(capsys, files, tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(files["leads"])
    code, _, err = run(capsys, "score", *data_args(files), "--out", link)
    assert code == 1
    assert "is an input file" in assert_one_line_error(err)
    assert files["leads"].read_text(encoding="utf-8") == LEADS_CSV


def _fail_midway(monkeypatch, method: str) -> None:
    """Make DataFrame.<method> write some bytes and then fail as a full disk does."""
    original = getattr(pd.DataFrame, method)

    def half_then_full_disk(self, target, *args, **kwargs):
        original(self.head(1), target, *args, **kwargs)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, method, half_then_full_disk)


@pytest.mark.parametrize(("suffix", "method"), [(".csv", "to_csv"), (".parquet", "to_parquet")])
def test_a_full_disk_leaves_the_previous_scores_intact(capsys, files, tmp_path, monkeypatch, suffix, method):
    out = tmp_path / f"scores{suffix}"
    assert run(capsys, "score", *data_args(files), "--out", out)[0] == 0
    before = out.read_bytes()
    _fail_midway(monkeypatch, method)
    code, _, err = run(capsys, "score", *data_args(files), "--out", out)
    assert code == 1
    assert "No space left on device" in assert_one_line_error(err)
    assert out.read_bytes() == before
    assert len(read_table(out)) == 6
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_a_full_disk_leaves_the_previous_schema_intact(capsys, tmp_path, monkeypatch):
    out = tmp_path / "schema.json"
    out.write_text('{"old": true}\n', encoding="utf-8")

    def full_disk(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fileio.os, "fsync", full_disk)
    code, _, err = run(capsys, "schema", "--out", out)
    assert code == 1
    assert "No space left on device" in assert_one_line_error(err)
    assert json.loads(out.read_text(encoding="utf-8")) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]
