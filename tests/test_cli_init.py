"""``leadgrid init``: a model file from a leads export, the roles and numbers printed with
their evidence, refusals in one line, and the row number as the id of a file without one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.cli.commands import main
from scoring.model.files import load_model

ROOT = Path(__file__).resolve().parents[1]
LEADS = ROOT / "sample_data" / "leads.csv"
ACTIVITIES = ROOT / "sample_data" / "activities.csv"


def _no_id_file(path) -> None:
    rng = np.random.default_rng(3)
    n = 600
    segment = rng.choice(["retail", "online", "wholesale"], n)
    bought = rng.random(n) < np.where(segment == "online", 0.4, 0.1)
    pd.DataFrame({"Segment": segment, "Basket Size": rng.integers(1, 200, n),
                  "Purchased": np.where(bought, "yes", "no")}).to_csv(path, index=False)


def test_init_writes_a_model_and_prints_roles_and_evidence(tmp_path, capsys):
    out = tmp_path / "model.yaml"
    code = main(["init", "--leads", str(LEADS), "--activities", str(ACTIVITIES), "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    model = load_model(out)
    assert "industry" in model.lead_fields() and model.activity_entries
    assert "  company: ignore — text with 3,366 distinct values" in printed.out
    assert "Judged by converted (converted): 476 of 6,000" in printed.out
    assert "demo_request" in printed.out and "before the hand-over" in printed.out
    assert "lift" in printed.out and "To sales:" in printed.out


def test_init_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "model.yaml"
    out.write_text("keep me")
    assert main(["init", "--leads", str(LEADS), "--out", str(out)]) == 2
    assert out.read_text() == "keep me"
    assert "exists; give --force" in capsys.readouterr().err
    assert main(["init", "--leads", str(LEADS), "--out", str(out), "--force"]) == 0
    assert load_model(out).profile.categories


def test_a_file_without_ids_uses_the_row_number_and_matrix_runs_on_it(tmp_path, capsys):
    leads, out = tmp_path / "shop.csv", tmp_path / "shop.yaml"
    _no_id_file(leads)
    assert main(["init", "--leads", str(leads), "--out", str(out)]) == 0
    model = load_model(out)
    assert model.columns.leads["lead_id"] == "@row"
    assert model.columns.leads["converted"] == "Purchased"
    assert "segment" in model.lead_fields()  # "online" converts 4 times as often as the others
    capsys.readouterr()
    assert main(["matrix", "--model", str(out), "--leads", str(leads)]) == 0
    assert "To sales:" in capsys.readouterr().out


def test_missing_lead_id_suggests_the_row_number(tmp_path, capsys):
    leads = tmp_path / "shop.csv"
    _no_id_file(leads)
    assert main(["matrix", "--model", str(ROOT / "configs" / "default.yaml"), "--leads", str(leads)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "missing leads column: lead_id" in err
    assert err.endswith("--map lead_id=@row")


@pytest.mark.parametrize(("extra", "message"), [
    (["--outcome", "nope"], "missing outcome column: nope"),
    (["--outcome", "industry"], "none of its values reads as yes or no"),
    (["--profile", "not_a_column"], "missing leads column: not_a_column"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys, extra, message):
    out = tmp_path / "model.yaml"
    assert main(["init", "--leads", str(LEADS), "--out", str(out), *extra]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err
    assert not out.exists()


def test_activities_without_a_hand_over_moment_ask_for_one(tmp_path, capsys):
    leads = pd.read_csv(LEADS).drop(columns=["scored_at"])
    path = tmp_path / "leads.csv"
    leads.to_csv(path, index=False)
    assert main(["init", "--leads", str(path), "--activities", str(ACTIVITIES), "--out",
                 str(tmp_path / "m.yaml")]) == 1
    assert "--as-of" in capsys.readouterr().err
    assert main(["init", "--leads", str(path), "--activities", str(ACTIVITIES), "--hand-over", "created_at+14d",
                 "--out", str(tmp_path / "m.yaml")]) == 0


def test_capacity_places_the_lines_and_needs_dates(tmp_path, capsys):
    out = tmp_path / "model.yaml"
    assert main(["init", "--leads", str(LEADS), "--capacity", "60", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "for at most 60 leads a month to sales (calibrate)" in printed
    assert "This file covers 27.0 months (scored_at, 2024-04-16 to 2026-07-17): 6,000 leads, 222 a month." in printed
    leads = tmp_path / "shop.csv"
    _no_id_file(leads)
    assert main(["init", "--leads", str(leads), "--capacity", "60", "--out", str(tmp_path / "shop.yaml")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no created_at or scored_at dates" in err
