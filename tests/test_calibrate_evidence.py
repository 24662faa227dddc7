"""Evidence for calibration (scoring.calibrate.weights, calibrate_quality, calibrate_honesty):
per-rule lift, suggested weights, AUC, gain and lift, small cells and the honesty warnings,
each against a case worked out by hand (calibrate_cases), and AUC against its pairwise
definition for any input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from calibrate_cases import (
    hand_leads,
    hand_model,
    hand_scorer,
    two_category_leads,
    two_category_model,
)
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.calibrate.honesty import honesty_warnings, quarterly_decisions
from scoring.calibrate.quality import (
    RankedScores,
    gain_curve,
    lift_at,
    model_quality,
    roc_auc,
    small_cells,
)
from scoring.calibrate.weights import (
    _distinct_rows,
    category_evidence,
    fit_coefficients,
    suggest_weights,
    whole_weights,
)
from scoring.measures.metrics import wilson_interval

# ----- per rule -------------------------------------------------------------------------------


def test_rule_lift_by_hand():
    frame = category_evidence(hand_model(), hand_scorer()).set_index("rule")
    assert frame.index.tolist() == ["rule 1: in [a]", "rule 2: in [b]", "rule 3: in [c]", "default"]
    a = frame.loc["rule 1: in [a]"]  # L1, L2, L7: 2 of 3 accepted, 1 of 3 converted
    assert (a["leads"], a["decided"], a["accepted"], a["converted"]) == (3, 3, 2, 1)
    overall_acceptance, overall_conversion = 3 / 7, 2 / 8
    assert a["acceptance_lift"] == pytest.approx((2 / 3) / overall_acceptance)  # 14/9
    assert a["acceptance_lift_low"] == pytest.approx(wilson_interval(2, 3)[0] / overall_acceptance)
    assert a["acceptance_lift_high"] == pytest.approx(wilson_interval(2, 3)[1] / overall_acceptance)
    assert a["conversion_lift"] == pytest.approx((1 / 3) / overall_conversion)  # 4/3
    b = frame.loc["rule 2: in [b]"]  # L3, L4, L8: L8 undecided; 1 of 2 accepted
    assert (b["leads"], b["decided"], b["accepted"]) == (3, 2, 1)
    assert b["acceptance_lift"] == pytest.approx(0.5 / overall_acceptance)  # 7/6
    c = frame.loc["rule 3: in [c]"]
    assert c["acceptance_lift"] == 0.0 and c["conversion_lift"] == 0.0
    default = frame.loc["default"]
    assert default["leads"] == 0 and math.isnan(default["acceptance_lift"])
    assert frame["too_few_decisions"].all()  # none has 30 decisions
    assert frame.loc["rule 1: in [a]", "share"] == 100


def test_no_outcome_column_gives_no_lift():
    frame = category_evidence(hand_model(), hand_scorer(hand_leads(accepted=None)))
    assert frame["acceptance_lift"].isna().all()
    assert frame["conversion_lift"].notna().sum() == 3


# ----- suggested weights ---------------------------------------------------------------------


def test_whole_weights_by_hand():
    assert whole_weights({"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert whole_weights({"a": 2, "b": -1, "c": 1}) == {"a": 67, "b": 0, "c": 33}
    assert whole_weights({"a": 0.2, "b": 0.6}) == {"a": 25, "b": 75}
    with pytest.raises(scoring.LeadGridError, match="no category raises the odds"):
        whole_weights({"a": -1, "b": 0})


def _two_category_case() -> tuple[scoring.LeadModel, scoring.Scorer]:
    """See calibrate_cases: X says nothing about acceptance, Y does."""
    return two_category_model(), scoring.Scorer(two_category_leads())


def test_suggested_weights_follow_the_outcome():
    model, scorer = _two_category_case()
    suggestion = suggest_weights(model, scorer)
    assert suggestion.outcome == "acceptance" and suggestion.leads == 16
    assert suggestion.coefficients["x"] == pytest.approx(0.0, abs=1e-4)
    assert suggestion.coefficients["y"] > 0.5
    assert suggestion.suggested == {"x": 0.0, "y": 100.0}
    assert suggestion.current == {"x": 50.0, "y": 50.0}
    assert [c.weight for c in suggestion.model.profile.categories] == [0.0, 100.0]
    # both previews: now A4/B4 (profile >= 50) hold the 8 good and the 4 (a, bad) leads: 7 of 12
    # accepted; with Y alone the 8 good leads score 100 (A): 6 of 8
    assert suggestion.current_sales.acceptance_rate == pytest.approx(7 / 12)
    assert suggestion.suggested_sales.acceptance_rate == pytest.approx(6 / 8)
    table = suggestion.table(model)
    assert table["suggested"].sum() == 100 and table["current"].tolist() == [50.0, 50.0]


def test_no_outcomes_no_weights():
    model, scorer = hand_model(), hand_scorer(hand_leads(accepted=None, converted=None))
    with pytest.raises(scoring.LeadGridError, match="record no outcomes"):
        suggest_weights(model, scorer)
    same = hand_scorer(hand_leads(accepted=["true"] * 8))
    with pytest.raises(scoring.LeadGridError, match="same outcome"):
        suggest_weights(model, same)


# ----- AUC, gain, lift -----------------------------------------------------------------------


def test_auc_by_hand():
    assert roc_auc(np.array([3, 2, 1]), np.array([1.0, 0.0, 1.0])) == 0.5  # 1 win, 1 loss
    assert roc_auc(np.array([2, 2, 1]), np.array([1.0, 0.0, 0.0])) == 0.75  # a tie counts half
    assert roc_auc(np.array([1, 2, 3]), np.array([np.nan, 0.0, 1.0])) == 1.0  # unknown left out
    assert math.isnan(roc_auc(np.array([1, 2]), np.array([1.0, 1.0])))


def test_gain_and_lift_by_hand():
    curve = gain_curve(np.array([3, 2, 2, 1]), np.array([1.0, 0.0, 1.0, 0.0]))
    assert curve["share_of_leads"].tolist() == [0.0, 0.25, 0.75, 1.0]
    assert curve["share_of_outcome"].tolist() == [0.0, 0.5, 1.0, 1.0]
    assert curve["lift"].tolist()[1:] == pytest.approx([2.0, 4 / 3, 1.0])
    assert lift_at(curve, 0.25) == 2.0 and lift_at(curve, 0.5) == pytest.approx(4 / 3)


def test_model_quality_by_hand():
    quality = model_quality(hand_model(), hand_scorer())
    # acceptance, decided leads: yes at profile 100, 100, 60; no at 60, 20, 20, 100
    # each 100 beats 60, 20, 20 and ties 100: 3.5; the 60 ties 60, beats 20, 20: 2.5 -> 9.5 / 12
    assert quality.auc.loc["profile_score", "acceptance"] == pytest.approx(9.5 / 12)
    # ratings: yes A1, A2, B1; no B2, C1, C4, A4 -> A1 4 wins, A2 4, B1 3 (A4 above it): 11 / 12
    assert quality.auc.loc["rating", "acceptance"] == pytest.approx(11 / 12)
    # conversion: yes L1 (engagement 80), L3 (80); no 40, 40, 80, 0, 0, 0: each yes 5 wins, a tie
    assert quality.auc.loc["engagement_score", "conversion"] == pytest.approx(11 / 12)
    assert quality.counts == {"acceptance": (3, 4), "conversion": (2, 6)}
    gain = quality.gains[("rating", "conversion")]
    assert gain["share_of_outcome"].tolist()[:2] == [0.0, 0.5]  # A1 is 1 of 8 leads, 1 of 2 wins
    assert gain["lift"].iloc[1] == 4.0


def test_an_outcome_with_one_value_gets_a_sentence_not_an_auc():
    # issue 20: with every decided lead rejected, the AUC against acceptance printed nan
    quality = model_quality(hand_model(), hand_scorer(hand_leads(accepted=["false"] * 7 + [""])))
    assert list(quality.auc.columns) == ["conversion"]
    assert not quality.auc.isna().any().any()
    assert quality.notes == ("all 7 leads sales decided on rejected, so there is no AUC against accepted by sales: "
                             "ordering leads needs both outcomes",)
    assert "acceptance" not in quality.counts and quality.as_dict()["notes"] == list(quality.notes)
    converted = model_quality(hand_model(), hand_scorer(hand_leads(converted=["true"] * 8)))
    assert converted.notes == ("all 8 leads with a known conversion converted, so there is no AUC against "
                               "converted: ordering leads needs both outcomes",)
    assert model_quality(hand_model(), hand_scorer()).notes == ()


@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from([0.0, 1.0, math.nan])), min_size=1, max_size=30))
def test_auc_is_the_pairwise_definition(pairs):
    scores = np.array([p[0] for p in pairs], dtype=float)
    outcome = np.array([p[1] for p in pairs])
    yes, no = scores[outcome == 1.0], scores[outcome == 0.0]
    auc = roc_auc(scores, outcome)
    if not len(yes) or not len(no):
        assert math.isnan(auc)
        return
    pairwise = np.mean([1.0 if y > n else 0.5 if y == n else 0.0 for y in yes for n in no])
    assert auc == pytest.approx(pairwise) and 0.0 <= auc <= 1.0


def test_small_cells_are_listed_with_their_interval():
    matrix = scoring.preview(hand_model(), hand_scorer()).matrix
    cells = small_cells(matrix).set_index("rating")
    assert sorted(cells.index) == ["A1", "A2", "A4", "B1", "B2", "B4", "C1", "C4"]  # cells holding leads
    assert cells.loc["B4", "decided"] == 0 and math.isnan(cells.loc["B4", "acceptance_rate"])
    assert cells.loc["A1", "acceptance_low"] == pytest.approx(wilson_interval(1, 1)[0])


# ----- honesty -------------------------------------------------------------------------------


def test_an_outcome_read_by_the_model_is_named():
    model = hand_model(profile={**hand_model().profile.model_dump(), "categories": [
        {"id": "tier", "field": "tier", "weight": 60, "rules": [{"match": {"in": ["a"]}, "value": 100}]},
        {"id": "won", "label": "Won before", "field": "converted", "weight": 40,
         "rules": [{"match": {"in": ["true"]}, "value": 100}]}]})
    warnings = honesty_warnings(model, hand_scorer())
    assert warnings[0] == ("Won before reads converted, an outcome: the model would know the answer, so every "
                           "figure on this page flatters it")
    assert not any("an outcome" in w for w in honesty_warnings(hand_model(), hand_scorer()))


def test_a_field_mapped_to_an_outcome_column_is_named():
    scorer = scoring.Scorer(hand_leads().drop(columns="tier"), mapping={"leads": {"tier": "converted"}})
    warnings = honesty_warnings(hand_model(), scorer)
    assert warnings[0].startswith("tier reads tier (column converted), an outcome")


def test_quarters_with_few_decisions_and_activities_after_hand_over():
    leads = hand_leads(created_at=["2025-01-05"] * 4 + ["2025-04-05"] * 4)
    leads["scored_at"] = "2025-06-01"
    activities = pd.DataFrame({"lead_id": [1, 1], "activity": ["x", "x"],
                               "occurred_at": ["2025-05-01", "2025-07-01"]})
    scorer = hand_scorer(leads, activities)
    quarters = quarterly_decisions(scorer)
    assert quarters.to_dict("records") == [{"quarter": "2025Q1", "leads": 4, "decided": 4},
                                           {"quarter": "2025Q2", "leads": 4, "decided": 3}]
    warnings = honesty_warnings(hand_model(), scorer)
    assert warnings == [
        "2025Q1 has 4 sales decisions among 4 leads, too few to judge that quarter on its own (at least 30)",
        "2025Q2 has 3 sales decisions among 4 leads, too few to judge that quarter on its own (at least 30)",
        "1 activity dated after its lead's hand-over (scored_at) was ignored: it could not have been known "
        "when the lead was rated",
    ]


@given(st.lists(st.tuples(st.one_of(st.integers(0, 5), st.just(math.nan)),
                          st.sampled_from([0.0, 1.0, math.nan])), min_size=1, max_size=30))
def test_ranked_scores_give_the_pairwise_auc_and_the_groupby_gain_curve(pairs):
    """model_quality sorts each score once (RankedScores); its AUC and gain curve equal the
    pairwise definition and a pandas groupby on the raw rows, NaN scores and outcomes left out."""
    scores = np.array([float(s) for s, _ in pairs])
    outcome = np.array([o for _, o in pairs])
    ranked = RankedScores.of(scores)
    known = ~np.isnan(scores) & ~np.isnan(outcome)
    yes, no = scores[known & (outcome == 1.0)], scores[known & (outcome == 0.0)]
    if len(yes) and len(no):
        wins = sum((y > n) + 0.5 * (y == n) for y in yes for n in no)
        assert ranked.auc(outcome) == pytest.approx(wins / (len(yes) * len(no)))
    else:
        assert math.isnan(ranked.auc(outcome))
    curve = gain_curve(scores, outcome)
    if not len(yes):
        assert curve.empty
        return
    rows = pd.DataFrame({"score": scores[known], "yes": outcome[known] == 1.0})
    per_score = rows.groupby("score").agg(leads=("yes", "size"), hits=("yes", "sum")).sort_index(ascending=False)
    assert curve["score"].iloc[1:].tolist() == per_score.index.tolist()
    assert np.allclose(curve["share_of_leads"].iloc[1:], per_score["leads"].cumsum() / known.sum())
    assert np.allclose(curve["share_of_outcome"].iloc[1:], per_score["hits"].cumsum() / len(yes))


@given(st.lists(st.tuples(st.sampled_from([-1.0, 0.0, 0.5, math.nan]), st.sampled_from([0.0, 0.25]),
                          st.sampled_from([0, 1])), min_size=1, max_size=40))
def test_distinct_rows_count_every_row_once(rows):
    """The fit's rows: each distinct row once with its count, as a pandas value count of the raw rows."""
    table = np.array(rows, dtype=float)
    distinct, counts = _distinct_rows(table)
    expected = pd.DataFrame(table).value_counts(dropna=False)
    got = pd.Series(counts, index=pd.MultiIndex.from_arrays(distinct.T.tolist()))
    assert counts.sum() == len(table) and len(got) == len(expected)
    for key, count in expected.items():
        matches = [n for k, n in got.items() if all(a == b or (a != a and b != b) for a, b in zip(k, key, strict=True))]
        assert matches == [count]


def test_weighted_distinct_rows_fit_as_the_repeated_rows():
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    values = rng.choice([-0.5, 0.0, 0.4, 1.0], size=(3000, 3))
    outcome = (rng.random(3000) < 0.2 + 0.3 * (values[:, 0] > 0)).astype(int)
    raw = LogisticRegression(C=1.0, max_iter=1000).fit(values, outcome).coef_[0]
    assert fit_coefficients(values, outcome) == pytest.approx(raw, rel=1e-3, abs=1e-4)
