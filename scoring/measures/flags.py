"""An outcome column (accepted, converted) read as yes/no: 1.0, 0.0, or NaN where unknown,
with the count of values that are neither (reported, never guessed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.engine.values import TRIM_CHARS
from scoring.measures.volume import LAST_QUARTER, PerMonth

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0", "accepted", "won", "converted"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0", "rejected", "lost"})


@dataclass(frozen=True)
class Flags:
    """An outcome column read as yes/no: 1.0, 0.0, or NaN where unknown."""

    values: np.ndarray
    unrecognised: int  # non-empty values that are neither yes nor no words

    @property
    def known(self) -> np.ndarray:
        return ~np.isnan(self.values)


def read_flags(series: pd.Series) -> Flags:
    """Read true/false, yes/no, 1/0 (any case, trimmed); anything else is unknown."""
    if pd.api.types.is_bool_dtype(series):
        return Flags(series.to_numpy(dtype=float, na_value=np.nan), 0)
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        values = np.where(np.isin(numbers, [0.0, 1.0]), numbers, np.nan)
        return Flags(values, int((~np.isnan(numbers) & np.isnan(values)).sum()))
    text = series.astype(object).where(series.notna(), None).map(
        lambda v: str(v).strip(TRIM_CHARS).lower(), na_action="ignore"
    )
    values = np.where(text.isin(TRUE_WORDS), 1.0, np.where(text.isin(FALSE_WORDS), 0.0, np.nan))
    unrecognised = int((text.notna() & (text != "") & np.isnan(values)).sum())
    return Flags(values, unrecognised)


@dataclass(frozen=True)
class Outcomes:
    """Names of the outcome and date columns of the leads table, and the window the
    per-month figures are counted over (``scoring.measures.volume``: the last complete quarter)."""

    accepted: str = "accepted"
    converted: str = "converted"
    won_amount: str = "won_amount"
    created_at: str = "created_at"
    per_month: PerMonth = LAST_QUARTER
