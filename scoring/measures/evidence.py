"""Evidence beside the controls: what the historical leads say about each value, band and
rule a model reads, and how well each column separates
the outcome on its own, against the whole model (one column doing almost all the work is
often a leak: a field filled in after the outcome was known).

Rates are measured as in ``scoring.measures.metrics``: acceptance among leads with a sales
decision, conversion among leads with a known conversion, each with a 95 % Wilson
interval; a figure the data cannot give (no acceptance column) is NaN, never 0 %.

The public functions:

- ``group_outcomes(codes, size, history)``: leads and both rates per group code, the
  building block (a calibration or a comparison page can group leads any way it likes);
- ``value_evidence(scorer, field, rules, default)``: per value of a column, or per band of
  a numeric column with many values: leads, the rule met, the share it gives, the rates;
- ``rule_evidence(scorer, field, rules, default)``: the same per rule (and the default);
- ``value_groups(scorer, field)``: the value (or band) group of each lead, as those tables group them;
- ``separation_report(scorer, model)``: the AUC (``stats.auc``) of the model and of each column.

The grid the pages draw is ``scoring.measures.grid``; the tables' text, ``scoring.measures.report``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.engine.scorer import NO_RULE, Scorer
from scoring.measures import stats
from scoring.measures.metrics import Flags, History, Outcomes, history_of
from scoring.measures.stats import wilson_interval
from scoring.model.schema import LeadModel, Rule

RATE_COLUMNS = ("leads", "decided", "accepted", "acceptance_rate", "acceptance_low", "acceptance_high",
                "conversion_known", "converted", "conversion_rate", "conversion_low", "conversion_high")
MISSING_LABEL = "(missing)"
NOT_A_NUMBER_LABEL = "(not a number)"
OTHERS_LABEL = "(all other values)"
DOMINANT_SHARE = 0.9  # a column with this share of the model's separation does almost all the work
MIN_MODEL_AUC = 0.55  # below this the model separates too little for shares of it to mean much
OUTCOMES = Outcomes()  # the default outcome column names



def group_outcomes(codes: np.ndarray, size: int, history: History) -> pd.DataFrame:
    """Per group ``0..size-1`` (one code per lead; a negative code counts in no group): leads,
    decisions and acceptances, known and converted, both rates with their Wilson intervals.
    Without an acceptance (conversion) column its counts are 0 and its rates NaN."""
    codes = np.asarray(codes)
    inside = codes >= 0
    kept = codes[inside].astype(np.intp)

    def per_group(weights: np.ndarray | None = None) -> np.ndarray:
        picked = None if weights is None else weights[inside]
        return np.rint(np.bincount(kept, weights=picked, minlength=size)[:size]).astype(np.int64)

    frame = pd.DataFrame({"leads": per_group()})
    for flags, known_name, hits_name, rate in ((history.accepted, "decided", "accepted", "acceptance"),
                                               (history.converted, "conversion_known", "converted", "conversion")):
        if flags is None:
            known, hits = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
        else:
            known_weights, hit_weights = history.weights(flags)
            known, hits = per_group(known_weights), per_group(hit_weights)
        frame[known_name], frame[hits_name] = known, hits
        intervals = [wilson_interval(float(h), float(k)) for h, k in zip(hits, known, strict=True)]
        frame[f"{rate}_rate"] = [h / k if k else math.nan for h, k in zip(hits, known, strict=True)]
        frame[f"{rate}_low"] = [low for low, _ in intervals]
        frame[f"{rate}_high"] = [high for _, high in intervals]
    return frame[list(RATE_COLUMNS)]


def _rule_label(index: int) -> str:
    return "default" if index == NO_RULE else f"rule {index + 1}"


def _shares(rules: Sequence[Rule], default: float) -> np.ndarray:
    """The share each rule gives, the default last (so index NO_RULE = -1 picks it)."""
    return np.array([rule.value for rule in rules] + [default], dtype=float)


def rule_evidence(scorer: Scorer, field: str, rules: Sequence[Rule], default: float = 0.0,
                  outcomes: Outcomes = OUTCOMES) -> pd.DataFrame:
    """One row per rule, in order, then the default: ``rule`` ("rule 1" .. "default"), the
    ``share`` it gives, and the leads it catches (first match wins) with their rates."""
    # kept per rule list: a weight or a threshold moves none of it (seconds per change at 1M leads)
    key = ("rule_evidence", field, tuple(r.model_dump_json() for r in rules), default, outcomes)
    return scorer.memo(key, lambda: _rule_evidence(scorer, field, list(rules), default, outcomes)).copy()


def _rule_evidence(scorer: Scorer, field: str, rules: list[Rule], default: float, outcomes: Outcomes) -> pd.DataFrame:
    index = scorer.field_rules(field).rule_index(rules).astype(np.intp)
    codes = np.where(index == NO_RULE, len(rules), index)
    frame = group_outcomes(codes, len(rules) + 1, history_of(scorer, outcomes))
    frame.insert(0, "share", [rule.value for rule in rules] + [default])
    frame.insert(0, "rule", [_rule_label(i) for i in range(len(rules))] + ["default"])
    return frame


def value_evidence(scorer: Scorer, field: str, rules: Sequence[Rule], default: float = 0.0,
                   outcomes: Outcomes = OUTCOMES, limit: int = 25, bands: int = 10) -> pd.DataFrame:
    """What each value of ``field`` gets and how its leads did, most common first.

    Columns: ``value`` (the most common spelling; ``(missing)``), ``leads``, ``rule`` (the
    rule the value meets, ``default`` when none), ``share`` (what that rule gives) and the
    rates of ``group_outcomes``. Beyond ``limit`` values the rest are one row,
    ``(all other values)``. A column whose present values are mostly numbers, with more than
    ``limit`` distinct ones, is shown in up to ``bands`` bands of about equal leads instead
    (``"26 ≤ x < 31"``; the last band includes its maximum); a band whose leads meet
    different rules has rule ``mixed`` and no share; text that is not a number is one row,
    ``(not a number)``.
    """
    key = ("value_evidence", field, tuple(r.model_dump_json() for r in rules), default, outcomes, limit, bands)
    return scorer.memo(key, lambda: _value_evidence(scorer, field, list(rules), default, outcomes,
                                                    limit, bands)).copy()


def _value_evidence(scorer: Scorer, field: str, rules: list[Rule], default: float, outcomes: Outcomes,
                    limit: int, bands: int) -> pd.DataFrame:
    rule_index = scorer.field_rules(field).rule_index(rules).astype(np.intp)
    history = history_of(scorer, outcomes)
    codes, labels = value_groups(scorer, field, limit, bands)
    frame = group_outcomes(codes, len(labels), history)
    frame.insert(0, "value", labels)
    rule_codes = np.full(len(labels), NO_RULE - 1, dtype=np.intp)  # NO_RULE - 1: no lead yet
    mixed = np.zeros(len(labels), dtype=bool)
    for group in range(len(labels)):
        found = np.unique(rule_index[codes == group])
        mixed[group] = len(found) > 1
        if len(found) == 1:
            rule_codes[group] = found[0]
    shares = _shares(rules, default)
    frame.insert(2, "rule", ["mixed" if m else (_rule_label(r) if r >= NO_RULE else "–")
                             for m, r in zip(mixed, rule_codes, strict=True)])
    frame.insert(3, "share", [math.nan if m or r < NO_RULE else float(shares[r])
                              for m, r in zip(mixed, rule_codes, strict=True)])
    frame = frame[frame["leads"] > 0]
    return frame.reset_index(drop=True)


def value_groups(scorer: Scorer, field: str, limit: int = 25, bands: int = 10) -> tuple[np.ndarray, list[str]]:
    """Per lead, the code of its value's group, and the groups' labels: the groups of
    ``value_evidence`` (values most common first, or bands of a numeric column; computed once
    per column: no rule moves them)."""
    def compute() -> tuple[np.ndarray, list[str]]:
        view = scorer.column(field)
        numbers = view.number
        present = ~view.missing
        is_number = present & ~np.isnan(numbers)
        distinct_numbers = len(np.unique(numbers[is_number])) if is_number.any() else 0
        if is_number.sum() >= 0.5 * present.sum() and distinct_numbers > limit:
            return _bands(numbers, is_number, view.missing, bands)
        return _values(view.key, view.text, view.missing, limit)

    return scorer.memo(("value_groups", field, limit, bands), compute)


def _values(key: np.ndarray, text: np.ndarray, missing: np.ndarray, limit: int) -> tuple[np.ndarray, list[str]]:
    """Group codes by value (compared as rules compare them), most common first; beyond
    ``limit`` one group for every other value."""
    keys = np.where(missing, "\x00missing", key)
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    counts = np.bincount(codes, minlength=len(uniques))
    order = np.argsort(-counts, kind="stable")
    rank = np.empty(len(uniques), dtype=np.intp)
    rank[order] = np.arange(len(uniques))
    kept = min(limit, len(uniques))
    grouped = np.minimum(rank[codes], kept)  # every value ranked beyond the limit shares one group
    spelling = (pd.DataFrame({"code": codes, "text": text}).groupby(["code", "text"], sort=False).size()
                .sort_values(ascending=False, kind="stable").reset_index().drop_duplicates("code")
                .set_index("code")["text"])
    labels = [MISSING_LABEL if uniques[i] == "\x00missing" else str(spelling[i]) for i in order[:kept]]
    if len(uniques) > kept:
        labels.append(OTHERS_LABEL)
    return grouped, labels


def _band_label(low: float, high: float, last: bool) -> str:
    return f"{low:g} ≤ x ≤ {high:g}" if last else f"{low:g} ≤ x < {high:g}"


def _bands(numbers: np.ndarray, is_number: np.ndarray, missing: np.ndarray,
           bands: int) -> tuple[np.ndarray, list[str]]:
    """Bands of about equal leads between quantiles of the numbers (repeated edges merged),
    then one group for missing values and one for text that is not a number."""
    values = numbers[is_number]
    edges = np.unique(np.quantile(values, np.linspace(0, 1, bands + 1)))
    if len(edges) == 1:
        edges = np.array([edges[0], edges[0]])
    inner = edges[1:-1]
    codes = np.full(len(numbers), -1, dtype=np.intp)
    codes[is_number] = np.searchsorted(inner, values, side="right")
    labels = [_band_label(edges[i], edges[i + 1], i == len(edges) - 2) for i in range(len(edges) - 1)]
    codes[missing] = len(labels)
    labels.append(MISSING_LABEL)
    text = ~missing & ~is_number
    codes[text] = len(labels)
    labels.append(NOT_A_NUMBER_LABEL)
    return codes, labels


# ----- separation


@dataclass(frozen=True)
class ColumnSeparation:
    """How well one column, scored as the model scores it, separates the outcome."""

    id: str
    label: str
    field: str
    axis: str  # "profile" or "engagement"
    auc: float
    share: float  # of the model's separation above chance: (auc - 0.5) / (model auc - 0.5)


@dataclass(frozen=True)
class SeparationReport:
    """Separation of the whole model (profile score + engagement score) and of each column it reads."""

    outcome: str | None  # "acceptance", "conversion", or None when the data records neither
    model_auc: float
    columns: list[ColumnSeparation]

    @property
    def dominant(self) -> list[ColumnSeparation]:
        """Columns that do almost all the model's work: at least ``DOMINANT_SHARE`` of its
        separation, in a model that separates at all and reads more than one column."""
        if len(self.columns) < 2 or not self.model_auc >= MIN_MODEL_AUC:
            return []
        return [c for c in self.columns if c.share >= DOMINANT_SHARE]


def _outcome_flags(history: History) -> tuple[str | None, Flags | None]:
    if history.accepted is not None and history.accepted.known.any():
        return "acceptance", history.accepted
    if history.converted is not None and history.converted.known.any():
        return "conversion", history.converted
    return None, None


def separation_report(scorer: Scorer, model: LeadModel, outcomes: Outcomes = OUTCOMES) -> SeparationReport:
    """The whole model's separation (AUC of profile score + engagement score, the two axes
    counted alike) and each profile category's and engagement field's, from the shares
    the model gives its values, for acceptance where the data has sales decisions, else
    conversion."""
    outcome, flags = _outcome_flags(history_of(scorer, outcomes))
    if flags is None:
        return SeparationReport(None, math.nan, [])
    def scores_auc() -> float:
        rated = scorer.rate(model)
        return stats.auc(rated.profile_score + rated.engagement_score, flags.values)

    # the scores do not depend on thresholds or routing: a threshold step ranks nothing again
    scoring_parts = model.model_dump_json(exclude={"profile": {"grades"}, "engagement": {"grades"}, "routing": True,
                                                   "name": True, "version": True, "description": True})
    model_auc = scorer.memo(("model_separation", outcomes, scoring_parts), scores_auc)
    lift = model_auc - 0.5
    columns = []
    readers = [(c.id, c.label or c.id, c.field, "profile", c.rules, c.default) for c in model.profile.categories]
    readers += [(e.id, e.label or e.id, e.field, "engagement", e.rules or [], 0.0)
                for e in model.field_entries if e.field]
    for ident, label, field, axis, rules, default in readers:
        def column_auc(field: str = field, rules: list[Rule] = rules, default: float = default) -> float:
            index = scorer.field_rules(field).rule_index(rules)
            return stats.auc(_shares(rules, default)[index], flags.values)

        # one number per column and rule list, kept: a weight or a threshold moves none of them
        key = ("separation", outcomes, field, tuple(r.model_dump_json() for r in rules), default)
        auc = scorer.memo(key, column_auc)
        share = (auc - 0.5) / lift if lift > 0 and not math.isnan(auc) else math.nan
        columns.append(ColumnSeparation(ident, label, field, axis, auc, share))
    return SeparationReport(outcome, model_auc, columns)
