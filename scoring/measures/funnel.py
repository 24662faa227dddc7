"""Per cell, what happened after the hand-over: the funnel, rejection reasons, revenue,
cycle times and SLA compliance; and the same for the to-sales and the nurture sets.

Every figure is computed from ``pipeline.Pipeline`` (read once per data set) and the
leads' rating codes, for any subset of the leads (a segment: ``within``). Rates are
shares with 95 % Wilson intervals, as in ``metrics``.

- **Funnel**: leads that reached each recorded stage; ``rate`` is the share of the leads
  handed over, ``step_rate`` the share of the stage before.
- **Rejection reasons**: among the cell's rejected leads (``Pipeline.rejected_basis``),
  the most common reasons (compared ignoring case and spacing) with counts; the rest
  as "other reasons", rejections without one as "(no reason given)". The route's
  ``recycle`` track is where they would go.
- **Revenue**: won amount, deals, average deal, won amount per lead handed over. A deal
  is a won lead (converted, or an amount above 0 where no outcome column says whether the
  lead was won): a lost lead exported with an amount of 0 is no deal.
- **Cycle times**: median days from hand-over to acceptance, opportunity and win, over
  the leads that reached the stage and have its date (not dated before the hand-over).
- **SLA**: where ``first_touch_at`` exists and the cell's route has ``sla_hours``: of the
  leads (less those whose touch is dated before the hand-over), the share touched within
  the SLA (never touched counts as missed); acceptance among decided leads touched within
  the SLA against those touched late.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.measures.pipeline import NO_REASON, STAGE_LABELS, STAGES, Pipeline
from scoring.measures.stats import wilson_interval
from scoring.model.schema import RATINGS, SALES_ACTION, LeadModel

TOP_REASONS = 5
OTHER_REASONS = "(other reasons)"
CYCLE_STAGES = {"accepted": "acceptance", "opportunity": "opportunity", "won": "won"}


def rate(successes: float, trials: float) -> dict[str, float]:
    """A share with its 95 % Wilson interval; NaN when there are no trials."""
    low, high = wilson_interval(successes, trials)
    return {"rate": successes / trials if trials > 0 else math.nan, "low": low, "high": high}


def funnel(pipe: Pipeline, within: np.ndarray) -> list[dict[str, object]]:
    """The recorded stages in order, each with its count, its share of the leads handed
    over and its share of the stage before (with intervals)."""
    base = int(within.sum())
    rows, previous = [], base
    for stage in STAGES:
        if stage not in pipe.reached:
            continue
        count = int((pipe.reached[stage] & within).sum())
        overall, step = rate(count, base), rate(count, previous)
        rows.append({"stage": stage, "label": STAGE_LABELS[stage], "leads": count,
                     "rate": overall["rate"], "low": overall["low"], "high": overall["high"],
                     "step_rate": step["rate"], "step_low": step["low"], "step_high": step["high"],
                     "recorded_by": pipe.basis[stage]})
        previous = count
    return rows


def rejection_reasons(pipe: Pipeline, within: np.ndarray, top: int = TOP_REASONS) -> dict[str, object] | None:
    """How many leads were turned down and the ``top`` reasons with counts; None when the
    data records no rejections at all."""
    if pipe.rejected is None:
        return None
    rejected = pipe.rejected & within
    count = int(rejected.sum())
    result: dict[str, object] = {"rejected": count, "basis": pipe.rejected_basis, "reasons": []}
    if pipe.reason_key is None or not count:
        return result
    keys = pd.Series(pipe.reason_key[rejected]).value_counts()
    without = int(keys.pop("")) if "" in keys.index else 0
    shown, rest = keys.head(top), int(keys.iloc[top:].sum())
    reasons = [{"reason": pipe.reason_labels.get(key, key), "leads": int(n), "share": n / count}
               for key, n in shown.items()]
    if rest:
        reasons.append({"reason": OTHER_REASONS, "leads": rest, "share": rest / count})
    if without:
        reasons.append({"reason": NO_REASON, "leads": without, "share": without / count})
    result["reasons"] = reasons
    return result


def revenue(pipe: Pipeline, within: np.ndarray) -> dict[str, float] | None:
    """Won amount, deals, average deal and won amount per lead handed over.

    A deal is a won lead (``Pipeline.deals``): converted, or an amount above 0 where no
    outcome column says whether the lead was won; exports that write 0 for lost leads make
    no deals of them. The won amount is the amounts of the deals; the average deal is over
    the deals with an amount."""
    if pipe.amounts is None:
        return None
    deal = pipe.deals() & within
    amounts = pipe.amounts[deal]
    known = amounts[np.isfinite(amounts)]
    leads, deals, total = int(within.sum()), int(deal.sum()), float(known.sum())
    return {"won_amount": total, "deals": deals, "deals_with_amount": len(known),
            "average_deal": total / len(known) if len(known) else math.nan,
            "won_per_lead": total / leads if leads else math.nan}


def cycle_times(pipe: Pipeline, within: np.ndarray) -> dict[str, dict[str, float]]:
    """Per stage with a date: median days from the hand-over, and over how many leads."""
    out = {}
    for stage in CYCLE_STAGES:
        if stage in pipe.days:
            days = pipe.days[stage][within]
            days = days[~np.isnan(days)]
            out[stage] = {"median_days": float(np.median(days)) if len(days) else math.nan, "leads": len(days)}
    return out


def sla_compliance(pipe: Pipeline, within: np.ndarray, sla_hours: np.ndarray) -> dict[str, object] | None:
    """First-touch speed against each lead's SLA (``sla_hours`` per lead, NaN: none).
    None when the data has no first touches."""
    if pipe.touch_hours is None:
        return None
    hours = pipe.touch_hours[within]
    early = pipe.touch_before_handover[within]
    sla = sla_hours[within]
    with_sla = ~np.isnan(sla) & ~early
    touched = ~np.isnan(hours)
    in_time = with_sla & touched & (hours <= sla)
    late = with_sla & touched & (hours > sla)
    never = with_sla & ~touched
    result: dict[str, object] = {
        "leads": len(hours), "touched": int(touched.sum()), "touch_before_handover": int(early.sum()),
        "median_hours_to_touch": float(np.median(hours[touched])) if touched.any() else math.nan,
        "with_sla": int(with_sla.sum()), "within_sla": int(in_time.sum()), "late": int(late.sum()),
        "never_touched": int(never.sum()),
    }
    result["compliance"] = rate(int(in_time.sum()), int(with_sla.sum()))
    if pipe.accepted is not None:
        values = pipe.accepted.values[within]
        known = ~np.isnan(values)
        for name, group in (("acceptance_within_sla", in_time), ("acceptance_late", late)):
            decided = group & known
            result[name] = {"decided": int(decided.sum()), **rate(float(values[decided].sum()), int(decided.sum()))}
    return result


def figures(pipe: Pipeline, within: np.ndarray, sla_hours: np.ndarray) -> dict[str, object]:
    """Every after-hand-over figure for the leads ``within``."""
    return {"leads": int(within.sum()), "funnel": funnel(pipe, within),
            "rejections": rejection_reasons(pipe, within), "revenue": revenue(pipe, within),
            "cycle_times": cycle_times(pipe, within), "sla": sla_compliance(pipe, within, sla_hours)}


@dataclass(frozen=True)
class AfterHandover:
    """The figures per cell A1..D4, for the to-sales set and for the rest (nurture)."""

    cells: dict[str, dict[str, object]]
    to_sales: dict[str, object]
    nurture: dict[str, object]
    issues: list[str]  # data issues in the pipeline columns, one sentence each

    def as_dict(self) -> dict[str, object]:
        return {"cells": self.cells, "to_sales": self.to_sales, "nurture": self.nurture, "data_issues": self.issues}


def after_handover(model: LeadModel, codes: np.ndarray, pipe: Pipeline,
                   within: np.ndarray | None = None) -> AfterHandover:
    """The figures for each cell and for the to-sales and nurture sets.

    ``codes`` are the leads' rating codes (``metrics.rating_codes``; -1 in no cell);
    ``within`` limits every figure to some leads (a segment), all by default."""
    within = np.ones(len(codes), dtype=bool) if within is None else np.asarray(within, dtype=bool)
    routes = [model.routing.route_for(rating) for rating in RATINGS]
    cell_sla = np.array([route.sla_hours if route.sla_hours is not None else np.nan for route in routes] + [np.nan])
    sla_hours = cell_sla[codes]  # code -1 takes the last entry: no SLA
    is_sales = np.array([route.action == SALES_ACTION for route in routes] + [False])[codes]
    cells = {}
    for code, rating in enumerate(RATINGS):
        route = routes[code]
        cell = figures(pipe, within & (codes == code), sla_hours)
        cell["action"] = route.action
        cell["sla_hours"] = route.sla_hours
        cell["recycle"] = _recycle(route, cell["rejections"])
        cells[rating] = cell
    return AfterHandover(cells, figures(pipe, within & is_sales, sla_hours),
                         figures(pipe, within & ~is_sales, sla_hours), pipe.issues.lines())


def _recycle(route: object, rejections: dict[str, object] | None) -> dict[str, object] | None:
    """Where the cell's rejected leads go (the route's ``recycle`` track) and how many."""
    track = getattr(route, "recycle", None)
    if track is None:
        return None
    return {"track": track, "leads": rejections["rejected"] if rejections else None}


def funnel_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A funnel (``funnel``) as a table: stage, leads, share of handed over, of the stage before."""
    return pd.DataFrame(rows, columns=["label", "leads", "rate", "low", "high", "step_rate", "step_low",
                                       "step_high", "recorded_by"])


def compare_frame(result: AfterHandover) -> pd.DataFrame:
    """The funnel of the to-sales set beside the nurture set: leads and share per stage."""
    sales, rest = funnel_frame(result.to_sales["funnel"]), funnel_frame(result.nurture["funnel"])
    return pd.DataFrame({"stage": sales["label"], "to_sales_leads": sales["leads"], "to_sales_rate": sales["rate"],
                         "nurture_leads": rest["leads"], "nurture_rate": rest["rate"]})


def segment_funnel(pipe: Pipeline, within: np.ndarray, labels: np.ndarray, values: list[str]) -> pd.DataFrame:
    """For the leads ``within`` (a cell), per segment value (``labels`` per lead, e.g. from
    ``segments.segment_labels``): leads, then count and share of the leads reaching each
    recorded stage after the hand-over, and the won amount."""
    rows = []
    for value in values:
        mask = within & (labels == value)
        if not mask.any():
            continue
        row: dict[str, object] = {"segment": value, "leads": int(mask.sum())}
        for stage in funnel(pipe, mask)[1:]:
            row[f"{stage['stage']}"] = stage["leads"]
            row[f"{stage['stage']}_rate"] = stage["rate"]
            row[f"{stage['stage']}_low"], row[f"{stage['stage']}_high"] = stage["low"], stage["high"]
        money = revenue(pipe, mask)
        if money is not None:
            row["won_amount"] = money["won_amount"]
        rows.append(row)
    return pd.DataFrame(rows)


def with_recycle(model: LeadModel, rating: str, track: str | None) -> LeadModel:
    """The model with the rejected leads of ``rating`` sent to the nurture track ``track``
    (none when blank); ``ModelError`` for ``sales`` or a rating outside A1..D4."""
    from scoring.model.edit import with_routing
    from scoring.model.tables import routing_rows

    rows = routing_rows(model)
    if rating not in RATINGS:
        rows.append({"rating": rating, "action": model.routing.default.action})
    for row in rows:
        row["recycle"] = model.routing.route_for(row["rating"]).recycle
        if row["rating"] == rating:
            row["recycle"] = track
    return with_routing(model, rows)


def reasons_frame(rejections: dict[str, object] | None) -> pd.DataFrame:
    """The reasons of ``rejection_reasons`` as a table: reason, leads, share of the rejected."""
    rows = [] if rejections is None else rejections["reasons"]
    return pd.DataFrame(rows, columns=["reason", "leads", "share"])
