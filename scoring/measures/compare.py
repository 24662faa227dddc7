"""Two models on the same history, side by side: what moves, and what it does to sales.

``compare_models(a, b, scorer)`` scores the same leads with model A (the one in
production, or as loaded) and model B (the draft) and gives both matrices, the
difference per cell, the movement matrix of ratings (``movement.loc["A2", "B3"]``
leads were A2 under A and are B3 under B; every lead is counted exactly once), the
to-sales figures of both with their change, and the ``describe_changes`` lines that
explain it. Both models must read the same columns: a comparison of models that map
columns differently would compare different data, so it is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scoring.data.missing import is_missing
from scoring.engine.scorer import Scorer
from scoring.errors import ModelError, Problem
from scoring.formatting import NO_VALUE, format_rate
from scoring.measures.metrics import Outcomes, Preview, preview
from scoring.model.diff import describe_changes
from scoring.model.schema import RATINGS, SALES_ACTION, LeadModel

CELL_FIGURES = {  # matrix column -> name in the differences table
    "leads": "leads",
    "acceptance_rate": "acceptance",
    "conversion_rate": "conversion",
    "won_amount": "won_amount",
}
SUMMARY_LABELS = {
    "to_sales_leads": "Leads to sales",
    "to_sales_per_month": "Leads to sales per month",
    "to_sales_acceptance": "Accepted by sales (to-sales set)",
    "conversions_caught_share": "Share of past conversions caught",
    "won_amount_caught_share": "Share of won amount caught",
}


def check_same_mapping(a: LeadModel, b: LeadModel,
                       overrides: dict[str, dict[str, str]] | None = None) -> None:
    """Refuse, in one sentence, two models whose ``columns`` sections map fields differently."""
    mapping_a, mapping_b = a.column_mapping(overrides), b.column_mapping(overrides)
    if mapping_a == mapping_b:
        return
    differences = []
    for table in ("leads", "activities"):
        pairs_a, pairs_b = mapping_a.get(table, {}), mapping_b.get(table, {})
        for name in sorted(set(pairs_a) | set(pairs_b)):
            if pairs_a.get(name) != pairs_b.get(name):
                differences.append(f"{table}.{name}: A reads {_column_text(pairs_a.get(name), name)}, "
                                   f"B reads {_column_text(pairs_b.get(name), name)}")
    raise ModelError([Problem("columns", "the two models map columns differently, so they would not score the "
                                         "same data (" + "; ".join(differences) + "); give both the same "
                                         "columns: section")])


def _column_text(column: str | None, name: str) -> str:
    return repr(column) if column is not None else f"{name!r} (unmapped)"


def movement_matrix(codes_a: np.ndarray, codes_b: np.ndarray) -> pd.DataFrame:
    """Leads per (rating under A, rating under B): rows ``from`` A1..D4, columns ``to`` A1..D4.
    Codes are indexes into RATINGS (0..15), one per lead, in the same order for both."""
    codes_a, codes_b = np.asarray(codes_a, dtype=np.int64), np.asarray(codes_b, dtype=np.int64)
    if codes_a.shape != codes_b.shape:
        raise ValueError("both models must rate the same leads")
    cells = len(RATINGS)
    if len(codes_a) and (min(codes_a.min(), codes_b.min()) < 0 or max(codes_a.max(), codes_b.max()) >= cells):
        raise ValueError("a rating outside A1..D4")
    counts = np.bincount(codes_a * cells + codes_b, minlength=cells * cells).reshape(cells, cells)
    return pd.DataFrame(counts.astype(np.int64), index=pd.Index(RATINGS, name="from"),
                        columns=pd.Index(RATINGS, name="to"))


def won_amount_caught_share(matrix: pd.DataFrame) -> float:
    """The won amount of the leads in cells routed to sales, as a share of all won amount."""
    amounts = matrix["won_amount"].to_numpy(dtype=float)
    total = float(np.nansum(amounts))
    if np.isnan(amounts).all() or total == 0:
        return math.nan
    return float(np.nansum(amounts[(matrix["action"] == SALES_ACTION).to_numpy()])) / total


def summary_figures(result: Preview) -> dict[str, float]:
    """The to-sales figures a comparison puts side by side."""
    sales = result.sales
    return {
        "to_sales_leads": float(sales.leads),
        "to_sales_per_month": math.nan if sales.leads_per_month is None else float(sales.leads_per_month),
        "to_sales_acceptance": sales.acceptance_rate,
        "conversions_caught_share": sales.conversions_caught_share,
        "won_amount_caught_share": won_amount_caught_share(result.matrix),
    }


def format_figure(name: str, value: float) -> str:
    """A summary figure as people read it: a count, leads per month, or a percentage."""
    if is_missing(value):
        return NO_VALUE
    if name == "to_sales_leads":
        return f"{value:,.0f}"
    if name == "to_sales_per_month":
        return f"{value:,.1f}"
    return format_rate(value, 1)


def format_change(name: str, value: float) -> str:
    """The change of a summary figure: signed, rates in percentage points."""
    if is_missing(value):
        return NO_VALUE
    if name == "to_sales_leads":
        return f"{value:+,.0f}"
    if name == "to_sales_per_month":
        return f"{value:+,.1f}"
    return f"{value * 100:+.1f} pts"


def cell_differences(matrix_a: pd.DataFrame, matrix_b: pd.DataFrame) -> pd.DataFrame:
    """Per rating: leads, acceptance, conversion and won amount under A and B, and B minus A
    (rates in fractions: 0.05 is five percentage points); each cell's action under both."""
    table = pd.DataFrame(index=pd.Index(RATINGS, name="rating"))
    for column, name in CELL_FIGURES.items():
        before = matrix_a.loc[list(RATINGS), column].astype(float)
        after = matrix_b.loc[list(RATINGS), column].astype(float)
        table[f"{name}_a"] = before.to_numpy()
        table[f"{name}_b"] = after.to_numpy()
        table[f"{name}_change"] = (after - before).to_numpy()
    for column in ("leads_a", "leads_b", "leads_change"):
        table[column] = table[column].astype(np.int64)
    if "action" in matrix_a.columns and "action" in matrix_b.columns:
        table["action_a"] = matrix_a.loc[list(RATINGS), "action"].to_numpy()
        table["action_b"] = matrix_b.loc[list(RATINGS), "action"].to_numpy()
    return table


@dataclass(frozen=True)
class Comparison:
    """Model A and model B on the same leads."""

    model_a: LeadModel
    model_b: LeadModel
    a: Preview
    b: Preview
    movement: pd.DataFrame
    changes: list[str] = field(default_factory=list)

    @property
    def cells(self) -> pd.DataFrame:
        return cell_differences(self.a.matrix, self.b.matrix)

    @property
    def summary(self) -> pd.DataFrame:
        """One row per to-sales figure: A, B and the change (B minus A)."""
        figures_a, figures_b = summary_figures(self.a), summary_figures(self.b)
        labels = {**SUMMARY_LABELS,  # the window per-month figures are counted over, in words
                  "to_sales_per_month": f"{SUMMARY_LABELS['to_sales_per_month']}, {self.a.sales.per_month_label}"}
        rows = [{"figure": name, "label": label, "a": figures_a[name], "b": figures_b[name],
                 "change": figures_b[name] - figures_a[name]} for name, label in labels.items()]
        return pd.DataFrame(rows).set_index("figure")

    @property
    def moves(self) -> dict[str, int]:
        """How many leads keep their rating, change it, enter or leave the to-sales set."""
        counts = self.movement.to_numpy()
        sales_a = (self.a.matrix.loc[list(RATINGS), "action"] == SALES_ACTION).to_numpy()
        sales_b = (self.b.matrix.loc[list(RATINGS), "action"] == SALES_ACTION).to_numpy()
        return {
            "leads": int(counts.sum()),
            "same_rating": int(np.trace(counts)),
            "changed_rating": int(counts.sum() - np.trace(counts)),
            "into_sales": int(counts[np.ix_(~sales_a, sales_b)].sum()),
            "out_of_sales": int(counts[np.ix_(sales_a, ~sales_b)].sum()),
            "stay_in_sales": int(counts[np.ix_(sales_a, sales_b)].sum()),
        }

    def largest_moves(self, limit: int = 5) -> list[tuple[str, str, int]]:
        """The biggest flows off the diagonal, largest first: (from, to, leads)."""
        counts = self.movement.to_numpy().copy()
        np.fill_diagonal(counts, 0)
        order = np.argsort(-counts, axis=None, kind="stable")[:limit]
        return [(RATINGS[i // len(RATINGS)], RATINGS[i % len(RATINGS)], int(counts.flat[i]))
                for i in order if counts.flat[i] > 0]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: movement[from][to], both models' cells and to-sales figures,
        the per-cell differences, the summary deltas and the changes in words."""
        def side(model: LeadModel, result: Preview) -> dict[str, Any]:
            return {"model": model.name, "version": model.version,
                    "cells": result.matrix.to_dict(orient="index"), "to_sales": result.sales.as_dict()}

        summary = self.summary
        return {
            "movement": {row: {column: int(self.movement.loc[row, column]) for column in RATINGS}
                         for row in RATINGS},
            "moves": self.moves,
            "summary": {name: {"label": row["label"], "a": row["a"], "b": row["b"], "change": row["change"]}
                        for name, row in summary.iterrows()},
            "cells": self.cells.to_dict(orient="index"),
            "a": side(self.model_a, self.a),
            "b": side(self.model_b, self.b),
            "changes": list(self.changes),
        }


def compare_models(a: LeadModel, b: LeadModel, scorer: Scorer, outcomes: Outcomes | None = None,
                   overrides: dict[str, dict[str, str]] | None = None, *,
                   preview_b: Preview | None = None) -> Comparison:
    """Score ``scorer``'s leads with both models and put the results side by side.
    ``overrides`` is the column mapping given on top of the models' own (the CLI's --map).
    ``preview_b`` is B's preview on the same scorer and outcomes when already computed (the
    app's current preview): it is not built twice."""
    check_same_mapping(a, b, overrides)
    outcomes = outcomes or Outcomes()
    result_a = preview(a, scorer, outcomes)
    result_b = preview(b, scorer, outcomes) if preview_b is None else preview_b
    # the leads' rating codes as the Scorer keeps them (its cached parts), not read back from text
    movement = movement_matrix(scorer.rate(a).rating, scorer.rate(b).rating)
    return Comparison(a, b, result_a, result_b, movement, describe_changes(a, b))
