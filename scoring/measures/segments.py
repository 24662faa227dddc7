"""Slicing the preview by a lead column (a segment): source, region, product line.

``segment_labels`` turns any column into at most ``top`` values plus "(other)" and
"(missing)", so a column with thousands of values (an id, a free-text field) still
makes a readable table and the rest is counted, not dropped. ``segment_breakdown`` gives
per value: leads, leads to sales per month, and acceptance and conversion of its to-sales
leads with 95 % Wilson intervals; its base rate and how well the model separates inside it:
the lift of its to-sales rate over the rate of its other leads, with a 95 % interval. A
value is flagged where the model separates clearly worse than on the whole data (the lift's
interval lies wholly below the lift of all leads): a segment with a low base rate where the
model ranks well is not flagged, one where to-sales does about as well as the rest is.
``segment_preview`` is the whole matrix preview for the leads of one value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from scoring.data.missing import MISSING_TEXT
from scoring.data.read import require_columns
from scoring.engine.scorer import Scorer
from scoring.engine.values import TRIM_CHARS
from scoring.errors import DataError
from scoring.measures.metrics import (
    CellTotals,
    Flags,
    History,
    Preview,
    _matrix,
    _sales_of_cells,
    headline,
    rating_codes,
)
from scoring.measures.stats import lift_interval, log_lift, wilson_interval
from scoring.measures.volume import months_present
from scoring.model.schema import RATINGS, SALES_ACTION, LeadModel

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


def segment_labels_of(scorer: Scorer, column: str, top: int = TOP_VALUES) -> Segments:
    """``segment_labels`` of the scorer's leads, kept per data set, column and ``top``: the
    pages' segment pickers ask for it on every run, and it reads every lead (a second and
    more at a million)."""
    return scorer.memo(("segment_labels", column, top), lambda: segment_labels(scorer.leads, column, top))


def separation(flags: Flags | None, to_sales: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """For the leads ``mask``: the base rate of the outcome ``flags`` (among all of them with a
    known outcome), the rate of those not to sales (the rest), and the lift of to-sales over
    the rest with its interval."""
    if flags is None:
        nan = math.nan
        return {"base_rate": nan, "rest_rate": nan, "lift": nan, "lift_low": nan, "lift_high": nan, "lift_target": nan}
    known = flags.known & mask
    sales, rest = known & to_sales, known & ~to_sales
    hits = [float(np.nansum(flags.values[group])) for group in (known, sales, rest)]
    trials = [int(group.sum()) for group in (known, sales, rest)]
    lift, low, high = lift_interval(hits[1], trials[1], hits[2], trials[2])
    figures = {"base_rate": hits[0] / trials[0] if trials[0] else math.nan,
               "rest_rate": hits[2] / trials[2] if trials[2] else math.nan,
               "lift": lift, "lift_low": low, "lift_high": high}
    # what a segment's lift is held against: the lift itself, or where the rest has no hit
    # (an infinite lift) the lift with 0.5 added to every count
    figures["lift_target"] = math.exp(log_lift(hits[1], trials[1], hits[2], trials[2])[0]) if math.isinf(lift) else lift
    return figures


def segment_breakdown(result: Preview, history: History, segments: Segments) -> pd.DataFrame:
    """Per segment value: leads, to-sales leads per month, acceptance and conversion of its
    to-sales leads with intervals; then, for the headline outcome (acceptance where the
    data records sales decisions, else conversion), the segment's base rate, the rate of its
    leads not sent to sales, the lift of to-sales over them with an interval (``separation``),
    and ``worse``: that interval lies wholly below the lift on all leads."""
    to_sales = (result.scored["action"] == SALES_ACTION).to_numpy()
    head = headline(result)
    outcome_flags = history.accepted if head.outcome == "acceptance" else history.converted
    overall = separation(outcome_flags, to_sales, np.ones(len(to_sales), dtype=bool))["lift_target"]
    rows = []
    for value in segments.values:
        mask = segments.labels == value
        sales = mask & to_sales
        row: dict[str, object] = {"segment": value, "leads": int(mask.sum()), "to_sales": int(sales.sum())}
        months = months_present(history.window, history.dates, mask & history.in_window)
        row["to_sales_per_month"] = int((sales & history.in_window).sum()) / months if months else math.nan
        for name, flags in (("acceptance", history.accepted), ("conversion", history.converted)):
            known = flags.known & sales if flags is not None else np.zeros(len(mask), dtype=bool)
            hits = float(np.nansum(flags.values[known])) if flags is not None else 0.0
            trials = int(known.sum())
            low, high = wilson_interval(hits, trials)
            row.update({f"{name}_known": trials, f"{name}_rate": hits / trials if trials else math.nan,
                        f"{name}_low": low, f"{name}_high": high})
        row.update(separation(outcome_flags, to_sales, mask))
        del row["lift_target"]
        row["outcome"] = head.outcome
        high = row["lift_high"]
        row["worse"] = bool(not math.isnan(overall) and not math.isnan(high) and high < overall)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["per_month_window"] = history.window.label  # the months to_sales_per_month counts
    return frame


def segment_preview(model: LeadModel, result: Preview, history: History, within: np.ndarray) -> Preview:
    """The matrix and to-sales figures of ``result`` for the leads ``within`` only; leads
    per month over the whole data's window, counting the leads ``within`` dated inside it,
    over the months of the window those leads occur in (``volume.months_present``)."""
    within = np.asarray(within, dtype=bool)
    codes = rating_codes(result.scored["rating"])[within]
    window = replace(history.window, months=months_present(history.window, history.dates,
                                                           within & history.in_window))
    subset = History(_flags_subset(history.accepted, within), _flags_subset(history.converted, within),
                     None if history.amounts is None else history.amounts[within], history.dating.subset(within),
                     window, history.in_window[within])
    totals = CellTotals.count(codes, subset)
    matrix = _matrix(totals)
    matrix["action"] = result.matrix["action"]
    matrix["sla_hours"] = result.matrix["sla_hours"]
    to_sales = np.array([model.routing.route_for(r).action == SALES_ACTION for r in RATINGS])
    return Preview(result.scored[within], matrix, _sales_of_cells(totals, to_sales, subset))


def _flags_subset(flags: Flags | None, within: np.ndarray) -> Flags | None:
    return None if flags is None else Flags(flags.values[within], flags.unrecognised)
