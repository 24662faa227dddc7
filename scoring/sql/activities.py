"""Activities in SQL: the as-of moment, ages in fractional days, decay, and per-lead sums.

Mirrors ``Scorer._join_activities`` and ``decay_factors``: an activity counts for a lead
when its lead is known, it has a date, and its age (the lead's as-of moment minus the
activity's moment) is at least 0 and at most ``max_age_days``. A lead's as-of moment is
its ``scored_at`` when the leads table has that column and the value is set, else the
run's as-of: a fixed moment given at export, or the time the query runs (``now``); never
the latest ``occurred_at`` of the data, as the engine never takes it silently either.

Three CTEs: ``activity_values`` reads the table (text, number, microseconds),
``activity_rows`` derives the join key and the activity type as the engine compares them,
and ``activity_counts`` sums the decay factors per lead and entry. A column an entry's
``where`` names is read like a lead column an ``in`` rule reads (``fields.PreparedField``:
text/number in ``activity_values``, missing mask and comparison key in ``activity_rows``), and
the entry's sum takes only the rows whose every named column matches its items.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from scoring.data import read as d
from scoring.engine.values import TRIM_CHARS, canonical_item
from scoring.engine.where import in_match
from scoring.model.schema import EngagementEntry, LeadModel, Recency
from scoring.sql.dialects import DOUBLE, TIMESTAMPTZ, Target, number, string, trim
from scoring.sql.fields import PreparedField, RawValue, condition, slug, text_of

MICROS_PER_DAY = 86_400_000_000
# 0.5 ** x is below the smallest double past this; Postgres raises an underflow error instead
LARGEST_HALVINGS = 1074
ACTIVITY_ID = RawValue("activity_lead_id")
ACTIVITY_TYPE = RawValue("activity")
OCCURRED = "occurred_us"


def quoted(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def cte_table(name: str) -> exp.Table:
    """A reference to one of the query's own CTEs, quoted like its definition."""
    return exp.Table(this=quoted(name))


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def epoch_micros(target: Target, value: exp.Expression) -> exp.Expression:
    """A date or timestamp column (typed, or ISO text) as microseconds since the epoch; NULL when blank."""
    text = exp.Nullif(this=trim(target, text_of(value), TRIM_CHARS), expression=string(""))
    return target.epoch_micros(exp.cast(text, TIMESTAMPTZ))


@dataclass(frozen=True)
class ActivityEntryColumn:
    """The alias of one activity entry's decayed count D, and the type it counts."""

    entry: EngagementEntry
    alias: str
    type_key: str


def where_fields(model: LeadModel) -> dict[str, PreparedField]:
    """The activities columns the entries' ``where`` filters read, each prepared as a lead
    column an ``in`` rule reads (its missing mask and comparison key), in model order."""
    return {column: PreparedField(column, f"w{index}_{slug(column)}", {"missing", "key"})
            for index, column in enumerate(model.where_columns(), start=1)}


def where_condition(entry: EngagementEntry, fields: dict[str, PreparedField]) -> exp.Expression | None:
    """The rows ``entry.where`` keeps: each named column matches its items as ``in`` does."""
    if not entry.where:
        return None
    conditions = [condition(in_match(items), fields[column]) for column, items in entry.where.items()]
    return exp.and_(*conditions) if len(conditions) > 1 else conditions[0]


def entry_columns(model: LeadModel) -> list[ActivityEntryColumn]:
    """Activity entries that can count something (an activity type that is blank after trimming
    never matches, as in the engine)."""
    columns = []
    for index, entry in enumerate(model.engagement.activities, start=1):
        if entry.activity is not None and canonical_item(entry.activity):
            columns.append(ActivityEntryColumn(entry, f"a{index}_{slug(entry.id)}", canonical_item(entry.activity)))
    return columns


def decay_factor(age: exp.Expression, recency: Recency) -> exp.Expression:
    """The weight of an activity of age ``age`` (already known to be inside 0..max_age_days)."""
    if recency.half_life_days is not None:
        halvings = exp.Div(this=age, expression=number(recency.half_life_days))
        power = exp.Pow(this=number(0.5), expression=halvings.copy())
        return (exp.Case()
                .when(exp.GT(this=halvings, expression=number(LARGEST_HALVINGS)), exp.cast(number(0), DOUBLE))
                .else_(power))
    case = exp.Case()
    for window in recency.windows or []:
        case = case.when(exp.LTE(this=age.copy(), expression=number(window.within_days)),
                         exp.cast(number(window.factor), DOUBLE))
    return case.else_(exp.cast(number(0), DOUBLE))


def activity_values(target: Target, activities: exp.Table, columns: dict[str, str],
                    wheres: dict[str, PreparedField] | None = None) -> exp.Select:
    """The activities table read once: lead id and type as text/number, the moment in microseconds,
    and each column a ``where`` reads as text/number. ``columns`` maps the fields lead_id,
    activity, occurred_at and the ``where`` columns to the table's columns."""
    return exp.select(
        *ACTIVITY_ID.raw_projections(target, col(columns["lead_id"])),
        *ACTIVITY_TYPE.raw_projections(target, col(columns["activity"])),
        exp.alias_(epoch_micros(target, col(columns["occurred_at"])), OCCURRED, quoted=True),
        *(projection for field in (wheres or {}).values()
          for projection in field.raw.raw_projections(target, col(columns.get(field.field, field.field)))),
    ).from_(activities.copy())


def activity_rows(target: Target, wheres: dict[str, PreparedField] | None = None) -> exp.Select:
    return exp.select(
        exp.alias_(ACTIVITY_ID.id_key(target), "lead_key", quoted=True),
        exp.alias_(ACTIVITY_TYPE.key(target), "activity_type", quoted=True),
        col(OCCURRED),
        *(projection for field in (wheres or {}).values() for projection in field.projections(target)),
    ).from_(cte_table("activity_values"))


def run_as_of(target: Target, as_of: object) -> exp.Expression | None:
    """The run's as-of moment in microseconds: a fixed moment, the time the query runs
    (``"now"``), or None when none was given."""
    if as_of is None:
        return None
    if isinstance(as_of, str) and as_of.strip().lower() == "now":
        return target.epoch_micros(target.now())
    return number(d.parse_instant(as_of) // 1000)


def activity_counts(model: LeadModel, lead_key: str, as_of: str) -> exp.Select:
    """Per lead key: the decayed count D of each activity entry (leads without activities are absent)."""
    entries = entry_columns(model)
    recency = model.engagement.recency
    assert recency is not None and entries
    age_days = exp.Div(
        this=exp.cast(exp.Sub(this=col(as_of, "l"), expression=col(OCCURRED, "r")), DOUBLE),
        expression=number(MICROS_PER_DAY))
    types = sorted({column.type_key for column in entries})
    wheres = where_fields(model)
    filtered = [col(field.alias(need), "r") for field in wheres.values() for need in sorted(field.needs)]
    aged = (
        exp.select(col(lead_key, "l"), col("activity_type", "r"), exp.alias_(age_days, "age_days", quoted=True),
                   *filtered)
        .from_(cte_table("activity_rows").as_(quoted("r")))
        .join(cte_table("lead_rows").as_(quoted("l")),
              on=exp.EQ(this=col("lead_key", "r"), expression=col(lead_key, "l")))
        .where(exp.In(this=col("activity_type", "r"), expressions=[string(t) for t in types]))
    )
    age = col("age_days")
    kept = [exp.GTE(this=age.copy(), expression=number(0))]
    if recency.max_age_days is not None:
        kept.append(exp.LTE(this=age.copy(), expression=number(recency.max_age_days)))
    factor = decay_factor(age.copy(), recency)
    sums = [
        exp.alias_(exp.Sum(this=exp.Case()
                           .when(_counted_by(c, wheres), factor.copy())
                           .else_(exp.cast(number(0), DOUBLE))), c.alias, quoted=True)
        for c in entries
    ]
    return (exp.select(col(lead_key), *sums)
            .from_(aged.subquery(quoted("aged")))
            .where(exp.and_(*kept))
            .group_by(col(lead_key)))


def _counted_by(column: ActivityEntryColumn, wheres: dict[str, PreparedField]) -> exp.Expression:
    """An aged row counts for the entry: its type, and the rows its ``where`` keeps."""
    of_type = exp.EQ(this=col("activity_type"), expression=string(column.type_key))
    kept = where_condition(column.entry, wheres)
    return of_type if kept is None else exp.and_(of_type, kept)


def entry_points(column: ActivityEntryColumn, counts: str) -> exp.Expression:
    """points * min(D, max_count), D being 0 for a lead without such activities."""
    decayed = exp.Coalesce(this=col(column.alias, counts), expressions=[exp.cast(number(0), DOUBLE)])
    if column.entry.max_count is not None:
        cap = number(column.entry.max_count)
        decayed = exp.Case().when(exp.GT(this=decayed, expression=cap), exp.cast(cap.copy(), DOUBLE)) \
            .else_(decayed.copy())
    return exp.Mul(this=number(column.entry.points or 0.0), expression=decayed)
