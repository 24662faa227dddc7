"""Grades and ratings as small integer codes, and the scored table built from them.

Letters A..D are codes 0..3, numbers 1..4 are codes 0..3, and a rating is
``letter * 4 + number`` (0..15, in ``RATINGS`` order: A1, A2, .., D4). Only the edge
turns codes into text: ``scored_frame`` builds the text columns straight from the
codes as Arrow string arrays (the ``str`` dtype pandas gives text), so a million leads
cost a few small gathers instead of a million Python strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.model.schema import LETTERS, NUMBERS, RATINGS, LeadModel

TOLERANCE = 1e-9
STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)  # what pandas infers for text
OUTPUT_COLUMNS = (
    "profile_score", "profile_grade", "engagement_score", "engagement_grade", "rating", "action", "sla_hours",
)


def grade_codes(scores: np.ndarray, thresholds: Mapping[str, float], names: Sequence[str]) -> np.ndarray:
    """Per score: the index of the first name whose threshold is <= score (within TOLERANCE); the
    last index otherwise (NaN included). Thresholds decrease, so it is the count of those missed."""
    reached = np.zeros(len(scores), dtype=np.int8)
    for name in names[:-1]:
        reached += scores >= thresholds[name] - TOLERANCE
    return (len(names) - 1 - reached).astype(np.int8)


def grade(scores: np.ndarray, thresholds: Mapping[str, float], names: tuple[str, ...]) -> np.ndarray:
    """The first name whose threshold is <= score (within TOLERANCE); the last name otherwise."""
    return np.asarray(names, dtype=object)[grade_codes(np.asarray(scores, dtype=float), thresholds, names)]


@dataclass(frozen=True)
class Rated:
    """One model's result on every lead, as arrays: scores and integer codes."""

    profile_score: np.ndarray
    engagement_score: np.ndarray
    letter: np.ndarray  # int8, 0..3 = A..D
    number: np.ndarray  # int8, 0..3 = 1..4

    @property
    def rating(self) -> np.ndarray:
        """int8, 0..15 in RATINGS order."""
        return self.letter * np.int8(4) + self.number


_WORDS = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


@lru_cache(maxsize=8)
def _offsets(count: int, width: int) -> np.ndarray:
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int64)
    offsets.flags.writeable = False
    return offsets


def _text_array(texts: Sequence[str], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``texts[codes]`` as a pandas ``str`` array, built from bytes without Python strings."""
    encoded = [text.encode() for text in texts]
    width = len(encoded[0]) if encoded else 0
    if width and all(len(b) == width for b in encoded):  # fixed width: gather bytes; offsets are a range
        table = np.frombuffer(b"".join(encoded), dtype=_WORDS.get(width, np.uint8))
        data = table[codes] if width in _WORDS else table.reshape(len(encoded), width)[codes]
        array = pa.Array.from_buffers(pa.large_string(), len(codes),
                                      [None, pa.py_buffer(_offsets(len(codes), width)), pa.py_buffer(data)])
    else:
        array = pc.take(pa.array(list(texts), type=pa.large_string()), pa.array(codes.astype(np.int32)))
    return pd.array(array, dtype=STR_DTYPE)


def scored_frame(rated: Rated, model: LeadModel, index: pd.Index) -> pd.DataFrame:
    """One row per lead, indexed by ``lead_id``: scores, grades, rating, action, SLA."""
    rating = rated.rating
    routes = [model.routing.route_for(r) for r in RATINGS]
    sla = np.array([np.nan if route.sla_hours is None else float(route.sla_hours) for route in routes])
    columns = {
        "profile_score": rated.profile_score.copy(),  # the rated arrays are cached, read-only
        "profile_grade": _text_array(LETTERS, rated.letter),
        "engagement_score": rated.engagement_score.copy(),
        "engagement_grade": _text_array(NUMBERS, rated.number),
        "rating": _text_array(RATINGS, rating),
        "action": _text_array([route.action for route in routes], rating),
        "sla_hours": sla[rating],
    }
    return pd.DataFrame(columns, index=index, copy=False)
