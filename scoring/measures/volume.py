"""Leads per month, over a stated window of the history.

Volume grows: a history's average per month can be far below what sales get today. So
every per-month figure is counted over a window, named beside it ("136 a month,
Jul–Sep 2025"): the to-sales leads dated inside the window divided by the window's months.

A lead is dated by its hand-over: ``scored_at``, else ``created_at`` (``Window.dated_by``
says which the data used). The data covers the days from its first to its last
``created_at`` (the extract: a lead handed over later may still be missing), or, without
that column, its first to last hand-over. The window is a ``PerMonth`` choice, resolved
against those dates (``resolve``):

- ``last-quarter`` (the default): the last calendar quarter the data covers completely,
  from its first day to its last (the data's first and last dates, by day);
- ``last-month``, ``last-N-months``: the last N complete calendar months;
- ``all``: the whole history: every dated lead, over the months the data covers (at least 1);
- ``YYYY-MM-DD..YYYY-MM-DD``: a chosen date range, both days included.

When the data covers less than the complete months asked for, the window falls back to
the whole history, and says so (``Window.fallback``); without any date there is no
window and no per-month figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from scoring.data.missing import NAT
from scoring.data.read import SCORED_AT, to_utc_ns
from scoring.errors import DataError

DAYS_PER_MONTH = 365.25 / 12
QUARTER, MONTHS, ALL, RANGE, NONE = "last-quarter", "last-months", "all", "range", "none"
_LAST_MONTHS = re.compile(r"^last-(\d+)-months?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
SPELLINGS = "last-quarter, last-month, last-N-months, all, or YYYY-MM-DD..YYYY-MM-DD"


@dataclass(frozen=True)
class PerMonth:
    """Which months the per-month figures are counted over (what ``--per-month`` takes)."""

    kind: str = QUARTER  # QUARTER, MONTHS, ALL or RANGE
    count: int = 3  # MONTHS: how many complete months
    first_day: date | None = None  # RANGE: both days included
    last_day: date | None = None

    @classmethod
    def parse(cls, text: object) -> PerMonth:
        """``last-quarter``, ``last-month``, ``last-N-months``, ``all`` or ``YYYY-MM-DD..YYYY-MM-DD``."""
        spelled = str(text).strip().lower()
        if spelled in (QUARTER, "quarter"):
            return cls()
        if spelled in ("last-month", "month"):
            return cls(MONTHS, 1)
        if spelled in (ALL, "whole", "whole-history"):
            return cls(ALL)
        if found := _LAST_MONTHS.match(spelled):
            months = int(found.group(1))
            if months < 1:
                raise DataError(f"per month: give at least 1 month, not {text!r}")
            return cls(MONTHS, months)
        if found := _RANGE.match(spelled):
            try:
                first, last = (date.fromisoformat(found.group(i)) for i in (1, 2))
            except ValueError as error:
                raise DataError(f"per month: {text!r} is not a date range ({error})") from None
            if last < first:
                raise DataError(f"per month: the range {text!r} ends before it starts")
            return cls(RANGE, 0, first, last)
        raise DataError(f"per month: cannot read {text!r}; give {SPELLINGS}")

    def __str__(self) -> str:
        if self.kind == MONTHS:
            return "last-month" if self.count == 1 else f"last-{self.count}-months"
        if self.kind == RANGE:
            return f"{self.first_day}..{self.last_day}"
        return self.kind

    def describe(self) -> str:
        """The choice in words, before it meets the data ("the last complete quarter")."""
        if self.kind == QUARTER:
            return "the last complete quarter"
        if self.kind == MONTHS:
            return "the last complete month" if self.count == 1 else f"the last {self.count} complete months"
        if self.kind == ALL:
            return "the whole history"
        return f"{self.first_day} to {self.last_day}"


LAST_QUARTER = PerMonth()


@dataclass(frozen=True)
class Window:
    """The months per-month figures were counted over, resolved against the leads' dates."""

    choice: PerMonth  # what was asked
    name: str  # what was used: the choice's spelling, ALL after a fallback, NONE without dates
    start: pd.Timestamp | None  # the first moment inside (UTC)
    end: pd.Timestamp | None  # the first moment after
    months: float | None
    label: str  # "Jul–Sep 2025", "whole history, 3 Jan 2024–30 Sep 2025", "no dates"
    dated_by: str | None  # "scored_at", "created_at" or "scored_at, else created_at"
    fallback: str | None = None  # why the window is not the one asked for

    def contains(self, dates: np.ndarray) -> np.ndarray:
        """Per lead (int64 UTC nanoseconds, ``NAT`` where undated): is it dated inside?"""
        if self.start is None or self.end is None:
            return np.zeros(len(dates), dtype=bool)
        return (dates != NAT) & (dates >= self.start.value) & (dates < self.end.value)

    @property
    def first_day(self) -> date | None:
        return None if self.start is None else self.start.date()

    @property
    def last_day(self) -> date | None:
        return None if self.end is None else (self.end - pd.Timedelta(1, "ns")).date()

    def as_dict(self) -> dict[str, object]:
        """For JSON: the name, the first and last day (both included), months, label, dating."""
        return {"name": self.name, "asked": str(self.choice),
                "start": None if self.first_day is None else self.first_day.isoformat(),
                "end": None if self.last_day is None else self.last_day.isoformat(),
                "months": self.months, "label": self.label, "dated_by": self.dated_by,
                "fallback": self.fallback}


@dataclass(frozen=True)
class Dating:
    """How the leads are dated for per-month figures."""

    dates: np.ndarray  # per lead, its hand-over: int64 UTC ns, NAT where undated
    dated_by: str | None  # "scored_at", "created_at", "scored_at, else created_at"
    covered: tuple[int, int] | None  # first and last created_at (else hand-over), UTC ns

    def subset(self, within: np.ndarray) -> Dating:
        """The dates of the leads ``within`` (a mask); what the data covers stays."""
        return Dating(self.dates[within], self.dated_by, self.covered)


def handover_dates(leads: pd.DataFrame, created_at: str = "created_at",
                   moments: tuple[np.ndarray, str] | None = None) -> Dating:
    """Per lead, its hand-over moment: ``scored_at``, else ``created_at``; which of them
    dated the leads; and what the data covers (the created_at span, else the hand-overs').
    A date column that cannot be read is skipped, as the data-quality summary does.
    ``moments``: the hand-over moments a Scorer already found (int64 UTC ns per lead, NAT
    where none) and their name, read instead of ``scored_at``."""
    dates = np.full(len(leads), NAT, dtype=np.int64)
    used, covered = [], None
    for column in dict.fromkeys((SCORED_AT, created_at)):
        if column == SCORED_AT and moments is not None:
            stamps, column = moments
        elif column not in leads.columns:
            continue
        else:
            try:
                stamps = to_utc_ns(leads[column].reset_index(drop=True), column, leads)
            except DataError:
                continue
        fill = (dates == NAT) & (stamps != NAT)
        if fill.any():
            dates[fill] = stamps[fill]
            used.append(column)
        if column == created_at and (stamps != NAT).any():
            covered = (int(stamps[stamps != NAT].min()), int(stamps[stamps != NAT].max()))
    if covered is None and (dates != NAT).any():
        covered = (int(dates[dates != NAT].min()), int(dates[dates != NAT].max()))
    return Dating(dates, ", else ".join(dict.fromkeys(used)) or None, covered)


def scorer_hand_over(scorer: object) -> tuple[np.ndarray, str] | None:
    """A Scorer's hand-over moments (its column, COLUMN+Nd or first:ACTIVITY) and their
    name, for ``handover_dates``; None when it has no hand-over choice."""
    hand_over = getattr(scorer, "hand_over", None)
    if hand_over is None:
        return None
    plain = hand_over.activity is None and not hand_over.days
    return scorer.scored_ns, hand_over.column if plain else hand_over.describe()


def resolve(choice: PerMonth, dating: Dating) -> Window:
    """The window ``choice`` gives on leads dated as ``dating`` says."""
    dates, dated_by = dating.dates, dating.dated_by
    dated = dates[dates != NAT]
    if not len(dated) or dating.covered is None:
        return Window(choice, NONE, None, None, None, "no dates", None)
    first, last = (pd.Timestamp(stamp, tz="UTC") for stamp in dating.covered)
    if choice.kind == ALL:
        return _whole(choice, first, last, dated, dated_by)
    if choice.kind == RANGE:
        start = pd.Timestamp(choice.first_day, tz="UTC")
        end = pd.Timestamp(choice.last_day, tz="UTC") + pd.Timedelta(days=1)
        label = _label(start, end)
        if start < first.normalize() or end > last.normalize() + pd.Timedelta(days=1):  # counts what is there
            label += f" (the data covers {_days(first, last)})"
        return Window(choice, str(choice), start, end, calendar_months(start, end), label, dated_by)
    months = 3 if choice.kind == QUARTER else choice.count
    end = _month_floor(last.normalize() + pd.Timedelta(days=1), 3 if choice.kind == QUARTER else 1)
    start = end - pd.DateOffset(months=months)
    if start < first.normalize():
        covered = _days(first, last)
        wanted = "one complete quarter" if choice.kind == QUARTER else (
            "one complete month" if months == 1 else f"{months} complete months")
        reason = f"the data ({covered}) covers less than {wanted}"
        return _whole(choice, first, last, dated, dated_by, reason)
    return Window(choice, str(choice), start, end, float(months), _label(start, end), dated_by)


def _whole(choice: PerMonth, first: pd.Timestamp, last: pd.Timestamp, dated: np.ndarray, dated_by: str | None,
           fallback: str | None = None) -> Window:
    """Every dated lead (a hand-over after the last created_at too), over the months from
    the first to the last day covered (at least 1)."""
    months = max((last - first) / pd.Timedelta(days=DAYS_PER_MONTH), 1.0)
    label = f"whole history, {_days(first, last)}"
    start = min(first, pd.Timestamp(dated.min(), tz="UTC"))
    end = max(last, pd.Timestamp(dated.max(), tz="UTC")) + pd.Timedelta(1, "ns")
    return Window(choice, ALL, start, end, months, label, dated_by, fallback)


def calendar_months(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Months from ``start`` to ``end``: whole calendar months, and the share of the days of
    a month a partial one covers (1 Jul to 1 Oct is 3.0; 1 to 16 Feb 2025 is 15/28)."""
    return _month_position(end) - _month_position(start)


def _month_position(moment: pd.Timestamp) -> float:
    month_start = moment.normalize().replace(day=1)
    return moment.year * 12 + moment.month - 1 + (moment - month_start) / pd.Timedelta(days=moment.days_in_month)


def _month_floor(moment: pd.Timestamp, months: int) -> pd.Timestamp:
    """The start of the calendar month (``months`` = 1) or quarter (3) ``moment`` is in."""
    return moment.normalize().replace(month=(moment.month - 1) // months * months + 1, day=1)


def _label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """Whole months as "Jul–Sep 2025" or "Sep 2025"; other ranges by day."""
    if start == start.normalize() and end == end.normalize() and start.day == 1 and end.day == 1:
        last = end - pd.DateOffset(months=1)
        if last == start:
            return f"{start:%b %Y}"
        return f"{start:%b}–{last:%b %Y}" if start.year == last.year else f"{start:%b %Y}–{last:%b %Y}"
    return _days(start, end - pd.Timedelta(1, "ns"))


def _days(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """ "3 Jan 2025", "3 Jan–20 Feb 2025" or "3 Jan 2024–30 Sep 2025": the days both dates fall on."""
    if first.normalize() == last.normalize():
        return f"{first.day} {first:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b}–{last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"


def months_present(window: Window, dates: np.ndarray, inside: np.ndarray) -> float | None:
    """The months a slice of the leads (a segment) is counted over: the window's months, or
    fewer when the slice's leads inside it fall in fewer calendar months (a segment of one
    month is not spread over a quarter). None without dates; the window's months when the
    slice has no lead inside (its count is then 0)."""
    if window.months is None:
        return None
    picked = dates[inside]
    if not len(picked):
        return window.months
    calendar = np.unique(picked.astype("datetime64[ns]").astype("datetime64[M]")).size
    return min(window.months, float(calendar))


def per_month_text(value: float | None, window: Window | None, digits: int = 0) -> str:
    """A per-month figure with its window: "136 a month, Jul–Sep 2025"."""
    if value is None or window is None or window.months is None:
        return "– a month (no dates)"
    return f"{value:,.{digits}f} a month, {window.label}"


def monthly_volume(dates: np.ndarray, to_sales: np.ndarray, window: Window | None = None) -> pd.DataFrame:
    """Per calendar month from the first dated lead to the last: its leads, its to-sales
    leads, and whether the month lies inside ``window``; undated leads are left out."""
    dated = dates != NAT
    columns = ["month", "leads", "to_sales", "in_window"]
    if not dated.any():
        return pd.DataFrame(columns=columns)
    months = dates[dated].astype("datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    first = int(months.min())
    offsets = months - first
    size = int(offsets.max()) + 1
    leads = np.bincount(offsets, minlength=size)
    sales = np.bincount(offsets, weights=np.asarray(to_sales, dtype=bool)[dated].astype(float), minlength=size)
    starts = pd.to_datetime(np.arange(first, first + size).astype("datetime64[M]")).tz_localize("UTC")
    inside = np.zeros(size, dtype=bool)
    if window is not None and window.start is not None and window.end is not None:
        inside = np.asarray((starts >= window.start.normalize().replace(day=1)) & (starts < window.end))
    return pd.DataFrame({"month": starts.strftime("%Y-%m"), "leads": leads.astype(np.int64),
                         "to_sales": np.rint(sales).astype(np.int64), "in_window": inside})
