"""Some of a Scorer's leads, scored as the Scorer scores them.

A lead's score depends only on its own row, its own activities and its own hand-over moment,
so a part of the leads (a period of the history, for drift) needs no Scorer of its own: its
results are the Scorer's, taken at its rows. ``LeadSubset`` offers what the preview reads of
a Scorer (``rate``, ``index``, ``leads``, ``memo``, the hand-over moments) for those rows,
and prepares nothing: at a million leads and ten million activities a period costs a slice,
not a second preparation of its share of the log.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import pandas as pd

from scoring.engine.caches import Memo
from scoring.engine.ratings import Rated
from scoring.engine.scorer import Scorer
from scoring.model.schema import LeadModel

T = TypeVar("T")


class LeadSubset:
    """The leads of ``scorer`` at ``rows`` (positions in ``scorer.leads``, in that order)."""

    def __init__(self, scorer: Scorer, rows: np.ndarray):
        self.scorer = scorer
        self.rows = np.asarray(rows, dtype=np.intp)
        self.leads = scorer.leads.iloc[self.rows].reset_index(drop=True)
        self.index = scorer.index[self.rows]
        self.hand_over = scorer.hand_over
        self.scored_ns = scorer.scored_ns[self.rows]
        self.activities = scorer.activities
        self._memo = Memo()

    def __len__(self) -> int:
        return len(self.rows)

    def rate(self, model: LeadModel) -> Rated:
        """The Scorer's scores and grade codes of these leads."""
        rated = self.scorer.rate(model)
        return Rated(rated.profile_score[self.rows], rated.engagement_score[self.rows],
                     rated.letter[self.rows], rated.number[self.rows])

    def score(self, model: LeadModel) -> pd.DataFrame:
        return self.scorer.score(model).iloc[self.rows]

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A result about these leads that does not depend on the model, computed once."""
        return self._memo.get(key, compute)
