"""The model file (scoring.model.files): the YAML 1.2 reader and what it refuses, size and
nesting limits, and round trips through YAML and JSON against the JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from modelcases import (
    DEFAULT_CONFIG,
    MIB,
    PROPERTY_SETTINGS,
    SCHEMA_VALIDATOR,
    SPEC_EXAMPLE,
    SPEC_TEXT,
    SPEC_WINDOWS,
    assert_one_problem,
    line_with,
    model_dicts,
    refuse_file,
    spec_variant,
    with_change,
)

from scoring import (
    LeadModel,
    ModelError,
    dump_model,
    dump_model_json,
    load_model,
    model_json_schema,
    parse_model,
    validate_model,
)

# ------------------------------------------------ invalid models: refused YAML


YAML_ERRORS = [
    ("syntax: mapping in a scalar", "description: Agreed in the Q1 workshop",
     "description: Agreed: in the Q1 workshop", "description: Agreed:"),
    ("syntax: tab indentation", "  grades: {A: 75", "\tgrades: {A: 75", "\tgrades"),
    ("anchor", "owners: {marketing", "owners: &people {marketing", "&people"),
    ("anchor and alias", "owners: {marketing: Dana, sales: Lee}",
     "owners: &people {marketing: Dana, sales: Lee}\ndescription2: *people", "&people"),
    ("alias of a scalar", "name: B2B SaaS inbound", "name: &n B2B SaaS inbound", "&n"),
    ("merge key", "    A1: {action: sales, sla_hours: 24}",
     "    A1: &fast {action: sales, sla_hours: 24}\n    A4: {<<: *fast}", "&fast"),
    ("tag !!python/object", "description: Agreed in the Q1 workshop",
     "description: !!python/object/apply:os.system [echo hi]", "!!python"),
    ("tag !!str", 'version: "2027.1"', "version: !!str 2027.1", "!!str"),
    ("tag !!float on a weight", "weight: 20\n", "weight: !!float 20\n", "!!float"),
    ("tag !!map", "owners: {marketing", "owners: !!map {marketing", "!!map"),
    ("tag !!seq", "{match: {in: [US, CA, GB, DE]}", "{match: {in: !!seq [US, CA, GB, DE]}", "!!seq"),
    ("local tag", "name: B2B SaaS inbound", "name: !custom B2B SaaS inbound", "!custom"),
]


@pytest.mark.parametrize(
    ("old", "new", "marker"), [case[1:] for case in YAML_ERRORS], ids=[case[0] for case in YAML_ERRORS]
)
def test_refused_yaml_names_the_line(tmp_path, old, new, marker):
    text = spec_variant(old, new)
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "", line_with(text, marker))


def test_yaml_error_messages_say_what_is_refused(tmp_path):
    alias, _ = refuse_file(tmp_path, spec_variant("owners: {", "owners: &o {"))
    assert "alias" in alias.problems[0].message or "anchor" in alias.problems[0].message
    tag, _ = refuse_file(tmp_path, spec_variant('version: "2027.1"', "version: !!str 2027.1"))
    assert "tag" in tag.problems[0].message
    syntax, _ = refuse_file(tmp_path, spec_variant("description: Agreed", "description: Agreed: x"))
    assert "YAML" in syntax.problems[0].message


def test_python_object_tag_is_never_constructed(tmp_path):
    marker = tmp_path / "constructed"
    text = spec_variant(
        "description: Agreed in the Q1 workshop",
        f"description: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path [{marker}]]",
    )
    refuse_file(tmp_path, text)
    assert not marker.exists()


def test_file_over_one_mib_is_refused(tmp_path):
    padding = "#" * (MIB - len(SPEC_TEXT.encode("utf-8")))  # a comment line: total MIB + 1 bytes
    text = SPEC_TEXT + padding + "\n"
    assert len(text.encode("utf-8")) == MIB + 1
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "", None)
    assert "1 MiB" in error.problems[0].message


def test_file_of_exactly_one_mib_loads(tmp_path):
    padding = "#" * (MIB - len(SPEC_TEXT.encode("utf-8")) - 1)
    text = SPEC_TEXT + padding + "\n"
    assert len(text.encode("utf-8")) == MIB
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_model(path) == load_model(SPEC_EXAMPLE)


def test_text_over_one_mib_is_refused_by_parse_model():
    text = SPEC_TEXT + "#" * MIB + "\n"
    for given_text in (text, text.encode("utf-8")):
        with pytest.raises(ModelError) as caught:
            parse_model(given_text)
        assert caught.value.path == ""
        assert "1 MiB" in caught.value.problems[0].message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"], ids=repr)
def test_empty_file_is_refused(tmp_path, text):
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "", 1)
    assert "empty" in error.problems[0].message


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- name: x\n- name: y\n", "list"), ("just text\n", "str"), ("42\n", "int")],
)
def test_top_level_must_be_a_mapping(tmp_path, text, kind):
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "", 1)
    assert "mapping" in error.problems[0].message
    assert kind in error.problems[0].message


@pytest.mark.parametrize("text", ["null\n", "---\n", "~\n"])
def test_a_document_that_is_only_null_is_empty(tmp_path, text):
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, "", 1)
    assert "empty" in error.problems[0].message


def test_invalid_utf8_is_refused(tmp_path):
    error, source = refuse_file(tmp_path, SPEC_TEXT.encode("utf-8").replace(b"Dana", b"D\xe4na"))
    assert_one_problem(error, source, "", None)
    assert "UTF-8" in error.problems[0].message


def test_missing_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError) as caught:
        load_model(tmp_path / "absent.yaml")
    assert str(tmp_path / "absent.yaml") in str(caught.value)


def test_utf8_bom_file_loads(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SPEC_TEXT.encode("utf-8"))
    assert load_model(path) == load_model(SPEC_EXAMPLE)


def test_utf8_bom_file_errors_keep_line_numbers(tmp_path):
    text = spec_variant("C: 25, D: 0}", "C: 25, D: 5}")
    error, source = refuse_file(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert_one_problem(error, source, "profile.grades.D", line_with(text, "D: 5}"))


# ------------------------------------------------ round trips


def assert_round_trips(model: LeadModel) -> None:
    text = dump_model(model)
    again = parse_model(text)
    assert again == model, text
    assert dump_model(again) == text
    json_text = dump_model_json(model)
    jsonschema.Draft202012Validator(model_json_schema()).validate(json.loads(json_text))
    assert parse_model(json_text) == model, json_text


@pytest.mark.parametrize("path", [SPEC_EXAMPLE, SPEC_WINDOWS, DEFAULT_CONFIG], ids=lambda p: p.name)
def test_fixture_round_trips_through_yaml_and_json(path):
    assert_round_trips(load_model(path))


def test_dump_keeps_text_that_looks_like_other_types():
    data = with_change("profile.categories[0].rules[0].match.in", ["NO", "yes", "true", "null", "1", "1.5", "~"])
    data = with_change("name", "2024-01-01", data)
    data = with_change("version", "010", data)
    model = validate_model(data)
    assert_round_trips(model)
    assert parse_model(dump_model(model)).profile.categories[0].rules[0].match.in_[0] == "NO"


def test_json_round_trip_keeps_float_in_items():
    model = validate_model(with_change("profile.categories[0].rules[0].match.in", [1e-05, 1e20]))
    assert parse_model(dump_model(model)) == model  # the YAML dump writes 1.0e-05
    assert parse_model(dump_model_json(model)) == model


@pytest.mark.parametrize("text", ["a\x85b", "a\x7fb", "a\ufffeb", "\u2028", "\x00", "\x1b", "a\u2029b"],
                         ids=["NEL", "DEL", "U+FFFE", "LS", "NUL", "ESC", "PS"])
def test_text_with_control_characters_is_refused(text):
    # YAML reads these as line breaks or refuses them, so they could not round-trip
    with pytest.raises(ModelError) as caught:
        validate_model(with_change("name", text))
    assert caught.value.path == "name"
    assert "control character" in caught.value.problems[0].message


def test_round_trip_keeps_awkward_text():
    for text in ["a\nb", "a\n", "\n x", " lead", "trail ", "x\ty", "# x", "- x", "a: b", "'q", '"q', "a\r\nb",
                 "\ufeff", "1e5", "\U0001F600", "Zürich", "São Paulo"]:
        assert_round_trips(validate_model(with_change("name", text)))


def test_dump_writes_whole_numbers_as_integers():
    text = dump_model(load_model(SPEC_EXAMPLE))
    assert "weight: 30\n" in text
    assert "weight: 30.0" not in text
    assert "{A: 75, B: 50, C: 25, D: 0}" in text


def test_json_schema_is_a_valid_draft_2020_12_schema():
    schema = model_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_json_schema_refuses_what_the_model_refuses():
    validator = jsonschema.Draft202012Validator(model_json_schema())
    good = json.loads(dump_model_json(load_model(SPEC_EXAMPLE)))
    assert validator.is_valid(good)
    for path, value in [
        ("profile.categories[0].weight", -1),
        ("profile.categories[0].rules[0].value", 101),
        ("profile.categories[0].rules[0].match.equals", ["x"]),
        ("engagement.activities[0].max_count", -1),
        ("routing.cells.A1.sla_hours", 0),
        ("unknown", 1),
    ]:
        assert not validator.is_valid(with_change(path, value, good)), path


@PROPERTY_SETTINGS
@given(model_dicts())
def test_property_yaml_round_trip_gives_an_equal_model(data):
    model = validate_model(data)
    text = dump_model(model)
    assert parse_model(text) == model, text


@PROPERTY_SETTINGS
@given(model_dicts())
def test_property_json_is_schema_valid_and_parses_to_an_equal_model(data):
    model = validate_model(data)
    json_text = dump_model_json(model)
    SCHEMA_VALIDATOR.validate(json.loads(json_text))
    assert parse_model(json_text) == model, json_text


@pytest.mark.parametrize("item", ["1e3", "0o17", "12e4", "1E10", "1.5e3", "0x1F", "012", ".inf", "~", "null",
                                  "true", "False", "-3", "+7", "2.50"])
def test_text_items_that_look_like_numbers_stay_text_through_yaml(item):
    model = validate_model(with_change("profile.categories[0].rules[0].match.in", ["Software", item]))
    back = parse_model(dump_model(model))
    assert back == model
    assert back.profile.categories[0].rules[0].match.in_ == ["Software", item]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co")), min_size=1,
                        max_size=12), min_size=1, max_size=4))
def test_any_text_items_round_trip_through_yaml(items):
    model = validate_model(with_change("profile.categories[0].rules[0].match.in", items))
    assert parse_model(dump_model(model)).profile.categories[0].rules[0].match.in_ == items


def test_yaml_nested_too_deeply_is_refused(tmp_path):
    error, _source = refuse_file(tmp_path, "profile: " + "[" * 1500 + "]" * 1500 + "\n")
    assert "nested too deeply" in error.problems[0].message


