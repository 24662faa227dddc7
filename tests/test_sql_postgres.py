"""The exported SQL on a real PostgreSQL server (Debian's postgresql package: initdb and
pg_ctl in a temp folder, on a Unix socket; psycopg 3 as the client) scores as the engine."""

from __future__ import annotations

import importlib.util
import time

import pytest
from hypothesis import HealthCheck, given, settings
from sql_cases import (
    CONFIGS,
    HOSTILE_MODEL,
    RUN_AS_OF,
    SAMPLE_ACTIVITIES,
    SAMPLE_LEADS,
    assert_same_scores,
    expected_scores,
    frames_for,
    model_and_frames,
    require,
    where_cases,
)
from sql_engines import PostgresServer, find_pg_bin, load_postgres, query_postgres

from scoring import load_leads, load_model, read_table, validate_model
from scoring.sql import SqlOptions, export_sql


@pytest.fixture(scope="session")
def postgres():
    bin_dir = find_pg_bin()
    require("PostgreSQL", bin_dir is not None, "initdb/pg_ctl not found (make test installs Debian's postgresql)")
    require("psycopg", importlib.util.find_spec("psycopg") is not None, "pip install -e '.[sql]'")
    started = time.monotonic()
    server = PostgresServer(bin_dir).start()
    connection = server.connect()
    print(f"PostgreSQL up in {time.monotonic() - started:.1f} s")
    try:
        yield connection
    finally:
        connection.close()
        server.stop()


def run(connection, model, leads, activities):
    load_postgres(connection, "leads", leads)
    load_postgres(connection, "activities", activities)
    return query_postgres(connection, export_sql(model, "postgres", SqlOptions(as_of=RUN_AS_OF)))


def test_sample_data_scores_as_the_engine(postgres):
    leads, activities = load_leads(SAMPLE_LEADS), read_table(SAMPLE_ACTIVITIES)
    for config in ("default.yaml", "windows.yaml"):
        model = load_model(CONFIGS[0].parent / config)
        assert_same_scores(expected_scores(model, leads, activities), run(postgres, model, leads, activities))


@pytest.mark.parametrize("numeric", [False, True], ids=["text columns", "number columns"])
@pytest.mark.parametrize("config", CONFIGS, ids=[c.stem for c in CONFIGS])
def test_every_config_scores_as_the_engine(postgres, config, numeric):
    model = load_model(config)
    leads, activities = frames_for(model, 300, seed=7, numeric=numeric)
    assert_same_scores(expected_scores(model, leads, activities), run(postgres, model, leads, activities))


def test_hostile_model_is_data_not_sql(postgres):
    import pandas as pd

    model = validate_model(HOSTILE_MODEL)
    leads = pd.DataFrame({"lead_id": ["x'); DROP TABLE leads; --", "2", "3"], "select": ["x'); drop table leads; --",
                          "no", "\\"], 'col"umn': ["1e3", "5", "inf"], "scored_at": ["2025-01-02", None, None]})
    activities = pd.DataFrame({"lead_id": ["x'); DROP TABLE leads; --"], "activity": ["x'); drop table activities; --"],
                               "occurred_at": ["2025-01-01 23:59"]})
    assert_same_scores(expected_scores(model, leads, activities), run(postgres, model, leads, activities))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(case=model_and_frames())
def test_generated_models_and_messy_data_score_as_the_engine(postgres, case):
    model, leads, activities = case
    assert_same_scores(expected_scores(model, leads, activities), run(postgres, model, leads, activities))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(case=where_cases())
def test_where_filters_score_as_the_engine(postgres, case):
    model, leads, activities = case
    assert_same_scores(expected_scores(model, leads, activities), run(postgres, model, leads, activities))
