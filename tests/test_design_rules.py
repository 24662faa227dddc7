"""scoring.design's rules, bands, shares, roles and grades: small cases worked out by hand,
and the sign of every share against pandas on the raw rows (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.design.bands import chi_square, nice_cut, outcome_cuts, plain_cuts
from scoring.design.evidence import Evidence
from scoring.design.grades import quantile_grades
from scoring.design.roles import IGNORE, find_outcome, suggest_roles
from scoring.design.rules import min_leads, propose_rules
from scoring.model.schema import LETTERS


def test_share_is_the_shrunk_lift_on_a_log_scale_by_hand():
    # base 10 %: 36 of 180 -> (36 + 20 * 0.1) / 200 = 0.19, lift 1.9, 50 * log2(1.9) = 46.3
    assert Evidence(180, 180, 36, 0.1).share() == 46
    # 9 of 180 -> 11 / 200 = 0.055, lift 0.55, 50 * log2(0.55) = -43.1
    assert Evidence(180, 180, 9, 0.1).share() == -43
    # 40 of 80 -> 42 / 100 = 0.42, lift 4.2: beyond 4, capped at 100
    assert Evidence(80, 80, 40, 0.1).share() == 100
    assert Evidence(50, 50, 5, 0.1).share() == 0  # at the base rate
    assert Evidence(50, 0, 0, 0.1).share() == 0  # no known outcome: no evidence
    assert Evidence(50, 0, 0, math.nan).share() == 0  # no outcome at all


def test_text_values_with_enough_leads_become_rules_and_the_rest_the_default():
    # 100 leads: A 40 (20 converted), B 40 (4), C 10 (5), missing 10 (1); base 30 %.
    values = ["A"] * 40 + ["B"] * 40 + ["C"] * 10 + [None] * 10
    outcome = np.array([1.0] * 20 + [0.0] * 20 + [1.0] * 4 + [0.0] * 36 + [1.0] * 5 + [0.0] * 5 + [1.0] + [0.0] * 9)
    proposal = propose_rules("segment", "segment", pd.Series(values, dtype=object), outcome)
    assert min_leads(100) == 30  # C (10) and the missing (10) are too few for rules of their own
    assert [r.match for r in proposal.rules] == [{"in": ["A"]}, {"in": ["B"]}]
    # A: (20 + 6) / 60 = 0.433, lift 1.444 -> 26.5; B: (4 + 6) / 60 = 0.167, lift 0.556 -> -42.4
    assert [r.share for r in proposal.rules] == [27, -42]
    # the default catches C and the missing: 6 of 20 = the base rate
    assert (proposal.default.evidence.leads, proposal.default.evidence.hits) == (20, 6)
    assert proposal.default.share == 0
    assert proposal.rules[0].evidence.rate == 0.5 and proposal.rules[0].evidence.lift == pytest.approx(0.5 / 0.3)


def test_missing_values_get_their_own_rule_when_enough_leads_have_none():
    values = ["x"] * 60 + [None] * 40
    outcome = np.array([0.0] * 60 + [1.0] * 40)
    proposal = propose_rules("c", "c", pd.Series(values, dtype=object), outcome)
    assert proposal.rules[-1].match == {"missing": True}
    assert proposal.rules[-1].evidence.leads == 40 and proposal.rules[-1].share > 0


def test_chi_square_by_hand():
    # [[10, 90], [30, 70]]: expected 20/80 in each row: (100/20 + 100/80) * 2 = 12.5
    assert chi_square(10, 100, 30, 100) == pytest.approx(12.5)
    assert chi_square(10, 100, 10, 100) == 0


def test_nice_cuts_split_the_same_leads():
    assert nice_cut(16, 17) == 17
    assert nice_cut(33_700_000, 33_762_000) == 33_760_000
    assert nice_cut(499, 500) == 500
    assert nice_cut(2.5, 2.67) == 2.6
    assert nice_cut(-1, 0.5) == 0


def test_bands_are_cut_where_the_outcome_changes():
    values = np.arange(1000, dtype=float)
    # below 500 one lead in 20 converts, from 500 one in 2
    outcome = np.where(values < 500, (values % 20 == 0), (values % 2 == 0)).astype(float)
    assert outcome_cuts(values, outcome, min_known=30) == [500.0]
    assert plain_cuts(values, 30) == [250.0, 500.0, 750.0]  # no outcome: quartiles


def test_numbers_with_many_values_get_range_bands():
    values = pd.Series([str(v) for v in range(1000)])
    outcome = np.where(np.arange(1000) < 500, np.arange(1000) % 20 == 0, np.arange(1000) % 2 == 0).astype(float)
    proposal = propose_rules("age", "age", values, outcome)
    assert proposal.method == "bands"
    assert [r.match for r in proposal.rules] == [{"range": [None, 500.0]}, {"range": [500.0, None]}]
    assert proposal.rules[0].share < 0 < proposal.rules[1].share


def test_roles_never_propose_ids_dates_outcomes_or_late_columns():
    n = 200
    rng = np.random.default_rng(0)
    leads = pd.DataFrame({
        "Customer ID": [f"c{i}" for i in range(n)],
        "signup": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "Purchased": rng.choice(["yes", "no"], n),
        "industry": rng.choice(["a", "b", "c"], n),
        "page_views": rng.integers(0, 50, n).astype(str),
        "Tags": rng.choice(["ringing", "closed"], n),
        "email": [f"p{i}@x.com" for i in range(n)],
    })
    outcome = find_outcome(leads)
    assert outcome.column == "Purchased" and outcome.field == "converted"
    roles = {r.column: r for r in suggest_roles(leads, {outcome.column}, "Customer ID")}
    for ignored in ("Customer ID", "signup", "Purchased", "Tags", "email"):
        assert roles[ignored].role == IGNORE, roles[ignored]
    assert roles["industry"].role == "profile"
    assert roles["page_views"].role == "engagement"


def test_grades_at_quantiles_by_hand_and_past_ties():
    grades = quantile_grades(np.arange(100, dtype=float), LETTERS, "profile").grades
    assert grades == {"A": 89.1, "B": 69.3, "C": 39.6, "D": 0.0}  # numpy's linear quantiles .9, .7, .4
    # A's quantile is 5.2 (between the 5s and the 7s): the 7s are the A's. B's quantile is 0: the
    # smallest score above 0 (5). C's is 0 too, and no score is left between 0 and 5: halfway, empty
    tied = np.array([0.0] * 80 + [5.0] * 10 + [7.0] * 10)
    assert quantile_grades(tied, LETTERS, "profile").grades == {"A": 5.2, "B": 5.0, "C": 2.5, "D": 0.0}
    # one score above 0 for 11 % of the leads: A starts there, B and C are empty below it
    few = np.array([0.0] * 89 + [9.0] * 11)
    assert quantile_grades(few, LETTERS, "profile").grades == {"A": 9.0, "B": 4.5, "C": 2.25, "D": 0.0}
    assert quantile_grades(np.zeros(10), LETTERS, "profile").grades == {"A": 3.0, "B": 1.5, "C": 0.75, "D": 0.0}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", None]), st.booleans()), min_size=40, max_size=300),
       st.booleans())
def test_a_share_has_the_sign_of_its_rule_rate_minus_the_base_rate(rows, as_numbers):
    values = [v if v is None or not as_numbers else str("abcd".index(v) * 7) for v, _ in rows]
    outcome = np.array([float(hit) for _, hit in rows])
    proposal = propose_rules("c", "c", pd.Series(values, dtype=object), outcome)
    frame = pd.DataFrame({"value": values, "hit": outcome})
    base = frame["hit"].mean()
    matched = pd.Series(False, index=frame.index)
    for rule in proposal.rules:
        if "in" in rule.match:
            mask = frame["value"].isin(rule.match["in"])
        elif "missing" in rule.match:
            mask = frame["value"].isna()
        else:
            low, high = rule.match["range"]
            numbers = pd.to_numeric(frame["value"], errors="coerce")
            mask = numbers.notna() & (numbers >= (low if low is not None else -np.inf)) & \
                (numbers < (high if high is not None else np.inf))
        mask &= ~matched
        matched |= mask
        assert rule.evidence.leads == int(mask.sum())
        rate = frame.loc[mask, "hit"].mean()
        assert rule.share == 0 or np.sign(rule.share) == np.sign(rate - base), (rule, rate, base)
    rest = frame.loc[~matched, "hit"]
    assert proposal.default.evidence.leads == len(rest)
    if len(rest):
        assert proposal.default.share == 0 or np.sign(proposal.default.share) == np.sign(rest.mean() - base)
