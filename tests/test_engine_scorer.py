"""The Scorer against score() over sequences of models, and properties that hold for every
random model and table."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from enginecases import (
    AS_OF,
    LETTER_GRADES,
    SCORER_ACTIVITIES,
    SCORER_LEADS,
    acts,
    make_model,
    scenario_st,
    scorer_models,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import Scorer, score
from scoring.engine.scorer import grade
from scoring.model.schema import LETTERS


def test_scorer_equals_score_for_each_model_in_sequence():
    scorer = Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
    models = scorer_models()
    for model in [*models, *reversed(models)]:
        expected = score(model, SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
        pd.testing.assert_frame_equal(scorer.score(model), expected)


def test_scorer_models_really_differ():
    scorer = Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
    results = [scorer.score(model) for model in scorer_models()]
    for first, second in itertools.pairwise(results):
        assert not first[["profile_score", "engagement_score"]].equals(second[["profile_score", "engagement_score"]])


def test_scorer_score_equals_score_function():
    model = scorer_models()[0]
    pd.testing.assert_frame_equal(
        Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30").score(model),
        score(model, SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30"),
    )


def test_scorer_pinned_numbers():
    result = Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30").score(scorer_models()[0])
    # profile: a Software + 5000 -> 100; b -> 0; c -> 0; d -> 0
    assert result["profile_score"].tolist() == [100, 0, 0, 0]
    # a: demo age 1, pricing age 4.5; b (scored 03-20): demo age 10, pricing age 1; c: pricing age 58;
    # d (scored 03-01): demo age 2
    expected = [
        40 * 0.5 ** (1 / 30) + 10 * 0.5 ** (4.5 / 30),
        40 * 0.5 ** (10 / 30) + 10 * 0.5 ** (1 / 30),
        10 * 0.5 ** (58 / 30),
        40 * 0.5 ** (2 / 30),
    ]
    assert result["engagement_score"].tolist() == pytest.approx(expected)


# --- properties ---------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st())
def test_scores_stay_within_0_and_100_and_grades_agree(scenario):
    model, leads, activities = scenario
    result = score(model, leads, activities, AS_OF)
    assert ((result["profile_score"] >= 0) & (result["profile_score"] <= 100)).all()
    assert ((result["engagement_score"] >= 0) & (result["engagement_score"] <= 100)).all()
    letters = grade(result["profile_score"].to_numpy(), LETTER_GRADES, LETTERS)
    assert result["profile_grade"].tolist() == letters.tolist()
    assert (result["rating"] == result["profile_grade"] + result["engagement_grade"]).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st(), st.randoms(use_true_random=False))
def test_permuting_leads_permutes_output(scenario, random):
    model, leads, activities = scenario
    order = list(range(len(leads)))
    random.shuffle(order)
    shuffled = leads.iloc[order].reset_index(drop=True)
    expected = score(model, leads, activities, AS_OF).iloc[order]
    pd.testing.assert_frame_equal(score(model, shuffled, activities, AS_OF), expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st(), st.data())
def test_shifting_weight_to_a_category_valued_100_never_lowers_profile(scenario, data):
    model, leads, _ = scenario
    categories = model.model_dump(by_alias=True, exclude_none=True)["profile"]["categories"]
    target = data.draw(st.integers(0, len(categories) - 1))
    # the first lead matches a value-100 rule of the target category
    categories[target]["rules"].insert(0, {"match": {"in": ["__hit__"]}, "value": 100})
    leads = leads.copy()
    leads.loc[0, categories[target]["field"]] = "__hit__"
    before = make_model(categories=categories)
    moved = data.draw(st.integers(0, 100 - int(categories[target]["weight"])))
    for i, category in enumerate(categories):  # take `moved` from the others
        if i == target or not moved:
            continue
        taken = min(moved, int(category["weight"]))
        category["weight"] -= taken
        categories[target]["weight"] += taken
        moved -= taken
    after = make_model(categories=categories)
    old = score(before, leads)["profile_score"].iloc[0]
    new = score(after, leads)["profile_score"].iloc[0]
    assert new >= old - 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st(), st.integers(0, 7), st.floats(-5, 120))
def test_adding_positive_activity_never_lowers_engagement_at_fixed_as_of(scenario, lead, age):
    # With as_of fixed (the default as_of would move with a newer activity and age the others),
    # min(D, max_count) never decreases in D and clipping is monotone, so one more activity of an
    # entry with positive points cannot lower the score; it stays equal when the cap is reached,
    # the score is clipped at 100, or the activity's age is negative or past max_age_days.
    model, leads, activities = scenario
    entry = next((e for e in model.activity_entries if e.points > 0  # no other entry counts its type negatively
                  and all(o.points >= 0 for o in model.activity_entries if o.activity == e.activity)), None)
    if entry is None:
        return
    lead_id = leads["lead_id"].iloc[lead % len(leads)]
    occurred = (pd.Timestamp("2024-03-31") - pd.Timedelta(days=age)).isoformat()
    more = pd.concat([activities, acts([(lead_id, entry.activity, occurred)])], ignore_index=True)
    old = score(model, leads, activities, AS_OF)["engagement_score"]
    new = score(model, leads, more, AS_OF)["engagement_score"]
    assert (new >= old - 1e-9).all()
    others = leads["lead_id"] != lead_id
    assert new[others.to_numpy()].tolist() == old[others.to_numpy()].tolist()
