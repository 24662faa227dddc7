"""Leaks on the command line (issue 19): ``matrix``, ``calibrate`` and ``validate --leads``
print each finding of ``scoring.measures.leaks`` as one stderr line and list them under "leaks" in
--format json; exit 0 (a warning, not an error); the default model on the sample data gives
none."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from clicases import run

from scoring import Scorer, load_leads, parse_model
from scoring.measures.leaks import leak_report

REPO = Path(__file__).resolve().parents[1]
MODEL = """\
schema_version: 1
name: Flag
profile:
  categories:
    - {id: offer, label: Offer returned, field: offer, weight: 50, rules: [{match: {in: ["yes"]}, value: 100}]}
    - {id: noise, field: noise, weight: 50, rules: [{match: {in: ["a"]}, value: 100}], default: 0}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  activities: []
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  default: {action: nurture}
  cells: {A4: {action: sales}}
"""


@pytest.fixture
def leaky(tmp_path: Path) -> dict[str, Path]:
    """200 leads, 80 accepted: ``offer`` is yes exactly for them (the flag written after the decision)."""
    index = np.arange(200)
    leads = pd.DataFrame({"lead_id": index + 1, "offer": np.where(index < 80, "yes", "no"),
                          "noise": np.where(index % 2 == 0, "a", "b"),
                          "created_at": [f"2026-0{1 + i % 6}-01" for i in index],
                          "accepted": np.where(index < 80, "yes", np.where(index < 160, "no", ""))})
    files = {"model": tmp_path / "flag.yaml", "leads": tmp_path / "leads.csv"}
    files["model"].write_text(MODEL, encoding="utf-8")
    leads.to_csv(files["leads"], index=False)
    return files


def _expected(files: dict[str, Path]) -> list[str]:
    return leak_report(Scorer(load_leads(files["leads"])), parse_model(MODEL)).lines()


def _leak_lines(err: str) -> list[str]:
    return [line.removeprefix("leadgrid: possible leak: ") for line in err.splitlines()
            if line.startswith("leadgrid: possible leak: ")]


def test_matrix_warns_on_stderr_and_lists_the_leaks_in_json(capsys, leaky):
    expected = _expected(leaky)
    assert len(expected) == 3 and expected[0].startswith("Column `offer` as the model scores it")
    code, out, err = run(capsys, "matrix", "--model", leaky["model"], "--leads", leaky["leads"])
    assert code == 0 and _leak_lines(err) == expected
    code, out, err = run(capsys, "matrix", "--model", leaky["model"], "--leads", leaky["leads"], "--format", "json")
    leaks = json.loads(out)["leaks"]
    assert code == 0 and [leak["text"] for leak in leaks] == expected
    assert [(leak["kind"], leak["id"], leak["check"]) for leak in leaks] == [
        ("column", "offer", "separation"), ("column", "offer", "certain_value"), ("cell", "A4", "near_perfect_cell")]


def test_calibrate_warns_and_lists_the_leaks(capsys, leaky):
    code, out, err = run(capsys, "calibrate", "--model", leaky["model"], "--leads", leaky["leads"],
                         "--capacity", "10", "--format", "json")
    assert code == 0 and _leak_lines(err) == _expected(leaky)
    assert [leak["text"] for leak in json.loads(out)["leaks"]] == _expected(leaky)


def test_validate_with_leads_checks_the_model_against_them(capsys, leaky):
    code, out, err = run(capsys, "validate", leaky["model"], "--leads", leaky["leads"])
    assert code == 0 and out.startswith(f"{leaky['model']}: valid model 'Flag'")
    assert _leak_lines(err) == _expected(leaky)
    assert err.splitlines()[-1] == f"leadgrid: 3 possible leaks in {leaky['leads']}"
    code, out, err = run(capsys, "validate", leaky["model"])  # without data: the file alone, as before
    assert code == 0 and err == ""


def test_validate_data_options_go_with_leads(capsys, leaky):
    code, _out, err = run(capsys, "validate", leaky["model"], "--activities", leaky["leads"])
    assert code == 2 and err.strip() == ("leadgrid: usage error: --activities, --as-of, --hand-over and --map go "
                                         "with --leads")


def test_the_default_model_on_the_sample_data_gives_no_leak(capsys):
    code, _out, err = run(capsys, "validate", REPO / "configs" / "default.yaml",
                         "--leads", REPO / "sample_data" / "leads.csv",
                         "--activities", REPO / "sample_data" / "activities.csv")
    assert code == 0 and _leak_lines(err) == [] and "leadgrid: no possible leaks in" in err
