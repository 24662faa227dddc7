"""``leadgrid calibrate``: thresholds and to-sales cells from a sales capacity or a minimum
acceptance rate, or (``--weights``) the category weights the outcomes suggest, with the
current model beside the proposal, the model's AUCs and the reasons to distrust the history.
Without --leads it reads the sample data. One proposal a run: thresholds depend on the
weights, so weights first (``--weights --out w.yaml``), then thresholds on ``w.yaml``."""

from __future__ import annotations

import argparse
import math
import sys

from scoring.calibrate.honesty import honesty_warnings
from scoring.calibrate.quality import OUTCOME_LABELS, SCORES, Quality, model_quality
from scoring.calibrate.thresholds import Proposal, Target, propose_thresholds
from scoring.calibrate.weights import WeightSuggestion, suggest_weights
from scoring.cli.common import UsageError, parse_mapping, print_json, warn_unreadable_numbers
from scoring.cli.handover import add_hand_over_arguments, state_hand_over
from scoring.cli.leaks import report_leaks
from scoring.cli.per_month import add_per_month_argument
from scoring.data import read as data
from scoring.data.datasets import SAMPLE
from scoring.data.fileio import refuse_overwriting_inputs, write_atomic
from scoring.engine.scorer import Scorer
from scoring.formatting import NO_VALUE, format_number, format_rate
from scoring.measures.metrics import Outcomes, SalesSummary
from scoring.model.files import dump_model, load_model_text
from scoring.model.schema import LETTERS, NUMBERS, LeadModel

FITTED = {"acceptance": "sales acceptance", "conversion": "conversion"}  # what the weights were fitted to


def _rate(text: str) -> float:
    """A rate as 0.7, 70% or 70 % (argparse type): a fraction of 1."""
    stripped = text.strip()
    percent = stripped.endswith("%")
    try:
        value = float(stripped.rstrip("%").strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"needs a rate such as 0.7 or 70%; got {text!r}") from None
    return value / 100 if percent else value


def add_calibrate_command(commands: argparse._SubParsersAction) -> None:
    """The ``calibrate`` subcommand."""
    parser = commands.add_parser("calibrate", help="propose thresholds from a sales capacity or an acceptance "
                                 "target, or (--weights) the category weights the outcomes suggest")
    parser.add_argument("--model", required=True, help="model YAML file")
    parser.add_argument("--leads", help="leads file (CSV or Parquet); default: the sample data")
    parser.add_argument("--activities", help="activities file (CSV or Parquet), with --leads")
    add_hand_over_arguments(parser)
    parser.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                        help="file column for a model field; activities.FIELD=COLUMN for activities; repeatable")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--capacity", type=float, metavar="N", help="leads a month sales can take")
    target.add_argument("--min-acceptance", dest="min_acceptance", type=_rate, metavar="R",
                        help="lowest share of the to-sales leads sales must accept (0.7 or 70%%)")
    target.add_argument("--weights", action="store_true",
                        help="instead of thresholds: category weights from a logistic regression of the outcome "
                             "on the category values, beside the current ones with the preview of both")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--out", help="write the proposed model here (YAML, onto the model file's text)")
    add_per_month_argument(parser)  # the capacity is leads a month over this window
    parser.set_defaults(run=cmd_calibrate)


def _scorer(model: LeadModel, args: argparse.Namespace) -> Scorer:
    if args.leads:
        leads = data.load_leads(args.leads)
        activities = data.read_table(args.activities) if args.activities else None
    elif args.activities:
        raise UsageError("--activities goes with --leads; without --leads the sample data brings its own")
    else:
        leads, activities = SAMPLE.load()
    scorer = Scorer.for_model(model, leads, activities, args.as_of, mapping=parse_mapping(args.map),
                              hand_over=args.hand_over)
    state_hand_over(scorer)
    return scorer


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Propose, print, and write the proposal when asked."""
    if args.out:
        refuse_overwriting_inputs(args.out, [args.model, args.leads, args.activities])
    model, source_text = load_model_text(args.model)
    scorer = _scorer(model, args)
    result: Proposal | WeightSuggestion
    if args.weights:
        result = suggest_weights(model, scorer, Outcomes(per_month=args.per_month))
    else:
        result = propose_thresholds(model, scorer, Target(args.capacity, args.min_acceptance),
                                    Outcomes(per_month=args.per_month))
    quality = model_quality(model, scorer)
    leaks = report_leaks(scorer, model)  # each column and activity judged for leaks: stderr, and "leaks" in json
    warnings = honesty_warnings(model, scorer)
    unreadable = warn_unreadable_numbers(model, scorer)  # "5,000" under a gte rule: one stderr line a column
    if args.format == "json":
        print_json({"model": model.name, **result.as_dict(), "quality": quality.as_dict(), "warnings": warnings,
                     "leaks": leaks.as_dicts(),
                     "unreadable_numbers": {column.column: column.as_dict() for column in unreadable}})
    elif isinstance(result, WeightSuggestion):
        print(weights_table(model, result, quality, warnings))
    else:
        print(calibration_table(model, result, quality, warnings))
    if args.out:
        write_atomic(args.out, dump_model(result.model, like=source_text))  # keeps the file's comments
        print(f"wrote the proposed model to {args.out}", file=sys.stderr)
        if getattr(result, "worse", None):
            print(f"leadgrid: warning: the proposal written to {args.out} is worse than the current model: "
                  f"{result.worse}", file=sys.stderr)
    return 0


def _grades(values: dict[str, float], names: tuple[str, ...]) -> str:
    return "  ".join(f"{name} {format_number(values[name])}" for name in names[:-1])


def _per_month(sales: SalesSummary) -> str:
    return NO_VALUE if sales.leads_per_month is None else f"{sales.leads_per_month:,.0f}"


def _window_line(sales: SalesSummary) -> str:
    """Which months "Leads a month" counts: the per-month window, and how leads are dated."""
    window = sales.window
    if window is None or window.months is None:
        return "(leads a month: the leads have no dates)"
    fallback = f"; {window.fallback}" if window.fallback else ""
    return (f"(leads a month over {window.label}: {window.months:.3g} months{fallback}; leads dated by "
            f"{window.dated_by}; --per-month to change)")


def _acceptance(sales: SalesSummary) -> str:
    if math.isnan(sales.acceptance_rate):
        return NO_VALUE
    return f"{format_rate(sales.acceptance_rate)} ({format_rate(sales.acceptance_low)}–{format_rate(sales.acceptance_high)})"


def _headline_rows(current: SalesSummary, proposed: SalesSummary) -> list[tuple[str, str, str]]:
    """The to-sales set's headline figures under the current model and the proposal."""
    return [
        ("Leads a month", _per_month(current), _per_month(proposed)),
        ("Accepted by sales", _acceptance(current), _acceptance(proposed)),
        ("Conversions caught", format_rate(current.conversions_caught_share),
         format_rate(proposed.conversions_caught_share)),
    ]


def _side_by_side(rows: list[tuple[str, str, str]], heading: str = "proposed") -> list[str]:
    width = max(len("current"), *(len(row[1]) for row in rows)) + 2
    return [f"{'':20}{'current':{width}}{heading}"] + [f"{label:20}{now:{width}}{new}" for label, now, new in rows]


def calibration_table(model: LeadModel, proposal: Proposal, quality: Quality, warnings: list[str]) -> str:
    """The proposal beside the current model, the AUCs and the warnings, as plain text."""
    new = proposal.model
    rows = [
        ("Profile from", _grades(model.profile.grades.as_dict(), LETTERS), _grades(new.profile.grades.as_dict(), LETTERS)),
        ("Engagement from", _grades(model.engagement.grades.as_dict(), NUMBERS),
         _grades(new.engagement.grades.as_dict(), NUMBERS)),
        ("To sales", " ".join(model.sales_ratings()) or "none", " ".join(new.sales_ratings()) or "none"),
        *_headline_rows(proposal.current, proposal.proposed),
    ]
    lines = [f"Target: {proposal.target.describe()}", "", *_side_by_side(rows), _window_line(proposal.current), "",
             "Changes: " + ("; ".join(proposal.changes) or "none, the current thresholds are already the best"),
             "Routing: " + ("; ".join(proposal.routing_changes) if proposal.routing_changes
                            else "kept (every cell keeps its route)")]
    if proposal.worse:
        lines += ["", f"Worse than the current model: {proposal.worse}."]
    return "\n".join(lines + _quality_and_warnings(quality, warnings))


def weights_table(model: LeadModel, suggestion: WeightSuggestion, quality: Quality, warnings: list[str]) -> str:
    """The suggested category weights beside the current ones (with each fit coefficient),
    the headline figures of both models' previews, the AUCs and the warnings, as plain text."""
    labels = {category.id: category.label or category.id for category in model.profile.categories}
    label_width = max(20, *(len(label) + 2 for label in labels.values()))
    lines = [f"Weights fitted to {FITTED[suggestion.outcome]} on {suggestion.leads:,} leads with a "
             "known outcome (L2-regularised logistic regression of the outcome on the category values, rescaled "
             "to 100)", "",
             f"{'Weight':{label_width}}{'current':>9}{'suggested':>11}{'coefficient':>13}"]
    lines += [f"{labels[key]:{label_width}}{format_number(current):>9}{format_number(suggestion.suggested[key]):>11}"
              f"{suggestion.coefficients[key]:>13.3f}" for key, current in suggestion.current.items()]
    lines += ["", *_side_by_side(_headline_rows(suggestion.current_sales, suggestion.suggested_sales), "suggested"),
              _window_line(suggestion.current_sales)]
    return "\n".join(lines + _quality_and_warnings(quality, warnings))


def _quality_and_warnings(quality: Quality, warnings: list[str]) -> list[str]:
    lines: list[str] = []
    if len(quality.auc.columns):
        lines += ["", "ROC AUC (current model)" + "".join(f"{OUTCOME_LABELS[o]:>22}" for o in quality.auc.columns)]
        for score, label in SCORES.items():
            lines.append(f"  {label:21}" + "".join(f"{quality.auc.loc[score, o]:>22.3f}" for o in quality.auc.columns))
    lines += ["", *(f"No AUC: {note}." for note in quality.notes)] if quality.notes else []
    if warnings:
        lines += ["", "Before trusting these figures:"] + [f"- {warning}" for warning in warnings]
    return lines
