"""``leadgrid calibrate``: the issue's done-when on the sample data, the hand case through
the command line (table, JSON, --out), and one-line errors with exit 1 (bad input) or
2 (bad usage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from calibrate_cases import hand_leads

import scoring
from scoring.cli import main

REPO = Path(__file__).resolve().parents[1]
DEFAULT = str(REPO / "configs" / "default.yaml")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def hand_files(tmp_path: Path) -> tuple[str, str]:
    from calibrate_cases import MODEL

    model = tmp_path / "hand.yaml"
    model.write_text(scoring.dump_model(scoring.validate_model(MODEL)), encoding="utf-8")
    leads = tmp_path / "leads.csv"
    hand_leads().to_csv(leads, index=False)
    return str(model), str(leads)


def test_capacity_400_on_the_sample_data(capsys, tmp_path):
    out = tmp_path / "proposed.yaml"
    code, text, err = _run(capsys, "calibrate", "--model", DEFAULT, "--capacity", "400", "--format", "json",
                           "--out", str(out))
    assert code == 0, err
    result = json.loads(text)
    assert result["proposed"]["leads_per_month"] <= 400
    proposed = scoring.load_model(out)
    assert proposed.sales_ratings() == result["to_sales"]
    assert proposed.profile.grades.as_dict() == result["profile_grades"]
    # the written model, scored by the engine on the same files, sends what the JSON says
    leads = scoring.load_leads(REPO / "sample_data" / "leads.csv")
    activities = scoring.read_table(REPO / "sample_data" / "activities.csv")
    sales = scoring.preview(proposed, scoring.Scorer(leads, activities)).sales
    assert sales.leads == result["proposed"]["leads"]
    assert sales.leads_per_month <= 400
    assert set(result["quality"]["auc"]) == {"acceptance", "conversion"}
    assert all(0.5 < v <= 1 for v in result["quality"]["auc"]["acceptance"].values())
    assert "wrote the proposed model" in err


def test_explicit_sample_files_give_the_same_table(capsys):
    code, default_table, _ = _run(capsys, "calibrate", "--model", DEFAULT, "--capacity", "400")
    assert code == 0
    code, explicit, _ = _run(capsys, "calibrate", "--model", DEFAULT, "--capacity", "400",
                             "--leads", str(REPO / "sample_data" / "leads.csv"),
                             "--activities", str(REPO / "sample_data" / "activities.csv"))
    assert code == 0 and explicit == default_table
    assert default_table.startswith("Target: at most 400 leads a month to sales")
    assert "Leads a month" in default_table and "ROC AUC" in default_table


def test_hand_case_table_and_json(capsys, hand_files):
    model, leads = hand_files
    code, text, _ = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--capacity", "3",
                         "--format", "json")
    assert code == 0
    result = json.loads(text)
    assert result["profile_grades"] == {"A": 60.0, "B": 50.0, "C": 10.0, "D": 0.0}
    assert result["engagement_grades"]["1"] == 70.0
    assert result["proposed"]["leads"] == 2 and result["proposed"]["acceptance_rate"] == 1.0
    assert result["quality"]["auc"]["acceptance"]["profile_score"] == pytest.approx(9.5 / 12)
    code, out, err = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--min-acceptance", "100%")
    assert code == 1 and not out  # 30 decisions are needed and the history has 7
    assert "no thresholds reach 100% acceptance with at least 30 sales decisions" in err


@pytest.mark.parametrize(("argv", "code", "words"), [
    (["--capacity", "0"], 1, "leadgrid: the capacity must be at least 1 lead a month; got 0"),
    (["--capacity", "9"], 1, "more than all 8 leads of the history"),
    (["--min-acceptance", "1.5"], 1, "above 0 and at most 1"),
    (["--min-acceptance", "lots"], 2, "needs a rate such as 0.7 or 70%"),
    (["--capacity", "3", "--min-acceptance", "0.5"], 2, "not allowed with argument"),
    ([], 2, "one of the arguments --capacity --min-acceptance is required"),
])
def test_bad_targets_are_one_line(capsys, hand_files, argv, code, words):
    model, leads = hand_files
    got, out, err = _run(capsys, "calibrate", "--model", model, "--leads", leads, *argv)
    assert got == code
    assert words in err and len(err.strip().splitlines()) == 1 and not out


def test_no_outcomes_and_activities_without_leads(capsys, hand_files, tmp_path):
    model, _ = hand_files
    bare = tmp_path / "bare.csv"
    hand_leads(accepted=None, converted=None).to_csv(bare, index=False)
    code, _, err = _run(capsys, "calibrate", "--model", model, "--leads", str(bare), "--capacity", "2")
    assert code == 1 and "record no outcomes" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, "calibrate", "--model", model, "--activities", str(bare), "--capacity", "2")
    assert code == 2 and "--activities goes with --leads" in err


def test_out_never_overwrites_an_input(capsys, hand_files):
    model, leads = hand_files
    before = Path(model).read_text(encoding="utf-8")
    code, _, err = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--capacity", "3", "--out", model)
    assert code == 1 and "that is an input file" in err
    assert Path(model).read_text(encoding="utf-8") == before
