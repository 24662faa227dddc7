"""The only exceptions the engine raises on bad input.

``ModelError`` is about the model (a YAML file or a model built in code);
``DataError`` is about the leads or activities tables. Both carry structured
fields so the CLI can print one line and the app can show where the problem is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a model: where it is and what is wrong."""

    path: str
    message: str
    line: int | None = None

    def format(self, source: str | None = None) -> str:
        where = ""
        if source:
            where = f"{source}:{self.line}" if self.line else source
        elif self.line:
            where = f"line {self.line}"
        location = " ".join(part for part in (where, self.path) if part)
        return f"{location}: {self.message}" if location else self.message


class LeadGridError(Exception):
    """Base class of every error LeadGrid reports to a user."""


class ModelError(LeadGridError):
    """A model that does not follow the format. Holds every problem found."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.message)

    @property
    def path(self) -> str:
        return self.problems[0].path if self.problems else ""

    @property
    def line(self) -> int | None:
        return self.problems[0].line if self.problems else None

    @property
    def lines(self) -> list[str]:
        """One formatted line per problem, e.g. ``x.yaml:14 profile.categories[2].weight: ...``."""
        return [problem.format(self.source) for problem in self.problems]

    @property
    def message(self) -> str:
        lines = self.lines
        if len(lines) <= 1:
            return lines[0] if lines else "invalid model"
        return f"{lines[0]} (and {len(lines) - 1} more problem{'s' if len(lines) > 2 else ''})"

    def __str__(self) -> str:
        return self.message


class DataError(LeadGridError):
    """A leads or activities table the model cannot be applied to."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        column: str | None = None,
        row: int | None = None,
    ):
        self.reason = message
        self.source = source
        self.column = column
        self.row = row
        super().__init__(self.message)

    @property
    def message(self) -> str:
        prefix = self.source or ""
        if self.row is not None:
            prefix = f"{prefix}:{self.row}" if prefix else f"line {self.row}"
        return f"{prefix}: {self.reason}" if prefix else self.reason

    def __str__(self) -> str:
        return self.message


class PathError(ValueError):
    """A validation failure located below the class that found it.

    ``problems`` is a list of ``(sub_path, message)``; the sub-path is appended
    to the location pydantic reports for the class.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))
