"""The model classes and their validation (scoring.model.schema, scoring.model.validation): what is
refused, with which field path and line, and what is accepted with which meaning.

Invalid models are written as YAML files (the spec example with one edit) and read
with ``load_model`` so every refusal is checked for its field path, its 1-based
line and the ``<file>:<line> <path>: <message>`` line the CLI prints.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from modelcases import (
    DEFAULT_CONFIG,
    PROPERTY_SETTINGS,
    SPEC_EXAMPLE,
    SPEC_TEXT,
    SPEC_WINDOWS,
    assert_one_problem,
    base_model,
    line_with,
    model_dicts,
    refuse_data,
    refuse_file,
    spec_variant,
    with_change,
)

from scoring import RATINGS, LeadModel, load_model, parse_model, validate_model

# ------------------------------------------------ invalid models: field errors
#
# (case id, text replaced in the spec example, replacement, error path, text on the error's line)

FIELD_ERRORS = [
    ("weights sum to 100.02", "weight: 20\n", "weight: 20.02\n", "profile.categories", "  categories:"),
    ("weights sum to 99.98", "weight: 20\n", "weight: 19.98\n", "profile.categories", "  categories:"),
    ("weights sum to 90", "weight: 20\n", "weight: 10\n", "profile.categories", "  categories:"),
    ("negative weight", "field: job_title\n      weight: 25", "field: job_title\n      weight: -1",
     "profile.categories[2].weight", "weight: -1"),
    ("negative max_count", "points: 10\n      max_count: 3", "points: 10\n      max_count: -1",
     "engagement.activities[1].max_count", "max_count: -1"),
    ("rule value above 100", "Healthcare]}, value: 60}", "Healthcare]}, value: 101}",
     "profile.categories[0].rules[1].value", "value: 101"),
    ("rule value below -100", "Healthcare]}, value: 60}", "Healthcare]}, value: -100.5}",
     "profile.categories[0].rules[1].value", "value: -100.5"),
    ("default below -100", "default: 30", "default: -101", "profile.categories[1].default", "default: -101"),
    ("default above 100", "default: 20 ", "default: 100.01 ", "profile.categories[0].default",
     "default: 100.01"),
    ("field entry rule value", "{match: {gte: 10}, value: 20}", "{match: {gte: 10}, value: 200}",
     "engagement.activities[5].rules[0].value", "value: 200"),
    ("letter thresholds equal", "{A: 75, B: 50,", "{A: 75, B: 75,", "profile.grades.B", "{A: 75, B: 75,"),
    ("letter thresholds rising", "{A: 75, B: 50, C: 25,", "{A: 75, B: 50, C: 60,", "profile.grades.C",
     "C: 60"),
    ("lowest letter not 0", "C: 25, D: 0}", "C: 25, D: 5}", "profile.grades.D", "D: 5}"),
    ("lowest letter negative", "C: 25, D: 0}", "C: 25, D: -1}", "profile.grades.D", "D: -1}"),
    ("number thresholds equal", '"2": 35, "3": 15', '"2": 35, "3": 35', "engagement.grades.3", '"3": 35'),
    ("number thresholds rising", '{"1": 60, "2": 35', '{"1": 60, "2": 61', "engagement.grades.2", '"2": 61'),
    ("lowest number not 0", '"4": 0}', '"4": 1}', "engagement.grades.4", '"4": 1}'),
    ("duplicate category id", "- id: country", "- id: industry  # again", "profile.categories[3].id",
     "# again"),
    ("duplicate engagement id", "- id: pricing", "- id: demo  # again", "engagement.activities[1].id",
     "# again"),
    ("unknown operator", "{match: {gte: 1000}, value: 100}", "{match: {gt: 1000}, value: 100}",
     "profile.categories[1].rules[0].match.gt", "{gt: 1000}"),
    ("unknown operator equals", "{match: {in: [US, CA, GB, DE]}, value: 100}",
     "{match: {equals: US}, value: 100}", "profile.categories[3].rules[0].match.equals", "equals: US"),
    ("two operators", "{match: {gte: 1000}, value: 100}", "{match: {gte: 1000, in: [x]}, value: 100}",
     "profile.categories[1].rules[0].match", "{gte: 1000, in: [x]}"),
    ("in with contains_any", "{match: {contains_any: [manager, head]}, value: 60}",
     "{match: {contains_any: [manager], in: [head]}, value: 60}", "profile.categories[2].rules[1].match",
     "in: [head]"),
    ("range with missing", "{match: {range: [200, 1000]}, value: 70}",
     "{match: {range: [200, 1000], missing: true}, value: 70}", "profile.categories[1].rules[1].match",
     "range: [200, 1000], missing"),
    ("no operator", "{match: {gte: 1000}, value: 100}", "{match: {}, value: 100}",
     "profile.categories[1].rules[0].match", "{match: {}, value: 100}"),
    ("missing: false", "{match: {missing: true}, value: 0}", "{match: {missing: false}, value: 0}",
     "profile.categories[1].rules[2].match.missing", "missing: false"),
    ("unknown top-level key", "owners: {", "ownerz: {", "ownerz", "ownerz:"),
    ("unknown category key", "label: Industry", "lable: Industry", "profile.categories[0].lable", "lable:"),
    ("unknown rule key", "{match: {in: [US, CA, GB, DE]}, value: 100}",
     "{match: {in: [US, CA, GB, DE]}, value: 100, note: x}", "profile.categories[3].rules[0].note", "note: x"),
    ("unknown grade", "C: 25, D: 0}", "C: 25, D: 0, E: -5}", "profile.grades.E", "E: -5"),
    ("unknown number grade", '"4": 0}', '"4": 0, "5": -1}', "engagement.grades.5", '"5": -1'),
    ("unknown recency key", "max_age_days: 365", "max_age: 365", "engagement.recency.max_age", "max_age:"),
    ("unknown entry key", "max_count: 1\n", "max_cnt: 1\n", "engagement.activities[0].max_cnt", "max_cnt:"),
    ("unknown route key", "A1: {action: sales, sla_hours: 24}", "A1: {action: sales, sla: 24}",
     "routing.cells.A1.sla", "A1: {action: sales, sla: 24}"),
    ("unknown profile key", "  grades: {A: 75", "  scale: 100\n  grades: {A: 75", "profile.scale",
     "scale: 100"),
    ("both half_life_days and windows", "    max_age_days: 365",
     "    windows: [{within_days: 7, factor: 1}]\n    max_age_days: 365", "engagement.recency", "  recency:"),
    ("neither half_life_days nor windows",
     "    half_life_days: 30          # or: windows (below); exactly one of the two\n", "",
     "engagement.recency", "  recency:"),
    ("routing cell E5", "B3: {action", "E5: {action", "routing.cells.E5", "E5:"),
    ("routing cell A5", "B3: {action", "A5: {action", "routing.cells.A5", "A5:"),
    ("routing cell A0", "B3: {action", "A0: {action", "routing.cells.A0", "A0:"),
    ("routing cell lower case", "B3: {action", "b3: {action", "routing.cells.b3", "b3:"),
    ("routing cell reversed", "B3: {action", "3B: {action", "routing.cells.3B", "3B:"),
    ("activity entry without points", "      points: 40\n", "", "engagement.activities[0].points",
     "- id: demo"),
    ("activity entry with rules", "      points: 40\n",
     "      points: 40\n      rules: [{match: {gte: 1}, value: 5}]\n", "engagement.activities[0].rules",
     "rules: [{match: {gte: 1}"),
    ("field entry with points", "field: total_visits", "field: total_visits\n      points: 5",
     "engagement.activities[5].points", "points: 5"),
    ("field entry with max_count", "field: total_visits", "field: total_visits\n      max_count: 7",
     "engagement.activities[5].max_count", "max_count: 7"),
    ("field entry without rules", "      rules:\n        - {match: {gte: 10}, value: 20}\n"
     "        - {match: {gte: 3}, value: 8}\n", "", "engagement.activities[5].rules", "- id: visits"),
    ("entry with activity and field", "activity: webinar_attended",
     "activity: webinar_attended\n      field: webinars", "engagement.activities[2]", "- id: webinar"),
    ("entry with neither activity nor field", "      activity: webinar_attended\n", "",
     "engagement.activities[2]", "- id: webinar"),
    ("duplicate key in block mapping", "      label: Industry\n", "      label: Industry\n      weight: 35\n",
     "profile.categories[0].weight", "weight: 30"),
    ("duplicate key in flow mapping", "{A: 75, B: 50,", "{A: 75, A: 50,", "profile.grades.A", "{A: 75, A: 50,"),
    ("duplicate top-level key", "description: Agreed", "name: Again\ndescription: Agreed", "name",
     "name: Again"),
    ("missing name", "name: B2B SaaS inbound\n", "", "name", "schema_version: 1"),
    ("schema_version 2", "schema_version: 1", "schema_version: 2", "schema_version", "schema_version: 2"),
    ("routing sla_hours 0", "A1: {action: sales, sla_hours: 24}", "A1: {action: sales, sla_hours: 0}",
     "routing.cells.A1.sla_hours", "sla_hours: 0}"),
    ("half_life_days 0", "half_life_days: 30 ", "half_life_days: 0 ", "engagement.recency.half_life_days",
     "half_life_days: 0"),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "marker"),
    [case[1:] for case in FIELD_ERRORS],
    ids=[case[0] for case in FIELD_ERRORS],
)
def test_invalid_model_file_names_path_and_line(tmp_path, old, new, path, marker):
    text = spec_variant(old, new)
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, path, line_with(text, marker))


def test_weights_within_tolerance_are_accepted_but_not_beyond():
    close = validate_model(with_change("profile.categories[1].weight", 40.005))
    assert sum(c.weight for c in close.profile.categories) == pytest.approx(100.005)
    close_below = validate_model(with_change("profile.categories[1].weight", 39.995))
    assert close_below.profile.categories[1].weight == 39.995
    error = refuse_data(with_change("profile.categories[1].weight", 40.02))
    assert [p.path for p in error.problems] == ["profile.categories"]
    assert "100.02" in error.problems[0].message


def test_weight_message_names_the_total_and_each_weight(tmp_path):
    error, _ = refuse_file(tmp_path, spec_variant("weight: 20\n", "weight: 10\n"))
    message = error.problems[0].message
    assert "90" in message
    for part in ("industry 30", "size 25", "title 25", "country 10"):
        assert part in message


def test_gte_combines_only_with_lt():
    rule_path = "profile.categories[1].rules[0].match"
    both = validate_model(with_change(rule_path, {"gte": 10, "lt": 100}))
    assert both.profile.categories[1].rules[0].match.operators() == ["gte", "lt"]
    for match in ({"gte": 10, "range": [1, 2]}, {"lt": 10, "in": ["x"]}, {"lt": 1, "missing": True}):
        error = refuse_data(with_change(rule_path, match))
        assert [p.path for p in error.problems] == [rule_path], match


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("profile.categories[0].rules[0].match.in", []),
        ("profile.categories[0].rules[0].match.in", "Software"),
        ("profile.categories[1].rules[1].match.range", [1, 2, 3]),
        ("profile.categories[1].rules[0].match.gte", "many"),
        ("profile.categories[1].rules[0].match.gte", float("nan")),
        ("profile.categories[1].weight", float("inf")),
        ("profile.categories[0].id", ""),
        ("engagement.recency.windows", []),
        ("engagement.recency.max_age_days", 0),
        ("routing.cells.A1.action", ""),
    ],
)
def test_field_level_type_errors_name_the_field(path, value):
    data = with_change(path, value)
    if path.startswith("engagement.recency.windows"):
        data["engagement"]["recency"].pop("half_life_days")
    error = refuse_data(data)
    assert [p.path for p in error.problems] == [path]


def test_range_with_one_end_names_the_missing_end():
    error = refuse_data(with_change("profile.categories[1].rules[1].match.range", [1]))
    assert [p.path for p in error.problems] == ["profile.categories[1].rules[1].match.range[1]"]


def test_activity_entries_need_a_recency():
    data = base_model()
    del data["engagement"]["recency"]
    error = refuse_data(data)
    assert [p.path for p in error.problems] == ["engagement.recency"]
    data["engagement"]["activities"] = data["engagement"]["activities"][1:]
    assert validate_model(data).engagement.recency is None


# ------------------------------------------------ several problems at once


def test_same_number_grade_written_twice_is_refused(tmp_path):
    text = spec_variant('grades: {"1": 60,', 'grades: {1: 60, "1": 70,')
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "engagement.grades.1", line_with(text, '"1": 70'))


def test_null_in_item_names_the_item(tmp_path):
    text = spec_variant("{match: {in: [US, CA, GB, DE]}", "{match: {in: [US, null]}")
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "profile.categories[3].rules[0].match.in[1]", line_with(text, "null"))


def test_two_bad_grades_in_one_mapping_are_both_reported(tmp_path):
    text = spec_variant("{A: 75, B: 50, C: 25, D: 0}", "{A: 75, B: 80, C: 25, D: 5}")
    error, source = refuse_file(tmp_path, text)
    line = line_with(text, "{A: 75, B: 80")
    assert [(p.path, p.line) for p in error.problems] == [("profile.grades.B", line), ("profile.grades.D", line)]
    assert error.lines == [f"{source}:{line} {p.path}: {p.message}" for p in error.problems]
    assert str(error) == f"{error.lines[0]} (and 1 more problem)"


def test_all_three_number_grades_wrong_are_reported():
    error = refuse_data(with_change("engagement.grades", {"1": 10, "2": 10, "3": 20, "4": 5}))
    assert [p.path for p in error.problems] == [
        "engagement.grades.2", "engagement.grades.3", "engagement.grades.4",
    ]
    assert str(error).endswith("(and 2 more problems)")


def test_problems_in_different_sections_are_all_reported(tmp_path):
    text = spec_variant("field: job_title\n      weight: 25", "field: job_title\n      weight: -25")
    text = text.replace("{A: 75, B: 50,", "{A: 75, B: 90,").replace("max_count: 5", "max_count: -5")
    text = text.replace("B3: {action", "Z9: {action").replace("label: Industry", "lable: Industry")
    error, _ = refuse_file(tmp_path, text)
    found = {(p.path, p.line) for p in error.problems}
    assert found == {
        ("profile.categories[0].lable", line_with(text, "lable:")),
        ("profile.categories[2].weight", line_with(text, "weight: -25")),
        ("profile.grades.B", line_with(text, "B: 90")),
        ("engagement.activities[3].max_count", line_with(text, "max_count: -5")),
        ("routing.cells.Z9", line_with(text, "Z9:")),
    }


def test_every_duplicate_id_is_reported():
    data = base_model()
    data["engagement"]["activities"] += [
        {"id": "demo", "activity": "demo_again", "points": 1},
        {"id": "visits", "activity": "visit", "points": 1},
    ]
    error = refuse_data(data)
    assert [p.path for p in error.problems] == ["engagement.activities[2].id", "engagement.activities[3].id"]
    assert "activities[0]" in error.problems[0].message


def test_duplicate_ids_and_bad_weights_are_reported_together():
    data = with_change("profile.categories[1].id", "industry")
    data = with_change("profile.categories[1].weight", 10, data)
    error = refuse_data(data)
    assert [p.path for p in error.problems] == ["profile.categories[1].id", "profile.categories"]


def test_unknown_key_message_lists_the_allowed_keys():
    error = refuse_data(with_change("engagement.recency.half_life", 30))
    assert error.path == "engagement.recency.half_life"
    assert "half_life_days" in error.problems[0].message
    assert "windows" in error.problems[0].message


def test_validate_model_without_lines_has_no_line_numbers():
    error = refuse_data(with_change("profile.grades.D", 3))
    assert error.line is None
    assert error.lines == [f"profile.grades.D: {error.problems[0].message}"]


# ------------------------------------------------ accepted models


@pytest.mark.parametrize("path", [SPEC_EXAMPLE, SPEC_WINDOWS, DEFAULT_CONFIG], ids=lambda p: p.name)
def test_example_models_load(path):
    model = load_model(path)
    assert isinstance(model, LeadModel)
    assert sum(c.weight for c in model.profile.categories) == pytest.approx(100)


def test_spec_example_loads_with_its_meaning():
    model = load_model(SPEC_EXAMPLE)
    assert model.version == "2027.1"
    assert [c.id for c in model.profile.categories] == ["industry", "size", "title", "country"]
    assert [c.weight for c in model.profile.categories] == [30, 25, 25, 20]
    assert model.profile.categories[1].rules[1].match.range == (200, 1000)
    assert model.profile.categories[1].rules[2].match.missing is True
    assert model.profile.categories[0].default == 20
    assert model.engagement.recency.half_life_days == 30
    assert model.engagement.recency.windows is None
    assert model.engagement.grades.as_dict() == {"1": 60, "2": 35, "3": 15, "4": 0}
    webinar = model.engagement.activities[2]
    assert (webinar.points, webinar.max_count) == (15, None)
    assert model.engagement.activities[4].points == -30
    assert model.field_entries[0].field == "total_visits"
    assert model.routing.route_for("A1").sla_hours == 24
    assert model.routing.route_for("D4").action == "nurture"
    assert model.sales_ratings() == ["A1", "A2", "A3", "B1", "B2", "B3"]


def test_windows_variant_loads_windows():
    model = load_model(SPEC_WINDOWS)
    recency = model.engagement.recency
    assert recency.half_life_days is None
    assert [(w.within_days, w.factor) for w in recency.windows] == [(7, 1), (30, 0.75), (90, 0.5), (180, 0.25)]
    assert recency.max_age_days == 180


def test_category_default_is_zero_when_left_out():
    model = validate_model(base_model())
    assert model.profile.categories[1].default == 0


@pytest.mark.parametrize("written", ["2027.1", "2027", "1.5"])
def test_unquoted_version_becomes_text(written):
    model = parse_model(spec_variant('version: "2027.1"', f"version: {written}"))
    assert model.version == written


def test_unquoted_version_keeps_trailing_zero():
    model = parse_model(spec_variant('version: "2027.1"', "version: 2027.10"))
    assert model.version == "2027.10"


def test_number_grades_with_int_keys_load():
    text = spec_variant('grades: {"1": 60, "2": 35, "3": 15, "4": 0}', "grades: {1: 60, 2: 35, 3: 15, 4: 0}")
    model = parse_model(text)
    assert model.engagement.grades.as_dict() == {"1": 60, "2": 35, "3": 15, "4": 0}
    assert model == load_model(SPEC_EXAMPLE)


def test_number_grade_error_with_int_keys_names_the_line(tmp_path):
    text = spec_variant('grades: {"1": 60, "2": 35, "3": 15, "4": 0}', "grades: {1: 60, 2: 35, 3: 15, 4: 9}")
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "engagement.grades.4", line_with(text, "4: 9}"))


def test_yes_no_on_off_stay_text_but_true_is_a_boolean():
    text = spec_variant("{match: {in: [US, CA, GB, DE]}", "{match: {in: [NO, yes, on, Off, n, y]}")
    model = parse_model(text)
    assert model.profile.categories[3].rules[0].match.in_ == ["NO", "yes", "on", "Off", "n", "y"]
    assert model.profile.categories[1].rules[2].match.missing is True
    true_words = parse_model(spec_variant("{match: {missing: true}", "{match: {missing: True}"))
    assert true_words.profile.categories[1].rules[2].match.missing is True


def test_dates_and_numbers_in_lists_keep_their_meaning():
    text = spec_variant("{match: {in: [US, CA, GB, DE]}", "{match: {in: [2024-01-01, 1, 2.5, '7']}")
    items = parse_model(text).profile.categories[3].rules[0].match.in_
    assert items == ["2024-01-01", 1, 2.5, "7"]
    assert [type(item) for item in items] == [str, int, float, str]


def test_range_ends_may_be_open():
    model = validate_model(with_change("profile.categories[1].rules[1].match.range", [None, 1000]))
    assert model.profile.categories[1].rules[1].match.range == (None, 1000)
    model = validate_model(with_change("profile.categories[1].rules[1].match.range", [200, None]))
    assert model.profile.categories[1].rules[1].match.range == (200, None)


def test_boundary_values_are_accepted():
    data = with_change("profile.categories[0].rules[0].value", -100)
    data = with_change("profile.categories[0].default", 100, data)
    data = with_change("profile.categories[1].weight", 0, data)
    data = with_change("profile.categories[0].weight", 100, data)
    data = with_change("engagement.activities[0].max_count", 0, data)
    model = validate_model(data)
    assert model.profile.categories[0].rules[0].value == -100
    assert model.engagement.activities[0].max_count == 0


def test_all_sixteen_routing_cells_are_accepted():
    cells = {rating: {"action": f"act-{rating}"} for rating in RATINGS}
    model = validate_model(with_change("routing.cells", cells))
    assert sorted(model.routing.cells) == sorted(RATINGS)
    assert len(RATINGS) == 16


@PROPERTY_SETTINGS
@given(model_dicts())
def test_property_generated_models_are_valid(data):
    model = validate_model(data)
    assert len(model.profile.categories) == len(data["profile"]["categories"])


@PROPERTY_SETTINGS
@given(model_dicts(), st.integers(0, 5), st.sampled_from([-0.5, 0.02, 1, 50]))
def test_property_breaking_the_weights_is_refused_at_the_category_or_the_list(data, which, delta):
    categories = data["profile"]["categories"]
    index = which % len(categories)
    categories[index]["weight"] += delta
    error = refuse_data(data)
    if categories[index]["weight"] < 0:
        assert error.path == f"profile.categories[{index}].weight"
    else:
        assert [p.path for p in error.problems] == ["profile.categories"]


@PROPERTY_SETTINGS
@given(model_dicts(), st.sampled_from(["A", "B", "C"]))
def test_property_a_grade_not_above_the_next_is_refused_at_the_next(data, letter):
    grades = data["profile"]["grades"]
    following = "ABCD"["ABCD".index(letter) + 1]
    grades[letter] = grades[following]
    error = refuse_data(data)
    assert f"profile.grades.{following}" in [p.path for p in error.problems]


def test_a_number_with_thousands_of_digits_is_refused_at_its_field(tmp_path):
    text = SPEC_TEXT.replace("weight: 30 ", "weight: " + "9" * 5000 + " ", 1)
    error, _source = refuse_file(tmp_path, text)
    assert error.problems[0].path == "profile.categories[0].weight"
