"""What a calibration aims at: a capacity (leads a month sales can take) or a minimum
acceptance by sales; the proposal (``thresholds``) and its verdict (``verdict``) both read it."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.formatting import format_rate
from scoring.measures.headline import MIN_DECISIONS


@dataclass(frozen=True)
class Target:
    """What the to-sales set must meet: at most ``capacity`` leads a month, or at least
    ``min_acceptance`` (0..1) of its decided leads accepted by sales. Exactly one is given."""

    capacity: float | None = None
    min_acceptance: float | None = None
    min_decisions: int = MIN_DECISIONS  # a rate needs this many decisions in the to-sales set

    def describe(self) -> str:
        if self.capacity is not None:
            return f"at most {self.capacity:,.0f} leads a month to sales"
        return f"at least {format_rate(self.min_acceptance)} accepted by sales"
