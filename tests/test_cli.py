"""The ``leadgrid`` command line (scoring/cli.py): the commands' outputs agree with
``scoring.score`` (usage and input errors are in test_cli_errors.py).

Commands run in-process through ``scoring.cli.commands.main`` with capsys; one subprocess run each of the
``leadgrid`` console script and ``python -m scoring`` proves the entry points.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from clicases import (
    ACTIVITIES_CSV,
    DEFAULT_CONFIG,
    EXPECTED_RATINGS,
    HAND_OVER_LINE,
    LEADS_CSV,
    MODEL_YAML,
    ROOT,
    VENV_BIN,
    assert_one_line_error,
    data_args,
    expected_scores,
    run,
    strict_json,
    write_files,
)

from scoring.engine.scorer import OUTPUT_COLUMNS
from scoring.model.files import read_yaml


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return write_files(tmp_path)


# ------------------------------------------------------------------ validate


def test_validate_valid_model_prints_summary(capsys, files):
    code, out, err = run(capsys, "validate", files["model"])
    assert code == 0
    assert err == ""
    assert out.splitlines() == [
        f"{files['model']}: valid model 'CLI test model' version 1.2: 2 profile categories, "
        "3 engagement entries, to sales: A1, A2, B1"
    ]


def test_validate_default_config(capsys):
    code, out, _ = run(capsys, "validate", DEFAULT_CONFIG)
    assert code == 0
    assert "valid model" in out


# ------------------------------------------------------------------ score


def test_score_csv_one_row_per_lead_with_expected_columns(capsys, files, tmp_path):
    out_file = tmp_path / "scores.csv"
    code, out, err = run(capsys, "score", *data_args(files), "--out", out_file)
    assert code == 0
    assert out == ""
    assert err.startswith(f"scored 6 leads -> {out_file} (3 to sales; ")
    written = pd.read_csv(out_file, dtype={"lead_id": str})
    assert list(written.columns) == ["lead_id", *OUTPUT_COLUMNS]
    assert written["lead_id"].tolist() == ["L1", "L2", "L3", "L4", "L5", "L6"]
    assert dict(zip(written["lead_id"], written["rating"], strict=True)) == EXPECTED_RATINGS
    expected = expected_scores(files)
    assert written["rating"].tolist() == expected["rating"].tolist()
    assert written["action"].tolist() == expected["action"].tolist()
    assert written["profile_score"].tolist() == pytest.approx(expected["profile_score"].tolist())
    assert written["engagement_score"].tolist() == pytest.approx(expected["engagement_score"].tolist())


@pytest.mark.parametrize("suffix", [".parquet", ".pq", ".CSV"])
def test_score_other_output_formats(capsys, files, tmp_path, suffix):
    out_file = tmp_path / f"scores{suffix}"
    code, _, _ = run(capsys, "score", *data_args(files), "--out", out_file)
    assert code == 0
    if suffix == ".CSV":
        written = pd.read_csv(out_file, dtype={"lead_id": str}).set_index("lead_id")
    else:
        written = pd.read_parquet(out_file)
    expected = expected_scores(files)
    assert written.index.name == "lead_id"
    assert list(written.columns) == list(OUTPUT_COLUMNS)
    assert written.index.tolist() == expected.index.tolist()
    assert written["rating"].tolist() == expected["rating"].tolist()
    assert written["sla_hours"].tolist()[:2] == [24.0, pytest.approx(float("nan"), nan_ok=True)]


def test_score_map_renames_leads_and_activities_columns(capsys, files, tmp_path):
    files["leads"].write_text(LEADS_CSV.replace("lead_id,industry,", "Id,Sector,", 1), encoding="utf-8")
    files["activities"].write_text(ACTIVITIES_CSV.replace("lead_id,", "contact,", 1), encoding="utf-8")
    out_file = tmp_path / "mapped.csv"
    code, _, err = run(capsys, "score", *data_args(files), "--out", out_file, "--map", "industry=Sector",
                       "--map", "lead_id=Id", "--map", "activities.lead_id=contact")
    assert code == 0, err
    written = pd.read_csv(out_file, dtype={"lead_id": str})
    assert dict(zip(written["lead_id"], written["rating"], strict=True)) == EXPECTED_RATINGS


def test_score_model_columns_mapping(capsys, files, tmp_path):
    files["leads"].write_text(LEADS_CSV.replace("lead_id,industry,", "lead_id,Sector,", 1), encoding="utf-8")
    files["activities"].write_text(ACTIVITIES_CSV.replace("lead_id,", "contact,", 1), encoding="utf-8")
    files["model"].write_text(MODEL_YAML + "columns:\n  leads: {industry: Sector}\n"
                              "  activities: {lead_id: contact}\n", encoding="utf-8")
    out_file = tmp_path / "mapped.csv"
    code, _, err = run(capsys, "score", *data_args(files), "--out", out_file)
    assert code == 0, err
    written = pd.read_csv(out_file, dtype={"lead_id": str})
    assert dict(zip(written["lead_id"], written["rating"], strict=True)) == EXPECTED_RATINGS


def test_score_map_overrides_model_columns(capsys, files, tmp_path):
    files["leads"].write_text(LEADS_CSV.replace("lead_id,industry,", "lead_id,Vertical,", 1), encoding="utf-8")
    files["model"].write_text(MODEL_YAML + "columns:\n  leads: {industry: Sector}\n", encoding="utf-8")
    out_file = tmp_path / "mapped.csv"
    code, _, err = run(capsys, "score", *data_args(files), "--out", out_file, "--map", "industry=Vertical")
    assert code == 0, err
    written = pd.read_csv(out_file, dtype={"lead_id": str})
    assert dict(zip(written["lead_id"], written["rating"], strict=True)) == EXPECTED_RATINGS


def test_activities_of_a_lead_without_scored_at_need_an_as_of(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *data_args(files, as_of=None), "--out", tmp_path / "s.csv")
    assert code == 1
    assert assert_one_line_error(err).startswith("leadgrid: 1 lead has activities but no hand-over moment")
    assert not (tmp_path / "s.csv").exists()


def test_hand_over_days_after_created_at(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *data_args(files), "--hand-over", "created_at+30d", "--out", tmp_path / "s.csv")
    assert code == 0
    assert "Hand-over moment: 30 days after created_at (6 of 6 leads)" in err
    got = pd.read_csv(tmp_path / "s.csv", dtype={"lead_id": str}).set_index("lead_id")
    expected = expected_scores(files, hand_over="created_at+30d")
    assert got["rating"].tolist() == expected["rating"].tolist()
    assert got["rating"].tolist() != expected_scores(files)["rating"].tolist()


def test_score_as_of_changes_engagement_of_leads_without_scored_at(capsys, files, tmp_path):
    # L5 has no scored_at; its demo request is on 2026-03-10. The others keep their scored_at.
    scores = {}
    for as_of in ("2026-03-10", "2026-05-09"):  # 0 and 60 days after the demo
        out_file = tmp_path / f"{as_of}.csv"
        code, _, err = run(capsys, "score", *data_args(files), "--out", out_file, "--as-of", as_of)
        assert code == 0, err
        scores[as_of] = pd.read_csv(out_file, dtype={"lead_id": str}).set_index("lead_id")
        expected = expected_scores(files, as_of=as_of)
        assert scores[as_of]["rating"].tolist() == expected["rating"].tolist()
    early, late = scores["2026-03-10"], scores["2026-05-09"]
    assert early.loc["L5", "engagement_score"] == pytest.approx(40 + 25)
    assert late.loc["L5", "engagement_score"] == pytest.approx(40 * 0.25 + 25)
    assert (early.loc["L5", "rating"], late.loc["L5", "rating"]) == ("A1", "A2")
    others = early.index != "L5"
    pd.testing.assert_frame_equal(early[others], late[others])


# ------------------------------------------------------------------ matrix


def test_matrix_table(capsys, files):
    code, out, err = run(capsys, "matrix", *data_args(files))
    assert code == 0
    assert HAND_OVER_LINE in err.splitlines()  # how activities were aged, and who used the run's as-of
    lines = out.splitlines()
    assert lines[0].startswith("Leads per cell and acceptance by sales")
    grid = [line for line in lines if re.match(r"  [ABCD] ", line)]
    assert [line[2] for line in grid] == ["A", "B", "C", "D"]
    assert "S" in grid[0]  # A1 and A2 go to sales
    assert "To sales: 3 leads (50.0%)" in out
    assert "Past conversions caught: 100.0% (2 of 2)" in out
    assert "Note: 1 outcome values were not yes/no" in out  # "maybe"


def test_matrix_json(capsys, files):
    code, out, _ = run(capsys, "matrix", *data_args(files), "--format", "json")
    assert code == 0
    data = strict_json(out)
    assert data["model"] == "CLI test model" and data["version"] == "1.2"
    assert len(data["cells"]) == 16
    assert list(data["cells"]) == [f"{a}{n}" for a in "ABCD" for n in "1234"]
    a1 = data["cells"]["A1"]
    assert (a1["leads"], a1["decided"], a1["accepted"], a1["acceptance_rate"]) == (2, 2, 2, 1.0)
    assert a1["won_amount"] == pytest.approx(1250.5)
    assert (a1["action"], a1["sla_hours"]) == ("sales", 24)
    assert a1["too_few_decisions"] is True  # a JSON boolean, not "True"
    assert data["cells"]["C1"]["acceptance_rate"] is None  # NaN written as null
    assert data["cells"]["A3"]["action"] == "nurture:fast-track"
    assert sum(cell["leads"] for cell in data["cells"].values()) == 6
    sales = data["to_sales"]
    assert sales["leads"] == 3
    assert sales["decided"] == 2  # L1, L5 decided; L6 "maybe"
    assert sales["conversions_caught"] == 2 and sales["conversions_total"] == 2
    assert sales["unrecognised_outcomes"] == 1
    assert sales["months"] == pytest.approx((pd.Timestamp("2026-03-01") - pd.Timestamp("2026-01-01")).days
                                            / (365.25 / 12))


def test_matrix_csv(capsys, files):
    code, out, _ = run(capsys, "matrix", *data_args(files), "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 17  # header + 16 cells
    header = lines[0].split(",")
    assert header[0] == "rating"
    assert {"leads", "share", "decided", "acceptance_rate", "conversion_rate", "won_amount",
            "too_few_decisions", "action", "sla_hours"} <= set(header)
    assert [line.split(",")[0] for line in lines[1:]] == [f"{a}{n}" for a in "ABCD" for n in "1234"]


def test_matrix_custom_outcome_columns(capsys, files):
    files["leads"].write_text(LEADS_CSV.replace(",accepted,converted,won_amount", ",sal,won,amount", 1),
                              encoding="utf-8")
    code, out, _ = run(capsys, "matrix", *data_args(files), "--format", "json", "--accepted", "sal",
                       "--converted", "won", "--won-amount", "amount")
    assert code == 0
    data = strict_json(out)
    assert data["cells"]["A1"]["acceptance_rate"] == 1.0
    assert data["cells"]["A1"]["won_amount"] == pytest.approx(1250.5)
    assert data["to_sales"]["conversions_total"] == 2


def test_matrix_without_outcome_columns_still_works(capsys, files):
    files["leads"].write_text("lead_id,industry,employees,total_visits\nL1,Software,5000,12\n",
                              encoding="utf-8")
    code, out, _ = run(capsys, "matrix", *data_args(files), "--format", "json")
    assert code == 0
    data = strict_json(out)
    assert data["to_sales"]["leads_per_month"] is None
    assert data["to_sales"]["acceptance_rate"] is None


# ------------------------------------------------------------------ explain


def test_explain_text(capsys, files):
    code, out, err = run(capsys, "explain", *data_args(files), "--lead", "L1")
    assert code == 0
    assert err.splitlines() == [HAND_OVER_LINE]
    lines = out.splitlines()
    assert lines[0] == "Lead L1: A1 -> sales, within 24 h"
    assert lines[1] == "Profile 100.0 (A)"
    assert any("Demo request" in line and "+40.0" in line for line in lines)
    assert lines[-1] == "Ages measured at 2026-03-01 00:00 UTC"


def test_explain_json(capsys, files):
    code, out, _ = run(capsys, "explain", *data_args(files), "--lead", "L3", "--format", "json")
    assert code == 0
    data = strict_json(out)
    expected = expected_scores(files).loc["L3"]
    assert data["lead_id"] == "L3"
    assert data["rating"] == expected["rating"] == "B2"
    assert data["profile_score"] == pytest.approx(expected["profile_score"])
    assert data["engagement_score"] == pytest.approx(expected["engagement_score"])
    assert [c["id"] for c in data["categories"]] == ["industry", "size"]
    pricing = next(a for a in data["activities"] if a["id"] == "pricing")
    assert (pricing["occurrences"], pricing["points"]) == (3, pytest.approx(30.0))
    assert len(data["events"]) == 3


def test_explain_every_lead_agrees_with_score(capsys, files):
    expected = expected_scores(files)
    for lead_id, row in expected.iterrows():
        code, out, _ = run(capsys, "explain", *data_args(files), "--lead", lead_id, "--format", "json")
        assert code == 0
        assert strict_json(out)["rating"] == row["rating"]


# ------------------------------------------------------------------ schema


def test_schema_is_json_schema_that_accepts_default_config(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = strict_json(out)
    assert "$schema" in schema
    jsonschema.Draft202012Validator.check_schema(schema)
    config, _ = read_yaml(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    jsonschema.validate(config, schema, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_an_unknown_key(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = strict_json(out)
    config, _ = read_yaml(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config["colour"] = "blue"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(config, schema, cls=jsonschema.Draft202012Validator)


def test_schema_out_writes_file(capsys, tmp_path):
    out_file = tmp_path / "schema.json"
    code, out, _ = run(capsys, "schema", "--out", out_file)
    assert code == 0
    assert out == ""
    assert "$schema" in strict_json(out_file.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ entry points


def test_console_script_entry_point(files):
    result = subprocess.run([str(VENV_BIN / "leadgrid"), "validate", str(files["model"])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "valid model 'CLI test model'" in result.stdout
    bad = subprocess.run([str(VENV_BIN / "leadgrid"), "frobnicate"], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_python_dash_m_scoring_entry_point(files):
    result = subprocess.run([sys.executable, "-m", "scoring", "explain", *data_args(files), "--lead", "L6"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Lead L6: B1 -> sales"
    missing = subprocess.run([sys.executable, "-m", "scoring", "validate", str(files["model"]) + ".nope"],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr and len(missing.stderr.splitlines()) == 1
