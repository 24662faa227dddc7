"""Reading a model file's YAML with ruamel.yaml: plain data plus the 1-based line of every
field path, refusing what a model file may not hold.

ruamel.yaml's parser reads the text as a stream of events, never constructing objects, so
no tag can make it run code; the data is built here from the events. Plain scalars are
typed by ruamel.yaml's YAML 1.2 resolver (``yes``/``no``/``on``/``off`` stay text, so a
country list ``in: [NO, SE]`` means Norway and Sweden, not false), narrowed where the format
wants text: dates, ``1_000`` and ``0b101`` stay text, and the free-text keys
(:data:`TEXT_KEYS`) keep exactly what is written (``version: 2026.10`` keeps its zero).

Refused, each with its line: anchors and aliases, tags, the same key twice in one mapping,
keys that are not plain scalars, more than one document. Nesting is measured by
:func:`scoring.model.nesting.too_deep` before the parser sees the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML, YAMLError
from ruamel.yaml import events as ev
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from scoring.errors import ModelError, Problem
from scoring.model.nesting import MAX_NESTING, too_deep

# Keys whose plain values are always text: "version: 2027.10" keeps its trailing zero.
TEXT_KEYS = {"name", "version", "description", "label", "id", "field", "activity", "action", "contains_any"}
TEXT_PARENTS = {"owners"}  # every value of these mappings is text

_RESOLVER = VersionedResolver(version=(1, 2))
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_OCTAL = re.compile(r"0o[0-7]+")
_DOT_EXPONENT = re.compile(r"[-+]?\.[0-9]+[eE][0-9]+")  # .5e3: ruamel.yaml wants a sign after the e


def resolved_tag(text: str) -> str:
    """The YAML 1.2 tag ruamel.yaml gives the plain scalar ``text``."""
    return _RESOLVER.resolve(ScalarNode, text, (True, False)).value


def plain_scalar(text: str) -> Any:
    """A plain (unquoted) scalar as the model reads it: null, bool, int, float or text.

    ruamel.yaml's YAML 1.2 resolver decides the type; underscores in numbers (``1_000``),
    binary ``0b101``, dates and the merge key ``<<`` stay text; ``.5e3`` is a number too. ``012`` is 12; ``0x1F``
    and ``0o17`` are numbers; a number with more digits than Python converts stays text
    (and is refused where a number is due)."""
    tag = resolved_tag(text)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text.lower() == "true"
    if "_" in text:
        return text
    if tag == _INT:
        try:
            if _DECIMAL.fullmatch(text):
                return int(text)
            if _HEX.fullmatch(text):
                return int(text, 16)
            if _OCTAL.fullmatch(text):
                return int(text[2:], 8)
        except ValueError:  # more digits than Python converts
            return text
        return text  # 0b101, signed hex: not numbers in a model file
    if tag == _FLOAT:
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return float(lowered.replace(".", ""))
        if lowered == ".nan":
            return float("nan")
        return float(text)
    if _DOT_EXPONENT.fullmatch(text):
        return float(text)
    return text


def scalar_value(value: str, style: str | None, as_text: bool = False) -> Any:
    """A scalar by its text and style: quoted or block (or ``as_text``) is text, plain is typed."""
    if style is not None or as_text:
        return value
    return plain_scalar(value)


def child_path(path: str, key: Any) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def read_yaml(text: str, source: str | None = None) -> tuple[Any, dict[str, int]]:
    """Safe-read YAML text; return the data and a map of field path -> 1-based line."""
    deep = too_deep(text)  # before the parser, which takes minutes on 100,000 nested [
    if deep is not None:
        raise ModelError([Problem("", f"the YAML is nested too deeply to be a model (more than {MAX_NESTING} "
                                      "levels; a model needs about a dozen)", deep)], source)
    lines: dict[str, int] = {}
    try:
        data = _Reader(YAML(typ="safe", pure=True).parse(text), lines, source).document()
    except YAMLError as error:
        raise ModelError([_yaml_problem(error, text)], source) from None
    except RecursionError:
        raise ModelError([Problem("", "the YAML is nested too deeply to be a model")], source) from None
    if data is None:
        raise ModelError([Problem("", "the file is empty; a model is a mapping of keys", 1)], source)
    return data, lines


def _yaml_problem(error: YAMLError, text: str) -> Problem:
    if isinstance(error, ReaderError):
        position = error.position if isinstance(error.position, int) else 0
        character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        return Problem("", f"not valid YAML: a character YAML does not allow (#x{character:04x})",
                       text.count("\n", 0, position) + 1)
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return Problem("", f"not valid YAML: {problem}", line)


class _Reader:
    """Builds plain data from ruamel.yaml parser events, recording the line of every path."""

    def __init__(self, events: Iterator[Any], lines: dict[str, int], source: str | None):
        self.events = events
        self.lines = lines
        self.source = source

    def _refuse(self, line: int, message: str) -> ModelError:
        return ModelError([Problem("", message, line)], self.source)

    def document(self) -> Any:
        data = None
        documents = 0
        for event in self.events:
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self._refuse(event.start_mark.line + 1,
                                       "not valid YAML: a model file holds one document; found a second")
            elif isinstance(event, ev.NodeEvent | ev.CollectionStartEvent):
                data = self.node(event, "", False)
        return data

    def _check(self, event: Any) -> int:
        line = event.start_mark.line + 1
        if isinstance(event, ev.AliasEvent) or getattr(event, "anchor", None):
            raise self._refuse(line, "YAML anchors and aliases are not allowed in a model file")
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise self._refuse(line, f"YAML tags are not allowed in a model file (found {tag})")
        return line

    def node(self, event: Any, path: str, as_text: bool) -> Any:
        line = self._check(event)
        self.lines.setdefault(path, line)
        if isinstance(event, ev.MappingStartEvent):
            return self.mapping(path)
        if isinstance(event, ev.SequenceStartEvent):
            items: list[Any] = []
            for item in self.events:
                if isinstance(item, ev.SequenceEndEvent):
                    break
                items.append(self.node(item, f"{path}[{len(items)}]", as_text))
            return items
        return scalar_value(event.value, event.style, as_text)

    def mapping(self, path: str) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        seen: set[str] = set()
        for key_event in self.events:
            if isinstance(key_event, ev.MappingEndEvent):
                return result
            line = self._check(key_event)
            if not isinstance(key_event, ev.ScalarEvent):
                raise ModelError([Problem(path, "a key must be plain text", line)], self.source)
            key = scalar_value(key_event.value, key_event.style)
            if str(key) in seen:
                raise ModelError([Problem(child_path(path, key), "duplicate key", line)], self.source)
            seen.add(str(key))
            child = f"{path}.{key}" if path else str(key)
            self.lines[child] = line
            text_value = key in TEXT_KEYS or path in TEXT_PARENTS
            result[key] = self.node(next(self.events), child, text_value)
        return result
