"""Thresholds from a target: where the A–D and 1–4 lines go, and which cells go to sales,
so that the to-sales set meets a sales capacity or a minimum acceptance rate on history.

A proposal routes a corner of the matrix to sales: every cell whose letter is at least
the corner's letter and whose number is at least the corner's number (A1..B2 for the
corner B2). Such a set is exactly the leads with profile score >= t and engagement score
>= u, where t is the corner letter's threshold and u the corner number's. The leads are
scored once; each (t, u) on a grid of whole points is then judged from a 2-D histogram of
the scores with suffix sums, so every candidate costs a lookup, whatever the number of
leads. The chosen candidate is scored again by the engine (``metrics.preview``) and its
figures are the ones reported.

Among candidates that meet the target the proposal takes, first, for a capacity: the most
leads sales accepted net of those they rejected (so it stops where sales would reject more
of the extra leads than they accept, even below the capacity), or the most conversions
caught when the history records no sales decisions; for a minimum acceptance rate: the
most accepted leads. Ties go to the most conversions caught, then the fewest leads, then
the lines closest to the current ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .edit import with_grades, with_routing
from .engine import Scorer
from .errors import LeadGridError
from .formatting import format_number, format_rate
from .metrics import MIN_DECISIONS, History, Outcomes, SalesSummary, history_of, preview
from .model import LETTERS, NUMBERS, RATINGS, SALES_ACTION, LeadModel
from .ratings import TOLERANCE
from .tables import routing_rows

GRID_STEP = 1.0  # candidate thresholds: 0, 1, 2, .., 100 points
DEFAULT_CORNER = (1, 1)  # B2, when the model routes no cell to sales
OUTCOMES = Outcomes()  # the default outcome column names


class CalibrationError(LeadGridError):
    """A target that cannot be met or checked on this history; the message is one sentence."""


@dataclass(frozen=True)
class Target:
    """What the to-sales set must meet: at most ``capacity`` leads a month, or at least
    ``min_acceptance`` (0..1) of its decided leads accepted by sales. Exactly one is given."""

    capacity: float | None = None
    min_acceptance: float | None = None
    min_decisions: int = MIN_DECISIONS  # a rate needs this many decisions in the to-sales set

    def describe(self) -> str:
        if self.capacity is not None:
            return f"at most {self.capacity:,.0f} leads a month to sales"
        return f"at least {format_rate(self.min_acceptance)} accepted by sales"


@dataclass(frozen=True)
class Grid:
    """Every candidate (t, u): figures of the leads with profile >= t and engagement >= u.
    Arrays are indexed ``[i, j]`` for ``t = profile[i]``, ``u = engagement[j]``."""

    profile: np.ndarray
    engagement: np.ndarray
    leads: np.ndarray
    decided: np.ndarray
    accepted: np.ndarray
    converted: np.ndarray
    total_leads: int
    total_converted: int
    months: float | None

    @property
    def per_month(self) -> np.ndarray:
        return self.leads / self.months if self.months else np.full(self.leads.shape, np.nan)

    @property
    def acceptance(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.decided > 0, self.accepted / np.maximum(self.decided, 1), np.nan)

    @property
    def conversions_share(self) -> np.ndarray:
        return self.converted / self.total_converted if self.total_converted else np.full(self.leads.shape, np.nan)

    @property
    def curve_objective(self) -> np.ndarray:
        """What the trade-off curve maximises per volume: conversions caught, or accepted leads
        when the history records no conversions."""
        return self.converted if self.total_converted else self.accepted

    def objective(self, target: Target) -> np.ndarray:
        """What a proposal for ``target`` maximises first (see the module docstring)."""
        if target.min_acceptance is not None:
            return self.accepted
        return 2 * self.accepted - self.decided if int(self.decided[0, 0]) else self.converted


def _bins(scores: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per score, the index of the highest grid value it reaches (score >= value - TOLERANCE,
    as grading compares); a score below every grid value (or NaN) gets 0."""
    scores = np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf)
    return np.clip(np.searchsorted(grid, scores + TOLERANCE, side="right") - 1, 0, len(grid) - 1)


def _suffix_sums(values: np.ndarray) -> np.ndarray:
    return values[::-1, ::-1].cumsum(axis=0).cumsum(axis=1)[::-1, ::-1]


def candidate_grid(profile_score: np.ndarray, engagement_score: np.ndarray, history: History,
                   step: float = GRID_STEP) -> Grid:
    """Figures of every corner set ``profile >= t and engagement >= u`` for t, u on 0..100 in
    ``step``: one 2-D histogram of the scores per outcome, then suffix sums."""
    grid = np.arange(0.0, 100.0 + step / 2, step)
    size = len(grid)
    cells = _bins(profile_score, grid) * size + _bins(engagement_score, grid)

    def per_cell(weights: np.ndarray | None) -> np.ndarray:
        counts = np.bincount(cells, weights=weights, minlength=size * size)
        return _suffix_sums(np.rint(counts).astype(np.int64).reshape(size, size))

    known_accepted = _known(history.accepted, len(cells))
    known_converted = _known(history.converted, len(cells))
    converted = per_cell(known_converted[1])
    return Grid(grid, grid, per_cell(None), per_cell(known_accepted[0]), per_cell(known_accepted[1]),
                converted, len(cells), int(converted[0, 0]), history.months)


def _known(flags, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(1 where the outcome is known, 1 where it is yes) as float weights; zeros without the column."""
    if flags is None:
        return np.zeros(count), np.zeros(count)
    return flags.known.astype(float), np.where(flags.known, flags.values, 0.0)


def _check_target(target: Target, grid: Grid) -> None:
    if (target.capacity is None) == (target.min_acceptance is None):
        raise CalibrationError("give either a capacity (leads a month) or a minimum acceptance rate, not both")
    if int(grid.decided[0, 0]) == 0 and grid.total_converted == 0:
        raise CalibrationError("the leads record no outcomes (no sales decisions in accepted, no converted "
                               "values): there is nothing to calibrate against")
    if target.capacity is not None:
        capacity = target.capacity
        if not math.isfinite(capacity) or capacity < 1:
            raise CalibrationError(f"the capacity must be at least 1 lead a month; got {capacity:g}")
        if not grid.months:
            raise CalibrationError("the leads have no created_at or scored_at dates, so leads a month cannot be "
                                   "measured; give a minimum acceptance rate instead")
        if capacity > grid.total_leads:
            raise CalibrationError(f"a capacity of {capacity:,.0f} leads a month is more than all "
                                   f"{grid.total_leads:,} leads of the history; give at most "
                                   f"{grid.total_leads / grid.months:,.0f}, the leads a month it has")
    else:
        rate = target.min_acceptance
        if not math.isfinite(rate) or not 0 < rate <= 1:
            raise CalibrationError(f"the minimum acceptance rate must be above 0 and at most 1 (100%); got {rate:g}")
        if int(grid.decided[0, 0]) == 0:
            raise CalibrationError("the leads record no sales decisions (accepted), so an acceptance rate cannot be "
                                   "checked; give a capacity instead")


def feasible(grid: Grid, target: Target) -> np.ndarray:
    """Per candidate: does its to-sales set meet the target (and hold at least one lead)?"""
    some = grid.leads >= 1
    if target.capacity is not None:
        return some & (grid.per_month <= target.capacity + 1e-9)
    return some & (grid.decided >= target.min_decisions) & (np.nan_to_num(grid.acceptance, nan=-1.0)
                                                     >= target.min_acceptance - 1e-12)


def best_candidate(grid: Grid, target: Target, current: tuple[float, float]) -> tuple[int, int]:
    """The (i, j) of the candidate a proposal takes, by the order in the module docstring."""
    ok = feasible(grid, target)
    if not ok.any():
        raise CalibrationError(_infeasible(grid, target))
    distance = np.abs(grid.profile[:, None] - current[0]) + np.abs(grid.engagement[None, :] - current[1])
    keys = (distance[ok], grid.leads[ok], -grid.converted[ok], -grid.objective(target)[ok])  # last key sorts first
    first = np.lexsort(keys)[0]
    rows, columns = np.nonzero(ok)
    return int(rows[first]), int(columns[first])


def _infeasible(grid: Grid, target: Target) -> str:
    if target.capacity is not None:
        smallest = grid.per_month[grid.leads >= 1].min()
        return (f"no thresholds send at most {target.capacity:,.0f} leads a month: the smallest set that can go "
                f"to sales is {smallest:,.1f} leads a month (leads tie at the top scores)")
    judged = grid.decided >= target.min_decisions
    best = np.nanmax(np.where(judged, grid.acceptance, np.nan)) if judged.any() else math.nan
    shown = "no set has enough decisions" if math.isnan(best) else f"the best is {format_rate(best)}"
    return (f"no thresholds reach {format_rate(target.min_acceptance)} acceptance with at least {target.min_decisions} "
            f"sales decisions in the to-sales set; {shown}")


def tradeoff_curve(grid: Grid) -> pd.DataFrame:
    """The candidates no other beats: for each volume, the most conversions caught (accepted
    leads without conversions) that many leads a month can catch. One row per point, by volume."""
    some = grid.leads >= 1
    rows, columns = np.nonzero(some)
    leads, objective = grid.leads[some], grid.curve_objective[some]
    order = np.lexsort((-grid.accepted[some], -objective, leads))
    best_so_far = np.maximum.accumulate(objective[order])
    keep = order[np.r_[True, best_so_far[1:] > best_so_far[:-1]]]
    i, j = rows[keep], columns[keep]
    return pd.DataFrame({
        "profile_from": grid.profile[i], "engagement_from": grid.engagement[j], "leads": grid.leads[i, j],
        "leads_per_month": grid.per_month[i, j], "decided": grid.decided[i, j],
        "acceptance_rate": grid.acceptance[i, j], "conversions_caught_share": grid.conversions_share[i, j],
    })


def _corner(model: LeadModel) -> tuple[int, int]:
    """The worst letter and number among the cells routed to sales (at most C and 3), or B2."""
    sales = model.sales_ratings()
    if not sales:
        return DEFAULT_CORNER
    letter = max(LETTERS.index(r[0]) for r in sales)
    number = max(NUMBERS.index(r[1]) for r in sales)
    return min(letter, len(LETTERS) - 2), min(number, len(NUMBERS) - 2)


def place_threshold(current: dict[str, float], names: tuple[str, ...], corner: int, value: float,
                    step: float = GRID_STEP) -> dict[str, float]:
    """Thresholds with ``names[corner]`` at ``value``; the others keep their value where the
    order allows and otherwise move just far enough (``step`` apart, halving near 0)."""
    values = [float(current[name]) for name in names]
    values[corner] = float(value)
    for i in range(corner - 1, -1, -1):
        if values[i] <= values[i + 1]:
            values[i] = values[i + 1] + step
    for i in range(corner + 1, len(names) - 1):
        if values[i] >= values[i - 1]:
            lower = values[i - 1] - step
            values[i] = lower if lower > 0 else values[i - 1] / 2
    values[-1] = 0.0
    return dict(zip(names, values, strict=True))


def _routes(model: LeadModel, to_sales: set[str]) -> list[dict[str, object]]:
    """The routing rows with exactly ``to_sales`` routed to sales: a new sales cell gets the
    longest SLA of the current sales cells; a cell leaving sales gets the default route."""
    rows = routing_rows(model)
    slas = [row["sla_hours"] for row in rows if row["action"] == SALES_ACTION and row["sla_hours"]]
    default = model.routing.default
    fallback = (default.action, default.sla_hours) if default.action != SALES_ACTION else ("nurture", None)
    for row in rows:
        if row["rating"] in to_sales and row["action"] != SALES_ACTION:
            row.update(action=SALES_ACTION, sla_hours=max(slas) if slas else None)
        elif row["rating"] not in to_sales and row["action"] == SALES_ACTION:
            row.update(action=fallback[0], sla_hours=fallback[1])
    return rows


def proposed_model(model: LeadModel, corner: tuple[int, int], t: float, u: float) -> LeadModel:
    """``model`` with the corner letter from ``t``, the corner number from ``u`` (0 opens the
    whole axis: every letter, or every number) and the cells of the corner routed to sales."""
    letter, number = corner
    if t <= 0:
        letter, profile = len(LETTERS) - 1, model.profile.grades.as_dict()
    else:
        profile = place_threshold(model.profile.grades.as_dict(), LETTERS, letter, t)
    if u <= 0:
        number, engagement = len(NUMBERS) - 1, model.engagement.grades.as_dict()
    else:
        engagement = place_threshold(model.engagement.grades.as_dict(), NUMBERS, number, u)
    to_sales = {r for r in RATINGS if LETTERS.index(r[0]) <= letter and NUMBERS.index(r[1]) <= number}
    edited = with_grades(with_grades(model, "profile", profile), "engagement", engagement)
    return with_routing(edited, _routes(edited, to_sales))


@dataclass(frozen=True)
class Proposal:
    """Thresholds and routing meeting ``target``, with the figures before and after."""

    target: Target
    model: LeadModel
    current: SalesSummary
    proposed: SalesSummary
    curve: pd.DataFrame  # the trade-off curve (``tradeoff_curve``)

    @property
    def to_sales(self) -> list[str]:
        return self.model.sales_ratings()

    def as_dict(self) -> dict[str, object]:
        return {
            "target": {"capacity": self.target.capacity, "min_acceptance": self.target.min_acceptance},
            "profile_grades": self.model.profile.grades.as_dict(),
            "engagement_grades": self.model.engagement.grades.as_dict(),
            "to_sales": self.to_sales,
            "current": self.current.as_dict(),
            "proposed": self.proposed.as_dict(),
            "curve": self.curve.to_dict(orient="records"),
        }

    def summary(self) -> str:
        """The proposal in one line of workshop words."""
        grades = ", ".join(f"{k} from {format_number(v)}" for k, v in self.model.profile.grades.as_dict().items()
                           if k != LETTERS[-1])
        numbers = ", ".join(f"{k} from {format_number(v)}"
                            for k, v in self.model.engagement.grades.as_dict().items() if k != NUMBERS[-1])
        per_month = self.proposed.leads_per_month
        volume = "" if per_month is None else f"{per_month:,.0f} leads a month, "
        return (f"For {self.target.describe()}: {grades}; {numbers}; to sales {', '.join(self.to_sales)} — "
                f"{volume}{format_rate(self.proposed.acceptance_rate)} accepted, "
                f"{format_rate(self.proposed.conversions_caught_share)} of past conversions caught")


def threshold_grid(model: LeadModel, scorer: Scorer, outcomes: Outcomes = OUTCOMES,
                   step: float = GRID_STEP) -> Grid:
    """The candidate grid of ``model``'s scores on the scorer's leads (scored once)."""
    rated = scorer.rate(model)
    history = history_of(scorer, outcomes)
    return candidate_grid(rated.profile_score, rated.engagement_score, history, step)


def propose_thresholds(model: LeadModel, scorer: Scorer, target: Target, outcomes: Outcomes = OUTCOMES,
                       step: float = GRID_STEP) -> Proposal:
    """Thresholds and to-sales cells meeting ``target`` on the scorer's leads, with the
    trade-off curve; ``CalibrationError`` (one sentence) when the target cannot be met or checked."""
    grid = threshold_grid(model, scorer, outcomes, step)
    _check_target(target, grid)
    corner = _corner(model)
    current = (model.profile.grades.as_dict()[LETTERS[corner[0]]],
               model.engagement.grades.as_dict()[NUMBERS[corner[1]]])
    i, j = best_candidate(grid, target, current)
    proposal = proposed_model(model, corner, float(grid.profile[i]), float(grid.engagement[j]))
    return Proposal(target, proposal, preview(model, scorer, outcomes).sales,
                    preview(proposal, scorer, outcomes).sales, tradeoff_curve(grid))
