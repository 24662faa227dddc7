"""Point-in-time honesty: what would make the history flatter a model.

A model must not read an outcome (it would know the answer), a period with few sales
decisions cannot judge anything, and activities dated after a lead's hand-over are
ignored by scoring (they could not have been known then); how many were is said.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.data import read as d
from scoring.engine.scorer import Scorer
from scoring.errors import DataError
from scoring.measures.metrics import MIN_DECISIONS, Outcomes, history_of
from scoring.model.schema import LeadModel

OUTCOMES = Outcomes()


def outcome_fields(model: LeadModel, scorer: Scorer, outcomes: Outcomes = OUTCOMES) -> list[str]:
    """One sentence per model field that is (or is read from) an outcome column."""
    names = {outcomes.accepted, outcomes.converted, outcomes.won_amount}
    columns = scorer.mapping["leads"]
    readers: dict[str, list[str]] = {}
    for category in model.profile.categories:
        readers.setdefault(category.field, []).append(category.label or category.id)
    for entry in model.field_entries:
        readers.setdefault(entry.field, []).append(entry.label or entry.id)
    found = []
    for field, used_by in readers.items():
        column = columns.get(field, field)
        if field in names or column in names:
            shown = field if column == field else f"{field} (column {column})"
            found.append(f"{', '.join(used_by)} reads {shown}, an outcome: the model would know the answer, so "
                         "every figure on this page flatters it")
    return found


def quarterly_decisions(scorer: Scorer, outcomes: Outcomes = OUTCOMES) -> pd.DataFrame:
    """Leads and sales decisions per calendar quarter of ``created_at`` (else ``scored_at``);
    empty when the leads have neither date."""
    leads = scorer.leads
    for column in (outcomes.created_at, d.SCORED_AT):
        if column not in leads.columns:
            continue
        try:
            stamps = d.to_utc_ns(leads[column].reset_index(drop=True), column, leads)
        except DataError:
            continue
        dated = stamps != d.NAT
        if not dated.any():
            continue
        history = history_of(scorer, outcomes)
        decided = history.accepted.known if history.accepted is not None else np.zeros(len(stamps), dtype=bool)
        quarters = pd.DatetimeIndex(stamps[dated].astype("datetime64[ns]")).to_period("Q").astype(str)
        frame = pd.DataFrame({"quarter": quarters, "leads": 1, "decided": decided[dated].astype(int)})
        return frame.groupby("quarter", sort=True).sum().reset_index()
    return pd.DataFrame(columns=["quarter", "leads", "decided"])


def honesty_warnings(model: LeadModel, scorer: Scorer, outcomes: Outcomes = OUTCOMES) -> list[str]:
    """Every reason to distrust this history as a judge of ``model``, one sentence each."""
    warnings = outcome_fields(model, scorer, outcomes)
    quarters = quarterly_decisions(scorer, outcomes)
    few = quarters[quarters["decided"] < MIN_DECISIONS]
    for row in few.itertuples():
        warnings.append(f"{row.quarter} has {row.decided:,} sales decisions among {row.leads:,} leads, too few to "
                        f"judge that quarter on its own (at least {MIN_DECISIONS})")
    after = scorer.activity_counts.after_scoring
    if after:
        if after == 1:
            warnings.append("1 activity dated after its lead's hand-over (scored_at) was ignored: it could not "
                            "have been known when the lead was rated")
        else:
            warnings.append(f"{after:,} activities dated after their lead's hand-over (scored_at) were ignored: "
                            "they could not have been known when the lead was rated")
    return warnings
