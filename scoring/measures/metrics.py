"""What a model would have done to the historical leads: per-cell and to-sales figures.

Outcome columns are read only here, never by scoring. Acceptance is measured
among leads with a recorded sales decision; conversion among leads with a
recorded conversion value. Rates come with 95 % Wilson score intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from scoring.data.read import LEAD_ID
from scoring.engine.ratings import scored_frame
from scoring.engine.scorer import Scorer
from scoring.engine.values import TRIM_CHARS
from scoring.measures.flags import FALSE_WORDS as FALSE_WORDS  # re-exported: metrics was their home
from scoring.measures.flags import TRUE_WORDS as TRUE_WORDS
from scoring.measures.flags import Flags as Flags
from scoring.measures.flags import Outcomes as Outcomes  # re-exported: metrics was its home
from scoring.measures.flags import read_flags as read_flags
from scoring.measures.headline import FEW_WORDS as FEW_WORDS  # re-exported: metrics was their home
from scoring.measures.headline import MIN_DECISIONS as MIN_DECISIONS
from scoring.measures.headline import MIN_POSITIVES as MIN_POSITIVES
from scoring.measures.headline import Headline as Headline
from scoring.measures.headline import few_rule as few_rule
from scoring.measures.headline import headline as headline
from scoring.measures.headline import too_few
from scoring.measures.pipeline import won_amounts
from scoring.measures.stats import Z_95 as Z_95  # re-exported: metrics was their home
from scoring.measures.stats import wilson_interval as wilson_interval
from scoring.measures.volume import (
    DAYS_PER_MONTH as DAYS_PER_MONTH,  # re-exported: where the figures used to find it
)
from scoring.measures.volume import (
    LAST_QUARTER,
    Dating,
    PerMonth,
    Window,
    handover_dates,
    resolve,
    scorer_hand_over,
)
from scoring.model.schema import RATINGS, SALES_ACTION, LeadModel


def _rate(successes: float, trials: float) -> tuple[float, float, float]:
    rate = successes / trials if trials > 0 else math.nan
    return (rate, *wilson_interval(successes, trials))


def _amounts(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    text = series.astype(object).where(series.notna(), None).map(
        lambda v: str(v).strip(TRIM_CHARS), na_action="ignore"
    )
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _column(leads: pd.DataFrame, name: str) -> pd.Series | None:
    return leads[name].reset_index(drop=True) if name in leads.columns else None


@dataclass(frozen=True)
class History:
    """The outcome columns of a leads table, read once: they do not depend on the model."""

    accepted: Flags | None
    converted: Flags | None
    amounts: np.ndarray | None  # per lead, its won amount if it is a deal (a won lead), else NaN
    dating: Dating  # each lead's hand-over date, and the days the data covers
    window: Window  # the months per-month figures are counted over
    in_window: np.ndarray = field(repr=False)  # per lead: dated inside ``window``

    @classmethod
    def read(cls, leads: pd.DataFrame, outcomes: Outcomes = Outcomes(),
             hand_over: tuple[np.ndarray, str] | None = None) -> History:
        """``hand_over``: each lead's hand-over moment as a Scorer found it, and its name;
        without it leads are dated by their scored_at column (else created_at)."""
        accepted = _column(leads, outcomes.accepted)
        converted = _column(leads, outcomes.converted)
        won = _column(leads, outcomes.won_amount)
        dating = handover_dates(leads, outcomes.created_at, hand_over)
        window = resolve(outcomes.per_month, dating)
        converted_flags = read_flags(converted) if converted is not None else None
        amounts = None
        if won is not None:  # the amounts of won leads only: a deal is a won lead (pipeline.deal_mask)
            amounts = won_amounts(leads, converted_flags, _amounts(won))
        return cls(read_flags(accepted) if accepted is not None else None, converted_flags,
                   amounts, dating, window, window.contains(dating.dates))

    @property
    def dates(self) -> np.ndarray:
        """Per lead, its hand-over (scored_at, else created_at): int64 UTC ns, NAT if none."""
        return self.dating.dates

    @property
    def months(self) -> float | None:
        """How many months the window holds (None without dates)."""
        return self.window.months

    def over(self, per_month: PerMonth) -> History:
        """The same outcomes with per-month figures over another window."""
        window = resolve(per_month, self.dating)
        return self if window == self.window else replace(self, window=window, in_window=window.contains(self.dates))

    def weights(self, flags: Flags) -> tuple[np.ndarray, np.ndarray]:
        """``flags`` as bincount weights, made once: 1.0 where known, and the value (0 where unknown)."""
        cache = self.__dict__.setdefault("_weights", {})
        if id(flags) not in cache:
            known = flags.known.astype(float)
            cache[id(flags)] = (known, np.where(flags.known, flags.values, 0.0))
        return cache[id(flags)]


def matrix_metrics(scored: pd.DataFrame, leads: pd.DataFrame, outcomes: Outcomes = Outcomes(),
                   history: History | None = None) -> pd.DataFrame:
    """One row per rating A1..D4: leads, share, decisions, acceptance and conversion with
    intervals, won amount, and whether the cell has too few decisions to trust.

    ``scored`` is the output of ``score``; ``leads`` the same leads in the same order;
    ``history`` their outcomes when already read.
    """
    history = history or History.read(leads, outcomes)
    return _matrix(CellTotals.count(rating_codes(scored["rating"]), history))


def rating_codes(ratings: pd.Series) -> np.ndarray:
    """Per lead: the index of its rating in RATINGS (A1 = 0 .. D4 = 15), -1 for anything else."""
    values = ratings.array
    if isinstance(values, ArrowStringArray):
        found = pc.index_in(pa.array(values), value_set=pa.array(RATINGS))
        return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.intp)
    return pd.Index(RATINGS).get_indexer(ratings.to_numpy(dtype=object)).astype(np.intp)


@dataclass(frozen=True)
class CellTotals:
    """Per rating A1..D4 (arrays of 16): leads and the outcome counts and sums of its leads."""

    leads: np.ndarray
    decided: np.ndarray | None  # None: no acceptance column
    accepted: np.ndarray | None
    conversion_known: np.ndarray | None  # None: no conversion column
    converted: np.ndarray | None
    won_amount: np.ndarray | None  # None: no amount column
    total: int  # every lead, a rating outside A1..D4 included
    in_window: np.ndarray | None = None  # leads dated inside the history's per-month window

    @classmethod
    def count(cls, codes: np.ndarray, history: History) -> CellTotals:
        """One pass per figure over integer rating codes (``np.bincount``); -1 counts in no cell."""
        cells = len(RATINGS)
        inside = codes >= 0
        codes = codes if inside.all() else codes[inside]

        def per_cell(weights: np.ndarray | None) -> np.ndarray:
            if weights is not None and not inside.all():
                weights = weights[inside]
            return np.bincount(codes, weights=weights, minlength=cells)[:cells]

        def counts(flags: Flags | None) -> tuple[np.ndarray | None, np.ndarray | None]:
            if flags is None:
                return None, None
            known, hits = history.weights(flags)
            return np.rint(per_cell(known)).astype(np.int64), np.rint(per_cell(hits)).astype(np.int64)

        decided, accepted = counts(history.accepted)
        conversion_known, converted = counts(history.converted)
        won = None if history.amounts is None else per_cell(np.where(np.isnan(history.amounts), 0.0,
                                                                     history.amounts))
        return cls(per_cell(None).astype(np.int64), decided, accepted, conversion_known, converted, won, len(inside),
                   np.rint(per_cell(history.in_window.astype(float))).astype(np.int64))


def _matrix(totals: CellTotals) -> pd.DataFrame:
    rows = []
    for code, cell in enumerate(RATINGS):
        row: dict[str, float | str | bool] = {"rating": cell, "leads": int(totals.leads[code])}
        row["share"] = row["leads"] / totals.total if totals.total else math.nan
        row.update(_flag_figures("decided", "accepted", "acceptance", totals.decided, totals.accepted, code))
        row.update(_flag_figures("conversion_known", "converted", "conversion", totals.conversion_known,
                                 totals.converted, code))
        row["won_amount"] = float(totals.won_amount[code]) if totals.won_amount is not None else math.nan
        row["too_few_decisions"] = totals.decided is None or too_few(row["decided"], row["accepted"])
        row["too_few_conversions"] = totals.conversion_known is None or too_few(row["conversion_known"],
                                                                                row["converted"])
        rows.append(row)
    return pd.DataFrame(rows).set_index("rating")


def _flag_figures(known_name: str, hits_name: str, rate_name: str, known: np.ndarray | None,
                  hits: np.ndarray | None, code: int) -> dict[str, float]:
    if known is None or hits is None:
        nan = math.nan
        return {known_name: 0, hits_name: 0, f"{rate_name}_rate": nan, f"{rate_name}_low": nan,
                f"{rate_name}_high": nan}
    rate, low, high = _rate(float(hits[code]), int(known[code]))
    return {known_name: int(known[code]), hits_name: int(hits[code]), f"{rate_name}_rate": rate,
            f"{rate_name}_low": low, f"{rate_name}_high": high}


@dataclass(frozen=True)
class SalesSummary:
    """The leads a model hands to sales, against history."""

    leads: int
    share: float
    leads_per_month: float | None  # to-sales leads dated inside ``window`` over its months
    months: float | None
    decided: int
    acceptance_rate: float
    acceptance_low: float
    acceptance_high: float
    rest_acceptance_rate: float
    conversion_rate: float
    rest_conversion_rate: float
    conversions_caught: int
    conversions_total: int
    conversions_caught_share: float
    unrecognised_outcomes: int
    window: Window | None = None  # the months ``leads_per_month`` is counted over

    def as_dict(self) -> dict[str, object]:
        """Every figure; the window as a dict (name, first and last day, label) after leads_per_month."""
        figures: dict[str, object] = {}
        for item in fields(self):
            if item.name != "window":
                figures[item.name] = getattr(self, item.name)
            if item.name == "leads_per_month":
                figures["per_month_window"] = None if self.window is None else self.window.as_dict()
        return figures

    @property
    def per_month_label(self) -> str:
        """The window of ``leads_per_month`` in words: "Jul–Sep 2025", or "no dates"."""
        return "no dates" if self.window is None or self.window.months is None else self.window.label


def sales_summary(scored: pd.DataFrame, leads: pd.DataFrame, outcomes: Outcomes = Outcomes(),
                  history: History | None = None) -> SalesSummary:
    """Leads per month, acceptance and share of past conversions caught by the to-sales set."""
    to_sales = (scored["action"] == SALES_ACTION).to_numpy()
    total = len(to_sales)
    count = int(to_sales.sum())
    history = history or History.read(leads, outcomes)
    months = history.months
    in_window = int((to_sales & history.in_window).sum())
    unknown = Flags(np.full(total, np.nan), 0)
    accepted_flags = history.accepted or unknown
    converted_flags = history.converted or unknown
    sales_decided = accepted_flags.known & to_sales
    rest_decided = accepted_flags.known & ~to_sales
    acceptance = _rate(float(np.nansum(accepted_flags.values[sales_decided])), int(sales_decided.sum()))
    rest = _rate(float(np.nansum(accepted_flags.values[rest_decided])), int(rest_decided.sum()))
    is_won = np.nan_to_num(converted_flags.values) == 1.0
    caught, won_total = int((is_won & to_sales).sum()), int(is_won.sum())
    sales_known = converted_flags.known & to_sales
    rest_known = converted_flags.known & ~to_sales
    return SalesSummary(
        leads=count,
        share=count / total if total else math.nan,
        leads_per_month=in_window / months if months else None,
        months=months,
        decided=int(sales_decided.sum()),
        acceptance_rate=acceptance[0],
        acceptance_low=acceptance[1],
        acceptance_high=acceptance[2],
        rest_acceptance_rate=rest[0],
        conversion_rate=_rate(float(is_won[sales_known].sum()), int(sales_known.sum()))[0],
        rest_conversion_rate=_rate(float(is_won[rest_known].sum()), int(rest_known.sum()))[0],
        conversions_caught=caught,
        conversions_total=won_total,
        conversions_caught_share=caught / won_total if won_total else math.nan,
        unrecognised_outcomes=accepted_flags.unrecognised + converted_flags.unrecognised,
        window=history.window,
    )


@dataclass(frozen=True)
class Preview:
    """Everything the matrix page shows for one model."""

    scored: pd.DataFrame
    matrix: pd.DataFrame
    sales: SalesSummary


def history_of(scorer: Scorer, outcomes: Outcomes = Outcomes()) -> History:
    """The outcome columns of the scorer's leads, read once per scorer and outcome names:
    what the preview, the evidence, calibrate and the funnel all measure against."""
    read = scorer.memo(("history", replace(outcomes, per_month=LAST_QUARTER)),
                       lambda: History.read(scorer.leads, replace(outcomes, per_month=LAST_QUARTER),
                                            scorer_hand_over(scorer)))
    return scorer.memo(("history", outcomes), lambda: read.over(outcomes.per_month))


def preview(model: LeadModel, scorer: Scorer, outcomes: Outcomes = Outcomes()) -> Preview:
    """Score the scorer's leads with ``model`` and measure the result against history.

    The figures come from the leads' integer rating codes: a ``bincount`` per figure gives
    the 16 cells, and the to-sales summary adds up the cells routed to sales."""
    rated = scorer.rate(model)
    scored = scored_frame(rated, model, scorer.index)
    history = history_of(scorer, outcomes)
    totals = CellTotals.count(rated.rating, history)
    matrix = _matrix(totals)
    routes = {rating: model.routing.route_for(rating) for rating in RATINGS}
    matrix["action"] = [routes[r].action for r in matrix.index]
    matrix["sla_hours"] = [routes[r].sla_hours if routes[r].sla_hours is not None else math.nan for r in matrix.index]
    to_sales = np.array([routes[r].action == SALES_ACTION for r in RATINGS])
    return Preview(scored, matrix, _sales_of_cells(totals, to_sales, history))


def _sales_of_cells(totals: CellTotals, to_sales: np.ndarray, history: History) -> SalesSummary:
    """``sales_summary`` for leads whose action follows from their rating: sums over cells."""
    rest = ~to_sales
    zeros = np.zeros(len(RATINGS), dtype=np.int64)
    decided, accepted = _or(totals.decided, zeros), _or(totals.accepted, zeros)
    known, converted = _or(totals.conversion_known, zeros), _or(totals.converted, zeros)
    count = int(totals.leads[to_sales].sum())
    acceptance = _rate(float(accepted[to_sales].sum()), int(decided[to_sales].sum()))
    caught, won_total = int(converted[to_sales].sum()), int(converted.sum())
    months = history.months
    in_window = int(_or(totals.in_window, zeros)[to_sales].sum())
    return SalesSummary(
        leads=count,
        share=count / totals.total if totals.total else math.nan,
        leads_per_month=in_window / months if months else None,
        months=months,
        decided=int(decided[to_sales].sum()),
        acceptance_rate=acceptance[0],
        acceptance_low=acceptance[1],
        acceptance_high=acceptance[2],
        rest_acceptance_rate=_rate(float(accepted[rest].sum()), int(decided[rest].sum()))[0],
        conversion_rate=_rate(float(caught), int(known[to_sales].sum()))[0],
        rest_conversion_rate=_rate(float(converted[rest].sum()), int(known[rest].sum()))[0],
        conversions_caught=caught,
        conversions_total=won_total,
        conversions_caught_share=caught / won_total if won_total else math.nan,
        unrecognised_outcomes=sum(f.unrecognised for f in (history.accepted, history.converted) if f is not None),
        window=history.window,
    )


def _or(values: np.ndarray | None, default: np.ndarray) -> np.ndarray:
    return default if values is None else values


def cell_leads(result: Preview, leads: pd.DataFrame, rating: str, fields: list[str],
               outcomes: Outcomes = Outcomes(), limit: int = 500) -> pd.DataFrame:
    """The leads of one cell, best profile first: scores, the fields the model reads, outcomes.

    ``result`` may hold fewer leads than ``leads`` (a segment's preview): each lead's fields
    come from its own row of ``leads``, joined by lead id, never by position."""
    scored = result.scored
    in_cell = scored.loc[(scored["rating"] == rating).to_numpy(), ["profile_score", "engagement_score"]]
    best = in_cell.sort_values(["profile_score", "engagement_score"], ascending=False, kind="stable").head(limit)
    columns = [c for c in dict.fromkeys([*fields, outcomes.accepted, outcomes.converted])
               if c in leads.columns and c not in (LEAD_ID, *best.columns)]
    by_id = leads[[LEAD_ID, *columns]].set_index(LEAD_ID) if LEAD_ID in leads.columns else leads[columns]
    rows = by_id.reindex(best.index)  # lead ids are unique (the Scorer refuses repeats)
    table = best.join(rows)
    table.index.name = LEAD_ID
    return table.reset_index()
