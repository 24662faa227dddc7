"""Conditions of the model format: a ``Match`` on one value and the ``Rule`` that gives a
value its share when the match holds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from scoring.formatting import format_number
from scoring.model.base import Finite, NonBlank, RuleValue, Scalar, _Strict

OPERATORS = ("in", "contains_any", "gte", "lt", "range", "missing")


class Match(_Strict):
    """A condition on one value. Exactly one operator, except ``gte`` with ``lt``."""

    in_: list[Scalar] | None = Field(
        None, alias="in", min_length=1,
        description="Matches when the trimmed text equals one of the items, ignoring case.",
    )
    contains_any: list[NonBlank] | None = Field(
        None, min_length=1, description="Matches when the text contains one of the items, ignoring case."
    )
    gte: Finite | None = Field(None, description="Matches a number >= this.")
    lt: Finite | None = Field(None, description="Matches a number < this.")
    range: tuple[Finite | None, Finite | None] | None = Field(
        None, description="[lo, hi]: matches a number with lo <= value < hi; null leaves an end open."
    )
    missing: Literal[True] | None = Field(
        None, description="Matches a missing value (null, NaN, or blank text)."
    )

    @model_validator(mode="after")
    def _one_operator(self) -> Match:
        used = self.operators()
        if not used:
            raise ValueError(f"a match needs one operator, one of {', '.join(OPERATORS)}; got none")
        if len(used) > 1 and set(used) != {"gte", "lt"}:
            raise ValueError(
                f"a match takes one operator (only gte with lt may combine); got {', '.join(used)}"
            )
        return self

    def operators(self) -> list[str]:
        """The operators this match uses, in the format's spelling."""
        names = {"in_": "in"}
        return [names.get(name, name) for name in type(self).model_fields if getattr(self, name) is not None]

    def describe(self) -> str:
        """A short human form, e.g. ``in [Software, Finance]`` or ``>= 1000``."""
        parts = []
        if self.in_ is not None:
            parts.append("in [" + ", ".join(str(item) for item in self.in_) + "]")
        if self.contains_any is not None:
            parts.append("contains any of [" + ", ".join(self.contains_any) + "]")
        if self.gte is not None:
            parts.append(f">= {format_number(self.gte)}")
        if self.lt is not None:
            parts.append(f"< {format_number(self.lt)}")
        if self.range is not None:
            lo, hi = self.range
            parts.append(f"in range [{'' if lo is None else format_number(lo)}, {'' if hi is None else format_number(hi)})")
        if self.missing:
            parts.append("is missing")
        return " and ".join(parts)


class Rule(_Strict):
    """If ``match`` holds, the value takes ``value`` (-100..100)."""

    match: Match
    value: RuleValue
