"""``--as-of`` and ``--hand-over`` on every command that ages activities, and the line
that states how they were aged: when each lead was evaluated is a choice the user makes
and the output states, never one taken silently from the data."""

from __future__ import annotations

import argparse
import sys

from scoring.engine.scorer import Scorer

PROG = "leadgrid"


def add_hand_over_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", dest="as_of", metavar="DATE|now",
                        help="when leads without a hand-over moment are evaluated: a date, or now (the time "
                             "of the run); required when such leads have activities")
    parser.add_argument("--hand-over", dest="hand_over", metavar="COLUMN|COLUMN+Nd|first:ACTIVITY",
                        help="each lead's hand-over moment: a date column (default scored_at), N days "
                             "after one (created_at+14d), or its first activity of a type")


_NOTES: list[str] = []


def state_hand_over(scorer: Scorer) -> None:
    """Say, once the command has succeeded, how activities were aged: the hand-over moment,
    the run's as-of and who fell back to it. Silent only when nothing rests on a choice
    (activities aged at each lead's own scored_at, no as-of given)."""
    counts = scorer.hand_over_counts
    default = scorer.hand_over is None or scorer.hand_over.text() == "scored_at"
    if scorer.activities is not None and (counts.as_of_choice is not None or not default):
        _NOTES.append(f"{PROG}: {counts.sentence()}")


def flush_notes(succeeded: bool) -> None:
    """Print the notes of a command that succeeded (stderr); drop them after an error, whose
    one line stands alone."""
    if succeeded:
        for note in dict.fromkeys(_NOTES):
            print(note, file=sys.stderr)
    _NOTES.clear()
