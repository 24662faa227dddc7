"""Shared test material for the model tests: the spec example and its variants, a base
model as plain data, and a Hypothesis generator of valid model dicts."""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from scoring import (
    RATINGS,
    ModelError,
    load_model,
    model_json_schema,
    validate_model,
)

FIXTURES = Path(__file__).parent / "fixtures"
SPEC_EXAMPLE = FIXTURES / "spec_example.yaml"
SPEC_WINDOWS = FIXTURES / "spec_example_windows.yaml"
DEFAULT_CONFIG = Path(__file__).parent.parent / "configs" / "default.yaml"
SPEC_TEXT = SPEC_EXAMPLE.read_text(encoding="utf-8")
MIB = 1024 * 1024


# ---------------------------------------------------------------- helpers


def spec_variant(old: str, new: str) -> str:
    """The spec example with the one occurrence of ``old`` replaced by ``new``."""
    assert SPEC_TEXT.count(old) == 1, f"{old!r} must occur exactly once in the spec example"
    return SPEC_TEXT.replace(old, new)


def line_with(text: str, marker: str) -> int:
    """The 1-based line of the only line of ``text`` containing ``marker``."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(found) == 1, f"{marker!r} is on lines {found}"
    return found[0]


def refuse_file(tmp_path: Path, text: str | bytes, name: str = "model.yaml") -> tuple[ModelError, Path]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_model(path)
    return caught.value, path


def assert_one_problem(error: ModelError, source: Path, path: str, line: int | None) -> None:
    """Exactly one problem, at ``path`` and ``line``, formatted as ``<file>:<line> <path>: <msg>``."""
    assert [(p.path, p.line) for p in error.problems] == [(path, line)], error.lines
    assert (error.path, error.line) == (path, line)
    message = error.problems[0].message
    assert message.strip()
    where = f"{source}:{line}" if line else str(source)
    expected = f"{where} {path}: {message}" if path else f"{where}: {message}"
    assert error.lines == [expected]
    assert str(error) == expected


def base_model() -> dict[str, Any]:
    """A small valid model as plain data; tests copy it and break one field."""
    return {
        "schema_version": 1,
        "name": "Test model",
        "profile": {
            "categories": [
                {
                    "id": "industry",
                    "field": "industry",
                    "weight": 60,
                    "rules": [{"match": {"in": ["Software"]}, "value": 100}],
                    "default": 10,
                },
                {
                    "id": "size",
                    "field": "employees",
                    "weight": 40,
                    "rules": [
                        {"match": {"gte": 1000}, "value": 100},
                        {"match": {"range": [200, 1000]}, "value": 50},
                    ],
                },
            ],
            "grades": {"A": 75, "B": 50, "C": 25, "D": 0},
        },
        "engagement": {
            "recency": {"half_life_days": 30},
            "activities": [
                {"id": "demo", "activity": "demo_request", "points": 40, "max_count": 1},
                {"id": "visits", "field": "total_visits", "rules": [{"match": {"gte": 3}, "value": 8}]},
            ],
            "grades": {"1": 60, "2": 35, "3": 15, "4": 0},
        },
        "routing": {"default": {"action": "nurture"}, "cells": {"A1": {"action": "sales", "sla_hours": 24}}},
    }


def with_change(path: str, value: Any, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of ``data`` (default: :func:`base_model`) with the field at ``path`` set to ``value``.

    ``path`` is spelled like an error path, e.g. ``profile.categories[1].weight``.
    """
    data = copy.deepcopy(data if data is not None else base_model())
    parts: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    target = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value
    return data


def refuse_data(data: Any) -> ModelError:
    with pytest.raises(ModelError) as caught:
        validate_model(data)
    return caught.value


# ------------------------------------------------ properties

# Any printable text plus newline, tab and carriage return. Control characters (Cc) and
# non-characters (Cn) are left out: the model refuses control characters (tested above).
_text = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co"), include_characters="\n\t\r"),
    min_size=1,
    max_size=12,
)
# Names, ids, fields, actions and contains_any items need text other than spaces.
_word = _text.filter(lambda text: text.strip())
_plain_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=10)
_value = st.one_of(st.integers(-100, 100), st.floats(-100, 100, allow_nan=False, allow_infinity=False))
_number = st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
# `in` items that JSON writes with a dot (not 1e-05): see test_json_round_trip_keeps_float_in_items.
_in_number = _number.filter(lambda x: "e" not in json.dumps(x) or "." in json.dumps(x))
_positive = st.one_of(st.integers(1, 10**4), st.floats(0.001, 1e4, allow_nan=False, allow_infinity=False))


@st.composite
def _matches(draw) -> dict[str, Any]:
    kind = draw(st.sampled_from(["in", "contains_any", "gte", "lt", "gte+lt", "range", "missing"]))
    if kind == "in":
        return {"in": draw(st.lists(st.one_of(_text, st.integers(-1000, 1000), _in_number), min_size=1, max_size=4))}
    if kind == "contains_any":
        return {"contains_any": draw(st.lists(_word, min_size=1, max_size=4))}
    if kind == "gte+lt":
        return {"gte": draw(_number), "lt": draw(_number)}
    if kind == "range":
        return {"range": [draw(st.none() | _number), draw(st.none() | _number)]}
    if kind == "missing":
        return {"missing": True}
    return {kind: draw(_number)}


_rules = st.lists(st.fixed_dictionaries({"match": _matches(), "value": _value}), max_size=4)


@st.composite
def _weights(draw) -> list[int]:
    """1-6 non-negative integer weights summing to exactly 100 (a random composition)."""
    count = draw(st.integers(1, 6))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    return [high - low for low, high in zip([0, *cuts], [*cuts, 100], strict=True)]


@st.composite
def _thresholds(draw, names: tuple[str, ...]) -> dict[str, float]:
    """Strictly decreasing thresholds ending in 0."""
    steps = draw(st.lists(st.one_of(st.integers(1, 40), st.floats(0.01, 40)), min_size=3, max_size=3))
    values = [0.0]
    for step in steps:
        values.append(values[-1] + step)
    values.reverse()
    assert all(a > b for a, b in itertools.pairwise(values))
    return dict(zip(names, values, strict=True))


def _optional(draw, strategy) -> Any:
    return draw(st.none() | strategy)


@st.composite
def model_dicts(draw) -> dict[str, Any]:
    """Plain data of a valid model covering every optional part of the format."""
    weights = draw(_weights())
    categories = []
    for index, weight in enumerate(weights):
        category = {"id": f"c{index}", "field": draw(_word), "weight": weight, "rules": draw(_rules)}
        if draw(st.booleans()):
            category["default"] = draw(_value)
        if draw(st.booleans()):
            category["label"] = draw(_text)
        categories.append(category)

    entries = []
    for index in range(draw(st.integers(0, 5))):
        entry: dict[str, Any] = {"id": f"e{index}"}
        if draw(st.booleans()):
            entry["label"] = draw(_text)
        if draw(st.booleans()):
            entry["activity"] = draw(_word)
            entry["points"] = draw(st.one_of(st.integers(-50, 50), st.floats(-50, 50)))
            if draw(st.booleans()):
                entry["max_count"] = draw(st.one_of(st.integers(0, 10), st.floats(0, 10)))
        else:
            entry["field"] = draw(_word)
            entry["rules"] = draw(_rules)
        entries.append(entry)

    if draw(st.booleans()):
        recency: dict[str, Any] = {"half_life_days": draw(_positive)}
    else:
        windows = draw(st.lists(
            st.fixed_dictionaries({"within_days": st.integers(0, 400), "factor": st.floats(0, 1)}),
            min_size=1, max_size=4,
        ))
        recency = {"windows": windows}
    if draw(st.booleans()):
        recency["max_age_days"] = draw(_positive)

    route = st.fixed_dictionaries(
        {"action": st.one_of(st.just("sales"), _word)}, optional={"sla_hours": _positive}
    )
    data: dict[str, Any] = {
        "schema_version": 1,
        "name": draw(_word),
        "profile": {"categories": categories, "grades": draw(_thresholds(("A", "B", "C", "D")))},
        "engagement": {"recency": recency, "activities": entries, "grades": draw(_thresholds(("1", "2", "3", "4")))},
        "routing": {
            "default": draw(route),
            "cells": draw(st.dictionaries(st.sampled_from(RATINGS), route, max_size=6)),
        },
    }
    for key, strategy in (("version", _text), ("description", _text)):
        value = _optional(draw, strategy)
        if value is not None:
            data[key] = value
    if draw(st.booleans()):
        data["owners"] = draw(st.dictionaries(_plain_text, _text, max_size=3))
    if draw(st.booleans()):
        data["columns"] = {"leads": draw(st.dictionaries(_plain_text, _text, max_size=3))}
    return data


SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(model_json_schema())
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
