"""The whole scoring query: one SELECT, one row per lead, built as a sqlglot tree.

The query is a chain of CTEs that follows ``Scorer.evaluate`` step by step:

1. ``activity_values``/``activity_rows``: the activities read once (join key, type as the
   engine compares it, moment in microseconds; see ``activities``);
2. ``lead_values``/``lead_rows``: each lead's id, join key and as-of moment, and every column
   the rules read, as text and number, then in the forms the rules compare (see ``fields``);
3. ``activity_counts``: per lead, the decayed count D of each activity entry;
4. ``rule_values``: the value of every category and field entry, and the points of every
   activity entry;
5. ``raw_scores``: weighted profile sum and engagement sum, in the engine's order of addition;
6. ``grades``/``ratings``: scores clipped to 0..100 and graded with the 1e-9 tolerance;
7. the final SELECT: action and SLA from the routing.

Numbers are literals (Python's round-trip form) and text is escaped literals; names are
quoted identifiers. Nothing from the model is formatted into SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from scoring.data import read as d
from scoring.engine.scorer import TOLERANCE
from scoring.model.schema import LETTERS, NUMBERS, LeadModel
from scoring.sql import DEFAULT_DIALECT
from scoring.sql.activities import (
    activity_counts,
    activity_rows,
    activity_values,
    cte_table,
    entry_columns,
    entry_points,
    epoch_micros,
    quoted,
    run_as_of,
    where_fields,
)
from scoring.sql.dialects import DOUBLE, Target, number, string
from scoring.sql.errors import ExportError
from scoring.sql.fields import PreparedField, RawValue, prepare_fields, rule_value, slug

OUTPUT_COLUMNS = ("lead_id", "profile_score", "profile_grade", "engagement_score", "engagement_grade",
                  "rating", "action", "sla_hours")
LEAD_KEY = "lead_key"
LEAD_ID_VALUE = RawValue("lead_id")
AS_OF = "as_of_us"


@dataclass(frozen=True)
class SqlOptions:
    """Where the query reads from.

    ``leads_table``/``activities_table``: table names, dots separating catalog, schema and
    table (each part is quoted). ``activities_table=None``: there is no activities table
    (activity entries then count nothing). ``scored_at``: whether the leads table has the
    ``scored_at`` column (after the model's column mapping). ``as_of``: the run's as-of
    moment for leads without ``scored_at``: a fixed moment, or ``"now"`` (the time each
    run of the query starts, ``CURRENT_TIMESTAMP``); never the data's latest activity. A
    model that ages activities needs it, unless ``require_as_of`` is False because the
    caller checked that no lead without ``scored_at`` has activities (``runners``).
    ``mapping``: column mapping overrides on top of the model's ``columns:`` section.
    """

    leads_table: str = "leads"
    activities_table: str | None = "activities"
    scored_at: bool = True
    as_of: object = None
    mapping: dict[str, dict[str, str]] | None = None
    require_as_of: bool = True


def table(name: str) -> exp.Table:
    """A table reference from ``catalog.schema.table`` (every part a quoted identifier)."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 3 or not all(part.strip() for part in parts):
        raise ExportError(f"table name {name!r}: give table, schema.table or catalog.schema.table")
    identifiers = [exp.to_identifier(part, quoted=True) for part in parts]
    kwargs = dict(zip(("catalog", "db", "this")[3 - len(parts):], identifiers, strict=True))
    return exp.Table(**kwargs)


def _column(name: str, source: str | None = None) -> exp.Column:
    return exp.column(name, table=source, quoted=True)


def _ref(name: str, source: str | None = None) -> exp.Column:
    return exp.column(name, table=source, quoted=True)


def _sum(terms: list[exp.Expression]) -> exp.Expression:
    """Left-to-right sum, as numpy adds the engine's arrays one after the other."""
    if not terms:
        return exp.cast(number(0), DOUBLE)
    total = terms[0]
    for term in terms[1:]:
        total = exp.Add(this=total, expression=term)
    return total


def _clip(value: exp.Expression) -> exp.Expression:
    return (exp.Case()
            .when(exp.LT(this=value, expression=number(0)), exp.cast(number(0), DOUBLE))
            .when(exp.GT(this=value.copy(), expression=number(100)), exp.cast(number(100), DOUBLE))
            .else_(value.copy()))


def _grade(score: exp.Expression, thresholds: dict[str, float], names: tuple[str, ...]) -> exp.Expression:
    case = exp.Case()
    for name in names[:-1]:
        case = case.when(exp.GTE(this=score.copy(), expression=exp.cast(number(thresholds[name] - TOLERANCE), DOUBLE)),
                         string(name))
    return case.else_(string(names[-1]))


def _routing(model: LeadModel, rating: exp.Expression) -> tuple[exp.Expression, exp.Expression]:
    default = model.routing.default
    action = exp.Case(this=rating)
    sla = exp.Case(this=rating.copy())
    for cell, route in model.routing.cells.items():
        action = action.when(string(cell), string(route.action))
        hours = exp.Null() if route.sla_hours is None else number(route.sla_hours)
        sla = sla.when(string(cell), hours)
    action = action.else_(string(default.action)) if model.routing.cells else string(default.action)
    default_hours = exp.Null() if default.sla_hours is None else number(default.sla_hours)
    sla = sla.else_(default_hours) if model.routing.cells else default_hours
    return action, exp.cast(sla, DOUBLE)


AS_OF_NEEDED = ("the model ages activities: give the as-of moment for leads without scored_at, "
                "--as-of DATE (a fixed moment) or --as-of now (the time each run starts)")


def _lead_as_of(target: Target, options: SqlOptions, use_scored_at: bool) -> exp.Expression:
    """Each lead's as-of moment in microseconds: its scored_at, else the run's as-of."""
    run = run_as_of(target, options.as_of)
    if run is None and (options.require_as_of or not use_scored_at):
        raise ExportError(AS_OF_NEEDED)
    if run is None:
        return _column("scored_us")
    return exp.Coalesce(this=_column("scored_us"), expressions=[run]) if use_scored_at else run


def build_query(model: LeadModel, dialect: str = DEFAULT_DIALECT, options: SqlOptions = SqlOptions()) -> exp.Select:
    """The scoring query for ``model`` as a sqlglot expression, for ``dialect`` (a name in
    ``dialects.DIALECT_CLASSES``; another is an ``ExportError``)."""
    target = Target(dialect)
    mapping = model.column_mapping(options.mapping)
    lead_columns = {**mapping.get("leads", {})}
    numbered = sorted(field for field, column in lead_columns.items() if column == d.ROW_NUMBER)
    if numbered:
        raise ExportError(f"columns.leads.{numbered[0]}: '{d.ROW_NUMBER}' (the row number of a file) has no "
                          "meaning in a warehouse table, whose rows have no order; map it to a column")
    activity_columns = {name: mapping.get("activities", {}).get(name, name)
                        for name in (*d.ACTIVITY_COLUMNS, *model.where_columns())}

    def physical(field: str) -> str:
        return lead_columns.get(field, field)

    leads = table(options.leads_table)
    activities = table(options.activities_table) if options.activities_table else None
    has_counts = bool(entry_columns(model)) and activities is not None and model.engagement.recency is not None
    prepared = prepare_fields(
        [(c.field, c.rules) for c in model.profile.categories]
        + [(e.field, e.rules or []) for e in model.field_entries if e.field]
    )

    query = exp.select()
    if has_counts:
        wheres = where_fields(model)
        query = query.with_(quoted("activity_values"),
                            as_=activity_values(target, activities, activity_columns, wheres))
        query = query.with_(quoted("activity_rows"), as_=activity_rows(target, wheres))

    lead_values = exp.select(_column(physical(d.LEAD_ID)).as_(d.LEAD_ID, quoted=True),
                             *LEAD_ID_VALUE.raw_projections(target, _column(physical(d.LEAD_ID))))
    use_scored_at = has_counts and options.scored_at
    if use_scored_at:
        lead_values = lead_values.select(
            exp.alias_(epoch_micros(target, _column(physical(d.SCORED_AT))), "scored_us", quoted=True))
    for field in prepared.values():
        lead_values = lead_values.select(*field.raw.raw_projections(target, _column(physical(field.field))))
    query = query.with_(quoted("lead_values"), as_=lead_values.from_(leads))

    lead_rows = exp.select(_column(d.LEAD_ID), exp.alias_(LEAD_ID_VALUE.id_key(target), LEAD_KEY, quoted=True))
    if has_counts:
        lead_rows = lead_rows.select(exp.alias_(_lead_as_of(target, options, use_scored_at), AS_OF, quoted=True))
    for field in prepared.values():
        lead_rows = lead_rows.select(*field.projections(target))
    query = query.with_(quoted("lead_rows"), as_=lead_rows.from_(cte_table("lead_values")))

    counts = activity_counts(model, LEAD_KEY, AS_OF) if has_counts else None
    if counts is not None:
        query = query.with_(quoted("activity_counts"), as_=counts)
    entries = entry_columns(model) if has_counts else []

    rule_values, profile_terms, engagement_fields, engagement_points = _rule_values(model, prepared, entries)
    source = cte_table("lead_rows").as_(exp.to_identifier("l", quoted=True))
    rule_values = rule_values.from_(source)
    if counts is not None:
        rule_values = rule_values.join(
            cte_table("activity_counts").as_(exp.to_identifier("c", quoted=True)), join_type="left",
            on=exp.EQ(this=_ref(LEAD_KEY, "c"), expression=_ref(LEAD_KEY, "l")))
    query = query.with_(quoted("rule_values"), as_=rule_values)

    engagement = exp.Add(this=exp.paren(_sum(engagement_fields)), expression=exp.paren(_sum(engagement_points)))
    raw = exp.select(
        _column(d.LEAD_ID),
        exp.alias_(_sum(profile_terms), "profile_raw", quoted=True),
        exp.alias_(engagement, "engagement_raw", quoted=True),
    ).from_(cte_table("rule_values"))
    query = query.with_(quoted("raw_scores"), as_=raw)

    grades = exp.select(
        _column(d.LEAD_ID),
        exp.alias_(_clip(_column("profile_raw")), "profile_score", quoted=True),
        exp.alias_(_clip(_column("engagement_raw")), "engagement_score", quoted=True),
    ).from_(cte_table("raw_scores"))
    graded = exp.select(
        _column(d.LEAD_ID),
        _column("profile_score"),
        exp.alias_(_grade(_column("profile_score"), model.profile.grades.model_dump(), LETTERS),
                   "profile_grade", quoted=True),
        _column("engagement_score"),
        exp.alias_(_grade(_column("engagement_score"), model.engagement.grades.as_dict(), NUMBERS),
                   "engagement_grade", quoted=True),
    ).from_(grades.subquery(exp.to_identifier("clipped", quoted=True)))
    query = query.with_(quoted("grades"), as_=graded)

    rating = exp.DPipe(this=_column("profile_grade"), expression=_column("engagement_grade"), safe=True)
    rated = exp.select(*[_column(name) for name in OUTPUT_COLUMNS[:5]],
                       exp.alias_(rating, "rating", quoted=True)).from_(cte_table("grades"))
    query = query.with_(quoted("ratings"), as_=rated)
    action, sla = _routing(model, _column("rating"))
    query = query.select(
        *[_column(name) for name in OUTPUT_COLUMNS[:6]],
        exp.alias_(action, "action", quoted=True),
        exp.alias_(sla, "sla_hours", quoted=True),
    ).from_(cte_table("ratings"))
    _refuse_tables_named_like_steps(options, {cte.alias for cte in query.ctes})
    return query


# The matrix query (scoring.sql.matrix) wraps the scoring query in these steps too.
WRAPPING_STEPS = ("scores", "outcome_values")


def _refuse_tables_named_like_steps(options: SqlOptions, steps: set[str]) -> None:
    """A table named like one of the query's own steps would silently read that step
    instead of the table: refuse it (a schema-qualified name is fine)."""
    taken = {step.lower() for step in (*steps, *WRAPPING_STEPS)}
    for flag, name in (("leads", options.leads_table), ("activities", options.activities_table)):
        if name and "." not in name and name.lower() in taken:
            raise ExportError(f"{flag} table {name!r} has the name of a step of the query; "
                              f"qualify it with its schema (e.g. main.{name}) or rename it")


def _rule_values(model: LeadModel, prepared: dict[str, PreparedField], entries: list) -> tuple[
        exp.Select, list[exp.Expression], list[exp.Expression], list[exp.Expression]]:
    select = exp.select(_ref(d.LEAD_ID, "l"))
    profile_terms, field_values, points = [], [], []
    for index, category in enumerate(model.profile.categories, start=1):
        alias = f"p{index}_{slug(category.id)}"
        value = rule_value(category.rules, category.default, prepared[category.field], "l")
        select = select.select(exp.alias_(value, alias, quoted=True))
        weighted = exp.Mul(this=number(category.weight), expression=_column(alias))
        profile_terms.append(exp.Div(this=weighted, expression=number(100)))
    counted = {column.entry.id: column for column in entries}
    for index, entry in enumerate(model.engagement.activities, start=1):
        alias = f"e{index}_{slug(entry.id)}"
        if entry.field is not None:
            value = rule_value(entry.rules or [], 0.0, prepared[entry.field], "l")
            select = select.select(exp.alias_(value, alias, quoted=True))
            field_values.append(_column(alias))
        elif entry.id in counted:
            select = select.select(exp.alias_(entry_points(counted[entry.id], "c"), alias, quoted=True))
            points.append(_column(alias))
    return select, profile_terms, field_values, points
