"""Thresholds from a target (scoring.calibrate): the proposal on a history worked out by
hand (see calibrate_cases), one-sentence refusals, and, for any history, a proposal that
meets the target whenever a corner set does and is the best such set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from calibrate_cases import hand_leads, hand_model, hand_scorer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.calibrate import (
    CalibrationError,
    Target,
    place_threshold,
    propose_thresholds,
    threshold_grid,
)
from scoring.model import LETTERS, NUMBERS

# ----- the grid ------------------------------------------------------------------------------


def test_grid_counts_each_corner_set_by_hand():
    grid = threshold_grid(hand_model(), hand_scorer())
    at = {float(v): i for i, v in enumerate(grid.profile)}
    # profile >= 60 and engagement >= 40: L1, L2, L3, L4 (3 of 4 accepted, 2 converted)
    assert grid.leads[at[60], at[40]] == 4
    assert (grid.decided[at[60], at[40]], grid.accepted[at[60], at[40]]) == (4, 3)
    assert grid.converted[at[60], at[40]] == 2
    # profile >= 61 leaves the 100s only; engagement >= 41 the 80s: L1
    assert grid.leads[at[61], at[41]] == 1
    # thresholds of 0 take every lead; one month of history, so per month = leads
    assert grid.leads[0, 0] == 8 and grid.months == 1.0 and grid.per_month[0, 0] == 8
    assert grid.total_converted == 2
    assert grid.acceptance[at[60], at[40]] == pytest.approx(0.75)
    assert grid.conversions_share[at[100], at[80]] == pytest.approx(0.5)


# ----- proposals worked out by hand ----------------------------------------------------------


def test_capacity_proposal_by_hand():
    # Within 3 leads a month the most accepted net of rejected is 2: {L1, L2} or {L1, L3};
    # {L1, L3} catches both conversions. It is profile >= t for t in (20, 60] and engagement
    # >= u for u in (40, 80]; the closest to the current A 90 / 1 70 are t = 60, u = 70.
    proposal = propose_thresholds(hand_model(), hand_scorer(), Target(capacity=3))
    assert proposal.model.profile.grades.as_dict() == {"A": 60, "B": 50, "C": 10, "D": 0}
    assert proposal.model.engagement.grades.as_dict() == {"1": 70, "2": 30, "3": 10, "4": 0}
    assert proposal.to_sales == ["A1"]
    assert proposal.model.routing.route_for("A1").sla_hours == 24
    sales = proposal.proposed
    assert (sales.leads, sales.leads_per_month, sales.decided) == (2, 2.0, 2)
    assert sales.acceptance_rate == 1.0 and sales.conversions_caught_share == 1.0
    assert proposal.current.leads == 1  # the current model sends L1 only
    assert "A from 60" in proposal.summary() and "2 leads a month" in proposal.summary()


def test_min_acceptance_proposal_by_hand():
    # At least 60 % accepted (1 decision enough): the most accepted is 3, by {L1..L4},
    # {L1..L5} and {L1, L2, L3, L4, L7, L8}, all with 2 conversions; {L1..L4} uses the fewest
    # leads: profile >= t in (20, 60], engagement >= u in (0, 40]; closest: t = 60, u = 40.
    proposal = propose_thresholds(hand_model(), hand_scorer(), Target(min_acceptance=0.6, min_decisions=1))
    assert proposal.model.profile.grades.as_dict()["A"] == 60
    assert proposal.model.engagement.grades.as_dict() == {"1": 40, "2": 30, "3": 10, "4": 0}
    assert proposal.to_sales == ["A1"]
    assert (proposal.proposed.leads, proposal.proposed.decided) == (4, 4)
    assert proposal.proposed.acceptance_rate == pytest.approx(0.75)


def test_the_corner_of_the_routed_cells_takes_the_lines():
    # Capacity 4, net accepted: {L1, L2, L3, L4} has 3 - 1 = 2 like {L1, L3} but catches no
    # more conversions and uses more leads; so the answer stays {L1, L3}: t in (20, 60], u in
    # (40, 80]. The corner is now B2 (A1, A2, B1, B2 to sales), whose lines are B 50 and 2 30:
    # the closest are t = 50 (B stays) and u = 41 (2 moves up from 30).
    model = hand_model(routing={"cells": {r: {"action": "sales"} for r in ("A1", "A2", "B1", "B2")}})
    proposal = propose_thresholds(model, hand_scorer(), Target(capacity=4))
    assert proposal.model.profile.grades.as_dict() == {"A": 90, "B": 50, "C": 10, "D": 0}
    assert proposal.model.engagement.grades.as_dict() == {"1": 70, "2": 41, "3": 10, "4": 0}
    assert proposal.to_sales == ["A1", "A2", "B1", "B2"]
    assert proposal.proposed.leads == 2


def test_curve_is_the_best_per_volume_and_ends_at_every_lead():
    curve = propose_thresholds(hand_model(), hand_scorer(), Target(capacity=3)).curve
    assert curve["leads"].is_monotonic_increasing
    # 1 lead catches 1 conversion (L1), 2 leads catch both (L1, L3): nothing more to gain
    assert curve["leads"].tolist() == [1, 2]
    assert curve["conversions_caught_share"].tolist() == [0.5, 1.0]
    assert curve["acceptance_rate"].tolist() == [1.0, 1.0]


def test_place_threshold_keeps_the_order():
    current = {"A": 70, "B": 50, "C": 30, "D": 0}
    assert place_threshold(current, LETTERS, 1, 82) == {"A": 83, "B": 82, "C": 30, "D": 0}
    assert place_threshold(current, LETTERS, 1, 20) == {"A": 70, "B": 20, "C": 19, "D": 0}
    assert place_threshold(current, LETTERS, 1, 0.5) == {"A": 70, "B": 0.5, "C": 0.25, "D": 0}
    assert place_threshold({"1": 55, "2": 30, "3": 12, "4": 0}, NUMBERS, 2, 60) == \
        {"1": 62, "2": 61, "3": 60, "4": 0}


# ----- bad input: one sentence each ----------------------------------------------------------


@pytest.mark.parametrize(("target", "words"), [
    (Target(capacity=0), "the capacity must be at least 1 lead a month; got 0"),
    (Target(capacity=-5), "at least 1 lead a month"),
    (Target(capacity=float("nan")), "at least 1 lead a month"),
    (Target(capacity=9), "a capacity of 9 leads a month is more than all 8 leads of the history"),
    (Target(), "give either a capacity"),
    (Target(capacity=3, min_acceptance=0.5), "give either a capacity"),
    (Target(min_acceptance=0), "above 0 and at most 1"),
    (Target(min_acceptance=1.5), "above 0 and at most 1"),
    (Target(min_acceptance=1.0, min_decisions=3), "no thresholds reach 100% acceptance with at least 3 sales "
                                                  "decisions in the to-sales set; the best is 75%"),
    (Target(min_acceptance=0.5), "with at least 30 sales decisions in the to-sales set; no set has enough"),
])
def test_targets_that_cannot_be_met_or_checked(target, words):
    with pytest.raises(CalibrationError) as raised:
        propose_thresholds(hand_model(), hand_scorer(), target)
    assert words in str(raised.value)
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, scoring.LeadGridError)


def test_no_outcomes_no_dates_no_decisions():
    no_outcomes = hand_scorer(hand_leads(accepted=None, converted=None))
    with pytest.raises(CalibrationError, match="record no outcomes"):
        propose_thresholds(hand_model(), no_outcomes, Target(capacity=2))
    no_decisions = hand_scorer(hand_leads(accepted=None))
    with pytest.raises(CalibrationError, match=r"no sales decisions .* give a capacity instead"):
        propose_thresholds(hand_model(), no_decisions, Target(min_acceptance=0.5))
    # without decisions a capacity still works, catching the most conversions: {L1, L3}
    assert propose_thresholds(hand_model(), no_decisions, Target(capacity=2)).proposed.conversions_caught == 2
    no_dates = hand_scorer(hand_leads(created_at=None))
    with pytest.raises(CalibrationError, match="no created_at or scored_at dates"):
        propose_thresholds(hand_model(), no_dates, Target(capacity=2))


def test_ties_at_the_top_can_make_a_capacity_unreachable():
    leads = hand_leads()
    twin = pd.concat([leads, leads.iloc[[0]].assign(lead_id=9)], ignore_index=True)
    with pytest.raises(CalibrationError, match=r"the smallest set that can go to sales is 2\.0 leads a month"):
        propose_thresholds(hand_model(), hand_scorer(twin), Target(capacity=1))


# ----- for any history ------------------------------------------------------------------------


@st.composite
def histories(draw):
    n = draw(st.integers(1, 25))
    tiers = draw(st.lists(st.sampled_from("abcd"), min_size=n, max_size=n))
    visits = draw(st.lists(st.integers(0, 15), min_size=n, max_size=n))
    accepted = draw(st.lists(st.sampled_from(["true", "false", ""]), min_size=n, max_size=n))
    converted = draw(st.lists(st.sampled_from(["true", "false"]), min_size=n, max_size=n))
    return pd.DataFrame({"lead_id": range(1, n + 1), "created_at": "2025-01-01", "tier": tiers, "visits": visits,
                          "accepted": accepted, "converted": converted})


def _corner_sets(scorer, model):
    """Every set profile >= t and engagement >= u over the scores' own values, by brute force."""
    rated = scorer.rate(model)
    p, e = rated.profile_score, rated.engagement_score
    for t in np.unique(np.r_[p, 0.0]):
        for u in np.unique(np.r_[e, 0.0]):
            yield (p >= t) & (e >= u)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.integers(1, 25))
def test_a_capacity_is_met_whenever_a_corner_set_meets_it(leads, capacity):
    model = hand_model()
    scorer = hand_scorer(leads)
    history = scorer.memo(("history", scoring.Outcomes()),
                          lambda: scoring.metrics.History.read(scorer.leads, scoring.Outcomes()))
    accepted = np.nan_to_num(history.accepted.values, nan=0.0)
    decided = history.accepted.known
    sets = [s for s in _corner_sets(scorer, model) if 1 <= s.sum() <= capacity]
    target = Target(capacity=capacity)
    if capacity > len(leads) or not (decided.any() or (history.converted.values == 1).any()):
        with pytest.raises(CalibrationError):
            propose_thresholds(model, scorer, target)
        return
    if not sets:
        with pytest.raises(CalibrationError, match="no thresholds send at most"):
            propose_thresholds(model, scorer, target)
        return
    proposal = propose_thresholds(model, scorer, target)
    assert 1 <= proposal.proposed.leads <= capacity
    sent = (scorer.score(proposal.model)["action"] == "sales").to_numpy()
    if decided.any():  # the best net of accepted over rejected that any corner set reaches
        best = max(2 * accepted[s].sum() - decided[s].sum() for s in sets)
        assert 2 * accepted[sent].sum() - decided[sent].sum() == best
    else:
        converted = history.converted.values == 1
        assert converted[sent].sum() == max(converted[s].sum() for s in sets)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.sampled_from([0.3, 0.5, 0.6, 0.75, 1.0]))
def test_a_minimum_acceptance_is_met_whenever_a_corner_set_meets_it(leads, rate):
    model, scorer = hand_model(), hand_scorer(leads)
    target = Target(min_acceptance=rate, min_decisions=2)
    history = scoring.metrics.History.read(scorer.leads)
    accepted, decided = np.nan_to_num(history.accepted.values, nan=0.0), history.accepted.known
    meets = [s for s in _corner_sets(scorer, model)
             if s.sum() >= 1 and decided[s].sum() >= 2 and accepted[s].sum() / decided[s].sum() >= rate]
    if not meets:
        with pytest.raises(CalibrationError):
            propose_thresholds(model, scorer, target)
        return
    proposal = propose_thresholds(model, scorer, target)
    assert proposal.proposed.acceptance_rate >= rate - 1e-12
    assert proposal.proposed.decided >= 2
    sent = (scorer.score(proposal.model)["action"] == "sales").to_numpy()
    assert accepted[sent].sum() == max(accepted[s].sum() for s in meets)
