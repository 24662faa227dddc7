"""Activities prepared for recency decay: grouped by type, sorted by age, summed per lead.

``ActivityIndex`` holds the activities that can count (a known lead, a date, not after
the lead was scored) as one flat set of arrays ordered by type and then by age. The
decayed count D of one type under one recency setting is then a slice (ages up to
``max_age_days`` are a prefix), one vectorised decay pass over it and one ``bincount``;
it is cached per (type, ``where`` filter, recency), so a change of points, caps, weights or thresholds
never touches activity rows, and a half-life change recomputes each type once.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from scoring.engine.caches import LruCache
from scoring.model.schema import Recency

PARALLEL_ROWS = 1 << 19  # decay factors of longer arrays are computed in two threads
DECAY_CACHE_SIZE = 40  # decayed counts kept (one per type and recency): 8 MB each at a million leads
FILTERED_CACHE_SIZE = 16  # the rows a where filter keeps of a type (ages and leads), per type and filter


def recency_key(recency: Recency) -> tuple:
    """What the decayed counts depend on: a hashable form of the recency section."""
    windows = tuple((w.within_days, w.factor) for w in recency.windows or [])
    return (recency.half_life_days, windows, recency.max_age_days)


def decay_factors(age_days: np.ndarray, recency: Recency) -> np.ndarray:
    """The weight of activities of the given ages; 0 past ``max_age_days`` or before scoring."""
    age_days = np.asarray(age_days, dtype=float)
    if recency.half_life_days is not None:
        factors = _half_life(age_days, recency.half_life_days)
    else:
        windows = recency.windows or []
        conditions = [age_days <= window.within_days for window in windows]
        factors = np.select(conditions, [window.factor for window in windows], default=0.0)
    inside = age_days >= 0
    if recency.max_age_days is not None:
        inside &= age_days <= recency.max_age_days
    return np.where(inside, factors, 0.0)


def _half_life(age_days: np.ndarray, half_life_days: float) -> np.ndarray:
    """``0.5 ** (age / half_life)``, computed as ``exp2(age / -half_life)`` (twice as fast), in two
    threads for a long array (numpy releases the GIL; each element is computed alike either way)."""
    factors = np.empty(len(age_days))
    divisor = -float(half_life_days)

    def part(rows: slice) -> None:
        np.divide(age_days[rows], divisor, out=factors[rows])
        np.exp2(factors[rows], out=factors[rows])

    if len(age_days) >= PARALLEL_ROWS and (os.cpu_count() or 1) > 1:
        middle = len(age_days) // 2
        list(_pool().map(part, (slice(0, middle), slice(middle, len(age_days)))))
    else:
        part(slice(0, len(age_days)))
    return factors


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="leadgrid-decay")


def _window_steps(recency: Recency) -> tuple[np.ndarray, np.ndarray]:
    """Windows as steps over age: (upper ends ascending, factor up to each end). An age up to
    an end gets the factor of the first window (in the model's order) that reaches that end."""
    windows = recency.windows or []
    ends = np.unique([float(w.within_days) for w in windows])
    factors = [next(w.factor for w in windows if w.within_days >= end) for end in ends]
    return ends, np.asarray(factors, dtype=float)


@dataclass
class ActivityIndex:
    """Usable activities, ordered by type then age: lead position, age in days, source row."""

    position: np.ndarray  # intp: the lead each activity belongs to
    age_days: np.ndarray  # float64, >= 0, ascending within a type
    row: np.ndarray  # the activity's row in the activities table
    type_names: list[str]  # type keys (trimmed, lower-case); '' for a blank type
    bounds: np.ndarray  # rows of type i are bounds[i]:bounds[i + 1]
    lead_count: int
    _decayed: LruCache = field(default_factory=lambda: LruCache(DECAY_CACHE_SIZE), repr=False)
    _filtered: LruCache = field(default_factory=lambda: LruCache(FILTERED_CACHE_SIZE), repr=False)

    @classmethod
    def build(cls, position: np.ndarray, age_days: np.ndarray, row: np.ndarray, type_code: np.ndarray,
              type_names: list[str], lead_count: int) -> ActivityIndex:
        """Group rows by ``type_code`` (an index into ``type_names``), each group by age."""
        order = np.argsort(type_code, kind="stable")
        bounds = np.searchsorted(type_code[order], np.arange(len(type_names) + 1))
        for i in range(len(type_names)):
            part = order[bounds[i]:bounds[i + 1]]
            order[bounds[i]:bounds[i + 1]] = part[np.argsort(age_days[part], kind="stable")]
        return cls(position[order], age_days[order], row[order], list(type_names), bounds, lead_count)

    def type_slice(self, type_key: str) -> slice:
        """The rows of one type (empty for an unknown or blank type)."""
        if type_key and type_key in self.type_names:
            i = self.type_names.index(type_key)
            return slice(int(self.bounds[i]), int(self.bounds[i + 1]))
        return slice(0, 0)

    def type_of_rows(self) -> np.ndarray:
        """The type key of every row, in this index's order."""
        names = np.asarray(self.type_names, dtype=object)
        return np.repeat(names, np.diff(self.bounds)) if len(names) else np.empty(0, dtype=object)

    def decayed(self, type_key: str, recency: Recency, kept: np.ndarray | None = None,
                kept_key: Hashable = ()) -> np.ndarray:
        """Per lead: D, the sum of the decay factors of its activities of this type (cached).
        ``kept``: per row of the activities table, whether an entry's ``where`` keeps it (None:
        every row); ``kept_key`` names that filter in the cache."""
        key = (type_key, kept_key if kept is not None else (), recency_key(recency))
        return self._decayed.get(key, lambda: self._compute(*self._rows_of(type_key, kept, kept_key), recency))

    def _rows_of(self, type_key: str, kept: np.ndarray | None, kept_key: Hashable) -> tuple[np.ndarray, np.ndarray]:
        """Ages and leads of one type's rows that ``kept`` keeps; kept per filter, so a half-life
        change recomputes only the decay (a subset of ascending ages still ascends)."""
        rows = self.type_slice(type_key)
        if kept is None:
            return self.age_days[rows], self.position[rows]

        def pick() -> tuple[np.ndarray, np.ndarray]:
            picked = kept[self.row[rows]]
            return self.age_days[rows][picked], self.position[rows][picked]

        return self._filtered.get((type_key, kept_key), pick)

    def _compute(self, ages: np.ndarray, positions: np.ndarray, recency: Recency) -> np.ndarray:
        used = len(ages)
        if recency.max_age_days is not None:  # ages ascend: the ones that count are a prefix
            used = int(np.searchsorted(ages, recency.max_age_days, side="right"))
        if recency.half_life_days is not None:
            factors = _half_life(ages[:used], recency.half_life_days)
        else:
            ends, step_factors = _window_steps(recency)
            stops = np.searchsorted(ages[:used], ends, side="right")
            used = int(stops[-1]) if len(stops) else 0  # older than every window: factor 0
            factors = np.repeat(step_factors, np.diff(stops, prepend=0))
        return np.bincount(positions[:used], weights=factors, minlength=self.lead_count)[: self.lead_count]
