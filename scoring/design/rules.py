"""The rules proposed for one column, each with its evidence and share.

- **Text** (and numbers with at most ``MAX_NUMBER_VALUES`` distinct values, such as 0/1 or a
  count of previous contacts): each value held by at least ``min_leads`` leads (see
  ``min_leads``: 30, or 0.5 % of the leads when that is more) is measured; values whose
  shares round to the same ``SHARE_STEP`` (10 points) become one ``in:`` rule, measured again
  as a group; rarer values, and values the file does not have, go to the default, which
  gets the share of the leads it catches. Without an outcome there are no shares to group
  by: the ``MAX_PLAIN_RULES`` most common values get a rule each, all 0.
- **Numbers**: bands (``scoring.design.bands``): cut where the outcome changes, or quartiles
  without an outcome; one ``range:`` rule per band.
- **Missing values** get a ``missing: true`` rule when at least ``min_leads`` leads have
  none; otherwise they go to the default.

The rules of one column never overlap, so each lead meets exactly one (or the default), and
each rule's evidence is the leads the engine gives its share to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.design.bands import band_ranges, outcome_cuts, plain_cuts
from scoring.design.evidence import Evidence, group_evidence
from scoring.engine.values import ValueColumn
from scoring.formatting import format_number

MIN_LEADS = 30
MIN_LEAD_SHARE = 0.005
SHARE_STEP = 10.0
MAX_NUMBER_VALUES = 10
MAX_PLAIN_RULES = 12
NUMBER_SHARE = 0.95  # present values that must read as numbers for bands


def min_leads(total: int) -> int:
    """The leads a value (or a missing-value rule, or a band's known outcomes) needs to get a
    rule of its own: ``MIN_LEADS`` (30), or ``MIN_LEAD_SHARE`` (0.5 %) of the leads if more."""
    return max(MIN_LEADS, math.ceil(MIN_LEAD_SHARE * total))


@dataclass(frozen=True)
class RuleProposal:
    """One proposed rule (``match`` None: the default), its share and the evidence for it."""

    match: dict | None
    label: str
    evidence: Evidence
    share: float

    def as_dict(self) -> dict:
        return {"match": self.match, "label": self.label, "share": self.share, **self.evidence.as_dict()}


@dataclass(frozen=True)
class ColumnProposal:
    """The rules proposed for one column, its default, and how they were found."""

    column: str  # the file's column
    field: str  # the model's field for it
    method: str  # "values" or "bands"
    how: str  # one line: how the rules were cut
    rules: tuple[RuleProposal, ...]
    default: RuleProposal
    codes: np.ndarray = field(repr=False)  # per lead: the index of its rule, len(rules) for the default

    @property
    def separates(self) -> bool:
        """Whether any rule (or the default) gets a share other than 0."""
        return any(r.share for r in (*self.rules, self.default))

    def model_rules(self, scale: float = 1.0) -> list[dict]:
        """The rules in the model's form, each share times ``scale`` (whole points)."""
        return [{"match": r.match, "value": scaled(r.share, scale)} for r in self.rules]

    def model_default(self, scale: float = 1.0) -> float:
        return scaled(self.default.share, scale)


def scaled(share: float, scale: float) -> float:
    return float(round(share * scale)) + 0.0


def _band_label(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "any number"
    if low is None:
        return f"x < {format_number(high)}"
    if high is None:
        return f"x ≥ {format_number(low)}"
    return f"{format_number(low)} ≤ x < {format_number(high)}"


def _spellings(view: ValueColumn, present: np.ndarray) -> pd.Series:
    """Per comparison key, its most common spelling in the file."""
    frame = pd.DataFrame({"key": view.key[present], "text": view.text[present]})
    counts = frame.groupby(["key", "text"], sort=False).size().sort_values(ascending=False, kind="stable")
    return counts.reset_index().drop_duplicates("key").set_index("key")["text"]


def _finish(column: str, field_: str, method: str, how: str, groups: list[tuple[dict, str]],
            codes: np.ndarray, missing: np.ndarray, outcome: np.ndarray | None, least: int) -> ColumnProposal:
    """Rules for ``groups`` (match, label) with per-lead ``codes`` (-1: the default), plus a
    missing-value rule when enough leads have none; evidence and shares measured per rule."""
    codes = codes.copy()
    if int(missing.sum()) >= least:
        codes[missing] = len(groups)
        groups = [*groups, ({"missing": True}, "missing")]
    codes[codes < 0] = len(groups)
    evidence = group_evidence(codes, len(groups) + 1, outcome)
    rules = tuple(RuleProposal(match, label, ev, ev.share()) for (match, label), ev in zip(groups, evidence, strict=False))
    default = RuleProposal(None, "default (every other value)", evidence[-1], evidence[-1].share())
    return ColumnProposal(column, field_, method, how, rules, default, codes)


def value_rules(column: str, field_: str, view: ValueColumn, outcome: np.ndarray | None) -> ColumnProposal:
    """``in:`` rules for the values with enough leads (see the module docstring)."""
    least = min_leads(len(view))
    present = ~view.missing
    keys = pd.Series(view.key)
    counts = keys[present].value_counts(sort=True)
    common = [key for key, count in counts.items() if count >= least]
    spelling = _spellings(view, present)
    value_codes = pd.Index(common).get_indexer(keys.to_numpy(dtype=object))
    value_codes[~present] = -1
    evidence = group_evidence(value_codes, len(common), outcome)
    rare = len(counts) - len(common)
    if outcome is None:
        kept = common[:MAX_PLAIN_RULES]
        members = [[key] for key in kept]
        how = f"the {len(kept)} most common values with at least {least:,} leads each, one rule each (no outcome)"
    else:
        buckets: dict[float, list[str]] = {}
        for key, ev in zip(common, evidence, strict=True):
            buckets.setdefault(round(ev.share() / SHARE_STEP), []).append(key)
        members = [buckets[b] for b in sorted(buckets, reverse=True)]
        how = (f"values with at least {least:,} leads, grouped where their shares round to the same "
               f"{SHARE_STEP:g} points")
    if rare:
        how += f"; {rare:,} rarer value{'s' if rare > 1 else ''} to the default"
    position = {key: index for index, key in enumerate(common)}
    group_of = np.full(len(common) + 1, -1, dtype=np.intp)
    groups = []
    for number, keys_in in enumerate(members):
        items = [str(spelling[k]) for k in keys_in]
        groups.append(({"in": items}, ", ".join(items)))
        for key in keys_in:
            group_of[position[key]] = number
    codes = np.where(value_codes >= 0, group_of[value_codes], -1)
    return _finish(column, field_, "values", how, groups, codes, view.missing, outcome, least)


def band_rules(column: str, field_: str, view: ValueColumn, outcome: np.ndarray | None) -> ColumnProposal:
    """``range:`` rules for bands of the numbers (see ``scoring.design.bands``)."""
    least = min_leads(len(view))
    numbers = view.number
    is_number = ~np.isnan(numbers)
    values = numbers[is_number]
    if outcome is None:
        cuts = plain_cuts(values, least)
        how = f"quartile bands (no outcome), at least {least:,} leads each"
    else:
        cuts = outcome_cuts(values, outcome[is_number], least)
        how = (f"bands cut where the outcome changes (ChiMerge on 20 quantile bins: neighbours merged unless "
               f"their rates differ at 99 %, at least {least:,} known leads each, at most 5 bands)")
    ranges = band_ranges(cuts)
    codes = np.full(len(view), -1, dtype=np.intp)
    codes[is_number] = np.searchsorted(np.asarray(cuts, dtype=float), values, side="right")
    groups = [({"range": [low, high]}, _band_label(low, high)) for low, high in ranges]
    return _finish(column, field_, "bands", how, groups, codes, view.missing, outcome, least)


def propose_rules(column: str, field_: str, values: pd.Series, outcome: np.ndarray | None) -> ColumnProposal:
    """The rules for one column: bands for numbers with more than ``MAX_NUMBER_VALUES``
    distinct values, else value rules."""
    view = ValueColumn(values)
    present = ~view.missing
    numbers = view.number[present]
    is_number = ~np.isnan(numbers)
    if present.any() and is_number.mean() >= NUMBER_SHARE and len(np.unique(numbers[is_number])) > MAX_NUMBER_VALUES:
        return band_rules(column, field_, view, outcome)
    return value_rules(column, field_, view, outcome)
