"""Hostile model files (issue 10): nesting refused before parsing and in linear time; what
LeadGrid writes it can read; booleans, blank ids, actions and contains_any items refused
with their field path and line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import pytest
from modelcases import (
    SPEC_EXAMPLE,
    SPEC_TEXT,
    assert_one_problem,
    line_with,
    refuse_file,
    spec_variant,
)

from scoring import ModelError, dump_model, dump_model_json, load_model, parse_model, validate_model
from scoring.model import files as modelfile
from scoring.model import nesting, yamlread
from scoring.model.files import MAX_MODEL_BYTES, model_to_data, read_yaml
from scoring.model.nesting import MAX_NESTING, too_deep

NESTING_FILE = nesting.__file__

# ------------------------------------------------ nesting: refused before parsing, in linear time
# The time it takes is measured by scoring/tools/bench_nesting.py; here, what it does: the parser
# is never reached, the check stops at the refused line, and its steps grow with the text in
# proportion (lines of scoring/model/nesting.py run, counted with a trace function).


def _lines_run_in_nesting(action: Callable[[], object]) -> tuple[int, object]:
    """How many lines of scoring/model/nesting.py ``action`` runs, and what it returns or raises."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        count += event == "line"
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == NESTING_FILE else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        result = action()
    except ModelError as error:
        result = error
    finally:
        sys.settrace(previous)
    return count, result


@pytest.fixture
def parser_calls(monkeypatch) -> list[str]:
    """Every construction of the YAML parser reading a model: there must be none."""
    calls: list[str] = []

    class NoParser:
        def __init__(self, *args, **kwargs):
            calls.append("YAML")
            raise AssertionError("the parser was reached")

    monkeypatch.setattr(yamlread, "YAML", NoParser)
    return calls


DEEP_FILES = [  # (name, the text at a depth, the line refused, the depths: hostile, and just past the limit)
    ("flow lists", lambda n: "profile: " + "[" * n + "]" * n + "\n", lambda n: 1, (100_000, 100)),
    ("flow mappings", lambda n: "profile: " + "{a: " * n + "1" + "}" * n + "\n", lambda n: 1, (100_000, 100)),
    ("compact sequences", lambda n: "name: x\nprofile:\n" + "- " * n + "x\n", lambda n: 3, (300_000, 100)),
    ("indentation", lambda n: "name: x\n" + "".join(" " * i + "k:\n" for i in range(1, n)),
     lambda n: 2 + MAX_NESTING - 1, (200, 100)),
    ("lists across lines", lambda n: "name: x\nprofile:\n" + "[\n" * n + "]\n" * n,
     lambda n: 2 + MAX_NESTING, (100_000, 100)),
]


@pytest.mark.parametrize(("name", "text_at", "line_at", "depths"), DEEP_FILES, ids=[case[0] for case in DEEP_FILES])
def test_deep_nesting_is_refused_before_the_parser_naming_the_line(tmp_path, parser_calls, name, text_at, line_at, depths):
    hostile = depths[0]
    error, path = refuse_file(tmp_path, text_at(hostile))
    assert "nested too deeply" in error.problems[0].message
    assert error.problems[0].line == line_at(hostile), name
    assert str(error).startswith(f"{path}:{line_at(hostile)}: ")
    assert parser_calls == []


@pytest.mark.parametrize(("name", "text_at", "line_at", "depths"), DEEP_FILES, ids=[case[0] for case in DEEP_FILES])
def test_the_nesting_check_stops_at_the_refused_line_whatever_follows(name, text_at, line_at, depths):
    """A file nested 100,000 deep costs the check the steps of one nested just past the limit."""
    (hostile_steps, hostile_line), (near_steps, near_line) = (
        _lines_run_in_nesting(lambda depth=depth: too_deep(text_at(depth))) for depth in depths
    )
    assert hostile_line == near_line == line_at(depths[0]), name
    assert 0 < hostile_steps == near_steps, name


def test_the_nesting_check_takes_steps_in_proportion_to_a_shallow_text():
    """A shallow file is read to its end: each repeat of a piece of text adds the same steps."""

    def text(pieces: int) -> str:
        return "a: [" + "[1, 'b', \"c\"], " * pieces + "]\n"

    steps = {pieces: _lines_run_in_nesting(lambda pieces=pieces: too_deep(text(pieces))) for pieces in (100, 200, 400)}
    assert {result for _, result in steps.values()} == {None}
    per_100 = steps[200][0] - steps[100][0]
    assert per_100 > 0
    assert steps[400][0] - steps[200][0] == 2 * per_100


def test_a_full_size_file_that_nests_shallowly_is_not_refused():
    assert too_deep("a: [" + "[1, 'b', \"c\"], " * (MAX_MODEL_BYTES // 16) + "]\n") is None


def test_closing_brackets_in_plain_text_do_not_hide_deep_nesting_after_them():
    text = "a: x" + "]" * 1000 + "\nb: " + "[" * 1000 + "]" * 1000 + "\n"
    assert too_deep(text) == 2


@pytest.mark.parametrize("text", [
    "a: '" + "[" * 200 + "'\n",
    'a: "' + "[" * 200 + '\\" x"\n',
    "# " + "[" * 200 + "\na: 1\n",
    "a: |\n  " + "[" * 200 + "\n  more\nb: 1\n",
])
def test_brackets_in_quoted_text_comments_and_block_text_do_not_count(text):
    assert too_deep(text) is None


def test_an_apostrophe_does_not_open_a_quote_that_would_hide_brackets():
    assert too_deep("a: it's " + "[" * 100 + "]" * 100 + "\n") == 1


def test_every_shipped_model_nests_far_below_the_limit():
    for path in [SPEC_EXAMPLE, *SPEC_EXAMPLE.parent.parent.parent.joinpath("configs").glob("*.yaml")]:
        assert too_deep(path.read_text(encoding="utf-8"), limit=16) is None, path


def test_a_model_with_brackets_in_its_texts_still_loads(tmp_path):
    text = spec_variant("description: Agreed in the Q1 workshop",
                        "description: '" + "[" * 100 + "'")
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_model(path).description == "[" * 100


# ------------------------------------------------ what LeadGrid writes, it must read


def _with_items(items: list) -> dict:
    data, _ = read_yaml(SPEC_TEXT)
    data["profile"]["categories"][3]["rules"][0]["match"]["in"] = items
    return data


def test_a_model_too_large_to_write_is_refused_by_dump_naming_its_longest_list():
    model = validate_model(_with_items([f"item{i}" for i in range(120_000)]))
    for dump in (dump_model, dump_model_json):
        with pytest.raises(ModelError) as caught:
            dump(model)
        problem = caught.value.problems[0]
        assert problem.path == "profile.categories[3].rules[0].match.in"
        assert "1 MiB" in problem.message and "120,000 items" in problem.message


@pytest.fixture
def small_limit(monkeypatch) -> int:
    """A 64 KiB model limit, so that the size tests need not parse megabytes with PyYAML."""
    limit = 64 * 1024
    monkeypatch.setattr(modelfile, "MAX_MODEL_BYTES", limit)
    monkeypatch.setattr(modelfile, "_ALWAYS_WRITABLE_BYTES", limit // 8)
    return limit


def test_a_file_that_loads_but_would_be_written_over_the_limit_is_refused_when_read(tmp_path, small_limit):
    # 1e15 is 4 characters in the file and 16 when written: read 0.4 of the limit, written 1.2.
    text = SPEC_TEXT.replace("{match: {in: [US, CA, GB, DE]}, value: 100}",
                             "{match: {in: [" + ",".join(["1e15"] * (small_limit // 15)) + "]}, value: 100}")
    assert len(text.encode()) < small_limit / 2
    error, path = refuse_file(tmp_path, text)
    line = line_with(text, "1e15")
    assert_one_problem(error, path, "profile.categories[3].rules[0].match.in", line)
    assert "could not be read back" in error.problems[0].message


def test_json_of_a_large_model_is_compact_and_reads_back(small_limit):
    model = validate_model(_with_items([f"i{i}" for i in range(small_limit // 18)]))
    indented = json.dumps(model_to_data(model), indent=2, ensure_ascii=False)
    assert len(indented.encode()) > small_limit
    text = dump_model_json(model)
    assert len(text.encode()) <= small_limit
    assert parse_model(text) == model


def test_a_large_model_under_the_limit_round_trips_through_yaml(small_limit):
    model = validate_model(_with_items([f"i{i}" for i in range(small_limit // 28)]))
    text = dump_model(model)
    assert small_limit / 4 < len(text.encode()) <= small_limit
    assert parse_model(text) == model


# ------------------------------------------------ values refused with their field path and line


@pytest.mark.parametrize(("old", "new", "path", "marker"), [
    ("schema_version: 1", "schema_version: true", "schema_version", "schema_version"),
    ("{contains_any: [manager, head]}", "{contains_any: [manager, '']}",
     "profile.categories[2].rules[1].match.contains_any[1]", "manager"),
    ("{contains_any: [manager, head]}", "{contains_any: ['  ']}",
     "profile.categories[2].rules[1].match.contains_any[0]", "contains_any: ['  ']"),
    ("A1: {action: sales, sla_hours: 24}", "A1: {action: '   ', sla_hours: 24}", "routing.cells.A1.action", "A1:"),
    ("    - id: demo", "    - id: '  '", "engagement.activities[0].id", "id: '  '"),
    ("    - id: industry", "    - id: ' '", "profile.categories[0].id", "id: ' '"),
])
def test_blank_text_and_booleans_are_refused_with_path_and_line(tmp_path, old, new, path, marker):
    text = spec_variant(old, new)
    error, source = refuse_file(tmp_path, text)
    assert_one_problem(error, source, path, line_with(text, marker))
    assert "true" in error.problems[0].message or "spaces" in error.problems[0].message \
        or "at least 1 character" in error.problems[0].message


def test_contains_any_empty_item_is_refused_in_code_too():
    data, _ = read_yaml(SPEC_TEXT)
    data["profile"]["categories"][2]["rules"][0]["match"]["contains_any"] = [""]
    with pytest.raises(ModelError) as caught:
        validate_model(data)
    assert caught.value.path == "profile.categories[2].rules[0].match.contains_any[0]"
