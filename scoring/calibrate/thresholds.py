"""Thresholds from a target: where the A–D and 1–4 lines go so that the to-sales set meets
a sales capacity or a minimum acceptance rate on history.

A proposal keeps the room's routing: every cell keeps its route, and only the lines move.
It moves the line of the corner of the cells routed to sales (their worst letter and worst
number; B2 when none is) to t and u, the other lines keeping their place where the order
allows (``place_threshold``). Only a model that routes no cell to sales gets a routing
change, the corner B2 to sales, and says so. Every change is listed (``Proposal.changes``,
from ``diff.describe_changes``). The leads are scored once; each (t, u) on a grid of whole
points, plus the current lines, is then judged from 2-D histograms of the scores
(``calibrate_grid``), so every candidate costs a lookup, whatever the number of leads. The
chosen candidate is scored again by the engine (``metrics.preview``) and its figures are
the ones reported; a proposal that does worse than the current model on its own target
says so (``Proposal.worse``).

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

from scoring.calibrate.grid import to_sales_counts
from scoring.calibrate.target import Target as Target  # re-exported: thresholds was its home
from scoring.calibrate.verdict import worse_reason
from scoring.engine.scorer import Scorer
from scoring.errors import LeadGridError
from scoring.formatting import format_number, format_rate
from scoring.measures.metrics import (
    History,
    Outcomes,
    SalesSummary,
    history_of,
    preview,
)
from scoring.model.diff import describe_changes
from scoring.model.edit import with_grades, with_routing
from scoring.model.schema import LETTERS, NUMBERS, RATINGS, SALES_ACTION, LeadModel
from scoring.model.tables import routing_rows

GRID_STEP = 1.0  # candidate thresholds: 1, 2, .., 100 points (and the current one)
DEFAULT_CORNER = (1, 1)  # B2, when the model routes no cell to sales
OUTCOMES = Outcomes()  # the default outcome column names


class CalibrationError(LeadGridError):
    """A target that cannot be met or checked on this history; the message is one sentence."""


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
    total_decided: int = 0
    total_accepted: int = 0
    window_leads: np.ndarray | None = None  # ``leads`` dated inside the history's per-month window
    window_total: int | None = None  # every lead dated inside it

    @property
    def per_month(self) -> np.ndarray:
        """Per candidate: its to-sales leads a month, over the per-month window (``scoring.measures.volume``)."""
        leads = self.leads if self.window_leads is None else self.window_leads
        return leads / self.months if self.months else np.full(self.leads.shape, np.nan)

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
        return 2 * self.accepted - self.decided if self.total_decided else self.converted


def candidate_grid(profile_score: np.ndarray, engagement_score: np.ndarray, history: History,
                   profile_lines: np.ndarray, engagement_lines: np.ndarray, to_sales: np.ndarray,
                   profile_values: np.ndarray, engagement_values: np.ndarray) -> Grid:
    """Figures of the to-sales set (the cells of the (letters, numbers) mask ``to_sales``) for
    every pair of candidate lines: ``profile_lines[i]`` (the corner line at ``profile_values[i]``)
    and ``engagement_lines[j]`` (at ``engagement_values[j]``)."""
    count = len(profile_score)
    known_accepted = _known(history.accepted, count)
    known_converted = _known(history.converted, count)
    sums = to_sales_counts(profile_score, engagement_score, profile_lines, engagement_lines, to_sales,
                           {"leads": None, "decided": known_accepted[0], "accepted": known_accepted[1],
                            "converted": known_converted[1], "window_leads": history.in_window.astype(float)})
    return Grid(np.asarray(profile_values, dtype=float), np.asarray(engagement_values, dtype=float), sums["leads"],
                sums["decided"], sums["accepted"], sums["converted"], count, round(known_converted[1].sum()),
                history.months, round(known_accepted[0].sum()), round(known_accepted[1].sum()),
                window_leads=sums["window_leads"], window_total=int(history.in_window.sum()))


def _known(flags, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(1 where the outcome is known, 1 where it is yes) as float weights; zeros without the column."""
    if flags is None:
        return np.zeros(count), np.zeros(count)
    return flags.known.astype(float), np.where(flags.known, flags.values, 0.0)


def _check_target(target: Target, grid: Grid) -> None:
    if (target.capacity is None) == (target.min_acceptance is None):
        raise CalibrationError("give either a capacity (leads a month) or a minimum acceptance rate, not both")
    if grid.total_decided == 0 and grid.total_converted == 0:
        raise CalibrationError("the leads record no outcomes (no sales decisions in accepted, no converted "
                               "values): there is nothing to calibrate against")
    if grid.total_decided and grid.total_accepted in (0, grid.total_decided):
        verdict = "rejected" if grid.total_accepted == 0 else "accepted"
        raise CalibrationError(f"sales {verdict} every one of the {grid.total_decided:,} leads they decided on, so "
                               "acceptance cannot tell one set of thresholds from another; check which column "
                               "is mapped to accepted")
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
                                   f"{(grid.window_total or 0) / grid.months:,.0f}, the leads a month it has")
    else:
        rate = target.min_acceptance
        if not math.isfinite(rate) or not 0 < rate <= 1:
            raise CalibrationError(f"the minimum acceptance rate must be above 0 and at most 1 (100%); got {rate:g}")
        if grid.total_decided == 0:
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
    if not (grid.leads >= 1).any():
        return ("no place of the lines sends a lead to the cells routed to sales: every lead of the history "
                "scores too low on one axis to reach them (a score of 0 stays in the lowest grade)")
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


def _corner_cells(corner: tuple[int, int]) -> set[str]:
    return {r for r in RATINGS if LETTERS.index(r[0]) <= corner[0] and NUMBERS.index(r[1]) <= corner[1]}


def sales_cells(model: LeadModel) -> set[str]:
    """The cells a proposal routes to sales: the model's own, or the corner B2 when it has none."""
    return set(model.sales_ratings()) or _corner_cells(DEFAULT_CORNER)


def _mask(cells: set[str]) -> np.ndarray:
    return np.array([[f"{letter}{number}" in cells for number in NUMBERS] for letter in LETTERS])


def candidate_values(current: float, step: float = GRID_STEP) -> np.ndarray:
    """Where a corner line may go: whole points from ``step`` to 100, and where it is now."""
    return np.unique(np.r_[np.arange(step, 100.0 + step / 2, step), float(current)])


def _lines(current: dict[str, float], names: tuple[str, ...], corner: int, values: np.ndarray) -> np.ndarray:
    placed = (place_threshold(current, names, corner, value) for value in values)
    return np.array([[lines[name] for name in names] for lines in placed])


def proposed_model(model: LeadModel, corner: tuple[int, int], t: float, u: float) -> LeadModel:
    """``model`` with the corner letter's line at ``t`` and the corner number's at ``u`` (the
    other lines moved only as far as the order needs); every route kept, unless the model
    routes no cell to sales: then the corner's cells go to sales."""
    profile = place_threshold(model.profile.grades.as_dict(), LETTERS, corner[0], t)
    engagement = place_threshold(model.engagement.grades.as_dict(), NUMBERS, corner[1], u)
    edited = with_grades(with_grades(model, "profile", profile), "engagement", engagement)
    if model.sales_ratings():
        return edited
    return with_routing(edited, _routes(edited, _corner_cells(corner)))


@dataclass(frozen=True)
class Proposal:
    """Thresholds (and, for a model routing nothing to sales, routing) meeting ``target``, with
    the figures before and after, every change in words and, when the current model does
    better on the target, why (``worse``)."""

    target: Target
    model: LeadModel
    current: SalesSummary
    proposed: SalesSummary
    curve: pd.DataFrame  # the trade-off curve (``tradeoff_curve``)
    changes: tuple[str, ...] = ()  # diff.describe_changes(current model, proposal)
    worse: str | None = None

    @property
    def to_sales(self) -> list[str]:
        return self.model.sales_ratings()

    @property
    def routing_changes(self) -> list[str]:
        """The changes to routing (none unless the model routed no cell to sales)."""
        return [change for change in self.changes if change[:2] in RATINGS and change[2] == ":"]

    def history_text(self) -> str:
        """The change history's entry: the target, then every change."""
        return f"Calibrate for {self.target.describe()}: " + ("; ".join(self.changes) or "no change")

    def as_dict(self) -> dict[str, object]:
        return {
            "target": {"capacity": self.target.capacity, "min_acceptance": self.target.min_acceptance},
            "profile_grades": self.model.profile.grades.as_dict(),
            "engagement_grades": self.model.engagement.grades.as_dict(),
            "to_sales": self.to_sales,
            "routing_kept": not self.routing_changes,
            "changes": list(self.changes),
            "worse_than_current": self.worse,
            "current": self.current.as_dict(),
            "proposed": self.proposed.as_dict(),
            "curve": self.curve.to_dict(orient="records"),
        }

    def summary(self) -> str:
        """The proposal in one line of workshop words: lines, to-sales cells, whether the
        routing is kept, and the figures."""
        grades = ", ".join(f"{k} from {format_number(v)}" for k, v in self.model.profile.grades.as_dict().items()
                           if k != LETTERS[-1])
        numbers = ", ".join(f"{k} from {format_number(v)}"
                            for k, v in self.model.engagement.grades.as_dict().items() if k != NUMBERS[-1])
        per_month = self.proposed.leads_per_month
        volume = "" if per_month is None else f"{per_month:,.0f} leads a month, "
        routing = ("routing changed: " + "; ".join(self.routing_changes)) if self.routing_changes \
            else "routing kept"
        return (f"For {self.target.describe()}: {grades}; {numbers}; to sales {', '.join(self.to_sales)} "
                f"({routing}) — {volume}{format_rate(self.proposed.acceptance_rate)} accepted, "
                f"{format_rate(self.proposed.conversions_caught_share)} of past conversions caught")


def _corner_lines(model: LeadModel, corner: tuple[int, int],
                  step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The corner lines' candidate values and every grade's lines under each, per axis."""
    profile, engagement = model.profile.grades.as_dict(), model.engagement.grades.as_dict()
    t = candidate_values(profile[LETTERS[corner[0]]], step)
    u = candidate_values(engagement[NUMBERS[corner[1]]], step)
    return t, _lines(profile, LETTERS, corner[0], t), u, _lines(engagement, NUMBERS, corner[1], u)


def threshold_grid(model: LeadModel, scorer: Scorer, outcomes: Outcomes = OUTCOMES,
                   step: float = GRID_STEP) -> Grid:
    """The candidate grid of ``model``'s scores on the scorer's leads (scored once): the
    to-sales figures for each place of the corner lines, the routing kept."""
    rated = scorer.rate(model)
    history = history_of(scorer, outcomes)
    t, profile_lines, u, engagement_lines = _corner_lines(model, _corner(model), step)
    return candidate_grid(rated.profile_score, rated.engagement_score, history, profile_lines, engagement_lines,
                          _mask(sales_cells(model)), t, u)


def propose_thresholds(model: LeadModel, scorer: Scorer, target: Target, outcomes: Outcomes = OUTCOMES,
                       step: float = GRID_STEP) -> Proposal:
    """Thresholds meeting ``target`` on the scorer's leads, the routing kept, with the
    trade-off curve; ``CalibrationError`` (one sentence) when the target cannot be met or checked."""
    grid = threshold_grid(model, scorer, outcomes, step)
    _check_target(target, grid)
    corner = _corner(model)
    current = (model.profile.grades.as_dict()[LETTERS[corner[0]]],
               model.engagement.grades.as_dict()[NUMBERS[corner[1]]])
    i, j = best_candidate(grid, target, current)
    proposal = proposed_model(model, corner, float(grid.profile[i]), float(grid.engagement[j]))
    before, after = preview(model, scorer, outcomes).sales, preview(proposal, scorer, outcomes).sales
    return Proposal(target, proposal, before, after, tradeoff_curve(grid), tuple(describe_changes(model, proposal)),
                    worse_reason(before, after, target, bool(grid.total_decided)))
