"""Where A–D and 1–4 start, and which cells go to sales, for a drafted model.

Thresholds sit at quantiles of the drafted scores: A (and 1) where the top ``TOP_SHARES[0]``
(10 %) of the leads start, B (2) the top 30 %, C (3) the top 60 %, D (4) at 0. A quantile that
is placed from the top down: A first, always at a score some lead has; a quantile tied with the
line above moves to the next lower score the leads have, one at 0 (many leads share a score of
0) to the smallest score above 0, and with no score left in between the line goes halfway to 0
(that grade is empty). Lines are rounded down to 0.1, which keeps every lead on its side.

Routing, as in the shipped configs: A1 to sales within 24 hours, A2 and B1 within 48; every
other cell to nurture. When the engagement axis does not tell leads apart (``FLAT_SHARE`` of
the leads share one engagement score, e.g. no engagement columns and no activities), every A
goes to sales instead (A1–A4), so the to-sales set rests on the profile alone.
A capacity (leads a month sales can take) moves the lines with ``calibrate.thresholds``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scoring.model.schema import LETTERS, NUMBERS

TOP_SHARES = (0.10, 0.30, 0.60)
FLAT_SHARE = 0.9
SALES_CELLS = {"A1": 24.0, "A2": 48.0, "B1": 48.0}
PROFILE_ONLY_CELLS = {"A1": 24.0, "A2": 48.0, "A3": 48.0, "A4": 48.0}


@dataclass(frozen=True)
class GradeProposal:
    """One axis' lines, how they were placed, and the share of leads at or above each."""

    axis: str  # "profile" or "engagement"
    grades: dict[str, float]
    how: str
    at_or_above: dict[str, float]

    def as_dict(self) -> dict:
        return {"axis": self.axis, "grades": self.grades, "how": self.how, "at_or_above": self.at_or_above}


def _floor_tenth(value: float) -> float:
    return math.floor(value * 10 + 1e-9) / 10


def quantile_grades(scores: np.ndarray, names: tuple[str, ...], axis: str) -> GradeProposal:
    """Lines at the top 10 %, 30 % and 60 % of ``scores`` (see the module docstring)."""
    scores = np.asarray(scores, dtype=float)
    positive = sorted({_floor_tenth(float(v)) for v in scores[scores > 0]} - {0.0}, reverse=True)
    lines: list[float] = []
    upper = math.inf
    for share in TOP_SHARES:  # A first: the top grade always starts at a score some lead has
        line = _floor_tenth(float(np.quantile(scores, 1 - share))) if len(scores) else 0.0
        if not 0 < line < upper:
            below = [v for v in positive if v < upper]
            if below:  # a quantile at 0 takes the smallest score above 0; one tied with the line above, the next
                line = below[-1] if line <= 0 else below[0]
            else:  # no score left between 0 and the line above: an empty grade
                line = float(len(TOP_SHARES) - len(lines)) if upper == math.inf else upper / 2
        lines.append(line)
        upper = line
    grades = dict(zip(names, [*lines, 0.0], strict=True))
    shares = {name: float((scores >= value - 1e-9).mean()) if len(scores) else math.nan
              for name, value in grades.items()}
    how = ("at the top 10 %, 30 % and 60 % of the drafted scores, rounded down to 0.1 (a line tied with the one "
           "above, or at 0, moved to the next score the leads have)")
    return GradeProposal(axis, grades, how, shares)


def profile_grades(scores: np.ndarray) -> GradeProposal:
    return quantile_grades(scores, LETTERS, "profile")


def engagement_grades(scores: np.ndarray) -> GradeProposal:
    return quantile_grades(scores, NUMBERS, "engagement")


def is_flat(scores: np.ndarray) -> bool:
    """Whether ``FLAT_SHARE`` or more of the leads share one score."""
    if not len(scores):
        return True
    _, counts = np.unique(np.round(np.asarray(scores, dtype=float), 9), return_counts=True)
    return bool(counts.max() >= FLAT_SHARE * len(scores))


def routing(engagement_flat: bool) -> tuple[dict, str]:
    """The model's routing section and the sentence saying why."""
    cells = PROFILE_ONLY_CELLS if engagement_flat else SALES_CELLS
    section = {"default": {"action": "nurture"},
               "cells": {cell: {"action": "sales", "sla_hours": hours} for cell, hours in cells.items()}}
    if engagement_flat:
        return section, ("every A to sales (A1–A4): the engagement axis does not tell leads apart here "
                         f"({FLAT_SHARE:.0%} or more share one engagement score)")
    return section, "A1 to sales within 24 h, A2 and B1 within 48 h, every other cell to nurture"
