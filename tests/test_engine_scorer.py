"""The Scorer against score() over sequences of models, and properties that hold for every
random model and table."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from enginecases import (
    AS_OF,
    LETTER_GRADES,
    ROUTING,
    acts,
    make_model,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import Scorer, score
from scoring.engine import grade
from scoring.model import LETTERS

# --- Scorer -------------------------------------------------------------------------------------


SCORER_LEADS = pd.DataFrame({
    "lead_id": ["a", "b", "c", "d"],
    "industry": ["Software", "retail", None, "1"],
    "employees": ["5000", "300", "n/a", ""],
    "visits": [12, 3, 0, None],
    "scored_at": ["", "2024-03-20", "", "2024-03-01"],
})
SCORER_ACTIVITIES = acts([
    ("a", "demo", "2024-03-29"), ("a", "pricing", "2024-03-25T12:00:00"), ("b", "demo", "2024-03-10"),
    ("b", "pricing", "2024-03-19"), ("c", "pricing", "2024-02-01"), ("d", "demo", "2024-02-28"),
    ("b", "unsubscribe", "2024-03-15"),
])


def scorer_models():
    cats_a = [
        {"id": "i", "field": "industry", "weight": 60, "rules": [{"match": {"in": ["software"]}, "value": 100}]},
        {"id": "s", "field": "employees", "weight": 40, "rules": [{"match": {"gte": 1000}, "value": 100}]},
    ]
    # same matches as cats_a with other values and weights: a cache keyed on the wrong thing shows here
    cats_b = [
        {"id": "i", "field": "industry", "weight": 20, "rules": [{"match": {"in": ["software"]}, "value": 30}],
         "default": 50},
        {"id": "s", "field": "employees", "weight": 80, "rules": [{"match": {"gte": 200}, "value": 90},
                                                                  {"match": {"missing": True}, "value": -20}]},
    ]
    # same operators on swapped fields
    cats_c = [
        {"id": "i", "field": "employees", "weight": 50, "rules": [{"match": {"in": ["software", 300]}, "value": 100}]},
        {"id": "s", "field": "industry", "weight": 50, "rules": [{"match": {"gte": 1}, "value": 70}]},
    ]
    entries_a = [{"id": "d", "activity": "demo", "points": 40, "max_count": 1},
                 {"id": "p", "activity": "pricing", "points": 10}]
    entries_b = [{"id": "d", "activity": "pricing", "points": 25, "max_count": 2},
                 {"id": "u", "activity": "unsubscribe", "points": -30},
                 {"id": "v", "field": "visits", "rules": [{"match": {"gte": 3}, "value": 15}]}]
    return [
        make_model(categories=cats_a, entries=entries_a, recency={"half_life_days": 30}),
        make_model(categories=cats_b, entries=entries_b, recency={"half_life_days": 7, "max_age_days": 20},
                   routing=ROUTING),
        make_model(categories=cats_c, entries=entries_a,
                   recency={"windows": [{"within_days": 7, "factor": 1}, {"within_days": 30, "factor": 0.5}]},
                   letters={"A": 90, "B": 60, "C": 10, "D": 0}),
        make_model(categories=cats_a, entries=entries_b, recency={"half_life_days": 30}),
    ]


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
        Scorer(SCORER_LEADS, SCORER_ACTIVITIES).score(model), score(model, SCORER_LEADS, SCORER_ACTIVITIES)
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

value_st = st.one_of(
    st.none(),
    st.integers(-50, 3000),
    st.floats(-100, 3000, allow_nan=False),
    st.sampled_from(["Software", " software ", "retail", "", "  ", "n/a", "1,000", "1000", "VP Sales", "x"]),
)
match_st = st.one_of(
    st.lists(st.sampled_from(["software", "RETAIL", 1000, 5, "n/a"]), min_size=1, max_size=3).map(lambda v: {"in": v}),
    st.lists(st.sampled_from(["vp", "soft", "1", "a"]), min_size=1, max_size=2).map(lambda v: {"contains_any": v}),
    st.integers(-100, 3000).map(lambda v: {"gte": v}),
    st.integers(-100, 3000).map(lambda v: {"lt": v}),
    st.tuples(st.none() | st.integers(-100, 1000), st.none() | st.integers(1000, 3000)).map(
        lambda r: {"range": list(r)}
    ),
    st.just({"missing": True}),
)
rule_st = st.fixed_dictionaries({"match": match_st, "value": st.integers(-100, 100)})


@st.composite
def weights_st(draw, count):
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 100]
    return [bounds[i + 1] - bounds[i] for i in range(count)]


@st.composite
def scenario_st(draw):
    """A random model, leads (fields f0..f2, scored_at) and activities."""
    size = draw(st.integers(1, 8))
    count = draw(st.integers(1, 3))
    weights = draw(weights_st(count))
    categories = [
        {"id": f"c{i}", "field": f"f{i}", "weight": weights[i],
         "rules": draw(st.lists(rule_st, max_size=3)), "default": draw(st.integers(-100, 100))}
        for i in range(count)
    ]
    entries = [
        {"id": f"a{i}", "activity": kind, "points": draw(st.integers(-60, 60)),
         **({"max_count": m} if (m := draw(st.none() | st.integers(0, 4))) is not None else {})}
        for i, kind in enumerate(["demo", "pricing"])
    ]
    entries.append({"id": "fe", "field": "f0", "rules": draw(st.lists(rule_st, max_size=2))})
    recency = draw(st.one_of(
        st.builds(lambda h, m: {"half_life_days": h, **({"max_age_days": m} if m else {})},
                  st.integers(1, 60), st.none() | st.integers(1, 100)),
        st.just({"windows": [{"within_days": 7, "factor": 1.0}, {"within_days": 30, "factor": 0.5}]}),
    ))
    model = make_model(categories=categories, entries=entries, recency=recency)
    leads = pd.DataFrame({"lead_id": [f"L{i}" for i in range(size)]})
    for i in range(3):
        leads[f"f{i}"] = pd.Series(draw(st.lists(value_st, min_size=size, max_size=size)), dtype=object)
    leads["scored_at"] = draw(st.lists(st.sampled_from(["", "2024-03-20", "2024-03-31T12:00:00"]),
                                       min_size=size, max_size=size))
    rows = draw(st.lists(
        st.tuples(st.integers(0, size), st.sampled_from(["demo", "pricing", "other"]), st.floats(-5, 120)),
        max_size=15,
    ))
    base = pd.Timestamp("2024-03-31")
    activities = acts([(f"L{lead}", kind, (base - pd.Timedelta(days=age)).isoformat()) for lead, kind, age in rows])
    return model, leads, activities


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
    entry = next((e for e in model.activity_entries if e.points > 0), None)
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
