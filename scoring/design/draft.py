"""A starting model drafted from a leads table (and its activities): ``draft_model``.

1. The lead id (``lead_id``, a unique id-named column, else the row number ``@row``) and the
   outcome the draft is judged by (``roles.find_outcome``).
2. Each column's role (``roles.suggest_roles``), unless ``profile`` / ``engagement`` name the
   columns.
3. Each chosen column's rules and shares (``rules.propose_rules``); a column none of whose
   rules differs from the base rate is left out (with an outcome).
4. Activity points (``activities.propose_activities``). Engagement entries share the 100
   points equally: each of the k entries has a budget of 100/k, its values its shares scaled to it.
5. Category weights from the weight proposal (``calibrate.weights.suggest_weights``, an L2
   logistic regression on the category values, needing scikit-learn); when it cannot run,
   in proportion to each category's separation on its own (AUC - 0.5); equal without an outcome.
6. Columns and activities the leak checks flag (``measures.leaks``: a near-certain value, an
   AUC of 0.9 or more, dates after the hand-over or the outcome) are taken out, and 4–5 redone.
7. Thresholds at quantiles of the scores, or for a capacity; routing (``grades``).

Every proposed number keeps its evidence in the returned ``Draft``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from scoring.calibrate.thresholds import Target, propose_thresholds
from scoring.calibrate.weights import suggest_weights, whole_weights
from scoring.data import read as d
from scoring.design import grades as g
from scoring.design.activities import (
    HALF_LIFE_DAYS,
    MAX_AGE_DAYS,
    ActivityProposal,
    entry_id,
    propose_activities,
)
from scoring.design.coverage import Coverage, coverage
from scoring.design.roles import (
    ENGAGEMENT,
    PROFILE,
    ColumnRole,
    OutcomeGuess,
    field_name,
    find_id_column,
    find_outcome,
    outcome_candidates,
    suggest_roles,
)
from scoring.design.rules import ColumnProposal, propose_rules, scaled
from scoring.engine.scorer import Scorer
from scoring.errors import DataError, LeadGridError
from scoring.measures import stats
from scoring.measures.flags import Outcomes, read_flags
from scoring.measures.leaks import leak_report
from scoring.measures.metrics import SalesSummary, preview
from scoring.model.schema import LeadModel
from scoring.model.validation import validate_model

NO_COLUMN = "\x00none"  # an outcome name no table has: the draft is judged by one outcome only
LEAK_CHECKS = frozenset({"separation", "certain_value", "outcome_implies_value", "after_handover", "after_outcome"})
RESERVED_FIELDS = frozenset({d.LEAD_ID, d.SCORED_AT, "accepted", "converted", "won_amount", "created_at"})


@dataclass(frozen=True)
class WeightProposal:
    weights: dict[str, float]  # category id -> weight, summing to 100
    how: str
    coefficients: dict[str, float] | None = None  # the fit's, per category, when it ran


@dataclass(frozen=True)
class Draft:
    """A drafted model and the evidence for every number in it."""

    model: LeadModel
    roles: list[ColumnRole]
    outcome: OutcomeGuess | None
    id_column: str | None  # None: the row number
    profile: list[ColumnProposal]
    engagement: list[ColumnProposal]
    activities: list[ActivityProposal]  # every type; ``left_out`` says why one has no entry
    weights: WeightProposal
    profile_grades: g.GradeProposal
    engagement_grades: g.GradeProposal
    routing: str
    left_out: dict[str, str]  # chosen column -> why the draft has no rule on it
    sales: SalesSummary | None
    coverage: Coverage | None
    notes: list[str] = field(default_factory=list)

    @property
    def judged_by(self) -> str:
        """One line: what the draft's evidence is measured against."""
        if self.outcome is None:
            return "No outcome column: shares are 0 and bands are quartiles; the room sets the values."
        return (f"Judged by {self.outcome.column} ({self.outcome.field}): {self.outcome.positives:,} of "
                f"{self.outcome.known:,} leads with a known outcome ({self.outcome.rate:.1%}).")

    @property
    def lift(self) -> float:
        """Conversion (or acceptance) of the to-sales leads over the rest's; NaN without an outcome."""
        if self.sales is None or self.outcome is None:
            return math.nan
        if self.outcome.field == "accepted":
            mine, rest = self.sales.acceptance_rate, self.sales.rest_acceptance_rate
        else:
            mine, rest = self.sales.conversion_rate, self.sales.rest_conversion_rate
        return mine / rest if rest and rest > 0 else math.nan

    def criteria_columns(self) -> list[str]:
        """The file columns the model scores on."""
        return [p.column for p in (*self.profile, *self.engagement)]


def _outcomes(outcome: OutcomeGuess | None) -> Outcomes:
    if outcome is None:
        return Outcomes(accepted=NO_COLUMN, converted=NO_COLUMN)
    if outcome.field == "accepted":
        return Outcomes(accepted="accepted", converted=NO_COLUMN)
    return Outcomes(accepted=NO_COLUMN, converted="converted")


def _chosen(roles: list[ColumnRole], leads: pd.DataFrame, profile: Sequence[str] | None,
            engagement: Sequence[str] | None) -> tuple[list[str], list[str]]:
    for given in (profile or []), (engagement or []):
        d.require_columns(leads, given, "leads")
    suggested = {role: [r.column for r in roles if r.role == role] for role in (PROFILE, ENGAGEMENT)}
    forced = set(profile or []) | set(engagement or [])
    chosen_profile = list(profile) if profile is not None else [c for c in suggested[PROFILE] if c not in forced]
    chosen_engagement = (list(engagement) if engagement is not None
                         else [c for c in suggested[ENGAGEMENT] if c not in forced])
    return chosen_profile, chosen_engagement


def _fields(leads: pd.DataFrame, columns: list[str]) -> dict[str, str]:
    """File column -> model field (its words joined by ``_``), never one another column has."""
    taken = set(map(str, leads.columns)) | RESERVED_FIELDS
    fields = {}
    for column in columns:
        name = field_name(column, taken - {column})
        taken.add(name)
        fields[column] = name
    return fields


def _model_data(name: str, profile: list[ColumnProposal], engagement: list[ColumnProposal],
                activities: list[ActivityProposal], weights: Mapping[str, float], mapping: dict) -> dict:
    entries = len(engagement) + len(activities)
    scale = 1.0 / entries if entries else 1.0
    taken: set[str] = set()
    categories = [{"id": entry_id(p.field, taken), "label": p.column, "field": p.field,
                   "weight": weights[p.field], "rules": p.model_rules(), "default": p.model_default()}
                  for p in profile]
    field_entries = [{"id": entry_id(p.field, taken), "label": p.column, "field": p.field,
                      "rules": p.model_rules(scale)} for p in engagement]
    activity_entries = [{"id": entry_id(a.activity, taken), "label": f"{a.activity} before the hand-over",
                         "activity": a.activity, "points": scaled(a.share, scale), "max_count": 1}
                        for a in activities]
    engagement_data: dict = {"activities": field_entries + activity_entries,
                             "grades": {"1": 60, "2": 35, "3": 15, "4": 0}}
    if activity_entries:
        engagement_data["recency"] = {"half_life_days": HALF_LIFE_DAYS, "max_age_days": MAX_AGE_DAYS}
    return {"schema_version": 1, "name": name, "version": "draft",
            "description": "Drafted by leadgrid init from the data's own evidence: every number is a starting "
                           "point for the room to argue over.",
            "columns": mapping,
            "profile": {"categories": categories, "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
            "engagement": engagement_data, "routing": g.routing(False)[0]}


def _weights(model: LeadModel, scorer: Scorer, outcomes: Outcomes, outcome: OutcomeGuess | None) -> WeightProposal:
    ids = [c.id for c in model.profile.categories]
    if outcome is None:
        return WeightProposal(whole_weights(dict.fromkeys(ids, 1.0)), "equal: no outcome to weigh them by")
    try:
        suggestion = suggest_weights(model, scorer, outcomes)
        return WeightProposal(dict(suggestion.suggested), f"the weight proposal (an L2 logistic regression of "
                              f"{suggestion.outcome} on the category values, {suggestion.leads:,} leads)",
                              dict(suggestion.coefficients))
    except LeadGridError as error:
        flags = read_flags(scorer.leads[outcome.field]).values
        aucs = {c.id: stats.auc(scorer.evaluate_category(c).value, flags) for c in model.profile.categories}
        separation = {k: max(v - 0.5, 0.0) if not math.isnan(v) else 0.0 for k, v in aucs.items()}
        if sum(separation.values()) <= 0:
            return WeightProposal(whole_weights(dict.fromkeys(ids, 1.0)), f"equal ({error})")
        return WeightProposal(whole_weights(separation), f"in proportion to each category's AUC - 0.5 on its own "
                              f"(the weight proposal could not run: {error})")


def _mapping(fields: dict[str, str], outcome: OutcomeGuess | None, id_column: str | None,
             user: Mapping[str, Mapping[str, str]]) -> dict:
    leads = {f: c for c, f in fields.items() if f != c}
    if outcome is not None and outcome.column != outcome.field:
        leads[outcome.field] = outcome.column
    leads[d.LEAD_ID] = id_column if id_column is not None else d.ROW_NUMBER
    leads.update({f: c for f, c in user.get("leads", {}).items() if f not in leads})
    leads = {f: c for f, c in leads.items() if f != c}
    return {"leads": leads, "activities": dict(user.get("activities", {}))}


def draft_model(leads: pd.DataFrame, activities: pd.DataFrame | None = None, *, outcome: str | None = None,
                profile: Sequence[str] | None = None, engagement: Sequence[str] | None = None,
                mapping: Mapping[str, Mapping[str, str]] | None = None, hand_over: str | None = None,
                as_of: object = None, capacity: float | None = None,
                name: str = "Starting model (drafted)") -> Draft:
    """A complete, valid model drafted from ``leads`` (the file's own columns) and
    ``activities``, with the evidence for every number (see the module docstring).
    ``mapping``: the user's field -> column mapping (``lead_id`` -> ``@row`` or a column,
    ``converted`` -> the outcome column, ``activities.*``). Raises ``DataError`` on bad input."""
    user = {table: dict(pairs) for table, pairs in (mapping or {}).items()}
    given_id = user.get("leads", {}).get(d.LEAD_ID)
    if given_id is not None and given_id != d.ROW_NUMBER:
        d.require_columns(leads, [given_id], "leads")
    id_column = None if given_id == d.ROW_NUMBER else (given_id or find_id_column(leads))
    mapped_outcome = user.get("leads", {}).get("converted") or user.get("leads", {}).get("accepted")
    guess = find_outcome(leads, outcome or mapped_outcome)
    outcome_columns = {c.column for c in outcome_candidates(leads)} | ({guess.column} if guess else set())
    roles = suggest_roles(leads, outcome_columns, id_column)
    chosen_profile, chosen_engagement = _chosen(roles, leads, profile, engagement)
    if not chosen_profile:
        raise DataError("no column describes the lead (every one is an id, a date, an outcome or ignored for the "
                        "reason shown): name the profile columns with --profile COLUMN,COLUMN",
                        source=leads.attrs.get("source"))
    fields = _fields(leads, [*chosen_profile, *chosen_engagement])
    outcome_values = read_flags(leads[guess.column]).values if guess else None
    column_mapping = _mapping(fields, guess, id_column, user)
    scorer = Scorer(leads, activities, as_of, mapping=column_mapping, hand_over=hand_over)
    outcomes = _outcomes(guess)
    left_out: dict[str, str] = {}

    def proposals(columns: list[str]) -> list[ColumnProposal]:
        found = [propose_rules(c, fields[c], leads[c], outcome_values) for c in columns]
        kept = [p for p in found if guess is None or p.separates]
        for p in found:
            if p not in kept:
                left_out[p.column] = "no value or band differs from the base rate (every share rounds to 0)"
        return kept or found

    profile_rules, engagement_rules = proposals(chosen_profile), proposals(chosen_engagement)
    activity_proposals = propose_activities(scorer, outcome_values) if activities is not None else []
    notes: list[str] = []
    model, weights, profile_rules, engagement_rules, counted = _assemble(
        name, profile_rules, engagement_rules, activity_proposals, column_mapping, scorer, outcomes, guess,
        left_out, notes)
    return _finish(model, scorer, outcomes, guess, roles, id_column, profile_rules, engagement_rules,
                   activity_proposals, counted, weights, left_out, notes, capacity, leads)


def _assemble(name, profile_rules, engagement_rules, activity_proposals, column_mapping, scorer, outcomes, guess,
              left_out, notes):
    """The model with weights; once more without what the leak checks flag."""
    counted = [a for a in activity_proposals if a.left_out is None and a.share]
    for _ in range(2):
        placeholder = whole_weights({p.field: 1.0 for p in profile_rules})
        model = validate_model(_model_data(name, profile_rules, engagement_rules, counted, placeholder,
                                           column_mapping))
        weights = _weights(model, scorer, outcomes, guess)
        by_field = {c.field: weights.weights[c.id] for c in model.profile.categories}
        for p in profile_rules:
            if by_field[p.field] == 0:
                left_out[p.column] = "the weight proposal gives it 0: it adds nothing beyond the other categories"
        profile_rules = [p for p in profile_rules if by_field[p.field] > 0]
        model = validate_model(_model_data(name, profile_rules, engagement_rules, counted, by_field, column_mapping))
        if guess is None:
            break
        flagged = {f.name: f.text for f in leak_report(scorer, model, outcomes=outcomes).findings
                   if f.check in LEAK_CHECKS and f.kind in ("column", "activity")}
        if not flagged:
            break
        by_column = {p.field: p.column for p in (*profile_rules, *engagement_rules)}
        for name_, text in flagged.items():
            left_out[by_column.get(name_, name_)] = f"leak check: {text}"
        profile_rules = [p for p in profile_rules if p.field not in flagged] or profile_rules
        engagement_rules = [p for p in engagement_rules if p.field not in flagged]
        counted = [a for a in counted if a.activity not in flagged]
        notes.append(f"left out after the leak checks: {', '.join(sorted(flagged))}")
    return model, weights, profile_rules, engagement_rules, counted


def _finish(model, scorer, outcomes, guess, roles, id_column, profile_rules, engagement_rules, activity_proposals,
            counted, weights, left_out, notes, capacity, leads) -> Draft:
    rated = scorer.rate(model)
    flat = g.is_flat(rated.engagement_score)
    routing, routing_text = g.routing(flat)
    profile_grades = g.profile_grades(rated.profile_score)
    engagement_grades = g.engagement_grades(rated.engagement_score)
    data = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["profile"]["grades"] = profile_grades.grades
    data["engagement"]["grades"] = engagement_grades.grades
    data["routing"] = routing
    model = validate_model(data)
    if capacity is not None:
        proposal = propose_thresholds(model, scorer, Target(capacity=capacity), outcomes)
        model = proposal.model
        profile_grades = g.GradeProposal("profile", model.profile.grades.as_dict(),
                                         f"for {proposal.target.describe()} (calibrate)", {})
        engagement_grades = g.GradeProposal("engagement", model.engagement.grades.as_dict(),
                                            f"for {proposal.target.describe()} (calibrate)", {})
    sales = preview(model, scorer, outcomes).sales if guess is not None else None
    counted_names = {a.activity for a in counted}
    activities = [a if a.activity in counted_names or a.left_out else
                  _left(a, left_out.get(a.activity, "no evidence either way (share 0)")) for a in activity_proposals]
    return Draft(model, roles, guess, id_column, profile_rules, engagement_rules, activities, weights,
                 profile_grades, engagement_grades, routing_text, left_out, sales, coverage(leads), notes)


def _left(proposal: ActivityProposal, why: str) -> ActivityProposal:
    return replace(proposal, left_out=why)
