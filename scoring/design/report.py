"""A drafted model in lines of text: the roles chosen and why, then every proposed number
beside its evidence (what ``leadgrid init`` prints)."""

from __future__ import annotations

import math

from scoring.design.draft import Draft
from scoring.formatting import format_number


def _noun(draft: Draft) -> str:
    if draft.outcome is None:
        return "had the outcome"
    return "accepted" if draft.outcome.field == "accepted" else "converted"


def role_lines(draft: Draft) -> list[str]:
    lines = ["Columns:"]
    for role in draft.roles:
        shown = role.role if role.column not in draft.left_out else f"{role.role}, left out"
        reason = draft.left_out.get(role.column, role.reason)
        lines.append(f"  {role.column}: {shown} — {reason}")
    return lines


def number_lines(draft: Draft) -> list[str]:
    noun = _noun(draft)
    model = draft.model
    lines = [draft.judged_by, f"Weights: {draft.weights.how}."]
    proposals = {p.field: p for p in draft.profile}
    for category in model.profile.categories:
        proposal = proposals[category.field]
        lines.append(f"Profile {category.label} ({category.field}), weight {format_number(category.weight)} — "
                     f"{proposal.how}:")
        for rule, shown in zip(proposal.rules, category.rules, strict=True):
            lines.append(f"  {rule.label}: {format_number(shown.value)}  ({rule.evidence.text(noun)})")
        lines.append(f"  {proposal.default.label}: {format_number(category.default)}  "
                     f"({proposal.default.evidence.text(noun)})")
    fields = {p.field: p for p in draft.engagement}
    for entry in model.field_entries:
        proposal = fields[entry.field]
        lines.append(f"Engagement {entry.label} ({entry.field}) — {proposal.how}:")
        for rule, shown in zip(proposal.rules, entry.rules or [], strict=True):
            lines.append(f"  {rule.label}: {format_number(shown.value)} points  ({rule.evidence.text(noun)})")
    points = {e.activity: e for e in model.activity_entries}
    for activity in draft.activities:
        if activity.activity in points:
            lines.append(f"Activity {activity.activity}: {format_number(points[activity.activity].points)} points "
                         f"(max once)  ({activity.evidence.text(noun)} before the hand-over)")
        else:
            lines.append(f"Activity {activity.activity}: no entry — {activity.left_out}")
    if model.engagement.recency is not None:
        lines.append(f"Recency: half-life {format_number(model.engagement.recency.half_life_days)} days, "
                     f"nothing older than {format_number(model.engagement.recency.max_age_days)} days.")
    for grades in (draft.profile_grades, draft.engagement_grades):
        shown = ", ".join(f"{k} from {format_number(v)}" + (f" ({grades.at_or_above[k]:.0%} of leads at or above)"
                                                            if k in grades.at_or_above and v else "")
                          for k, v in grades.grades.items())
        lines.append(f"{grades.axis.capitalize()} grades: {shown} — {grades.how}.")
    lines.append(f"Routing: {draft.routing}.")
    return lines


def result_lines(draft: Draft) -> list[str]:
    lines = []
    sales = draft.sales
    if sales is not None:
        lift = draft.lift
        lift_text = "" if math.isnan(lift) else f", lift {lift:.2f} over the rest"
        rate = sales.acceptance_rate if draft.outcome and draft.outcome.field == "accepted" else sales.conversion_rate
        rest = (sales.rest_acceptance_rate if draft.outcome and draft.outcome.field == "accepted"
                else sales.rest_conversion_rate)
        lines.append(f"To sales: {sales.leads:,} leads ({sales.share:.1%}); {rate:.1%} {_noun(draft)} against "
                     f"{rest:.1%} of the rest{lift_text}.")
    if draft.coverage is not None:
        lines.append(draft.coverage.sentence())
    lines += [f"Note: {note}" for note in draft.notes]
    return lines


def draft_lines(draft: Draft) -> list[str]:
    """Every line: roles, numbers with their evidence, the result."""
    return [*role_lines(draft), "", *number_lines(draft), "", *result_lines(draft)]
