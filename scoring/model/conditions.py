"""Conditions of the model format: a ``Match`` on one value and the ``Rule`` that gives a
value its share when the match holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import create_model, model_validator

from scoring.model.base import RuleValue, _Strict
from scoring.model.operators import OPERATOR_CLASSES, Operator


def operator_keys(operator_classes: Sequence[type[Operator]]) -> tuple[str, ...]:
    """Every operator key of the model file, in order."""
    return tuple(key for cls in operator_classes for key in cls.file_keys())


OPERATORS = operator_keys(OPERATOR_CLASSES)


class _MatchBase(_Strict):
    operator_classes: ClassVar[tuple[type[Operator], ...]] = ()

    @model_validator(mode="after")
    def _one_operator(self) -> Any:
        used = self.operators()
        if not used:
            raise ValueError(f"a match needs one operator, one of {', '.join(operator_keys(self.operator_classes))}"
                             "; got none")
        if len(self._classes_used()) > 1:
            combined = "; ".join(" with ".join(cls.file_keys()) for cls in self.operator_classes if len(cls.fields) > 1)
            raise ValueError(f"a match takes one operator (only {combined} may combine); got {', '.join(used)}")
        return self

    def _classes_used(self) -> list[type[Operator]]:
        return [cls for cls in self.operator_classes if any(getattr(self, name) is not None for name in cls.fields)]

    def operators(self) -> list[str]:
        """The keys this match uses, in the format's spelling."""
        return [key for cls in self.operator_classes for name, key in zip(cls.fields, cls.file_keys(), strict=True)
                if getattr(self, name) is not None]

    @property
    def operator(self) -> Operator:
        """The operator object every use (mask, SQL, text, diff, table) dispatches through."""
        return self._classes_used()[0].from_match(self)

    def describe(self) -> str:
        """A short human form, e.g. ``in [Software, Finance]`` or ``>= 1000``."""
        return self.operator.describe()


def match_class(operator_classes: Sequence[type[Operator]]) -> type[_MatchBase]:
    """The pydantic class of a rule's ``match``, its fields those of ``operator_classes`` in
    order (so the JSON Schema and the dump follow the registry)."""
    fields = {name: spec for cls in operator_classes for name, spec in cls.fields.items()}
    model = create_model("Match", __base__=_MatchBase, __module__=__name__,
                         __doc__="A condition on one value. Exactly one operator, except ``gte`` with ``lt``.",
                         **fields)
    model.operator_classes = tuple(operator_classes)
    return model


Match = match_class(OPERATOR_CLASSES)


class Rule(_Strict):
    """If ``match`` holds, the value takes ``value`` (-100..100)."""

    match: Match
    value: RuleValue
