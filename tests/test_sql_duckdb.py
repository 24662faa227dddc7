"""The exported SQL, run in DuckDB, scores exactly as ``scoring.score``: on the sample data,
on data made for every shipped config (text and number columns), and on Hypothesis-made
messy models and data full of hostile text."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from sql_cases import (
    CONFIGS,
    HOSTILE_MODEL,
    RUN_AS_OF,
    SAMPLE_ACTIVITIES,
    SAMPLE_LEADS,
    WHERE_MODEL,
    assert_same_scores,
    expected_scores,
    frames_for,
    load_duckdb,
    model_and_frames,
    where_cases,
)

from scoring import load_leads, load_model, read_table, validate_model
from scoring.engine.scorer import Scorer
from scoring.sql import ExportError, SqlOptions, export_sql


def run(model, leads: pd.DataFrame, activities: pd.DataFrame | None, options: SqlOptions | None = None,
        tables: tuple[str, str] = ("leads", "activities")) -> pd.DataFrame:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    load_duckdb(con, tables[0], leads)
    if activities is not None:
        load_duckdb(con, tables[1], activities)
    options = options or SqlOptions()
    if options.as_of is None:  # the cases' run as-of, as expected_scores uses it
        options = replace(options, as_of=RUN_AS_OF)
    return con.execute(export_sql(model, "duckdb", options)).df()


@pytest.fixture(scope="module")
def sample():
    return load_leads(SAMPLE_LEADS), read_table(SAMPLE_ACTIVITIES)


@pytest.mark.parametrize("config", ["default.yaml", "windows.yaml"])
def test_sample_data_scores_as_the_engine(sample, config):
    leads, activities = sample
    model = load_model(CONFIGS[0].parent / config)
    assert_same_scores(expected_scores(model, leads, activities), run(model, leads, activities))


@pytest.mark.parametrize("numeric", [False, True], ids=["text columns", "number columns"])
@pytest.mark.parametrize("config", CONFIGS, ids=[c.stem for c in CONFIGS])
def test_every_config_scores_as_the_engine(config, numeric):
    model = load_model(config)
    leads, activities = frames_for(model, 400, seed=len(config.stem), numeric=numeric)
    assert_same_scores(expected_scores(model, leads, activities), run(model, leads, activities))


def test_fixed_as_of_and_no_scored_at_column(sample):
    leads, activities = sample
    model = load_model(CONFIGS[0].parent / "default.yaml")
    leads = leads.drop(columns=["scored_at"])
    options = SqlOptions(scored_at=False, as_of="2025-10-01")
    assert_same_scores(expected_scores(model, leads, activities, as_of="2025-10-01"),
                       run(model, leads, activities, options))


def test_null_scored_at_uses_the_given_as_of_never_the_latest_activity(sample):
    leads, activities = sample
    leads = leads.copy()
    leads.loc[leads.index % 3 == 0, "scored_at"] = None
    extra = pd.DataFrame({"lead_id": ["not-a-lead"], "activity": ["email_open"], "occurred_at": ["2026-12-31 23:00"]})
    activities = pd.concat([activities, extra], ignore_index=True)  # a junk date must change nothing
    model = load_model(CONFIGS[0].parent / "default.yaml")
    as_of = "2025-12-20"
    got = run(model, leads, activities, SqlOptions(as_of=as_of))
    assert_same_scores(expected_scores(model, leads, activities, as_of=as_of), got)
    with pytest.raises(ExportError, match=r"--as-of DATE .* or --as-of now"):
        export_sql(model, "duckdb", SqlOptions())


def test_as_of_now_is_the_time_of_the_run(sample):
    leads, activities = sample
    leads = leads.drop(columns=["scored_at"])
    model = load_model(CONFIGS[0].parent / "default.yaml")
    sql = export_sql(model, "duckdb", SqlOptions(scored_at=False, as_of="now"))
    assert "CURRENT_TIMESTAMP" in sql.upper()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    load_duckdb(con, "leads", leads)
    load_duckdb(con, "activities", activities)
    got = con.execute(sql).df()
    # the same as a fixed as-of at the time of the run, to within the seconds between the two
    assert_same_scores(expected_scores(model, leads, activities, as_of="now"), got)


def test_without_an_activities_table_activity_entries_count_nothing(sample):
    leads, _ = sample
    model = load_model(CONFIGS[0].parent / "default.yaml")
    got = run(model, leads, None, SqlOptions(activities_table=None))
    assert_same_scores(expected_scores(model, leads, None), got)


def test_table_names_are_overridable_and_quoted(sample):
    leads, activities = sample
    model = load_model(CONFIGS[0].parent / "default.yaml")
    options = SqlOptions(leads_table="crm leads", activities_table='web"events')
    got = run(model, leads, activities, options, tables=("crm leads", 'web"events'))
    assert_same_scores(expected_scores(model, leads, activities), got)


def test_mapping_overrides_apply_to_the_query():
    model = load_model(CONFIGS[0].parent / "default.yaml")
    leads, activities = frames_for(model, 100, seed=3)
    leads = leads.rename(columns={"industry": "Branche", "lead_id": "Id"})
    activities = activities.rename(columns={"occurred_at": "ts"})
    mapping = {"leads": {"industry": "Branche", "lead_id": "Id"}, "activities": {"occurred_at": "ts"}}
    scored = Scorer.for_model(model, leads, activities, RUN_AS_OF, mapping=mapping).score(model)
    expected = scored.set_axis(scored.index.astype(str).str.strip(), axis=0)
    got = run(model, leads, activities, SqlOptions(mapping=mapping))
    assert_same_scores(expected, got)


def test_bad_table_name_and_dialect_are_refused():
    model = load_model(CONFIGS[0].parent / "default.yaml")
    with pytest.raises(ExportError, match="dialect"):
        export_sql(model, "oracle")
    with pytest.raises(ExportError, match="table name"):
        export_sql(model, "duckdb", SqlOptions(leads_table="a..b"))


@pytest.mark.parametrize("name", ["activity_rows", "Lead_Values", "scores", "outcome_values"])
def test_a_table_named_like_a_step_of_the_query_is_refused_unless_qualified(name):
    model = load_model(CONFIGS[0].parent / "default.yaml")
    with pytest.raises(ExportError, match=f"activities table '{name}' has the name of a step of the query"):
        export_sql(model, "duckdb", SqlOptions(activities_table=name, as_of=RUN_AS_OF))
    with pytest.raises(ExportError, match=f"leads table '{name}' has the name of a step"):
        export_sql(model, "postgres", SqlOptions(leads_table=name, as_of=RUN_AS_OF))
    assert f'"main"."{name}"' in export_sql(model, "duckdb", SqlOptions(activities_table=f"main.{name}",
                                                                        as_of=RUN_AS_OF))


def test_hostile_names_and_values_are_data_not_sql():
    model = validate_model(HOSTILE_MODEL)
    leads = pd.DataFrame({"lead_id": ["x'); DROP TABLE leads; --", "2", "3", "4"],
                          "select": ["x'); drop table leads; --", "no", "1.0", "50%"],
                          'col"umn': ["1e3", "inf", "1,000", "-inf"],
                          "scored_at": ["2025-01-01", None, "2025-01-02 10:00", None]}, dtype="str")
    activities = pd.DataFrame({"lead_id": ["x'); DROP TABLE leads; --", "2", "3"],
                               "activity": [" X'); DROP TABLE ACTIVITIES; -- "] * 3,
                               "occurred_at": ["2024-12-31 23:59:59", "2025-01-02", "2025-01-02 10:00"]}, dtype="str")
    got = run(model, leads, activities)
    assert_same_scores(expected_scores(model, leads, activities), got)
    assert set(got["action"]) <= {"sales", "it's \"quoted\""}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=model_and_frames())
def test_generated_models_and_messy_data_score_as_the_engine(case):
    model, leads, activities = case
    assert_same_scores(expected_scores(model, leads, activities), run(model, leads, activities))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=where_cases())
def test_where_filters_score_as_the_engine(case):
    model, leads, activities = case
    assert_same_scores(expected_scores(model, leads, activities), run(model, leads, activities))


def test_a_where_column_is_read_through_the_column_mapping():
    model = validate_model({**WHERE_MODEL, "columns": {"activities": {"lifecycle": "Stage", "occurred_at": "ts"}}})
    leads = pd.DataFrame({"lead_id": ["1", "2"], "x": ["a", "b"], "scored_at": [None, "2025-05-20"]})
    activities = pd.DataFrame({"lead_id": ["1", "1", "1", "2"], "activity": ["work"] * 4,
                               "ts": ["2025-05-01", "2025-05-02", "2025-05-10", "2025-05-19"],
                               "Stage": ["SCHEDULE", "START", "COMPLETE", "complete"], 'st"ate': ["ok"] * 4,
                               "select": ["it's"] * 4})
    got = run(model, leads, activities)
    assert_same_scores(expected_scores(model, leads, activities), got)
    assert got.set_index("lead_id")["engagement_score"].round(6).to_dict() == pytest.approx({
        "1": round(5 * (0.5 ** (31.5 / 30) + 0.5 ** (30.5 / 30) + 0.5 ** (22.5 / 30))
                   + (20 + 7) * 0.5 ** (22.5 / 30), 6),
        "2": round((5 + 20 + 7) * 0.5 ** (1 / 30), 6)})


def test_a_row_number_id_is_refused_in_sql():
    model = load_model(CONFIGS[0].parent / "default.yaml")
    with pytest.raises(ExportError, match=r"columns\.leads\.lead_id: '@row' .* map it to a column"):
        export_sql(model, "duckdb", SqlOptions(mapping={"leads": {"lead_id": "@row"}}))
