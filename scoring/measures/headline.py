"""Which rate judges a model, and when a rate rests on too few outcomes to trust.

The headline rate of the to-sales set is acceptance by sales where the history records
sales decisions, else conversion. A cell's rate is too uncertain to trust with fewer than
``MIN_DECISIONS`` leads with a known outcome or fewer than ``MIN_POSITIVES`` positive ones:
a rate's precision comes from its positive outcomes, so 9 conversions in 1,800 leads are
as few as 9 in 30.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd


class Measured(Protocol):
    """What ``headline`` reads of a preview (``metrics.Preview``): its to-sales summary and
    its per-cell matrix. A shape, so that this module sits below metrics."""

    sales: Any
    matrix: pd.DataFrame

MIN_DECISIONS = 30  # a cell's rate needs at least this many leads with a known outcome ...
MIN_POSITIVES = 10  # ... and this many positive ones (accepted, converted): 9 of 1,800 is too few to trust


def too_few(known: int, positives: int) -> bool:
    """Whether a rate rests on too few outcomes to trust: fewer than ``MIN_DECISIONS`` leads
    with a known outcome, or fewer than ``MIN_POSITIVES`` positive ones. A rate's precision
    comes from its positive outcomes: 9 conversions in 1,800 leads are as few as 9 in 30."""
    return known < MIN_DECISIONS or positives < MIN_POSITIVES


def few_rule(outcome: str) -> str:
    """``too_few`` in words, for ``outcome`` acceptance or conversion."""
    known, positive = FEW_WORDS.get(outcome, FEW_WORDS["acceptance"])
    return f"fewer than {MIN_DECISIONS} leads with {known}, or fewer than {MIN_POSITIVES} {positive}"


FEW_WORDS = {"acceptance": ("a sales decision", "accepted"), "conversion": ("a known conversion", "converted")}


@dataclass(frozen=True)
class Headline:
    """The one rate that judges the to-sales set: acceptance by sales where the history
    records sales decisions, else conversion (public datasets record no decisions)."""

    outcome: str  # "acceptance" or "conversion"
    label: str
    rate_column: str  # the matrix column of that rate, per cell
    rate: float  # of the to-sales set
    rest_rate: float  # of every other lead
    counted: str  # what a cell needs enough of to trust its rate
    help: str

    @property
    def few_rule(self) -> str:
        """When a cell's rate is too uncertain to trust (``too_few``), in words."""
        return few_rule(self.outcome)


def headline(result: Measured) -> Headline:
    """Acceptance when any lead of the history has a sales decision; conversion when only
    conversions are recorded; when neither is, acceptance's figures (all missing) under a
    label that says so."""
    sales, matrix = result.sales, result.matrix
    decided, known = int(matrix["decided"].sum()), int(matrix["conversion_known"].sum())
    if decided == 0 and known == 0:
        return Headline("acceptance", "No outcomes recorded", "acceptance_rate", sales.acceptance_rate,
                        sales.rest_acceptance_rate, "decisions",
                        "This data records neither sales decisions nor conversions: map an accepted or "
                        "converted column on the Data page to judge the model.")
    if decided > 0:
        return Headline("acceptance", "Accepted by sales", "acceptance_rate", sales.acceptance_rate,
                        sales.rest_acceptance_rate, "decisions",
                        "Of the to-sales leads that sales decided on, the share they accepted.")
    return Headline("conversion", "Converted", "conversion_rate", sales.conversion_rate,
                    sales.rest_conversion_rate, "known outcomes",
                    "This data records no sales decisions: the share of to-sales leads that converted.")
