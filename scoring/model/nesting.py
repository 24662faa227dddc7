"""How deeply a YAML (or JSON) text nests, measured before any parser sees it.

YAML parsers take time (PyYAML: milliseconds per level of ``[``) and stack depth for every
level of nesting, so a 200 KB file of ``[[[[...`` could keep one busy for minutes before
it gives up. :func:`too_deep` reads the text once, in linear time and independently of the
parser, and finds the first line where the nesting passes a limit far above what any
model needs (a model nests about a dozen levels).

Counted, as a parser would nest them: flow collections (``[`` and ``{``), block
collections by indentation, and compact sequence entries (``- - - x``). Quoted scalars,
comments and the content of block scalars (``|``, ``>``) are skipped, so brackets in text
do not count. The measure never under-counts what a parser would nest; it may over-count
plain text holding unbalanced brackets, which no model does dozens of times.
"""

from __future__ import annotations

import re

import numpy as np

MAX_NESTING = 64

_STOPS = re.compile(r"[\n#\"']")  # what ends a run of plain text
_BRACKET = re.compile(r"[\[\]{}]")
_DOUBLE_QUOTED_REST = re.compile(r'(?:[^"\\]|\\.)*"', re.S)
_SINGLE_QUOTED_REST = re.compile(r"(?:[^']|'')*'")
_INDICATORS = re.compile(r"(?:[-?:][ \t]+)+")
_BLOCK_SCALAR_HEADER = re.compile(r"(?:^|[ \t])[|>][-+0-9]*$")
_SCALAR_STARTS = frozenset(":-[{,?")


def too_deep(text: str, limit: int = MAX_NESTING) -> int | None:
    """The 1-based line where ``text`` first nests deeper than ``limit``; None when it never does."""
    flow = 0  # open [ and {
    block: list[int] = []  # columns of the open block collections
    line, position, length = 1, 0, len(text)
    skip_deeper_than: int | None = None  # inside a block scalar: lines indented more than this
    at_line_start = True
    while position < length:
        if at_line_start and (flow == 0 or skip_deeper_than is not None):
            at_line_start = False
            end = text.find("\n", position)
            end = length if end < 0 else end
            content = text[position:end].lstrip(" ")
            indent = end - position - len(content)
            blank = not content or content.isspace()
            if skip_deeper_than is not None:
                if blank or indent > skip_deeper_than:
                    position, line, at_line_start = end + 1, line + 1, True
                    continue
                skip_deeper_than = None
            if flow == 0 and not blank and content[0] != "#":
                while block and block[-1] >= indent:
                    block.pop()
                block.append(indent)
                if content[0] in "-?":
                    found = _INDICATORS.match(content)
                    if found:  # "- - x": each indicator opens one more level
                        marks = found.group()
                        block.extend(range(indent + 1, indent + 1 + marks.count("-") + marks.count("?")))
                if len(block) > limit:
                    return line
                if ("|" in content or ">" in content) and _block_scalar_header(content):
                    skip_deeper_than = indent
        found = _STOPS.search(text, position)
        stop = length if found is None else found.start()
        if stop > position and _BRACKET.search(text, position, stop):
            flow, excess = _brackets(text, position, stop, flow, limit - len(block))
            if excess:
                return line
        if found is None:
            break
        token = found.group()
        position = stop + 1
        if token == "\n":
            line += 1
            at_line_start = flow == 0
        elif token == "#":
            if stop == 0 or text[stop - 1] in " \t\n":  # a comment: skip to the end of the line
                end = text.find("\n", stop)
                position = length if end < 0 else end
        elif _starts_a_scalar(text, stop):  # else an apostrophe (or a quote) inside plain text
            rest = (_DOUBLE_QUOTED_REST if token == '"' else _SINGLE_QUOTED_REST).match(text, position)
            end = rest.end() if rest else length
            line += text.count("\n", position, end)
            position = end
    return None


_STEP = np.zeros(128, dtype=np.int64)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1
_FEW = 32


def _brackets(text: str, start: int, stop: int, flow: int, room: int) -> tuple[int, bool]:
    """Walk the brackets of ``text[start:stop]`` (plain text, no line break) from ``flow``
    open ones; a close with none open is ignored. Returns the open count after it and
    whether it ever passed ``room``."""
    opens = text.count("[", start, stop) + text.count("{", start, stop)
    closes = text.count("]", start, stop) + text.count("}", start, stop)
    if not closes:
        return flow + opens, flow + opens > room
    if not opens:
        return max(flow - closes, 0), False
    if opens + closes <= _FEW:
        peak = flow
        for char in _BRACKET.findall(text, start, stop):
            if char in "[{":
                flow += 1
                if flow > peak:
                    peak = flow
            elif flow:
                flow -= 1
        return flow, peak > room
    codes = np.frombuffer(text[start:stop].encode("utf-32-le"), dtype=np.uint32)
    steps = _STEP[np.minimum(codes, 127)]
    walk = flow + np.cumsum(steps)
    walk -= np.minimum(np.minimum.accumulate(walk), 0)  # a close with none open leaves 0 open
    return int(walk[-1]), int(walk.max()) > room


def _block_scalar_header(content: str) -> bool:
    """Whether a line (without quotes or brackets) ends in ``|`` or ``>``: its more indented
    lines that follow are text."""
    if any(mark in content for mark in "'\"[]{}"):
        return False
    return bool(_BLOCK_SCALAR_HEADER.search(content.split(" #", 1)[0].rstrip()))


def _starts_a_scalar(text: str, index: int) -> bool:
    """Whether the quote at ``index`` opens a quoted scalar (not an apostrophe in plain text)."""
    before = index - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    return before < 0 or text[before] == "\n" or text[before] in _SCALAR_STARTS
