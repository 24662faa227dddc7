"""The same model on two periods: has the population moved, and do the cells still hold?

Two periods are two leads tables, one table split by ``created_at`` at a date
(``split_leads``; ``months`` keeps only that many months either side: "this quarter vs
last"), or any two date ranges of one table (``window_leads``: Oct–Nov against Jan–Feb).
``drift`` scores both with one model and gives the rating distribution per period, the
population stability index (PSI) of the profile grade, the engagement grade and the
rating, read in words (below 0.1 stable, 0.1 to 0.25 a moderate shift, 0.25 or more a
major one), and acceptance and conversion per cell in each period with 95 % Wilson
intervals. Each period needs at least ``MIN_PERIOD_LEADS`` leads: a period of one lead
gave a PSI of 6.2, "major shift".

PSI = sum over categories of (after share - before share) * ln(after share / before
share), the earlier period as the reference; a share of 0 counts as ``PSI_FLOOR`` so an
empty category gives a large but finite index. Small periods give a large PSI by chance
alone, so each PSI comes with ``chance_psi``: the PSI that two periods of these sizes
drawn from one population (both periods' leads pooled) exceed one time in twenty, from
seeded redraws. A PSI within it is read as "within chance", whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from scoring.data.read import NAT, to_utc_ns
from scoring.engine.scorer import Scorer
from scoring.engine.subset import LeadSubset
from scoring.errors import DataError
from scoring.measures.metrics import Outcomes, Preview, preview
from scoring.measures.stats import PSI_FLOOR, psi_of_shares
from scoring.measures.stats import population_stability as population_stability  # re-exported
from scoring.model.schema import LETTERS, NUMBERS, RATINGS, LeadModel

MIN_PERIOD_LEADS = 30  # fewer leads in a period than this and drift refuses to compare
CHANCE_DRAWS = 2000  # redraws of the pooled population behind chance_psi
CHANCE_QUANTILE = 0.95
MAX_MONTHS = 1200  # a window of months either side: at most a century
PSI_MODERATE = 0.1
PSI_MAJOR = 0.25
RATE_COLUMNS = ("leads", "decided", "acceptance_rate", "acceptance_low", "acceptance_high",
                "conversion_known", "conversion_rate", "conversion_low", "conversion_high")


def chance_psi(before: np.ndarray, after: np.ndarray, floor: float = PSI_FLOOR, draws: int = CHANCE_DRAWS,
               seed: int = 0) -> float:
    """The PSI two periods of these sizes, drawn from one population (the pooled counts' shares),
    exceed one time in twenty: the 95th percentile of ``draws`` seeded redraws (NaN when a
    period is empty)."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    sizes = round(float(before.sum())), round(float(after.sum()))
    if min(sizes) <= 0:
        return float("nan")
    pooled = (before + after) / (before + after).sum()
    rng = np.random.default_rng(seed)
    first, second = (rng.multinomial(size, pooled, size=draws) / size for size in sizes)
    values = psi_of_shares(first, second, floor)
    return float(np.quantile(values, CHANCE_QUANTILE))


def psi_reading(value: float, chance: float | None = None, leads: tuple[int, int] | None = None) -> str:
    """The usual reading of a PSI, in words; with ``chance`` (``chance_psi``) and the periods'
    ``leads``, a PSI within chance says so instead."""
    if value != value:
        return "cannot tell: a period has no leads"
    if chance is not None and chance == chance and value <= chance:
        sizes = "" if leads is None else f" with {leads[0]:,} and {leads[1]:,} leads"
        return (f"within chance: two periods{sizes} drawn from the same leads give a PSI up to {chance:.3f} "
                "one time in twenty, so this one shows no shift")
    if value < PSI_MODERATE:
        return "stable: below 0.1, the population has hardly moved"
    if value < PSI_MAJOR:
        return "moderate shift: between 0.1 and 0.25, check what changed before trusting last period's rates"
    return "major shift: 0.25 or more, the thresholds need recalibrating on recent leads"


@dataclass(frozen=True)
class Periods:
    """One leads table split in two at ``split``; leads without a date are in neither."""

    before: pd.DataFrame
    after: pd.DataFrame
    split: pd.Timestamp
    first: pd.Timestamp  # the earliest date of the whole table
    last: pd.Timestamp
    undated: int
    start: pd.Timestamp | None = None  # with ``months``: where the earlier period starts
    end: pd.Timestamp | None = None  # and where the later one ends (exclusive)
    ranges: tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]] | None = None  # first and
    # last day of each period, for two chosen windows (``window_leads``)
    before_rows: np.ndarray | None = None  # where each period's leads are in the table that was split
    after_rows: np.ndarray | None = None

    def labels(self) -> tuple[str, str]:
        """The two periods in words, e.g. ``2025-04-01 to 2025-06-30``."""
        if self.ranges is not None:
            return tuple(f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" for first, last in self.ranges)
        day = pd.Timedelta(days=1)
        start = self.start or self.first
        end = (self.end - day) if self.end is not None else self.last
        return (f"{start:%Y-%m-%d} to {self.split - day:%Y-%m-%d}", f"{self.split:%Y-%m-%d} to {end:%Y-%m-%d}")


def _utc(value: object) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _dates(leads: pd.DataFrame, column: str) -> np.ndarray:
    if column not in leads.columns:
        raise DataError(f"no {column} column to split the leads by date; give the two periods as two files "
                        "instead (--leads-before and --leads-after)", source=leads.attrs.get("source"))
    stamps = to_utc_ns(leads[column].reset_index(drop=True), column, leads)
    if not (stamps != NAT).any():
        raise DataError(f"column {column} holds no dates to split the leads by", source=leads.attrs.get("source"))
    return stamps


def split_leads(leads: pd.DataFrame, split: object, column: str = "created_at", months: int | None = None) -> Periods:
    """``leads`` dated before ``split`` and from ``split`` on (by ``column``); with ``months``,
    only the ``months`` months before the split and the ``months`` months from it."""
    try:
        at = _utc(split)
    except (ValueError, TypeError):
        raise DataError(f"split date: cannot read {split!r} as a date") from None
    if at is pd.NaT:
        raise DataError(f"split date: cannot read {split!r} as a date")
    stamps = _dates(leads, column)
    dated = stamps != NAT
    first, last = (pd.Timestamp(int(f(stamps[dated])), tz="UTC") for f in (np.min, np.max))
    if not first < at <= last:
        raise DataError(f"the split date {at:%Y-%m-%d} is outside the data: {column} runs from {first:%Y-%m-%d} "
                        f"to {last:%Y-%m-%d}, so one period would be empty; pick a date in between")
    split_ns = int(at.as_unit("ns").value)
    before, after = dated & (stamps < split_ns), dated & (stamps >= split_ns)
    start = end = None
    if months is not None:
        if not 1 <= months <= MAX_MONTHS:
            raise DataError(f"months: give a whole number of months from 1 to {MAX_MONTHS:,}, not {months:,}")
        try:
            start, end = at - pd.DateOffset(months=months), at + pd.DateOffset(months=months)
            start_ns, end_ns = int(start.as_unit("ns").value), int(end.as_unit("ns").value)
        except (ValueError, OverflowError):  # pandas' OutOfBoundsDatetime is a ValueError
            raise DataError(f"months: {months:,} months either side of {at:%Y-%m-%d} run past the dates a "
                            "timestamp can hold; give fewer months") from None
        before &= stamps >= start_ns
        after &= stamps < end_ns
        if not before.any() or not after.any():
            empty = "before" if not before.any() else "after"
            span = "month" if months == 1 else f"{months} months"
            raise DataError(f"no lead has a {column} in the {span} {empty} {at:%Y-%m-%d}; "
                            "pick another split date or more months")
    return Periods(leads.loc[before].reset_index(drop=True), leads.loc[after].reset_index(drop=True), at,
                   first, last, int((~dated).sum()), start, end, None, np.flatnonzero(before), np.flatnonzero(after))


def _count_between(stamps: np.ndarray, start: pd.Timestamp, end: pd.Timestamp) -> int:
    return int(((stamps >= int(start.as_unit("ns").value)) & (stamps < int(end.as_unit("ns").value))).sum())


def quarter_split(leads: pd.DataFrame, column: str = "created_at", min_leads: int = MIN_PERIOD_LEADS) -> pd.Timestamp:
    """"This quarter vs last": the start of the latest calendar quarter that ended by the last
    ``column`` date (or, when the data spans less, of the quarter holding that date). When the
    quarter before it holds fewer than ``min_leads`` leads (a history that starts late in it),
    the split moves a quarter on, to the start of the quarter holding the last date, if both
    quarters then hold enough."""
    stamps = _dates(leads, column)
    dated = stamps[stamps != NAT]
    first, last = pd.Timestamp(int(dated.min()), tz="UTC"), pd.Timestamp(int(dated.max()), tz="UTC")
    current = pd.Timestamp(year=last.year, month=3 * ((last.month - 1) // 3) + 1, day=1, tz="UTC")
    candidates = [split for split in (current - pd.DateOffset(months=3), current) if split > first]
    if not candidates:
        raise DataError(f"{column} runs from {first:%Y-%m-%d} to {last:%Y-%m-%d}, within one quarter: "
                        "nothing to compare it with")
    quarter = pd.DateOffset(months=3)
    for split in candidates:
        if min(_count_between(dated, split - quarter, split), _count_between(dated, split, split + quarter)) >= min_leads:
            return split
    return candidates[0]


def quarter_ranges(split: pd.Timestamp) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]]:
    """The quarter before ``split`` and the quarter from it, each as its first and last day."""
    day, quarter = pd.Timedelta(days=1), pd.DateOffset(months=3)
    return (split - quarter, split - day), (split, split + quarter - day)


def _day(value: object, what: str) -> pd.Timestamp:
    try:
        day = _utc(value)
    except (ValueError, TypeError):
        raise DataError(f"{what}: cannot read {value!r} as a date") from None
    if day is pd.NaT:
        raise DataError(f"{what}: cannot read {value!r} as a date")
    return day.normalize()


def window_leads(leads: pd.DataFrame, before: tuple[object, object], after: tuple[object, object],
                 column: str = "created_at") -> Periods:
    """The leads dated (by ``column``) within each of two date ranges, each given as its first
    and last day (both included): any two windows, e.g. Oct–Nov against Jan–Feb. The earlier
    range is the reference; the ranges must not overlap."""
    ranges = []
    for name, (first, last) in (("earlier period", before), ("later period", after)):
        start, end = _day(first, f"{name} start"), _day(last, f"{name} end")
        if end < start:
            raise DataError(f"the {name} ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
        ranges.append((start, end))
    (start_1, end_1), (start_2, end_2) = ranges
    if start_2 <= end_1:
        raise DataError(f"the later period ({start_2:%Y-%m-%d} to {end_2:%Y-%m-%d}) must start after the earlier "
                        f"one ends ({end_1:%Y-%m-%d})")
    stamps = _dates(leads, column)
    dated = stamps != NAT
    day = pd.Timedelta(days=1)
    masks = [dated & (stamps >= int(start.as_unit("ns").value)) & (stamps < int((end + day).as_unit("ns").value))
             for start, end in ranges]
    first, last = (pd.Timestamp(int(f(stamps[dated])), tz="UTC") for f in (np.min, np.max))
    return Periods(leads.loc[masks[0]].reset_index(drop=True), leads.loc[masks[1]].reset_index(drop=True), start_2,
                   first, last, int((~dated).sum()), start_1, end_2 + day, (ranges[0], ranges[1]),
                   np.flatnonzero(masks[0]), np.flatnonzero(masks[1]))


def check_period_sizes(before: int, after: int, labels: tuple[str, str] = ("before", "after"),
                       min_leads: int = MIN_PERIOD_LEADS) -> None:
    """Refuse, in one sentence, two periods one of which holds fewer than ``min_leads`` leads."""
    for name, count, label in (("earlier", before, labels[0]), ("later", after, labels[1])):
        if count < min_leads:
            lead_word = "lead" if count == 1 else "leads"
            raise DataError(f"the {name} period ({label}) has {count:,} {lead_word}; comparing periods needs at "
                            f"least {min_leads} leads in each, so pick a wider window or another date")


def _grade_counts(leads_per_cell: np.ndarray) -> dict[str, np.ndarray]:
    grid = np.asarray(leads_per_cell, dtype=float).reshape(len(LETTERS), len(NUMBERS))
    return {"profile grade": grid.sum(axis=1), "engagement grade": grid.sum(axis=0), "rating": grid.reshape(-1)}


@dataclass(frozen=True)
class Drift:
    """One model on two periods."""

    model: LeadModel
    before: Preview
    after: Preview
    labels: tuple[str, str] = ("before", "after")

    @property
    def distribution(self) -> pd.DataFrame:
        """Per rating: leads and share of leads in each period."""
        table = pd.DataFrame(index=pd.Index(RATINGS, name="rating"))
        for name, result in (("before", self.before), ("after", self.after)):
            leads = result.matrix.loc[list(RATINGS), "leads"].to_numpy(dtype=np.int64)
            table[f"leads_{name}"] = leads
            table[f"share_{name}"] = leads / leads.sum() if leads.sum() else np.nan
        return table

    @cached_property
    def stability(self) -> pd.DataFrame:
        """PSI of the profile grade, the engagement grade and the rating, with its reading."""
        counts_before = _grade_counts(self.before.matrix.loc[list(RATINGS), "leads"].to_numpy())
        counts_after = _grade_counts(self.after.matrix.loc[list(RATINGS), "leads"].to_numpy())
        rows = []
        for axis in counts_before:
            value = population_stability(counts_before[axis], counts_after[axis])
            chance = chance_psi(counts_before[axis], counts_after[axis])
            leads = int(counts_before[axis].sum()), int(counts_after[axis].sum())
            rows.append({"axis": axis, "psi": value, "chance": chance, "reading": psi_reading(value, chance, leads)})
        return pd.DataFrame(rows).set_index("axis")

    @property
    def rates(self) -> pd.DataFrame:
        """Per rating: acceptance and conversion with their intervals and counts, per period."""
        table = pd.DataFrame(index=pd.Index(RATINGS, name="rating"))
        for name, result in (("before", self.before), ("after", self.after)):
            for column in RATE_COLUMNS:
                table[f"{column}_{name}"] = result.matrix.loc[list(RATINGS), column].to_numpy()
        return table

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "model": self.model.name, "version": self.model.version,
            "periods": {"before": self.labels[0], "after": self.labels[1]},
            "stability": self.stability.to_dict(orient="index"),
            "distribution": self.distribution.to_dict(orient="index"),
            "rates": self.rates.to_dict(orient="index"),
            "to_sales": {"before": self.before.sales.as_dict(), "after": self.after.sales.as_dict()},
        }


def drift(model: LeadModel, before: Scorer | LeadSubset, after: Scorer | LeadSubset, outcomes: Outcomes | None = None,
          labels: tuple[str, str] = ("before", "after"), min_leads: int = MIN_PERIOD_LEADS) -> Drift:
    """Score both periods' leads with ``model`` and put the results side by side; a period with
    fewer than ``min_leads`` leads is refused in one sentence (``DataError``)."""
    check_period_sizes(len(before.leads), len(after.leads), labels, min_leads)
    outcomes = outcomes or Outcomes()
    return Drift(model, preview(model, before, outcomes), preview(model, after, outcomes), labels)


def period_scorers(model: LeadModel, before: pd.DataFrame, after: pd.DataFrame,
                   activities: pd.DataFrame | None = None, as_of: object = None,
                   mapping: Mapping[str, Mapping[str, str]] | None = None, *,
                   hand_over: object = None) -> tuple[Scorer, Scorer]:
    """A Scorer per period; one activities table serves both (each period joins its own leads),
    each given only its own leads' activities where the ids are integers: a period prepares
    its share of the log, not all of it (half the time of each at a million leads)."""
    columns = model.column_mapping(mapping)
    return tuple(Scorer.for_model(model, leads, _activities_of(leads, activities, columns), as_of, mapping=mapping,
                                  hand_over=hand_over) for leads in (before, after))


def period_subsets(scorer: Scorer, periods: Periods) -> tuple[LeadSubset, LeadSubset]:
    """Each period's leads as a part of ``scorer`` (``periods`` split ``scorer.leads``): the same
    scores as ``period_scorers`` (a lead's score depends only on its own row and activities),
    without preparing either period again."""
    if periods.before_rows is None or periods.after_rows is None:
        raise ValueError("periods without their rows: split scorer.leads with split_leads or window_leads")
    return LeadSubset(scorer, periods.before_rows), LeadSubset(scorer, periods.after_rows)


def _activities_of(leads: pd.DataFrame, activities: pd.DataFrame | None,
                   columns: Mapping[str, Mapping[str, str]]) -> pd.DataFrame | None:
    """The activities whose lead id is one of ``leads``', when both id columns hold integers
    (the Scorer then compares ids as integers too, so it joins the same rows); else all."""
    lead_ids = columns.get("leads", {}).get("lead_id", "lead_id")
    activity_ids = columns.get("activities", {}).get("lead_id", "lead_id")
    if activities is None or lead_ids not in leads.columns or activity_ids not in activities.columns:
        return activities
    if not all(pd.api.types.is_signed_integer_dtype(ids) for ids in (leads[lead_ids], activities[activity_ids])):
        return activities
    return activities[activities[activity_ids].isin(leads[lead_ids])]
