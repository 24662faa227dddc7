"""Rules compared by meaning in scoring/diff.py: the same condition written another way
(``range`` or ``gte``/``lt``, ``in`` items reordered or in another case) is no change; a
condition that selects other values still is."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring
from scoring import validate_model
from scoring.model.diff import describe_changes, match_meaning
from scoring.model.schema import Match

CONFIGS = Path(__file__).parent.parent / "configs"
DEFAULT = scoring.load_model(CONFIGS / "default.yaml")
WINDOWS = scoring.load_model(CONFIGS / "windows.yaml")
SIZE = "Company size (employees)"


def with_size_rule(index: int, match: dict, value: float | None = None):
    """The default model with the company-size category's rule ``index`` (0-based) rewritten."""
    data = DEFAULT.model_dump(by_alias=True, exclude_none=True)
    rule = next(c for c in data["profile"]["categories"] if c["id"] == "company_size")["rules"][index]
    rule["match"] = match
    if value is not None:
        rule["value"] = value
    return validate_model(data)


def meaning(**operators) -> tuple:
    return match_meaning(Match.model_validate(operators))


@pytest.mark.parametrize(("first", "second"), [
    ({"range": [200, 1000]}, {"gte": 200, "lt": 1000}),
    ({"range": [200, None]}, {"gte": 200}),
    ({"range": [None, 1000]}, {"lt": 1000}),
    ({"range": [200.0, 1e3]}, {"gte": 200, "lt": 1000}),
    ({"in": ["Software", "Finance"]}, {"in": [" finance", "SOFTWARE", "Software"]}),
    ({"in": [1, 2]}, {"in": ["2", 1.0]}),  # a whole number reads as its text
    ({"contains_any": ["Manager", "lead"]}, {"contains_any": ["LEAD", "manager"]}),
    ({"contains_any": ["manager", "senior manager"]}, {"contains_any": ["Manager"]}),  # the longer adds nothing
    ({"range": [50, 10]}, {"gte": 100, "lt": 100}),  # both match no number
])
def test_equivalent_matches_have_one_meaning(first, second):
    assert meaning(**first) == meaning(**second)


@pytest.mark.parametrize(("first", "second"), [
    ({"range": [200, 1000]}, {"gte": 200, "lt": 999}),
    ({"range": [200, None]}, {"gte": 200, "lt": 1000}),
    ({"range": [None, None]}, {"missing": True}),  # any number is not a missing value
    ({"in": ["Software"]}, {"in": ["Software", "Finance"]}),
    ({"in": ["Software"]}, {"contains_any": ["Software"]}),  # equal text vs. containing it
    ({"contains_any": ["manager"]}, {"contains_any": ["manager", "lead"]}),
    ({"in": ["1"]}, {"range": [1, 2]}),
])
def test_different_matches_keep_different_meanings(first, second):
    assert meaning(**first) != meaning(**second)


def test_example_configs_write_the_size_rules_two_ways_but_agree():
    assert not any(line.startswith(SIZE) for line in describe_changes(DEFAULT, WINDOWS))
    assert not any(line.startswith(SIZE) for line in describe_changes(WINDOWS, DEFAULT))


def test_range_rewritten_as_gte_and_lt_is_no_change():
    rewritten = with_size_rule(1, {"gte": 200, "lt": 1000})
    assert rewritten != DEFAULT  # the files differ ...
    assert describe_changes(DEFAULT, rewritten) == []  # ... the rules do not


def test_a_real_bound_change_is_still_reported_in_the_new_spelling():
    assert describe_changes(DEFAULT, with_size_rule(1, {"gte": 250, "lt": 1000})) == [
        f"{SIZE} rule 2: in range [200, 1000) → 80 ⇒ >= 250 and < 1000 → 80"]


def test_value_change_on_a_rewritten_match_is_a_value_change():
    assert describe_changes(DEFAULT, with_size_rule(1, {"gte": 200, "lt": 1000}, value=85)) == [
        f"{SIZE} rule 2 (in range [200, 1000)) 80 → 85"]


def test_reordered_in_items_are_no_change():
    data = DEFAULT.model_dump(by_alias=True, exclude_none=True)
    industry = next(c for c in data["profile"]["categories"] if c["id"] == "industry")
    industry["rules"][1]["match"]["in"] = [item.upper() for item in reversed(industry["rules"][1]["match"]["in"])]
    assert describe_changes(DEFAULT, validate_model(data)) == []
