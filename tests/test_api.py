"""The public API named in scoring/__init__.py: the one-off functions agree with the Scorer."""

from pathlib import Path

import scoring

ROOT = Path(__file__).resolve().parents[1]


def _sample():
    model = scoring.load_model(ROOT / "configs" / "default.yaml")
    leads = scoring.load_leads(ROOT / "sample_data" / "leads.csv")
    activities = scoring.load_activities(ROOT / "sample_data" / "activities.csv")
    return model, leads, activities


def test_public_names_are_exported():
    for name in ("load_model", "dump_model", "score", "Scorer", "explain", "preview", "ModelError", "DataError"):
        assert name in scoring.__all__
        assert callable(getattr(scoring, name))


def test_explain_agrees_with_score_on_the_sample():
    model, leads, activities = _sample()
    scored = scoring.score(model, leads, activities)
    for lead_id in scored.index[:25]:
        explanation = scoring.explain(model, leads, activities, lead_id)
        row = scored.loc[lead_id]
        assert explanation.rating == row["rating"]
        assert explanation.profile_score == row["profile_score"]
        assert explanation.engagement_score == row["engagement_score"]


def test_preview_counts_every_sample_lead_once():
    model, leads, activities = _sample()
    result = scoring.preview(model, scoring.Scorer(leads, activities))
    assert int(result.matrix["leads"].sum()) == len(leads) == 6000
    assert result.sales.leads == int((result.scored["action"] == "sales").sum())


def _renamed_sample():
    model, leads, activities = _sample()
    data = model.model_dump(by_alias=True, exclude_none=True)
    data["columns"] = {"leads": {"job_title": "Title"}}
    return scoring.validate_model(data), leads.rename(columns={"job_title": "Title"}), activities


def test_score_and_explain_apply_the_models_column_mapping():
    model, leads, activities = _sample()
    mapped_model, renamed, _ = _renamed_sample()
    expected = scoring.score(model, leads, activities)
    assert scoring.score(mapped_model, renamed, activities).equals(expected)
    lead_id = expected.index[7]
    assert scoring.explain(mapped_model, renamed, activities, lead_id).rating == expected.loc[lead_id, "rating"]
    assert scoring.Scorer.for_model(mapped_model, renamed, activities).score(mapped_model).equals(expected)


def test_a_scorer_prepared_without_the_models_mapping_refuses_it():
    mapped_model, renamed, activities = _renamed_sample()
    scorer = scoring.Scorer(renamed, activities)
    try:
        scorer.score(mapped_model)
    except scoring.DataError as error:
        assert "job_title = 'Title'" in str(error) and "for_model" in str(error)
    else:
        raise AssertionError("a model that maps columns scored data prepared without the mapping")
