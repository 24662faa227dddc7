"""``--as-of`` and ``--hand-over`` on every command that ages activities, and the line
that states how they were aged: when each lead was evaluated is a choice the user makes
and the output states, never one taken silently from the data."""

from __future__ import annotations

import argparse
import sys

from .engine import Scorer

PROG = "leadgrid"


def add_hand_over_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", dest="as_of", metavar="DATE|now",
                        help="when leads without a hand-over moment are evaluated: a date, or now (the time "
                             "of the run); required when such leads have activities")
    parser.add_argument("--hand-over", dest="hand_over", metavar="COLUMN|COLUMN+Nd|first:ACTIVITY",
                        help="each lead's hand-over moment: a date column (default scored_at), N days "
                             "after one (created_at+14d), or its first activity of a type")


def state_hand_over(scorer: Scorer) -> None:
    """One stderr line saying how activities were aged (the hand-over moment, the run's
    as-of and who fell back to it), when there are activities to age."""
    if scorer.activities is not None:
        print(f"{PROG}: {scorer.hand_over_counts.sentence()}", file=sys.stderr)
