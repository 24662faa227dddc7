"""An activity entry's ``where`` (MODEL_FORMAT.md, "Meaning"): only the activity rows whose
value in each named column matches one of the items, compared like ``in``, count for it.
A work item logged SCHEDULE/START/COMPLETE counts once; the decayed counts equal a plain
pandas computation on the raw rows; a bad ``where`` is refused with its field path."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from enginecases import make_model
from hypothesis import HealthCheck, given, settings
from sql_cases import RUN_AS_OF, where_cases

from scoring import DataError, ModelError, Scorer, explain, score, validate_model
from scoring.measures.activity_evidence import activity_evidence

AS_OF = "2024-02-01"
WORK_LOG = pd.DataFrame({
    "lead_id": ["a", "a", "a", "b", "b", "c"],
    "activity": ["work"] * 6,
    "occurred_at": ["2024-01-01", "2024-01-02", "2024-01-11", "2024-01-01", "2024-01-21", "2024-01-21"],
    "lifecycle": ["SCHEDULE", "START", "COMPLETE", "SCHEDULE", " complete ", None],
})
LEADS = pd.DataFrame({"lead_id": ["a", "b", "c"], "x": ["1", "2", "3"]})
HALF_LIFE = {"half_life_days": 10}


def work_model(*entries: dict):
    return make_model(entries=list(entries), recency=HALF_LIFE,
                      numbers={"1": 60, "2": 35, "3": 15, "4": 0})


def test_a_work_item_counts_once_with_where_lifecycle_complete():
    model = work_model({"id": "every_state", "activity": "work", "points": 10},
                       {"id": "completed", "activity": "work", "points": 10, "where": {"lifecycle": ["COMPLETE"]}})
    result = Scorer(LEADS, WORK_LOG, AS_OF).evaluate(model)
    # a: three rows 31, 30 and 21 days old; only the COMPLETE one (21 days) counts for `completed`
    every = [0.5 ** 3.1 + 0.5 ** 3.0 + 0.5 ** 2.1, 0.5 ** 3.1 + 0.5 ** 1.1, 0.5 ** 1.1]
    completed = [0.5 ** 2.1, 0.5 ** 1.1, 0.0]  # b's ' complete ' matches (trimmed, any case); c's blank never
    np.testing.assert_allclose(result.activity_entries["every_state"].decayed_count, every, rtol=1e-12)
    np.testing.assert_allclose(result.activity_entries["completed"].decayed_count, completed, rtol=1e-12)
    engagement = score(model, LEADS, WORK_LOG, AS_OF)["engagement_score"]
    np.testing.assert_allclose(engagement, [10 * (e + c) for e, c in zip(every, completed, strict=True)],
                               rtol=1e-12)


def test_numbers_compare_as_in_does_and_every_column_must_match():
    log = WORK_LOG.assign(step=[1.0, 2.0, 3.0, 1.0, 3.0, math.nan], team=["x", "x", "y", "X ", "x", "x"])
    model = work_model({"id": "third_step_x", "activity": "work", "points": 10,
                        "where": {"step": [3, "9"], "team": ["x"]}})
    decayed = Scorer(LEADS, log, AS_OF).evaluate(model).activity_entries["third_step_x"].decayed_count
    # a's step 3 is team y; b's step 3 (3.0 compares as "3") is team x; c's step is missing
    np.testing.assert_allclose(decayed, [0.0, 0.5 ** 1.1, 0.0], rtol=1e-12)


def test_the_filter_follows_the_column_mapping_and_changes_only_its_entry():
    log = WORK_LOG.rename(columns={"lifecycle": "state"})
    model = validate_model({**work_model().model_dump(by_alias=True, exclude_none=True),
                            "columns": {"activities": {"lifecycle": "state"}}})
    plain = score(model, LEADS, log, AS_OF)
    data = model.model_dump(by_alias=True, exclude_none=True)
    data["engagement"]["activities"] = [{"id": "done", "activity": "work", "points": 30,
                                         "where": {"lifecycle": ["complete"]}}]
    filtered = score(validate_model(data), LEADS, log, AS_OF)["engagement_score"]
    np.testing.assert_allclose(filtered, [30 * 0.5 ** 2.1, 30 * 0.5 ** 1.1, 0.0], rtol=1e-12)
    assert plain["engagement_score"].tolist() == [0.0, 0.0, 0.0]


def test_explain_and_evidence_count_the_filtered_rows():
    model = work_model({"id": "completed", "activity": "work", "points": 10, "where": {"lifecycle": ["COMPLETE"]}})
    why = explain(model, LEADS, WORK_LOG, "a", AS_OF)
    [reason] = why.activities
    assert (reason.occurrences, reason.where) == (1, "lifecycle in [COMPLETE]")
    entries = why.events["entry"]  # newest first: the COMPLETE row only
    assert entries.iloc[0] == "completed" and entries.iloc[1:].isna().all()
    assert "1 × work where lifecycle in [COMPLETE]" in why.engagement_table()["how"].iloc[0]
    evidence = activity_evidence(Scorer(LEADS, WORK_LOG, AS_OF), model).iloc[0]
    assert (evidence["occurrences"], evidence["counted"], evidence["leads"]) == (2, 2, 2)


def test_a_where_column_missing_from_the_activities_table_names_the_entry():
    model = work_model({"id": "every_state", "activity": "work", "points": 10},
                       {"id": "completed", "activity": "work", "points": 10, "where": {"stage": ["COMPLETE"]}})
    with pytest.raises(DataError, match=r"^engagement\.activities\[1\]\.where\.stage: the activities table has no "
                                        r"column 'stage' to filter on$"):
        score(model, LEADS, WORK_LOG, AS_OF)
    assert score(model, LEADS, None, AS_OF)["engagement_score"].tolist() == [0.0] * 3  # no activities, no check


@pytest.mark.parametrize(("entry", "message"), [
    ({"id": "v", "field": "x", "rules": [], "where": {"lifecycle": ["a"]}},
     r"engagement\.activities\[0\]\.where: where belongs to activity entries; a field entry has rules"),
    ({"id": "a", "activity": "work", "points": 1, "where": {"lifecycle": []}},
     r"engagement\.activities\[0\]\.where\.lifecycle: list should have at least 1 item"),
    ({"id": "a", "activity": "work", "points": 1, "where": {}},
     r"engagement\.activities\[0\]\.where: dictionary should have at least 1 item"),
    ({"id": "a", "activity": "work", "points": 1, "where": {"lifecycle": "COMPLETE"}},
     r"engagement\.activities\[0\]\.where\.lifecycle: input should be a valid list"),
    ({"id": "a", "activity": "work", "points": 1, "where": {"lifecycle": [{"in": ["a"]}]}},
     r"engagement\.activities\[0\]\.where\.lifecycle\[0\]: an item must be text or a number"),
])
def test_a_bad_where_is_refused_with_its_field_path(entry, message):
    with pytest.raises(ModelError, match=message):
        make_model(entries=[entry], recency=HALF_LIFE)


# ---------------------------------------------------------------- against pandas on the raw rows

HALF_LIFE_OF_CASES = {"half_life_days": 30, "max_age_days": 90}  # sql_cases.WHERE_MODEL's recency


def _text(value: object) -> str | None:
    """``in``'s comparison text, written out again: None for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip(" \t\r\n").lower()
    return text or None


def _pandas_decayed(entry, leads: pd.DataFrame, activities: pd.DataFrame, as_of: str) -> np.ndarray:
    """D per lead for one entry, from the raw rows: type, filter, age and half-life decay."""
    rows = activities.copy()
    keep = rows["activity"].map(_text) == _text(entry.activity)
    for column, items in (entry.where or {}).items():
        wanted = {_text(item) for item in items}
        keep &= rows[column].astype(object).map(lambda value, w=wanted: _text(value) is not None and _text(value) in w)
    scored = leads.set_index("lead_id")["scored_at"].map(lambda v: pd.Timestamp(v if v else as_of))
    rows = rows[keep & rows["lead_id"].isin(scored.index)]
    ages = (rows["lead_id"].map(scored) - pd.to_datetime(rows["occurred_at"], format="ISO8601")).dt.total_seconds() / 86400
    recency = HALF_LIFE_OF_CASES
    counted = (ages >= 0) & (ages <= recency["max_age_days"])
    factors = (0.5 ** (ages / recency["half_life_days"])).where(counted, 0.0)
    per_lead = factors.groupby(rows["lead_id"]).sum()
    return leads["lead_id"].map(per_lead).fillna(0.0).to_numpy(dtype=float)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=where_cases())
def test_decayed_counts_equal_pandas_on_the_raw_rows(case):
    model, leads, activities = case
    assert model.engagement.recency.model_dump(exclude_none=True) == HALF_LIFE_OF_CASES
    leads = leads.assign(scored_at=leads["scored_at"].astype(object).where(leads["scored_at"].notna(), None))
    result = Scorer(leads, activities, RUN_AS_OF).evaluate(model)
    for entry in model.activity_entries:
        expected = _pandas_decayed(entry, leads, activities, RUN_AS_OF)
        np.testing.assert_allclose(result.activity_entries[entry.id].decayed_count, expected, rtol=1e-9, atol=1e-12,
                                   err_msg=entry.id)
