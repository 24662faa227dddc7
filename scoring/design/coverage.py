"""How long a leads file covers, from its dates: "this file covers 14.5 months", so a capacity
(leads a month to sales) can be judged against the leads a month the file holds.

The dates are the first of ``DATE_COLUMNS`` the file has and can read (``scored_at``, then
``created_at``), else the first other column whose values read as dates. A month is
``DAYS_PER_MONTH`` days (365.25 / 12), as the per-month figures count it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring.data.read import SCORED_AT, date_span
from scoring.design.roles import looks_like_dates
from scoring.measures.volume import DAYS_PER_MONTH

DATE_COLUMNS = (SCORED_AT, "created_at")


@dataclass(frozen=True)
class Coverage:
    """The span of one date column of a leads file, and the leads a month it holds."""

    column: str
    first: pd.Timestamp
    last: pd.Timestamp
    leads: int

    @property
    def days(self) -> float:
        return (self.last - self.first) / pd.Timedelta(days=1)

    @property
    def months(self) -> float:
        return self.days / DAYS_PER_MONTH

    @property
    def weeks(self) -> float:
        return self.days / 7

    @property
    def leads_per_month(self) -> float | None:
        return self.leads / self.months if self.months > 0 else None

    def sentence(self) -> str:
        """``This file covers 14.5 months (created_at, 2017-06-14 to 2018-08-31): 8,000 leads, 552 a month.``"""
        span = f"{self.months:.1f} months" if self.days >= 2 * DAYS_PER_MONTH else f"{self.weeks:.1f} weeks"
        per_month = self.leads_per_month
        volume = f"{self.leads:,} leads" + (f", {per_month:,.0f} a month" if per_month else "")
        return (f"This file covers {span} ({self.column}, {self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}): "
                f"{volume}.")


def coverage(leads: pd.DataFrame) -> Coverage | None:
    """The file's span (see the module docstring); None when it has no readable dates."""
    others = [c for c in leads.columns if c not in DATE_COLUMNS and looks_like_dates(leads[c])]
    for column in [*DATE_COLUMNS, *others]:
        span = date_span(leads, [column])
        if span is not None:
            first, last, used = span
            dated = int(leads[used].notna().sum())
            return Coverage(used, first, last, dated)
    return None
