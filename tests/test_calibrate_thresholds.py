"""Thresholds from a target (scoring.calibrate.thresholds): the proposal on a history worked out by
hand (see calibrate_cases), one-sentence refusals, the room's routing kept (every change
listed), a proposal worse than the current model labelled, and, for any history, a
proposal that meets the target whenever moving the lines can and is the best such set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from calibrate_cases import hand_leads, hand_model, hand_scorer
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import scoring
from scoring.calibrate.thresholds import (
    CalibrationError,
    Target,
    place_threshold,
    propose_thresholds,
    threshold_grid,
)
from scoring.calibrate.verdict import worse_reason
from scoring.model.diff import describe_changes
from scoring.model.schema import LETTERS, NUMBERS

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
    # the lowest lines, 1 and 1, take every lead scoring above 0 on both: L1..L5; the other
    # three have no visits, so they stay in A4, B4, C4 whatever the lines (A1 only to sales)
    assert grid.profile[0] == 1 and grid.engagement[0] == 1
    assert grid.leads[0, 0] == 5 and grid.total_leads == 8
    assert (grid.total_decided, grid.total_accepted) == (7, 3)
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


# ----- the room's routing is kept; every change is listed -------------------------------------


def test_a_cell_the_room_took_out_of_sales_stays_out():
    # A1, A2, B1 to sales and B2 not (the room moved it): the corner is B2, so the B and 2
    # lines move and B2 keeps its route. Capacity 2: the most accepted net of rejected within
    # 2 leads is 2, {L1, L2} or {L1, L3}; {L1, L3} catches both conversions. Line 2 above 40
    # drops L2 (engagement 40) to A3; the closest to the current 30 is 41. L4 (B2) stays out.
    routing = {"cells": {r: {"action": "sales", "sla_hours": 24} for r in ("A1", "A2", "B1")}}
    model = hand_model(routing=routing)
    proposal = propose_thresholds(model, hand_scorer(), Target(capacity=2))
    assert proposal.model.routing == model.routing
    assert proposal.to_sales == ["A1", "A2", "B1"] and proposal.routing_changes == []
    assert proposal.changes == ("Engagement threshold 2 30 → 41",)
    assert proposal.changes == tuple(describe_changes(model, proposal.model))
    assert "(routing kept)" in proposal.summary()
    sent = scoring.score(proposal.model, hand_leads()).query("action == 'sales'").index
    assert sorted(sent) == [1, 3]
    assert proposal.history_text() == "Calibrate for at most 2 leads a month to sales: Engagement threshold 2 30 → 41"


def test_a_model_routing_nothing_to_sales_gets_the_corner_and_says_so():
    model = hand_model(routing={"default": {"action": "nurture"}})
    proposal = propose_thresholds(model, hand_scorer(), Target(capacity=3))
    assert proposal.to_sales == ["A1", "A2", "B1", "B2"]
    assert proposal.routing_changes == [f"{r}: nurture → sales" for r in ("A1", "A2", "B1", "B2")]
    assert all(change in proposal.changes for change in proposal.routing_changes)
    assert "routing changed: A1: nurture → sales" in proposal.summary()
    assert proposal.as_dict()["routing_kept"] is False


def test_a_proposal_worse_than_the_current_model_says_so():
    # current: A1 = {L1} (accepted); worse: A 55, 1 35 sends L1..L4: 3 accepted, 1 rejected,
    # net 2 > 1: better on a capacity of 4. With A 95 nothing is sent: the current does better.
    scorer, target = hand_scorer(), Target(capacity=4)
    current = scoring.preview(hand_model(), scorer).sales
    more = scoring.preview(hand_model(profile={**hand_model().profile.model_dump(),
                                               "grades": {"A": 55, "B": 50, "C": 10, "D": 0}},
                                      engagement={**hand_model().engagement.model_dump(by_alias=True),
                                                  "grades": {"1": 35, "2": 30, "3": 10, "4": 0}}), scorer).sales
    assert (more.leads, more.decided) == (4, 4)
    assert worse_reason(current, more, target, decisions=True) is None
    reason = worse_reason(more, current, target, decisions=True)
    assert reason == ("the current model does better on this target than the proposal: 75% accepted against 100%, "
                      "100% of past conversions caught against 50%; keep the current thresholds")
    # a current model over the capacity does not meet it: the proposal is not called worse
    assert worse_reason(more, current, Target(capacity=3), decisions=True) is None
    # by a minimum acceptance rate: the most accepted leads (3 against 1)
    assert worse_reason(more, current, Target(min_acceptance=0.5, min_decisions=1), decisions=True) is not None
    assert propose_thresholds(hand_model(), scorer, target).worse is None  # the search never does worse here


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


@pytest.mark.parametrize(("accepted", "verdict"), [("false", "rejected"), ("true", "accepted")])
def test_one_acceptance_value_only_gets_one_sentence(accepted, verdict):
    # issue 20: no lead ever accepted proposed 1 lead a month at 0 % acceptance
    scorer = hand_scorer(hand_leads(accepted=[accepted] * 7 + [""]))
    for target in (Target(capacity=3), Target(min_acceptance=0.5, min_decisions=1)):
        with pytest.raises(CalibrationError) as raised:
            propose_thresholds(hand_model(), scorer, target)
        assert str(raised.value) == (f"sales {verdict} every one of the 7 leads they decided on, so acceptance "
                                     "cannot tell one set of thresholds from another; check which column is "
                                     "mapped to accepted")


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

STAIRCASE = {r: {"action": "sales", "sla_hours": 48} for r in ("A1", "A2", "A3", "B1", "B2")}  # B3 not to sales


@st.composite
def histories(draw):
    n = draw(st.integers(1, 25))
    tiers = draw(st.lists(st.sampled_from("abcd"), min_size=n, max_size=n))
    visits = draw(st.lists(st.integers(0, 15), min_size=n, max_size=n))
    accepted = draw(st.lists(st.sampled_from(["true", "false", ""]), min_size=n, max_size=n))
    converted = draw(st.lists(st.sampled_from(["true", "false"]), min_size=n, max_size=n))
    return pd.DataFrame({"lead_id": range(1, n + 1), "created_at": "2025-01-01", "tier": tiers, "visits": visits,
                          "accepted": accepted, "converted": converted})


def _grades(scores, lines):
    """Grade codes by plain comparisons: how many of the first three lines a score misses."""
    return 3 - sum((scores[None, :] >= lines[:, k, None] - 1e-9) for k in range(3))


def _reachable_sets(scorer, model):
    """Every to-sales set the model's own routing gives when its corner lines go to any whole
    point from 1 to 100 (or stay), the other lines placed by place_threshold: brute force."""
    rated = scorer.rate(model)
    sales = model.sales_ratings()
    corner = (max(LETTERS.index(r[0]) for r in sales), max(NUMBERS.index(r[1]) for r in sales))
    routed = np.array([[f"{a}{b}" in sales for b in NUMBERS] for a in LETTERS])
    axes = []
    for grades, names, at, scores in ((model.profile.grades.as_dict(), LETTERS, corner[0], rated.profile_score),
                                      (model.engagement.grades.as_dict(), NUMBERS, corner[1],
                                       rated.engagement_score)):
        values = np.unique(np.r_[np.arange(1.0, 101.0), grades[names[at]]])
        lines = np.array([[place_threshold(grades, names, at, v)[n] for n in names] for v in values])
        axes.append(_grades(np.asarray(scores, dtype=float), lines))
    letters, numbers = axes
    member = routed[letters[:, None, :], numbers[None, :, :]]
    return list(np.unique(member.reshape(-1, member.shape[-1]), axis=0))


def _single_valued(decided, accepted):
    return decided.any() and accepted[decided].min() == accepted[decided].max()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.integers(1, 25), st.sampled_from(["A1", "staircase"]))
@example(pd.DataFrame({"lead_id": [1, 2], "created_at": "2025-01-01", "tier": "a", "visits": 0,
                       "accepted": ["true", "false"], "converted": "true"}), 1, "A1")  # no visits: A1 unreachable
def test_a_capacity_is_met_whenever_moving_the_lines_can(leads, capacity, routing):
    model = hand_model() if routing == "A1" else hand_model(routing={"cells": STAIRCASE})
    scorer = hand_scorer(leads)
    history = scoring.measures.metrics.history_of(scorer)
    accepted = np.nan_to_num(history.accepted.values, nan=0.0)
    decided = history.accepted.known
    sets = [s for s in _reachable_sets(scorer, model) if 1 <= s.sum() <= capacity]
    target = Target(capacity=capacity)
    if (capacity > len(leads) or not (decided.any() or (history.converted.values == 1).any())
            or _single_valued(decided, accepted)):
        with pytest.raises(CalibrationError):
            propose_thresholds(model, scorer, target)
        return
    if not any(s.sum() for s in _reachable_sets(scorer, model)):
        with pytest.raises(CalibrationError, match="no place of the lines sends a lead"):
            propose_thresholds(model, scorer, target)
        return
    if not sets:
        with pytest.raises(CalibrationError, match="no thresholds send at most"):
            propose_thresholds(model, scorer, target)
        return
    proposal = propose_thresholds(model, scorer, target)
    assert proposal.model.routing == model.routing and not proposal.routing_changes
    assert 1 <= proposal.proposed.leads <= capacity
    sent = (scorer.score(proposal.model)["action"] == "sales").to_numpy()
    if decided.any():  # the best net of accepted over rejected that any reachable set has
        best = max(2 * accepted[s].sum() - decided[s].sum() for s in sets)
        assert 2 * accepted[sent].sum() - decided[sent].sum() == best
    else:
        converted = history.converted.values == 1
        assert converted[sent].sum() == max(converted[s].sum() for s in sets)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.sampled_from([0.3, 0.5, 0.6, 0.75, 1.0]), st.sampled_from(["A1", "staircase"]))
def test_a_minimum_acceptance_is_met_whenever_moving_the_lines_can(leads, rate, routing):
    model = hand_model() if routing == "A1" else hand_model(routing={"cells": STAIRCASE})
    scorer = hand_scorer(leads)
    target = Target(min_acceptance=rate, min_decisions=2)
    history = scoring.measures.metrics.history_of(scorer)
    accepted, decided = np.nan_to_num(history.accepted.values, nan=0.0), history.accepted.known
    meets = [s for s in _reachable_sets(scorer, model)
             if s.sum() >= 1 and decided[s].sum() >= 2 and accepted[s].sum() / decided[s].sum() >= rate]
    if not meets or _single_valued(decided, accepted):
        with pytest.raises(CalibrationError):
            propose_thresholds(model, scorer, target)
        return
    proposal = propose_thresholds(model, scorer, target)
    assert proposal.model.routing == model.routing
    assert proposal.proposed.acceptance_rate >= rate - 1e-12
    assert proposal.proposed.decided >= 2
    sent = (scorer.score(proposal.model)["action"] == "sales").to_numpy()
    assert accepted[sent].sum() == max(accepted[s].sum() for s in meets)
