"""What differs between the SQL engines the export targets, as sqlglot expression builders.

Almost all of the exported query is plain SQL that sqlglot renders for every dialect.
A few things have no common spelling: asking whether a column has a numeric type (the
engine treats a number column and a text column holding the same characters differently),
turning a timestamp into microseconds since the epoch, and the data type names. Each
``Target`` builds those pieces for one dialect; nothing here formats a model value into
SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from . import DEFAULT_DIALECT, DIALECTS, TESTED_DIALECTS

__all__ = ["DEFAULT_DIALECT", "DIALECTS", "TESTED_DIALECTS", "Target"]

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


@dataclass(frozen=True)
class Target:
    """The dialect-specific building blocks for one SQL engine."""

    dialect: str

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        """True when ``value`` has a numeric SQL type (decided by the column's type, not its content)."""
        d = self.dialect
        if d == "duckdb":
            return _type_like(call("TYPEOF", value), "^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT"
                                                     "|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL).*")
        if d == "spark":
            return _type_like(call("TYPEOF", value), "^(tinyint|smallint|int|bigint|float|double|decimal).*")
        if d == "postgres":
            kind = exp.cast(call("PG_TYPEOF", value), TEXT)
            return exp.In(this=kind, expressions=[string(name) for name in (
                "smallint", "integer", "bigint", "real", "double precision", "numeric")])
        if d == "snowflake":
            return _type_like(call("SYSTEM$TYPEOF", value), "^(NUMBER|DECIMAL|INT|FLOAT|DOUBLE|REAL).*")
        if d == "bigquery":  # FORMAT('%T') writes a value as a literal: numbers start with a digit or a sign
            return _type_like(call("FORMAT", string("%T"), value),
                              '^(-?[0-9]|NUMERIC|BIGNUMERIC|CAST\\("[+-]?(inf|nan)" AS FLOAT64\\))')
        base = exp.cast(call("SQL_VARIANT_PROPERTY", value, string("BaseType")), exp.DataType.build("VARCHAR(32)"))
        return exp.In(this=base, expressions=[string(name) for name in (
            "tinyint", "smallint", "int", "bigint", "real", "float", "decimal", "numeric", "money", "smallmoney")])

    def now(self) -> exp.Expression:
        """The moment the query runs, with its time zone (T-SQL's CURRENT_TIMESTAMP is local, zoneless)."""
        return call("SYSDATETIMEOFFSET") if self.dialect == "tsql" else exp.CurrentTimestamp()

    def epoch_micros(self, stamp: exp.Expression) -> exp.Expression:
        """Microseconds since 1970-01-01 UTC of a timestamp with time zone."""
        d = self.dialect
        if d == "duckdb":
            return call("EPOCH_US", stamp)
        if d in ("spark", "bigquery"):
            return call("UNIX_MICROS", stamp)
        if d == "postgres":
            seconds = exp.Extract(this=exp.var("EPOCH"), expression=stamp)
            return exp.cast(exp.Mul(this=seconds, expression=number(1_000_000)), BIGINT)
        if d == "snowflake":
            return call("DATE_PART", exp.var("EPOCH_MICROSECOND"), stamp)
        epoch = exp.cast(string("1970-01-01 00:00:00 +00:00"), TIMESTAMPTZ)
        return call("DATEDIFF_BIG", exp.var("MICROSECOND"), epoch, stamp)

    def regex(self, value: exp.Expression, pattern: str) -> exp.Expression:
        """``value`` matches the (anchored) regular expression ``pattern``."""
        return exp.RegexpLike(this=value, expression=string(pattern))


def _type_like(type_name: exp.Expression, pattern: str) -> exp.Expression:
    return exp.RegexpLike(this=type_name, expression=string(pattern))


def _chars_expression(target: Target, chars: str) -> exp.Expression:
    if target.dialect in ("spark", "snowflake", "bigquery"):  # these escape \t \r \n readably
        return string(chars)
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


def trim(target: Target, value: exp.Expression, chars: str) -> exp.Expression:
    """``value`` without the characters ``chars`` at either end (control characters spelled
    with CHR where the dialect's string literals would hold them raw)."""
    return exp.Trim(this=value, expression=_chars_expression(target, chars))
