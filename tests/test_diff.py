"""Model changes in workshop words: describe_changes and summarize_changes (scoring/diff.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring import LeadModel, validate_model
from scoring.model.diff import describe_changes, summarize_changes
from scoring.model.edit import rescale_weights, with_grades, with_route, with_weights
from scoring.model.schema import RATINGS

CONFIGS = Path(__file__).parent.parent / "configs"
DEFAULT = scoring.load_model(CONFIGS / "default.yaml")
WINDOWS = scoring.load_model(CONFIGS / "windows.yaml")


def edited(model: LeadModel, change: Callable[[dict[str, Any]], None]) -> LeadModel:
    """A validated copy of ``model`` after ``change`` edits its plain data in place."""
    data = model.model_dump(by_alias=True, exclude_none=True)
    change(data)
    return validate_model(data)


def category(data: dict[str, Any], category_id: str) -> dict[str, Any]:
    return next(c for c in data["profile"]["categories"] if c["id"] == category_id)


def entry(data: dict[str, Any], entry_id: str) -> dict[str, Any]:
    return next(e for e in data["engagement"]["activities"] if e["id"] == entry_id)


# ----- nothing changed


def test_identical_models_have_no_changes():
    assert describe_changes(DEFAULT, DEFAULT) == []
    assert summarize_changes(DEFAULT, DEFAULT) == "no change"


def test_equal_copies_have_no_changes():
    copy = edited(DEFAULT, lambda data: None)
    assert copy is not DEFAULT
    assert describe_changes(DEFAULT, copy) == []


def test_whole_number_written_as_float_is_no_change():
    def float_weights(data):
        for item in data["profile"]["categories"]:
            item["weight"] = float(item["weight"])

    assert describe_changes(DEFAULT, edited(DEFAULT, float_weights)) == []


# ----- model fields


def test_model_name_and_version_changes():
    def rename(data):
        data["name"] = "Q3 model"
        data["version"] = "2026.7"

    assert describe_changes(DEFAULT, edited(DEFAULT, rename)) == [
        "Model name: B2B SaaS inbound (default) → Q3 model",
        "Model version: 2026.4 → 2026.7",
    ]


def test_version_added_where_there_was_none_says_none():
    old = edited(DEFAULT, lambda data: data.pop("version"))
    assert describe_changes(old, DEFAULT) == ["Model version: None → 2026.4"]


def test_description_change():
    new = edited(DEFAULT, lambda data: data.update(description="Short."))
    assert describe_changes(DEFAULT, new) == [f"Model description: {DEFAULT.description} → Short."]


# ----- categories


def test_weight_change():
    new = with_weights(DEFAULT, {"industry": 30, "country": 10})
    assert describe_changes(DEFAULT, new) == ["Industry weight 25 → 30", "Country weight 15 → 10"]


def test_fractional_weight_is_shown_without_trailing_zeros():
    new = with_weights(DEFAULT, {"industry": 27.5, "country": 12.5})
    assert describe_changes(DEFAULT, new) == ["Industry weight 25 → 27.5", "Country weight 15 → 12.5"]


def test_rule_value_change():
    new = edited(DEFAULT, lambda data: category(data, "industry")["rules"][1].update(value=60))
    assert describe_changes(DEFAULT, new) == [
        "Industry rule 2 (in [Healthcare, Manufacturing, Professional Services]) 70 → 60"
    ]


def test_rule_condition_change():
    new = edited(DEFAULT, lambda data: category(data, "company_size")["rules"][0].update(match={"gte": 500}))
    assert describe_changes(DEFAULT, new) == ["Company size (employees) rule 1: >= 1000 → 100 ⇒ >= 500 → 100"]


def test_rule_condition_and_value_change_is_one_sentence():
    def change(data):
        category(data, "job_title")["rules"][3] = {"match": {"contains_any": ["manager"]}, "value": 50}

    assert describe_changes(DEFAULT, edited(DEFAULT, change)) == [
        "Job title rule 4: contains any of [manager, lead] → 55 ⇒ contains any of [manager] → 50"
    ]


def test_rule_added():
    def add(data):
        category(data, "country")["rules"].append({"match": {"in": ["ES", "IT"]}, "value": 50})

    assert describe_changes(DEFAULT, edited(DEFAULT, add)) == ["Country rule 4 added: in [ES, IT] → 50"]


def test_rule_removed():
    new = edited(DEFAULT, lambda data: category(data, "revenue")["rules"].pop())
    assert describe_changes(DEFAULT, new) == ["Annual revenue (USD) rule 4 removed: is missing → 15"]


def test_removing_a_middle_rule_shifts_the_ones_after_it():
    new = edited(DEFAULT, lambda data: category(data, "revenue")["rules"].pop(1))
    assert describe_changes(DEFAULT, new) == [
        "Annual revenue (USD) rule 2: in range [20000000, 100000000) → 75 ⇒ in range [5000000, 20000000) → 40",
        "Annual revenue (USD) rule 3: in range [5000000, 20000000) → 40 ⇒ is missing → 15",
        "Annual revenue (USD) rule 4 removed: is missing → 15",
    ]


def test_default_change():
    new = edited(DEFAULT, lambda data: category(data, "industry").update(default=-10))
    assert describe_changes(DEFAULT, new) == ["Industry default 20 → -10"]


def test_label_change_uses_the_new_name_afterwards():
    def change(data):
        category(data, "industry").update(label="Sector", weight=30)
        category(data, "country").update(weight=10)

    assert describe_changes(DEFAULT, edited(DEFAULT, change)) == [
        "Industry renamed to Sector",
        "Sector weight 25 → 30",
        "Country weight 15 → 10",
    ]


def test_label_removed_falls_back_to_the_id():
    new = edited(DEFAULT, lambda data: category(data, "industry").pop("label"))
    assert describe_changes(DEFAULT, new) == ["Industry renamed to industry"]


def test_field_change():
    new = edited(DEFAULT, lambda data: category(data, "industry").update(field="sector"))
    assert describe_changes(DEFAULT, new) == ["Industry reads column sector (was industry)"]


def test_category_added():
    def add(data):
        category(data, "industry")["weight"] = 15
        data["profile"]["categories"].append({"id": "source", "label": "Lead source", "field": "lead_source",
                                              "weight": 10})

    assert describe_changes(DEFAULT, edited(DEFAULT, add)) == [
        "Industry weight 25 → 15", "Category Lead source added",
    ]


def test_category_removed():
    def remove(data):
        data["profile"]["categories"] = [c for c in data["profile"]["categories"] if c["id"] != "country"]
        category(data, "industry")["weight"] = 40

    assert describe_changes(DEFAULT, edited(DEFAULT, remove)) == [
        "Category Country removed", "Industry weight 25 → 40",
    ]


def test_removing_a_category_is_not_a_reorder():
    def remove(data):
        data["profile"]["categories"].pop(0)
        category(data, "country")["weight"] = 40

    changes = describe_changes(DEFAULT, edited(DEFAULT, remove))
    assert changes == ["Category Industry removed", "Country weight 15 → 40"]


def test_categories_reordered():
    new = edited(DEFAULT, lambda data: data["profile"]["categories"].reverse())
    assert describe_changes(DEFAULT, new) == ["Category order changed"]


# ----- thresholds


def test_profile_threshold_change():
    new = with_grades(DEFAULT, "profile", {"A": 72.5, "C": 25})
    assert describe_changes(DEFAULT, new) == ["Profile threshold A 70 → 72.5", "Profile threshold C 30 → 25"]


def test_engagement_threshold_change():
    new = with_grades(DEFAULT, "engagement", {"1": 60, "3": 10})
    assert describe_changes(DEFAULT, new) == ["Engagement threshold 1 55 → 60", "Engagement threshold 3 12 → 10"]


# ----- recency and activities


def test_half_life_to_windows_and_max_age():
    assert describe_changes(DEFAULT, WINDOWS)[-2:] == [
        "Recency half-life 30 days → windows ≤7 d ×1, ≤30 d ×0.75, ≤90 d ×0.5, ≤180 d ×0.25",
        "Activities count up to 365 → 180 days old",
    ]


def test_windows_to_half_life():
    new = edited(WINDOWS, lambda data: data["engagement"].update(
        recency={"half_life_days": 14.5, "max_age_days": 180}))
    assert describe_changes(WINDOWS, new) == [
        "Recency windows ≤7 d ×1, ≤30 d ×0.75, ≤90 d ×0.5, ≤180 d ×0.25 → half-life 14.5 days"
    ]


def test_half_life_change():
    new = edited(DEFAULT, lambda data: data["engagement"]["recency"].update(half_life_days=45))
    assert describe_changes(DEFAULT, new) == ["Recency half-life 30 days → half-life 45 days"]


def test_max_age_removed():
    new = edited(DEFAULT, lambda data: data["engagement"]["recency"].pop("max_age_days"))
    assert describe_changes(DEFAULT, new) == ["Activities count up to 365 → none days old"]


def test_recency_removed_with_its_activities():
    def remove(data):
        data["engagement"].pop("recency")
        data["engagement"]["activities"] = [e for e in data["engagement"]["activities"] if "field" in e]

    changes = describe_changes(DEFAULT, edited(DEFAULT, remove))
    assert changes[:2] == ["Recency half-life 30 days → no recency", "Activities count up to 365 → none days old"]
    assert changes[2:] == [f"Activity {label} removed" for label in (
        "Demo request", "Pricing page visit", "Form submitted", "Webinar attended", "Event attended",
        "Content download", "Email click", "Email open", "Unsubscribed")]


def test_activity_points_and_cap():
    def change(data):
        entry(data, "demo").update(points=50, max_count=2)

    assert describe_changes(DEFAULT, edited(DEFAULT, change)) == [
        "Demo request points 45 → 50", "Demo request cap 1 → 2",
    ]


def test_activity_cap_removed():
    new = edited(DEFAULT, lambda data: entry(data, "pricing").pop("max_count"))
    assert describe_changes(DEFAULT, new) == ["Pricing page visit cap 3 → none"]


def test_activity_type_and_label_change():
    new = edited(DEFAULT, lambda data: entry(data, "demo").update(activity="demo", label="Demo"))
    assert describe_changes(DEFAULT, new) == [
        "Demo request renamed to Demo", "Demo counts activity demo (was demo_request)",
    ]


def test_activity_added():
    def add(data):
        data["engagement"]["activities"].append({"id": "bounce", "activity": "email_bounce", "points": -5})

    assert describe_changes(DEFAULT, edited(DEFAULT, add)) == ["Activity bounce added"]


def test_activity_removed():
    new = edited(DEFAULT, lambda data: data["engagement"]["activities"].pop(0))
    assert describe_changes(DEFAULT, new) == ["Activity Demo request removed"]


def test_activities_reordered():
    new = edited(DEFAULT, lambda data: data["engagement"]["activities"].reverse())
    assert describe_changes(DEFAULT, new) == ["Activity order changed"]


def test_field_entry_rule_and_column_change():
    def change(data):
        visits = entry(data, "visits")
        visits["field"] = "visits_90d"
        visits["rules"][0]["value"] = 20

    assert describe_changes(DEFAULT, edited(DEFAULT, change)) == [
        "Website visits (total) counts column visits_90d (was total_visits)",
        "Website visits (total) rule 1 (>= 20) 15 → 20",
    ]


# ----- routing and columns


def test_routing_cell_to_default_names_the_old_sla():
    assert describe_changes(DEFAULT, with_route(DEFAULT, "B2", "nurture", None)) == [
        "B2: sales within 48 h → nurture"
    ]


def test_routing_cell_from_default_to_sales_with_sla():
    assert describe_changes(DEFAULT, with_route(DEFAULT, "C2", "sales", 72)) == ["C2: nurture → sales within 72 h"]


def test_routing_sla_only_change():
    assert describe_changes(DEFAULT, with_route(DEFAULT, "A1", "sales", 4.5)) == [
        "A1: sales within 24 h → sales within 4.5 h"
    ]


def test_routing_default_change_lists_every_cell_that_follows_it():
    new = edited(DEFAULT, lambda data: data["routing"].update(default={"action": "discard"}))
    following = [r for r in RATINGS if r not in DEFAULT.routing.cells]
    assert len(following) == 8  # 16 ratings, 8 listed in the default model's cells
    assert describe_changes(DEFAULT, new) == [f"{rating}: nurture → discard" for rating in following]


def test_routing_changes_come_in_rating_order():
    new = with_route(with_route(DEFAULT, "D4", "nurture", None), "A4", "sales", 96)
    assert describe_changes(DEFAULT, new) == ["A4: nurture → sales within 96 h", "D4: nurture:slow → nurture"]


def test_column_mapping_change():
    new = edited(DEFAULT, lambda data: data.update(columns={"leads": {"industry": "Branche"}}))
    assert describe_changes(DEFAULT, new) == ["Column mapping changed"]
    assert describe_changes(new, DEFAULT) == ["Column mapping changed"]


def test_changes_between_the_example_configs_in_model_order():
    assert describe_changes(DEFAULT, WINDOWS) == [
        "Model name: B2B SaaS inbound (default) → B2B SaaS inbound (recency windows)",
        "Model version: 2026.4 → 2026.4-w",
        f"Model description: {DEFAULT.description} → {WINDOWS.description}",
        "Recency half-life 30 days → windows ≤7 d ×1, ≤30 d ×0.75, ≤90 d ×0.5, ≤180 d ×0.25",
        "Activities count up to 365 → 180 days old",
    ]


def test_owners_change_is_described():
    new = edited(DEFAULT, lambda data: data.update(owners={"marketing": "Dana", "sales": "Lee"}))
    assert new != DEFAULT
    assert describe_changes(DEFAULT, new) != []


def test_a_removed_sign_off_is_described():
    signed = edited(DEFAULT, lambda data: data.update(sign_off=[
        {"name": "Lee", "role": "sales", "signed_at": "2026-04-01T09:30:00Z"}]))
    assert describe_changes(DEFAULT, signed) == ["Signed off by Lee (sales) on 2026-04-01 09:30 UTC"]
    assert describe_changes(signed, DEFAULT) == ["Sign-off by Lee (sales) removed"]


def test_a_recycle_track_change_is_described():
    new = edited(DEFAULT, lambda data: data["routing"]["cells"]["B2"].update(recycle="nurture:slow"))
    assert describe_changes(DEFAULT, new) == [
        "B2: sales within 48 h → sales within 48 h, rejected leads to nurture:slow"]


# ----- summarize_changes


def five_changes() -> LeadModel:
    new = with_weights(DEFAULT, {"industry": 30, "country": 10})  # 2 changes
    new = with_grades(new, "profile", {"A": 75})  # 1
    return with_route(with_route(new, "A1", "sales", 12), "D4", "nurture", None)  # 2


def test_summary_shows_the_first_three_and_counts_the_rest():
    assert summarize_changes(DEFAULT, five_changes()) == (
        "Industry weight 25 → 30; Country weight 15 → 10; Profile threshold A 70 → 75 (+2 more)"
    )


def test_summary_with_a_smaller_limit():
    assert summarize_changes(DEFAULT, five_changes(), limit=1) == "Industry weight 25 → 30 (+4 more)"


def test_summary_at_the_limit_has_no_count():
    new = with_weights(DEFAULT, {"industry": 30, "country": 10})
    new = with_grades(new, "profile", {"A": 75})
    assert summarize_changes(DEFAULT, new) == (
        "Industry weight 25 → 30; Country weight 15 → 10; Profile threshold A 70 → 75"
    )
    assert summarize_changes(DEFAULT, five_changes(), limit=5) == "; ".join(describe_changes(DEFAULT, five_changes()))


def test_summary_of_one_change():
    assert summarize_changes(DEFAULT, with_route(DEFAULT, "B2", "nurture", None)) == "B2: sales within 48 h → nurture"


# ----- property: no sentence exactly when nothing changed

CATEGORY_IDS = [c.id for c in DEFAULT.profile.categories]
ACTIONS = ["sales", "nurture", "nurture:fast-track"]

edits = st.one_of(
    st.tuples(st.just("weight"), st.sampled_from(CATEGORY_IDS), st.sampled_from([15, 20, 25, 30])),
    st.tuples(st.just("grades"), st.sampled_from(["profile", "engagement"]),
              st.sampled_from([(70, 50, 30), (75, 50, 25), (55, 30, 12)])),
    st.tuples(st.just("route"), st.sampled_from(["A1", "B2", "C2", "D4"]),
              st.tuples(st.sampled_from(ACTIONS), st.sampled_from([None, 24, 48]))),
)


def apply_edits(model: LeadModel, steps: list[tuple]) -> LeadModel:
    for kind, target, value in steps:
        if kind == "weight":
            weights = {c.id: c.weight for c in model.profile.categories} | {target: value}
            model = with_weights(model, rescale_weights(weights, target))
        elif kind == "grades":
            names = ("A", "B", "C") if target == "profile" else ("1", "2", "3")
            model = with_grades(model, target, dict(zip(names, value, strict=True)))
        else:
            model = with_route(model, target, *value)
    return model


@settings(max_examples=60, deadline=None)
@given(st.lists(edits, max_size=4), st.lists(edits, max_size=4))
def test_no_changes_exactly_when_models_are_equal(first, second):
    old, new = apply_edits(DEFAULT, first), apply_edits(DEFAULT, second)
    changes = describe_changes(old, new)
    assert (changes == []) == (old == new)
    assert (summarize_changes(old, new) == "no change") == (old == new)
    assert len(describe_changes(new, old)) == len(changes)  # these edits read the same both ways
