"""``leadgrid calibrate``: the issue's done-when on the sample data, the hand case through
the command line (table, JSON, --out), suggested weights (--weights) on the two-category
case, and one-line errors with exit 1 (bad input) or 2 (bad usage)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from calibrate_cases import TWO_CATEGORY_MODEL, hand_leads, two_category_leads

import scoring
from scoring.cli.commands import main
from scoring.model.edit import with_weights

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
    ([], 2, "one of the arguments --capacity --min-acceptance --weights is required"),
    (["--weights", "--capacity", "3"], 2, "argument --capacity: not allowed with argument --weights"),
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


# ----- suggested weights (--weights) ---------------------------------------------------------


@pytest.fixture
def two_category_files(tmp_path: Path) -> tuple[str, str]:
    """The two-category case of calibrate_cases, with a comment the written model must keep."""
    model = tmp_path / "two.yaml"
    model.write_text("# two categories, X says nothing\n" + scoring.dump_model(scoring.validate_model(TWO_CATEGORY_MODEL)),
                     encoding="utf-8")
    leads = tmp_path / "leads.csv"
    two_category_leads().to_csv(leads, index=False)
    return str(model), str(leads)


def test_weights_by_hand_as_json(capsys, two_category_files):
    model, leads = two_category_files
    code, text, err = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--weights", "--format", "json")
    assert code == 0, err
    result = json.loads(text)
    assert (result["model"], result["outcome"], result["leads"]) == ("two", "acceptance", 16)
    assert result["current"] == {"x": 50.0, "y": 50.0}
    assert result["suggested"] == {"x": 0.0, "y": 100.0}
    assert result["coefficients"]["x"] == pytest.approx(0.0, abs=1e-4) and result["coefficients"]["y"] > 0.5
    # now: the 8 good leads and the 4 (a, bad) ones reach B (profile >= 50), 7 of 12 accepted;
    # Y alone: the 8 good leads, 6 of 8; one day of leads, so a month's leads are all of them
    now, then = result["current_sales"], result["suggested_sales"]
    assert (now["leads"], now["leads_per_month"], now["decided"]) == (12, 12, 12)
    assert now["acceptance_rate"] == pytest.approx(7 / 12)
    assert (then["leads"], then["leads_per_month"], then["decided"]) == (8, 8, 8)
    assert then["acceptance_rate"] == pytest.approx(6 / 8)
    assert set(result["quality"]["auc"]) == {"acceptance"}
    assert result["warnings"] == ["2025Q1 has 16 sales decisions among 16 leads, too few to judge that quarter "
                                  "on its own (at least 30)"]


def test_weights_by_hand_as_a_table(capsys, two_category_files):
    model, leads = two_category_files
    code, text, _ = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--weights")
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith("Weights fitted to sales acceptance on 16 leads with a known outcome")
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.strip()}
    assert rows["Weight"] == ["current", "suggested", "coefficient"]
    assert rows["x"][:2] == ["50", "0"] and rows["y"][:2] == ["50", "100"]
    assert float(rows["x"][2]) == pytest.approx(0.0, abs=1e-3)
    assert [line.split()[-2:] for line in lines if line.startswith("Leads a month")] == [["12", "8"]]
    accepted = next(line for line in lines if line.startswith("Accepted by sales  "))
    assert accepted.split()[3] == "58%" and accepted.split()[5] == "75%"  # 7/12 and 6/8
    assert "ROC AUC (current model)" in text and "Before trusting these figures:" in text


def test_weights_out_writes_onto_the_model_file(capsys, two_category_files, tmp_path):
    model, leads = two_category_files
    out = tmp_path / "weighted.yaml"
    code, text, err = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--weights", "--format", "json",
                           "--out", str(out))
    assert code == 0 and "wrote the proposed model to" in err
    written = scoring.load_model(out)
    assert [(c.id, c.weight) for c in written.profile.categories] == [("x", 0.0), ("y", 100.0)]
    before, after = Path(model).read_text(encoding="utf-8").splitlines(), out.read_text(encoding="utf-8").splitlines()
    assert after[0] == "# two categories, X says nothing" and len(after) == len(before)
    assert [(b.strip(), a.strip()) for b, a in zip(before, after, strict=True) if a != b] == \
        [("weight: 50", "weight: 0"), ("weight: 50", "weight: 100")]  # only the weight lines move
    # the written model, scored by the engine, sends what the JSON says
    sales = scoring.preview(written, scoring.Scorer(scoring.load_leads(leads))).sales
    assert sales.leads == json.loads(text)["suggested_sales"]["leads"] == 8
    code, _, err = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--weights", "--out", leads)
    assert code == 1 and "that is an input file" in err


def test_weights_on_the_sample_data(capsys):
    code, text, err = _run(capsys, "calibrate", "--model", DEFAULT, "--weights", "--format", "json")
    assert code == 0, err
    result = json.loads(text)
    assert sum(result["suggested"].values()) == 100
    assert set(result["suggested"]) == set(result["current"]) == {c.id for c in scoring.load_model(DEFAULT).profile.categories}
    assert result["current_sales"]["leads"] == 2500  # the default model's to-sales set on the sample data
    suggested = with_weights(scoring.load_model(DEFAULT), result["suggested"])
    leads = scoring.load_leads(REPO / "sample_data" / "leads.csv")
    activities = scoring.read_table(REPO / "sample_data" / "activities.csv")
    assert scoring.preview(suggested, scoring.Scorer(leads, activities)).sales.leads == result["suggested_sales"]["leads"]


@pytest.mark.parametrize(("columns", "words"), [
    ({"accepted": None}, "record no outcomes"),
    ({"accepted": ["true"] * 16}, "every lead with a known outcome has the same outcome"),
])
def test_weights_without_evidence_is_one_line(capsys, two_category_files, tmp_path, columns, words):
    model, _ = two_category_files
    leads = two_category_leads()
    for name, values in columns.items():
        leads = leads.drop(columns=name) if values is None else leads.assign(**{name: values})
    path = tmp_path / "bare.csv"
    leads.to_csv(path, index=False)
    code, out, err = _run(capsys, "calibrate", "--model", model, "--leads", str(path), "--weights")
    assert code == 1 and not out
    assert words in err and len(err.strip().splitlines()) == 1


def test_weights_without_scikit_learn_is_one_line_naming_the_extra(capsys, two_category_files, monkeypatch):
    # scikit-learn is the calibrate extra's: a core install says so in one line, exit 1
    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)  # importing it raises ImportError
    model, leads = two_category_files
    code, out, err = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--weights")
    assert code == 1 and not out
    assert err.strip() == "leadgrid: the suggested weights need scikit-learn, which the calibrate extra installs: " \
                          "pip install 'leadgrid[calibrate]'"
    code, out, _ = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--capacity", "8")
    assert code == 0 and out  # the thresholds need no scikit-learn


# ----- the room's routing, a worse proposal, one outcome value (issues 19 and 20) ------------


def test_out_keeps_a_routing_the_room_changed(capsys, tmp_path):
    # issue 19: B3 routed to nurture, then a capacity of 160: the written model kept B3 in
    # sales, and nothing said so. Now every route is kept and every change is listed.
    text = Path(DEFAULT).read_text(encoding="utf-8")
    assert text.count("B3: {action: sales, sla_hours: 48}") == 1
    model = tmp_path / "b3_nurture.yaml"
    model.write_text(text.replace("B3: {action: sales, sla_hours: 48}", "B3: {action: nurture}"), encoding="utf-8")
    out = tmp_path / "proposed.yaml"
    code, printed, err = _run(capsys, "calibrate", "--model", str(model), "--capacity", "160", "--format", "json",
                              "--out", str(out))
    assert code == 0, err
    result = json.loads(printed)
    before, written = scoring.load_model(model), scoring.load_model(out)
    assert written.routing == before.routing and written.routing.route_for("B3").action == "nurture"
    assert result["routing_kept"] is True and "B3" not in result["to_sales"]
    assert result["changes"] == scoring.model.diff.describe_changes(before, written)
    assert all(" threshold " in change for change in result["changes"])
    code, table, _ = _run(capsys, "calibrate", "--model", str(model), "--capacity", "160")
    assert code == 0
    assert "Routing: kept (every cell keeps its route)" in table
    assert "Changes: " + "; ".join(result["changes"]) in table


@pytest.mark.parametrize("accepted", ["false", "no"])
def test_no_lead_ever_accepted_is_one_sentence(capsys, hand_files, tmp_path, accepted):
    # issue 20: proposed 1 lead a month at 0 % acceptance, conversions caught 85 % -> 2 %
    model, _ = hand_files
    path = tmp_path / "rejected.csv"
    hand_leads(accepted=[accepted] * 8).to_csv(path, index=False)
    code, out, err = _run(capsys, "calibrate", "--model", model, "--leads", str(path), "--capacity", "3")
    assert code == 1 and not out
    assert err == ("leadgrid: sales rejected every one of the 8 leads they decided on, so acceptance cannot tell "
                   "one set of thresholds from another; check which column is mapped to accepted\n")


def test_one_outcome_value_prints_a_sentence_not_nan(capsys, hand_files, tmp_path):
    # issue 20: with one outcome value only, the AUC printed nan
    model, _ = hand_files
    path = tmp_path / "never_converted.csv"
    hand_leads(converted=["false"] * 8).to_csv(path, index=False)
    code, table, err = _run(capsys, "calibrate", "--model", model, "--leads", str(path), "--capacity", "3")
    assert code == 0, err
    assert "nan" not in table.lower()
    assert ("No AUC: all 8 leads with a known conversion did not convert, so there is no AUC against converted: "
            "ordering leads needs both outcomes.") in table
    code, printed, _ = _run(capsys, "calibrate", "--model", model, "--leads", str(path), "--capacity", "3",
                            "--format", "json")
    result = json.loads(printed)
    assert set(result["quality"]["auc"]) == {"acceptance"} and len(result["quality"]["notes"]) == 1


def test_a_worse_proposal_is_labelled_in_the_table(monkeypatch, capsys, hand_files):
    import dataclasses

    import scoring.cli.calibrate as cli_calibrate

    real = cli_calibrate.propose_thresholds

    def worse(*args, **kwargs):  # the verdict itself is tested by hand in test_calibrate_thresholds
        return dataclasses.replace(real(*args, **kwargs), worse="the current model does better")

    monkeypatch.setattr(cli_calibrate, "propose_thresholds", worse)
    model, leads = hand_files
    code, table, _ = _run(capsys, "calibrate", "--model", model, "--leads", leads, "--capacity", "3")
    assert code == 0 and "Worse than the current model: the current model does better." in table
