"""The match operators, one class each, with every use of an operator in one place.

A rule's ``match`` is written in the model file as keys (``in``, ``contains_any``, ``gte``
with ``lt``, ``range``, ``missing``; see docs/model-format.md). ``Match`` (in
``conditions.py``) is built from the ``fields`` the classes here declare, so parsing, the
JSON Schema and the dump come from this module too; ``Match.operator`` gives the operator
object, and every use dispatches through it:

- ``mask(column)``: which values of a ``scoring.engine.values.ValueColumn`` match
- ``needs`` and ``sql(column)``: the prepared forms of a value the SQL reads, and the
  condition on them (``scoring.sql.fields``)
- ``duckdb(part, numeric)``: the benchmark's hand-written DuckDB peer (``scoring.tools``)
- ``describe()``: the short text the app and the diff show
- ``meaning()``: a canonical form, equal for two matches that select the same values
- ``row()`` and ``from_row(...)``: the designer's rule table (condition, items, from, to)

Adding an operator is one class here, appended to ``OPERATOR_CLASSES``; sqlglot is
imported inside ``sql`` since it comes with the ``sql`` extra only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from scoring.formatting import format_number
from scoring.model.base import Finite, NonBlank, Scalar

# Trimming removes spaces, tabs and line breaks, as SQL's TRIM(x, ' \t\r\n') does.
TRIM_CHARS = " \t\r\n"

Meaning = tuple[object, ...]
Bound = float | None


def canonical_item(item: str | int | float) -> str:
    """How an ``in`` item compares: trimmed lower-case text, whole numbers as integers."""
    if isinstance(item, bool):
        return str(item).lower()
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        return number_text(item)
    return item.strip(TRIM_CHARS).lower()


def number_text(number: float) -> str:
    """Whole numbers as integer text (``1.0`` -> ``"1"``, ``1e20`` -> ``"100000000000000000000"``)."""
    if np.isfinite(number) and float(number).is_integer():
        return str(int(number))
    return repr(float(number)).lower()


class RowError(ValueError):
    """A rule-table row that lacks what its condition needs: ``field`` is appended to the
    row's path (``""`` or ``".match.range"``); the table adds the row number."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


class Operator(ABC):
    """One match operator: its keys in the model file and each use of it."""

    # key in Match -> (annotation, pydantic Field); the alias is the key in the file
    fields: ClassVar[dict[str, tuple[Any, Any]]]
    # the rule table's condition words this operator reads back (``from_row``)
    conditions: ClassVar[tuple[str, ...]]
    # the prepared forms of a value its SQL reads (``scoring.sql.fields.NEEDS``)
    needs: ClassVar[frozenset[str]]
    reads_number: ClassVar[bool] = False

    @classmethod
    def file_keys(cls) -> list[str]:
        """The operator's keys as the model file spells them."""
        return [spec.alias or name for name, (_, spec) in cls.fields.items()]

    @classmethod
    def from_match(cls, match: Any) -> Operator:
        """The operator of a parsed ``Match`` (whose fields include this class's)."""
        return cls(*(getattr(match, name) for name in cls.fields))

    @classmethod
    @abstractmethod
    def from_row(cls, condition: str, items: list[str], low: Bound, high: Bound) -> dict[str, Any]:
        """The ``match`` dict of a rule-table row with one of ``conditions``; ``RowError``
        when the row lacks what the condition needs."""

    @abstractmethod
    def mask(self, column: Any) -> np.ndarray:
        """Which values of a ``ValueColumn`` match."""

    @abstractmethod
    def sql(self, column: Callable[[str], Any]) -> Any:
        """The sqlglot condition, given ``column(need)`` for each of ``needs``; NULL is no match."""

    @abstractmethod
    def duckdb(self, part: Callable[[str], str], numeric: bool) -> str:
        """The benchmark peer's DuckDB condition on ``part(name)`` (missing, key, lower, number)."""

    @abstractmethod
    def describe(self) -> str:
        """A short human form, e.g. ``in [Software, Finance]`` or ``>= 1000``."""

    @abstractmethod
    def meaning(self) -> Meaning:
        """What the operator selects, in one canonical form."""

    @abstractmethod
    def row(self) -> dict[str, Any]:
        """The rule table's condition, items, from and to for this match."""


def _literal(value: object) -> str:
    """A DuckDB literal for the benchmark peer."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(float(value))


def _present_and(column: Callable[[str], Any], condition: Any) -> Any:
    from sqlglot import exp

    return exp.and_(exp.Not(this=column("missing")), condition)


@dataclass(frozen=True)
class In(Operator):
    items: list[str | int | float]

    fields: ClassVar[dict[str, tuple[Any, Any]]] = {"in_": (list[Scalar] | None, Field(
        None, alias="in", min_length=1,
        description="Matches when the trimmed text equals one of the items, ignoring case."))}
    conditions = ("is one of",)
    needs = frozenset({"missing", "key"})

    @classmethod
    def from_row(cls, condition, items, low, high):
        if not items:
            raise RowError(f"'{condition}' needs at least one item")
        return {"in": items}

    def mask(self, column):
        keys = {canonical_item(item) for item in self.items}
        return ~column.missing & pd.Series(column.key).isin(keys).to_numpy()

    def sql(self, column):
        from sqlglot import exp

        from scoring.sql.dialects import string

        keys = sorted({canonical_item(item) for item in self.items})
        return _present_and(column, exp.In(this=column("key"), expressions=[string(key) for key in keys]))

    def duckdb(self, part, numeric):
        if numeric:  # the peer skips text items compared with a number column
            return "FALSE"
        keys = ", ".join(_literal(canonical_item(item)) for item in self.items)
        return f"(NOT {part('missing')} AND {part('key')} IN ({keys}))"

    def describe(self):
        return "in [" + ", ".join(str(item) for item in self.items) + "]"

    def meaning(self):
        return ("in", frozenset(canonical_item(item) for item in self.items))

    def row(self):
        # a number item shows as the text it compares as
        return {"condition": "is one of",
                "items": [item if isinstance(item, str) else canonical_item(item) for item in self.items]}


@dataclass(frozen=True)
class ContainsAny(Operator):
    items: list[str]

    fields: ClassVar[dict[str, tuple[Any, Any]]] = {"contains_any": (list[NonBlank] | None, Field(
        None, min_length=1, description="Matches when the text contains one of the items, ignoring case."))}
    conditions = ("contains any of",)
    needs = frozenset({"missing", "lower"})

    @classmethod
    def from_row(cls, condition, items, low, high):
        if not items:
            raise RowError(f"'{condition}' needs at least one item")
        return {"contains_any": items}

    def mask(self, column):
        hits = np.zeros(len(column), dtype=bool)
        for item in self.items:
            hits |= column.lower.str.contains(item.lower(), regex=False).to_numpy(dtype=bool)
        return ~column.missing & hits

    def sql(self, column):
        from sqlglot import exp

        from scoring.sql.dialects import number, string

        items = list(dict.fromkeys(item.lower() for item in self.items))
        hits = [exp.GT(this=exp.StrPosition(this=column("lower"), substr=string(item)), expression=number(0))
                for item in items]
        return _present_and(column, exp.paren(exp.or_(*hits)) if len(hits) > 1 else hits[0])

    def duckdb(self, part, numeric):
        if numeric:
            return "FALSE"
        hits = " OR ".join(f"contains({part('lower')}, {_literal(item.lower())})" for item in self.items)
        return f"(NOT {part('missing')} AND ({hits}))"

    def describe(self):
        return "contains any of [" + ", ".join(self.items) + "]"

    def meaning(self):
        # an item that contains another item adds nothing
        items = {item.lower() for item in self.items}
        return ("contains", frozenset(item for item in items
                                      if not any(other != item and other in item for other in items)))

    def row(self):
        return {"condition": "contains any of", "items": list(self.items)}


@dataclass(frozen=True)
class NumberInterval(Operator):
    """A number with ``low <= value < high``; an end of None is open."""

    low: Bound
    high: Bound

    needs = frozenset({"number"})
    reads_number = True

    def mask(self, column):
        number = column.number
        with np.errstate(invalid="ignore"):
            result = ~np.isnan(number)
            if self.low is not None:
                result &= number >= self.low
            if self.high is not None:
                result &= number < self.high
        return ~column.missing & result

    def sql(self, column):
        from sqlglot import exp

        from scoring.sql.dialects import number

        value = column("number")
        bounds: list[exp.Expression] = []
        if self.low is not None:
            bounds.append(exp.GTE(this=value.copy(), expression=number(self.low)))
        if self.high is not None:
            bounds.append(exp.LT(this=value.copy(), expression=number(self.high)))
        if not bounds:  # range [null, null]: any number
            bounds.append(exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
        return exp.and_(*bounds)

    def duckdb(self, part, numeric):
        number = part("number")
        parts = [f"{number} IS NOT NULL", f"NOT isnan({number})"]
        parts += [f"{number} {sign} {_literal(bound)}"
                  for bound, sign in ((self.low, ">="), (self.high, "<")) if bound is not None]
        return "(" + " AND ".join(parts) + ")"

    def meaning(self):
        if self.low is not None and self.high is not None and self.low >= self.high:
            return ("number", "none")  # an empty interval: no number matches
        return ("number", self.low, self.high)


@dataclass(frozen=True)
class Band(NumberInterval):
    """``gte``, ``lt``, or both (one operator: a band)."""

    fields: ClassVar[dict[str, tuple[Any, Any]]] = {"gte": (Finite | None, Field(None, description="Matches a number >= this.")),
              "lt": (Finite | None, Field(None, description="Matches a number < this."))}
    conditions = ("at least", "below")

    @classmethod
    def from_row(cls, condition, items, low, high):
        if condition == "at least":
            if low is None:
                raise RowError(f"'{condition}' needs a number in from")
            return {"gte": low}
        if high is None:
            raise RowError(f"'{condition}' needs a number in to")
        return {"lt": high}

    def describe(self):
        parts = [f"{sign} {format_number(bound)}" for bound, sign in ((self.low, ">="), (self.high, "<"))
                 if bound is not None]
        return " and ".join(parts)

    def row(self):
        if self.low is not None and self.high is not None:
            return {"condition": "between", "from": self.low, "to": self.high}
        if self.low is not None:
            return {"condition": "at least", "from": self.low}
        return {"condition": "below", "to": self.high}


@dataclass(frozen=True)
class Range(NumberInterval):
    """``range: [lo, hi]``, an end of null open."""

    fields: ClassVar[dict[str, tuple[Any, Any]]] = {"range": (tuple[Finite | None, Finite | None] | None, Field(
        None, description="[lo, hi]: matches a number with lo <= value < hi; null leaves an end open."))}
    conditions = ("between",)

    @classmethod
    def from_match(cls, match):
        return cls(*match.range)

    @classmethod
    def from_row(cls, condition, items, low, high):
        if low is None and high is None:  # [null, null] would match every number
            raise RowError(f"'{condition}' needs a number in from or to, or both", ".match.range")
        return {"range": [low, high]}

    def describe(self):
        def end(bound):
            return "" if bound is None else format_number(bound)
        return f"in range [{end(self.low)}, {end(self.high)})"

    def row(self):
        return {"condition": "between", "from": self.low, "to": self.high}


@dataclass(frozen=True)
class Missing(Operator):
    flag: bool = True

    fields: ClassVar[dict[str, tuple[Any, Any]]] = {"missing": (Literal[True] | None, Field(
        None, description="Matches a missing value (null, NaN, or blank text)."))}
    conditions = ("is missing",)
    needs = frozenset({"missing"})

    @classmethod
    def from_row(cls, condition, items, low, high):
        return {"missing": True}

    def mask(self, column):
        return column.missing.copy()

    def sql(self, column):
        return column("missing")

    def duckdb(self, part, numeric):
        return part("missing")

    def describe(self):
        return "is missing"

    def meaning(self):
        return ("missing",)

    def row(self):
        return {"condition": "is missing"}


# In the model file's order of keys (the JSON Schema and the dump follow it).
OPERATOR_CLASSES: list[type[Operator]] = [In, ContainsAny, Band, Range, Missing]


def operator_for_condition(condition: str) -> type[Operator] | None:
    """The operator a rule-table condition word stands for."""
    return next((cls for cls in OPERATOR_CLASSES if condition in cls.conditions), None)


def table_conditions() -> list[str]:
    """The rule table's condition words, in the registry's order."""
    return [word for cls in OPERATOR_CLASSES for word in cls.conditions]
