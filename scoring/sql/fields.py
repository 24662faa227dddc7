"""Lead columns seen the ways the match operators need, and rules as SQL conditions (each
operator's ``sql`` in ``scoring.model.operators``, on the forms below that its ``needs`` name).

This mirrors ``scoring.engine.values.ValueColumn``. A column is read through its text form, so
one query works whether the warehouse stores it as text or as a number; where the engine
treats a number column differently from a text column (a whole number compares as its
integer text, NaN is missing) the SQL asks the column's type (``Target.is_number_type``).

- missing: NULL, blank after trimming, or NaN in a number column
- key (``in``): trimmed lower-case text; a whole number in a number column as integer text
- lower (``contains_any``): untrimmed lower-case text (numbers as for ``key``)
- number (``gte``/``lt``/``range``): the trimmed text when it reads as a number the way
  pandas reads one (``1e3``, ``.5``, ``inf`` do; ``1,000`` and ``nan`` do not), else NULL
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlglot import exp

from scoring.engine.values import TRIM_CHARS
from scoring.model.operators import Operator
from scoring.model.schema import Match, Rule
from scoring.sql.dialects import BIGINT, DOUBLE, TEXT, Target, number, string, trim

# pandas' number reader also skips vertical tabs and form feeds around the digits
NUMBER_TRIM_CHARS = TRIM_CHARS + "\x0b\x0c"
# what pd.to_numeric reads as a number, on lower-case trimmed text
NUMBER_PATTERN = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?$|^[+-]?inf(inity)?$"
LARGEST_EXACT_INTEGER = 9.2e18  # whole numbers below this are written through BIGINT
NEEDS = ("missing", "key", "lower", "number")


def slug(name: str, limit: int = 40) -> str:
    """A readable, always-safe fragment of a column alias (the alias is quoted anyway)."""
    text = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return text[:limit] or "x"


def text_of(value: exp.Expression) -> exp.Expression:
    return exp.cast(value, TEXT)


@dataclass(frozen=True)
class RawValue:
    """A column read in two steps: first its text and, for a number column, its number
    (``raw_projections``, in the CTE that reads the table); then the forms the rules need
    from those two (``missing``, ``key``, ...), in the next CTE."""

    prefix: str

    @property
    def text_alias(self) -> str:
        return f"{self.prefix}_text"

    @property
    def double_alias(self) -> str:
        return f"{self.prefix}_double"

    def raw_projections(self, target: Target, column: exp.Expression) -> list[exp.Expression]:
        """The column as text, and as a number when its SQL type is numeric (else NULL)."""
        as_double = exp.Case().when(target.is_number_type(column), exp.TryCast(this=text_of(column.copy()), to=DOUBLE))
        return [exp.alias_(text_of(column.copy()), self.text_alias, quoted=True),
                exp.alias_(as_double, self.double_alias, quoted=True)]

    def text(self, table: str | None = None) -> exp.Column:
        return exp.column(self.text_alias, table=table, quoted=True)

    def double(self, table: str | None = None) -> exp.Column:
        return exp.column(self.double_alias, table=table, quoted=True)

    def is_number(self, table: str | None = None) -> exp.Expression:
        return exp.Not(this=exp.Is(this=self.double(table), expression=exp.Null()))

    def number_text(self, table: str | None = None) -> exp.Expression:
        """A number column's value as the engine writes it: whole numbers as integer text."""
        value = self.double(table)
        whole = exp.and_(
            exp.EQ(this=value, expression=exp.Floor(this=value.copy())),
            exp.LT(this=exp.Abs(this=value.copy()), expression=number(LARGEST_EXACT_INTEGER)),
        )
        return (exp.Case()
                .when(whole, text_of(exp.TryCast(this=value.copy(), to=BIGINT)))
                .else_(exp.Lower(this=text_of(value.copy()))))

    def id_key(self, target: Target, table: str | None = None) -> exp.Expression:
        """A lead id as the engine joins it: trimmed text, whole numbers without '.0'."""
        return (exp.Case().when(self.is_number(table), self.number_text(table))
                .else_(trim(target, self.text(table), TRIM_CHARS)))

    def missing(self, target: Target, table: str | None = None) -> exp.Expression:
        nan = exp.and_(self.is_number(table), exp.Like(this=exp.Lower(this=self.text(table)), expression=string("%nan%")))
        blank = exp.EQ(this=trim(target, self.text(table), TRIM_CHARS), expression=string(""))
        return exp.or_(exp.Is(this=self.text(table), expression=exp.Null()), blank, exp.paren(nan))

    def key(self, target: Target, table: str | None = None) -> exp.Expression:
        return (exp.Case().when(self.is_number(table), self.number_text(table))
                .else_(exp.Lower(this=trim(target, self.text(table), TRIM_CHARS))))

    def lower(self, target: Target, table: str | None = None) -> exp.Expression:
        return (exp.Case().when(self.is_number(table), self.number_text(table))
                .else_(exp.Lower(this=self.text(table))))

    def number(self, target: Target, table: str | None = None) -> exp.Expression:
        trimmed = trim(target, self.text(table), NUMBER_TRIM_CHARS)
        readable = target.regex(exp.Lower(this=trimmed), NUMBER_PATTERN)
        return exp.Case().when(readable, exp.TryCast(this=trimmed.copy(), to=DOUBLE))


def needs_of(match: Match | Operator) -> set[str]:
    """Which prepared forms of the value a match reads."""
    return set(_operator(match).needs)


def _operator(match: Match | Operator) -> Operator:
    return match if isinstance(match, Operator) else match.operator


@dataclass
class PreparedField:
    """One leads column the rules read: its raw text/number, and the forms its rules need."""

    field: str
    prefix: str
    needs: set[str] = field(default_factory=set)

    @property
    def raw(self) -> RawValue:
        return RawValue(self.prefix)

    def alias(self, need: str) -> str:
        return f"{self.prefix}_{need}"

    def column(self, need: str, table: str | None = None) -> exp.Column:
        return exp.column(self.alias(need), table=table, quoted=True)

    def projections(self, target: Target) -> list[exp.Expression]:
        """The forms the rules read, from the raw columns of the previous CTE."""
        return [exp.alias_(getattr(self.raw, need)(target), self.alias(need), quoted=True)
                for need in NEEDS if need in self.needs]


def prepare_fields(uses: Iterable[tuple[str, list[Rule]]]) -> dict[str, PreparedField]:
    """One ``PreparedField`` per distinct field, knowing which forms its rules read."""
    prepared: dict[str, PreparedField] = {}
    for field_name, rules in uses:
        entry = prepared.setdefault(field_name, PreparedField(field_name, f"f{len(prepared) + 1}_{slug(field_name)}"))
        for rule in rules:
            entry.needs |= needs_of(rule.match)
    return prepared


def condition(match: Match | Operator, prepared: PreparedField, table: str | None = None) -> exp.Expression:
    """The SQL condition of one ``match`` on a prepared field (NULL counts as no match)."""
    return _operator(match).sql(lambda need: prepared.column(need, table))


def rule_value(rules: list[Rule], default: float, prepared: PreparedField, table: str | None = None) -> exp.Expression:
    """The value of the first matching rule, else ``default``, as a DOUBLE."""
    if not rules:
        return exp.cast(number(default), DOUBLE)
    case = exp.Case()
    for rule in rules:
        case = case.when(condition(rule.match, prepared, table), number(rule.value))
    return exp.cast(case.else_(number(default)), DOUBLE)
