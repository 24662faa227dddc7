"""The parts of a model's result, each cached on the part of the model it depends on.

A slider moves one number of a model; ``Parts`` recomputes only what that number feeds:

- the rule each lead matched: per column and rule list (its matches, not its values);
- the profile: the leads' rule indexes folded into one combination code per lead, so a
  weight, a rule value, a default or a letter threshold is arithmetic on the table of
  combinations (a few thousand rows) and one gather over the leads;
- each activity type's decayed count: per ``where`` filter and recency setting
  (``ActivityIndex.decayed``; the filter's rows from ``scoring.engine.where.RowFilters``);
- the engagement score: per engagement section (grades aside), the number grades per
  thresholds.

Arithmetic keeps the order of the reference formula (``MODEL_FORMAT.md``): the profile is
``0 + w1 * v1 / 100 + w2 * v2 / 100 + ...`` in category order, engagement is the field
entries' sum plus the activity entries' sum, each clipped to 0..100.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from scoring.engine.caches import LruCache
from scoring.engine.matching import FieldRules, rules_key
from scoring.engine.ratings import Rated, grade_codes
from scoring.engine.recency import ActivityIndex
from scoring.engine.values import canonical_item
from scoring.engine.where import RowFilters, Where, where_key
from scoring.model.schema import LETTERS, NUMBERS, Category, LeadModel, Recency

T = TypeVar("T")
MAX_COMBINATIONS = 1 << 18  # beyond this many rule combinations the profile is summed per lead
PART_CACHE_SIZE = 6


class _Cache(LruCache):
    """A small least-recently-used cache whose values are made read-only."""

    def __init__(self, size: int = PART_CACHE_SIZE):
        super().__init__(size)


class Parts:
    """Cached parts of model results on one set of leads and activities."""

    def __init__(self, size: int, field_rules: Callable[[str], FieldRules], activities: ActivityIndex | None,
                 row_filters: RowFilters | None = None):
        self.size = size
        self.field_rules = field_rules
        self.activities = activities
        self.row_filters = row_filters
        self._combinations = _Cache()
        self._profiles = _Cache()
        self._engagements = _Cache()
        self._numbers = _Cache()

    def rate(self, model: LeadModel) -> Rated:
        """Scores and grade codes of every lead."""
        profile_score, letter = self.profile(model)
        engagement_key = _engagement_key(model)
        engagement_score = self._engagements.get(engagement_key, lambda: self._engagement(model))
        thresholds = model.engagement.grades.as_dict()
        number = self._numbers.get((engagement_key, tuple(thresholds.items())),
                                   lambda: grade_codes(engagement_score, thresholds, NUMBERS))
        return Rated(profile_score, engagement_score, letter, number)

    # ----- profile

    def profile(self, model: LeadModel) -> tuple[np.ndarray, np.ndarray]:
        """Per lead: the profile score and the letter code."""
        key = model.profile.model_dump_json()
        return self._profiles.get(key, lambda: self._profile(model))

    def _profile(self, model: LeadModel) -> tuple[np.ndarray, np.ndarray]:
        categories = model.profile.categories
        thresholds = model.profile.grades.as_dict()
        sizes = [len(c.rules) + 1 for c in categories]
        if math.prod(sizes) <= MAX_COMBINATIONS:
            code = self._combinations.get(tuple((c.field, rules_key(c.rules)) for c in categories),
                                          lambda: self._combination_code(categories, sizes))
            # every combination of rule outcomes: digit 0 is the default, digit r + 1 is rule r
            combos = np.arange(math.prod(sizes))
            digits, stride = [], 1
            for size in sizes:
                digits.append(combos // stride % size)
                stride *= size
            score = _clip(_weighted_sum(categories, digits, len(combos)))
            return score[code], grade_codes(score, thresholds, LETTERS)[code]
        digits = [self.field_rules(c.field).rule_index(c.rules) + 1 for c in categories]
        score = _clip(_weighted_sum(categories, digits, self.size))
        return score, grade_codes(score, thresholds, LETTERS)

    def _combination_code(self, categories: list[Category], sizes: list[int]) -> np.ndarray:
        """Per lead: sum over categories of (rule index + 1) * stride."""
        code = np.zeros(self.size, dtype=np.int32)
        stride = 1
        for category, size in zip(categories, sizes, strict=True):
            index = self.field_rules(category.field).rule_index(category.rules)
            code += (index.astype(np.int32) + 1) * np.int32(stride)
            stride *= size
        return code

    # ----- engagement

    def decayed(self, activity: str | None, recency: Recency, where: Where | None = None) -> np.ndarray:
        """Per lead: D of one activity type under ``recency``, counting only the rows ``where``
        keeps (zeros without activities)."""
        if self.activities is None or activity is None:
            return np.zeros(self.size)
        kept = self.row_filters.mask(where) if self.row_filters is not None else None
        return self.activities.decayed(canonical_item(activity), recency, kept, where_key(where))

    def _engagement(self, model: LeadModel) -> np.ndarray:
        fields = np.zeros(self.size)
        for entry in model.field_entries:
            if entry.field:
                rules = entry.rules or []
                values = np.array([rule.value for rule in rules] + [0.0], dtype=float)
                fields = fields + values[self.field_rules(entry.field).rule_index(rules)]  # -1: no rule, 0
        activities = np.zeros(self.size)
        recency = model.engagement.recency
        for entry in model.activity_entries if recency else []:
            decayed = self.decayed(entry.activity, recency, entry.where)
            counted = decayed if entry.max_count is None else np.minimum(decayed, entry.max_count)
            activities = activities + (entry.points or 0.0) * counted
        return _clip(fields + activities)


def _weighted_sum(categories: list[Category], digits: list[np.ndarray], size: int) -> np.ndarray:
    """0 + sum of weight * value / 100 in category order, the value picked by each digit."""
    total = np.zeros(size)
    for category, digit in zip(categories, digits, strict=True):
        values = np.array([category.default] + [rule.value for rule in category.rules], dtype=float)
        total = total + category.weight * values[digit] / 100.0
    return total


def _clip(scores: np.ndarray) -> np.ndarray:
    return np.clip(scores, 0.0, 100.0)


def _engagement_key(model: LeadModel) -> str:
    """The engagement section without its grades: what the engagement score depends on."""
    return model.engagement.model_dump_json(exclude={"grades"})
