"""Leak findings on the command line (``scoring.measures.leaks``): printed to stderr by ``matrix``,
``calibrate`` and ``validate --leads``, one line each, and listed under ``"leaks"`` in their
``--format json``. A finding is a warning, never an error: the exit code stays 0."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from scoring.cli.common import PROG, UsageError, parse_mapping
from scoring.cli.handover import add_hand_over_arguments, state_hand_over
from scoring.data import read as data
from scoring.engine.scorer import Scorer
from scoring.measures.leaks import LeakReport, leak_report
from scoring.measures.metrics import Outcomes
from scoring.model.schema import LeadModel


def report_leaks(scorer: Scorer, model: LeadModel, matrix: pd.DataFrame | None = None,
                 outcomes: Outcomes | None = None) -> LeakReport:
    """The model's leak findings on the scorer's data, each printed to stderr as one line."""
    report = leak_report(scorer, model, matrix, outcomes or Outcomes())
    for line in report.lines():
        print(f"{PROG}: possible leak: {line}", file=sys.stderr)
    return report


def add_validate_data_arguments(parser: argparse.ArgumentParser) -> None:
    """``validate MODEL --leads FILE [--activities FILE]``: also check the model against data for leaks."""
    parser.add_argument("--leads", help="leads file (CSV or Parquet): also check each column and activity the "
                                        "model reads for leaks against its outcomes")
    parser.add_argument("--activities", help="activities file (CSV or Parquet), with --leads")
    add_hand_over_arguments(parser)
    parser.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                        help="file column for a model field; activities.FIELD=COLUMN for activities; repeatable")


def validate_leaks(model: LeadModel, args: argparse.Namespace) -> int:
    """With ``--leads``: the leak findings on stderr; without, nothing. Returns how many."""
    if not args.leads:
        if args.activities or args.as_of or args.hand_over or args.map:
            raise UsageError("--activities, --as-of, --hand-over and --map go with --leads")
        return 0
    leads = data.load_leads(args.leads)
    activities = data.read_table(args.activities) if args.activities else None
    scorer = Scorer.for_model(model, leads, activities, args.as_of, mapping=parse_mapping(args.map),
                              hand_over=args.hand_over)
    state_hand_over(scorer)
    findings = report_leaks(scorer, model).findings
    print(f"{PROG}: {len(findings) or 'no'} possible leak{'' if len(findings) == 1 else 's'} in "
          f"{args.leads}", file=sys.stderr)
    return len(findings)
