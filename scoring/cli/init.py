"""``leadgrid init``: a starting model drafted from a leads export (``scoring.design``),
written as YAML, with the roles it chose and every number's evidence printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scoring.cli.common import UsageError, parse_mapping
from scoring.cli.handover import add_hand_over_arguments
from scoring.data import read as data
from scoring.data.fileio import refuse_overwriting_inputs, write_atomic
from scoring.design.draft import draft_model
from scoring.design.report import draft_lines
from scoring.errors import DataError
from scoring.model.files import dump_model


def _columns(text: str | None) -> list[str] | None:
    if text is None:
        return None
    columns = [c.strip() for c in text.split(",") if c.strip()]
    if not columns:
        raise UsageError("--profile and --engagement take COLUMN,COLUMN,…")
    return columns


def cmd_init(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"--out must end in .yaml or .yml; got {args.out!r}")
    if out.exists() and not args.force:
        raise UsageError(f"{args.out} exists; give --force to overwrite it")
    refuse_overwriting_inputs(args.out, [args.leads, args.activities])
    if args.capacity is not None and args.capacity <= 0:
        raise UsageError(f"--capacity must be a positive number of leads a month; got {args.capacity:g}")
    leads = data.read_table(args.leads)
    activities = data.read_table(args.activities) if args.activities else None
    draft = draft_model(leads, activities, outcome=args.outcome, profile=_columns(args.profile),
                        engagement=_columns(args.engagement), mapping=parse_mapping(args.map),
                        hand_over=args.hand_over, as_of=args.as_of, capacity=args.capacity,
                        name=args.name or f"Starting model for {Path(args.leads).name}")
    text = dump_model(draft.model)
    try:
        write_atomic(args.out, text)
    except OSError as error:
        raise DataError(f"cannot write the model: {error.strerror or error}", source=args.out) from None
    print("\n".join(draft_lines(draft)))
    run = ["leadgrid matrix", f"--model {args.out}", f"--leads {args.leads}"]
    if args.activities:
        run.append(f"--activities {args.activities}")
    if args.hand_over:
        run.append(f"--hand-over {args.hand_over}")
    if args.as_of:
        run.append(f"--as-of {args.as_of}")
    print(f"\nWrote {args.out}. Next: {' '.join(run)}", file=sys.stderr)
    return 0


def add_init_command(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="draft a starting model from a leads export")
    init.add_argument("--leads", required=True, help="leads file (CSV or Parquet)")
    init.add_argument("--activities", help="activities file (CSV or Parquet): lead_id, activity, occurred_at")
    init.add_argument("--outcome", metavar="COLUMN",
                      help="the yes/no column the draft is judged by (default: found by name and values)")
    init.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                      help="file column for a field (lead_id=@row: the row number as the id; "
                           "activities.FIELD=COLUMN for activities); repeatable")
    init.add_argument("--profile", metavar="COL,COL", help="the profile columns (default: suggested)")
    init.add_argument("--engagement", metavar="COL,COL", help="the engagement columns (default: suggested)")
    add_hand_over_arguments(init)
    init.add_argument("--capacity", type=float, metavar="N",
                      help="leads a month sales can take: thresholds for it (needs dates) instead of quantiles")
    init.add_argument("--name", help="the model's name")
    init.add_argument("--out", required=True, help="the model file to write (.yaml)")
    init.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    init.set_defaults(run=cmd_init)
