"""Writing a model as YAML with ruamel.yaml, in LeadGrid's layout or onto the file it came from.

:func:`fresh_yaml` writes plain model data the way the format's examples look (rules,
grades, windows and routes on one line each). :func:`yaml_onto` writes the same data onto
the text of a model file so that the file keeps its comments, key order, quoting and
layout: the file is loaded as a ruamel.yaml round-trip document and only the parts where
the model's data differs from the file's model are changed in place (a value replaced, a
key or list item added or removed, lists of categories and entries matched by id); new
parts are laid out as :func:`fresh_yaml` would.

Both take the data of :func:`scoring.model.files.model_to_data`; text that the model reader
(:mod:`scoring.model.yamlread`) would read as something else (``"1e3"``, ``"NO"`` is fine) is
quoted, so what is written reads back to the same model.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarint import BinaryInt, DecimalInt, HexCapsInt, HexInt, OctalInt, ScalarInt
from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from scoring.model.yamlread import plain_scalar

WIDTH = 100

# Mappings written on one line (paths with list indices dropped), like the format's examples.
_FLOW = re.compile(r"(profile\.categories\[\]\.rules\[\]|engagement\.activities\[\]\.rules\[\]"
                   r"|engagement\.activities\[\]\.where"
                   r"|(profile|engagement)\.grades|engagement\.recency\.windows\[\]|routing\.default"
                   r"|routing\.cells\.[^.\[]+)")
_INDEX = re.compile(r"\[\d+\]")


# Plain text starting with these reads differently in a flow list ("?0" as a key): quoted.
_INDICATOR_START = frozenset("?:-")


class _Representer(RoundTripRepresenter):
    """Plain text unless the model reader would read it as another type (or it spans lines)."""

    def represent_str(self, data: str) -> Any:
        if "\n" in data and "\r" not in data:  # a CR would be read back as a line break
            style = "|"
        elif data and data[0] not in _INDICATOR_START and isinstance(plain_scalar(data), str):
            style = None
        else:
            style = '"'
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


    def represent_written_float(self, data: Any) -> Any:
        written = getattr(data, _WRITTEN, None)
        if written is not None:
            return self.represent_scalar("tag:yaml.org,2002:float", written)
        return self.represent_float(float(data))

    def represent_written_int(self, data: Any) -> Any:
        written = getattr(data, _WRITTEN, None)
        if written is not None:
            return self.represent_scalar("tag:yaml.org,2002:int", written)
        return self.represent_int(int(data))


class _Constructor(RoundTripConstructor):
    """Numbers from the file remember their text, written back as they were (``30.0``,
    ``2.50``, ``1.5736305887780082e-169``: ruamel.yaml would rebuild the text from the
    value and its format, which can change a digit of a long exponent form)."""

    def construct_yaml_float(self, node: Any) -> Any:
        return _remember(super().construct_yaml_float(node), node.value)

    def construct_yaml_int(self, node: Any) -> Any:
        return _remember(super().construct_yaml_int(node), node.value)


_WRITTEN = "_leadgrid_written"


def _remember(value: Any, written: str) -> Any:
    if not isinstance(value, ScalarFloat | ScalarInt):  # plain int/float: give it a place for the text
        value = ScalarFloat(value) if isinstance(value, float) else ScalarInt(value)
    setattr(value, _WRITTEN, written)
    return value


_Representer.add_representer(str, _Representer.represent_str)
_Representer.add_representer(ScalarFloat, _Representer.represent_written_float)
for _int_type in (ScalarInt, BinaryInt, OctalInt, HexInt, HexCapsInt, DecimalInt):
    _Representer.add_representer(_int_type, _Representer.represent_written_int)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


def _writer(mapping: int = 2, sequence: int = 4, offset: int = 2, width: int = WIDTH) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.Constructor = _Constructor
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.width = width
    yaml.allow_unicode = True
    yaml.preserve_quotes = True
    return yaml


def _emit(yaml: YAML, document: Any) -> str:
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _child(path: str, key: Any) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def styled(value: Any, path: str = "") -> Any:
    """Plain data as ruamel.yaml round-trip containers, with the flow style of the examples."""
    if isinstance(value, dict):
        result = CommentedMap((key, styled(item, _child(path, key))) for key, item in value.items())
        if _FLOW.fullmatch(_INDEX.sub("[]", path)):
            result.fa.set_flow_style()
        return result
    if isinstance(value, list | tuple):
        items = CommentedSeq(styled(item, _child(path, index)) for index, item in enumerate(value))
        if all(not isinstance(item, dict | list | tuple) for item in value):
            items.fa.set_flow_style()  # a list of values: [a, b, c]
        return items
    return value


def fresh_yaml(data: dict[str, Any]) -> str:
    """Model data as YAML in LeadGrid's layout."""
    return _emit(_writer(), styled(data))


def yaml_onto(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    """Model data ``new`` written onto ``text``, a model file whose model data is ``old``.

    Everything where ``old`` and ``new`` agree is left as the file has it (comments, key
    order, quoting, numbers as written, keys the file leaves to their defaults)."""
    layout = _layout(text)
    if layout is None:
        return fresh_yaml(new)
    mapping, sequence, offset, width = layout
    yaml = _writer(mapping=mapping, sequence=sequence, offset=offset, width=width)
    document = yaml.load(text)  # loaded afresh each time: the edit changes it in place
    _apply_mapping(document, old, new, "")
    return _emit(yaml, document)


@functools.lru_cache(maxsize=8)
def _layout(text: str) -> tuple[int, int, int, int] | None:
    """The indents and line width ``text`` is written with (None when it is not a mapping).
    Kept per text: a session writes each of its edits onto the same file, and finding the
    layout loads the file twice and writes it up to five times (most of a save's time)."""
    _, indent, sequence_offset = load_yaml_guess_indent(text)
    offset = sequence_offset or 0
    mapping = indent - offset if offset and indent > offset else indent
    yaml = _writer(mapping=mapping, sequence=indent, offset=offset)
    document = yaml.load(text)
    if not isinstance(document, CommentedMap):
        return None
    return mapping, indent, offset, _line_width(yaml, document, text)


def _line_width(yaml: YAML, document: Any, text: str) -> int:
    """The line width at which ruamel.yaml writes the unchanged ``document`` most like
    ``text``: a hand-written file may keep long flow lists on one line, a written one has
    them wrapped at 100, and ruamel.yaml does not keep where a flow list was wrapped."""
    lines = text.splitlines()
    longest = max(len(line) for line in lines)
    best, fewest = WIDTH, None
    for width in sorted({WIDTH, 80, 120, longest, 100_000}):
        yaml.width = width
        written = _emit(yaml, document).splitlines()
        differing = len(set(written).symmetric_difference(lines))
        if fewest is None or differing < fewest:
            best, fewest = width, differing
        if not differing:
            break
    return best


def same(a: Any, b: Any) -> bool:
    """Equal data, telling text from numbers and booleans from numbers (1 == 1.0 though)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(map(str, a)) == list(map(str, b)) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _replacement(current: Any, value: Any, path: str) -> Any:
    """``value`` for the place of ``current``: text keeps the quoting or block style it had."""
    if isinstance(value, str) and isinstance(current, ScalarString) \
            and ("\n" not in value or isinstance(current, LiteralScalarString)):
        return type(current)(value)
    return styled(value, path)


def _apply(container: Any, key: Any, old: Any, new: Any, path: str) -> None:
    current = container[key]
    if isinstance(new, dict) and isinstance(old, dict) and isinstance(current, CommentedMap):
        _apply_mapping(current, old, new, path)
    elif isinstance(new, list) and isinstance(old, list) and isinstance(current, CommentedSeq) \
            and len(current) == len(old):
        _apply_sequence(current, old, new, path)
    else:
        container[key] = _replacement(current, new, path)


def _apply_mapping(document: CommentedMap, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
    keys = {str(key): key for key in document}  # grade keys may be written 1 or "1"
    for key in old:
        if key not in new and str(key) in keys:
            del document[keys[str(key)]]
    previous = -1
    for key, value in new.items():
        found = keys.get(str(key))
        if found is not None and found in document:
            if not (key in old and same(old[key], value)):
                _apply(document, found, old.get(key), value, _child(path, key))
            previous = list(document).index(found)
        elif not (key in old and same(old[key], value)):  # a key the file leaves to its default
            previous += 1
            document.insert(previous, key, styled(value, _child(path, key)))


def _identity(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return "id:" + item["id"]
    return json.dumps(item, sort_keys=True, default=str)


def _apply_sequence(document: CommentedSeq, old: list[Any], new: list[Any], path: str) -> None:
    """Items matched by id (or by equal content), so that comments stay with their items."""
    matcher = difflib.SequenceMatcher(None, [_identity(i) for i in old], [_identity(i) for i in new], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else (i2 - i1 if tag == "equal" else 0)
        for offset in range(paired):
            if not same(old[i1 + offset], new[j1 + offset]):
                _apply(document, i1 + offset, old[i1 + offset], new[j1 + offset], _child(path, j1 + offset))
        if i2 - i1 > paired:
            del document[i1 + paired:i2]
        for offset in range(paired, j2 - j1):
            document.insert(i1 + offset, styled(new[j1 + offset], _child(path, j1 + offset)))
