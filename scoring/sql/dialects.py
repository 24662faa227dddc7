"""What differs between the SQL engines the export targets, as sqlglot expression builders.

Almost all of the exported query is plain SQL that sqlglot renders for every dialect.
A few things have no common spelling: asking whether a column has a numeric type (the
engine treats a number column and a text column holding the same characters differently),
turning a timestamp into microseconds since the epoch, the current moment with its time
zone, and control characters inside a string literal. ``Target`` holds the common
(ANSI-ish) spelling of each; one small subclass per dialect overrides only what differs
and is registered under its name (``DIALECT_CLASSES``). ``Target("postgres")`` gives the
registered dialect (an unknown name is an ``ExportError`` with a did-you-mean). Adding a
dialect is one subclass with ``@register`` (and its name in ``scoring.sql.DIALECTS``,
the list the CLI and the app read without importing sqlglot). Nothing here formats a model
value into SQL text.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from typing import ClassVar

from sqlglot import exp

from scoring.sql import DEFAULT_DIALECT, DIALECTS, TESTED_DIALECTS
from scoring.sql.errors import ExportError

__all__ = ["DEFAULT_DIALECT", "DIALECTS", "DIALECT_CLASSES", "TESTED_DIALECTS", "Target", "register"]

DOUBLE = exp.DataType.build("DOUBLE")
TEXT = exp.DataType.build("TEXT")
BIGINT = exp.DataType.build("BIGINT")
TIMESTAMPTZ = exp.DataType.build("TIMESTAMPTZ")


def string(value: str) -> exp.Literal:
    """A text literal; sqlglot escapes it for the dialect it renders to."""
    return exp.Literal.string(value)


def number(value: float) -> exp.Expression:
    """A numeric literal: whole numbers as integers, others in Python's shortest round-trip form."""
    value = float(value)
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    literal = exp.Literal.number(text.lstrip("-"))
    return exp.Neg(this=literal) if text.startswith("-") else literal


def call(name: str, *args: exp.Expression) -> exp.Expression:
    """A function that sqlglot does not model, spelled as given (a fixed name, never a model value)."""
    return exp.Anonymous(this=name, expressions=list(args))


# ---------------------------------------------------------------- the registry

DIALECT_CLASSES: dict[str, type[Target]] = {}  # name -> dialect, in the order of DIALECTS


def register(cls: type[Target]) -> type[Target]:
    """Class decorator: make the dialect ``cls`` available under ``cls.name``."""
    if cls.name in DIALECT_CLASSES:
        raise ValueError(f"dialect {cls.name!r} is registered already")
    DIALECT_CLASSES[cls.name] = cls
    return cls


def unknown_dialect(name: object) -> ExportError:
    """The error for a dialect name that is not registered, with the closest name when one is close."""
    names = list(DIALECT_CLASSES)
    close = difflib.get_close_matches(str(name).strip().lower(), names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    return ExportError(f"unknown dialect {name!r}{hint} use one of {', '.join(names)}")


class Target(ABC):
    """The building blocks of the query for one SQL engine, in their common (ANSI-ish) spelling.

    ``Target(name)`` is the registered dialect of that name; a subclass overrides only what its
    engine spells differently. ``is_number_type`` has no common spelling: every dialect says it.
    """

    name: ClassVar[str]
    sqlglot_dialect: ClassVar[str | None] = None  # sqlglot's name for it, when not ``name``

    def __new__(cls, dialect: str | None = None) -> Target:
        """``Target(name)``: the registered dialect ``name``; a subclass is built without a name."""
        if cls is Target:
            chosen = DIALECT_CLASSES.get(dialect) if isinstance(dialect, str) else None
            if chosen is None:
                raise unknown_dialect(dialect)
            cls = chosen
        return super().__new__(cls)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"Target({self.name!r})"

    def render(self, expression: exp.Expression, pretty: bool = False) -> str:
        """``expression`` as SQL text of this dialect."""
        return expression.sql(dialect=self.sqlglot_dialect or self.name, pretty=pretty)

    @abstractmethod
    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        """True when ``value`` has a numeric SQL type (decided by the column's type, not its content)."""

    def now(self) -> exp.Expression:
        """The moment the query runs, with its time zone."""
        return exp.CurrentTimestamp()

    def epoch_micros(self, stamp: exp.Expression) -> exp.Expression:
        """Microseconds since 1970-01-01 UTC of a timestamp with time zone."""
        seconds = exp.Extract(this=exp.var("EPOCH"), expression=stamp)
        return exp.cast(exp.Mul(this=seconds, expression=number(1_000_000)), BIGINT)

    def regex(self, value: exp.Expression, pattern: str) -> exp.Expression:
        """``value`` matches the (anchored) regular expression ``pattern``."""
        return exp.RegexpLike(this=value, expression=string(pattern))

    def text_literal(self, chars: str) -> exp.Expression:
        """``chars`` as a text expression: control characters spelled with CHR, as a string
        literal of these dialects would hold them raw."""
        parts: list[exp.Expression] = []
        plain = ""
        for char in chars:
            if char.isprintable():
                plain += char
                continue
            if plain:
                parts.append(string(plain))
                plain = ""
            parts.append(exp.Chr(expressions=[number(ord(char))]))
        if plain:
            parts.append(string(plain))
        result = parts[0]
        for part in parts[1:]:
            result = exp.DPipe(this=result, expression=part, safe=True)
        return result


def _type_like(type_name: exp.Expression, pattern: str) -> exp.Expression:
    return exp.RegexpLike(this=type_name, expression=string(pattern))


def _type_in(type_name: exp.Expression, names: tuple[str, ...]) -> exp.Expression:
    return exp.In(this=type_name, expressions=[string(name) for name in names])


# ---------------------------------------------------------------- the dialects, in the order of DIALECTS


@register
class DuckDB(Target):
    name = "duckdb"

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        return _type_like(call("TYPEOF", value), "^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT"
                                                 "|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL).*")

    def epoch_micros(self, stamp: exp.Expression) -> exp.Expression:
        return call("EPOCH_US", stamp)


@register
class Postgres(Target):
    name = "postgres"

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        return _type_in(exp.cast(call("PG_TYPEOF", value), TEXT),
                        ("smallint", "integer", "bigint", "real", "double precision", "numeric"))


@register
class Spark(Target):
    name = "spark"

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        return _type_like(call("TYPEOF", value), "^(tinyint|smallint|int|bigint|float|double|decimal).*")

    def epoch_micros(self, stamp: exp.Expression) -> exp.Expression:
        return call("UNIX_MICROS", stamp)

    def text_literal(self, chars: str) -> exp.Expression:
        return string(chars)  # its literals escape \t \r \n readably


@register
class Snowflake(Target):
    name = "snowflake"

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        return _type_like(call("SYSTEM$TYPEOF", value), "^(NUMBER|DECIMAL|INT|FLOAT|DOUBLE|REAL).*")

    def epoch_micros(self, stamp: exp.Expression) -> exp.Expression:
        return call("DATE_PART", exp.var("EPOCH_MICROSECOND"), stamp)

    def text_literal(self, chars: str) -> exp.Expression:
        return string(chars)  # its literals escape \t \r \n readably


@register
class BigQuery(Target):
    name = "bigquery"

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        # FORMAT('%T') writes a value as a literal: numbers start with a digit or a sign
        return _type_like(call("FORMAT", string("%T"), value),
                          '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))')

    def epoch_micros(self, stamp: exp.Expression) -> exp.Expression:
        return call("UNIX_MICROS", stamp)

    def text_literal(self, chars: str) -> exp.Expression:
        return string(chars)  # its literals escape \t \r \n readably


@register
class TSql(Target):
    name = "tsql"

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        base = exp.cast(call("SQL_VARIANT_PROPERTY", value, string("BaseType")), exp.DataType.build("VARCHAR(32)"))
        return _type_in(base, ("tinyint", "smallint", "int", "bigint", "real", "float", "decimal", "numeric",
                               "money", "smallmoney"))

    def now(self) -> exp.Expression:
        return call("SYSDATETIMEOFFSET")  # its CURRENT_TIMESTAMP is local and zoneless

    def epoch_micros(self, stamp: exp.Expression) -> exp.Expression:
        epoch = exp.cast(string("1970-01-01 00:00:00 +00:00"), TIMESTAMPTZ)
        return call("DATEDIFF_BIG", exp.var("MICROSECOND"), epoch, stamp)


def trim(target: Target, value: exp.Expression, chars: str) -> exp.Expression:
    """``value`` without the characters ``chars`` at either end (control characters spelled
    as the dialect's string literals allow, ``Target.text_literal``)."""
    return exp.Trim(this=value, expression=target.text_literal(chars))
