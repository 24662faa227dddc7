"""``leadgrid compare`` (two models on the same leads) and ``leadgrid drift`` (one model on
two periods): thin commands over ``scoring.measures.compare`` and ``scoring.measures.drift``, each printing
a readable table or one strict JSON object."""

from __future__ import annotations

import argparse

from scoring.cli.common import UsageError, outcomes_of, parse_mapping, print_json
from scoring.cli.handover import add_hand_over_arguments, state_hand_over
from scoring.cli.per_month import add_per_month_argument
from scoring.data import read as data
from scoring.data.missing import is_missing
from scoring.engine.scorer import Scorer
from scoring.formatting import NO_VALUE, format_rate
from scoring.measures.compare import (
    Comparison,
    check_same_mapping,
    compare_models,
    format_change,
    format_figure,
)
from scoring.measures.drift import (
    MAX_MONTHS,
    MIN_PERIOD_LEADS,
    Drift,
    drift,
    period_scorers,
    split_leads,
    window_leads,
)
from scoring.model.files import load_model
from scoring.model.schema import RATINGS

OUTCOME_HELP = {
    "accepted": "column: accepted by sales (yes/no); default accepted, if present",
    "converted": "column: converted (yes/no); default converted, if present",
    "won_amount": "column: won amount; default won_amount, if present",
    "created_at": "column: lead creation date (periods, leads per month); default created_at",
}


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--activities", help="activities file (CSV or Parquet)")
    add_hand_over_arguments(parser)
    parser.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                        help="file column for a model field; activities.FIELD=COLUMN for activities; repeatable")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    for name, text in OUTCOME_HELP.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, help=text)


def add_compare_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``compare`` and ``drift`` on the leadgrid parser."""
    compare = commands.add_parser("compare", help="two models on the same leads: which ratings move where")
    compare.add_argument("model_a", metavar="A.yaml", help="the model to compare from (e.g. the one in production)")
    compare.add_argument("model_b", metavar="B.yaml", help="the model to compare to (e.g. the new draft)")
    compare.add_argument("--leads", required=True, help="leads file (CSV or Parquet)")
    _common_arguments(compare)
    add_per_month_argument(compare)
    compare.set_defaults(run=cmd_compare)
    period = commands.add_parser("drift", help="one model on two periods: stability and rates per cell")
    period.add_argument("--model", required=True, help="model YAML file")
    period.add_argument("--leads", help="one leads file, split at --split-date by created_at")
    period.add_argument("--split-date", dest="split_date", metavar="DATE",
                        help="leads created before DATE form the first period, the rest the second")
    period.add_argument("--months", type=int, metavar="N",
                        help="with --split-date: only N months either side (3: this quarter vs last)")
    period.add_argument("--before", metavar="FIRST..LAST",
                        help="with --leads and --after: the earlier period as two days, both included "
                             "(2024-10-01..2024-11-30), instead of --split-date")
    period.add_argument("--after", metavar="FIRST..LAST", help="with --leads and --before: the later period")
    period.add_argument("--min-leads", dest="min_leads", type=int, default=MIN_PERIOD_LEADS, metavar="N",
                        help=f"the fewest leads a period may hold (default {MIN_PERIOD_LEADS}): fewer are refused")
    period.add_argument("--leads-before", dest="leads_before", metavar="FILE", help="the earlier period's leads")
    period.add_argument("--leads-after", dest="leads_after", metavar="FILE", help="the later period's leads")
    _common_arguments(period)
    period.set_defaults(run=cmd_drift)


def cmd_compare(args: argparse.Namespace) -> int:
    model_a, model_b = load_model(args.model_a), load_model(args.model_b)
    overrides = parse_mapping(args.map)
    check_same_mapping(model_a, model_b, overrides)  # before reading the data: a mistake costs nothing
    leads = data.load_leads(args.leads)
    activities = data.read_table(args.activities) if args.activities else None
    scorer = Scorer.for_model(model_a, leads, activities, args.as_of, mapping=overrides, hand_over=args.hand_over)
    state_hand_over(scorer)
    outcomes = outcomes_of(args, scorer.mapping["leads"], scorer.leads)
    comparison = compare_models(model_a, model_b, scorer, outcomes, overrides)
    if args.format == "json":
        print_json(comparison.as_dict())
    else:
        print(comparison_text(comparison))
    return 0


def cmd_drift(args: argparse.Namespace) -> int:
    one_file, two_files = bool(args.leads), bool(args.leads_before or args.leads_after)
    if one_file == two_files:
        raise UsageError("give --leads FILE with --split-date DATE, or --leads-before FILE and --leads-after FILE")
    windows = _windows(args)
    if one_file and not (args.split_date or windows):
        raise UsageError("--leads needs --split-date DATE (the first day of the later period), or --before "
                         "FIRST..LAST and --after FIRST..LAST")
    if windows and (args.split_date or args.months is not None):
        raise UsageError("--before and --after are the two periods already; leave out --split-date and --months")
    if two_files and not (args.leads_before and args.leads_after):
        raise UsageError("give both --leads-before FILE and --leads-after FILE")
    if two_files and (args.split_date or args.months is not None or windows):
        raise UsageError("--split-date, --months, --before and --after go with --leads; two files are two "
                         "periods already")
    if args.min_leads < 1:
        raise UsageError(f"--min-leads takes a whole number of at least 1; got {args.min_leads}")
    if args.months is not None and not 1 <= args.months <= MAX_MONTHS:
        raise UsageError(f"--months takes a whole number from 1 to {MAX_MONTHS:,}; got {args.months:,}")
    model = load_model(args.model)
    overrides = parse_mapping(args.map)
    activities = data.read_table(args.activities) if args.activities else None
    if one_file:
        leads = data.load_leads(args.leads)
        column = args.created_at or model.column_mapping(overrides)["leads"].get("created_at", "created_at")
        periods = (window_leads(leads, *windows, column) if windows
                   else split_leads(leads, args.split_date, column, args.months))
        before, after, labels = periods.before, periods.after, periods.labels()
    else:
        before, after = data.load_leads(args.leads_before), data.load_leads(args.leads_after)
        labels = (str(args.leads_before), str(args.leads_after))
    scorer_before, scorer_after = period_scorers(model, before, after, activities, args.as_of, overrides,
                                                  hand_over=args.hand_over)
    outcomes = outcomes_of(args, scorer_before.mapping["leads"], scorer_before.leads)
    result = drift(model, scorer_before, scorer_after, outcomes, labels, args.min_leads)
    if args.format == "json":
        print_json(result.as_dict())
    else:
        print(drift_text(result))
    return 0


def _windows(args: argparse.Namespace) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """--before and --after as (first, last) day pairs, or None when neither is given."""
    if args.before is None and args.after is None:
        return None
    if args.before is None or args.after is None:
        raise UsageError("give both --before FIRST..LAST and --after FIRST..LAST")
    pairs = []
    for option, text in (("--before", args.before), ("--after", args.after)):
        first, dots, last = text.partition("..")
        if not dots or not first.strip() or not last.strip():
            raise UsageError(f"{option} takes two days as FIRST..LAST (2024-10-01..2024-11-30); got {text!r}")
        pairs.append((first.strip(), last.strip()))
    return pairs[0], pairs[1]


# ----- text renderings ------------------------------------------------------------------------

def movement_lines(comparison: Comparison) -> list[str]:
    """The 16 x 16 movement matrix: rows the rating under A, columns under B; the diagonal
    (no change) in brackets, empty cells as a dot."""
    movement = comparison.movement
    width = max(6, len(f"{int(movement.to_numpy().max()):,}") + 3)
    lines = ["A \\ B " + "".join(f"{rating:>{width}}" for rating in RATINGS)]
    for row in RATINGS:
        cells = []
        for column in RATINGS:
            count = int(movement.loc[row, column])
            text = "·" if count == 0 else f"{count:,}"
            cells.append(f"{f'[{text}]' if row == column else text:>{width}}")
        lines.append(f"{row:<6}" + "".join(cells))
    return lines


def comparison_text(comparison: Comparison) -> str:
    """The movement matrix, where leads went, the to-sales figures of A and B, and the changes."""
    moves = comparison.moves
    lines = [f"A: {comparison.model_a.name}   B: {comparison.model_b.name}", "",
             "Leads by rating under A (rows) and under B (columns); [ ] = same rating", "",
             *movement_lines(comparison), "",
             f"{moves['changed_rating']:,} of {moves['leads']:,} leads change rating; "
             f"{moves['into_sales']:,} move into the to-sales cells, {moves['out_of_sales']:,} out of them"]
    largest = comparison.largest_moves()
    if largest:
        lines.append("Largest moves: " + ", ".join(f"{a} → {b} {n:,}" for a, b, n in largest))
    lines += ["", f"{'':36}{'A':>12}{'B':>12}{'change':>14}"]
    for name, row in comparison.summary.iterrows():
        lines.append(f"{row['label']:<36}{format_figure(name, row['a']):>12}{format_figure(name, row['b']):>12}"
                     f"{format_change(name, row['change']):>14}")
    lines += ["", "What changed from A to B:"]
    lines += [f"  {change}" for change in comparison.changes] or ["  nothing: the two models are the same"]
    return "\n".join(lines)


def drift_text(result: Drift) -> str:
    """PSI per axis in words, then per rating: share of leads and acceptance in each period."""
    lines = [f"{result.model.name} on two periods: before = {result.labels[0]}, after = {result.labels[1]}",
             f"Leads: {int(result.distribution['leads_before'].sum()):,} before, "
             f"{int(result.distribution['leads_after'].sum()):,} after", "", "Population stability (PSI)"]
    for axis, row in result.stability.iterrows():
        value = NO_VALUE if is_missing(row["psi"]) else f"{row['psi']:.3f}"
        lines.append(f"  {axis:<17}{value:>7}  {row['reading']}")
    lines += ["", f"{'':<6}{'share of leads':>21}   {'accepted by sales (95% CI)':<38}{'converted (95% CI)':<36}",
              f"{'cell':<6}{'before':>13}{'after':>8}   " + f"{'before':<19}{'after':<19}" * 2]
    distribution, rates = result.distribution, result.rates
    for rating in RATINGS:
        lines.append(f"{rating:<6}{format_rate(distribution.loc[rating, 'share_before'], 1):>13}"
                     f"{format_rate(distribution.loc[rating, 'share_after'], 1):>8}   "
                     + "".join(f"{_rate_text(rates.loc[rating], outcome, period):<19}"
                               for outcome in ("acceptance", "conversion") for period in ("before", "after")))
    sales = (result.before.sales, result.after.sales)
    per_month = [NO_VALUE if side.leads_per_month is None else f"{side.leads_per_month:,.1f}" for side in sales]
    per_month = [f"{figure} ({side.per_month_label})" for figure, side in zip(per_month, sales, strict=True)]
    lines += ["", f"To sales per month: {per_month[0]} before, {per_month[1]} after; accepted by sales: "
                  f"{format_rate(sales[0].acceptance_rate, 1)} before, {format_rate(sales[1].acceptance_rate, 1)} after"]
    return "\n".join(line.rstrip() for line in lines)


def _rate_text(row, outcome: str, period: str) -> str:
    rate = row[f"{outcome}_rate_{period}"]
    if is_missing(rate):
        return NO_VALUE
    return (f"{format_rate(rate, 1)} ({format_rate(row[f'{outcome}_low_{period}'], 0)}–"
            f"{format_rate(row[f'{outcome}_high_{period}'], 0)})")
