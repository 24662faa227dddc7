"""Slicing the preview by a lead column (a segment): source, region, product line.

``segment_labels`` turns any column into at most ``top`` values plus "(other)" and
"(missing)", so a column with thousands of values (an id, a free-text field) still
makes a readable table and the rest is counted, not dropped. ``segment_breakdown`` gives
per value: leads, leads to sales per month, and acceptance and conversion of its to-sales
leads with 95 % Wilson intervals, flagging the values where the model does clearly worse
than on the whole data: the interval of the segment's to-sales rate lies wholly below
the to-sales rate of all leads. ``segment_preview`` is the whole matrix preview for the
leads of one value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import require_columns
from .errors import DataError
from .metrics import (
    CellTotals,
    Flags,
    History,
    Preview,
    _matrix,
    _sales_of_cells,
    headline,
    rating_codes,
    wilson_interval,
)
from .missing import MISSING_TEXT
from .model import RATINGS, SALES_ACTION, LeadModel
from .values import TRIM_CHARS

TOP_VALUES = 12
OTHER = "(other)"


@dataclass(frozen=True)
class Segments:
    """Each lead's segment label, and what was folded into "(other)"."""

    column: str
    labels: np.ndarray  # per lead: a shown value, OTHER or MISSING_TEXT
    values: list[str]  # shown values, most leads first (OTHER and MISSING_TEXT last, when present)
    distinct: int  # distinct values in the column (case and spaces ignored)
    other_values: int  # distinct values folded into OTHER
    other_leads: int

    def mask(self, value: str) -> np.ndarray:
        """The leads of one segment value; an unknown value is refused naming the known ones."""
        if value not in self.values:
            shown = ", ".join(self.values[:8]) + (", ..." if len(self.values) > 8 else "")
            raise DataError(f"segment {self.column}: no value {value!r}; the values are: {shown}",
                            column=self.column)
        return self.labels == value

    def note(self) -> str | None:
        """One sentence when values were folded into "(other)"."""
        if not self.other_values:
            return None
        shown = len([value for value in self.values if value not in (OTHER, MISSING_TEXT)])
        return (f"{self.column} has {self.distinct:,} values: the {shown} most common are shown, "
                f"{self.other_values:,} more ({self.other_leads:,} leads) as {OTHER}")


def segment_labels(leads: pd.DataFrame, column: str, top: int = TOP_VALUES) -> Segments:
    """The ``top`` most common values of ``column`` (trimmed; case ignored, most common
    spelling shown), the rest as "(other)", blanks as "(missing)"."""
    require_columns(leads, [column], "segment")
    raw = leads[column].reset_index(drop=True)
    text = raw.astype(object).where(raw.notna(), None).map(lambda v: str(v).strip(TRIM_CHARS), na_action="ignore")
    text = text.fillna("")
    codes, uniques = pd.factorize(text.to_numpy(dtype=object))
    keys = np.array([value.lower() for value in uniques], dtype=object)[codes] if len(uniques) else np.array([], object)
    present = text.to_numpy(dtype=object) != ""
    frame = pd.DataFrame({"key": keys[present], "text": text.to_numpy(dtype=object)[present]})
    counts = frame["key"].value_counts()
    spelling = frame.groupby(["key", "text"]).size().sort_values(ascending=False).reset_index()
    spelling = dict(zip(spelling.drop_duplicates("key")["key"], spelling.drop_duplicates("key")["text"], strict=True))
    shown = list(counts.index[:top])
    labels = np.full(len(text), MISSING_TEXT, dtype=object)
    in_top = present.copy()
    in_top[present] = np.isin(keys[present], shown)
    label_of = {key: spelling[key] for key in shown}
    labels[in_top] = pd.Series(keys[in_top]).map(label_of).to_numpy(dtype=object)
    folded = present & ~in_top
    labels[folded] = OTHER
    values = [label_of[key] for key in shown] + ([OTHER] if folded.any() else [])
    values += [MISSING_TEXT] if (~present).any() else []
    return Segments(column, labels, values, len(counts), int(max(len(counts) - top, 0)), int(folded.sum()))


def segment_breakdown(result: Preview, history: History, segments: Segments) -> pd.DataFrame:
    """Per segment value: leads, to-sales leads per month, acceptance and conversion of
    its to-sales leads with intervals, and ``worse``: the headline rate's interval lies
    wholly below the to-sales rate of all leads (acceptance where the data records sales
    decisions, else conversion)."""
    to_sales = (result.scored["action"] == SALES_ACTION).to_numpy()
    months = history.months
    head = headline(result)
    overall = result.sales.acceptance_rate if head.outcome == "acceptance" else result.sales.conversion_rate
    rows = []
    for value in segments.values:
        mask = segments.labels == value
        sales = mask & to_sales
        row: dict[str, object] = {"segment": value, "leads": int(mask.sum()), "to_sales": int(sales.sum())}
        row["to_sales_per_month"] = int(sales.sum()) / months if months else math.nan
        for name, flags in (("acceptance", history.accepted), ("conversion", history.converted)):
            known = flags.known & sales if flags is not None else np.zeros(len(mask), dtype=bool)
            hits = float(np.nansum(flags.values[known])) if flags is not None else 0.0
            trials = int(known.sum())
            low, high = wilson_interval(hits, trials)
            row.update({f"{name}_known": trials, f"{name}_rate": hits / trials if trials else math.nan,
                        f"{name}_low": low, f"{name}_high": high})
        high = row[f"{head.outcome}_high"]
        row["worse"] = bool(not math.isnan(overall) and not math.isnan(high) and high < overall)
        rows.append(row)
    return pd.DataFrame(rows)


def segment_preview(model: LeadModel, result: Preview, history: History, within: np.ndarray) -> Preview:
    """The matrix and to-sales figures of ``result`` for the leads ``within`` only; leads
    per month still over the whole data's months (the same period)."""
    within = np.asarray(within, dtype=bool)
    codes = rating_codes(result.scored["rating"])[within]
    subset = History(_flags_subset(history.accepted, within), _flags_subset(history.converted, within),
                     None if history.amounts is None else history.amounts[within], history.months)
    totals = CellTotals.count(codes, subset)
    matrix = _matrix(totals)
    matrix["action"] = result.matrix["action"]
    matrix["sla_hours"] = result.matrix["sla_hours"]
    to_sales = np.array([model.routing.route_for(r).action == SALES_ACTION for r in RATINGS])
    return Preview(result.scored[within], matrix, _sales_of_cells(totals, to_sales, subset))


def _flags_subset(flags: Flags | None, within: np.ndarray) -> Flags | None:
    return None if flags is None else Flags(flags.values[within], flags.unrecognised)
