"""The cached, integer-coded engine gives what the plain one gave (tests/reference_engine.py),
on messy data, for a sequence of models scored by one Scorer (so stale caches would show)."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest
from enginecases import AS_OF, SCORER_ACTIVITIES, SCORER_LEADS, scenario_st, scorer_models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_engine import ReferenceScorer

from scoring import Scorer
from scoring.model.files import load_model
from scoring.tools.synth import generate

TEXT_COLUMNS = ("profile_grade", "engagement_grade", "rating", "action")


def assert_same(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(result.columns) == list(expected.columns)
    assert result.index.equals(expected.index)
    assert (result.dtypes == expected.dtypes).all(), (result.dtypes, expected.dtypes)
    for column in TEXT_COLUMNS:
        assert result[column].tolist() == expected[column].tolist(), column
    for column in ("profile_score", "engagement_score"):
        np.testing.assert_allclose(result[column].to_numpy(), expected[column].to_numpy(), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(result["sla_hours"].to_numpy(), expected["sla_hours"].to_numpy())


def assert_same_evaluation(scorer: Scorer, reference: ReferenceScorer, model) -> None:
    got, want = scorer.evaluate(model), reference.evaluate(model)
    for name in ("categories", "field_entries"):
        for key, outcome in getattr(want, name).items():
            np.testing.assert_array_equal(getattr(got, name)[key].rule_index, outcome.rule_index)
            np.testing.assert_array_equal(getattr(got, name)[key].value, outcome.value)
    assert got.activity_entries.keys() == want.activity_entries.keys()
    for key, outcome in want.activity_entries.items():
        for part in ("decayed_count", "counted", "points"):
            np.testing.assert_allclose(getattr(got.activity_entries[key], part), getattr(outcome, part),
                                       rtol=1e-12, atol=1e-12)
    assert got.profile_grade.tolist() == want.profile_grade.tolist()
    assert got.engagement_grade.tolist() == want.engagement_grade.tolist()


def _as_dtype(values: pd.Series, kind: str) -> pd.Series:
    if kind == "str":
        return values.map(lambda v: v if v is None else str(v)).astype("str")
    if kind == "category":
        return values.map(lambda v: v if v is None else str(v)).astype("category")
    return values


@st.composite
def messy_case(draw):
    """A scenario of test_engine with its columns in the dtypes files give: text columns as
    ``str`` or categoricals, integer ids, datetime columns; and more models over the same fields."""
    model, leads, activities = draw(scenario_st())
    leads = leads.copy()
    for column in ("f0", "f1", "f2"):
        leads[column] = _as_dtype(leads[column], draw(st.sampled_from(["object", "str", "category"])))
    if draw(st.booleans()):  # integer ids: the engine joins them without going through text
        leads["lead_id"] = leads["lead_id"].str[1:].astype(int)
        ids = activities["lead_id"].str[1:].astype(int)
        activities = activities.assign(lead_id=ids if draw(st.booleans()) else ids.astype(str))
    if draw(st.booleans()):
        activities = activities.assign(occurred_at=pd.to_datetime(activities["occurred_at"], format="ISO8601"))
        leads["scored_at"] = pd.to_datetime(leads["scored_at"].replace("", None), format="ISO8601")
    if draw(st.booleans()):
        activities = activities.assign(activity=activities["activity"].astype("category"))
    activities = activities.assign(lifecycle=_as_dtype(activities["lifecycle"],
                                                       draw(st.sampled_from(["object", "str", "category"]))))
    others = draw(st.lists(scenario_st().map(lambda case: case[0]), min_size=1, max_size=3))
    return [model, *others, model], leads, activities


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_case())
def test_engine_agrees_with_the_reference_for_a_sequence_of_models(case):
    models, leads, activities = case
    scorer = Scorer(leads, activities, AS_OF)
    reference = ReferenceScorer(leads, activities, AS_OF)
    for model in models:
        assert_same(scorer.score(model), reference.score(model))
    assert_same_evaluation(scorer, reference, models[-1])
    assert asdict(scorer.activity_counts) == asdict(reference.activity_counts)
    assert scorer.activity_type_counts() == reference.activity_type_counts()


def test_engine_agrees_with_the_reference_on_the_scorer_models():
    scorer = Scorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
    reference = ReferenceScorer(SCORER_LEADS, SCORER_ACTIVITIES, "2024-03-30")
    for model in [*scorer_models(), *reversed(scorer_models())]:
        assert_same(scorer.score(model), reference.score(model))
        assert_same_evaluation(scorer, reference, model)
    for position in range(len(SCORER_LEADS)):
        pd.testing.assert_frame_equal(scorer.activities_of(position), reference.activities_of(position))


@pytest.mark.parametrize("half_life", [30, 7.5])
def test_engine_agrees_with_the_reference_on_synthetic_data(half_life):
    leads, activities = generate(3000, 11)
    data = load_model("configs/default.yaml").model_dump(by_alias=True, exclude_none=True)
    data["engagement"]["recency"]["half_life_days"] = half_life
    model = type(load_model("configs/default.yaml")).model_validate(data)
    scorer, reference = Scorer(leads, activities), ReferenceScorer(leads, activities)
    assert_same(scorer.score(model), reference.score(model))
    assert_same_evaluation(scorer, reference, model)
    assert scorer.activity_type_counts() == reference.activity_type_counts()
