"""Writing CSV that is safe to open in a spreadsheet.

A lead id, a segment value or an action such as ``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``
or ``@SUM(1+1)`` is a live formula when the file is opened in Excel or Sheets, the first thing
sales does with an export. As OWASP recommends ("CSV injection"), every text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote: the
spreadsheet shows it as text and a reader still sees the value. Numbers are never touched: a
numeric column stays numbers, and a text cell that is a plain number (``-5``, ``+1.5e3``) is
not a formula. Every CSV LeadGrid writes goes through ``to_csv``.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def _neutralise_values(values: pd.Index | pd.Series) -> pd.Index | pd.Series:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values) \
            or pd.api.types.is_datetime64_any_dtype(values):
        return values
    if not pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values):
        return values.map(neutralise)  # mixed objects: only the text among them
    text = pd.Series(values, dtype="string")  # vectorised: a million lead ids in a blink
    risky = text.str.startswith(FORMULA_STARTS) & ~text.str.fullmatch(_PLAIN_NUMBER.pattern)
    risky = risky.fillna(False).to_numpy(dtype=bool)
    if not risky.any():
        return values
    safe = pd.Series(values, dtype=object).copy()
    safe[risky] = QUOTE + text[risky].astype(object)
    return pd.Index(safe, name=values.name) if isinstance(values, pd.Index) else safe.set_axis(values.index)


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, index and column names cannot run as formulas."""
    safe = frame.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        safe.isetitem(position, _neutralise_values(column))
    safe.index = _neutralise_values(safe.index) if not isinstance(safe.index, pd.MultiIndex) else safe.index
    safe.columns = safe.columns.map(neutralise)
    return safe


def to_csv(frame: pd.DataFrame, target: Any = None, **options: Any) -> str | None:
    """``frame.to_csv(target, **options)`` with every cell neutralised (see the module). A
    text holding a carriage return is written with CRLF line ends, so that the csv writer
    quotes it: unquoted, a spreadsheet would start a new row there, and whatever follows
    (``'\r=1+1``) would be a cell of its own that no quote protects."""
    safe = neutralised(frame)
    if _holds_carriage_return(safe):
        options.setdefault("lineterminator", "\r\n")
    return safe.to_csv(target, **options)


def _holds_carriage_return(frame: pd.DataFrame) -> bool:
    texts = [frame.index, frame.columns] + [frame.iloc[:, position] for position in range(frame.shape[1])]
    return any(not pd.api.types.is_numeric_dtype(values)
               and pd.Series(values, dtype=object).astype("string").str.contains("\r", regex=False).any()
               for values in texts)
