"""Rule matching for one leads column, worked out per distinct value and cached per rule list.

A text column of a million leads holds a few hundred distinct values: ``FieldRules``
factorises it once, tests each rule on the distinct values only, and spreads the
result to the leads with one integer gather. The rule a lead matched is kept per
rule list (the rules' matches, not their values), so moving a rule's value, a weight or
a threshold re-matches nothing. Other columns (numbers, mixed objects) are tested
whole, through the same ``ValueColumn`` the spec's operators are written against.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scoring.engine.caches import LruCache
from scoring.engine.values import ValueColumn
from scoring.model.schema import Match, Rule

NO_RULE = -1  # rule index when a list fell through to its default
RULE_CACHE_SIZE = 64  # rule lists whose per-lead rule index is kept (1 byte a lead each)


def match_key(match: Match) -> str:
    return match.model_dump_json()


def rules_key(rules: Sequence[Rule]) -> tuple[str, ...]:
    """What the rule a lead matches depends on: the matches, in order (not the values)."""
    return tuple(match_key(rule.match) for rule in rules)


def _factorisable(values: pd.Series) -> bool:
    """Text columns (and categoricals of text), whose distinct values are few and match alike."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.is_string_dtype(dtype.categories.dtype) and not pd.api.types.is_object_dtype(
            dtype.categories.dtype)
    return pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype)


class FieldRules:
    """One leads column: which rule of a rule list each lead matches (cached per list)."""

    def __init__(self, values: pd.Series):
        values = values.reset_index(drop=True)
        self.size = len(values)
        self.codes: np.ndarray | None = None
        if _factorisable(values) and len(values):
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            distinct = pd.Series([*np.asarray(uniques, dtype=object).tolist(), None], dtype="str")
            self.codes = codes  # -1 (missing) picks the trailing None
            self.view = ValueColumn(distinct)
        else:
            self.view = ValueColumn(values)
        self._masks: dict[str, np.ndarray] = {}
        self._indexes = LruCache(RULE_CACHE_SIZE)

    def mask(self, match: Match) -> np.ndarray:
        """Which values (distinct ones when factorised) satisfy ``match`` (cached)."""
        key = match_key(match)
        if key not in self._masks:
            self._masks[key] = self.view.matches(match)
        return self._masks[key]

    def rule_index(self, rules: Sequence[Rule]) -> np.ndarray:
        """Per lead: the index of the first rule that matches, NO_RULE when none does."""
        return self._indexes.get(rules_key(rules), lambda: self._rule_index(rules))

    def _rule_index(self, rules: Sequence[Rule]) -> np.ndarray:
        dtype = np.int8 if len(rules) < 127 else np.int32
        index = np.full(len(self.view), NO_RULE, dtype=dtype)
        for position in range(len(rules) - 1, -1, -1):  # the first match wins: write it last
            index[self.mask(rules[position].match)] = position
        if self.codes is not None:
            index = index[self.codes]
        return index

    def matches(self, match: Match) -> np.ndarray:
        """Per lead: whether ``match`` holds."""
        mask = self.mask(match)
        return mask[self.codes] if self.codes is not None else mask
