"""``leadgrid matrix`` beyond acceptance: the after-hand-over figures in ``--format json``
and the segment options ``--segment COLUMN`` (the breakdown per value) and
``--segment-value VALUE`` (every figure for one value)."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.cli.common import UsageError
from scoring.engine.scorer import Scorer
from scoring.formatting import format_rate
from scoring.measures.funnel import after_handover
from scoring.measures.metrics import Outcomes, Preview, history_of, rating_codes
from scoring.measures.pipeline import Pipeline
from scoring.measures.segments import TOP_VALUES, segment_breakdown, segment_labels, segment_preview
from scoring.model.schema import LeadModel


def add_segment_arguments(parser: argparse.ArgumentParser) -> None:
    """``--segment``, ``--segment-value`` and ``--top-segments`` on the matrix command."""
    parser.add_argument("--segment", metavar="COLUMN",
                        help="print the breakdown by this leads column: per value, leads, to sales per month, "
                             "acceptance and conversion of the to-sales leads; values where the model does "
                             "clearly worse are flagged")
    parser.add_argument("--segment-value", dest="segment_value", metavar="VALUE",
                        help="every figure for the leads with this value of --segment only")
    parser.add_argument("--top-segments", dest="top_segments", type=_positive, default=TOP_VALUES, metavar="N",
                        help=f"show the N most common values, the rest as (other) (default {TOP_VALUES})")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def check_segment_usage(args: argparse.Namespace) -> None:
    """--segment-value needs --segment; the segment options need the pandas engine."""
    if args.segment_value is not None and not args.segment:
        raise UsageError("--segment-value goes with --segment COLUMN")
    if args.segment and args.engine != "pandas":
        raise UsageError(f"--segment needs --engine pandas (the segment figures are not in the SQL of "
                         f"--engine {args.engine})")


@dataclass
class FunnelRun:
    """What the matrix command prints beyond the matrix."""

    result: Preview  # the preview, of the segment value's leads when --segment-value is given
    json: dict[str, object] = field(default_factory=dict)
    breakdown: pd.DataFrame | None = None
    note: str | None = None


def funnel_run(model: LeadModel, scorer: Scorer, result: Preview, outcomes: Outcomes,
               args: argparse.Namespace) -> FunnelRun:
    """The after-hand-over figures and, with --segment, the breakdown and the filtered preview."""
    history = history_of(scorer, outcomes)
    pipe = Pipeline.of(scorer, outcomes)
    codes = rating_codes(result.scored["rating"])
    run = FunnelRun(result)
    within = None
    if args.segment:
        segments = segment_labels(scorer.leads, args.segment, args.top_segments)
        run.breakdown = segment_breakdown(result, history, segments)
        run.note = segments.note()
        run.json["segments"] = {"column": args.segment, "values": segments.distinct, "note": run.note,
                                "rows": run.breakdown.to_dict(orient="records")}
        if args.segment_value is not None:
            within = segments.mask(args.segment_value)
            run.result = segment_preview(model, result, history, within)
            run.json["segment"] = {"column": args.segment, "value": args.segment_value, "leads": int(within.sum())}
    run.json["after_handover"] = after_handover(model, codes, pipe, within).as_dict()
    return run


def _rate(rate: float, low: float, high: float) -> str:
    if math.isnan(rate):
        return "–"
    return f"{rate:.0%} ({low:.0%}–{high:.0%})"


def _lift(row: dict) -> str:
    if math.isnan(row["lift"]):
        return "–"
    ends = [f"{value:.1f}" if math.isfinite(value) else "∞" for value in (row["lift"], row["lift_low"], row["lift_high"])]
    return f"{ends[0]}x ({ends[1]}–{ends[2]})"


def breakdown_text(frame: pd.DataFrame, column: str, note: str | None) -> str:
    """The breakdown as a terminal table: one line per segment value."""
    width = max([len(column), *(len(str(v)) for v in frame["segment"])]) + 2
    outcome = str(frame["outcome"].iloc[0]) if len(frame) else "acceptance"
    header = (f"{column:<{width}}{'leads':>8}{'to sales/mo':>13}  {'acceptance (95% CI)':<22}"
              f"{'conversion (95% CI)':<22}{'base rate':>9}  lift over the rest (95% CI)")
    window = frame.attrs.get("per_month_window")
    months = f" (to sales/mo: over {window})" if window else ""
    lines = [f"Breakdown by {column}: the to-sales leads of each value{months}", "", header]
    for row in frame.to_dict(orient="records"):
        per_month = "–" if math.isnan(row["to_sales_per_month"]) else f"{row['to_sales_per_month']:,.1f}"
        acceptance = _rate(row["acceptance_rate"], row["acceptance_low"], row["acceptance_high"])
        conversion = _rate(row["conversion_rate"], row["conversion_low"], row["conversion_high"])
        flag = "  clearly worse" if row["worse"] else ""
        lines.append(f"{row['segment']!s:<{width}}{row['leads']:>8,}{per_month:>13}  {acceptance:<22}"
                     f"{conversion:<22}{format_rate(row['base_rate']):>9}  {_lift(row)}{flag}".rstrip())
    worse = int(np.sum(frame["worse"]))
    lines += ["", f"base rate and lift: {outcome} of all the value's leads; lift: the to-sales leads' rate over its "
                  "other leads' rate",
              f"clearly worse: the lift's interval lies wholly below the lift on all leads ({worse:,} "
              f"value{'s' if worse != 1 else ''})"]
    if note:
        lines.append(note)
    return "\n".join(lines)
