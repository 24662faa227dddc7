"""``--per-month``: the window the CLI's per-month figures are counted over
(``scoring.measures.volume``), for ``matrix``, ``calibrate`` and ``compare``."""

from __future__ import annotations

import argparse

from scoring.engine.scorer import Scorer
from scoring.errors import DataError
from scoring.measures.metrics import Outcomes, Preview
from scoring.measures.volume import LAST_QUARTER, SPELLINGS, PerMonth
from scoring.measures.volume_trend import monthly_trend


def per_month_choice(text: str) -> PerMonth:
    """``--per-month``'s value; a spelling it cannot read is a usage error (exit 2)."""
    try:
        return PerMonth.parse(text)
    except DataError as error:
        raise argparse.ArgumentTypeError(error.reason) from None


def add_per_month_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--per-month", dest="per_month", type=per_month_choice, default=LAST_QUARTER,
                        metavar="WINDOW",
                        help=f"count leads a month over: {SPELLINGS} (both days included); default "
                             "last-quarter, the last calendar quarter the data covers completely (the whole "
                             "history when it covers less); leads are dated by scored_at, else created_at")


def per_month_of(args: argparse.Namespace) -> PerMonth:
    """The window a command was given (commands without ``--per-month``: the default)."""
    return getattr(args, "per_month", None) or LAST_QUARTER


def per_month_table(scorer: Scorer, result: Preview, outcomes: Outcomes) -> list[dict[str, object]]:
    """Per calendar month of the history: leads, to-sales leads and whether the month is in
    the per-month window, for the leads of ``result``."""
    return monthly_trend(scorer, result, outcomes).to_dict(orient="records")
