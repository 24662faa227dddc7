"""``where`` on an activity entry in the model file's other forms: YAML written fresh and
onto a commented file, JSON against the JSON Schema, the change history, the activity
table's edit and the sign-off sheet."""

from __future__ import annotations

import json

import jsonschema

from scoring import validate_model
from scoring.agreement.sheet import _activities
from scoring.model.diff import describe_changes
from scoring.model.edit import with_activity_entries
from scoring.model.files import dump_model, dump_model_json, model_json_schema, parse_model

DATA = {
    "name": "work items",
    "profile": {"categories": [{"id": "c", "field": "x", "weight": 100}], "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
    "engagement": {"recency": {"half_life_days": 30}, "grades": {"1": 60, "2": 35, "3": 15, "4": 0}, "activities": [
        {"id": "done", "activity": "work", "points": 10, "where": {"lifecycle": ["COMPLETE", 1], "team": ["x'y"]}}]},
}
MODEL = validate_model(DATA)


def test_yaml_writes_the_filter_on_one_line_and_reads_it_back():
    text = dump_model(MODEL)
    assert "      where: {lifecycle: [COMPLETE, 1], team: [x'y]}\n" in text
    assert parse_model(text) == MODEL


def test_an_edited_filter_is_written_onto_the_file_keeping_its_comments():
    original = dump_model(MODEL).replace("  activities:\n", "  activities:  # one row per state\n")
    data = json.loads(json.dumps(DATA))
    data["engagement"]["activities"][0]["where"]["lifecycle"] = ["START"]
    edited = validate_model(data)
    text = dump_model(edited, like=original)
    assert "# one row per state" in text and parse_model(text) == edited


def test_json_follows_the_schema_and_the_schema_refuses_an_empty_filter():
    validator = jsonschema.Draft202012Validator(model_json_schema())
    validator.validate(json.loads(dump_model_json(MODEL)))
    bad = json.loads(json.dumps(DATA))
    bad["engagement"]["activities"][0]["where"] = {"lifecycle": []}
    assert not validator.is_valid(bad)


def test_the_change_history_names_a_changed_filter():
    data = json.loads(json.dumps(DATA))
    del data["engagement"]["activities"][0]["where"]
    assert describe_changes(MODEL, validate_model(data)) == [
        "done counts every row of its type (was only rows where lifecycle in [COMPLETE, 1] and team in [x'y])"]
    # the same filter written another way is no change
    data["engagement"]["activities"][0]["where"] = {"team": ["X'Y "], "lifecycle": [1.0, "complete"]}
    assert describe_changes(MODEL, validate_model(data)) == []


def test_the_activity_table_keeps_a_filter_it_does_not_show():
    row = {"id": "done", "label": None, "activity": "work", "points": 25, "max_count": None}
    edited = with_activity_entries(MODEL, [row])
    assert edited.engagement.activities[0].where == MODEL.engagement.activities[0].where
    assert edited.engagement.activities[0].points == 25
    assert with_activity_entries(MODEL, [{**row, "where": None}]).engagement.activities[0].where is None


def test_the_sign_off_sheet_shows_the_filter():
    [line] = _activities(MODEL)
    assert "activity work where lifecycle in [COMPLETE, 1] and team in [x'y]" in str(line)
