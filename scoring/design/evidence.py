"""The evidence beside every proposed number, and the share a rule gets from it.

A group of leads (a rule's, a band's, the leads who had an activity before the hand-over)
has ``leads``, of which ``known`` have a known outcome and ``hits`` had it. Its lift is its
rate over the base rate of every lead with a known outcome.

Its share (-100..100) is its lift on a log scale, signed: ``SHARE_PER_DOUBLING`` (50) points
per doubling of the rate over the base rate, so lift 2 gives +50, lift 4 (or more) +100, lift ½
gives -50 and ¼ (or less) -100; a group at the base rate gets 0. Before that the group's rate
is pulled towards the base rate by ``SHRINK_LEADS`` (20) pseudo-leads (an m-estimate), so a
group of 30 leads with 3 conversions does not get the share of a group of 3,000: the smaller
the group, the closer its share to 0. The pull never crosses the base rate, so the sign of a
share is always the sign of the group's own rate minus the base rate (0 when the rounded
share is 0). Without an outcome every share is 0: there is no evidence to give one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

SHARE_PER_DOUBLING = 50.0
SHRINK_LEADS = 20.0
MAX_SHARE = 100.0


@dataclass(frozen=True)
class Evidence:
    """How one group of leads turned out: its size, its outcome counts and the base rate."""

    leads: int
    known: int  # leads with a known outcome
    hits: int  # of those, leads with the outcome
    base_rate: float  # of every lead with a known outcome; NaN without an outcome

    @property
    def rate(self) -> float:
        return self.hits / self.known if self.known else math.nan

    @property
    def lift(self) -> float:
        """Rate over base rate (NaN when either is unknown or the base is 0)."""
        return self.rate / self.base_rate if self.known and self.base_rate > 0 else math.nan

    @property
    def smoothed_rate(self) -> float:
        """The rate pulled towards the base rate by ``SHRINK_LEADS`` pseudo-leads."""
        return (self.hits + SHRINK_LEADS * self.base_rate) / (self.known + SHRINK_LEADS)

    def share(self) -> float:
        """The share this group gets (see the module docstring): whole points, -100..100."""
        if not self.known or not 0 < self.base_rate < 1:
            return 0.0
        smoothed = self.smoothed_rate
        if smoothed <= 0:
            return -MAX_SHARE
        raw = SHARE_PER_DOUBLING * math.log2(smoothed / self.base_rate)
        return float(np.clip(round(raw), -MAX_SHARE, MAX_SHARE)) + 0.0  # + 0.0: no -0.0

    def text(self, noun: str = "had the outcome") -> str:
        """``1,234 leads; 312 of 1,200 converted (26.0%), lift 1.35``, or the leads alone."""
        if math.isnan(self.base_rate):
            return f"{self.leads:,} leads"
        if not self.known:
            return f"{self.leads:,} leads, none with a known outcome"
        return (f"{self.leads:,} leads; {self.hits:,} of {self.known:,} {noun} ({self.rate:.1%}), "
                f"lift {self.lift:.2f}")

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "rate": self.rate, "lift": self.lift, "share": self.share()}


def group_evidence(codes: np.ndarray, size: int, outcome: np.ndarray | None) -> list[Evidence]:
    """Evidence per group ``0..size-1`` (a negative code counts in none) from the per-lead 0/1
    ``outcome`` (NaN: unknown; None: no outcome at all)."""
    codes = np.asarray(codes)
    inside = codes >= 0
    leads = np.bincount(codes[inside], minlength=size)[:size]
    if outcome is None:
        return [Evidence(int(n), 0, 0, math.nan) for n in leads]
    known_mask = ~np.isnan(outcome)
    base = float(np.nansum(outcome) / known_mask.sum()) if known_mask.any() else math.nan
    counted = inside & known_mask
    known = np.bincount(codes[counted], minlength=size)[:size]
    hits = np.rint(np.bincount(codes[counted], weights=outcome[counted], minlength=size)[:size])
    return [Evidence(int(n), int(k), int(h), base) for n, k, h in zip(leads, known, hits, strict=True)]
