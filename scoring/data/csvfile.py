"""Reading a CSV file exactly as written: the encoding (UTF-8 with or without BOM,
UTF-16/32 with BOM, else Latin-1) and the delimiter (comma, semicolon or tab) are
detected; every value stays text and only an empty field is missing; a row with more
fields than the header is refused at its line, never shifted, and so is a row with fewer
(a truncated export) and a repeated header line (two exports joined into one); a file that
is not CSV text (a workbook, a PDF, UTF-16 without BOM) is refused saying what it is.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from scoring.errors import DataError

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
    starts = _data_row_lines(frame)
    _refuse_short_rows(cells, text, delimiter, starts, label, longer_rows_kept=lines is not None)
    header = ["" if pd.isna(name) else _header_text(name) for name in cells.iloc[0, :len(frame.columns)]]
    _refuse_repeated_header(frame, header, text, starts, label)
    return frame


def _data_row_lines(frame: pd.DataFrame) -> np.ndarray:
    """The file line each data row starts on (the header is line 1)."""
    numbers = frame.attrs.get("line_numbers")
    return numbers.lines if numbers is not None else np.arange(2, len(frame) + 2, dtype=np.int64)


def _named_width(cells: pd.DataFrame) -> int:
    """How many fields a row needs: up to the header's last named column (a nameless last
    column, from a trailing delimiter on the header only, may be left out)."""
    named = [index for index, name in enumerate(cells.iloc[0]) if not pd.isna(name) and str(name).strip()]
    return named[-1] + 1 if named else 1


def _refuse_short_rows(cells: pd.DataFrame, text: str, delimiter: str, starts: np.ndarray, label: str,
                       longer_rows_kept: bool = False) -> None:
    """Refuse rows with fewer fields than the header, at their line. The parser pads them
    with missing values, so only rows whose last named column is empty are looked at again:
    their delimiters are counted, with the csv module for a line holding a quote."""
    width = _named_width(cells)
    if width < 2:
        return
    candidates = np.flatnonzero(cells.iloc[1:, width - 1].isna().to_numpy())
    if not len(candidates) or (not longer_rows_kept and _every_row_full(cells, text, delimiter)):
        return  # (a row with a trailing delimiter would make up for a short one in the sum)
    if not _short_row_seen(text, delimiter, width):
        return
    lines = _Lines(text, delimiter)
    at = starts[candidates] - 1  # 0-based physical lines
    counts = lines.delimiters[at] + 1
    for position in np.flatnonzero(lines.quoted[at]):
        counts[position] = lines.fields_from(int(at[position]))
    short = np.flatnonzero(counts < width)
    if len(short):
        rows = [(int(starts[candidates[position]]), int(counts[position])) for position in short]
        raise DataError(_rows_reason(rows, width, "a truncated export, or a line break inside a value that "
                                                  "is not quoted?"), source=label, row=rows[0][0])


def _every_row_full(cells: pd.DataFrame, text: str, delimiter: str) -> bool:
    """A C-speed proof, for a text without quotes, that no row is short: no row has more
    fields than the header here (the parser refuses those), so the delimiters add up to
    exactly the header's count on every row only when every row has all its fields."""
    if '"' in text:
        return False
    header_delimiters = text[:text.find("\n") if "\n" in text else len(text)].count(delimiter)
    return text.count(delimiter) == header_delimiters * len(cells)


def _short_row_seen(text: str, delimiter: str, width: int) -> bool:
    """Whether Arrow's CSV parser (C++, a fraction of pandas' time) sees a row with fewer
    than ``width`` fields. It cannot say on which line when values hold line breaks, so
    the exact count per line runs only when it does (or when it cannot parse the text)."""
    import pyarrow as pa  # deferred: a heavy import only this check needs; reading starts without it
    from pyarrow import csv as arrow_csv

    seen = []

    def on_invalid_row(row: arrow_csv.InvalidRow) -> str:
        if row.actual_columns < width and row.text.strip(TRIMMED):
            seen.append(row)
        return "skip"

    try:
        arrow_csv.read_csv(
            io.BytesIO(_utf8(text)),
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=arrow_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                 invalid_row_handler=on_invalid_row),
            convert_options=arrow_csv.ConvertOptions(include_columns=["f0"], column_types={"f0": pa.string()}))
    except (pa.ArrowException, ValueError):
        return True
    return bool(seen)


TRIMMED = " \t\r"


def _utf8(text: str) -> bytes:
    """The text as UTF-8 (what Arrow reads); an ASCII text converts without a copy per character."""
    return text.encode("ascii") if text.isascii() else text.encode("utf-8", "surrogatepass")


class _Lines:
    """The physical lines of a CSV text, with the delimiters and quotes on each counted in
    numpy (the delimiter, quote and line feed are single bytes in UTF-8)."""

    def __init__(self, text: str, delimiter: str):
        self.delimiter = delimiter
        self.raw = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
        ends = np.flatnonzero(self.raw == ord("\n"))
        self.bounds = np.concatenate([[0], ends + 1, [len(self.raw)]])
        self.delimiters = self._per_line(ord(delimiter))
        self.quoted = self._per_line(ord('"')) > 0

    def _per_line(self, byte: int) -> np.ndarray:
        return np.diff(np.searchsorted(np.flatnonzero(self.raw == byte), self.bounds))

    def _line(self, index: int) -> str:
        return self.raw[self.bounds[index]:self.bounds[index + 1]].tobytes().decode("utf-8", "surrogatepass")

    def fields_from(self, index: int) -> int:
        """Fields of the record starting on line ``index`` (0-based), quotes and all."""
        lines = (self._line(line) for line in range(index, len(self.bounds) - 1))
        return len(next(csv.reader(lines, delimiter=self.delimiter), []))


def _refuse_repeated_header(frame: pd.DataFrame, header: list[str], text: str, starts: np.ndarray,
                            label: str) -> None:
    """Refuse a data row that repeats the header line: two exports joined into one file
    would otherwise read it as a lead (or an activity) whose id is the column's name."""
    if frame.empty or not header or not header[0]:
        return
    after_header = text.find("\n") + 1
    if not after_header or not all(text.find(name, after_header) >= 0 for name in header if name):
        return  # a C-speed test that rules most files out
    first = frame.iloc[:, 0].astype("string").map(_header_text, na_action="ignore")
    for position in np.flatnonzero((first == header[0]).fillna(False).to_numpy(dtype=bool)):
        row = [_header_text(value) if not pd.isna(value) else "" for value in frame.iloc[position]]
        if row == header:
            raise DataError("this line repeats the header line (two exports joined into one file?): remove it, "
                            "and any other repeated header", source=label, row=int(starts[position]))


def _header_text(value: object) -> str:
    """A header field as compared with a data row: trimmed, without a byte-order mark (the
    second file's, when two exports are joined)."""
    return str(value).strip().strip("\ufeff").strip()


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
        reason = _rows_reason(overlong, width, f"an unquoted {_delimiter_name(delimiter)} inside a value?")
        raise DataError(reason, source=label, row=overlong[0][0])
    cells = pd.DataFrame([record + [""] * (width - len(record)) for record in records], dtype=object)
    cells = cells.where(cells != "", np.nan)
    return cells, starts[1:]


def _rows_reason(rows: list[tuple[int, int]], width: int, why: str) -> str:
    """``this row has 3 fields but the header has 2 (why); so do 2 more: lines 7, 9``."""
    reason = f"this row has {rows[0][1]} field{'s' if rows[0][1] != 1 else ''} but the header has {width} ({why})"
    if len(rows) > 1:
        others = ", ".join(str(line) for line, _ in rows[1:6])
        reason += f"; so do {len(rows) - 1} more: line{'s' if len(rows) > 2 else ''} {others}"
        reason += ", ..." if len(rows) > 6 else ""
    return reason


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
