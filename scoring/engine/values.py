"""One column of lead values, seen the ways the match operators need.

A ``ValueColumn`` works out once, for a whole column, which values are missing,
their comparison text and their numbers; rules are then cheap array tests (each
operator's ``mask`` in ``scoring.model.operators`` reads these forms).
The ``Scorer`` keeps one per field, so moving a weight re-parses nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from scoring.model.operators import TRIM_CHARS as TRIM_CHARS  # re-exported: the engine's trimming
from scoring.model.operators import Operator
from scoring.model.operators import canonical_item as canonical_item  # re-exported
from scoring.model.operators import number_text as _number_text
from scoring.model.schema import LeadModel, Match


def _is_number_dtype(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


class ValueColumn:
    """Missing mask, comparison text and numbers of one column, computed on first use."""

    def __init__(self, values: pd.Series):
        self._values = values.reset_index(drop=True)

    def __len__(self) -> int:
        return len(self._values)

    @cached_property
    def _as_objects(self) -> pd.Series:
        return self._values.astype(object)

    @cached_property
    def missing(self) -> np.ndarray:
        """Null, NaN, or text that is empty after trimming."""
        values = self._values
        mask = np.array(values.isna(), dtype=bool)
        if not _is_number_dtype(values):
            text = self._raw_text
            mask |= (text.str.strip(TRIM_CHARS) == "").to_numpy(dtype=bool, na_value=True)
        return mask

    @cached_property
    def _raw_text(self) -> pd.Series:
        """Each present value as text (numbers in their canonical form), NA when null."""
        values = self._values
        if _is_number_dtype(values):
            return pd.Series(_numbers_as_text(values.to_numpy(dtype=float, na_value=np.nan)), dtype="string")
        if pd.api.types.is_string_dtype(values) and not pd.api.types.is_object_dtype(values):
            return values.astype("string")
        return self._as_objects.map(_object_text, na_action="ignore").astype("string")

    @cached_property
    def text(self) -> np.ndarray:
        """Trimmed text as written (case kept); '' where missing. For showing values."""
        return self._raw_text.str.strip(TRIM_CHARS).fillna("").to_numpy(dtype=object)

    @cached_property
    def key(self) -> np.ndarray:
        """Trimmed, lower-case text for ``in``; '' where missing."""
        text = self._raw_text.str.strip(TRIM_CHARS).str.lower()
        return text.fillna("").to_numpy(dtype=object)

    @cached_property
    def lower(self) -> pd.Series:
        """Untrimmed lower-case text for ``contains_any``; '' where missing."""
        return self._raw_text.str.lower().fillna("")

    @cached_property
    def number(self) -> np.ndarray:
        """The value as a number, NaN where it is not one (``"1,000"`` is not)."""
        values = self._values
        if _is_number_dtype(values):
            return values.to_numpy(dtype=float, na_value=np.nan)
        if pd.api.types.is_bool_dtype(values):
            return np.full(len(values), np.nan)
        # parsed once per distinct text, not per lead: a million leads of a text column hold a
        # few dozen values (seconds -> tens of ms); the same values give the same inference
        text = self._raw_text.str.strip(TRIM_CHARS).where(~self.missing, None)
        codes, distinct = pd.factorize(text)
        numbers = pd.to_numeric(pd.Series(distinct), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return np.append(numbers, np.nan)[codes]  # code -1 (missing) takes the last: NaN

    @cached_property
    def unreadable_number(self) -> np.ndarray:
        """Present values that do not read as a number (``"5,000"``, ``"$5000"``, ``"n/a"``):
        no ``gte``, ``lt`` or ``range`` rule can match them."""
        return ~self.missing & np.isnan(self.number)

    def matches(self, match: Match | Operator) -> np.ndarray:
        """Boolean array: which values satisfy ``match`` (each operator's ``mask``)."""
        operator = match if isinstance(match, Operator) else match.operator
        return operator.mask(self)


def _numbers_as_text(numbers: np.ndarray) -> np.ndarray:
    """Vectorised ``_number_text``; None where NaN."""
    text = numbers.astype(str).astype(object)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(numbers) & (np.floor(numbers) == numbers)
        small = whole & (np.abs(numbers) < 2**63)
    text[small] = numbers[small].astype(np.int64).astype(str)
    huge = np.flatnonzero(whole & ~small)  # beyond int64: rare, so a Python loop is fine
    text[huge] = [str(int(number)) for number in numbers[huge]]
    text[np.isnan(numbers)] = None
    return text


def _object_text(value: object) -> str | None:
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | float | np.integer | np.floating | Decimal):  # Decimal: Parquet decimals
        number = float(value)
        return None if np.isnan(number) else _number_text(number)
    return str(value)


def number_rule_fields(model: LeadModel) -> list[str]:
    """Lead columns that at least one number rule (``gte``, ``lt``, ``range``) reads, in model order."""
    readers = [(category.field, category.rules) for category in model.profile.categories]
    readers += [(entry.field, entry.rules or []) for entry in model.field_entries if entry.field]
    fields = [field for field, rules in readers
              if any(rule.match.operator.reads_number for rule in rules)]
    return list(dict.fromkeys(fields))


@dataclass(frozen=True)
class UnreadableNumbers:
    """Values of one column that a number rule of the model could not read as a number.
    The format keeps ``"5,000"`` as text so that every SQL engine agrees; these counts are
    how that is never silent."""

    column: str
    count: int
    example: str  # as written (trimmed): the first one written with a separator, else the first
    separated: int  # how many are digits once separators, currency signs and full-width forms go

    def line(self) -> str:
        """One line for the CLI's stderr and the Data page."""
        values = "value" if self.count == 1 else "values"
        hint = ""
        if self.separated:
            share = "it is" if self.count == 1 else f"{self.separated:,} of them are"
            hint = (f" ({share} digits with a separator, a currency sign or full-width digits: write plain "
                    "digits such as 5000)")
        return (f"{self.column}: {self.count:,} {values} not readable as a number, e.g. {self.example!r}{hint}; "
                "no gte/lt/range rule matches them")

    def as_dict(self) -> dict[str, object]:
        return {"count": self.count, "example": self.example, "with_separators": self.separated}


def unreadable_numbers(model: LeadModel, leads: pd.DataFrame,
                       view: Callable[[str], object] | None = None) -> list[UnreadableNumbers]:
    """Per column of ``leads`` (after the column mapping) that a number rule of ``model``
    reads: how many present values are not a number, with an example; columns without any,
    or absent, are left out. ``view`` reuses what scoring prepared: ``Scorer.field_rules``
    (the column's distinct values and each lead's code, so the count costs one pass over
    the codes) or ``Scorer.column``; without it each column is read here."""
    found = []
    for field in number_rule_fields(model):
        if field not in leads.columns:
            continue
        prepared = view(field) if view is not None else ValueColumn(leads[field])
        column, codes = getattr(prepared, "view", prepared), getattr(prepared, "codes", None)
        counted = _unreadable(field, column, codes)
        if counted is not None:
            found.append(counted)
    return found


def _unreadable(field: str, column: ValueColumn, codes: np.ndarray | None) -> UnreadableNumbers | None:
    """The count over ``column``'s values, or over the leads when ``column`` holds distinct
    values and ``codes`` says which one each lead has (-1, missing, picks the last)."""
    unreadable = column.unreadable_number
    if not unreadable.any():
        return None
    per_value = np.ones(len(column), dtype=np.int64) if codes is None else np.bincount(
        codes[codes >= 0], minlength=len(column))
    texts = column.text
    separated = np.zeros(len(column), dtype=bool)
    distinct = pd.Series(texts[unreadable], dtype=object)
    looks = distinct.map(_digits_with_separators_cached(distinct)).to_numpy(dtype=bool)
    separated[np.flatnonzero(unreadable)[looks]] = True
    wanted = separated if separated.any() else unreadable
    rows = wanted if codes is None else wanted[codes]
    example = texts[int(np.flatnonzero(rows)[0]) if codes is None else codes[np.flatnonzero(rows)[0]]]
    return UnreadableNumbers(field, int(per_value[unreadable].sum()), str(example), int(per_value[separated].sum()))


def _digits_with_separators_cached(texts: pd.Series) -> dict[str, bool]:
    """``_digits_with_separators`` once per distinct text."""
    return {text: _digits_with_separators(str(text)) for text in pd.unique(texts)}


_SEPARATORS = re.compile(r"[\s,'_$€£¥%]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _digits_with_separators(text: str) -> bool:
    """Whether ``text`` is a number once separators, currency signs and full-width forms are
    taken away (``"5,000"``, ``"5 000"``, ``"$5000"``, ``"５０００"``)."""
    bare = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return bool(bare) and bool(_PLAIN_NUMBER.fullmatch(bare)) and bare != text
