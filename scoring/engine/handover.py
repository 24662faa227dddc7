"""The hand-over moment: when each historical lead was evaluated, so that only what was
known then counts (the contract's ``scored_at``, ../shared/MODEL_FORMAT.md, "Age of an
activity").

A lead's activities are aged at its hand-over moment; an activity after it counts
nothing. The moment comes from one explicit choice, never silently from the data:

- a date column of the leads (``scored_at``, or any other: ``HandOver.parse("mql_date")``);
- a number of days after a date column (``"created_at+14d"``): leads handed over two
  weeks after they were created;
- the first activity of a type (``"first:demo_request"``): the moment the lead did it.

Leads for which the choice finds no moment fall back to the run's as-of (a fixed moment,
or ``now``), which must then be given; they are counted (``HandOverCounts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.data import read as d
from scoring.data.missing import NAT
from scoring.engine.values import ValueColumn
from scoring.errors import DataError

FIRST_PREFIX = "first:"
_DAYS_AFTER = re.compile(r"^(?P<column>.+?)\s*\+\s*(?P<days>\d+(?:\.\d+)?)\s*d(?:ays?)?$", re.IGNORECASE)
NOW = "now"


@dataclass(frozen=True)
class HandOver:
    """How each lead's hand-over moment is found: a date ``column``, plus ``days`` after it,
    or the first activity of type ``activity``."""

    column: str | None = d.SCORED_AT
    days: float = 0.0
    activity: str | None = None

    def __post_init__(self) -> None:
        if (self.column is None) == (self.activity is None):
            raise DataError("hand-over: give either a date column or an activity type")
        if self.days < 0 or not np.isfinite(self.days):
            raise DataError(f"hand-over: days after {self.column} must be 0 or more, not {self.days}")

    @classmethod
    def parse(cls, text: str) -> HandOver:
        """``COLUMN``, ``COLUMN+Nd`` or ``first:ACTIVITY`` (what ``--hand-over`` takes)."""
        text = str(text).strip()
        if not text:
            raise DataError("hand-over: give a date column, COLUMN+Nd, or first:ACTIVITY")
        if text.lower().startswith(FIRST_PREFIX):
            activity = text[len(FIRST_PREFIX):].strip()
            if not activity:
                raise DataError("hand-over: first: needs an activity type, e.g. first:demo_request")
            return cls(column=None, activity=activity)
        found = _DAYS_AFTER.match(text)
        if found:
            return cls(column=found["column"].strip(), days=float(found["days"]))
        return cls(column=text)

    def text(self) -> str:
        """The form ``parse`` reads back."""
        if self.activity is not None:
            return f"{FIRST_PREFIX}{self.activity}"
        return self.column if not self.days else f"{self.column}+{self.days:g}d"

    def describe(self) -> str:
        """In words, for a caption or a CLI line."""
        if self.activity is not None:
            return f"the first '{self.activity}' activity"
        if not self.days:
            return f"the {self.column} column"
        return f"{self.days:g} days after {self.column}"

    def moments(self, leads: pd.DataFrame, activities: pd.DataFrame | None,
                lead_positions: np.ndarray | None = None) -> np.ndarray:
        """Per lead (in ``leads`` order): the hand-over moment in UTC nanoseconds, ``NAT``
        where there is none. ``lead_positions``: each activity's lead position (-1 unknown),
        needed for ``first:``."""
        if self.activity is None:
            d.require_columns(leads, [self.column], "hand-over")
            stamps = d.to_utc_ns(leads[self.column].reset_index(drop=True), self.column, leads)
            shift = round(self.days * d.NS_PER_DAY)
            return np.where(stamps != NAT, stamps + shift, NAT)
        if activities is None or lead_positions is None:
            raise DataError(f"hand-over: first:{self.activity} needs an activities file")
        keys = ValueColumn(activities[d.ACTIVITY].reset_index(drop=True)).key
        occurred = d.to_utc_ns(activities[d.OCCURRED_AT].reset_index(drop=True), d.OCCURRED_AT, activities)
        return self.first_of_type(len(leads), lead_positions, occurred, keys == self.activity_key())

    def activity_key(self) -> str:
        """The ``first:`` activity type as models match types: trimmed, ignoring case."""
        return str(ValueColumn(pd.Series([self.activity])).key[0])

    def first_of_type(self, lead_count: int, positions: np.ndarray, occurred: np.ndarray,
                      of_type: np.ndarray) -> np.ndarray:
        """Per lead, the earliest ``occurred`` among its activity rows ``of_type`` (a mask);
        ``NAT`` for a lead with none. The Scorer calls it with the rows it has already read."""
        if not of_type.any():
            raise DataError(f"hand-over: no activity of type {self.activity!r} in the activities file",
                            column=d.ACTIVITY)
        return _earliest(lead_count, positions, occurred, of_type)


def _earliest(lead_count: int, positions: np.ndarray, occurred: np.ndarray, of_type: np.ndarray) -> np.ndarray:
    rows = of_type & (positions >= 0) & (occurred != NAT)
    first = np.full(lead_count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, positions[rows], occurred[rows])
    return np.where(first == np.iinfo(np.int64).max, NAT, first)


@dataclass(frozen=True)
class HandOverCounts:
    """How the leads' hand-over moments were found: what a run states beside its output."""

    choice: str  # in words: "the scored_at column", "14 days after created_at", "none"
    with_moment: int  # leads with their own hand-over moment
    without_moment: int  # leads with none (their activities use the run's as-of, if any)
    fell_back: int  # of those, leads with activities aged at the run's as-of
    as_of: pd.Timestamp | None  # the run's as-of, when given
    as_of_choice: str | None  # "2025-12-31 00:00 UTC" or "now (2026-12-04 16:50 UTC)"

    def sentence(self) -> str:
        """One line: how ages were measured, and who fell back to the run's as-of."""
        total = self.with_moment + self.without_moment
        parts = [f"Hand-over moment: {self.choice} ({self.with_moment:,} of {total:,} leads)"]
        if self.as_of_choice is not None:
            parts.append(f"run as-of {self.as_of_choice}")
        if self.fell_back:
            parts.append(f"{self.fell_back:,} leads without a hand-over moment had their activities "
                         f"aged at the run's as-of")
        return "; ".join(parts)


class AsOfRequired(DataError):
    """Leads with activities but no hand-over moment, and no run as-of to age them at."""

    def __init__(self, leads: int, choice: str):
        self.leads = leads
        self.choice = choice
        super().__init__(
            f"{_leads_have(leads)} activities but no hand-over moment from {choice}: "
            "choose when they were evaluated — a fixed as-of date (--as-of 2025-12-31), the time of "
            "the run (--as-of now), or another hand-over moment (--hand-over COLUMN, COLUMN+Nd or "
            "first:ACTIVITY)", column=d.SCORED_AT)

    def in_app(self) -> str:
        """The same in the app's words (its controls, not the CLI's options)."""
        return (f"{_leads_have(self.leads)} activities but no hand-over moment from {self.choice}, so nothing "
                "says what was known when they were handed over. Choose the hand-over moment, or an as-of "
                "date for them, under *Hand-over moment* on the Data page.")


def _leads_have(count: int) -> str:
    return "1 lead has" if count == 1 else f"{count:,} leads have"


def as_of_choice(as_of: object) -> tuple[int | None, str | None]:
    """The run's as-of in UTC nanoseconds and in words; ``now`` is the time of this call."""
    if as_of is None:
        return None, None
    if isinstance(as_of, str) and as_of.strip().lower() == NOW:
        stamp = pd.Timestamp.now(tz="UTC")
        return int(stamp.value), f"now ({stamp:%Y-%m-%d %H:%M} UTC)"
    ns = d.parse_instant(as_of)
    return ns, f"{pd.Timestamp(ns, tz='UTC'):%Y-%m-%d %H:%M} UTC"
