"""The exported SQL in a real local Spark (one SparkSession for the whole run) scores as the
engine, and ``matrix --engine spark`` gives the pandas engine's numbers."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import time

import pandas as pd
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
    require,
    where_cases,
)
from sql_engines import load_spark, query_spark, spark_session

from scoring import Scorer, load_leads, load_model, read_table, validate_model
from scoring.measures.metrics import preview
from scoring.sql import SqlOptions, export_sql
from scoring.sql.runners import spark_preview


def _java_ok() -> bool:
    java = shutil.which("java")
    if java is None:
        return False
    result = subprocess.run([java, "-version"], capture_output=True, text=True)
    return result.returncode == 0


@pytest.fixture(scope="session")
def spark():
    require("pyspark", importlib.util.find_spec("pyspark") is not None, "pip install -e '.[sql]'")
    require("Java", _java_ok(), "no working `java` (make test installs a Debian JRE)")
    started = time.monotonic()
    session = spark_session()
    print(f"SparkSession up in {time.monotonic() - started:.1f} s")
    yield session
    session.stop()


def run(spark, model, leads, activities):
    load_spark(spark, "leads", leads)
    load_spark(spark, "activities", activities)
    return query_spark(spark, export_sql(model, "spark", SqlOptions(as_of=RUN_AS_OF)))


def test_sample_data_scores_as_the_engine(spark):
    """The CSV files read by Spark itself, every column as text (as LeadGrid reads a CSV)."""
    for name, path in (("leads", SAMPLE_LEADS), ("activities", SAMPLE_ACTIVITIES)):
        spark.read.options(header=True, multiLine=True, escape='"').csv(str(path)).createOrReplaceTempView(name)
    model = load_model(CONFIGS[0].parent / "default.yaml")
    got = query_spark(spark, export_sql(model, "spark", SqlOptions(as_of=RUN_AS_OF)))
    expected = expected_scores(model, load_leads(SAMPLE_LEADS), read_table(SAMPLE_ACTIVITIES))
    assert_same_scores(expected, got)


@pytest.mark.parametrize(("config", "numeric"), [("windows.yaml", False), ("x_education_leads.yaml", True),
                                                 ("bank_marketing.yaml", True)])
def test_configs_score_as_the_engine(spark, config, numeric):
    model = load_model(CONFIGS[0].parent / config)
    leads, activities = frames_for(model, 150, seed=11, numeric=numeric)
    assert_same_scores(expected_scores(model, leads, activities), run(spark, model, leads, activities))


def test_hostile_model_is_data_not_sql(spark):
    model = validate_model(HOSTILE_MODEL)
    leads = pd.DataFrame({"lead_id": ["x'); DROP TABLE leads; --", "2", "3"], "select": ["x'); drop table leads; --",
                          "no", "\\"], 'col"umn': ["1e3", "5", "-Infinity"], "scored_at": ["2025-01-02", None, None]})
    activities = pd.DataFrame({"lead_id": ["x'); DROP TABLE leads; --"], "activity": ["x'); drop table activities; --"],
                               "occurred_at": ["2025-01-01 23:59"]})
    assert_same_scores(expected_scores(model, leads, activities), run(spark, model, leads, activities))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(case=where_cases())
def test_where_filters_score_as_the_engine(spark, case):
    model, leads, activities = case
    assert_same_scores(expected_scores(model, leads, activities), run(spark, model, leads, activities))


def test_matrix_engine_spark_equals_pandas(spark):
    model = load_model(CONFIGS[0].parent / "default.yaml")
    expected = preview(model, Scorer.for_model(model, load_leads(SAMPLE_LEADS), read_table(SAMPLE_ACTIVITIES)))
    got = spark_preview(model, SAMPLE_LEADS, SAMPLE_ACTIVITIES, spark=spark)
    pd.testing.assert_frame_equal(got.matrix, expected.matrix, check_exact=False, rtol=1e-12)
    got_sales, expected_sales = got.sales.as_dict(), expected.sales.as_dict()
    assert got_sales.pop("per_month_window") == expected_sales.pop("per_month_window")  # Jul-Sep 2025
    assert got_sales == pytest.approx(expected_sales, rel=1e-12, nan_ok=True)
