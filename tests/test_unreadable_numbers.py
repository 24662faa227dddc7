"""Numbers written with separators ("5,000", "5 000", a non-breaking space, "$5000",
full-width digits) stay text, as the format says, but are never silent: every present value
a gte/lt/range rule cannot read is counted per column with an example
(``scoring.engine.values.unreadable_numbers``), and ``score``, ``matrix`` and ``calibrate`` print
one line per column (and a JSON key where the output is JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from clicases import MODEL_YAML, run
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoring import Scorer, load_leads, parse_model, score
from scoring.engine.values import TRIM_CHARS, ValueColumn, number_rule_fields, unreadable_numbers

MODEL = parse_model(MODEL_YAML)  # employees: gte 1000 / gte 100; total_visits: gte 10; industry: in
SEPARATED = ["5,000", "5 000", "5\u00a0000", "$5000", "５０００", "5\u202f000", "€1.500", "1'000", "50%"]

# The case: "5,000" employees under gte 1000 drops the lead from A to B, silently.
LEADS_CSV = """\
lead_id,industry,employees,total_visits,scored_at
L1,Software,"5,000",12,2026-03-01
L2,Software,5000,12,2026-03-01
L3,Software,n/a,"1,2",2026-03-01
L4,Retail,,oops,2026-03-01
L5,"5,000",$5000,３,2026-03-01
"""


def test_separated_numbers_are_not_numbers_and_are_flagged_one_by_one():
    values = pd.Series([*SEPARATED, "1000", " 7 ", "1e3", "", "   ", None, "n/a", "inf"], dtype=object)
    view = ValueColumn(values)
    assert view.unreadable_number.tolist() == [True] * len(SEPARATED) + [
        False, False, False, False, False, False, True, False]  # "inf" reads as a number (counted elsewhere)


def test_only_columns_read_by_a_number_rule_are_counted(tmp_path):
    assert number_rule_fields(MODEL) == ["employees", "total_visits"]  # industry has only `in` rules
    path = tmp_path / "leads.csv"
    path.write_text(LEADS_CSV, encoding="utf-8")
    leads = load_leads(path)
    found = {column.column: column for column in unreadable_numbers(MODEL, leads)}
    # employees: "5,000" (L1), "n/a" (L3), "$5000" (L5); L4 is blank (missing, not unreadable)
    assert (found["employees"].count, found["employees"].example, found["employees"].separated) == (3, "5,000", 2)
    # total_visits: "1,2" (separated), "oops" (text), "３" (full-width digit)
    assert (found["total_visits"].count, found["total_visits"].example, found["total_visits"].separated) == (
        3, "1,2", 2)
    assert "industry" not in found  # "5,000" as an industry is text an `in` rule reads as text
    line = found["employees"].line()
    assert line.startswith("employees: 3 values not readable as a number, e.g. '5,000' (2 of them are digits")
    # the contract is unchanged: L1 is rated as a lead without a size (not A like L2)
    rated = score(MODEL, leads, as_of="2026-03-01")
    assert rated.loc["L2", "profile_score"] - rated.loc["L1", "profile_score"] == pytest.approx(40)


def test_a_column_of_only_text_names_its_first_value_and_no_separator_hint():
    leads = pd.DataFrame({"lead_id": ["a", "b", "c"], "employees": ["unknown", None, "n/a"]})
    (found,) = unreadable_numbers(MODEL, leads)
    assert (found.count, found.example, found.separated) == (2, "unknown", 0)
    assert "separator" not in found.line() and "2 values" in found.line()


def test_numeric_and_absent_columns_count_nothing():
    leads = pd.DataFrame({"lead_id": [1, 2], "employees": [5000.0, np.nan]})  # no total_visits column
    assert unreadable_numbers(MODEL, leads) == []


# ------------------------------------------------------------------ property: against pandas

NUMBER_TEXT = st.one_of(st.integers(-10**6, 10**6).map(str),
                        st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr))
SEPARATED_TEXT = st.builds(lambda number, form: form.format(number), st.integers(1000, 10**7),
                           st.sampled_from(["{:,}", "${}", "{:,}".replace(",", ""), "€{:,}"])).map(
    lambda text: text if not text.isdigit() else text[:-3] + "\u00a0" + text[-3:])
FULL_WIDTH = st.integers(0, 10**6).map(lambda number: "".join(chr(0xFF10 + int(d)) for d in str(number)))
TEXT = st.sampled_from(["n/a", "NULL", "None", "unknown", "-", "lots", "approx. 50", "1.2.3"])
BLANK = st.sampled_from(["", " ", "\t"])
CELL = st.one_of(
    st.tuples(NUMBER_TEXT, st.just("number")), st.tuples(SEPARATED_TEXT, st.just("separated")),
    st.tuples(FULL_WIDTH, st.just("separated")), st.tuples(TEXT, st.just("text")),
    st.tuples(BLANK, st.just("blank")), st.tuples(st.none(), st.just("blank")))


def _not_a_number_by_pandas(raw: object) -> bool:
    """Read one raw value as pandas reads a number: trimmed, to_numeric, NaN when it fails."""
    if raw is None or not str(raw).strip(TRIM_CHARS):
        return False
    return bool(np.isnan(pd.to_numeric(pd.Series([str(raw).strip(TRIM_CHARS)]), errors="coerce").iloc[0]))


@settings(deadline=None)  # a Scorer or a CSV round trip per example: slow on a busy machine
@given(st.lists(CELL, max_size=40))
@example([("5,000", "separated"), ("n/a", "text")])
@example([("inf", "number"), ("", "blank")])
@example([("n/a", "text"), ("5,000", "separated"), ("n/a", "text"), ("5,000", "separated"), (None, "blank")])
def test_counts_agree_with_pandas_reading_each_raw_value(cells):
    raw = [value for value, _ in cells]
    leads = pd.DataFrame({"lead_id": [f"L{i}" for i in range(len(raw))], "employees": pd.Series(raw, dtype=object)})
    found = {column.column: column for column in unreadable_numbers(MODEL, leads)}
    scorer = Scorer(leads.assign(total_visits="1"), None, "2026-03-01")
    assert unreadable_numbers(MODEL, scorer.leads, scorer.field_rules) == list(found.values())  # distinct values
    assert unreadable_numbers(MODEL, scorer.leads, scorer.column) == list(found.values())
    unreadable = [value for value in raw if _not_a_number_by_pandas(value)]
    separated = [value for value, kind in cells if kind == "separated"]
    assert all(_not_a_number_by_pandas(value) for value in separated)  # the format keeps them text
    if not unreadable:
        assert "employees" not in found
        return
    column = found["employees"]
    assert column.count == len(unreadable)
    assert column.separated == len(separated)
    first = separated[0] if separated else unreadable[0]
    assert column.example == str(first).strip(TRIM_CHARS)


# ------------------------------------------------------------------ the command line


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "model.yaml").write_text(MODEL_YAML, encoding="utf-8")
    (tmp_path / "leads.csv").write_text(LEADS_CSV, encoding="utf-8")
    return {"model": tmp_path / "model.yaml", "leads": tmp_path / "leads.csv"}


def _args(files: dict[str, Path]) -> list[object]:
    return ["--model", files["model"], "--leads", files["leads"], "--as-of", "2026-03-01"]


EMPLOYEES_LINE = "leadgrid: warning: employees: 3 values not readable as a number, e.g. '5,000'"
VISITS_LINE = "leadgrid: warning: total_visits: 3 values not readable as a number, e.g. '1,2'"


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("leadgrid: warning:")]


def test_score_prints_one_line_per_column(capsys, files, tmp_path):
    code, _, err = run(capsys, "score", *_args(files), "--out", tmp_path / "scores.csv")
    assert code == 0, err
    warnings = _warnings(err)
    assert len(warnings) == 2
    assert warnings[0].startswith(EMPLOYEES_LINE) and warnings[1].startswith(VISITS_LINE)


@pytest.mark.parametrize("form", ["table", "csv"])
def test_matrix_prints_the_lines_to_stderr_and_keeps_stdout_clean(capsys, files, form):
    code, out, err = run(capsys, "matrix", *_args(files), "--format", form)
    assert code == 0, err
    assert [line[:len(EMPLOYEES_LINE)] for line in _warnings(err)] == [EMPLOYEES_LINE, VISITS_LINE[:len(EMPLOYEES_LINE)]]
    assert "not readable" not in out


def test_matrix_json_holds_the_counts(capsys, files):
    code, out, _ = run(capsys, "matrix", *_args(files), "--format", "json")
    assert code == 0
    assert json.loads(out)["unreadable_numbers"] == {
        "employees": {"count": 3, "example": "5,000", "with_separators": 2},
        "total_visits": {"count": 3, "example": "1,2", "with_separators": 2}}


def test_matrix_json_on_the_duckdb_engine_holds_the_same_counts(capsys, files):
    pytest.importorskip("duckdb")
    _, pandas_out, _ = run(capsys, "matrix", *_args(files), "--format", "json")
    code, out, err = run(capsys, "matrix", *_args(files), "--format", "json", "--engine", "duckdb")
    assert code == 0, err
    assert json.loads(out)["unreadable_numbers"] == json.loads(pandas_out)["unreadable_numbers"]
    assert len(_warnings(err)) == 2


def test_clean_numbers_print_no_warning_and_an_empty_json_key(capsys, files):
    files["leads"].write_text("lead_id,industry,employees,total_visits\nL1,Software,5000,12\n", encoding="utf-8")
    code, out, err = run(capsys, "matrix", *_args(files), "--format", "json")
    assert code == 0 and _warnings(err) == []
    assert json.loads(out)["unreadable_numbers"] == {}


def test_calibrate_prints_the_lines_and_writes_them_in_json(capsys, files):
    leads = pd.read_csv(files["leads"], dtype=str, keep_default_na=False)
    leads = pd.concat([leads] * 4, ignore_index=True)
    leads["lead_id"] = [f"L{i}" for i in range(len(leads))]
    leads["accepted"] = ["yes", "no"] * (len(leads) // 2)
    leads["created_at"] = "2026-01-15"
    leads.to_csv(files["leads"], index=False)
    code, out, err = run(capsys, "calibrate", *_args(files), "--capacity", "5", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["unreadable_numbers"]["employees"] == {"count": 12, "example": "5,000",
                                                                  "with_separators": 8}
    assert _warnings(err)[0].startswith("leadgrid: warning: employees: 12 values not readable")
