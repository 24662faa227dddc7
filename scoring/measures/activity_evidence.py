"""Per activity type: when its occurrences happened against each lead's hand-over moment,
how many an engagement entry counts, and how the leads that had it turned out.

An activity counts for a lead when it is dated at or before the lead's hand-over moment
(``Scorer.lead_as_of_ns``) and, with ``max_age_days``, not older than that; one dated after
it could not have been known when the lead was rated and counts nothing. A type whose
occurrences are mostly after the hand-over adds almost nothing, whatever its points: the
Engagement page shows the counts beside each entry so the room sees it.

The public functions:

- ``activity_rows(scorer)``: every activity row joined to its lead, timed against the
  hand-over (computed once per scorer);
- ``type_timing(scorer)``: per activity type, occurrences before and after the hand-over;
- ``activity_evidence(scorer, model)``: per activity entry, occurrences counted, after the
  hand-over and too old, the leads that had it before the hand-over and their acceptance
  and conversion with 95 % Wilson intervals (the evidence profile values get);
- ``had_before_handover(scorer, activity, max_age_days, where)``: per lead, whether it had
  the activity (of the rows an entry's ``where`` keeps) in time to count;
- ``after_handover_of(scorer, position)``: one lead's activities left out as after its hand-over;
- ``counts_text(row)`` and ``field_counts_text(scorer, field)``: the counts in one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.data import read as d
from scoring.engine.scorer import Scorer
from scoring.engine.values import canonical_item
from scoring.engine.where import Where, where_key
from scoring.measures.evidence import RATE_COLUMNS, group_outcomes
from scoring.measures.metrics import Outcomes, history_of
from scoring.model.schema import LeadModel

OUTCOMES = Outcomes()
EVIDENCE_COLUMNS = ("id", "label", "activity", "points", "occurrences", "counted", "after_handover", "too_old",
                    "not_aged", *RATE_COLUMNS)


@dataclass(frozen=True)
class ActivityRows:
    """Every row of the activities table (in table order), joined to its lead by id."""

    position: np.ndarray  # the lead's row position, -1 for an id the leads table lacks
    occurred: np.ndarray  # int64 UTC nanoseconds, NAT when the row has no date
    type_code: np.ndarray  # index into ``names``
    names: list[str]  # activity types as entries are matched to them (trimmed, lower case)
    age_days: np.ndarray  # days from the activity to its lead's hand-over; NaN when not aged
    aged: np.ndarray  # known lead, dated, and the lead has a hand-over moment
    before: np.ndarray  # aged, at or before the lead's hand-over moment: what scoring may count
    after: np.ndarray  # aged, after the lead's hand-over moment: never counted
    by_type: np.ndarray  # row numbers sorted by type code (stable: table order within a type)
    type_starts: np.ndarray  # where each type code's rows start in ``by_type`` (one more at the end)

    def of_type(self, activity: str) -> np.ndarray:
        """Row numbers of one activity type (as an entry names it), in table order."""
        key = canonical_item(activity)
        if key not in self.names:
            return np.empty(0, dtype=np.intp)
        code = self.names.index(key)
        return self.by_type[self.type_starts[code]:self.type_starts[code + 1]]


def activity_rows(scorer: Scorer) -> ActivityRows | None:
    """The scorer's activities timed against each lead's hand-over; None without activities."""
    if scorer.activities is None:
        return None
    return scorer.memo(("activity_rows",), lambda: _activity_rows(scorer))


def _activity_rows(scorer: Scorer) -> ActivityRows:
    log = scorer.activity_log
    position, occurred, codes, names = log.position, log.occurred_ns, log.type_code, log.type_names
    moment = np.full(len(position), d.NAT, dtype=np.int64)
    moment[position >= 0] = scorer.lead_as_of_ns[position[position >= 0]]
    aged = (position >= 0) & (occurred != d.NAT) & (moment != d.NAT)
    age_days = np.full(len(position), np.nan)
    age_days[aged] = (moment[aged] - occurred[aged]) / d.NS_PER_DAY  # as the engine ages them
    small = codes.astype(np.int16) if len(names) < np.iinfo(np.int16).max else codes
    by_type = np.argsort(small, kind="stable")  # a radix sort on 16-bit codes: linear in the rows
    starts = np.searchsorted(codes[by_type], np.arange(len(names) + 1))
    return ActivityRows(position, occurred, codes, names, age_days, aged, aged & (age_days >= 0),
                        aged & (age_days < 0), by_type, starts)


def type_timing(scorer: Scorer) -> pd.DataFrame:
    """Per activity type in the data (most common first): ``occurrences``, ``before_handover``,
    ``after_handover`` and ``not_aged`` (unknown lead, no date, or a lead without a hand-over
    moment). Empty without activities."""
    rows = activity_rows(scorer)
    columns = ["activity", "occurrences", "before_handover", "after_handover", "not_aged"]
    if rows is None:
        return pd.DataFrame(columns=columns)

    def count(mask: np.ndarray | None = None) -> np.ndarray:
        codes = rows.type_code if mask is None else rows.type_code[mask]
        return np.bincount(codes, minlength=len(rows.names))

    frame = pd.DataFrame({"activity": rows.names, "occurrences": count(), "before_handover": count(rows.before),
                          "after_handover": count(rows.after), "not_aged": count(~rows.aged)})
    frame = frame[(frame["activity"] != "") & (frame["occurrences"] > 0)]
    return frame.sort_values("occurrences", ascending=False, kind="stable").reset_index(drop=True)


def entry_rows(scorer: Scorer, rows: ActivityRows, activity: str, where: Where | None = None) -> np.ndarray:
    """Row numbers (table order) of one activity type that an entry's ``where`` keeps."""
    picked = rows.of_type(activity)
    kept = scorer.row_filters.mask(where) if scorer.row_filters is not None else None
    return picked if kept is None else picked[kept[picked]]


def counted_rows(rows: ActivityRows, activity: str, max_age_days: float | None,
                 picked: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows of one type (or ``picked``, those of an entry's ``where``: ``entry_rows``), and
    which of them count (before the hand-over and young enough)."""
    picked = rows.of_type(activity) if picked is None else picked
    counted = rows.before[picked]
    if max_age_days is not None:
        counted &= rows.age_days[picked] <= max_age_days
    return picked, counted


def had_before_handover(scorer: Scorer, activity: str, max_age_days: float | None = None,
                        where: Where | None = None) -> np.ndarray:
    """Per lead: it has at least one occurrence of ``activity`` (of the rows ``where`` keeps)
    that counts (at or before its hand-over moment, and not older than ``max_age_days``)."""
    rows = activity_rows(scorer)
    if rows is None:
        return np.zeros(len(scorer), dtype=bool)

    def compute() -> np.ndarray:
        picked, counted = counted_rows(rows, activity, max_age_days, entry_rows(scorer, rows, activity, where))
        had = np.zeros(len(scorer), dtype=bool)
        had[rows.position[picked[counted]]] = True
        return had

    return scorer.memo(("had_before_handover", canonical_item(activity), max_age_days, where_key(where)), compute)


def activity_evidence(scorer: Scorer, model: LeadModel, outcomes: Outcomes = OUTCOMES) -> pd.DataFrame:
    """One row per activity entry of ``model``, in order: ``id``, ``label``, ``activity``,
    ``points``; its type's ``occurrences`` in the table (those its ``where`` keeps), how many the entry ``counted`` (at or
    before the lead's hand-over, not older than ``max_age_days``), how many were
    ``after_handover``, ``too_old`` and ``not_aged``; then the leads that had it counted and
    their rates (``scoring.measures.evidence.group_outcomes``)."""
    rows = activity_rows(scorer)
    recency = model.engagement.recency
    max_age = recency.max_age_days if recency else None
    history = history_of(scorer, outcomes)
    records = []
    for entry in model.activity_entries:
        activity = entry.activity or ""
        figures = scorer.memo(("activity_evidence", canonical_item(activity), where_key(entry.where), max_age,
                               outcomes),
                              lambda activity=activity, where=entry.where: _entry_figures(
                                  scorer, rows, activity, where, max_age, history))
        records.append({"id": entry.id, "label": entry.label or entry.id, "activity": entry.activity,
                        "points": float(entry.points or 0.0), **figures})
    frame = pd.DataFrame(records, columns=list(EVIDENCE_COLUMNS))
    counts = ["occurrences", "counted", "after_handover", "too_old", "not_aged", "leads", "decided", "accepted",
              "conversion_known", "converted"]
    return frame.astype(dict.fromkeys(counts, "int64"))


def _entry_figures(scorer: Scorer, rows: ActivityRows | None, activity: str, where: Where | None,
                   max_age: float | None, history) -> dict:
    """One activity type's counts (of the rows ``where`` keeps) and the rates of the leads that
    had it (no points: kept per type and filter)."""
    occurrences = counted_count = after = too_old = not_aged = 0
    if rows is not None:
        picked, counted = counted_rows(rows, activity, max_age, entry_rows(scorer, rows, activity, where))
        occurrences, counted_count = len(picked), int(counted.sum())
        after = int(rows.after[picked].sum())
        not_aged = int((~rows.aged[picked]).sum())
        too_old = occurrences - counted_count - after - not_aged
    had = had_before_handover(scorer, activity, max_age, where)
    rates = group_outcomes(np.where(had, 0, -1), 1, history).iloc[0].to_dict()
    return {"occurrences": occurrences, "counted": counted_count, "after_handover": after, "too_old": too_old,
            "not_aged": not_aged, **rates}


def counts_text(row: dict | pd.Series) -> str:
    """An entry's occurrences as a workshop reads them, counted first: ``2 of 54,850 · 54,848 after hand-over``."""
    parts = [f"{int(row['counted']):,} of {int(row['occurrences']):,}"]
    for column, words in (("after_handover", "after hand-over"), ("too_old", "too old"),
                          ("not_aged", "without a hand-over moment or date")):
        if int(row[column]):
            parts.append(f"{int(row[column]):,} {words}")
    return " · ".join(parts)


def after_handover_of(scorer: Scorer, position: int) -> pd.DataFrame:
    """The activities of the lead at ``position`` dated after its hand-over moment (left out
    of its score), in table order: ``activity``, ``occurred_at`` and ``days_after``."""
    rows = activity_rows(scorer)
    columns = [d.ACTIVITY, d.OCCURRED_AT, "days_after"]
    if rows is None:
        return pd.DataFrame(columns=columns)
    picked = np.flatnonzero(rows.position == position)
    picked = picked[rows.after[picked]]
    frame = scorer.activities.iloc[picked][[d.ACTIVITY, d.OCCURRED_AT]].copy()
    frame["days_after"] = -rows.age_days[picked]
    return frame.reset_index(drop=True)


def field_counts_text(scorer: Scorer, field: str) -> str:
    """What an engagement entry reading a lead column counts, in one sentence: the leads with a
    value and without one. A lead column carries no date, so nothing in it can be told apart
    as after the hand-over: it must hold what was known then."""
    missing = int(scorer.column(field).missing.sum())
    return (f"`{field}`: {len(scorer) - missing:,} leads have a value, {missing:,} none. A lead column has no "
            "date, so nothing in it is left out as after the hand-over: it must hold what was known then.")
