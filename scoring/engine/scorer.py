"""Scoring: rules, weights and recency decay applied to whole columns at once.

``Scorer`` holds one set of leads and activities with everything that does not
depend on the model worked out once: each text column factorised, activities joined
to their leads, grouped by type and sorted by age. Scoring a model is then array
arithmetic on cached parts (see ``scoring.engine.parts``): the rule each lead matched, per
rule list; each activity type's decayed count, per recency setting; the profile and
engagement scores, per section of the model. Grades and ratings are integer codes
(``scoring.engine.ratings``) until the scored table is built. ``score`` is the one-off form.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
import pandas as pd

from scoring.data import read as d
from scoring.engine.caches import Memo
from scoring.engine.handover import AsOfRequired, HandOver, HandOverCounts, as_of_choice
from scoring.engine.matching import NO_RULE, FieldRules
from scoring.engine.parts import Parts
from scoring.engine.ratings import OUTPUT_COLUMNS, TOLERANCE, Rated, grade, scored_frame
from scoring.engine.recency import ActivityIndex, decay_factors
from scoring.engine.values import ValueColumn
from scoring.engine.where import RowFilters, refuse_missing_where_columns
from scoring.errors import DataError
from scoring.model.schema import LETTERS, NUMBERS, Category, LeadModel

__all__ = ["NO_RULE", "OUTPUT_COLUMNS", "TOLERANCE", "ActivityCounts", "ActivityOutcome", "AsOfRequired",
           "Evaluation", "HandOver", "Rated", "RuleOutcome", "Scorer", "decay_factors", "grade", "score"]

T = TypeVar("T")


@dataclass(frozen=True)
class ActivityLog:
    """Every row of the activities table as the Scorer read it, kept for the figures that time
    all of them (leaks, activity evidence) so they do not read 10M rows again: the lead
    ``position`` (-1 unknown), ``occurred_ns`` (UTC, NAT when empty) and ``type_code`` into
    ``type_names`` (trimmed, lower-case)."""

    position: np.ndarray
    occurred_ns: np.ndarray
    type_code: np.ndarray
    type_names: list[str]


@dataclass
class RuleOutcome:
    """Per lead: the value a rule list gave and which rule gave it (NO_RULE for the default)."""

    value: np.ndarray
    rule_index: np.ndarray


@dataclass
class ActivityOutcome:
    """Per lead: the decayed count D, the count after ``max_count``, and the points."""

    decayed_count: np.ndarray
    counted: np.ndarray
    points: np.ndarray


@dataclass
class Evaluation:
    """Everything computed for one model on one data set, kept for explanations."""

    model: LeadModel
    categories: dict[str, RuleOutcome]
    field_entries: dict[str, RuleOutcome]
    activity_entries: dict[str, ActivityOutcome]
    profile_score: np.ndarray
    engagement_score: np.ndarray
    profile_grade: np.ndarray
    engagement_grade: np.ndarray


@dataclass(frozen=True)
class ActivityCounts:
    """How many activities could be used, and why the others could not."""

    total: int = 0
    unknown_lead: int = 0  # lead_id not in the leads table
    no_date: int = 0  # a known lead's activity with an empty occurred_at
    after_scoring: int = 0  # occurred after the lead's scored_at (or the run's as_of)
    usable: int = 0


class Scorer:
    """Leads and activities prepared once, scored against any number of models.

    ``leads`` must have ``lead_id``; an optional ``scored_at`` is each lead's
    evaluation (hand-over) moment, or ``hand_over`` says how to find it (a
    ``HandOver`` or its text: ``COLUMN``, ``COLUMN+Nd``, ``first:ACTIVITY``).
    ``activities`` has ``lead_id``, ``activity``, ``occurred_at`` and the columns the models'
    ``where`` filters name. ``as_of``
    (a moment, or ``"now"``) ages the activities of leads without a hand-over
    moment; it is never taken from the data: when such a lead has activities and
    no ``as_of`` is given, ``AsOfRequired`` is raised. ``mapping`` renames file
    columns to model fields (``{"leads": {...}, "activities": {...}}``).
    """

    def __init__(
        self,
        leads: pd.DataFrame,
        activities: pd.DataFrame | None = None,
        as_of: object = None,
        *,
        mapping: Mapping[str, Mapping[str, str]] | None = None,
        hand_over: HandOver | str | None = None,
    ):
        self.mapping = {table: {f: c for f, c in (mapping or {}).get(table, {}).items() if f != c}
                        for table in ("leads", "activities")}
        mapping = self.mapping
        leads = d.apply_mapping(_with_lead_id_column(leads), mapping.get("leads"), "leads")
        d.refuse_repeated_columns(leads)
        self.leads = leads
        d.require_columns(leads, [d.LEAD_ID])
        if not _unique_integers(leads[d.LEAD_ID]):
            self._ids = d.check_lead_ids(leads)  # text ids; refuses missing or repeated ones
        self.index = pd.Index(leads[d.LEAD_ID].to_numpy(), name=d.LEAD_ID)
        self._columns: dict[str, ValueColumn] = {}
        self._fields: dict[str, FieldRules] = {}
        self._type_counts: dict[str, int] | None = None
        self._memo = Memo()
        if activities is not None:
            activities = d.apply_mapping(activities, mapping.get("activities"), "activities")
            d.refuse_repeated_columns(activities)
            d.require_columns(activities, d.ACTIVITY_COLUMNS, "activities")
        self.activities = activities
        occurred = None if activities is None else _utc_ns(activities, d.OCCURRED_AT)
        positions = None if activities is None else self._lead_positions(activities[d.LEAD_ID])
        self.as_of_ns, self.as_of_choice = as_of_choice(as_of)
        self.hand_over = self._hand_over_of(hand_over)
        types = None if activities is None else _type_codes(activities[d.ACTIVITY])
        self.scored_ns = self._hand_over_moments(activities, positions, occurred, types)
        self.lead_as_of_ns = np.where(self.scored_ns != d.NAT, self.scored_ns,
                                      d.NAT if self.as_of_ns is None else self.as_of_ns)
        self.activity_counts = ActivityCounts()
        self.hand_over_counts = self._count_hand_over(np.zeros(len(self.leads), dtype=bool))
        self._activity_index = (None if activities is None
                                else self._join_activities(activities, occurred, positions, types))
        self.activity_log = None if activities is None else ActivityLog(positions, occurred, *types)
        self.row_filters = None if activities is None else RowFilters(activities)
        self.parts = Parts(len(self.index), self.field_rules, self._activity_index, self.row_filters)

    def __len__(self) -> int:
        return len(self.index)

    @cached_property
    def _ids(self) -> pd.Series:
        """The lead ids as text, as activities are joined to them."""
        return d.id_text(self.leads[d.LEAD_ID])

    @property
    def as_of(self) -> pd.Timestamp | None:
        """The run's as-of moment (UTC) as given (a moment, or the time ``now`` was read), else None."""
        return None if self.as_of_ns is None else pd.Timestamp(self.as_of_ns, tz="UTC")

    def _hand_over_of(self, hand_over: HandOver | str | None) -> HandOver | None:
        """The hand-over choice; by default the ``scored_at`` column when the leads have one."""
        if isinstance(hand_over, str):
            return HandOver.parse(hand_over)
        if hand_over is None and d.SCORED_AT in self.leads.columns:
            return HandOver()
        return hand_over

    def _hand_over_moments(self, activities: pd.DataFrame | None, positions: np.ndarray | None,
                           occurred: np.ndarray | None, types: tuple[np.ndarray, list[str]] | None) -> np.ndarray:
        if self.hand_over is None:
            return np.full(len(self.leads), d.NAT, dtype=np.int64)
        if self.hand_over.activity is None and not self.hand_over.days:
            d.require_columns(self.leads, [self.hand_over.column], "hand-over")
            return _utc_ns(self.leads, self.hand_over.column)
        if self.hand_over.activity is not None and types is not None:  # the rows read once, above
            codes, names = types
            wanted = self.hand_over.activity_key()
            of_type = codes == names.index(wanted) if wanted in names else np.zeros(len(codes), dtype=bool)
            return self.hand_over.first_of_type(len(self.leads), positions, occurred, of_type)
        return self.hand_over.moments(self.leads, activities, positions)

    def _count_hand_over(self, fell_back: np.ndarray) -> HandOverCounts:
        with_moment = int((self.scored_ns != d.NAT).sum())
        return HandOverCounts(
            choice="none" if self.hand_over is None else self.hand_over.describe(),
            with_moment=with_moment, without_moment=len(self.leads) - with_moment,
            fell_back=int(fell_back.sum()), as_of=self.as_of, as_of_choice=self.as_of_choice)

    def _lead_positions(self, ids: pd.Series) -> np.ndarray:
        """Each activity's lead position, -1 for an unknown lead; ids compare as trimmed text."""
        lead_ids = self.leads[d.LEAD_ID]
        if _integers(lead_ids) and _integers(ids):  # the same as comparing their text, much faster
            absent = ids.isna().to_numpy()
            positions = pd.Index(lead_ids.to_numpy(dtype=np.int64)).get_indexer(
                ids.to_numpy(dtype=np.int64, na_value=0))
            positions[absent] = -1
            return positions
        return pd.Index(self._ids.to_numpy()).get_indexer(d.id_text(ids).to_numpy())

    def _join_activities(self, activities: pd.DataFrame, occurred: np.ndarray, all_positions: np.ndarray,
                         types: tuple[np.ndarray, list[str]]) -> ActivityIndex:
        codes, names = types
        self._type_counts = _type_counts(codes, names)
        known = (all_positions >= 0) & (occurred != d.NAT)
        self._refuse_silent_as_of(known, all_positions)
        known[known] &= self.lead_as_of_ns[all_positions[known]] != d.NAT
        rows = np.flatnonzero(known)
        position = all_positions[rows]
        age_days = (self.lead_as_of_ns[position] - occurred[rows]) / d.NS_PER_DAY
        keep = age_days >= 0  # activities after the lead was scored never count
        self.activity_counts = ActivityCounts(
            total=len(activities),
            unknown_lead=int((all_positions < 0).sum()),
            no_date=int(((occurred == d.NAT) & (all_positions >= 0)).sum()),  # reasons do not overlap
            after_scoring=int((~keep).sum()),
            usable=int(keep.sum()),
        )
        rows, position, age_days = rows[keep], position[keep], age_days[keep]
        return ActivityIndex.build(position, age_days, rows, codes[rows], names, len(self.leads))

    def _refuse_silent_as_of(self, known: np.ndarray, all_positions: np.ndarray) -> None:
        """Leads with dated activities but no hand-over moment are aged at the run's as-of:
        counted, and refused when no as-of was given (never the latest activity's date)."""
        without = self.scored_ns == d.NAT
        fell_back = np.zeros(len(self.leads), dtype=bool)
        fell_back[all_positions[known]] = True
        fell_back &= without
        if fell_back.any() and self.as_of_ns is None:
            raise AsOfRequired(int(fell_back.sum()),
                               "the scored_at column" if self.hand_over is None else self.hand_over.describe())
        self.hand_over_counts = self._count_hand_over(fell_back)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A result about these leads that does not depend on the model, computed once."""
        return self._memo.get(key, compute)

    def activity_type_counts(self) -> dict[str, int]:
        """How often each activity type (trimmed, lower-case) occurs in the activities table."""
        return dict(self._type_counts or {})

    def column(self, name: str) -> ValueColumn:
        """The prepared view of one leads column (cached)."""
        if name not in self._columns:
            d.require_columns(self.leads, [name])
            self._columns[name] = ValueColumn(self.leads[name])
        return self._columns[name]

    def field_rules(self, name: str) -> FieldRules:
        """One leads column prepared for rule matching (cached)."""
        if name not in self._fields:
            d.require_columns(self.leads, [name])
            self._fields[name] = FieldRules(self.leads[name])
        return self._fields[name]

    def evaluate_category(self, category: Category) -> RuleOutcome:
        """Per lead: the value one category gives and which rule gave it."""
        return self._rule_outcome(category.field, category.rules, category.default)

    def _rule_outcome(self, field: str, rules: list, default: float) -> RuleOutcome:
        index = self.field_rules(field).rule_index(rules)
        values = np.array([rule.value for rule in rules] + [default], dtype=float)
        return RuleOutcome(values[index], index.astype(np.int64))  # NO_RULE (-1) picks the default

    def _check_mapping(self, model: LeadModel) -> None:
        """A model that maps columns must be scored on data prepared with a mapping for those
        fields: the model's own, or one that overrides it (the CLI's --map)."""
        for table, pairs in model.column_mapping().items():
            differing = {f: c for f, c in pairs.items() if f not in self.mapping[table]}
            if differing:
                shown = ", ".join(f"{f} = {c!r}" for f, c in differing.items())
                raise DataError(f"the model maps {table} columns ({shown}) but these {table} were prepared "
                                f"without that mapping; use Scorer.for_model(model, ...) or score(model, ...)")

    @classmethod
    def for_model(cls, model: LeadModel, leads: pd.DataFrame, activities: pd.DataFrame | None = None,
                  as_of: object = None, *, mapping: Mapping[str, Mapping[str, str]] | None = None,
                  hand_over: HandOver | str | None = None) -> Scorer:
        """A Scorer prepared with the model's ``columns`` mapping (``mapping`` overrides it)."""
        return cls(leads, activities, as_of, mapping=model.column_mapping(mapping), hand_over=hand_over)

    def rate(self, model: LeadModel) -> Rated:
        """Scores and grade codes of every lead (the fast form of ``score``, no text)."""
        self._check_mapping(model)
        d.require_columns(self.leads, model.lead_fields())
        refuse_missing_where_columns(model, self.activities)
        return self.parts.rate(model)

    def evaluate(self, model: LeadModel) -> Evaluation:
        """Every intermediate result of ``model`` on these leads (what ``explain`` reads)."""
        rated = self.rate(model)
        categories = {c.id: self.evaluate_category(c) for c in model.profile.categories}
        field_entries = {
            e.id: self._rule_outcome(e.field, e.rules or [], 0.0) for e in model.field_entries if e.field
        }
        recency = model.engagement.recency
        activity_entries = {}
        for entry in model.activity_entries if recency else []:
            decayed = self.parts.decayed(entry.activity, recency, entry.where)
            counted = decayed if entry.max_count is None else np.minimum(decayed, entry.max_count)
            activity_entries[entry.id] = ActivityOutcome(decayed, counted, (entry.points or 0.0) * counted)
        return Evaluation(model, categories, field_entries, activity_entries, rated.profile_score,
                          rated.engagement_score, np.asarray(LETTERS, dtype=object)[rated.letter],
                          np.asarray(NUMBERS, dtype=object)[rated.number])

    def score(self, model: LeadModel) -> pd.DataFrame:
        """One row per lead, indexed by ``lead_id``: scores, grades, rating, action, SLA."""
        return scored_frame(self.rate(model), model, self.index)

    def activities_of(self, position: int, with_rows: bool = False) -> pd.DataFrame:
        """The activities of the lead at ``position`` that count (age >= 0), with their age in days
        and their type as models are matched to it; ``with_rows`` adds each one's ``row`` in the
        activities table (what a ``where`` filter's mask is indexed by)."""
        index = self._activity_index
        if index is None or self.activities is None:
            return pd.DataFrame(columns=[d.ACTIVITY, d.OCCURRED_AT, "age_days", "type", *(["row"] if with_rows else [])])
        picked = np.flatnonzero(index.position == position)
        picked = picked[np.argsort(index.row[picked], kind="stable")]  # in table order
        frame = self.activities.iloc[index.row[picked]][[d.ACTIVITY, d.OCCURRED_AT]].copy()
        frame["age_days"] = index.age_days[picked]
        frame["type"] = index.type_of_rows()[picked] if len(picked) else np.empty(0, dtype=object)
        if with_rows:
            frame["row"] = index.row[picked]
        return frame.reset_index(drop=True)

    def position_of(self, lead_id: object) -> int:
        """Row position of a lead, by id (compared as text)."""
        wanted = d.id_text(pd.Series([lead_id])).iloc[0]
        matches = np.flatnonzero(self._ids.to_numpy() == wanted)
        if not len(matches):
            raise DataError(f"no lead with {d.LEAD_ID} {lead_id!r}", source=self.leads.attrs.get("source"))
        return int(matches[0])


def _with_lead_id_column(leads: pd.DataFrame) -> pd.DataFrame:
    if d.LEAD_ID not in leads.columns and leads.index.name == d.LEAD_ID:
        return leads.reset_index()
    return leads


def _integers(values: pd.Series) -> bool:
    return pd.api.types.is_signed_integer_dtype(values.dtype)


def _unique_integers(ids: pd.Series) -> bool:
    """Integer ids with none missing and none repeated: nothing for ``check_lead_ids`` to refuse."""
    return _integers(ids) and not ids.isna().any() and pd.Index(ids.to_numpy(dtype=np.int64)).is_unique


def _utc_ns(frame: pd.DataFrame, column: str) -> np.ndarray:
    """``data.to_utc_ns`` of a column; a naive datetime64 column within range is converted directly."""
    values = frame[column]
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        stamps = values.to_numpy()
        present = stamps[~np.isnat(stamps)]
        low, high = np.datetime64(pd.Timestamp.min), np.datetime64(pd.Timestamp.max)
        if not len(present) or (present.min() >= low and present.max() <= high):
            return stamps.astype("datetime64[ns]").view(np.int64).copy()  # NaT is int64 min, as NAT
    return d.to_utc_ns(values, column, frame)


def _type_codes(types: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Per activity row, a code into the list of distinct type keys (trimmed, lower-case)."""
    if isinstance(types.dtype, pd.CategoricalDtype) or (
            pd.api.types.is_string_dtype(types.dtype) and not pd.api.types.is_object_dtype(types.dtype)):
        codes, uniques = pd.factorize(types, use_na_sentinel=True)
        keys = ValueColumn(pd.Series([*np.asarray(uniques, dtype=object).tolist(), None], dtype=object)).key
    else:
        keys = ValueColumn(types).key
        codes = np.arange(len(keys))
    names, key_codes = np.unique(keys.astype(str), return_inverse=True)
    return key_codes.reshape(-1)[codes].astype(np.int32), names.tolist()


def _type_counts(codes: np.ndarray, names: list[str]) -> dict[str, int]:
    counts = np.bincount(codes, minlength=len(names))
    order = np.argsort(-counts, kind="stable")
    return {names[i]: int(counts[i]) for i in order if names[i] and counts[i]}


def score(
    model: LeadModel,
    leads: pd.DataFrame,
    activities: pd.DataFrame | None = None,
    as_of: object = None,
    *,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    hand_over: HandOver | str | None = None,
) -> pd.DataFrame:
    """Score ``leads`` with ``model``: one row per lead, indexed by ``lead_id``. The model's
    ``columns`` section renames the file's columns; ``mapping`` overrides it. ``as_of`` and
    ``hand_over``: see ``Scorer``."""
    return Scorer.for_model(model, leads, activities, as_of, mapping=mapping, hand_over=hand_over).score(model)
