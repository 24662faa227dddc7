"""The ``leadgrid`` command line: validate, score, matrix, explain, diff, schema, datasets, export.

Exit codes: 0 success, 1 bad input (model or data), 2 bad usage. Errors are
one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from scoring.cli.app import add_app_command
from scoring.cli.calibrate import add_calibrate_command
from scoring.cli.common import (
    BAD_INPUT,
    BAD_USAGE,
    PROG,
    UsageError,
    outcomes_of,
    parse_mapping,
    print_json,
    warn_unreadable_numbers,
    with_hint,
)
from scoring.cli.compare import add_compare_commands
from scoring.cli.export import add_export_command
from scoring.cli.funnel import (
    add_segment_arguments,
    breakdown_text,
    check_segment_usage,
    funnel_run,
)
from scoring.cli.handover import add_hand_over_arguments, flush_notes, state_hand_over
from scoring.cli.init import add_init_command
from scoring.cli.leaks import add_validate_data_arguments, report_leaks, validate_leaks
from scoring.cli.matrix import (
    add_engine_arguments,
    header_frame,
    sql_matrix_preview,
    sql_unreadable_numbers,
)
from scoring.cli.per_month import add_per_month_argument, per_month_table
from scoring.data import read as data
from scoring.data.csvwrite import to_csv
from scoring.data.datasets import DATASETS
from scoring.data.fileio import refuse_overwriting_inputs, write_atomic, write_atomic_with
from scoring.data.quality import non_finite_counts
from scoring.engine.explain import explain_lead
from scoring.engine.scorer import Scorer
from scoring.engine.values import unreadable_numbers
from scoring.errors import DataError, LeadGridError, ModelError
from scoring.measures.metrics import preview
from scoring.measures.report import explanation_text, matrix_table
from scoring.model.diff import describe_changes
from scoring.model.files import load_model, model_json_schema
from scoring.model.schema import SALES_ACTION, LeadModel

OUTPUT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as argparse does, minus the usage dump
        raise UsageError(message)


def _scorer(model: LeadModel, args: argparse.Namespace) -> Scorer:
    if args.dataset:
        leads, activities = DATASETS[args.dataset].load(args.data_dir)
    else:
        leads = data.load_leads(args.leads)
        activities = data.read_table(args.activities) if args.activities else None
    scorer = Scorer.for_model(model, leads, activities, args.as_of, mapping=parse_mapping(args.map),
                              hand_over=args.hand_over)
    state_hand_over(scorer)
    return scorer


def _check_data_source(args: argparse.Namespace) -> None:
    """Exactly one of --leads and --dataset; --activities goes with --leads, --data-dir with --dataset."""
    if bool(args.leads) == bool(args.dataset):
        raise UsageError("give exactly one of --leads FILE and --dataset NAME")
    if args.dataset and args.activities:
        raise UsageError("--activities goes with --leads; a --dataset brings its own activities")
    if args.data_dir and not args.dataset:
        raise UsageError("--data-dir goes with --dataset")


def cmd_validate(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    categories = len(model.profile.categories)
    entries = len(model.engagement.activities)
    print(f"{args.model}: valid model '{model.name}'"
          f"{f' version {model.version}' if model.version else ''}: {categories} profile categories, "
          f"{entries} engagement entries, to sales: {', '.join(model.sales_ratings()) or 'none'}")
    validate_leaks(model, args)  # with --leads: each column and activity checked for leaks (stderr)
    return 0


def _input_files(args: argparse.Namespace) -> list[str | Path | None]:
    """Every file the command reads: the model, the leads and activities, a dataset's files."""
    files: list[str | Path | None] = [args.model, args.leads, args.activities]
    if args.dataset:
        dataset = DATASETS[args.dataset]
        with contextlib.suppress(LeadGridError):
            folder = dataset.resolve(args.data_dir)
            files += [folder / name for name in dataset.files]
    return files


def cmd_score(args: argparse.Namespace) -> int:
    suffix = Path(args.out).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise UsageError(f"--out must end in .csv or .parquet; got {args.out!r}")
    refuse_overwriting_inputs(args.out, _input_files(args))
    model = load_model(args.model)
    scorer = _scorer(model, args)
    scored = scorer.score(model)
    try:  # to a temporary file renamed into place: a full disk leaves the previous file as it was
        if OUTPUT_FORMATS[suffix] == "csv":
            write_atomic_with(args.out, lambda handle: to_csv(scored, handle, encoding="utf-8"))  # formulas neutralised
        else:
            write_atomic_with(args.out, lambda handle: scored.to_parquet(handle))
    except OSError as error:
        raise DataError(f"cannot write the scores: {error.strerror or error}", source=args.out) from None
    ratings = scored["rating"].value_counts()
    to_sales = int((scored["action"] == SALES_ACTION).sum())
    print(f"scored {len(scored):,} leads -> {args.out} ({to_sales:,} to sales; "
          f"most common: {', '.join(f'{r} {n:,}' for r, n in ratings.head(3).items())})", file=sys.stderr)
    warn_unreadable_numbers(model, scorer)
    return 0


def cmd_matrix(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    non_finite = extra = None
    leaks = None  # the pandas engine checks for leaks (stderr, and "leaks" in json)
    check_segment_usage(args)
    if args.engine != "pandas":
        mapping = parse_mapping(args.map)
        leads_mapping = model.column_mapping(mapping)["leads"]
        header = header_frame(args.leads, leads_mapping) if args.leads and not args.dataset else None
        outcomes = outcomes_of(args, leads_mapping, header)
        result = sql_matrix_preview(model, args, outcomes, mapping)
        unreadable = sql_unreadable_numbers(model, args, leads_mapping)
    else:
        scorer = _scorer(model, args)
        outcomes = outcomes_of(args, scorer.mapping["leads"], scorer.leads)
        result = preview(model, scorer, outcomes)
        non_finite = non_finite_counts(scorer.leads, [*model.lead_fields(), outcomes.won_amount])
        unreadable = unreadable_numbers(model, scorer.leads, scorer.field_rules)
        extra = funnel_run(model, scorer, result, outcomes, args)  # after hand-over; --segment
        # after the segment is checked (a bad one is one error line), on every lead, not the slice
        leaks = report_leaks(scorer, model, result.matrix, outcomes)
        result = extra.result
    for column in unreadable:  # "5,000" under a gte rule: text by the format, never silent
        print(f"{PROG}: warning: {column.line()}", file=sys.stderr)
    breakdown_only = extra is not None and extra.breakdown is not None and args.segment_value is None
    if args.format == "table":
        print("\n\n".join(([] if breakdown_only else [matrix_table(result)])
                          + ([breakdown_text(extra.breakdown, args.segment, extra.note)] if args.segment else [])))
    elif args.format == "csv":
        sys.stdout.write(to_csv(extra.breakdown, index=False) if breakdown_only else to_csv(result.matrix))
    else:
        cells = result.matrix.to_dict(orient="index")
        output = {"model": model.name, "version": model.version, "cells": cells, "to_sales": result.sales.as_dict()}
        if args.engine == "pandas":  # leads and to-sales leads per calendar month: the trend
            output["per_month"] = per_month_table(scorer, result, outcomes)
        if args.engine == "pandas" and scorer.activities is not None:
            output["hand_over"] = asdict(scorer.hand_over_counts)
        output["unreadable_numbers"] = {column.column: column.as_dict() for column in unreadable}
        if non_finite is not None:  # infinite numbers ("inf", "1e400") per column: written as null
            output["non_finite_values"] = non_finite
        if leaks is not None:
            output["leaks"] = leaks.as_dicts()
        output.update(extra.json if extra is not None else {})
        print_json(output)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    explanation = explain_lead(_scorer(model, args), model, args.lead)
    if args.format == "json":
        print_json(explanation.as_dict())
    else:
        print(explanation_text(explanation))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    old, new = load_model(args.old), load_model(args.new)
    changes = describe_changes(old, new)
    if args.format == "json":
        print_json({"old": {"file": args.old, "name": old.name, "version": old.version},
                     "new": {"file": args.new, "name": new.name, "version": new.version}, "changes": changes})
    else:
        print("\n".join(changes) if changes else "no changes")
    return 0


def cmd_datasets(args: argparse.Namespace) -> int:
    for dataset in DATASETS.values():
        folder = dataset.default_dir()
        status = "found" if dataset.found_in(folder) else "not found"
        print(f"{dataset.key}: {dataset.title}\n  licence: {dataset.licence}\n  model: {dataset.model}\n"
              f"  data: {folder} ({status})")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(model_json_schema(), indent=2) + "\n"
    if args.out:
        write_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, help="model YAML file")
    parser.add_argument("--leads", help="leads file (CSV or Parquet); or use --dataset")
    parser.add_argument("--activities", help="activities file (CSV or Parquet)")
    parser.add_argument("--dataset", choices=tuple(DATASETS), metavar="NAME",
                        help=f"a public dataset instead of --leads: {', '.join(DATASETS)} (see `leadgrid datasets`)")
    parser.add_argument("--data-dir", dest="data_dir", metavar="DIR",
                        help="folder holding the --dataset's files (default: see `leadgrid datasets`)")
    add_hand_over_arguments(parser)
    parser.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                        help="file column for a model field (lead_id=@row: the row number as the id); "
                             "activities.FIELD=COLUMN for activities; repeatable")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Validate, score and preview lead scoring models.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = commands.add_parser("validate", help="check a model file")
    validate.add_argument("model")
    add_validate_data_arguments(validate)
    validate.set_defaults(run=cmd_validate)
    score = commands.add_parser("score", help="score leads and write one row per lead")
    _add_data_arguments(score)
    score.add_argument("--out", required=True, help="output file, .csv or .parquet")
    score.set_defaults(run=cmd_score)
    matrix = commands.add_parser("matrix", help="leads and outcomes per A1..D4 cell")
    _add_data_arguments(matrix)
    matrix.add_argument("--format", choices=("table", "json", "csv"), default="table")
    matrix.add_argument("--accepted", help="column: accepted by sales (yes/no); default accepted, if present")
    matrix.add_argument("--converted", help="column: converted (yes/no); default converted, if present")
    matrix.add_argument("--won-amount", dest="won_amount", help="column: won amount; default won_amount, if present")
    matrix.add_argument("--created-at", dest="created_at",
                        help="column: lead creation date, for leads per month; default created_at, if present")
    add_engine_arguments(matrix)
    add_segment_arguments(matrix)
    add_per_month_argument(matrix)
    matrix.set_defaults(run=cmd_matrix)
    explain = commands.add_parser("explain", help="why one lead got its rating")
    _add_data_arguments(explain)
    explain.add_argument("--lead", required=True, help="the lead_id to explain")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.set_defaults(run=cmd_explain)
    diff = commands.add_parser("diff", help="what changed from one model file to another, in words")
    diff.add_argument("old", help="the earlier model file")
    diff.add_argument("new", help="the later model file")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(run=cmd_diff)
    datasets = commands.add_parser("datasets", help="list the public datasets and where they are read from")
    datasets.set_defaults(run=cmd_datasets)
    schema = commands.add_parser("schema", help="print the JSON Schema of the model format")
    schema.add_argument("--out", help="write to this file instead of stdout")
    schema.set_defaults(run=cmd_schema)
    add_export_command(commands)
    add_calibrate_command(commands)
    add_compare_commands(commands)
    add_app_command(commands)
    add_init_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script exits with it)."""
    args = None
    succeeded = False  # the notes of a run (how activities were aged) follow its output, never an error
    try:
        args = build_parser().parse_args(argv)
        if hasattr(args, "dataset"):
            _check_data_source(args)
        code = args.run(args)
        succeeded = True
        return code
    except UsageError as error:
        print(f"{PROG}: usage error: {error}", file=sys.stderr)
        return BAD_USAGE
    except ModelError as error:
        lines = error.lines if args is not None and args.command == "validate" else [error.message]
        for line in lines:
            print(f"{PROG}: {line}", file=sys.stderr)
        return BAD_INPUT
    except LeadGridError as error:
        print(f"{PROG}: {with_hint(error)}", file=sys.stderr)
        return BAD_INPUT
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"{PROG}: {where}{error.strerror or error}", file=sys.stderr)
        return BAD_INPUT
    except (pd.errors.ParserError, ValueError) as error:
        print(f"{PROG}: {type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        return 130
    finally:
        flush_notes(succeeded)


def run() -> None:
    sys.exit(main())
