"""The A1–D4 grid as the pages draw it: which outcomes a data set records, the rates a
cell can be coloured by, the cells with too few outcomes to trust, and the compact grid
beside the controls (one row per cell).

Each reads a matrix from ``scoring.measures.metrics.matrix_metrics``.
"""

from __future__ import annotations

import math

import pandas as pd

from scoring.model.schema import RATINGS, SALES_ACTION

# what each outcome's rate is called in a matrix, and what its count of known leads is called
OUTCOME_COLUMNS = {"acceptance": ("acceptance_rate", "decided"), "conversion": ("conversion_rate", "conversion_known")}


def outcome_of(matrix: pd.DataFrame) -> str | None:
    """``acceptance`` when any lead has a sales decision, else ``conversion`` when any lead has
    a known conversion, else None (the rule of ``metrics.headline``, without a default)."""
    if int(matrix["decided"].sum()) > 0:
        return "acceptance"
    if int(matrix["conversion_known"].sum()) > 0:
        return "conversion"
    return None


def recorded_outcomes(frame: pd.DataFrame) -> list[str]:
    """The outcomes an evidence frame (or a matrix) has known leads for: acceptance, conversion."""
    return [name for name in ("acceptance", "conversion") if int(frame[OUTCOME_COLUMNS[name][1]].sum()) > 0]


def rate_choices(matrix: pd.DataFrame) -> list[str]:
    """The matrix columns a cell can be coloured by: each rate the data records, and the share of leads."""
    choices = [OUTCOME_COLUMNS[name][0] for name in ("acceptance", "conversion")
               if int(matrix[OUTCOME_COLUMNS[name][1]].sum()) > 0]
    return [*choices, "share"]


def few_outcomes(matrix: pd.DataFrame, outcome: str | None) -> pd.Series:
    """Per cell: it has leads but too few known or positive ``outcome`` s to trust its rate
    (``metrics.too_few``: the matrix's too_few_decisions / too_few_conversions). All False when
    the data records no outcome at all: nothing to trust."""
    if outcome is None:
        return pd.Series(False, index=matrix.index)
    few = matrix["too_few_decisions" if outcome == "acceptance" else "too_few_conversions"].astype(bool)
    return (matrix["leads"] > 0) & few


def compact_grid(matrix: pd.DataFrame, outcome: str | None) -> pd.DataFrame:
    """Per cell A1..D4 (rows in that order): ``letter``, ``number``, ``leads``, ``share`` of
    all leads, ``rate`` of ``outcome`` (NaN without one or without known leads), ``known``
    (leads with a known outcome), ``few`` (too few to trust) and ``to_sales``."""
    total = int(matrix["leads"].sum())
    rate_column, known_column = OUTCOME_COLUMNS.get(outcome or "", (None, None))
    rows = []
    few = few_outcomes(matrix, outcome)
    for rating in RATINGS:
        row = matrix.loc[rating]
        rows.append({
            "rating": rating, "letter": rating[0], "number": rating[1], "leads": int(row["leads"]),
            "share": int(row["leads"]) / total if total else math.nan,
            "rate": float(row[rate_column]) if rate_column else math.nan,
            "known": int(row[known_column]) if known_column else 0,
            "few": bool(few[rating]),
            "to_sales": row.get("action") == SALES_ACTION,
        })
    return pd.DataFrame(rows).set_index("rating")
