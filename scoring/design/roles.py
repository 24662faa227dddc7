"""What each column of a leads table is for: a suggested role (``profile``, ``engagement`` or
``ignore``) with the one-line reason, from the column's name, type and values; and which
column is the outcome.

Never proposed as a criterion (role ``ignore``), checked in this order:

- the lead id and any other id: a name like ``id``, ``*_id``, ``uuid``, ``… number``, or
  values that are unique (``ID_DISTINCT`` of the present values or more, over ``ID_MIN_VALUES``);
- the outcome and every other outcome-like column (named like one and holding yes/no values);
- dates and timestamps (``DATE_SHARE`` of a sample of present values read as dates);
- columns recorded after the outcome or by the people working the lead, by name
  (``AFTER_OUTCOME_WORDS``: stage, status, reason, tags, amount, duration, a grade or score…),
  and who worked it (``SELLER_WORDS``);
- calendar parts (``month``, ``day_of_week``, …) and columns that follow the file's order
  (their value changes between consecutive rows less than ``RUN_RATIO`` as often as it would in
  a shuffled file: a period or batch, like the economic context of a campaign), unless the file is
  sorted by them;
- constant or almost constant columns (one value on ``NEAR_CONSTANT`` of the leads);
- text with more than ``MAX_TEXT_VALUES`` distinct values (too many for ``in`` rules).

The rest are ``engagement`` when their name speaks of activity (``ENGAGEMENT_WORDS``: visits,
clicks, time on site, campaign contacts…), else ``profile``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.data import read as d
from scoring.engine.values import ValueColumn
from scoring.measures.flags import FALSE_WORDS, TRUE_WORDS, read_flags

PROFILE, ENGAGEMENT, IGNORE = "profile", "engagement", "ignore"
ID_DISTINCT = 0.95
ID_MIN_VALUES = 50
DATE_SAMPLE = 200
DATE_SHARE = 0.8
NEAR_CONSTANT = 0.99
MAX_TEXT_VALUES = 100
RUN_RATIO = 0.1  # changes between consecutive rows, against a shuffled file's
RUN_MIN_EXPECTED = 0.1  # only judged where a shuffled file would change this often
FLAG_SHARE = 0.95  # an outcome's present values read as yes/no at least this often
STAGE_SHARE = 0.5  # or, for words like won/lost, at least half of them

OUTCOME_WORDS = ("converted", "conversion", "convert", "won", "win", "y", "target", "label", "outcome",
                 "approved", "approval", "accepted", "accept", "deposit", "subscribed", "purchased",
                 "purchase", "signed", "success", "sold", "closed_won", "is_won", "result")
ACCEPT_WORDS = ("accepted", "accept", "sal", "sql", "qualified")
OUTCOME_VALUE_WORDS = frozenset({"won", "lost", "converted", "accepted", "rejected"})
AFTER_OUTCOME_WORDS = ("stage", "status", "lifecycle", "reason", "tags", "tag", "quality", "notes", "note",
                       "comment", "comments", "amount", "value", "duration", "close", "closed", "lost",
                       "notable", "score", "grade", "rating", "index", "profile", "churn", "refund")
SELLER_WORDS = ("agent", "owner", "rep", "sdr", "sr", "salesperson", "assignee", "assigned", "manager")
CALENDAR_WORDS = ("month", "day_of_week", "weekday", "dow", "quarter", "week", "day", "hour")
ID_WORDS = ("id", "uuid", "guid")
ENGAGEMENT_WORDS = ("visit", "visits", "view", "views", "page", "pages", "click", "clicks", "open", "opens",
                    "opened", "time", "spent", "session", "sessions", "download", "downloads", "activity",
                    "activities", "event", "events", "webinar", "demo", "call", "calls", "contact",
                    "contacted", "campaign", "previous", "pdays", "poutcome", "touch", "touches",
                    "engagement", "chat", "last", "recency", "frequency", "count", "interactions",
                    "replies", "reply", "response", "responded", "form", "submitted", "trial", "login",
                    "logins", "usage", "active", "email", "emails")
CONSENT_PHRASES = ("do not", "opt out", "optout", "unsubscribed")  # consent describes the lead


@dataclass(frozen=True)
class ColumnRole:
    """One column's suggested role, the one-line reason, and what it holds."""

    column: str
    role: str  # PROFILE, ENGAGEMENT or IGNORE
    reason: str
    kind: str  # "number", "text", "date", "id", "outcome", "empty"
    distinct: int
    missing: int


@dataclass(frozen=True)
class OutcomeGuess:
    """The column the draft is judged by, as which outcome field, and why."""

    column: str
    field: str  # "converted" or "accepted" (scoring.measures.flags.Outcomes)
    reason: str
    positives: int
    known: int

    @property
    def rate(self) -> float:
        return self.positives / self.known if self.known else float("nan")


def words(name: str) -> list[str]:
    """A column name as lower-case words: ``TotalVisits`` -> total, visits; ``emp.var.rate``
    -> emp, var, rate."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))
    return [w for w in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if w]


def _joined(name: str) -> str:
    return "_".join(words(name))


def _has_word(name: str, vocabulary: Iterable[str]) -> str | None:
    found = words(name)
    joined = _joined(name)
    for word in vocabulary:
        if ("_" in word and (joined == word or joined.endswith("_" + word) or joined.startswith(word + "_")))\
                or word in found:
            return word
    return None


def field_name(column: str, taken: set[str]) -> str:
    """A model field for ``column``: its words joined by ``_`` (``Total Time Spent`` ->
    ``total_time_spent``), unique among ``taken``."""
    base = _joined(column) or "column"
    if base[0].isdigit():
        base = f"c_{base}"
    name, number = base, 2
    while name in taken and name != column:
        name, number = f"{base}_{number}", number + 1
    return name


# ----- the outcome


def _flag_reading(values: pd.Series) -> tuple[int, int, int, bool]:
    """(present, known yes/no, yes, whether the words are outcome words like won/lost)."""
    column = ValueColumn(values)
    present = int((~column.missing).sum())
    flags = read_flags(values)
    known = int(flags.known.sum())
    keys = set(np.unique(column.key[~column.missing]).tolist()) if present else set()
    return present, known, int(np.nansum(flags.values)), bool(keys & OUTCOME_VALUE_WORDS)


def outcome_candidates(leads: pd.DataFrame) -> list[OutcomeGuess]:
    """Every column that looks like an outcome, best first: named like one (``OUTCOME_WORDS``)
    with yes/no values (``FLAG_SHARE`` of its present values), or holding outcome words
    (won/lost/converted…) on at least ``STAGE_SHARE`` of them. Named ones first, then the
    one known for most leads, then ``converted``/``accepted`` as named, then file order."""
    found = []
    for position, column in enumerate(leads.columns):
        if column == d.LEAD_ID:
            continue
        named = _has_word(column, OUTCOME_WORDS)
        present, known, yes, outcome_words = _flag_reading(leads[column])
        if not present or not 0 < yes < known:
            continue
        flag_like = known >= FLAG_SHARE * present
        if named and flag_like:
            why = f"named like an outcome ({named}) and holds yes/no values"
        elif outcome_words and known >= STAGE_SHARE * present:
            why = "holds outcome words (won/lost, converted, accepted/rejected)"
        else:
            continue
        field = "accepted" if _has_word(column, ACCEPT_WORDS) else "converted"
        share = f"{yes:,} of {known:,} known yes ({yes / known:.1%})"
        found.append((not named, -known, column not in ("converted", "accepted"), position,
                      OutcomeGuess(column, field, f"{why}: {share}", yes, known)))
    return [guess for *_, guess in sorted(found, key=lambda item: item[:4])]


def find_outcome(leads: pd.DataFrame, column: str | None = None) -> OutcomeGuess | None:
    """The outcome the draft is judged by: ``column`` when given (it must read as yes/no
    for some leads), else the best of ``outcome_candidates``; None when there is none."""
    if column is None:
        candidates = outcome_candidates(leads)
        return candidates[0] if candidates else None
    d.require_columns(leads, [column], "outcome")
    _present, known, yes, _ = _flag_reading(leads[column])
    if not known:
        raise d.DataError(f"--outcome {column}: none of its values reads as yes or no "
                          f"({', '.join(sorted(TRUE_WORDS)[:4])}… / {', '.join(sorted(FALSE_WORDS)[:4])}…)",
                          source=leads.attrs.get("source"), column=column)
    field = "accepted" if _has_word(column, ACCEPT_WORDS) else "converted"
    return OutcomeGuess(column, field, f"chosen: {yes:,} of {known:,} known yes ({yes / known:.1%})", yes, known)


# ----- roles


def looks_like_dates(values: pd.Series) -> bool:
    """Whether a column holds dates: a datetime type, or ``DATE_SHARE`` of a sample of its
    present values read as dates (plain numbers are not dates)."""
    return _looks_like_dates(ValueColumn(values), values)


def _looks_like_dates(column: ValueColumn, values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    sample = pd.Series(column.text[~column.missing][:DATE_SAMPLE])
    if not len(sample) or sample.str.fullmatch(r"[+-]?\d+(\.\d+)?").mean() > 0.5:
        return False  # plain numbers are not dates
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed", utc=True)
    return bool(parsed.notna().mean() >= DATE_SHARE)


def _follows_file_order(column: ValueColumn, present: np.ndarray) -> tuple[float, float] | None:
    """(observed, shuffled) share of consecutive present rows whose value changes, when the
    value changes far less often than in a shuffled file and the file is not sorted by it."""
    keys = column.key[present]
    if len(keys) < 3:
        return None
    counts = pd.Series(keys).value_counts(normalize=True).to_numpy()
    expected = 1.0 - float((counts ** 2).sum())
    observed = float((keys[1:] != keys[:-1]).mean())
    if expected < RUN_MIN_EXPECTED or observed >= RUN_RATIO * expected:
        return None
    numbers = column.number[present]
    ordered = numbers if not np.isnan(numbers).any() else keys
    rising = np.array([a <= b for a, b in itertools.pairwise(ordered)])
    falling = np.array([a >= b for a, b in itertools.pairwise(ordered)])
    if rising.all() or falling.all():
        return None  # sorted by it: a sort key, not a period
    return observed, expected


def column_role(leads: pd.DataFrame, column: str, outcomes: Iterable[str] = (), id_column: str | None = None) -> ColumnRole:
    """The suggested role of one column (see the module docstring for the order of the checks)."""
    values = leads[column]
    view = ValueColumn(values)
    present = ~view.missing
    count = int(present.sum())
    missing = len(view) - count
    keys = view.key[present]
    distinct = len(pd.unique(keys)) if count else 0

    def role(name: str, reason: str, kind: str) -> ColumnRole:
        return ColumnRole(column, name, reason, kind, distinct, missing)

    if column == id_column or column == d.LEAD_ID:
        return role(IGNORE, "the lead id", "id")
    if column in outcomes:
        return role(IGNORE, "an outcome: judged by, never scored on", "outcome")
    if not count:
        return role(IGNORE, "empty", "empty")
    numbers = view.number[present]
    numeric = bool((~np.isnan(numbers)).mean() >= FLAG_SHARE)
    id_word = _has_word(column, ID_WORDS) or (words(column)[-1:] == ["number"] and "number")
    if id_word:
        return role(IGNORE, f"an id by its name ({id_word})", "id")
    if _looks_like_dates(view, values):
        return role(IGNORE, "dates: when something happened, not who the lead is (see the hand-over moment)",
                    "date")
    if count > ID_MIN_VALUES and distinct >= ID_DISTINCT * count and not numeric:
        return role(IGNORE, f"an id by its values ({distinct:,} distinct of {count:,})", "id")
    if count > ID_MIN_VALUES and distinct == count and numeric and np.all(numbers == np.round(numbers)):
        return role(IGNORE, f"an id by its values (whole numbers, every one different: {distinct:,})", "id")
    word = _has_word(column, OUTCOME_WORDS)
    if word and _flag_reading(values)[1] >= FLAG_SHARE * count:
        return role(IGNORE, f"outcome-like ({word}, yes/no values): never scored on", "outcome")
    word = _has_word(column, AFTER_OUTCOME_WORDS)
    if word:
        return role(IGNORE, f"recorded after contact or the outcome by its name ({word}): it would leak the "
                            "outcome", "text")
    word = _has_word(column, SELLER_WORDS)
    if word:
        return role(IGNORE, f"who worked the lead ({word}), not who the lead is", "text")
    kind = "number" if numeric else "text"
    word = _has_word(column, CALENDAR_WORDS)
    if word:
        return role(IGNORE, f"a calendar part ({word}): when, not who", kind)
    runs = _follows_file_order(view, present)
    if runs is not None:
        return role(IGNORE, f"follows the file's order: changes between consecutive rows {runs[0]:.1%} of the "
                            f"time against {runs[1]:.0%} if shuffled (a period or batch, not the lead)", kind)
    top = pd.Series(keys).value_counts().iloc[0]
    if distinct == 1:
        return role(IGNORE, "one value for every lead", kind)
    if top >= NEAR_CONSTANT * len(view):
        return role(IGNORE, f"almost constant: one value on {top / len(view):.1%} of the leads", kind)
    if not numeric and distinct > MAX_TEXT_VALUES:
        return role(IGNORE, f"text with {distinct:,} distinct values: too many for rules (a contains_any rule "
                            "on keywords would suit it, written by hand)", kind)
    lowered = " ".join(words(column))
    engagement = None if any(p in lowered for p in CONSENT_PHRASES) else _has_word(column, ENGAGEMENT_WORDS)
    shown = f"{kind} with {distinct:,} values" if distinct <= 20 or not numeric else f"numbers, {distinct:,} values"
    if engagement:
        return role(ENGAGEMENT, f"interest: its name speaks of activity ({engagement}); {shown}", kind)
    return role(PROFILE, f"describes the lead: {shown}", kind)


def suggest_roles(leads: pd.DataFrame, outcomes: Iterable[str] = (),
                  id_column: str | None = None) -> list[ColumnRole]:
    """Every column's suggested role, in file order. ``outcomes``: every outcome column
    (the judged one and the others); ``id_column``: the file's lead id column, if any."""
    outcomes = set(outcomes)
    return [column_role(leads, column, outcomes, id_column) for column in leads.columns]


def find_id_column(leads: pd.DataFrame) -> str | None:
    """The lead id: ``lead_id`` when the file has it, else the first column named like an id
    whose present values are all there and unique; None (use the row number) when none is."""
    if d.LEAD_ID in leads.columns:
        return d.LEAD_ID
    for column in leads.columns:
        if not _has_word(column, ID_WORDS) and words(column)[-1:] != ["number"]:
            continue
        view = ValueColumn(leads[column])
        if not view.missing.any() and pd.Series(view.key).is_unique:
            return column
    return None
