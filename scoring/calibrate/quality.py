"""How well a model orders leads by their outcome: ROC AUC and cumulative gain and lift
for the profile score, the engagement score and the rating, against acceptance by sales
and against conversion, and the cells with too few decisions to judge.

Only leads with a known outcome count, and only an outcome with both values (some yes, some
no) can order anything: one with a single value gets a sentence (``Quality.notes``) instead
of an AUC. The AUC is the chance that a lead with the outcome
scores above one without it, ties counting half (the Mann–Whitney form). The rating is
ordered A1 (best), A2, .., D4: the letter first, then the number. The gain curve has one
point per distinct score, best first: the share of leads taken so far and the share of
the outcome they hold; lift is the second over the first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.engine.scorer import Scorer
from scoring.measures.metrics import MIN_DECISIONS, Flags, History, Outcomes, history_of
from scoring.measures.stats import auc, grouped_auc
from scoring.model.schema import LeadModel

OUTCOMES = Outcomes()
SCORES = {"profile_score": "Profile score", "engagement_score": "Engagement score", "rating": "Rating (A1 best)"}
OUTCOME_LABELS = {"acceptance": "Accepted by sales", "conversion": "Converted"}


def _known(scores: np.ndarray, outcome: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores, outcome = np.asarray(scores, dtype=float), np.asarray(outcome, dtype=float)
    keep = ~np.isnan(outcome) & ~np.isnan(scores)
    return scores[keep], outcome[keep] == 1.0


def roc_auc(scores: np.ndarray, outcome: np.ndarray) -> float:
    """P(score of a yes > score of a no) + half P(equal), over leads whose outcome (1.0 / 0.0)
    is known; NaN when either class is empty (``stats.auc``, from average ranks)."""
    return auc(scores, outcome)


def gain_curve(scores: np.ndarray, outcome: np.ndarray) -> pd.DataFrame:
    """Cumulative gain and lift, best scores first, one row per distinct score (ties are taken
    together), starting at (0, 0): share_of_leads, share_of_outcome, lift (NaN at 0)."""
    return _gain_of(RankedScores.of(scores), outcome)


@dataclass(frozen=True)
class RankedScores:
    """A score's distinct values, best (highest) first, and each lead's place among them:
    sorted once, then every outcome's AUC and gain curve is a count per value (linear)."""

    best_first: np.ndarray  # distinct scores, highest first
    place: np.ndarray  # per lead, the index of its score in ``best_first`` (0 when unscored)
    scored: np.ndarray  # per lead, the score is not NaN

    @classmethod
    def of(cls, scores: np.ndarray) -> RankedScores:
        codes, distinct = pd.factorize(np.asarray(scores, dtype=float))  # hashing: linear in the leads
        order = np.argsort(-distinct, kind="stable")  # sorts the few distinct scores, not the leads
        rank = np.empty(len(distinct), dtype=np.intp)
        rank[order] = np.arange(len(distinct))
        scored = codes >= 0  # NaN has code -1
        return cls(distinct[order], np.where(scored, rank[np.maximum(codes, 0)] if len(distinct) else 0, 0), scored)

    def auc(self, outcome: np.ndarray) -> float:
        """``stats.auc`` of these scores (ties count half); NaN when either class is empty."""
        outcome = np.asarray(outcome, dtype=float)
        keep = self.scored & ~np.isnan(outcome)
        return grouped_auc(self.place[keep], self.best_first, outcome[keep])


def _gain_of(ranked: RankedScores, outcome: np.ndarray) -> pd.DataFrame:
    outcome = np.asarray(outcome, dtype=float)
    keep = ranked.scored & ~np.isnan(outcome)
    place, yes = ranked.place[keep], outcome[keep] == 1.0
    columns = ["score", "share_of_leads", "share_of_outcome", "lift"]
    if not len(place) or not yes.any():
        return pd.DataFrame(columns=columns)
    per_value = np.bincount(place, minlength=len(ranked.best_first))
    present = per_value > 0  # values held only by leads with an unknown outcome are no point
    leads = np.cumsum(per_value[present])
    hits = np.cumsum(np.bincount(place, weights=yes.astype(float), minlength=len(ranked.best_first))[present])
    share_leads, share_hits = leads / len(place), hits / yes.sum()
    return pd.DataFrame({"score": np.r_[np.nan, ranked.best_first[present]], "share_of_leads": np.r_[0.0, share_leads],
                         "share_of_outcome": np.r_[0.0, share_hits],
                         "lift": np.r_[np.nan, share_hits / share_leads]})[columns]


def lift_at(curve: pd.DataFrame, share: float) -> float:
    """The lift of the first point of ``curve`` that takes at least ``share`` of the leads."""
    reached = curve[curve["share_of_leads"] >= share - 1e-12]
    return float(reached["lift"].iloc[0]) if len(reached) else math.nan


@dataclass(frozen=True)
class Quality:
    """AUC and gain curves for each score against each outcome the history records."""

    auc: pd.DataFrame  # rows: score; columns: outcome; with the counts of yes/no per outcome
    gains: dict[tuple[str, str], pd.DataFrame]  # (score, outcome) -> gain_curve
    counts: dict[str, tuple[int, int]]  # outcome -> (yes, no)
    notes: tuple[str, ...] = ()  # one sentence per outcome recorded with a single value


    def as_dict(self) -> dict[str, object]:
        return {"auc": {outcome: {score: self.auc.loc[score, outcome] for score in self.auc.index}
                        for outcome in self.auc.columns},
                "outcome_counts": {k: {"yes": v[0], "no": v[1]} for k, v in self.counts.items()},
                "lift_top_10_percent": {f"{s}/{o}": lift_at(c, 0.1) for (s, o), c in self.gains.items()},
                "notes": list(self.notes)}


def _recorded(history: History) -> dict[str, Flags]:
    found = {"acceptance": history.accepted, "conversion": history.converted}
    return {name: flags for name, flags in found.items() if flags is not None and flags.known.any()}


def _yes_no(flags: Flags) -> tuple[int, int]:
    yes = int(np.nansum(flags.values[flags.known]))
    return yes, int(flags.known.sum()) - yes


def outcome_flags(history: History) -> dict[str, Flags]:
    """The outcomes the history records with both values, by name: acceptance, conversion."""
    return {name: flags for name, flags in _recorded(history).items() if min(_yes_no(flags)) > 0}


SINGLE_VALUE = {"acceptance": ("leads sales decided on", "accepted", "rejected"),
                "conversion": ("leads with a known conversion", "converted", "did not convert")}


def single_value_notes(history: History) -> list[str]:
    """One sentence per outcome the history records with one value only: no AUC against it."""
    notes = []
    for name, flags in _recorded(history).items():
        yes, no = _yes_no(flags)
        if min(yes, no):
            continue
        noun, went_yes, went_no = SINGLE_VALUE[name]
        notes.append(f"all {yes + no:,} {noun} {went_yes if yes else went_no}, so there is no AUC against "
                     f"{OUTCOME_LABELS[name].lower()}: ordering leads needs both outcomes")
    return notes


def model_quality(model: LeadModel, scorer: Scorer, outcomes: Outcomes = OUTCOMES) -> Quality:
    """AUC and gain curves of the profile score, the engagement score and the rating."""
    rated = scorer.rate(model)
    history = history_of(scorer, outcomes)
    scores = {"profile_score": rated.profile_score, "engagement_score": rated.engagement_score,
              "rating": -rated.rating.astype(float)}  # A1 (code 0) is the best
    flags = outcome_flags(history)
    ranked = {score: RankedScores.of(values) for score, values in scores.items()}  # one sort per score
    auc = pd.DataFrame({name: {score: ranked[score].auc(f.values) for score in scores} for name, f in flags.items()},
                       index=list(scores), columns=list(flags), dtype=float)
    gains = {(score, name): _gain_of(ranked[score], f.values) for score in scores for name, f in flags.items()}
    counts = {name: _yes_no(f) for name, f in flags.items()}
    return Quality(auc, gains, counts, tuple(single_value_notes(history)))


def small_cells(matrix: pd.DataFrame) -> pd.DataFrame:
    """The cells of a preview matrix that hold leads but fewer than MIN_DECISIONS decisions,
    with their acceptance and its interval: too few to judge."""
    flagged = matrix[(matrix["leads"] > 0) & (matrix["decided"] < MIN_DECISIONS)]
    return flagged[["leads", "decided", "acceptance_rate", "acceptance_low", "acceptance_high"]].reset_index()
