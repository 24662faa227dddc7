"""Model files keep their comments (issue 13): a model written onto the file it was loaded
from (``dump_model(model, like=text)``) keeps the file's comments, key order, quoting and
layout, and changes only the lines of what was edited; it always reads back to the model."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from modelcases import DEFAULT_CONFIG, SPEC_EXAMPLE, SPEC_TEXT, model_dicts

from scoring import dump_model, dump_model_json, load_model, parse_model, validate_model
from scoring.model.edit import with_category, with_grades, with_recency, with_route, with_weights
from scoring.model.files import load_model_text, model_to_data
from scoring.model.roundtrip import yaml_onto

# each example writes, merges and reads two whole models: fewer examples than the model tests
ROUND_TRIP_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))
DEFAULT_TEXT = DEFAULT_CONFIG.read_text(encoding="utf-8")
DEFAULT = parse_model(DEFAULT_TEXT)


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed (``-``) and added (``+``) from ``before`` to ``after``."""
    return [line.rstrip("\n") for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if re.match(r"\s*#|.* #", line)]


# ------------------------------------------------ unchanged: the very same text


@pytest.mark.parametrize("path", [SPEC_EXAMPLE, *CONFIGS], ids=lambda p: p.name)
def test_an_unchanged_model_is_written_as_its_file(path):
    model, text = load_model_text(path)
    assert dump_model(model, like=text) == text


def test_like_may_be_bytes_with_a_bom():
    raw = b"\xef\xbb\xbf" + SPEC_TEXT.encode("utf-8")
    assert dump_model(parse_model(raw), like=raw) == SPEC_TEXT


# ------------------------------------------------ edits: only their lines change, comments stay


def test_a_weight_edit_changes_two_lines_and_keeps_every_comment():
    edited = with_weights(DEFAULT, {"industry": 30, "country": 10})
    out = dump_model(edited, like=DEFAULT_TEXT)
    assert changed_lines(DEFAULT_TEXT, out) == ["-      weight: 25", "+      weight: 30",
                                                "-      weight: 15", "+      weight: 10"]
    assert comments(out) == comments(DEFAULT_TEXT)
    assert parse_model(out) == edited


def test_end_of_line_comments_stay_on_their_line():
    edited = with_weights(load_model(SPEC_EXAMPLE), {"industry": 35, "country": 15})
    out = dump_model(edited, like=SPEC_TEXT)
    assert "      weight: 35                # percent; the weights of all categories sum to 100\n" in out
    assert "profile:                       # explicit data: who the lead is -> letter A..D\n" in out
    assert parse_model(out) == edited


def test_a_removed_rule_takes_only_its_line():
    rules = [rule.model_dump(by_alias=True, exclude_none=True) for rule in DEFAULT.profile.categories[3].rules]
    edited = with_category(DEFAULT, "job_title", rules=rules[:1] + rules[2:])
    out = dump_model(edited, like=DEFAULT_TEXT)
    # the comment above the removed rule explains that rule, so it goes with it
    assert changed_lines(DEFAULT_TEXT, out) == [
        '-        # director/head first: "director" contains "cto"',
        "-        - {match: {contains_any: [director, head]}, value: 85}",
    ]
    assert parse_model(out) == edited


def test_an_added_rule_is_one_new_line_in_the_file_layout():
    rules = [rule.model_dump(by_alias=True, exclude_none=True) for rule in DEFAULT.profile.categories[3].rules]
    edited = with_category(DEFAULT, "job_title", rules=[*rules, {"match": {"in": ["NO", "1e3"]}, "value": 5}])
    out = dump_model(edited, like=DEFAULT_TEXT)
    assert changed_lines(DEFAULT_TEXT, out) == ['+        - {match: {in: [NO, "1e3"]}, value: 5}']
    assert parse_model(out) == edited


def test_routes_grades_and_recency_change_in_place():
    edited = with_route(DEFAULT, "C2", "sales", 72)
    edited = with_route(edited, "D4", "nurture", None)  # the default: the cell goes
    edited = with_grades(edited, "engagement", {"1": 60})
    edited = with_recency(edited, {"windows": [{"within_days": 7, "factor": 1}], "max_age_days": 90})
    out = dump_model(edited, like=DEFAULT_TEXT)
    assert changed_lines(DEFAULT_TEXT, out) == [
        "-    half_life_days: 30", "-    max_age_days: 365",
        "+    windows:", "+      - {within_days: 7, factor: 1}", "+    max_age_days: 90",
        '-  grades: {"1": 55, "2": 30, "3": 12, "4": 0}', '+  grades: {"1": 60, "2": 30, "3": 12, "4": 0}',
        '-    D4: {action: "nurture:slow"}', "+    C2: {action: sales, sla_hours: 72}",
    ]
    assert parse_model(out) == edited


def test_text_keeps_its_quoting_and_block_style():
    data = model_to_data(DEFAULT)
    data.update(version="2026.5", description="Agreed in the Q2 workshop.")
    data["owners"]["sales"] = "Lee"
    edited = validate_model(data)
    out = dump_model(edited, like=DEFAULT_TEXT)
    assert 'version: "2026.5"\n' in out
    assert "description: >-\n  Agreed in the Q2 workshop.\nowners: {marketing: Marketing ops, sales: Lee}\n" in out
    assert parse_model(out) == edited


def test_numbers_and_keys_stay_as_written_where_unchanged():
    text = SPEC_TEXT.replace('grades: {"1": 60, "2": 35, "3": 15, "4": 0}', "grades: {1: 60, 2: 35, 3: 15, 4: 0}")
    text = text.replace("half_life_days: 30", "half_life_days: 30.0").replace('version: "2027.1"', "version: 2027.10")
    model = parse_model(text)
    edited = with_weights(model, {"industry": 35, "country": 15})
    out = dump_model(edited, like=text)
    assert "grades: {1: 60, 2: 35, 3: 15, 4: 0}" in out
    assert "half_life_days: 30.0 " in out and "version: 2027.10 " in out
    assert parse_model(out) == edited


def test_a_key_the_file_left_to_its_default_is_added_only_when_changed():
    text = SPEC_TEXT.replace("      default: 30\n", "")  # size: default 0 when left out
    model = parse_model(text)
    assert "default: 0" not in dump_model(with_weights(model, {"industry": 35, "country": 15}), like=text)
    edited = with_category(model, "size", default=5)
    out = dump_model(edited, like=text)
    assert changed_lines(text, out) == ["+      default: 5"]
    assert parse_model(out) == edited


def test_a_removed_category_goes_with_its_lines_and_the_rest_keep_theirs():
    data = model_to_data(load_model(SPEC_EXAMPLE))
    data["profile"]["categories"] = [c for c in data["profile"]["categories"] if c["id"] != "size"]
    data["profile"]["categories"][0]["weight"] = 55
    edited = validate_model(data)
    out = dump_model(edited, like=SPEC_TEXT)
    assert "weight: 55                # percent; the weights of all categories sum to 100" in out
    assert "id: size" not in out and "id: title" in out
    assert parse_model(out) == edited


def test_json_or_unreadable_like_gives_the_plain_layout():
    edited = with_weights(DEFAULT, {"industry": 30, "country": 10})
    plain = dump_model(edited)
    assert dump_model(edited, like=dump_model_json(DEFAULT)) == plain
    assert dump_model(edited, like="name: [broken\n") == plain
    assert dump_model(edited, like="") == plain


# ------------------------------------------------ properties


def _commented(text: str) -> str:
    """``text`` with a comment above each top-level key and after each weight."""
    text = re.sub(r"^(\w+):", r"# about \1\n\1:", text, flags=re.M)
    return "# a workshop file\n" + re.sub(r"^(\s+weight: .*)$", r"\1  # agreed", text, flags=re.M)


@ROUND_TRIP_SETTINGS
@given(model_dicts(), st.data())
def test_property_comments_survive_an_edit_of_a_weight(data, draw):
    model = validate_model(data)
    text = _commented(dump_model(model))
    assert parse_model(text) == model
    assert dump_model(model, like=text) == text
    categories = model.profile.categories
    assume(len(categories) >= 2)
    give, take = draw.draw(st.lists(st.sampled_from(range(len(categories))), min_size=2, max_size=2, unique=True))
    moved = draw.draw(st.integers(1, 100))
    assume(categories[give].weight >= moved)
    edited = with_weights(model, {categories[give].id: categories[give].weight - moved,
                                  categories[take].id: categories[take].weight + moved})
    out = dump_model(edited, like=text)
    assert parse_model(out) == edited
    assert comments(out) == comments(text)
    assert all("weight:" in line for line in changed_lines(text, out)), changed_lines(text, out)


@ROUND_TRIP_SETTINGS
@given(model_dicts(), model_dicts())
def test_property_any_model_written_onto_another_models_file_reads_back_as_itself(first, second):
    old, new = validate_model(first), validate_model(second)
    text = _commented(dump_model(old))
    out = yaml_onto(text, model_to_data(old), model_to_data(new))  # the merge itself, no fallback
    assert parse_model(out) == new, out
    assert dump_model(new, like=text) == out
    assert "# a workshop file" in out


# ------------------------------------------------ the command line writes onto the file


def test_cli_export_to_yaml_gives_the_file_back_with_its_comments(capsys):
    from scoring.cli.commands import main

    assert main(["export", "--model", str(DEFAULT_CONFIG), "--to", "yaml"]) == 0
    assert capsys.readouterr().out == DEFAULT_TEXT


def test_cli_calibrate_out_keeps_the_comments_of_the_model_file(capsys, tmp_path):
    from calibrate_cases import MODEL, hand_leads

    from scoring.cli.commands import main

    text = _commented(dump_model(validate_model(MODEL)))
    model, leads, out = tmp_path / "hand.yaml", tmp_path / "leads.csv", tmp_path / "proposed.yaml"
    model.write_text(text, encoding="utf-8")
    hand_leads().to_csv(leads, index=False)
    code = main(["calibrate", "--model", str(model), "--leads", str(leads), "--capacity", "3", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    written = out.read_text(encoding="utf-8")
    assert comments(written) == comments(text)
    assert parse_model(written) != parse_model(text)  # the proposal moved a line
    assert all("grades:" in line for line in changed_lines(text, written)), changed_lines(text, written)
