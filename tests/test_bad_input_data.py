"""Hostile and quirky lead files (issue 10): each is read as written or refused with its line,
never read differently. The classes are listed in docs/bad-input.md."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring import DataError, score, validate_model
from scoring.data.read import check_lead_ids, read_table


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def refused(source, name="leads.csv") -> DataError:
    with pytest.raises(DataError) as caught:
        read_table(source, name)
    assert "\x00" not in str(caught.value)
    assert "\n" not in str(caught.value)
    return caught.value


# ------------------------------------------------ rows with more fields than the header


def test_a_trailing_delimiter_on_one_row_does_not_shift_the_columns():
    frame = read_table(b"lead_id,industry,employees,total_visits\n1,Software,1500,12,\n2,Retail,50,2\n", "l.csv")
    assert frame["lead_id"].tolist() == ["1", "2"]
    assert frame["industry"].tolist() == ["Software", "Retail"]
    assert frame["total_visits"].tolist() == ["12", "2"]


def test_a_trailing_delimiter_on_every_line_adds_no_column():
    frame = read_table(b"lead_id,industry,\n1,Software,\n2,Retail,\n", "l.csv")
    assert list(frame.columns) == ["lead_id", "industry"]
    assert frame["lead_id"].tolist() == ["1", "2"]


def test_a_trailing_delimiter_on_the_data_rows_only_adds_no_column():
    frame = read_table(b"lead_id;industry\n1;Software;\n2;Retail;\n", "l.csv")
    assert list(frame.columns) == ["lead_id", "industry"]
    assert frame["industry"].tolist() == ["Software", "Retail"]


def test_a_score_through_a_trailing_delimiter_keeps_the_ids(tmp_path):
    model = validate_model({
        "name": "t",
        "profile": {"categories": [{"id": "c", "field": "industry", "weight": 100,
                                    "rules": [{"match": {"in": ["Software"]}, "value": 100}]}],
                    "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
        "engagement": {"grades": {"1": 60, "2": 35, "3": 15, "4": 0}},
    })
    path = write(tmp_path, "leads.csv", "lead_id,industry,employees\n1,Software,1500,\n2,Retail,50\n")
    scored = score(model, read_table(path))
    assert scored.index.tolist() == ["1", "2"]
    assert scored["profile_grade"].tolist() == ["A", "D"]


def test_extra_values_are_refused_with_their_lines():
    error = refused(b"lead_id,industry\n1,Software\n2,Retail,oops\n3,x\n4,y,z,w\n")
    assert error.row == 3
    assert "3 fields but the header has 2" in error.reason
    assert "1 more: line 5" in error.reason


def test_extra_values_on_the_first_row_name_that_row_not_a_missing_id():
    error = refused(b"lead_id,industry\n1,Software,Retail\n2,Retail\n")
    assert error.row == 2
    assert "lead_id" not in error.reason
    assert str(error).startswith("leads.csv:2: ")


def test_extra_values_line_counts_quoted_line_breaks():
    error = refused(b'lead_id,note\n1,"two\nlines"\n2,ok,extra\n')
    assert error.row == 4


def test_a_row_of_only_delimiters_keeps_later_line_numbers():
    frame = read_table(b"lead_id,x\n\n1,a\n,\n", "l.csv")
    with pytest.raises(DataError, match="first at line 4"):
        check_lead_ids(frame)


# ------------------------------------------------ repeated header


@pytest.mark.parametrize("header", ["lead_id,industry,industry", "lead_id,industry, industry ",
                                    "lead_id;industry;industry"])
def test_a_repeated_column_is_refused_naming_it_and_both_positions(header):
    error = refused(f"{header}\n1,a,b\n".replace(",", header[7]).encode())
    assert "'industry' appears twice (columns 2 and 3)" in error.reason
    assert error.row == 1


def test_an_unnamed_column_with_values_keeps_pandas_name():
    frame = read_table(b"lead_id,,industry\n1,x,a\n", "l.csv")
    assert list(frame.columns) == ["lead_id", "Unnamed: 1", "industry"]


# ------------------------------------------------ files that are not CSV text


def test_utf16_with_byte_order_mark_is_decoded():
    text = "lead_id,industry\n1,Café\n2,Retail\n"
    for encoding in ("utf-16", "utf-16-be", "utf-32"):
        bom = {"utf-16-be": "\ufeff"}.get(encoding, "")
        frame = read_table((bom + text).encode(encoding), "l.csv")
        assert frame["industry"].tolist() == ["Café", "Retail"], encoding


def test_utf16_without_byte_order_mark_is_refused_saying_so():
    error = refused("lead_id,industry\n1,a\n".encode("utf-16-le"))
    assert "UTF-16" in error.reason and "UTF-8" in error.reason


@pytest.mark.parametrize(("raw", "name", "said"), [
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "leads.xlsx", "Excel workbook (.xlsx)"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "leads.csv", "Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "leads.xls", "old Excel workbook"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 16, "leads.csv.gz", "gzip"),
    (b"lead_id,x\n1,\x00\x01\x02\x03\x00\x00\n", "leads.csv", "binary file"),
], ids=["xlsx", "xlsx-named-csv", "xls", "gzip", "nul-bytes"])
def test_files_that_are_not_csv_text_say_what_they_are(raw, name, said):
    error = refused(raw, name)
    assert said in error.reason
    assert "missing" not in error.reason


# ------------------------------------------------ property: real-world CSV quirks

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_. ",
                min_size=1, max_size=8).map(str.strip).filter(bool)
# Latin-1 letters at or above U+00C0 never form valid UTF-8, so Latin-1 files are detected as such.
VALUE_CHARS = "abcXYZ019 .,;\t\"'\n-éüßñÖ"
VALUES = st.text(alphabet=VALUE_CHARS, max_size=10)
IDS = st.text(alphabet=VALUE_CHARS, min_size=1, max_size=8).filter(lambda v: v.strip())


@st.composite
def quirky_tables(draw):
    names = ["lead_id", *draw(st.lists(NAMES, min_size=1, max_size=4, unique=True)
                              .filter(lambda names: "lead_id" not in names))]
    rows = draw(st.lists(st.tuples(IDS, st.lists(VALUES, min_size=len(names) - 1, max_size=len(names) - 1)),
                         max_size=6))
    rows = [[lead_id, *values] for lead_id, values in rows]
    quirks = {
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "line_end": draw(st.sampled_from(["\n", "\r\n"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])),
        "trailing": draw(st.sampled_from(["none", "every line", "some rows"])),
        "repeat": draw(st.booleans()) and len(names) > 2,
        "extra_on": draw(st.none() | st.integers(0, max(len(rows) - 1, 0))) if rows else None,
    }
    return names, rows, quirks


def write_quirky(names, rows, quirks) -> tuple[bytes, list[int]]:
    """The file's bytes and the file line each data row starts on."""
    delimiter, line_end = quirks["delimiter"], quirks["line_end"]
    header = list(names)
    if quirks["repeat"]:
        header[-1] = header[1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    lines, line = [], 1
    for index, row in enumerate([header, *rows]):
        fields = list(row)
        trailing = quirks["trailing"]
        if trailing == "every line" or (trailing == "some rows" and index % 2 == 1):
            fields.append("")
        if index - 1 == quirks["extra_on"]:
            fields.append("surplus")
        start = buffer.tell()
        writer.writerow(fields)
        if index:
            lines.append(line)
        line += buffer.getvalue()[start:].count("\n")
    text = buffer.getvalue()
    if quirks["encoding"] == "latin-1":
        return text.encode("latin-1"), lines
    return text.encode(quirks["encoding"]), lines


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(quirky_tables())
@example((["lead_id", "industry", "employees"], [["1", "Software", "1500"], ["2", "Retail", "50"]],
          {"delimiter": ",", "line_end": "\n", "encoding": "utf-8", "trailing": "some rows", "repeat": False,
           "extra_on": None}))
@example((["lead_id", "industry", "employees", "country"], [["1", "a", "b", "c"]],
          {"delimiter": ",", "line_end": "\r\n", "encoding": "utf-8-sig", "trailing": "none", "repeat": True,
           "extra_on": None}))
def test_property_quirky_csv_is_read_as_written_or_refused_with_a_line(table):
    names, rows, quirks = table
    raw, lines = write_quirky(names, rows, quirks)
    try:
        frame = read_table(raw, "quirky.csv")
    except DataError as error:
        if quirks["repeat"] and error.row == 1:
            assert f"{names[1]!r} appears twice (columns 2 and {len(names)})" in error.reason
        else:
            assert quirks["extra_on"] is not None, error
            assert error.row == lines[quirks["extra_on"]], error
        return
    assert not quirks["repeat"] and quirks["extra_on"] is None
    assert list(frame.columns) == names
    expected = pd.DataFrame(rows, columns=names, dtype=object).replace("", np.nan) if rows else None
    got = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    want = [] if expected is None else expected.astype(object).where(expected.notna(), None).to_numpy().tolist()
    assert got == want
