"""What changed between two versions of a model, in the words a workshop uses.

``describe_changes(old, new)`` gives lines like ``Industry weight 30 → 25`` or
``B2: sales within 48 h → nurture``; the app's change history and the export
page's "changed since loaded" summary are both built from it.
"""

from __future__ import annotations

from scoring.engine.where import describe_where, where_key
from scoring.formatting import format_number
from scoring.model.operators import Meaning
from scoring.model.schema import (
    LETTERS,
    NUMBERS,
    RATINGS,
    Category,
    EngagementEntry,
    LeadModel,
    Match,
    Recency,
    Route,
    Rule,
)


def _num(value: float | None) -> str:
    if value is None:
        return "none"
    return format_number(value)


def _rule_text(rule: Rule) -> str:
    return f"{rule.match.describe()} → {_num(rule.value)}"


def match_meaning(match: Match) -> Meaning:
    """What ``match`` selects, in one canonical form (its operator's ``meaning``): two matches
    that select the same values (``range: [200, 1000]`` and ``gte: 200, lt: 1000``; ``in`` items
    in another order, case or spacing; ``contains_any`` items one of which contains another)
    have the same meaning."""
    return match.operator.meaning()


def same_rule(before: Rule, after: Rule) -> bool:
    """The same rule, however its match is written."""
    return before.value == after.value and match_meaning(before.match) == match_meaning(after.match)


def _name(item: Category | EngagementEntry) -> str:
    return item.label or item.id


def _rules_changes(name: str, old: list[Rule], new: list[Rule]) -> list[str]:
    changes = []
    for index, (before, after) in enumerate(zip(old, new, strict=False), start=1):
        if same_rule(before, after):
            continue
        if match_meaning(before.match) == match_meaning(after.match):
            changes.append(f"{name} rule {index} ({before.match.describe()}) {_num(before.value)} → {_num(after.value)}")
        else:
            changes.append(f"{name} rule {index}: {_rule_text(before)} ⇒ {_rule_text(after)}")
    for index, rule in enumerate(new[len(old):], start=len(old) + 1):
        changes.append(f"{name} rule {index} added: {_rule_text(rule)}")
    for index, rule in enumerate(old[len(new):], start=len(new) + 1):
        changes.append(f"{name} rule {index} removed: {_rule_text(rule)}")
    return changes


def _category_changes(old: Category, new: Category) -> list[str]:
    name = _name(new)
    changes = []
    if old.label != new.label:
        changes.append(f"{_name(old)} renamed to {name}")
    if old.field != new.field:
        changes.append(f"{name} reads column {new.field} (was {old.field})")
    if old.weight != new.weight:
        changes.append(f"{name} weight {_num(old.weight)} → {_num(new.weight)}")
    changes += _rules_changes(name, old.rules, new.rules)
    if old.default != new.default:
        changes.append(f"{name} default {_num(old.default)} → {_num(new.default)}")
    return changes


def _entry_changes(old: EngagementEntry, new: EngagementEntry) -> list[str]:
    name = _name(new)
    changes = []
    if old.label != new.label:
        changes.append(f"{_name(old)} renamed to {name}")
    for attribute, noun in (("activity", "activity"), ("field", "column")):
        if getattr(old, attribute) != getattr(new, attribute):
            changes.append(f"{name} counts {noun} {getattr(new, attribute)} (was {getattr(old, attribute)})")
    if old.points != new.points:
        changes.append(f"{name} points {_num(old.points)} → {_num(new.points)}")
    if old.max_count != new.max_count:
        changes.append(f"{name} cap {_num(old.max_count)} → {_num(new.max_count)}")
    if where_key(old.where) != where_key(new.where):
        changes.append(f"{name} counts {_where_text(new)} (was {_where_text(old)})")
    changes += _rules_changes(name, old.rules or [], new.rules or [])
    return changes


def _where_text(entry: EngagementEntry) -> str:
    return f"only rows where {describe_where(entry.where)}" if entry.where else "every row of its type"


def _list_changes(kind: str, old: list, new: list, compare) -> list[str]:
    old_by_id = {item.id: item for item in old}
    new_by_id = {item.id: item for item in new}
    changes = [f"{kind} {_name(item)} removed" for item in old if item.id not in new_by_id]
    for item in new:
        if item.id not in old_by_id:
            changes.append(f"{kind} {_name(item)} added")
        else:
            changes += compare(old_by_id[item.id], item)
    if [i.id for i in old if i.id in new_by_id] != [i.id for i in new if i.id in old_by_id]:
        changes.append(f"{kind} order changed")
    return changes


def _threshold_changes(axis: str, old: dict[str, float], new: dict[str, float], names: tuple[str, ...]) -> list[str]:
    return [f"{axis} threshold {name} {_num(old[name])} → {_num(new[name])}" for name in names if old[name] != new[name]]


def _recency_text(recency: Recency | None) -> str:
    if recency is None:
        return "no recency"
    if recency.half_life_days is not None:
        return f"half-life {_num(recency.half_life_days)} days"
    return "windows " + ", ".join(f"≤{_num(w.within_days)} d ×{_num(w.factor)}" for w in recency.windows or [])


def _recency_changes(old: Recency | None, new: Recency | None) -> list[str]:
    changes = []
    if _recency_text(old) != _recency_text(new):
        changes.append(f"Recency {_recency_text(old)} → {_recency_text(new)}")
    old_age = old.max_age_days if old else None
    new_age = new.max_age_days if new else None
    if old_age != new_age:
        changes.append(f"Activities count up to {_num(old_age)} → {_num(new_age)} days old")
    return changes


def _route_text(route: Route) -> str:
    return (route.action + (f" within {_num(route.sla_hours)} h" if route.sla_hours else "")
            + (f", rejected leads to {route.recycle}" if route.recycle else ""))


def _routing_changes(old: LeadModel, new: LeadModel) -> list[str]:
    changes = []
    for rating in RATINGS:
        before, after = old.routing.route_for(rating), new.routing.route_for(rating)
        if before != after:
            changes.append(f"{rating}: {_route_text(before)} → {_route_text(after)}")
    return changes


def describe_changes(old: LeadModel, new: LeadModel) -> list[str]:
    """Every difference from ``old`` to ``new``, one short sentence each, in model order."""
    changes = []
    for attribute in ("name", "version", "description", "agreed_on"):
        if getattr(old, attribute) != getattr(new, attribute):
            changes.append(f"Model {attribute}: {getattr(old, attribute)} → {getattr(new, attribute)}")
    if old.owners != new.owners:
        owners = ", ".join(f"{role}: {person}" for role, person in (new.owners or {}).items()) or "none"
        changes.append(f"Owners → {owners}")
    old_signed = {(entry.name, entry.role) for entry in old.sign_off or []}
    new_signed = {(entry.name, entry.role) for entry in new.sign_off or []}
    for entry in new.sign_off or []:
        if (entry.name, entry.role) not in old_signed:
            changes.append(f"Signed off by {entry.name} ({entry.role}) on {entry.signed_at:%Y-%m-%d %H:%M} UTC")
    for entry in old.sign_off or []:
        if (entry.name, entry.role) not in new_signed:
            changes.append(f"Sign-off by {entry.name} ({entry.role}) removed")
    changes += _list_changes("Category", old.profile.categories, new.profile.categories, _category_changes)
    changes += _threshold_changes("Profile", old.profile.grades.as_dict(), new.profile.grades.as_dict(), LETTERS)
    changes += _recency_changes(old.engagement.recency, new.engagement.recency)
    changes += _list_changes("Activity", old.engagement.activities, new.engagement.activities, _entry_changes)
    changes += _threshold_changes("Engagement", old.engagement.grades.as_dict(), new.engagement.grades.as_dict(), NUMBERS)
    changes += _routing_changes(old, new)
    if old.columns != new.columns:
        changes.append("Column mapping changed")
    return changes


def summarize_changes(old: LeadModel, new: LeadModel, limit: int = 3) -> str:
    """A one-line summary for a history entry: the first few changes, then a count."""
    changes = describe_changes(old, new)
    if not changes:
        return "no change"
    shown = "; ".join(changes[:limit])
    return shown if len(changes) <= limit else f"{shown} (+{len(changes) - limit} more)"
