"""Reading a CSV file exactly as written: the encoding (UTF-8 with or without BOM,
UTF-16/32 with BOM, else Latin-1) and the delimiter (comma, semicolon or tab) are
detected; every value stays text and only an empty field is missing; a row with more
fields than the header is refused at its line, never shifted; a file that is not CSV
text (a workbook, a PDF, UTF-16 without BOM) is refused saying what it is.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import DataError

DELIMITERS = (",", ";", "\t")


def decode_text(raw: bytes) -> str:
    """UTF-16 or UTF-32 with a byte-order mark; else UTF-8 (with or without BOM) when it
    decodes, else Latin-1."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding, errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)
_NOT_CSV = (  # magic bytes of files people save instead of a CSV
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive, not a CSV file: save the sheet "
                     "as CSV UTF-8 (or Parquet) and use that file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls), not a CSV file: save the sheet "
                                         "as CSV UTF-8 (or Parquet) and use that file"),
    (b"\x1f\x8b", "a gzip-compressed file, not a CSV file: unpack it first"),
    (b"%PDF", "a PDF document, not a CSV file"),
)


def _decode_csv(raw: bytes, label: str) -> str:
    """The text of a CSV file; a file that is not CSV text is refused saying what it is."""
    if not any(raw.startswith(bom) for bom, _ in _BOMS):
        for magic, what in _NOT_CSV:
            if raw.startswith(magic):
                raise DataError(f"this is {what}", source=label)
        head = raw[:4096]
        if b"\x00" in head:
            even, odd = head[0::2].count(0), head[1::2].count(0)
            if max(even, odd) > len(head) // 4 and min(even, odd) < max(even, odd) // 4:
                raise DataError("this looks like UTF-16 text without a byte-order mark: save it as "
                                "CSV UTF-8 and use that file", source=label)
            raise DataError("this is a binary file (it holds NUL bytes), not CSV text: LeadGrid reads "
                            "CSV (UTF-8 or Latin-1) and Parquet files", source=label)
    text = decode_text(raw)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DataError("the text holds a NUL character: a binary file, or a file saved in another "
                        "encoding? Save it as CSV UTF-8", source=label, row=line)
    return text


def detect_delimiter(text: str) -> str:
    """The delimiter of the header line: whichever of , ; tab occurs most outside quotes."""
    header = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


_LINE_IN_PANDAS_ERROR = re.compile(r"line (\d+)")
_TOO_MANY_FIELDS = re.compile(r"Expected \d+ fields in line \d+, saw \d+")


def read_csv(raw: bytes, label: str) -> pd.DataFrame:
    text = _decode_csv(raw, label)
    if not text.strip():
        raise DataError("the file is empty", source=label)
    if "\r" in text and "\n" not in text:  # classic Mac line endings
        text = text.replace("\r", "\n")
    delimiter = detect_delimiter(text)
    lines = None
    try:
        # header=None: the header is read as a row, so a row with more fields than the header
        # is an error instead of pandas' silent shift (it takes the first column as the index).
        cells = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
            na_values=[""], quoting=csv.QUOTE_MINIMAL, skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        if not _TOO_MANY_FIELDS.search(str(error)):
            found = _LINE_IN_PANDAS_ERROR.search(str(error))
            reason = str(error).strip().splitlines()[-1].removeprefix("Error tokenizing data. C error: ")
            raise DataError(f"not a readable CSV file: {reason}", source=label,
                            row=int(found.group(1)) if found else None) from None
        cells, lines = _read_csv_records(text, delimiter, label)
    frame = _with_header(cells, label)
    if lines is not None:
        frame.attrs["line_numbers"] = LineNumbers(lines)
    elif len(frame) != _physical_data_lines(text):
        with contextlib.suppress(csv.Error):  # without the map, messages count rows instead of lines
            frame.attrs["line_numbers"] = LineNumbers(_record_start_lines(text, delimiter))
    return frame


def _with_header(cells: pd.DataFrame, label: str) -> pd.DataFrame:
    """The first row as column names (trimmed), the rest as the table. A trailing column
    without a name and without a value (every line ends in a delimiter) is dropped; any
    other nameless column is called ``Unnamed: <index>``; a repeated name is refused."""
    header = [None if pd.isna(name) else str(name).strip() for name in cells.iloc[0]]
    frame = cells.iloc[1:].reset_index(drop=True)
    keep = len(header)
    while keep > 1 and not header[keep - 1] and frame.iloc[:, keep - 1].isna().all():
        keep -= 1
    names = [name or f"Unnamed: {index}" for index, name in enumerate(header[:keep])]
    refuse_repeated_names(names, label, row=1)  # the header line
    frame = frame.iloc[:, :keep]
    frame.columns = names
    return frame


def _read_csv_records(text: str, delimiter: str, label: str) -> tuple[pd.DataFrame, list[int]]:
    """Read a CSV whose rows have more fields than its header: extra fields that are all
    empty (a trailing delimiter) are dropped; any other extra field is refused with the
    lines it is on. Returns the cells (header first) and the file line of each data row."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    starts: list[int] = []
    overlong: list[tuple[int, int]] = []
    previous_end = 0
    width = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if _blank_record(record):
                continue
            if not records:
                width = len(record)
            elif len(record) > width:
                if any(field.strip() for field in record[width:]):
                    overlong.append((start, len(record)))
                    continue
                record = record[:width]
            records.append(record)
            starts.append(start)
    except csv.Error as error:
        raise DataError(f"not a readable CSV file: {error}", source=label, row=reader.line_num) from None
    if overlong:
        line, fields = overlong[0]
        reason = (f"this row has {fields} fields but the header has {width} "
                  f"(an unquoted {_delimiter_name(delimiter)} inside a value?)")
        if len(overlong) > 1:
            others = ", ".join(str(other) for other, _ in overlong[1:6])
            reason += f"; so do {len(overlong) - 1} more: line{'s' if len(overlong) > 2 else ''} {others}"
            reason += ", ..." if len(overlong) > 6 else ""
        raise DataError(reason, source=label, row=line)
    cells = pd.DataFrame([record + [""] * (width - len(record)) for record in records], dtype=object)
    cells = cells.where(cells != "", np.nan)
    return cells, starts[1:]


def _delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, repr(delimiter))


def refuse_repeated_names(columns: Iterable[str], source: str | None, row: int | None = None) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(columns, start=1):
        if name in seen:
            raise DataError(f"column {name!r} appears twice (columns {seen[name]} and {position})",
                            source=source, row=row)
        seen[name] = position


class LineNumbers:
    """File line of each data row, for CSVs where rows and lines differ (blank lines,
    line breaks inside quotes). Shared, not copied, when pandas copies ``attrs``."""

    def __init__(self, lines: list[int]):
        self.lines = np.asarray(lines, dtype=np.int64)

    def __deepcopy__(self, memo: dict) -> LineNumbers:
        return self


def _physical_data_lines(text: str) -> int:
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return lines - 1  # the header


def _record_start_lines(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    starts, previous_end = [], 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not _blank_record(record):
            starts.append(start)
    return starts[1:]  # drop the header


def _blank_record(record: list[str]) -> bool:
    """A line pandas skips: empty or only spaces (a line of only delimiters is a row)."""
    return not record or (len(record) == 1 and not record[0].strip())
