"""Why one lead got its rating: the rule each category matched and what each activity added.

Explanations read the same arrays ``Scorer.score`` builds, so they always add
up to the scores the lead was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from scoring.data.missing import NAT, is_missing, shown
from scoring.data.read import ACTIVITY, OCCURRED_AT
from scoring.engine.scorer import NO_RULE, Scorer, decay_factors
from scoring.engine.values import canonical_item
from scoring.engine.where import describe_where
from scoring.measures.activity_evidence import after_handover_of
from scoring.model.schema import EngagementEntry, LeadModel, Rule


@dataclass(frozen=True)
class RuleReason:
    """A category (or engagement field): the lead's value, the rule it matched, the points."""

    id: str
    label: str
    field: str
    value: object
    rule: str  # "rule 2: in [Software, ...]" or "default"
    share: float  # the rule's value, -100..100
    weight: float  # percent for a category; 100 for an engagement field
    points: float


@dataclass(frozen=True)
class ActivityReason:
    """An activity entry: how many of the lead's activities it counted and what they added."""

    id: str
    label: str
    activity: str
    points_each: float
    max_count: float | None
    occurrences: int  # activities of this type that count: not after the lead was scored, not too old
    decayed_count: float  # D: sum of their decay factors
    counted: float  # min(D, max_count)
    points: float
    where: str | None = None  # the entry's row filter, e.g. "lifecycle in [COMPLETE]"


@dataclass(frozen=True)
class Explanation:
    """The whole story of one lead's rating."""

    lead_id: object
    rating: str
    action: str
    sla_hours: float | None
    profile_score: float
    profile_grade: str
    profile_raw: float  # before clipping to 0..100
    engagement_score: float
    engagement_grade: str
    engagement_raw: float
    as_of: pd.Timestamp | None
    categories: list[RuleReason] = field(default_factory=list)
    fields: list[RuleReason] = field(default_factory=list)
    activities: list[ActivityReason] = field(default_factory=list)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the lead's activities dated after its hand-over moment: left out of its score
    after_handover: pd.DataFrame = field(default_factory=pd.DataFrame)

    def category_table(self) -> pd.DataFrame:
        """One row per profile category: value, rule met, share, weight, points."""
        return pd.DataFrame([{"category": r.label, "value": _plain(r.value), "rule": r.rule, "share": r.share,
                              "weight": r.weight, "points": r.points} for r in self.categories])

    def engagement_table(self) -> pd.DataFrame:
        """One row per engagement entry that added something (or had activities)."""
        rows = [{"entry": a.label, "how": f"{a.occurrences} × {a.activity}"
                 + ("" if a.where is None else f" where {a.where}") + f", faded to {a.decayed_count:.2f}"
                 + ("" if a.max_count is None else f" (cap {a.max_count:g})"), "points": a.points}
                for a in self.activities if a.occurrences or a.points]
        rows += [{"entry": r.label, "how": f"{shown(_plain(r.value))} → {r.rule}", "points": r.points}
                 for r in self.fields]
        return pd.DataFrame(rows, columns=["entry", "how", "points"])

    def after_handover_text(self) -> str | None:
        """The activities left out as after the hand-over, in one sentence; None when there are none."""
        if not len(self.after_handover):
            return None
        counts = self.after_handover[ACTIVITY].astype(str).value_counts(sort=True)
        listed = ", ".join(f"{count} × {name}" for name, count in counts.items())
        total = len(self.after_handover)
        return (f"Left out as after the hand-over: {total} activit{'y' if total == 1 else 'ies'} ({listed}), "
                "dated after this lead's hand-over moment, so not known when it was rated.")

    def as_dict(self) -> dict[str, object]:
        """Plain data (for JSON): events as a list of records with ISO timestamps."""
        data = asdict(self)
        data["as_of"] = None if self.as_of is None else self.as_of.isoformat()
        data["events"] = [{key: _plain(value) for key, value in row.items()}
                          for row in self.events.to_dict(orient="records")]
        data["after_handover"] = [{key: _plain(value) for key, value in row.items()}
                                  for row in self.after_handover.to_dict(orient="records")]
        data["categories"] = [{**c, "value": _plain(c["value"])} for c in data["categories"]]
        data["fields"] = [{**c, "value": _plain(c["value"])} for c in data["fields"]]
        data["lead_id"] = _plain(self.lead_id)
        return data


def _plain(value: object) -> object:
    """A value as plain data: None for every kind of missing (NaN, pd.NA of nullable columns, NaT)."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _rule_text(rules: list[Rule], index: int) -> str:
    if index == NO_RULE:
        return "default"
    return f"rule {index + 1}: {rules[index].match.describe()}"


def explain_lead(scorer: Scorer, model: LeadModel, lead_id: object) -> Explanation:
    """Explain the rating ``model`` gives one lead of ``scorer``'s leads."""
    position = scorer.position_of(lead_id)
    result = scorer.evaluate(model)
    row = scorer.leads.iloc[position]
    categories = []
    for category in model.profile.categories:
        outcome = result.categories[category.id]
        share = float(outcome.value[position])
        categories.append(RuleReason(
            category.id, category.label or category.id, category.field, row[category.field],
            _rule_text(category.rules, int(outcome.rule_index[position])), share, category.weight,
            category.weight * share / 100.0,
        ))
    fields = []
    for entry in model.field_entries:
        outcome = result.field_entries[entry.id]
        share = float(outcome.value[position])
        fields.append(RuleReason(
            entry.id, entry.label or entry.id, entry.field or "", row[entry.field],
            _rule_text(entry.rules or [], int(outcome.rule_index[position])), share, 100.0, share,
        ))
    events = scorer.activities_of(position, with_rows=True)
    activities = [_activity_reason(scorer, events, model, result.activity_entries[entry.id], entry, position)
                  for entry in model.activity_entries if entry.id in result.activity_entries]
    rating = result.profile_grade[position] + result.engagement_grade[position]
    route = model.routing.route_for(rating)
    return Explanation(
        lead_id=scorer.index[position],
        rating=rating,
        action=route.action,
        sla_hours=route.sla_hours,
        profile_score=float(result.profile_score[position]),
        profile_grade=result.profile_grade[position],
        profile_raw=sum(reason.points for reason in categories),
        engagement_score=float(result.engagement_score[position]),
        engagement_grade=result.engagement_grade[position],
        engagement_raw=sum(r.points for r in fields) + sum(r.points for r in activities),
        as_of=_lead_as_of(scorer, position),
        categories=categories,
        fields=fields,
        activities=activities,
        events=_events(scorer, events, model),
        after_handover=after_handover_of(scorer, position),
    )


def _kept(scorer: Scorer, events: pd.DataFrame, entry: EngagementEntry) -> np.ndarray:
    """Which of the lead's activities ``entry`` counts by type and ``where`` (age aside)."""
    counts = np.array(events["type"] == canonical_item(entry.activity or ""), dtype=bool)
    kept = scorer.row_filters.mask(entry.where) if scorer.row_filters is not None else None
    if kept is not None and len(events):
        counts &= kept[events["row"].to_numpy(dtype=np.intp)]
    return counts


def _activity_reason(scorer: Scorer, events: pd.DataFrame, model: LeadModel, outcome, entry,
                     position: int) -> ActivityReason:
    counts = _kept(scorer, events, entry)
    max_age = model.engagement.recency.max_age_days if model.engagement.recency else None
    if max_age is not None:
        counts &= (events["age_days"] <= max_age).to_numpy(dtype=bool)  # older activities add nothing, so they are not counted
    occurrences = int(counts.sum())
    return ActivityReason(
        entry.id, entry.label or entry.id, entry.activity, float(entry.points), entry.max_count, occurrences,
        float(outcome.decayed_count[position]), float(outcome.counted[position]), float(outcome.points[position]),
        describe_where(entry.where),
    )


def _lead_as_of(scorer: Scorer, position: int) -> pd.Timestamp | None:
    stamp = int(scorer.lead_as_of_ns[position])
    return None if stamp == NAT else pd.Timestamp(stamp, tz="UTC")


def _events(scorer: Scorer, events: pd.DataFrame, model: LeadModel) -> pd.DataFrame:
    """The lead's activities (newest first) with their age, decay factor and the (first) entry
    that counts them, by type and ``where``."""
    events = events.copy()
    recency = model.engagement.recency
    entry = np.full(len(events), None, dtype=object)
    for activity_entry in reversed(model.activity_entries):  # the first entry that counts a row names it
        entry[_kept(scorer, events, activity_entry)] = activity_entry.id
    events["entry"] = entry
    if recency is not None and len(events):
        events["factor"] = decay_factors(events["age_days"].to_numpy(dtype=float), recency)
    else:
        events["factor"] = 0.0
    return events.sort_values("age_days", kind="stable").reset_index(drop=True)[
        [ACTIVITY, OCCURRED_AT, "age_days", "factor", "entry"]
    ]


def explain(
    model: LeadModel,
    leads: pd.DataFrame,
    activities: pd.DataFrame | None,
    lead_id: object,
    as_of: object = None,
    *,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    hand_over: object = None,
) -> Explanation:
    """Explain one lead's rating (the one-off form of :func:`explain_lead`)."""
    scorer = Scorer.for_model(model, leads, activities, as_of, mapping=mapping, hand_over=hand_over)
    return explain_lead(scorer, model, lead_id)
