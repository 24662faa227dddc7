"""Evidence per category and rule: how each rule's leads fared against the history, and a
set of category weights the outcomes suggest.

Lift is a group's rate over the rate of every lead with a known outcome (1.0: no better
than average); its interval is the group's 95 % Wilson interval over the same average.
Suggested weights come from an L2-regularised logistic regression of the outcome on the
category values (each -100..100, over 100): a coefficient is how much a category's value
moves the log-odds, so a weight in proportion to it orders leads as the fit does. Negative
coefficients become 0 (a weight cannot be negative) and the rest are rescaled to whole
numbers summing to 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.engine.scorer import Scorer
from scoring.errors import LeadGridError
from scoring.measures.evidence import rule_evidence
from scoring.measures.metrics import (
    MIN_DECISIONS,
    Flags,
    History,
    Outcomes,
    SalesSummary,
    history_of,
    preview,
)
from scoring.model.edit import with_weights
from scoring.model.schema import WEIGHT_TOTAL, LeadModel

OUTCOMES = Outcomes()
EVIDENCE_COLUMNS = (
    "category", "rule", "share", "leads", "decided", "accepted", "acceptance_rate", "acceptance_low",
    "acceptance_high", "acceptance_lift", "acceptance_lift_low", "acceptance_lift_high", "conversion_known",
    "converted", "conversion_rate", "conversion_low", "conversion_high", "conversion_lift",
    "conversion_lift_low", "conversion_lift_high", "too_few_decisions",
)



def with_lift(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (rows of ``evidence.group_outcomes`` covering every lead once) with each
    rate's lift over all its rows together, and the lift of its interval ends."""
    frame = frame.copy()
    for rate, known, hits in (("acceptance", "decided", "accepted"), ("conversion", "conversion_known", "converted")):
        total = frame[known].sum()
        overall = frame[hits].sum() / total if total else math.nan
        base = overall if overall > 0 else math.nan  # no yes at all: no lift to speak of
        for suffix in ("", "_low", "_high"):
            frame[f"{rate}_lift{suffix}"] = frame[f"{rate}_{'rate' if not suffix else suffix[1:]}"] / base
    return frame


def category_evidence(model: LeadModel, scorer: Scorer, outcomes: Outcomes = OUTCOMES) -> pd.DataFrame:
    """One row per category and rule (its default last): the share it gives, its leads, and
    acceptance and conversion with Wilson intervals and lift over all leads (the rows come
    from ``evidence.rule_evidence``)."""
    frames = []
    for category in model.profile.categories:
        frame = with_lift(rule_evidence(scorer, category.field, category.rules, category.default, outcomes))
        frame["rule"] = [f"{label}: {rule.match.describe()}" for label, rule in
                         zip(frame["rule"], category.rules, strict=False)] + ["default"]
        frame.insert(0, "category", category.label or category.id)
        frame["too_few_decisions"] = frame["decided"] < MIN_DECISIONS
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)[list(EVIDENCE_COLUMNS)]


def whole_weights(coefficients: dict[str, float]) -> dict[str, float]:
    """Non-negative parts of ``coefficients`` as whole numbers summing to 100, in proportion
    (largest remainder: each within 1 of its exact share)."""
    positive = {key: max(value, 0.0) for key, value in coefficients.items()}
    total = sum(positive.values())
    if total <= 0:
        raise LeadGridError("no category raises the odds of the outcome in this history, so no weights can be "
                            "suggested")
    exact = {key: value * WEIGHT_TOTAL / total for key, value in positive.items()}
    result = {key: float(math.floor(share)) for key, share in exact.items()}
    left = round(WEIGHT_TOTAL - sum(result.values()))
    for key in sorted(exact, key=lambda k: exact[k] - result[k], reverse=True)[:left]:
        result[key] += 1.0
    return result


@dataclass(frozen=True)
class WeightSuggestion:
    """Weights fitted to the history beside the current ones, with the preview of both."""

    outcome: str  # "acceptance" or "conversion": what the fit predicts
    leads: int  # leads with that outcome known, which the fit used
    coefficients: dict[str, float]  # per category id, per 100 points of its value
    current: dict[str, float]
    suggested: dict[str, float]
    model: LeadModel  # the current model with the suggested weights
    current_sales: SalesSummary
    suggested_sales: SalesSummary

    def table(self, model: LeadModel) -> pd.DataFrame:
        labels = {c.id: c.label or c.id for c in model.profile.categories}
        return pd.DataFrame({"category": [labels[k] for k in self.current],
                             "current": list(self.current.values()),
                             "suggested": [self.suggested[k] for k in self.current],
                             "coefficient": [self.coefficients[k] for k in self.current]})

    def as_dict(self) -> dict[str, object]:
        return {"outcome": self.outcome, "leads": self.leads, "coefficients": self.coefficients,
                "current": self.current, "suggested": self.suggested,
                "current_sales": self.current_sales.as_dict(), "suggested_sales": self.suggested_sales.as_dict()}


def outcome_to_fit(history: History) -> tuple[str, Flags]:
    """Acceptance when the history records sales decisions, else conversion; an error without either."""
    if history.accepted is not None and history.accepted.known.any():
        return "acceptance", history.accepted
    if history.converted is not None and history.converted.known.any():
        return "conversion", history.converted
    raise LeadGridError("the leads record no outcomes (no sales decisions in accepted, no converted values): "
                        "there is nothing to calibrate against")


CALIBRATE_EXTRA = ("the suggested weights need scikit-learn, which the calibrate extra installs: "
                   "pip install 'leadgrid[calibrate]'")


def fit_coefficients(values: np.ndarray, outcome: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Coefficients of an L2-regularised logistic regression (``C = strength``) of the 0/1
    ``outcome`` on the columns of ``values`` (each category's value over 100)."""
    try:  # deferred: scikit-learn is the calibrate extra's, only the suggested weights need it
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise LeadGridError(CALIBRATE_EXTRA) from None
    if len(np.unique(outcome)) < 2:
        raise LeadGridError("every lead with a known outcome has the same outcome, so no weights can be fitted")
    rows, counts = _distinct_rows(np.column_stack([values, outcome]))
    fit = LogisticRegression(C=strength, max_iter=1000)
    # leads with the same values and outcome are one row weighted by their count: the same loss
    # as the repeated rows, over a few thousand rows instead of a million
    fit.fit(rows[:, :-1], rows[:, -1].astype(int), sample_weight=counts)
    return fit.coef_[0]


def _distinct_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``table`` and how often each occurs, by hashing (each column's
    values to codes, the codes of a row to one number), not by sorting the rows."""
    combined = np.zeros(len(table), dtype=np.int64)
    for column in table.T:
        codes, distinct = pd.factorize(column)
        combined = combined * (len(distinct) + 1) + codes + 1  # + 1: NaN's code is -1
        combined, _ = pd.factorize(combined)  # keeps the number small whatever the column count
    first = pd.Series(np.arange(len(table))).groupby(combined).first().to_numpy()
    return table[first], np.bincount(combined)


def suggest_weights(model: LeadModel, scorer: Scorer, outcomes: Outcomes = OUTCOMES,
                    strength: float = 1.0) -> WeightSuggestion:
    """Category weights fitted to the history (see the module docstring), and both previews."""
    history = history_of(scorer, outcomes)
    outcome, flags = outcome_to_fit(history)
    ids = [category.id for category in model.profile.categories]
    known = flags.known
    values = np.column_stack([scorer.evaluate_category(c).value[known] / 100.0 for c in model.profile.categories])
    coefficients = fit_coefficients(values, flags.values[known].astype(int), strength)
    coefficient_map = {key: float(value) for key, value in zip(ids, coefficients, strict=True)}
    suggested = whole_weights(coefficient_map)
    suggested_model = with_weights(model, suggested)
    return WeightSuggestion(outcome, int(known.sum()), coefficient_map,
                            {c.id: float(c.weight) for c in model.profile.categories}, suggested, suggested_model,
                            preview(model, scorer, outcomes).sales, preview(suggested_model, scorer, outcomes).sales)
