"""Reading and writing the model as YAML, with line numbers for every field path.

Only a safe subset of YAML is read: no aliases or anchors, no tags, no duplicate
keys, at most 1 MiB. ``yes``/``no``/``on``/``off`` stay text (YAML 1.2), so a
country list ``in: [NO, SE]`` means Norway and Sweden, not false.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ModelError, Problem
from .model import LeadModel
from .nesting import MAX_NESTING, too_deep
from .validation import line_of, validate_model

MAX_MODEL_BYTES = 1024 * 1024
# A model read from text this short always dumps within MAX_MODEL_BYTES (writing expands
# hand-written YAML at most about four times: ``1e15,`` becomes ``1000000000000000, ``), so
# only longer texts pay for the check that the model can be written and read back.
_ALWAYS_WRITABLE_BYTES = MAX_MODEL_BYTES // 8


def load_model(path: str | Path) -> LeadModel:
    """Read a model from a YAML (or JSON) file; raise ``ModelError`` naming the file, line and field."""
    source = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_MODEL_BYTES:
            raise ModelError([Problem("", f"file is {size:,} bytes; a model file is at most 1 MiB (1,048,576)")], source)
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ModelError([Problem("", f"cannot read the file: {error.strerror or error}")], source) from None
    return parse_model(raw, source)


def parse_model(text: str | bytes, source: str | None = "<model>") -> LeadModel:
    """Parse YAML text into a validated model."""
    if isinstance(text, bytes):
        if len(text) > MAX_MODEL_BYTES:
            raise ModelError([Problem("", f"text is {len(text):,} bytes; a model file is at most 1 MiB")], source)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ModelError([Problem("", f"not UTF-8 text (byte {error.start})")], source) from None
    elif len(text.encode("utf-8")) > MAX_MODEL_BYTES:
        raise ModelError([Problem("", "text is over 1 MiB; a model file is at most 1 MiB")], source)
    data, lines = read_yaml(text, source)
    model = validate_model(data, source, lines)
    if len(text.encode("utf-8")) > _ALWAYS_WRITABLE_BYTES:
        _refuse_unwritable(model, source, lines)
    return model


def read_yaml(text: str, source: str | None = None) -> tuple[Any, dict[str, int]]:
    """Safe-load YAML text; return the data and a map of field path -> 1-based line."""
    deep = too_deep(text)  # before the parser, which takes minutes on 100,000 nested [
    if deep is not None:
        raise ModelError([Problem("", f"the YAML is nested too deeply to be a model (more than {MAX_NESTING} "
                                      "levels; a model needs about a dozen)", deep)], source)
    try:
        _refuse_aliases_and_tags(text, source)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise ModelError([_yaml_problem(error)], source) from None
    except RecursionError:
        raise ModelError([Problem("", "the YAML is nested too deeply to be a model")], source) from None
    if node is None:
        raise ModelError([Problem("", "the file is empty; a model is a mapping of keys", 1)], source)
    lines: dict[str, int] = {}
    try:
        data = _build(node, "", lines, source)
    except RecursionError:
        raise ModelError([Problem("", "the YAML is nested too deeply to be a model")], source) from None
    if data is None:
        raise ModelError([Problem("", "the file is empty; a model is a mapping of keys", 1)], source)
    return data, lines


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error)
    return Problem("", f"not valid YAML: {problem}", line)


def _refuse_aliases_and_tags(text: str, source: str | None) -> None:
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ModelError([Problem("", "YAML anchors and aliases are not allowed in a model file", line)], source)
        if isinstance(event, yaml.ScalarEvent | yaml.SequenceStartEvent | yaml.MappingStartEvent) and event.tag:
            raise ModelError([Problem("", f"YAML tags are not allowed in a model file (found {event.tag})", line)], source)


_INT = re.compile(r"[-+]?[0-9]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_OCTAL = re.compile(r"0o[0-7]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_TRUE_WORDS = {"true", "True", "TRUE"}
_FALSE_WORDS = {"false", "False", "FALSE"}
# Keys whose plain values are always text: "version: 2027.10" keeps its trailing zero.
TEXT_KEYS = {"name", "version", "description", "label", "id", "field", "activity", "action", "contains_any"}


def scalar_value(node: yaml.ScalarNode, as_text: bool = False) -> Any:
    """A scalar by the YAML 1.2 core schema: quoted is text; plain is null, bool, int, float
    or text. ``yes``, ``no``, ``012:30``, ``1_000`` and dates stay text; ``012`` is 12."""
    text = node.value
    if node.style is not None or as_text:
        return text
    if text in _NULL_WORDS:
        return None
    if text in _TRUE_WORDS or text in _FALSE_WORDS:
        return text in _TRUE_WORDS
    try:
        if _INT.fullmatch(text):
            return int(text)
        if _HEX.fullmatch(text):
            return int(text, 16)
        if _OCTAL.fullmatch(text):
            return int(text[2:], 8)
    except ValueError:  # more digits than Python converts: left as text, refused where a number is due
        return text
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INFINITY.fullmatch(text):
        return float(text.replace(".", ""))
    if _NAN.fullmatch(text):
        return float("nan")
    return text


def _child(path: str, key: Any) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _build(node: yaml.Node, path: str, lines: dict[str, int], source: str | None, as_text: bool = False) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise ModelError([Problem(path, "a key must be plain text", line)], source)
            key = scalar_value(key_node)
            if key in result or str(key) in {str(k) for k in result}:
                raise ModelError([Problem(_child(path, key), "duplicate key", line)], source)
            child = f"{path}.{key}" if path else str(key)
            lines[child] = line
            text_value = key in TEXT_KEYS or path == "owners"
            result[key] = _build(value_node, child, lines, source, text_value)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, f"{path}[{index}]", lines, source, as_text) for index, item in enumerate(node.value)]
    return scalar_value(node, as_text)


class _FlowDict(dict):
    """A mapping written on one line, like the rules in the format's examples."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_flow(dumper: yaml.SafeDumper, data: _FlowDict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _reads_back_as_text(text: str) -> bool:
    return scalar_value(yaml.ScalarNode("tag:yaml.org,2002:str", text)) == text


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # PyYAML quotes what YAML 1.1 would read as another type; our reader is YAML 1.2,
    # so text such as 1e3 or 0o17 must be quoted too or it would come back as a number.
    style = "|" if "\n" in data else (None if _reads_back_as_text(data) else '"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_FlowDict, _represent_flow)
_Dumper.add_representer(str, _represent_str)


def _whole_numbers_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return type(value)((key, _whole_numbers_as_int(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return [_whole_numbers_as_int(item) for item in value]
    return value


def model_to_data(model: LeadModel) -> dict[str, Any]:
    """The model as plain data in the file's spelling (no None fields, whole numbers as int)."""
    data = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return _whole_numbers_as_int(data)


def _flow_style(data: dict[str, Any]) -> dict[str, Any]:
    for category in data["profile"]["categories"]:
        category["rules"] = [_FlowDict(rule) for rule in category.get("rules", [])]
    data["profile"]["grades"] = _FlowDict(data["profile"]["grades"])
    engagement = data["engagement"]
    engagement["grades"] = _FlowDict(engagement["grades"])
    if "windows" in engagement.get("recency", {}):
        engagement["recency"]["windows"] = [_FlowDict(w) for w in engagement["recency"]["windows"]]
    for entry in engagement["activities"]:
        if "rules" in entry:
            entry["rules"] = [_FlowDict(rule) for rule in entry["rules"]]
    routing = data["routing"]
    routing["default"] = _FlowDict(routing["default"])
    routing["cells"] = {rating: _FlowDict(route) for rating, route in routing["cells"].items()}
    return data


def dump_model(model: LeadModel) -> str:
    """The model as YAML text that :func:`parse_model` reads back to an equal model.

    Raises ``ModelError`` when that text would be over the 1 MiB a model file may hold:
    what LeadGrid writes, it must be able to read."""
    data = _flow_style(model_to_data(model))
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    _refuse_oversized(text, "YAML", model)
    return text


def dump_model_json(model: LeadModel) -> str:
    """The model as JSON text, valid against :func:`model_json_schema`: indented, or compact
    when indented it would be over 1 MiB. Raises ``ModelError`` when even compact it is."""
    data = model_to_data(model)
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if len(text) > MAX_MODEL_BYTES // 4 and _size(text) > MAX_MODEL_BYTES:  # len: characters, at most 4 bytes
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
    _refuse_oversized(text, "JSON", model)
    return text


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _refuse_oversized(text: str, form: str, model: LeadModel) -> None:
    size = _size(text)
    if size <= MAX_MODEL_BYTES:
        return
    path, items = _longest_list(model_to_data(model))
    hint = f"; its longest list, here, has {items:,} items" if path else ""
    raise ModelError([Problem(path, f"the model is {size:,} bytes as {form}, over the 1 MiB (1,048,576 bytes) "
                                    f"a model file may hold, so it could not be read back{hint}")])


def _refuse_unwritable(model: LeadModel, source: str | None, lines: dict[str, int]) -> None:
    """A model read from a file must also be writable (and so readable again) as YAML and JSON."""
    try:
        dump_model(model)
        dump_model_json(model)
    except ModelError as error:
        problems = [Problem(p.path, p.message, line_of(p.path, lines)) for p in error.problems]
        raise ModelError(problems, source) from None


def _longest_list(data: Any, path: str = "") -> tuple[str, int]:
    best = (path, len(data)) if isinstance(data, list) else ("", 0)
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        if isinstance(value, dict | list):
            found = _longest_list(value, _child(path, key))
            if found[1] > best[1]:
                best = found
    return best


def model_json_schema() -> dict[str, Any]:
    """The JSON Schema of the model format, generated from the model classes."""
    schema = LeadModel.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "LeadGrid lead scoring model, format version 1"
    return schema
