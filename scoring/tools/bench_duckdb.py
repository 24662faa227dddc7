"""The benchmark's DuckDB peer: a model as one DuckDB query over the raw tables, written for speed.

``scoring.sql`` exports portable SQL for six warehouses; on DuckDB at a million leads it
takes tens of seconds, which would flatter any engine compared with it. This query is
what a DuckDB user would write by hand for the same model: each rule a CASE over
trimmed, lower-cased text or TRY_CAST numbers, one GROUP BY over the activities with a
FILTER per entry, the same additions in the same order. It is for the benchmark only
(it skips cases the synthetic data never has, e.g. text ids joined to numeric ids, and
``in`` items compared with numeric columns); the benchmark checks its ratings against
the engine's on every run.
"""

from __future__ import annotations

from scoring.engine.ratings import TOLERANCE
from scoring.engine.values import canonical_item
from scoring.model.schema import LETTERS, NUMBERS, RATINGS, LeadModel, Match, Recency, Rule

TRIM = "' \t\r\n'"
US_PER_DAY = 86_400_000_000


def literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(float(value))


def name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _prepared(column: str, numeric: bool) -> list[str]:
    """Each column a rule reads, worked out once per lead: missing, key, lower-case text, number."""
    value = f"l.{name(column)}"
    if numeric:
        return [f"({value} IS NULL OR isnan({value})) AS {_part(column, 'missing')}",
                f"{value} AS {_part(column, 'number')}"]
    return [f"({value} IS NULL OR trim({value}, {TRIM}) = '') AS {_part(column, 'missing')}",
            f"lower(trim({value}, {TRIM})) AS {_part(column, 'key')}", f"lower({value}) AS {_part(column, 'lower')}",
            f"TRY_CAST(trim({value}, {TRIM}) AS DOUBLE) AS {_part(column, 'number')}"]


def _part(column: str, part: str) -> str:
    return name(f"{column}__{part}")


def _condition(match: Match, column: str, numeric: bool) -> str:
    return match.operator.duckdb(lambda part: _part(column, part), numeric)


def _rule_value(rules: list[Rule], default: float, column: str, numeric: bool) -> str:
    if not rules:
        return literal(default)
    cases = " ".join(f"WHEN {_condition(r.match, column, numeric)} THEN {literal(r.value)}" for r in rules)
    return f"CASE {cases} ELSE {literal(default)} END"


def _grade(score: str, thresholds: dict[str, float], names: tuple[str, ...]) -> str:
    cases = " ".join(f"WHEN {score} >= {literal(thresholds[n] - TOLERANCE)} THEN {literal(n)}" for n in names[:-1])
    return f"CASE {cases} ELSE {literal(names[-1])} END"


def _factor(recency: Recency) -> str:
    if recency.half_life_days is not None:
        return f"pow(0.5, age / {literal(recency.half_life_days)})"
    cases = " ".join(f"WHEN age <= {literal(w.within_days)} THEN {literal(w.factor)}" for w in recency.windows or [])
    return f"CASE {cases} ELSE 0.0 END"


def query(model: LeadModel, numeric_columns: set[str], scored_at: bool = True) -> str:
    """One row per lead: lead_id, profile_score, engagement_score, rating, action."""
    profile = " + ".join(
        f"{literal(c.weight)} * ({_rule_value(c.rules, c.default, c.field, c.field in numeric_columns)}) / 100.0"
        for c in model.profile.categories)
    fields = [_rule_value(e.rules or [], 0.0, e.field, e.field in numeric_columns)
              for e in model.field_entries if e.field]
    recency = model.engagement.recency
    entries = [e for e in model.activity_entries if e.activity] if recency else []
    sums = ", ".join(f"SUM(factor) FILTER (WHERE kind = {literal(canonical_item(e.activity))}) AS d{i}"
                     for i, e in enumerate(entries)) or "0 AS d_none"
    points = [f"{literal(e.points or 0.0)} * "
              + (f"LEAST(COALESCE(a.d{i}, 0.0), {literal(e.max_count)})" if e.max_count is not None
                 else f"COALESCE(a.d{i}, 0.0)") for i, e in enumerate(entries)]
    engagement = f"(0.0 + {' + '.join(fields) or '0.0'}) + (0.0 + {' + '.join(points) or '0.0'})"
    as_of = "COALESCE(l.scored_at, r.as_of)" if scored_at else "r.as_of"
    columns = {c.field for c in model.profile.categories} | {e.field for e in model.field_entries if e.field}
    prepared = ", ".join(p for column in sorted(columns) for p in _prepared(column, column in numeric_columns))
    max_age = f" AND age <= {literal(recency.max_age_days)}" if recency and recency.max_age_days else ""
    routes = " ".join(f"WHEN {literal(r)} THEN {literal(model.routing.route_for(r).action)}" for r in RATINGS)
    return f"""
WITH run AS (SELECT max(occurred_at) AS as_of FROM activities),
lead_as_of AS (SELECT l.lead_id, {as_of} AS as_of FROM leads l, run r),
kinds AS (SELECT activity, lower(trim(activity, {TRIM})) AS kind FROM (SELECT DISTINCT activity FROM activities)),
aged AS (
  SELECT x.lead_id, k.kind, (epoch_us(o.as_of) - epoch_us(x.occurred_at)) / {US_PER_DAY}.0 AS age
  FROM activities x JOIN kinds k ON x.activity = k.activity JOIN lead_as_of o ON x.lead_id = o.lead_id
  WHERE x.occurred_at IS NOT NULL AND o.as_of IS NOT NULL),
decayed AS (
  SELECT lead_id, {sums} FROM (SELECT lead_id, kind, {_factor(recency) if recency else '0.0'} AS factor
                               FROM aged WHERE age >= 0{max_age}) GROUP BY lead_id),
fields AS (SELECT l.lead_id{", " + prepared if prepared else ""} FROM leads l),
scores AS (
  SELECT f.lead_id, greatest(0.0, least(100.0, 0.0 + {profile or '0.0'})) AS profile_score,
         greatest(0.0, least(100.0, {engagement})) AS engagement_score
  FROM fields f LEFT JOIN decayed a ON a.lead_id = f.lead_id),
rated AS (
  SELECT *, {_grade('profile_score', model.profile.grades.as_dict(), LETTERS)}
            || {_grade('engagement_score', model.engagement.grades.as_dict(), NUMBERS)} AS rating
  FROM scores)
SELECT lead_id, profile_score, engagement_score, rating,
       CASE rating {routes} ELSE {literal(model.routing.default.action)} END AS action
FROM rated"""
