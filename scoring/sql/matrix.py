"""The matrix metrics computed where the data is: the exported scoring query plus one
aggregation, run in DuckDB or Spark on the same CSV/Parquet files the pandas engine reads.

The engine returns, per rating, the counts the metrics are made of (leads, decisions,
acceptances, known conversions, conversions, won amount, leads handed over inside the
per-month window) and the leads' dates; the window (``scoring.measures.volume``), rates, Wilson
intervals and the to-sales summary are then worked out from those by the same formulas as
``scoring.measures.metrics``, so both engines give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlglot import exp

from scoring.data import read as d
from scoring.measures.metrics import (
    FALSE_WORDS,
    TRUE_WORDS,
    Outcomes,
    Preview,
    SalesSummary,
    too_few,
)
from scoring.measures.stats import wilson_interval
from scoring.measures.volume import ALL, Dating, PerMonth, Window, resolve
from scoring.model.schema import RATINGS, SALES_ACTION, LeadModel
from scoring.sql.activities import cte_table
from scoring.sql.dialects import DOUBLE, TIMESTAMPTZ, Target, number, string, trim
from scoring.sql.fields import RawValue
from scoring.sql.query import SqlOptions, build_query, table

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class OutcomeColumns:
    """Which outcome and date columns (physical names) the leads table has."""

    accepted: str | None
    converted: str | None
    won_amount: str | None
    dates: tuple[str, ...]  # created_at then scored_at, those present
    created_at: str | None = None
    scored_at: str | None = None
    created_field: str = "created_at"  # the created_at the outcomes name (what a window is dated by)


def physical_name(logical: str, mapping: dict[str, str], columns: list[str]) -> str | None:
    """The leads column that holds model field ``logical`` after the column mapping, if any."""
    if logical in mapping:
        name = mapping[logical]
    elif logical in mapping.values():
        return None  # renamed to another field by the mapping
    else:
        name = logical
    return name if name in columns else None


def outcome_columns(model: LeadModel, outcomes: Outcomes, columns: list[str],
                    mapping: dict[str, dict[str, str]] | None = None) -> OutcomeColumns:
    leads_map = model.column_mapping(mapping)["leads"]

    def find(name: str) -> str | None:
        return physical_name(name, leads_map, columns)

    created, scored = find(outcomes.created_at), find(d.SCORED_AT)
    dates = tuple(c for c in (created, scored) if c is not None)
    return OutcomeColumns(find(outcomes.accepted), find(outcomes.converted), find(outcomes.won_amount), dates,
                          created, scored, outcomes.created_at)


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _flag(raw: RawValue, target: Target) -> tuple[exp.Expression, exp.Expression]:
    """1/0/NULL as ``metrics.read_flags`` reads yes/no words, and 1 when a set value is neither."""
    key = raw.key(target, "o")
    present = exp.Not(this=exp.paren(raw.missing(target, "o")))
    flag = (exp.Case()
            .when(exp.and_(present, exp.In(this=key, expressions=[string(w) for w in sorted(TRUE_WORDS)])), number(1))
            .when(exp.and_(present.copy(), exp.In(this=key.copy(), expressions=[string(w) for w in sorted(FALSE_WORDS)])),
                  number(0)))
    unrecognised = exp.Case().when(exp.and_(present.copy(), exp.Is(this=flag.copy(), expression=exp.Null())),
                                   number(1)).else_(number(0))
    return flag, unrecognised


def _deal_amount(columns: OutcomeColumns) -> exp.Expression:
    """The won amount of a deal, NULL for any other lead (``pipeline.deal_mask``, as the pandas
    matrix sums): a converted lead's amount, or, where the conversion is not known, an amount above 0."""
    amount = _col("won_amount")
    above_zero = exp.GT(this=amount.copy(), expression=number(0))
    if columns.converted is None:
        deal: exp.Expression = above_zero
    else:
        converted = _col("converted")
        deal = exp.or_(exp.EQ(this=converted, expression=number(1)),
                       exp.and_(exp.Is(this=converted.copy(), expression=exp.Null()), above_zero))
    return exp.Case().when(deal, amount)


def aggregation_query(model: LeadModel, dialect: str, options: SqlOptions, columns: OutcomeColumns,
                      lead_id: str, window: WindowBounds | None = None) -> exp.Select:
    """Per rating: the counts the matrix is made of (the scoring query joined to the outcome
    columns), and with ``window`` the leads handed over inside it."""
    target = Target(dialect)
    scoring = build_query(model, dialect, options)
    ctes = list(scoring.args["with_"].expressions)
    scores = scoring.copy()
    scores.set("with_", None)
    raws = {"accepted": RawValue("accepted"), "converted": RawValue("converted"), "won": RawValue("won")}
    projections: list[exp.Expression] = [_col(lead_id).as_("outcome_lead_id", quoted=True)]
    for role, name in (("accepted", columns.accepted), ("converted", columns.converted),
                       ("won", columns.won_amount)):
        if name is not None:
            projections += raws[role].raw_projections(target, _col(name))
    if window is not None:
        projections.append(exp.alias_(handover_stamp(target, window.dated_by), "handover_us", quoted=True))
    outcome_values = exp.select(*projections).from_(options_table(options))
    outcome_rows: list[exp.Expression] = [_col("lead_id", "s"), _col("rating", "s")]
    for role, name in (("accepted", columns.accepted), ("converted", columns.converted)):
        if name is not None:
            flag, unrecognised = _flag(raws[role], target)
            outcome_rows += [exp.alias_(flag, role, quoted=True),
                             exp.alias_(unrecognised, f"{role}_unrecognised", quoted=True)]
    if columns.won_amount is not None:
        outcome_rows.append(exp.alias_(raws["won"].number(target, "o"), "won_amount", quoted=True))
    if window is not None:
        outcome_rows.append(_col("handover_us", "o"))
    joined = (exp.select(*outcome_rows).from_(cte_table("scores").as_(exp.to_identifier("s", quoted=True)))
              .join(cte_table("outcome_values").as_(exp.to_identifier("o", quoted=True)),
                    on=exp.EQ(this=_col("lead_id", "s"), expression=_col("outcome_lead_id", "o"))))
    zero = number(0)
    sums: list[exp.Expression] = [exp.alias_(exp.Count(this=exp.Star()), "leads", quoted=True)]
    for role, present, prefix in (("accepted", columns.accepted, "decided"),
                                  ("converted", columns.converted, "conversion_known")):
        if present is None:
            continue
        sums += [exp.alias_(exp.Count(this=_col(role)), prefix, quoted=True),
                 exp.alias_(exp.Coalesce(this=exp.Sum(this=_col(role)), expressions=[zero.copy()]), role, quoted=True),
                 exp.alias_(exp.Sum(this=_col(f"{role}_unrecognised")), f"{role}_unrecognised", quoted=True)]
    if columns.won_amount is not None:
        sums.append(exp.alias_(exp.Coalesce(this=exp.Sum(this=_deal_amount(columns)),
                                            expressions=[exp.cast(zero.copy(), DOUBLE)]), "won_amount", quoted=True))
    if window is not None:
        sums.append(exp.alias_(window.count(_col("handover_us")), "in_window", quoted=True))
    query = exp.select(_col("rating"), *sums).from_(joined.subquery(exp.to_identifier("outcomes", quoted=True)))
    query = query.group_by(_col("rating"))
    for cte in ctes:
        query = query.with_(exp.to_identifier(cte.alias, quoted=True), as_=cte.this)
    query = query.with_(exp.to_identifier("scores", quoted=True), as_=scores)
    return query.with_(exp.to_identifier("outcome_values", quoted=True), as_=outcome_values)


def options_table(options: SqlOptions) -> exp.Table:
    return table(options.leads_table)


def _blank_free(target: Target, column: str) -> exp.Expression:
    text = exp.cast(_col(column), exp.DataType.build("TEXT"))
    return exp.Nullif(this=trim(target, text, " \t\r\n"), expression=string(""))


def date_stamp(target: Target, column: str) -> exp.Expression:
    """Microseconds since the epoch (UTC) of a date column's value; NULL when blank or unreadable."""
    return target.epoch_micros(exp.TryCast(this=_blank_free(target, column), to=TIMESTAMPTZ))


def handover_stamp(target: Target, columns: tuple[str, ...]) -> exp.Expression:
    """A lead's hand-over (µs): the first of ``columns`` (scored_at, then created_at) that is set."""
    stamps = [date_stamp(target, column) for column in columns]
    return stamps[0] if len(stamps) == 1 else exp.Coalesce(this=stamps[0], expressions=stamps[1:])


def date_span_query(dialect: str, options: SqlOptions, column: str) -> exp.Select:
    """Non-blank values, readable values, and first/last moment (µs) of one date column."""
    target = Target(dialect)
    blank_free = _blank_free(target, column)
    stamp = date_stamp(target, column)
    return exp.select(
        exp.alias_(exp.Count(this=blank_free), "present", quoted=True),
        exp.alias_(exp.Count(this=stamp), "readable", quoted=True),
        exp.alias_(exp.Min(this=stamp.copy()), "first_us", quoted=True),
        exp.alias_(exp.Max(this=stamp.copy()), "last_us", quoted=True),
    ).from_(options_table(options))


Runner = Callable[[str], list[tuple]]


@dataclass(frozen=True)
class WindowBounds:
    """The per-month window as the aggregation counts it: hand-overs from ``start_us`` up to
    ``end_us`` (µs), or every dated lead for the whole history."""

    dated_by: tuple[str, ...]  # the physical columns a hand-over is read from, first set wins
    start_us: int | None
    end_us: int | None

    def count(self, stamp: exp.Expression) -> exp.Expression:
        if self.start_us is None or self.end_us is None:
            return exp.Count(this=stamp)
        inside = exp.and_(exp.GTE(this=stamp, expression=number(self.start_us)),
                          exp.LT(this=stamp.copy(), expression=number(self.end_us)))
        return exp.Coalesce(this=exp.Sum(this=exp.Case().when(inside, number(1)).else_(number(0))),
                            expressions=[number(0)])


def sql_window(dialect: str, run: Runner, options: SqlOptions, columns: OutcomeColumns,
               per_month: PerMonth) -> tuple[Window, WindowBounds | None]:
    """The per-month window, resolved as ``scoring.measures.volume`` does on the same dates: leads
    dated by scored_at, else created_at (a column with an unreadable value is skipped, as in
    pandas); the data covering its created_at days, else its hand-overs'."""
    spans = {}
    for column in (columns.scored_at, columns.created_at):
        if column is not None:
            present, readable, first, last = run(date_span_query(dialect, options, column).sql(dialect=dialect))[0]
            if present and readable == present:
                spans[column] = (int(first), int(last))
    usable = tuple(c for c in (columns.scored_at, columns.created_at) if c in spans)
    if not usable:
        return resolve(per_month, Dating(np.array([], dtype=np.int64), None, None)), None
    target = Target(dialect)
    stamp = handover_stamp(target, usable)
    query = exp.select(exp.Min(this=stamp), exp.Max(this=stamp.copy()), exp.Count(this=stamp.copy()),
                       exp.Count(this=date_stamp(target, usable[0]))).from_(options_table(options))
    first, last, dated, by_first = run(query.sql(dialect=dialect))[0]
    names = {columns.scored_at: d.SCORED_AT, columns.created_at: columns.created_field}
    used = [names[usable[0]]] * bool(by_first) + [names[c] for c in usable[1:]] * bool(dated - by_first)
    covered = spans.get(columns.created_at, (int(first), int(last)))
    dating = Dating(np.array([int(first), int(last)], dtype=np.int64) * 1000, ", else ".join(used) or None,
                    (covered[0] * 1000, covered[1] * 1000))
    window = resolve(per_month, dating)
    if window.name == ALL:
        return window, WindowBounds(usable, None, None)
    return window, WindowBounds(usable, window.start.value // 1000, window.end.value // 1000)


def sql_preview(model: LeadModel, dialect: str, run: Runner, options: SqlOptions, columns: OutcomeColumns,
                lead_id: str, per_month: PerMonth | None = None) -> Preview:
    """The matrix and to-sales summary from the counts the engine (``run``: SQL -> rows) returns."""
    window, bounds = sql_window(dialect, run, options, columns, per_month or PerMonth())
    rows = run(aggregation_query(model, dialect, options, columns, lead_id, bounds).sql(dialect=dialect))
    names = ["rating", *_present_counts(columns), *(["in_window"] if bounds is not None else [])]
    counts = pd.DataFrame([tuple(r) for r in rows], columns=names).set_index("rating")
    counts = counts.reindex(list(RATINGS)).fillna(0)
    return Preview(scored=None, matrix=_matrix(model, counts, columns), sales=_sales(model, counts, columns, window))


def _present_counts(columns: OutcomeColumns) -> list[str]:
    names = ["leads"]
    if columns.accepted is not None:
        names += ["decided", "accepted", "accepted_unrecognised"]
    if columns.converted is not None:
        names += ["conversion_known", "converted", "converted_unrecognised"]
    if columns.won_amount is not None:
        names.append("won_amount")
    return names


def _rate(hits: float, trials: float) -> tuple[float, float, float]:
    return (hits / trials if trials > 0 else math.nan, *wilson_interval(hits, trials))


def _figures(known: str, hits: str, rate: str, row: pd.Series, present: bool) -> dict[str, float]:
    if not present:
        return {known: 0, hits: 0, f"{rate}_rate": math.nan, f"{rate}_low": math.nan, f"{rate}_high": math.nan}
    value, low, high = _rate(float(row[hits]), int(row[known]))
    return {known: int(row[known]), hits: int(row[hits]), f"{rate}_rate": value, f"{rate}_low": low,
            f"{rate}_high": high}


def _matrix(model: LeadModel, counts: pd.DataFrame, columns: OutcomeColumns) -> pd.DataFrame:
    total = int(counts["leads"].sum())
    rows = []
    for rating, row in counts.iterrows():
        cell: dict[str, object] = {"rating": rating, "leads": int(row["leads"])}
        cell["share"] = cell["leads"] / total if total else math.nan
        cell.update(_figures("decided", "accepted", "acceptance", row, columns.accepted is not None))
        cell.update(_figures("conversion_known", "converted", "conversion", row, columns.converted is not None))
        cell["won_amount"] = float(row["won_amount"]) if columns.won_amount is not None else math.nan
        cell["too_few_decisions"] = columns.accepted is None or too_few(cell["decided"], cell["accepted"])
        cell["too_few_conversions"] = columns.converted is None or too_few(cell["conversion_known"], cell["converted"])
        route = model.routing.route_for(str(rating))
        cell["action"] = route.action
        cell["sla_hours"] = route.sla_hours if route.sla_hours is not None else math.nan
        rows.append(cell)
    return pd.DataFrame(rows).set_index("rating")


def _sales(model: LeadModel, counts: pd.DataFrame, columns: OutcomeColumns, window: Window) -> SalesSummary:
    to_sales = pd.Series([model.routing.route_for(r).action == SALES_ACTION for r in counts.index],
                         index=counts.index)
    sales, rest = counts[to_sales], counts[~to_sales]
    total = int(counts["leads"].sum())
    count = int(sales["leads"].sum())

    def total_of(frame: pd.DataFrame, name: str) -> float:
        return float(frame[name].sum()) if name in frame.columns else 0.0

    acceptance = _rate(total_of(sales, "accepted"), total_of(sales, "decided"))
    months, in_window = window.months, int(total_of(sales, "in_window"))
    caught, won_total = int(total_of(sales, "converted")), int(total_of(counts, "converted"))
    return SalesSummary(
        leads=count,
        share=count / total if total else math.nan,
        leads_per_month=in_window / months if months else None,
        months=months,
        decided=int(total_of(sales, "decided")),
        acceptance_rate=acceptance[0],
        acceptance_low=acceptance[1],
        acceptance_high=acceptance[2],
        rest_acceptance_rate=_rate(total_of(rest, "accepted"), total_of(rest, "decided"))[0],
        conversion_rate=_rate(total_of(sales, "converted"), total_of(sales, "conversion_known"))[0],
        rest_conversion_rate=_rate(total_of(rest, "converted"), total_of(rest, "conversion_known"))[0],
        conversions_caught=caught,
        conversions_total=won_total,
        conversions_caught_share=caught / won_total if won_total else math.nan,
        unrecognised_outcomes=int(total_of(counts, "accepted_unrecognised") + total_of(counts, "converted_unrecognised")),
        window=window,
    )
