"""``leadgrid matrix --engine duckdb|spark``: the matrix computed by the exported SQL in
DuckDB or Spark, reading the same --leads/--activities files as the pandas engine."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from scoring.cli.common import UsageError
from scoring.data import read as data
from scoring.data.csvfile import decode_text, detect_delimiter
from scoring.engine.values import UnreadableNumbers, number_rule_fields, unreadable_numbers
from scoring.errors import DataError
from scoring.measures.metrics import Outcomes, Preview
from scoring.model.schema import LeadModel

ENGINES = ("pandas", "duckdb", "spark")


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and ``--spark-master`` on the matrix command."""
    parser.add_argument("--engine", choices=ENGINES, default="pandas",
                        help="where to compute: pandas (default), or the exported SQL in duckdb or spark")
    parser.add_argument("--spark-master", dest="spark_master", metavar="URL",
                        help="Spark master for --engine spark (default: local[*])")


def sql_matrix_preview(model: LeadModel, args: argparse.Namespace, outcomes: Outcomes,
                       mapping: Mapping[str, Mapping[str, str]]) -> Preview:
    """The matrix from the SQL engine named by ``args.engine``."""
    if args.dataset:
        raise UsageError(f"--engine {args.engine} reads --leads/--activities files; --dataset is for --engine pandas")
    if args.spark_master and args.engine != "spark":
        raise UsageError("--spark-master goes with --engine spark")
    try:  # deferred: the SQL engines need the sql extra (duckdb, sqlglot), the pandas engine does not
        from scoring.sql import runners
    except ImportError as error:
        raise UsageError(f"--engine {args.engine} needs the sql extra (pip install 'leadgrid[sql]'): {error}") from None
    if args.engine == "duckdb":
        return runners.duckdb_preview(model, args.leads, args.activities, outcomes, args.as_of, mapping)
    try:
        import pyspark  # noqa: F401  # deferred: optional, only --engine spark needs it
    except ImportError:
        raise UsageError("--engine spark needs pyspark (pip install 'leadgrid[sql,spark]') and Java 17+") from None
    return runners.spark_preview(model, args.leads, args.activities, outcomes, args.as_of, mapping,
                                 master=args.spark_master)


HEADER_BYTES = 1 << 20


def header_frame(path: str | Path, leads_mapping: Mapping[str, str]) -> pd.DataFrame:
    """An empty leads table with the file's columns after the model's mapping, read from the
    header alone (the SQL engines read the rows themselves), so an outcome flag naming a
    column that is not there is refused as the pandas engine refuses it."""
    source = str(path)
    try:
        if Path(path).suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq  # deferred: only for a Parquet header, keeps the CLI's start fast

            columns = pq.read_schema(path).names
        else:
            with open(path, "rb") as handle:
                text = decode_text(handle.read(HEADER_BYTES))
            first = text.split("\n", 1)[0].rstrip("\r")
            columns = [name.strip() for name in next(csv.reader([first], delimiter=detect_delimiter(text)), [])]
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror or error}", source=source) from None
    except Exception as error:  # pyarrow's errors for a file that is not Parquet
        raise DataError(f"cannot read the columns: {error}", source=source) from None
    frame = pd.DataFrame(columns=columns)
    frame.attrs["source"] = source
    return data.apply_mapping(frame, leads_mapping)


def sql_unreadable_numbers(model: LeadModel, args: argparse.Namespace,
                           leads_mapping: Mapping[str, str]) -> list[UnreadableNumbers]:
    """What the pandas engine counts as unreadable numbers ("5,000" under a gte rule), for
    the SQL engines, which read the same text as not a number: the leads file is read
    here only when the model has a number rule."""
    if not args.leads or not number_rule_fields(model):
        return []
    return unreadable_numbers(model, data.load_leads(args.leads, leads_mapping))
