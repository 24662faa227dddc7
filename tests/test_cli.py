"""The ``leadgrid`` command line (scoring/cli.py): exit codes, one-line errors, and outputs that
agree with ``scoring.score``.

Commands run in-process through ``scoring.cli.main`` with capsys; one subprocess run each of the
``leadgrid`` console script and ``python -m scoring`` proves the entry points.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from scoring import load_leads, load_model, read_table, score
from scoring.cli import main
from scoring.engine import OUTPUT_COLUMNS
from scoring.modelfile import read_yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "configs" / "default.yaml"
VENV_BIN = Path(sys.executable).parent

MODEL_YAML = """\
schema_version: 1
name: CLI test model
version: "1.2"
profile:
  categories:
    - id: industry
      field: industry
      weight: 60
      rules:
        - {match: {in: [Software]}, value: 100}
        - {match: {in: [Retail]}, value: 50}
      default: 0
    - id: size
      field: employees
      weight: 40
      rules:
        - {match: {gte: 1000}, value: 100}
        - {match: {gte: 100}, value: 50}
      default: 0
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  recency: {half_life_days: 30, max_age_days: 365}
  activities:
    - {id: demo, label: Demo request, activity: demo_request, points: 40, max_count: 1}
    - {id: pricing, activity: pricing_page_visit, points: 10, max_count: 3}
    - {id: visits, field: total_visits, rules: [{match: {gte: 10}, value: 25}]}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  default: {action: nurture}
  cells:
    A1: {action: sales, sla_hours: 24}
    A2: {action: sales, sla_hours: 48}
    B1: {action: sales}
    A3: {action: "nurture:fast-track"}
"""

LEADS_CSV = """\
lead_id,industry,employees,total_visits,scored_at,created_at,accepted,converted,won_amount
L1,Software,5000,12,2026-03-01,2026-01-01,yes,yes,1000
L2,Software,200,0,2026-03-01,2026-01-10,no,no,
L3,Retail,5000,12,2026-03-01,2026-01-20,yes,no,
L4,Other,50,0,2026-03-01,2026-02-01,,no,
L5,Software,1000,20,,2026-02-15,yes,yes,250.5
L6,Retail,150,10,2026-03-01,2026-03-01,maybe,,
"""

ACTIVITIES_CSV = """\
lead_id,activity,occurred_at
L1,demo_request,2026-03-01
L2,demo_request,2026-01-30
L3,pricing_page_visit,2026-03-01
L3,pricing_page_visit,2026-03-01
L3,pricing_page_visit,2026-03-01
L5,demo_request,2026-03-10
L6,demo_request,2026-02-28
"""

# By hand: L1 A1 (sales), L2 A3 (fast-track), L3 B2, L4 D4, L5 A1 (sales, measured at the
# latest activity 2026-03-10), L6 B1 (sales).
EXPECTED_RATINGS = {"L1": "A1", "L2": "A3", "L3": "B2", "L4": "D4", "L5": "A1", "L6": "B1"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"model": tmp_path / "model.yaml", "leads": tmp_path / "leads.csv",
             "activities": tmp_path / "activities.csv"}
    paths["model"].write_text(MODEL_YAML, encoding="utf-8")
    paths["leads"].write_text(LEADS_CSV, encoding="utf-8")
    paths["activities"].write_text(ACTIVITIES_CSV, encoding="utf-8")
    return paths


def run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def data_args(files: dict[str, Path], *, activities: bool = True) -> list[str]:
    args = ["--model", str(files["model"]), "--leads", str(files["leads"])]
    return [*args, "--activities", str(files["activities"])] if activities else args


def assert_one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("leadgrid: ")
    return lines[0]


def expected_scores(files: dict[str, Path], **kwargs) -> pd.DataFrame:
    model = load_model(files["model"])
    return score(model, load_leads(files["leads"]), read_table(files["activities"]), **kwargs)


def strict_json(text: str) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"not valid JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


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
    assert err == ""
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
    assert err == ""
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
