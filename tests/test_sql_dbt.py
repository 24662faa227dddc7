"""The dbt export, run by dbt-duckdb: the model builds, its schema.yml tests pass, and the
table it makes holds the preview's ratings, also for a model whose text looks like Jinja."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from sql_cases import (
    CONFIGS,
    HOSTILE_MODEL,
    RUN_AS_OF,
    SAMPLE_ACTIVITIES,
    SAMPLE_LEADS,
    WHERE_MODEL,
    assert_same_scores,
    expected_scores,
    require,
)

from scoring import load_leads, load_model, read_table, validate_model
from scoring.sql import ExportError, SqlOptions
from scoring.sql.dbt import dbt_model

JINJA_MODEL = {**HOSTILE_MODEL, "routing": {"default": {"action": "{{ ref('leads') }}"},
                                            "cells": {"A1": {"action": "{% raw %}", "sla_hours": 24}}}}


def _dbt() -> Path | None:
    found = Path(sys.executable).parent / "dbt"
    if found.exists():
        return found
    which = shutil.which("dbt")
    return Path(which) if which else None


def _write_csv_model(folder: Path, name: str, frame: pd.DataFrame) -> None:
    path = folder / f"{name}.csv"
    frame.to_csv(path, index=False)
    (folder / "models" / f"{name}.sql").write_text(
        f"select * from read_csv('{path}', all_varchar=true, header=true)\n")


def test_dbt_names_must_be_plain():
    model = load_model(CONFIGS[0].parent / "default.yaml")
    with pytest.raises(ExportError, match="dbt name"):
        dbt_model(model, leads_ref="leads') }}{{ x")


def test_jinja_looking_text_is_escaped():
    project = dbt_model(validate_model(JINJA_MODEL), options=SqlOptions(as_of=RUN_AS_OF))
    assert project.sql.count("{{ ref(") == 2
    assert "{% raw %}" not in project.sql and "{{ ref('leads') }}'" not in project.sql


def test_dbt_duckdb_builds_the_model_with_the_previews_ratings(tmp_path):
    dbt = _dbt()
    require("dbt-duckdb", dbt is not None and importlib.util.find_spec("dbt.adapters.duckdb") is not None,
            "pip install -e '.[sql]' installs dbt-duckdb")
    (tmp_path / "models").mkdir()
    (tmp_path / "dbt_project.yml").write_text(
        "name: leadgrid_check\nversion: '1.0'\nprofile: leadgrid\nmodel-paths: [models]\n")
    database = tmp_path / "out.duckdb"
    (tmp_path / "profiles.yml").write_text(
        "leadgrid:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{database}'\n      threads: 1\n      settings: {{TimeZone: UTC}}\n")
    default = load_model(CONFIGS[0].parent / "default.yaml")
    leads, activities = load_leads(SAMPLE_LEADS), read_table(SAMPLE_ACTIVITIES)
    _write_csv_model(tmp_path, "leads", leads)
    _write_csv_model(tmp_path, "activities", activities)
    hostile = validate_model(JINJA_MODEL)
    hostile_leads = pd.DataFrame({"lead_id": ["1", "2", "3"], "select": ["x'); drop table leads; --", "no", "{{"],
                                  'col"umn': ["1e3", "5", ""], "scored_at": ["2025-01-02", "", "2025-01-01"]})
    hostile_activities = pd.DataFrame({"lead_id": ["1", "3"], "activity": ["x'); DROP TABLE activities; --"] * 2,
                                       "occurred_at": ["2025-01-01 23:59", "2024-12-31"]})
    _write_csv_model(tmp_path, "h_leads", hostile_leads)
    _write_csv_model(tmp_path, "h_activities", hostile_activities)
    filtered = validate_model(WHERE_MODEL)  # an activity column filtered by where
    where_leads = pd.DataFrame({"lead_id": ["1", "2"], "x": ["a", "b"], "scored_at": ["", "2025-05-20"]})
    where_activities = pd.DataFrame({"lead_id": ["1", "1", "2"], "activity": ["work"] * 3,
                                     "occurred_at": ["2025-05-01", "2025-05-10", "2025-05-19"],
                                     "lifecycle": ["START", "COMPLETE", " complete "], 'st"ate': ["ok"] * 3,
                                     "select": ["it's"] * 3})
    _write_csv_model(tmp_path, "w_leads", where_leads)
    _write_csv_model(tmp_path, "w_activities", where_activities)
    for folder, project in (("scores", dbt_model(default, options=SqlOptions(as_of=RUN_AS_OF))),
                            ("hostile", dbt_model(hostile, options=SqlOptions(as_of=RUN_AS_OF), leads_ref="h_leads",
                                                  activities_ref="h_activities", model_name="hostile_scores")),
                            ("where", dbt_model(filtered, options=SqlOptions(as_of=RUN_AS_OF), leads_ref="w_leads",
                                                activities_ref="w_activities", model_name="where_scores"))):
        (tmp_path / "models" / folder).mkdir()
        for name, text in project.files.items():
            (tmp_path / "models" / folder / name).write_text(text)
    result = subprocess.run([str(dbt), "build", "--profiles-dir", str(tmp_path), "--project-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "ERROR=0" in result.stdout and "WARN=0" in result.stdout
    with duckdb.connect(str(database), read_only=True) as con:
        scores = con.execute("select * from lead_scores").df()
        hostile_scores = con.execute("select * from hostile_scores").df()
        where_scores = con.execute("select * from where_scores").df()
    assert_same_scores(expected_scores(default, leads, activities), scores)
    assert_same_scores(expected_scores(hostile, hostile_leads.replace("", None),
                                       hostile_activities), hostile_scores)
    assert_same_scores(expected_scores(filtered, where_leads.replace("", None), where_activities), where_scores)
