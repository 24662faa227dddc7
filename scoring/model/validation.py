"""From pydantic's validation errors to ``ModelError``: one ``Problem`` per fault, with
the field path in the format's own spelling (``in``, ``1``..``4``), the allowed keys next
to an unknown one, and the file line of each path when the model came from a file."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from scoring.errors import ModelError, PathError, Problem
from scoring.model.schema import LeadModel


def _format_loc(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _join(path: str, sub: str) -> str:
    if not sub:
        return path
    if sub.startswith("["):
        return path + sub
    return f"{path}.{sub}" if path else sub


_ALIASES = {"in_": "in", "one": "1", "two": "2", "three": "3", "four": "4"}


def _problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        loc = tuple(_ALIASES.get(part, part) if isinstance(part, str) else part for part in detail["loc"])
        path = _format_loc(loc)
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, PathError):
            problems.extend(Problem(_join(path, sub), message) for sub, message in cause.problems)
            continue
        problems.append(Problem(path, _message_for(detail)))
    return problems


def _message_for(detail: dict[str, Any]) -> str:
    kind = detail["type"]
    message = detail["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind in ("value_error", "assertion_error"):
        return message
    received = detail.get("input")
    if isinstance(received, dict | list):
        return f"{message[0].lower()}{message[1:]}"
    return f"{message[0].lower()}{message[1:]}; got {received!r}"


def _unknown_key_hint(problems: list[Problem]) -> list[Problem]:
    """Name the allowed keys next to each unknown key."""
    hinted = []
    for problem in problems:
        if problem.message == "unknown key":
            parent = problem.path.rsplit(".", 1)[0] if "." in problem.path else ""
            allowed = _allowed_keys(parent)
            if allowed:
                problem = Problem(problem.path, f"unknown key; allowed: {', '.join(allowed)}", problem.line)
        hinted.append(problem)
    return hinted


def _allowed_keys(parent_path: str) -> list[str]:
    """Keys allowed in the mapping at ``parent_path`` (indices dropped)."""
    cls: Any = LeadModel
    for part in [p for p in parent_path.replace("[", ".[").split(".") if p and not p.startswith("[")]:
        field = {_ALIASES.get(name, name): info for name, info in cls.model_fields.items()}.get(part)
        if field is None:
            return []
        cls = _model_class_of(field.annotation)
        if cls is None:
            return []
    return [_ALIASES.get(name, name) for name in cls.model_fields]


def _model_class_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_class_of(arg)
        if found is not None:
            return found
    return None


def validate_model(data: Any, source: str | None = None, lines: dict[str, int] | None = None) -> LeadModel:
    """Build a model from plain data, or raise ``ModelError`` listing every problem found."""
    if not isinstance(data, dict):
        raise ModelError([Problem("", f"a model is a mapping of keys; got {type(data).__name__}", 1)], source)
    try:
        return LeadModel.model_validate(data)
    except ValidationError as error:
        problems = _unknown_key_hint(_problems_from(error))
        if lines is not None:
            problems = [Problem(p.path, p.message, line_of(p.path, lines)) for p in problems]
        raise ModelError(problems, source) from None


def line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
