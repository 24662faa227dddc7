"""Reading and writing the model as YAML (ruamel.yaml, YAML 1.2), with line numbers for
every field path.

Only a safe subset of YAML is read (:mod:`scoring.model.yamlread`): no aliases or anchors, no
tags, no duplicate keys, at most 1 MiB. ``yes``/``no``/``on``/``off`` stay text, so a
country list ``in: [NO, SE]`` means Norway and Sweden, not false. A model written onto the
file it was loaded from keeps that file's comments, key order and quoting
(``dump_model(model, like=text)``, :mod:`scoring.model.roundtrip`).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAMLError

from scoring.errors import ModelError, Problem
from scoring.model.roundtrip import fresh_yaml, yaml_onto
from scoring.model.schema import LeadModel
from scoring.model.validation import line_of, validate_model
from scoring.model.yamlread import TEXT_KEYS, child_path, plain_scalar, read_yaml

__all__ = ["MAX_MODEL_BYTES", "TEXT_KEYS", "dump_model", "dump_model_json", "load_model", "load_model_text",
           "model_json_schema", "model_to_data", "parse_model", "plain_scalar", "read_yaml"]

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


def dump_model(model: LeadModel, like: str | bytes | None = None) -> str:
    """The model as YAML text that :func:`parse_model` reads back to an equal model.

    With ``like``, the text of a model file (the one the model was loaded from, before
    its edits), the model is written onto that text: its comments, key order, quoting
    and layout stay, and only what the model changed is rewritten. A ``like`` that is
    not a readable YAML model (or JSON) gives the plain layout.

    Raises ``ModelError`` when that text would be over the 1 MiB a model file may hold:
    what LeadGrid writes, it must be able to read."""
    data = model_to_data(model)
    text = _onto(like, model, data) if like is not None else None
    if text is None:
        text = fresh_yaml(data)
    _refuse_oversized(text, "YAML", model)
    return text


def _onto(like: str | bytes, model: LeadModel, data: dict[str, Any]) -> str | None:
    """``model`` written onto the model file text ``like``; None when that cannot keep its meaning."""
    try:
        original, original_data = _original(like)
    except ModelError:
        return None
    source = like.decode("utf-8-sig") if isinstance(like, bytes) else like.removeprefix("\ufeff")
    if source.lstrip().startswith(("{", "[")):
        return None  # JSON: written as YAML in the plain layout
    if original == model:
        return source
    try:
        text = yaml_onto(source, original_data, data)
        if parse_model(text, None) == model:
            return text
    except (ModelError, YAMLError, ValueError, TypeError, KeyError, IndexError):
        pass  # a merge that did not keep the meaning: the plain layout instead
    return None


@functools.lru_cache(maxsize=8)
def _original(like: str | bytes) -> tuple[LeadModel, dict[str, Any]]:
    """The model in ``like`` and its data, kept per text: a session writes each of its
    edits onto the same file. Only :func:`_onto` reads them, and never changes them."""
    original = parse_model(like, None)
    return original, model_to_data(original)


def reads_as(text: str | bytes, model: LeadModel) -> bool:
    """Whether ``text`` is a model file that reads as ``model`` (its reading kept per text)."""
    try:
        return _original(text)[0] == model
    except ModelError:
        return False


def load_model_text(path: str | Path) -> tuple[LeadModel, str]:
    """The model in a file and the file's text, for writing the model back onto it later
    (``dump_model(edited, like=text)``)."""
    model = load_model(path)
    return model, Path(path).read_bytes().decode("utf-8-sig")


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
            found = _longest_list(value, child_path(path, key))
            if found[1] > best[1]:
                best = found
    return best


def model_json_schema() -> dict[str, Any]:
    """The JSON Schema of the model format, generated from the model classes."""
    schema = LeadModel.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "LeadGrid lead scoring model, format version 1"
    return schema
