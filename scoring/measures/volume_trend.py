"""The trend beside a per-month figure: leads and to-sales leads per calendar month over
the whole history, for the leads of a preview (a segment's too), each lead dated by its
hand-over (``scoring.measures.volume``)."""

from __future__ import annotations

import pandas as pd

from scoring.engine.scorer import Scorer
from scoring.measures.metrics import Outcomes, Preview, history_of
from scoring.measures.volume import monthly_volume
from scoring.model.schema import SALES_ACTION

OUTCOMES = Outcomes()  # the default outcome names and per-month window


def monthly_trend(scorer: Scorer, result: Preview, outcomes: Outcomes = OUTCOMES) -> pd.DataFrame:
    """Per calendar month from the first dated lead to the last: ``month`` ("2025-07"),
    ``leads``, ``to_sales`` and ``in_window`` (inside the per-month window of ``outcomes``),
    counting the leads of ``result``; their dates are met by lead id."""
    history = history_of(scorer, outcomes)
    dates = pd.Series(history.dates, index=scorer.index).reindex(result.scored.index).to_numpy()
    to_sales = (result.scored["action"] == SALES_ACTION).to_numpy()
    return monthly_volume(dates, to_sales, history.window)
