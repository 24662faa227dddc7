"""Reading leads and activities, mapping their columns, and checking them.

CSV files are read by :mod:`scoring.data.csvfile` as text: only an empty field is missing,
every other value stays as written (``n/a`` included), exactly as the format asks.
Parquet files keep their own types.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from scoring.data.csvfile import read_csv, refuse_repeated_names
from scoring.data.missing import NAT
from scoring.errors import DataError

LEAD_ID = "lead_id"
SCORED_AT = "scored_at"
ACTIVITY = "activity"
OCCURRED_AT = "occurred_at"
ACTIVITY_COLUMNS = (LEAD_ID, ACTIVITY, OCCURRED_AT)
PARQUET_SUFFIXES = (".parquet", ".pq")
NS_PER_DAY = 86_400 * 10**9
ROW_NUMBER = "@row"  # map a field to this instead of a column: the row number, 1 for the first row
SUGGESTION_CUTOFF = 0.75  # how alike (difflib ratio) a column must be to be offered as the closest name

Source = str | Path | bytes | IO[bytes]


def read_table(source: Source, name: str | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file (a path, bytes, or a binary file object).

    ``name`` is used for messages and, for bytes, to tell Parquet from CSV by
    its extension. The frame's ``attrs["source"]`` records the name.
    """
    label = name or (str(source) if isinstance(source, str | Path) else "<upload>")
    raw = _read_bytes(source, label)
    if label.lower().endswith(PARQUET_SUFFIXES) or raw[:4] == b"PAR1":
        frame = _read_parquet(raw, label)
    else:
        frame = read_csv(raw, label)
    frame.attrs["source"] = label
    return frame


def _read_bytes(source: Source, label: str) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes()
        except OSError as error:
            raise DataError(f"cannot read the file: {error.strerror or error}", source=label) from None
    return source.read()


def _read_parquet(raw: bytes, label: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(raw))
    except Exception as error:  # pyarrow raises many types for a broken file
        raise DataError(f"not a readable Parquet file ({type(error).__name__}: {error})", source=label) from None


def apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str] | None, table: str = "leads") -> pd.DataFrame:
    """Rename the file's columns to model fields; ``mapping`` is model field -> file column.
    A field mapped to ``@row`` (``ROW_NUMBER``) is the row number, 1 for the first row: an
    id for a file that has none."""
    if not mapping:
        return frame
    numbered = [field for field, column in mapping.items() if column == ROW_NUMBER]
    if numbered:
        mapping = {field: column for field, column in mapping.items() if column != ROW_NUMBER}
        result = apply_mapping(frame, mapping, table).drop(columns=numbered, errors="ignore")
        for field in numbered:
            result.insert(0, field, np.arange(1, len(result) + 1, dtype=np.int64))
        result.attrs = dict(frame.attrs)
        return result
    source = frame.attrs.get("source")
    absent = [column for column in mapping.values() if column not in frame.columns]
    if absent:
        raise DataError(_missing_message(absent, frame.columns, f"mapped {table} column"), source=source)
    renamed = {column: field for field, column in mapping.items() if column != field}
    clashing = [field for field in renamed.values() if field in frame.columns and field not in renamed]
    result = frame.drop(columns=clashing).rename(columns=renamed)
    result.attrs = dict(frame.attrs)
    return result


def _missing_message(absent: Iterable[str], present: Iterable[str], what: str) -> str:
    present = [str(column) for column in present]
    lowered = {column.lower(): column for column in present}
    hints = []
    for name in absent:
        close = difflib.get_close_matches(name.lower(), list(lowered), n=2, cutoff=SUGGESTION_CUTOFF)
        if close:
            hints.append(f"{name} (closest: {', '.join(lowered[c] for c in close)})")
        else:
            hints.append(name)
    absent = list(absent)
    noun = f"{what}s" if len(absent) > 1 else what
    return f"missing {noun}: {'; '.join(hints)}"


def refuse_repeated_columns(frame: pd.DataFrame) -> None:
    """A table (after mapping) must name each column once."""
    refuse_repeated_names([str(c) for c in frame.columns], frame.attrs.get("source"))


def require_columns(frame: pd.DataFrame, columns: Iterable[str], table: str = "leads") -> None:
    """Raise ``DataError`` listing the missing columns and the closest existing names."""
    absent = [column for column in dict.fromkeys(columns) if column not in frame.columns]
    if absent:
        raise DataError(_missing_message(absent, frame.columns, f"{table} column"),
                        source=frame.attrs.get("source"))


def id_text(values: pd.Series) -> pd.Series:
    """Ids as trimmed text (whole numbers without '.0'), so 17, 17.0 and ' 17' join."""
    if pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(numbers) & (np.floor(numbers) == numbers)
        text = values.astype(object).where(values.notna(), None).astype(str)
        text[whole] = pd.Series(numbers[whole].astype(np.int64)).astype(str).to_numpy()
        return text.where(values.notna(), None).astype(object)
    if pd.api.types.is_integer_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("Int64").astype(str).where(values.notna(), None).astype(object)
    if pd.api.types.is_string_dtype(values) and not pd.api.types.is_object_dtype(values):
        stripped = values.astype("string").str.strip(" \t\r\n")  # vectorised: the usual CSV case
        return stripped.astype(object).where(values.notna(), None)
    return values.astype(object).where(values.notna(), None).map(_one_id_text, na_action="ignore")


def _one_id_text(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip(" \t\r\n")


def check_lead_ids(frame: pd.DataFrame) -> pd.Series:
    """The ids as text; refuse missing or repeated ids with counts and examples."""
    require_columns(frame, [LEAD_ID])
    ids = id_text(frame[LEAD_ID])
    source = frame.attrs.get("source")
    missing = ids.isna() | (ids == "")
    if missing.any():
        first = int(np.flatnonzero(missing.to_numpy())[0])
        raise DataError(f"{int(missing.sum())} leads have no {LEAD_ID} (first at {_row_label(frame, first)})",
                        source=source, column=LEAD_ID)
    repeated = ids[ids.duplicated(keep=False)]
    if len(repeated):
        examples = ", ".join(repeated.drop_duplicates().head(3))
        count = repeated.nunique()
        raise DataError(f"{LEAD_ID} must be unique: {count} value{'s' if count > 1 else ''} repeat "
                        f"({len(repeated)} rows), e.g. {examples}", source=source, column=LEAD_ID)
    return ids


def _row_label(frame: pd.DataFrame, position: int) -> str:
    """Where a row is: its file line for a CSV read by ``read_table`` (header is line 1)."""
    numbers = frame.attrs.get("line_numbers")
    if numbers is not None and position < len(numbers.lines):
        return f"line {int(numbers.lines[position])}"
    if frame.attrs.get("source") is not None:
        return f"line {position + 2}"
    return f"row {position}"


def to_utc_ns(values: pd.Series, column: str, frame: pd.DataFrame | None = None) -> np.ndarray:
    """Dates or timestamps as int64 nanoseconds since the epoch, UTC; ``NAT`` where missing.

    A date without a time is midnight; a timestamp without a zone is UTC.
    An unreadable value raises ``DataError`` naming the column and the first bad row.
    """
    frame = frame if frame is not None else pd.DataFrame()
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
        if getattr(parsed.dt, "tz", None) is None:
            parsed = parsed.dt.tz_localize("UTC")
    else:
        text = values.astype(object).where(values.notna(), None)
        text = text.map(lambda v: v.strip() if isinstance(v, str) else v, na_action="ignore")
        text = text.where(text != "", None)
        parsed = _parse_dates(text)
        bad = parsed.isna() & text.notna()
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"column {column}: cannot read {text.iloc[first]!r} as a date or timestamp "
                f"({_row_label(frame, first)}; {int(bad.sum())} such value{'s' if bad.sum() > 1 else ''})",
                source=frame.attrs.get("source"), column=column,
            )
    naive = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    out_of_range = naive.notna() & ((naive < pd.Timestamp.min) | (naive > pd.Timestamp.max))
    if out_of_range.any():  # e.g. a 9999-12-31 placeholder: beyond what nanoseconds can hold
        first = int(np.flatnonzero(out_of_range.to_numpy())[0])
        raise DataError(
            f"column {column}: {naive.iloc[first]} is outside the dates LeadGrid can handle "
            f"({pd.Timestamp.min:%Y-%m-%d} to {pd.Timestamp.max:%Y-%m-%d}; {_row_label(frame, first)}, "
            f"{int(out_of_range.sum())} such value{'s' if out_of_range.sum() > 1 else ''})",
            source=frame.attrs.get("source"), column=column,
        )
    return naive.astype("datetime64[ns]").to_numpy().view(np.int64).copy()


def _parse_dates(text: pd.Series) -> pd.Series:
    try:
        return pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    except (ValueError, OverflowError):
        return pd.to_datetime(text, utc=True, format="mixed", errors="coerce")


def date_span(frame: pd.DataFrame, columns: Iterable[str]) -> tuple[pd.Timestamp, pd.Timestamp, str] | None:
    """First and last moment (UTC) of the first of ``columns`` that the frame has, can read,
    and that holds a date; None when none does. For describing history, never for scoring."""
    for column in columns:
        if column not in frame.columns:
            continue
        try:
            stamps = to_utc_ns(frame[column].reset_index(drop=True), column, frame)
        except DataError:
            continue  # a date column that scoring does not need should not stop a summary
        stamps = stamps[stamps != NAT]
        if len(stamps):
            return pd.Timestamp(stamps.min(), tz="UTC"), pd.Timestamp(stamps.max(), tz="UTC"), column
    return None


def parse_instant(value: object, name: str = "as_of") -> int:
    """One date or timestamp (text, date, datetime, Timestamp) as UTC nanoseconds."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise DataError(f"{name}: cannot read {value!r} as a date or timestamp") from None
    if stamp is pd.NaT:
        raise DataError(f"{name}: cannot read {value!r} as a date or timestamp")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    try:
        return int(stamp.as_unit("ns").value)
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise DataError(f"{name}: {value!r} is outside the dates LeadGrid can handle "
                        f"({pd.Timestamp.min:%Y-%m-%d} to {pd.Timestamp.max:%Y-%m-%d})") from None


def load_leads(source: Source, mapping: Mapping[str, str] | None = None, name: str | None = None) -> pd.DataFrame:
    """Read a leads file and rename its columns to model fields."""
    return apply_mapping(read_table(source, name), mapping, "leads")


def load_activities(source: Source, mapping: Mapping[str, str] | None = None, name: str | None = None) -> pd.DataFrame:
    """Read an activities file, rename its columns, and check it has lead_id, activity, occurred_at."""
    frame = apply_mapping(read_table(source, name), mapping, "activities")
    require_columns(frame, ACTIVITY_COLUMNS, "activities")
    return frame
