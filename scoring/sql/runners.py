"""Running the scoring query and the matrix aggregation in DuckDB or Spark, on the same
CSV/Parquet files the pandas engine reads.

CSV files are read as text, every column (only an empty field is missing), as LeadGrid's
own reader does; Parquet keeps its types. Both engines run in UTC, which the query's
timestamps assume.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from scoring.data import read as d
from scoring.engine.scorer import Scorer
from scoring.errors import DataError
from scoring.measures.metrics import Outcomes, Preview
from scoring.model.schema import LeadModel
from scoring.sql.matrix import outcome_columns, physical_name, sql_preview
from scoring.sql.query import SqlOptions

LEADS_VIEW = "leads"
ACTIVITIES_VIEW = "activities"


def _is_parquet(path: str | Path) -> bool:
    return str(path).lower().endswith(d.PARQUET_SUFFIXES)


def _check_file(path: str | Path) -> None:
    if not Path(path).is_file():
        raise DataError("cannot read the file: no such file", source=str(path))


def _options(model: LeadModel, columns: list[str], activities: bool, as_of: object,
             mapping: Mapping[str, Mapping[str, str]] | None) -> tuple[SqlOptions, str]:
    leads_map = model.column_mapping(mapping)["leads"]
    lead_id = physical_name(d.LEAD_ID, leads_map, columns)
    if lead_id is None:
        raise DataError(f"the leads file has no {leads_map.get(d.LEAD_ID, d.LEAD_ID)} column")
    options = SqlOptions(leads_table=LEADS_VIEW, activities_table=ACTIVITIES_VIEW if activities else None,
                         scored_at=physical_name(d.SCORED_AT, leads_map, columns) is not None, as_of=as_of,
                         mapping={k: dict(v) for k, v in (mapping or {}).items()}, require_as_of=False)
    return options, lead_id


def refuse_silent_as_of(model: LeadModel, leads: str | Path, activities: str | Path | None, as_of: object,
                        mapping: Mapping[str, Mapping[str, str]] | None) -> None:
    """The engine's rule before a SQL preview without an as-of: leads with activities but no
    scored_at are refused (``AsOfRequired``), never aged at the data's latest activity."""
    if as_of is None and activities is not None:
        Scorer.for_model(model, d.read_table(leads), d.read_table(activities), None, mapping=mapping)


def duckdb_preview(model: LeadModel, leads: str | Path, activities: str | Path | None = None,
                   outcomes: Outcomes | None = None, as_of: object = None,
                   mapping: Mapping[str, Mapping[str, str]] | None = None) -> Preview:
    """The matrix metrics computed by DuckDB reading the files."""
    import duckdb  # deferred: optional (the sql extra), only --engine duckdb needs it

    refuse_silent_as_of(model, leads, activities, as_of, mapping)

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for view, path in ((LEADS_VIEW, leads), (ACTIVITIES_VIEW, activities)):
        if path is None:
            continue
        _check_file(path)
        if _is_parquet(path):
            relation = con.read_parquet(str(path))
        else:
            relation = con.read_csv(str(path), all_varchar=True, header=True)
        relation.create_view(view)
    columns = [row[0] for row in con.execute(f"DESCRIBE {LEADS_VIEW}").fetchall()]
    options, lead_id = _options(model, columns, activities is not None, as_of, mapping)
    outcomes = outcomes or Outcomes()
    found = outcome_columns(model, outcomes, columns, mapping)
    return sql_preview(model, "duckdb", lambda sql: con.execute(sql).fetchall(), options, found, lead_id,
                       outcomes.per_month)


def spark_session(master: str | None = None):
    """A SparkSession in UTC: local by default, or the cluster at ``master``."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("leadgrid").config("spark.sql.session.timeZone", "UTC")
    builder = builder.master(master or "local[*]")
    return builder.getOrCreate()


def spark_preview(model: LeadModel, leads: str | Path, activities: str | Path | None = None,
                  outcomes: Outcomes | None = None, as_of: object = None,
                  mapping: Mapping[str, Mapping[str, str]] | None = None, *, spark=None,
                  master: str | None = None) -> Preview:
    """The matrix metrics computed by Spark reading the files (``spark``: an existing session)."""
    refuse_silent_as_of(model, leads, activities, as_of, mapping)
    spark = spark or spark_session(master)
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    for view, path in ((LEADS_VIEW, leads), (ACTIVITIES_VIEW, activities)):
        if path is None:
            continue
        _check_file(path)
        if _is_parquet(path):
            frame = spark.read.parquet(str(path))
        else:
            frame = spark.read.options(header=True, multiLine=True, escape='"', inferSchema=False).csv(str(path))
        frame.createOrReplaceTempView(view)
    columns = spark.table(LEADS_VIEW).columns
    options, lead_id = _options(model, columns, activities is not None, as_of, mapping)
    outcomes = outcomes or Outcomes()
    found = outcome_columns(model, outcomes, columns, mapping)
    return sql_preview(model, "spark", lambda sql: [tuple(r) for r in spark.sql(sql).collect()], options, found,
                       lead_id, outcomes.per_month)
