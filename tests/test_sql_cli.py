"""``leadgrid export`` and ``leadgrid matrix --engine duckdb`` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
import sqlglot
import yaml
from sql_cases import CONFIGS, SAMPLE_ACTIVITIES, SAMPLE_LEADS

from scoring.cli.commands import main
from scoring.model.files import parse_model

DEFAULT = str(CONFIGS[0].parent / "default.yaml")
DATA = ["--leads", str(SAMPLE_LEADS), "--activities", str(SAMPLE_ACTIVITIES)]


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "spark", "snowflake", "bigquery", "tsql"])
def test_export_sql_prints_one_query_and_nothing_else(capsys, dialect):
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--dialect", dialect, "--as-of", "now"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(sqlglot.parse(out, read=dialect)) == 1


def test_export_sql_of_a_model_with_activities_needs_an_as_of(capsys):
    assert main(["export", "--model", DEFAULT, "--to", "sql"]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "--as-of DATE" in err and "--as-of now" in err


def test_export_yaml_json_and_schema(capsys):
    assert main(["export", "--model", DEFAULT, "--to", "yaml"]) == 0
    assert parse_model(capsys.readouterr().out).name == "B2B SaaS inbound (default)"
    assert main(["export", "--model", DEFAULT, "--to", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "B2B SaaS inbound (default)"
    assert main(["export", "--model", DEFAULT, "--to", "json-schema"]) == 0
    assert "$schema" in json.loads(capsys.readouterr().out)


def test_python_m_scoring_export_spark():
    result = subprocess.run([sys.executable, "-m", "scoring", "export", "--model", DEFAULT, "--to", "sql", "--as-of", "now",
                             "--dialect", "spark"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    assert "`lead_rows`" in result.stdout


def test_out_replaces_a_file_only_when_complete(tmp_path, capsys):
    out = tmp_path / "scores.sql"
    out.write_text("old")
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--as-of", "now", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text().startswith("-- LeadGrid scoring query")
    assert [p.name for p in tmp_path.iterdir()] == ["scores.sql"]  # no temporary file left


def test_invalid_model_is_one_line_exit_1_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nprofile: {categories: [], grades: {A: 1, B: 2, C: 3, D: 0}}\n")
    out = tmp_path / "q.sql"
    assert main(["export", "--model", str(bad), "--to", "sql", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "profile" in err[0]
    assert not out.exists()


def test_unknown_dialect_and_missing_folder_are_usage_errors(tmp_path, capsys):
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--dialect", "oracle"]) == 2
    assert "oracle" in capsys.readouterr().err
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--out", str(tmp_path / "no" / "q.sql")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--dbt", "--out", str(tmp_path / "nope")]) == 2
    assert main(["export", "--model", DEFAULT, "--to", "yaml", "--dbt"]) == 2


@pytest.mark.parametrize("extra", [[], ["--dbt"]], ids=["sql", "dbt"])
def test_a_mistyped_dialect_is_one_usage_line_naming_the_closest(capsys, extra):
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--as-of", "now", "--dialect", "postgress", *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        "leadgrid: usage error: unknown dialect 'postgress'; did you mean 'postgres'? "
        "use one of duckdb, postgres, spark, snowflake, bigquery, tsql"]


def test_dbt_export_writes_model_and_schema_into_the_folder(tmp_path, capsys):
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--as-of", "now", "--dbt", "--leads-table", "stg_leads",
                 "--activities-table", "stg_activities", "--out", str(tmp_path)]) == 0
    sql = (tmp_path / "lead_scores.sql").read_text()
    assert "{{ ref('stg_leads') }}" in sql and "{{ ref('stg_activities') }}" in sql
    schema = yaml.safe_load((tmp_path / "schema.yml").read_text())
    assert schema["models"][0]["name"] == "lead_scores"
    assert main(["export", "--model", DEFAULT, "--to", "sql", "--dbt", "--leads-table", "bad name"]) == 2


def assert_same_figures(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, float) and isinstance(got[key], float):
            assert got[key] == pytest.approx(value, rel=1e-12), key
        else:
            assert got[key] == value, key


def _matrix_json(capsys, *extra: str) -> dict:
    assert main(["matrix", "--model", DEFAULT, *DATA, "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_matrix_engine_duckdb_equals_pandas(capsys):
    pandas = _matrix_json(capsys)
    duck = _matrix_json(capsys, "--engine", "duckdb")
    assert duck["cells"].keys() == pandas["cells"].keys()
    for rating, cell in pandas["cells"].items():
        assert_same_figures(duck["cells"][rating], cell)
    assert_same_figures(duck["to_sales"], pandas["to_sales"])


def test_matrix_engine_duckdb_with_a_mapping_and_no_outcome_columns(tmp_path, capsys):
    import pandas as pd

    leads = pd.read_csv(SAMPLE_LEADS, dtype=str, keep_default_na=False).drop(columns=["accepted", "won_amount"])
    leads = leads.rename(columns={"industry": "Sector"})
    path = tmp_path / "leads.parquet"
    leads.replace("", None).to_parquet(path)
    args = ["--leads", str(path), "--activities", str(SAMPLE_ACTIVITIES), "--map", "industry=Sector"]
    pandas = json.loads((main(["matrix", "--model", DEFAULT, *args, "--format", "json"]), capsys.readouterr().out)[1])
    duck = json.loads((main(["matrix", "--model", DEFAULT, *args, "--format", "json", "--engine", "duckdb"]),
                       capsys.readouterr().out)[1])
    for rating, cell in pandas["cells"].items():
        assert_same_figures(duck["cells"][rating], cell)
    assert_same_figures(duck["to_sales"], pandas["to_sales"])


def test_matrix_engine_refuses_dataset_and_stray_spark_master(capsys):
    assert main(["matrix", "--model", DEFAULT, "--dataset", "bank_marketing", "--engine", "duckdb"]) == 2
    assert main(["matrix", "--model", DEFAULT, *DATA, "--engine", "duckdb", "--spark-master", "local"]) == 2


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_matrix_engine_duckdb_refuses_an_outcome_flag_naming_no_column(tmp_path, capsys, suffix):
    leads = tmp_path / f"leads{suffix}"
    frame = pd.read_csv(SAMPLE_LEADS).head(50).rename(columns={"converted": "Converted_Flag"})
    frame.to_csv(leads, index=False) if suffix == ".csv" else frame.to_parquet(leads)
    base = ["matrix", "--model", DEFAULT, "--leads", str(leads), "--activities", str(SAMPLE_ACTIVITIES),
            "--engine", "duckdb", "--format", "json"]
    assert main([*base, "--converted", "nope"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == f"leadgrid: {leads}: --converted nope: missing leads column: nope"
    assert main([*base, "--converted", "Converted_Flag"]) == 0
    duckdb_cells = json.loads(capsys.readouterr().out)["cells"]
    assert main([*base[:-4], "--format", "json", "--converted", "Converted_Flag"]) == 0
    assert json.loads(capsys.readouterr().out)["cells"] == duckdb_cells
    assert sum(cell["converted"] for cell in duckdb_cells.values()) == int(frame["Converted_Flag"].astype(str)
                                                                             .str.lower().isin(["true", "1", "yes"]).sum())
