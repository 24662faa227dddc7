"""Pure model edits (scoring/edit.py): each returns a new validated model and leaves its input alone."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import scoring
from scoring import LeadModel, ModelError, dump_model, validate_model
from scoring.model.edit import (
    DEFAULT_WINDOWS,
    rescale_weights,
    with_activities,
    with_activity_entries,
    with_category,
    with_columns,
    with_grades,
    with_recency,
    with_route,
    with_routing,
    with_weights,
)
from scoring.model.schema import RATINGS
from scoring.model.tables import routing_rows

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))
DEFAULT = scoring.load_model(Path(__file__).parent.parent / "configs" / "default.yaml")


def weights_of(model: LeadModel) -> dict[str, float]:
    return {c.id: c.weight for c in model.profile.categories}


def category_of(model: LeadModel, category_id: str):
    return next(c for c in model.profile.categories if c.id == category_id)


def entry_of(model: LeadModel, entry_id: str):
    return next(e for e in model.engagement.activities if e.id == entry_id)


# ----- invalid results: ModelError naming the path, input untouched

INVALID_EDITS: dict[str, tuple[Callable[[LeadModel], LeadModel], str]] = {
    "weights not summing to 100": (lambda m: with_weights(m, {"industry": 30}), "profile.categories"),
    "negative weight": (lambda m: with_weights(m, {"industry": -5, "country": 45}),
                        "profile.categories[0].weight"),
    "letter thresholds not decreasing": (lambda m: with_grades(m, "profile", {"B": 80}), "profile.grades.B"),
    "lowest letter not 0": (lambda m: with_grades(m, "profile", {"D": 5}), "profile.grades.D"),
    "number thresholds not decreasing": (lambda m: with_grades(m, "engagement", {"3": 30}), "engagement.grades.3"),
    "not a rating": (lambda m: with_route(m, "E1", "sales", 24), "routing.cells.E1"),
    "blank action": (lambda m: with_route(m, "A1", "   ", None), "routing.cells.A1.action"),
    "unknown category": (lambda m: with_category(m, "nope", weight=10), "profile.categories"),
    "value above 100": (lambda m: with_category(m, "revenue", default=101), "profile.categories[2].default"),
    "activity entry without points": (lambda m: with_activity_entries(m, [{"id": "demo", "activity": "demo"}]),
                                      "engagement.activities[0].points"),
    "negative cap": (lambda m: with_activity_entries(m, [{"id": "demo", "activity": "demo", "points": 5,
                                                          "max_count": -1}]),
                     "engagement.activities[0].max_count"),
    "duplicate entry ids": (lambda m: with_activities(m, [{"id": "x", "activity": "a", "points": 1},
                                                          {"id": "x", "activity": "b", "points": 2}]),
                            "engagement.activities[1].id"),
    "half-life and windows": (lambda m: with_recency(m, {"half_life_days": 7,
                                                         "windows": [{"within_days": 7, "factor": 1}]}),
                              "engagement.recency"),
    "column not text": (lambda m: with_columns(m, {"industry": 5}, {}), "columns.leads.industry"),
}


@pytest.mark.parametrize("name", INVALID_EDITS)
def test_invalid_edit_raises_model_error_with_path_and_leaves_input_alone(name):
    edit, path = INVALID_EDITS[name]
    before = dump_model(DEFAULT)
    with pytest.raises(ModelError) as raised:
        edit(DEFAULT)
    assert raised.value.path == path
    assert dump_model(DEFAULT) == before


def test_weight_error_lists_every_weight():
    with pytest.raises(ModelError) as raised:
        with_weights(DEFAULT, {"industry": 30})
    assert raised.value.problems[0].message == (
        "weights must sum to 100; got 105 (industry 30, company_size 20, revenue 15, job_title 25, country 15)"
    )


def test_rescale_weights_of_an_unknown_key_is_a_model_error():
    with pytest.raises(ModelError, match="no category with id 'c'"):
        rescale_weights({"a": 50, "b": 50}, "c")


# ----- valid edits: a new model, input untouched

VALID_EDITS: dict[str, Callable[[LeadModel], LeadModel]] = {
    "with_weights": lambda m: with_weights(m, {"industry": 30, "country": 10}),
    "with_grades profile": lambda m: with_grades(m, "profile", {"A": 80}),
    "with_grades engagement": lambda m: with_grades(m, "engagement", {"1": 60}),
    "with_route": lambda m: with_route(m, "C1", "sales", 72),
    "with_route to default": lambda m: with_route(m, "A1", "nurture", None),
    "with_category": lambda m: with_category(m, "industry", label="Sector", rules=[]),
    "with_activity_entries": lambda m: with_activity_entries(m, [{"id": "demo", "activity": "demo_request",
                                                                  "points": 50}]),
    "with_activities": lambda m: with_activities(m, [{"id": "demo", "activity": "demo_request", "points": 40}]),
    "with_recency": lambda m: with_recency(m, {"windows": [{"within_days": 30, "factor": 1}]}),
    "with_columns": lambda m: with_columns(m, {"industry": "Branche"}, {"activity": "type"}),
}


@pytest.mark.parametrize("name", VALID_EDITS)
def test_edit_returns_a_new_model_and_leaves_input_alone(name):
    before = dump_model(DEFAULT)
    result = VALID_EDITS[name](DEFAULT)
    assert isinstance(result, LeadModel)
    assert result is not DEFAULT
    assert result != DEFAULT
    assert dump_model(DEFAULT) == before
    assert validate_model(result.model_dump(by_alias=True, exclude_none=True)) == result


def test_with_weights_sets_only_the_named_weights():
    result = with_weights(DEFAULT, {"industry": 30, "country": 10})
    assert weights_of(result) == {"industry": 30, "company_size": 20, "revenue": 15, "job_title": 25,
                                  "country": 10}
    assert category_of(result, "industry").rules == category_of(DEFAULT, "industry").rules


def test_with_weights_ignores_unknown_ids():
    assert with_weights(DEFAULT, {"nope": 50}) == DEFAULT


def test_with_grades_merges_into_the_old_thresholds():
    result = with_grades(DEFAULT, "engagement", {1: 60, "3": 10})  # int keys are accepted too
    assert result.engagement.grades.as_dict() == {"1": 60, "2": 30, "3": 10, "4": 0}
    assert result.profile.grades == DEFAULT.profile.grades


def test_with_category_accepts_rule_objects_and_dicts():
    rules = category_of(DEFAULT, "industry").rules
    assert with_category(DEFAULT, "industry", rules=rules) == DEFAULT
    assert with_category(DEFAULT, "industry", rules=[r.model_dump(by_alias=True, exclude_none=True)
                                                     for r in rules]) == DEFAULT
    shorter = with_category(DEFAULT, "industry", rules=rules[:2], default=5)
    assert category_of(shorter, "industry").rules == rules[:2]
    assert category_of(shorter, "industry").default == 5


def test_with_activity_entries_keeps_the_field_entries():
    model = DEFAULT
    assert "visits" in [e.id for e in model.field_entries]
    result = with_activity_entries(model, [{"id": "demo", "activity": "demo_request", "points": 40,
                                            "label": None, "max_count": float("nan")}])
    assert [e.id for e in result.engagement.activities] == ["demo", "visits"]
    assert entry_of(result, "visits") == entry_of(model, "visits")
    assert (entry_of(result, "demo").max_count, entry_of(result, "demo").label) == (None, None)


def test_first_activity_brings_the_recency_set_on_the_page():
    data = DEFAULT.model_dump(by_alias=True, exclude_none=True)
    data["engagement"]["activities"] = [
        {"id": "visits", "field": "total_visits", "rules": [{"match": {"gte": 5}, "value": 10}]}]
    data["engagement"].pop("recency")
    no_activities = validate_model(data)
    row = {"id": "demo", "activity": "demo_request", "points": 40}
    assert with_activity_entries(no_activities, [row]).engagement.recency.half_life_days == 30
    windows = {"windows": list(DEFAULT_WINDOWS)}
    chosen = with_activity_entries(no_activities, [row], windows).engagement.recency
    assert [(w.within_days, w.factor) for w in chosen.windows] == [(7, 1), (30, 0.5), (90, 0.25)]
    # a model that has a recency keeps its own
    assert with_activity_entries(DEFAULT, [row], windows).engagement.recency == DEFAULT.engagement.recency


def test_rows_without_an_id_are_not_entries():
    result = with_activity_entries(DEFAULT, [{"id": None, "activity": "x", "points": 1},
                                             {"id": "  ", "activity": "y", "points": 1},
                                             {"id": "demo", "activity": "demo_request", "points": 40}])
    assert [e.id for e in result.activity_entries] == ["demo"]


def test_with_activities_drops_blank_values():
    result = with_activities(DEFAULT, [
        {"id": "demo", "label": "", "activity": "demo_request", "points": 40, "max_count": float("nan")},
        {"id": "visits", "field": "total_visits", "rules": [{"match": {"gte": 5}, "value": 10}],
         "points": None},
    ])
    assert [e.id for e in result.engagement.activities] == ["demo", "visits"]
    demo = entry_of(result, "demo")
    assert (demo.label, demo.max_count, demo.points) == (None, None, 40)


def test_with_recency_drops_none_values():
    result = with_recency(DEFAULT, {"half_life_days": None, "windows": [{"within_days": 14, "factor": 1}],
                                    "max_age_days": None})
    recency = result.engagement.recency
    assert (recency.half_life_days, recency.max_age_days) == (None, None)
    assert [(w.within_days, w.factor) for w in recency.windows] == [(14, 1)]


# ----- with_route


def test_with_route_stores_a_new_cell():
    result = with_route(DEFAULT, "C1", " sales ", 72)
    assert result.routing.cells["C1"].model_dump(exclude_none=True) == {"action": "sales", "sla_hours": 72}


def test_with_route_equal_to_default_removes_the_cell():
    result = with_route(DEFAULT, "B2", " nurture ", None)
    assert "B2" not in result.routing.cells
    assert result.routing.route_for("B2") == DEFAULT.routing.default
    assert len(result.routing.cells) == len(DEFAULT.routing.cells) - 1


def test_with_route_equal_to_default_for_an_unset_cell_changes_nothing():
    assert with_route(DEFAULT, "C3", "nurture", None) == DEFAULT


def test_with_route_compares_the_sla_with_a_default_that_has_one():
    data = DEFAULT.model_dump(by_alias=True, exclude_none=True)
    data["routing"]["default"] = {"action": "sales", "sla_hours": 24}
    sales_default = validate_model(data)
    assert "A1" not in with_route(sales_default, "A1", "sales", 24).routing.cells
    assert with_route(sales_default, "A1", "sales", 12).routing.cells["A1"].sla_hours == 12
    assert with_route(sales_default, "A1", "sales", None).routing.cells["A1"].sla_hours is None


def test_with_route_no_sla_drops_the_old_one():
    assert with_route(DEFAULT, "A1", "sales", None).routing.cells["A1"].sla_hours is None


def test_a_route_moved_off_sales_loses_its_sla():
    # Issue 19: a route moved to nurture kept its sales SLA (A1 is to sales with 24 h in the default model)
    assert DEFAULT.routing.route_for("A1").sla_hours == 24
    rows = routing_rows(DEFAULT)
    for row in rows:
        if row["rating"] == "A1":
            row["action"] = "nurture"  # the table still carries sla_hours 24
    moved = with_routing(DEFAULT, rows)
    assert moved.routing.route_for("A1").action == "nurture" and moved.routing.route_for("A1").sla_hours is None
    assert "A1" not in moved.routing.cells  # now equal to the default route: no entry
    assert with_route(DEFAULT, "A1", "nurture:fast-track", 24).routing.cells["A1"].sla_hours is None
    back = with_route(moved, "A1", "sales", 12)  # back to sales: a new SLA is kept
    assert back.routing.route_for("A1").sla_hours == 12


@settings(max_examples=40, deadline=None)
@given(rating=st.sampled_from(RATINGS), action=st.sampled_from(["sales", "nurture", "nurture:slow", "discard"]),
       sla=st.one_of(st.none(), st.integers(1, 200)))
def test_only_sales_routes_keep_an_sla_set_while_moving_off_sales(rating, action, sla):
    before = DEFAULT.routing.route_for(rating)
    after = with_route(DEFAULT, rating, action, sla).routing.route_for(rating)
    assert after.action == action
    if action != "sales" and before.action == "sales":
        assert after.sla_hours is None
    elif sla is not None:
        assert after.sla_hours == sla


# ----- with_columns


def test_with_columns_drops_identity_and_blank_entries():
    result = with_columns(DEFAULT, {"industry": "Branche", "country": "country", "job_title": ""},
                          {"activity": "type", "lead_id": "lead_id"})
    assert result.columns.leads == {"industry": "Branche"}
    assert result.columns.activities == {"activity": "type"}


def test_with_columns_removes_the_section_when_nothing_is_left():
    mapped = with_columns(DEFAULT, {"industry": "Branche"}, {})
    assert mapped.columns is not None
    cleared = with_columns(mapped, {"industry": "industry"}, {"activity": ""})
    assert cleared.columns is None
    assert cleared == DEFAULT
    assert "columns" not in dump_model(cleared)


# ----- rescale_weights


def test_rescale_keeps_the_moved_weight_and_scales_the_others():
    assert rescale_weights({"a": 40, "b": 20, "c": 10}, "a") == {"a": 40, "b": 40, "c": 20}


def test_rescale_gives_rounding_to_the_largest_remainders():
    assert rescale_weights({"a": 33.3, "b": 1, "c": 2}, "a") == pytest.approx({"a": 33.3, "b": 22, "c": 44.7})
    assert rescale_weights({"a": 10, "b": 1, "c": 1, "d": 1}, "a") == {"a": 10, "b": 30, "c": 30, "d": 30}


def test_rescale_with_others_all_zero_shares_the_room_equally():
    assert rescale_weights({"a": 40, "b": 0, "c": 0}, "a") == {"a": 40, "b": 30, "c": 30}
    assert rescale_weights({"a": 0, "b": 0, "c": 0, "d": 0}, "a") == {"a": 0, "b": 34, "c": 33, "d": 33}


def test_rescale_clips_kept_weight_to_0_and_100():
    assert rescale_weights({"a": 120, "b": 10}, "a") == {"a": 100, "b": 0}
    assert rescale_weights({"a": -5, "b": 10, "c": 30}, "a") == {"a": 0, "b": 25, "c": 75}


def test_rescale_treats_negative_others_as_zero():
    assert rescale_weights({"a": 10, "b": -3, "c": 6}, "a") == {"a": 10, "b": 0, "c": 90}


def test_rescale_single_category_takes_everything():
    assert rescale_weights({"a": 30}, "a") == {"a": 100}


def test_rescale_does_not_change_its_input():
    weights = {"a": 40, "b": 20, "c": 10}
    rescale_weights(weights, "b")
    assert weights == {"a": 40, "b": 20, "c": 10}


weight_dicts = st.dictionaries(
    st.sampled_from("abcdefghij"),
    st.one_of(st.integers(-20, 150).map(float), st.floats(-20, 150, allow_nan=False)),
    min_size=1, max_size=10,
)


@settings(max_examples=300, deadline=None)
@given(weight_dicts, st.data())
@example({"a": 0.0, "b": 1.0, "c": 5.77e-13}, "c")  # once gave a negative weight
def test_rescale_properties(weights, data):
    keep = data if isinstance(data, str) else data.draw(st.sampled_from(sorted(weights)))
    result = rescale_weights(weights, keep)
    assert set(result) == set(weights)
    assert math.isclose(sum(result.values()), 100.0, abs_tol=1e-9)
    assert all(value >= 0 for value in result.values())
    others = {key: max(value, 0.0) for key, value in weights.items() if key != keep}
    if not others:
        assert result == {keep: 100.0}
        return
    kept = min(max(weights[keep], 0.0), 100.0)
    assert result[keep] == kept
    room, total = 100.0 - kept, sum(others.values())
    exact = {key: (value * room / total if total > 0 else room / len(others)) for key, value in others.items()}
    # largest remainder: every other stays within 1 of its exact share
    for key in others:
        assert abs(result[key] - exact[key]) < 1 + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([c.id for c in DEFAULT.profile.categories]), st.floats(0, 100, allow_nan=False))
def test_rescaled_weights_always_make_a_valid_model(keep, value):
    weights = weights_of(DEFAULT) | {keep: value}
    result = with_weights(DEFAULT, rescale_weights(weights, keep))
    assert category_of(result, keep).weight == value
    assert math.isclose(sum(weights_of(result).values()), 100.0, abs_tol=1e-9)


