"""The engine as it was before the cached, integer-coded one (commit 618f7d3), kept as the
slow reference the fast engine is compared with (tests/test_engine_reference.py).

Straight column arithmetic: every score recomputes every rule mask, decay factor and
string. Do not optimise this file; its worth is that it is simple.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from scoring.data import read as d
from scoring.engine.values import ValueColumn, canonical_item
from scoring.errors import DataError
from scoring.model.schema import (
    LETTERS,
    NUMBERS,
    Category,
    EngagementEntry,
    LeadModel,
    Recency,
    Rule,
)

T = TypeVar("T")
TOLERANCE = 1e-9
NO_RULE = -1  # rule index when a category fell through to its default


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


@dataclass
class _Activities:
    """Activities joined to leads: lead position, age in days and original row, grouped by type."""

    position: np.ndarray
    age_days: np.ndarray
    row: np.ndarray
    type_key: np.ndarray  # the activity type, trimmed and lower-case, as models are matched to it
    by_type: dict[str, np.ndarray] = field(default_factory=dict)

    def of_type(self, activity: str) -> np.ndarray:
        return self.by_type.get(canonical_item(activity), np.empty(0, dtype=np.int64))


def grade(scores: np.ndarray, thresholds: Mapping[str, float], names: tuple[str, ...]) -> np.ndarray:
    """The first name whose threshold is <= score (within TOLERANCE); the last name otherwise."""
    conditions = [scores >= thresholds[name] - TOLERANCE for name in names[:-1]]
    return np.select(conditions, list(names[:-1]), default=names[-1]).astype(object)


def decay_factors(age_days: np.ndarray, recency: Recency) -> np.ndarray:
    """The weight of activities of the given ages; 0 past ``max_age_days`` or before scoring."""
    if recency.half_life_days is not None:  # the spec's formula, as written
        factors = np.power(0.5, age_days / recency.half_life_days)
    else:
        windows = recency.windows or []
        conditions = [age_days <= window.within_days for window in windows]
        factors = np.select(conditions, [window.factor for window in windows], default=0.0)
    inside = age_days >= 0
    if recency.max_age_days is not None:
        inside &= age_days <= recency.max_age_days
    return np.where(inside, factors, 0.0)


@dataclass(frozen=True)
class ActivityCounts:
    """How many activities could be used, and why the others could not."""

    total: int = 0
    unknown_lead: int = 0  # lead_id not in the leads table
    no_date: int = 0  # a known lead's activity with an empty occurred_at
    after_scoring: int = 0  # occurred after the lead's scored_at (or the run's as_of)
    usable: int = 0


class ReferenceScorer:
    """Leads and activities prepared once, scored against any number of models.

    ``leads`` must have ``lead_id``; an optional ``scored_at`` is each lead's
    evaluation moment. ``activities`` has ``lead_id``, ``activity`` and
    ``occurred_at``. ``as_of`` applies to leads without ``scored_at`` and
    defaults to the latest ``occurred_at``. ``mapping`` renames file columns to
    model fields (``{"leads": {...}, "activities": {...}}``).
    """

    def __init__(
        self,
        leads: pd.DataFrame,
        activities: pd.DataFrame | None = None,
        as_of: object = None,
        *,
        mapping: Mapping[str, Mapping[str, str]] | None = None,
    ):
        self.mapping = {table: {f: c for f, c in (mapping or {}).get(table, {}).items() if f != c}
                        for table in ("leads", "activities")}
        mapping = self.mapping
        leads = d.apply_mapping(_with_lead_id_column(leads), mapping.get("leads"), "leads")
        d.refuse_repeated_columns(leads)
        self.leads = leads
        self._ids = d.check_lead_ids(leads)
        self.index = pd.Index(leads[d.LEAD_ID].to_numpy(), name=d.LEAD_ID)
        self._columns: dict[str, ValueColumn] = {}
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._type_counts: dict[str, int] | None = None
        self._memo: dict[Hashable, object] = {}
        if activities is not None:
            activities = d.apply_mapping(activities, mapping.get("activities"), "activities")
            d.refuse_repeated_columns(activities)
            d.require_columns(activities, d.ACTIVITY_COLUMNS, "activities")
        self.activities = activities
        occurred = None if activities is None else d.to_utc_ns(activities[d.OCCURRED_AT], d.OCCURRED_AT, activities)
        self.as_of_ns = self._run_as_of(as_of, occurred)
        self.lead_as_of_ns = self._lead_as_of()
        self.activity_counts = ActivityCounts()
        self._activity_rows = None if activities is None else self._join_activities(activities, occurred)

    def __len__(self) -> int:
        return len(self.index)

    @property
    def as_of(self) -> pd.Timestamp | None:
        """The run's as-of moment (UTC), or None when there is neither an as_of nor an activity."""
        return None if self.as_of_ns is None else pd.Timestamp(self.as_of_ns, tz="UTC")

    def _run_as_of(self, as_of: object, occurred: np.ndarray | None) -> int | None:
        if as_of is not None:
            return d.parse_instant(as_of)
        if occurred is not None and (occurred != d.NAT).any():
            return int(occurred[occurred != d.NAT].max())
        return None

    def _lead_as_of(self) -> np.ndarray:
        run = d.NAT if self.as_of_ns is None else self.as_of_ns
        lead_as_of = np.full(len(self.leads), run, dtype=np.int64)
        if d.SCORED_AT in self.leads.columns:
            scored = d.to_utc_ns(self.leads[d.SCORED_AT], d.SCORED_AT, self.leads)
            lead_as_of = np.where(scored != d.NAT, scored, lead_as_of)
        return lead_as_of

    def _join_activities(self, activities: pd.DataFrame, occurred: np.ndarray) -> _Activities:
        all_positions = pd.Index(self._ids.to_numpy()).get_indexer(d.id_text(activities[d.LEAD_ID]).to_numpy())
        known = (all_positions >= 0) & (occurred != d.NAT)
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
        types = ValueColumn(activities[d.ACTIVITY].iloc[rows]).key
        codes, names = pd.factorize(types)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        by_type = {name: order[bounds[i]:bounds[i + 1]] for i, name in enumerate(names) if name}
        return _Activities(position, age_days, rows, types, by_type)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A result about these leads that does not depend on the model, computed once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def activity_type_counts(self) -> dict[str, int]:
        """How often each activity type (trimmed, lower-case) occurs in the activities table."""
        if self._type_counts is None:
            if self.activities is None:
                self._type_counts = {}
            else:
                keys = pd.Series(ValueColumn(self.activities[d.ACTIVITY]).key)
                self._type_counts = keys[keys != ""].value_counts().to_dict()
        return self._type_counts

    def column(self, name: str) -> ValueColumn:
        """The prepared view of one leads column (cached)."""
        if name not in self._columns:
            d.require_columns(self.leads, [name])
            self._columns[name] = ValueColumn(self.leads[name])
        return self._columns[name]

    def _match_mask(self, column_name: str, rule: Rule) -> np.ndarray:
        key = (column_name, rule.match.model_dump_json())
        if key not in self._masks:
            self._masks[key] = self.column(column_name).matches(rule.match)
        return self._masks[key]

    def _rule_outcome(self, column_name: str, rules: list[Rule], default: float) -> RuleOutcome:
        masks = [self._match_mask(column_name, rule) for rule in rules]
        rule_index = np.select(masks, list(range(len(rules))), default=NO_RULE) if rules else np.full(len(self), NO_RULE)
        values = np.array([rule.value for rule in rules] + [default], dtype=float)
        return RuleOutcome(values[rule_index], rule_index)  # NO_RULE (-1) picks the default

    def _activity_outcome(self, entry: EngagementEntry, recency: Recency) -> ActivityOutcome:
        decayed = np.zeros(len(self))
        if self._activity_rows is not None and entry.activity is not None:
            picked = self._activity_rows.of_type(entry.activity)
            for column, items in (entry.where or {}).items():  # the rows whose column is one of the items
                values = ValueColumn(self.activities[column].iloc[self._activity_rows.row[picked]])
                keys = {canonical_item(item) for item in items}
                picked = picked[~values.missing & np.isin(values.key, list(keys))]
            factors = decay_factors(self._activity_rows.age_days[picked], recency)
            decayed = np.bincount(self._activity_rows.position[picked], weights=factors, minlength=len(self))
        counted = decayed if entry.max_count is None else np.minimum(decayed, entry.max_count)
        return ActivityOutcome(decayed, counted, (entry.points or 0.0) * counted)

    def evaluate_category(self, category: Category) -> RuleOutcome:
        """Per lead: the value one category gives and which rule gave it."""
        return self._rule_outcome(category.field, category.rules, category.default)

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
                  as_of: object = None, *, mapping: Mapping[str, Mapping[str, str]] | None = None) -> ReferenceScorer:
        """A Scorer prepared with the model's ``columns`` mapping (``mapping`` overrides it)."""
        return cls(leads, activities, as_of, mapping=model.column_mapping(mapping))

    def evaluate(self, model: LeadModel) -> Evaluation:
        """Every intermediate result of ``model`` on these leads (what ``explain`` reads)."""
        self._check_mapping(model)
        d.require_columns(self.leads, model.lead_fields())
        if self.activities is not None:
            d.require_columns(self.activities, model.where_columns(), "activities")
        categories = {c.id: self.evaluate_category(c) for c in model.profile.categories}
        profile_raw = sum(
            (c.weight * categories[c.id].value / 100.0 for c in model.profile.categories), np.zeros(len(self))
        )
        field_entries = {
            e.id: self._rule_outcome(e.field, e.rules or [], 0.0) for e in model.field_entries if e.field
        }
        recency = model.engagement.recency
        activity_entries = {e.id: self._activity_outcome(e, recency) for e in model.activity_entries if recency}
        engagement_raw = sum((o.value for o in field_entries.values()), np.zeros(len(self)))
        engagement_raw = engagement_raw + sum((o.points for o in activity_entries.values()), np.zeros(len(self)))
        profile_score = np.clip(profile_raw, 0.0, 100.0)
        engagement_score = np.clip(engagement_raw, 0.0, 100.0)
        return Evaluation(
            model, categories, field_entries, activity_entries, profile_score, engagement_score,
            grade(profile_score, model.profile.grades.as_dict(), LETTERS),
            grade(engagement_score, model.engagement.grades.as_dict(), NUMBERS),
        )

    def score(self, model: LeadModel) -> pd.DataFrame:
        """One row per lead, indexed by ``lead_id``: scores, grades, rating, action, SLA."""
        result = self.evaluate(model)
        rating = result.profile_grade + result.engagement_grade
        routes = {r: model.routing.route_for(r) for r in pd.unique(rating)}
        action = np.array([routes[r].action for r in routes], dtype=object)
        sla = np.array([np.nan if routes[r].sla_hours is None else routes[r].sla_hours for r in routes])
        codes = pd.Index(list(routes)).get_indexer(rating) if len(rating) else np.empty(0, dtype=int)
        return pd.DataFrame(
            {
                "profile_score": result.profile_score,
                "profile_grade": result.profile_grade,
                "engagement_score": result.engagement_score,
                "engagement_grade": result.engagement_grade,
                "rating": rating,
                "action": action[codes] if len(codes) else np.empty(0, dtype=object),
                "sla_hours": sla[codes] if len(codes) else np.empty(0),
            },
            index=self.index,
        )

    def activities_of(self, position: int) -> pd.DataFrame:
        """The activities of the lead at ``position`` that count (age >= 0), with their age in days
        and their type as models are matched to it."""
        rows = self._activity_rows
        if rows is None or self.activities is None:
            return pd.DataFrame(columns=[d.ACTIVITY, d.OCCURRED_AT, "age_days", "type"])
        picked = np.flatnonzero(rows.position == position)
        frame = self.activities.iloc[rows.row[picked]][[d.ACTIVITY, d.OCCURRED_AT]].copy()
        frame["age_days"] = rows.age_days[picked]
        frame["type"] = rows.type_key[picked]
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
