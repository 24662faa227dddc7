"""A leads file without an id column: ``lead_id`` mapped to ``@row`` is the row number (1 for
the first row), in the library, the model's ``columns:`` section and the CLI's ``--map``; and
"closest column" hints only for names that really are alike."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring import DataError, Scorer, parse_model
from scoring.cli.commands import main
from scoring.data.read import ROW_NUMBER, apply_mapping, require_columns

MODEL = """
schema_version: 1
name: Row ids
columns:
  leads: {lead_id: "@row", kind: VisitorType}
profile:
  categories:
    - {id: kind, field: kind, weight: 100, rules: [{match: {in: [New_Visitor]}, value: 100}], default: 20}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  activities: []
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  cells: {A4: {action: sales}}
"""
LEADS = pd.DataFrame({"VisitorType": ["Returning_Visitor", "New_Visitor", "Other"], "Revenue": ["0", "1", "0"]})


def test_row_number_as_id_starts_at_one_and_keeps_other_columns():
    mapped = apply_mapping(LEADS.assign(x=1), {"lead_id": ROW_NUMBER, "kind": "VisitorType"})
    assert mapped["lead_id"].tolist() == [1, 2, 3]
    assert mapped["kind"].tolist() == ["Returning_Visitor", "New_Visitor", "Other"]
    assert LEADS.columns.tolist() == ["VisitorType", "Revenue"]  # the input is untouched


def test_row_number_replaces_an_existing_id_column():
    mapped = apply_mapping(pd.DataFrame({"lead_id": ["x", "x"], "a": [1, 2]}), {"lead_id": ROW_NUMBER})
    assert mapped["lead_id"].tolist() == [1, 2] and mapped.columns.tolist().count("lead_id") == 1


def test_a_model_mapping_lead_id_to_the_row_scores_a_file_without_ids():
    model = parse_model(MODEL)
    scored = Scorer.for_model(model, LEADS).score(model)
    assert scored.index.tolist() == [1, 2, 3]
    assert scored["rating"].tolist() == ["D4", "A4", "D4"]


def test_cli_map_lead_id_to_row(tmp_path, capsys):
    (tmp_path / "model.yaml").write_text(MODEL.replace('lead_id: "@row", ', ""))
    LEADS.to_csv(tmp_path / "leads.csv", index=False)
    out = tmp_path / "scores.csv"
    code = main(["score", "--model", str(tmp_path / "model.yaml"), "--leads", str(tmp_path / "leads.csv"),
                 "--map", "lead_id=@row", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    scores = pd.read_csv(out)
    assert scores["lead_id"].tolist() == [1, 2, 3] and scores["rating"].tolist() == ["D4", "A4", "D4"]


def test_without_the_mapping_the_missing_id_is_named_without_a_false_hint():
    with pytest.raises(DataError) as error:
        Scorer(LEADS)
    assert "missing leads column: lead_id" in str(error.value) and "closest" not in str(error.value)


@pytest.mark.parametrize(("wanted", "columns", "hint"), [
    ("industry", ["VisitorType", "Industy"], "industry (closest: Industy)"),
    ("total_visits", ["TotalVisits"], "total_visits (closest: TotalVisits)"),
    ("annual_revenue", ["Revenue", "Month"], "annual_revenue"),  # not alike enough: no hint
    ("VisitorType", ["industry"], "VisitorType"),
])
def test_closest_name_only_above_the_cut_off(wanted, columns, hint):
    with pytest.raises(DataError) as error:
        require_columns(pd.DataFrame(columns=columns), [wanted])
    message = str(error.value)
    assert message.endswith(hint) and message.count("closest") == hint.count("closest")
