"""Lead and activity files joined or cut short (issue 20): a repeated header line (two exports
concatenated) and a row with fewer fields than the header (a truncated export) are refused at
their line, with or without a date column, as a row with more fields already was. The
classes are listed in docs/bad-input.md."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from clicases import MODEL_YAML, run
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoring import DataError
from scoring.data.read import read_table


def refused(raw: bytes, name: str = "leads.csv") -> DataError:
    with pytest.raises(DataError) as caught:
        read_table(raw, name)
    assert "\n" not in str(caught.value)
    return caught.value


# ------------------------------------------------ a repeated header line

JOINED = b"lead_id,industry,employees\nL1,Software,5000\nL2,Retail,50\nlead_id,industry,employees\nL3,Other,10\n"


@pytest.mark.parametrize("raw", [
    JOINED,  # the case: no date column, so no date check would catch it
    JOINED.replace(b",", b";"),
    JOINED.replace(b",", b"\t"),
    JOINED.replace(b"\n", b"\r\n"),
    JOINED.replace(b"L2,Retail,50\nlead_id", b"L2,Retail,50\n\xef\xbb\xbflead_id"),  # the second file's BOM
    JOINED.replace(b"L2,Retail,50\nlead_id,industry,employees", b'L2,Retail,50\n"lead_id", industry ,employees'),
    JOINED.replace(b"L2,Retail,50\n", b"L2,Retail,50\n\n"),  # a blank line before it: line 5
], ids=["comma", "semicolon", "tab", "crlf", "bom", "quoted-and-spaced", "after-a-blank-line"])
def test_a_repeated_header_line_is_refused_at_its_line(raw):
    error = refused(raw)
    assert error.row == (5 if b"\n\nlead_id" in raw else 4)
    assert "repeats the header line" in error.reason
    assert str(error).startswith(f"leads.csv:{error.row}: ")


def test_a_repeated_header_in_an_activities_file_with_dates_is_refused_too():
    raw = (b"lead_id,activity,occurred_at\nL1,demo_request,2026-03-01\n"
           b"lead_id,activity,occurred_at\nL2,demo_request,2026-03-02\n")
    assert refused(raw, "activities.csv").row == 3


def test_a_repeated_header_with_a_nameless_column_is_refused():
    assert refused(b"lead_id,,industry\nL1,x,a\nlead_id,,industry\n").row == 3


@pytest.mark.parametrize("row", [b"lead_id,industry,5000", b"lead_id,Software,employees", b"lead_id,,"])
def test_a_row_that_only_partly_looks_like_the_header_is_data(row):
    frame = read_table(b"lead_id,industry,employees\nL1,Software,5000\n" + row + b"\n", "leads.csv")
    assert frame["lead_id"].tolist() == ["L1", "lead_id"]


# ------------------------------------------------ short rows


def test_a_short_row_is_refused_at_its_line_like_a_long_one():
    error = refused(b"lead_id,industry,employees\nL1,Software,5000\nL2,Retail\nL3,Other,10\n")
    assert error.row == 3
    assert error.reason.startswith("this row has 2 fields but the header has 3 (a truncated export")


def test_several_short_rows_are_listed_and_a_row_of_one_field_is_one():
    error = refused(b"lead_id\tindustry\temployees\tvisits\nL1\ta\t1\t2\nL2\tb\nL3\tc\t3\t4\nL4\n")
    assert error.row == 3
    assert error.reason.startswith("this row has 2 fields but the header has 4")
    assert "so do 1 more: line 5" in error.reason


def test_a_short_row_is_found_beside_a_row_with_a_trailing_delimiter():
    # 3 + 1 fields on line 2 make up for the 2 on line 3 in a count of delimiters: the line still is refused
    assert refused(b"lead_id,industry,employees\nL1,Software,5000,\nL2,Retail\n").row == 3


def test_a_short_row_after_a_quoted_line_break_names_its_file_line():
    error = refused(b'lead_id,note,employees\nL1,"two\nlines",5\nL2,"x, y"\n')
    assert (error.row, error.reason[:34]) == (4, "this row has 2 fields but the head")


def test_a_truncated_last_line_is_refused():
    raw = b"lead_id,industry,employees\n" + b"".join(b"L%d,Software,%d\n" % (i, i) for i in range(50))
    assert refused(raw[:-6]).row == 51  # the export stopped inside the last row


@pytest.mark.parametrize("raw, last", [
    (b"lead_id,industry,employees\nL1,Software,\nL2,Retail,\n", [None, None]),  # empty, not absent
    (b"lead_id,industry,\nL1,Software\nL2,Retail\n", ["Software", "Retail"]),  # trailing delimiter on the header
    (b'lead_id,industry,employees\nL1,"Soft\nware",\n', [None]),
    (b"lead_id,x\n\n1,a\n,\n", ["a", None]),  # a line of only delimiters is a row without values
])
def test_empty_last_values_are_not_short_rows(raw, last):
    frame = read_table(raw, "leads.csv")
    assert frame.iloc[:, -1].astype(object).where(frame.iloc[:, -1].notna(), None).tolist() == last


def test_the_cli_exits_1_with_one_line_naming_file_and_line(capsys, tmp_path):
    (tmp_path / "model.yaml").write_text(MODEL_YAML, encoding="utf-8")
    leads = tmp_path / "leads.csv"
    leads.write_bytes(b"lead_id,industry,employees,total_visits\nL1,Software,5000,3\nL2,Retail\n")
    code, out, err = run(capsys, "score", "--model", tmp_path / "model.yaml", "--leads", leads,
                         "--as-of", "2026-03-01", "--out", tmp_path / "s.csv")
    assert (code, out) == (1, "")
    assert err == f"leadgrid: {leads}:3: this row has 2 fields but the header has 4 (a truncated export, or a " \
                  "line break inside a value that is not quoted?)\n"
    assert not (tmp_path / "s.csv").exists()
    leads.write_bytes(b"lead_id,industry,employees,total_visits\nL1,Software,5000,3\n"
                      b"lead_id,industry,employees,total_visits\n")
    code, _, err = run(capsys, "matrix", "--model", tmp_path / "model.yaml", "--leads", leads, "--as-of", "2026-03-01")
    assert code == 1 and err.startswith(f"leadgrid: {leads}:3: this line repeats the header line")


# ------------------------------------------------ property: a cut or joined file is never read


VALUES = st.text(alphabet="abc019 .,;\t\"'\n-é", max_size=6)


@st.composite
def damaged_tables(draw):
    width = draw(st.integers(2, 5))
    names = ["lead_id", *[f"c{index}" for index in range(1, width)]]
    rows = draw(st.lists(st.lists(VALUES, min_size=width - 1, max_size=width - 1), min_size=1, max_size=8))
    rows = [[f"L{index}", *values] for index, values in enumerate(rows)]
    damage = draw(st.sampled_from(["none", "short", "header"]))
    at = draw(st.integers(0, len(rows) - 1))
    cut = draw(st.integers(1, width - 1))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    trailing = draw(st.booleans())  # a trailing delimiter on every other row: allowed, and no excuse
    return names, rows, damage, at, cut, delimiter, trailing


def write_damaged(names, rows, damage, at, cut, delimiter, trailing) -> tuple[bytes, int | None]:
    """The file's bytes and the line the damage starts on (None when undamaged)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(names)
    damaged_line = None
    for index, row in enumerate(rows):
        if index == at and damage != "none":
            damaged_line = buffer.getvalue().count("\n") + 1
            writer.writerow(row[:cut] if damage == "short" else names)
            if damage == "short":
                continue
        writer.writerow([*row, ""] if trailing and index % 2 else row)
    return buffer.getvalue().encode(), damaged_line


@settings(max_examples=200, deadline=None)
@given(damaged_tables())
@example((["lead_id", "c1"], [["L0", ""]], "none", 0, 1, ",", False))
@example((["lead_id", "c1", "c2"], [["L0", "a\nb", ""], ["L1", "x", "y"]], "short", 1, 1, ",", False))
@example((["lead_id", "c1", "c2"], [["L0", "a", "b"], ["L1", "x", "y"]], "short", 0, 2, ",", True))
def test_property_a_short_row_or_repeated_header_is_refused_at_its_line(table):
    raw, damaged_line = write_damaged(*table)
    names, rows, damage = table[0], table[1], table[2]
    if damage == "none":
        frame = read_table(raw, "t.csv")
        expected = pd.DataFrame(rows, columns=names, dtype=object).replace("", np.nan)
        assert frame.astype(object).where(frame.notna(), None).to_numpy().tolist() == \
            expected.astype(object).where(expected.notna(), None).to_numpy().tolist()
        return
    error = refused(raw, "t.csv")
    assert error.row == damaged_line, (error, raw)
    assert ("repeats the header line" if damage == "header" else "but the header has") in error.reason
