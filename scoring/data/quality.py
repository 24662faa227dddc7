"""A data-quality summary of the leads and activities a model is previewed on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import numpy as np
import pandas as pd

from scoring.data import read as d
from scoring.engine.scorer import ActivityCounts, Scorer
from scoring.engine.values import ValueColumn, canonical_item
from scoring.measures.metrics import Outcomes
from scoring.measures.pipeline import LEAD_SOURCE, Pipeline
from scoring.measures.segments import segment_labels_of
from scoring.model.schema import Category, LeadModel


@dataclass(frozen=True)
class ColumnQuality:
    field: str
    used_by: str  # the categories and entries that read it
    missing_share: float  # null, NaN or blank
    distinct: int


@dataclass(frozen=True)
class DataQuality:
    leads: int
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None
    date_column: str | None
    columns: list[ColumnQuality]
    absent_columns: list[str]  # fields the model reads that the leads table lacks
    activities: ActivityCounts
    unmatched_activity_types: list[str]  # model activities that never occur in the data
    unused_activity_types: list[str]  # activity types in the data the model ignores
    # column -> values that read as an infinite number ("inf", "1e400"): a rule's gte/lt
    # compares them as such, a won amount sum becomes infinite, and JSON writes them as null
    non_finite: dict[str, int] = dataclass_field(default_factory=dict)
    # the pipeline columns (scoring.measures.pipeline) and segments: what could not be used as written
    after_handover: list[str] = dataclass_field(default_factory=list)

    def columns_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.__dict__ for c in self.columns])


def _readers(model: LeadModel) -> dict[str, list[str]]:
    readers: dict[str, list[str]] = {}
    for category in model.profile.categories:
        readers.setdefault(category.field, []).append(category.label or category.id)
    for entry in model.field_entries:
        if entry.field:
            readers.setdefault(entry.field, []).append(entry.label or entry.id)
    return readers


def non_finite_counts(leads: pd.DataFrame, columns: Iterable[str]) -> dict[str, int]:
    """For each of ``columns`` the leads table has: how many values are an infinite number
    (numeric inf, or text such as ``inf`` or ``1e400``); columns without any are left out."""
    counts = {}
    for column in dict.fromkeys(columns):
        if column in leads.columns:
            found = int(np.isinf(ValueColumn(leads[column]).number).sum())
            if found:
                counts[column] = found
    return counts


def data_quality(scorer: Scorer, model: LeadModel, outcomes: Outcomes | None = None,
                 segment: str | None = None) -> DataQuality:
    """Rows, date span, missing share per column the model reads, what happened to activities,
    and what in the after-hand-over columns and the ``segment`` column could not be used."""
    first, last, date_column = d.date_span(scorer.leads, ("created_at", d.SCORED_AT)) or (None, None, None)
    columns, absent = [], []
    for field, readers in _readers(model).items():
        if field not in scorer.leads.columns:
            absent.append(field)
            continue
        view = scorer.column(field)
        share = float(view.missing.mean()) if len(view) else 0.0
        distinct = int(pd.Series(view.key[~view.missing]).nunique())
        columns.append(ColumnQuality(field, ", ".join(readers), share, distinct))
    present = scorer.activity_type_counts()
    wanted = {canonical_item(e.activity): e.activity for e in model.activity_entries if e.activity}
    return DataQuality(
        leads=len(scorer), first_date=first, last_date=last, date_column=date_column,
        columns=columns, absent_columns=absent, activities=scorer.activity_counts,
        unmatched_activity_types=[name for key, name in wanted.items() if key not in present],
        unused_activity_types=sorted(present.keys() - wanted.keys()),
        non_finite=non_finite_counts(scorer.leads, [*_readers(model), (outcomes or Outcomes()).won_amount]),
        after_handover=_after_handover_issues(scorer, outcomes or Outcomes(), segment),
    )


def _after_handover_issues(scorer: Scorer, outcomes: Outcomes, segment: str | None) -> list[str]:
    lines = Pipeline.of(scorer, outcomes).issues.lines()
    for column in dict.fromkeys([LEAD_SOURCE, *([segment] if segment else [])]):
        if column in scorer.leads.columns:
            note = segment_labels_of(scorer, column).note()  # kept: the segment pickers reuse it
            lines += [note] if note else []
    return lines



def value_coverage(scorer: Scorer, model: LeadModel, category_id: str, limit: int = 25) -> pd.DataFrame:
    """The most common values of a category's column, how many leads have each, and the rule
    each one meets ("default" when none): what a workshop checks before trusting a rule."""
    category = model.category(category_id)
    key = ("value_coverage", category.model_dump_json(exclude={"id", "label", "weight"}), limit)
    return scorer.memo(key, lambda: _coverage(scorer, category, limit)).copy()


def _coverage(scorer: Scorer, category: Category, limit: int) -> pd.DataFrame:
    outcome = scorer.evaluate_category(category)
    view = scorer.column(category.field)
    key = pd.Series(np.where(view.missing, "", view.key), dtype=object)
    shown = pd.Series(np.where(view.missing, "(missing)", view.text), dtype=object)
    frame = pd.DataFrame({"key": key, "value": shown, "rule": outcome.rule_index, "points": outcome.value})
    grouped = frame.groupby("key", sort=False).agg(leads=("rule", "size"), rule=("rule", "first"),
                                                    share=("points", "first"))
    spellings = frame.groupby(["key", "value"], sort=False).size().sort_values(ascending=False)
    most_common = spellings.reset_index().drop_duplicates("key").set_index("key")["value"]
    grouped["value"] = most_common.reindex(grouped.index)
    grouped = grouped.sort_values("leads", ascending=False).head(limit).reset_index()
    grouped["rule"] = [("default" if index < 0 else f"rule {index + 1}") for index in grouped["rule"]]
    return grouped[["value", "leads", "rule", "share"]]
