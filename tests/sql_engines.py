"""Real SQL engines for the export tests: a throw-away PostgreSQL server (Debian's
postgresql package: initdb + pg_ctl, a temp folder, a Unix socket) and a local Spark."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
from sql_cases import python_rows, quote, sql_type

PG_USER = "leadgrid"


def find_pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


class PostgresServer:
    """A PostgreSQL cluster in a temp folder, listening only on a Unix socket in that folder.

    PostgreSQL refuses to run as root; as root the server runs as the ``postgres`` user
    (created by Debian's package) or ``nobody``."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="leadgrid-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args: str) -> None:
        kwargs = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        result = subprocess.run([str(self.bin_dir / args[0]), *args[1:]], capture_output=True, text=True,
                                timeout=120, cwd=self.root, **kwargs)
        if result.returncode:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr or result.stdout}\n{log}")

    def start(self) -> PostgresServer:
        self._run("initdb", "-D", str(self.data), "-U", PG_USER, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = f"-k {self.root} -c listen_addresses='' -F -c TimeZone=UTC -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def connect(self):
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                return psycopg.connect(host=str(self.root), user=PG_USER, dbname="postgres", autocommit=True)
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def load_postgres(connection, name: str, frame: pd.DataFrame) -> None:
    """A table with the frame's types (text columns as TEXT), filled with COPY."""
    columns = ", ".join(f"{quote(c)} {sql_type(frame[c])}" for c in frame.columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE TABLE {quote(name)} ({columns})")
        names = ", ".join(quote(c) for c in frame.columns)
        with cursor.copy(f"COPY {quote(name)} ({names}) FROM STDIN") as copy:
            for row in python_rows(frame):
                copy.write_row(row)


def query_postgres(connection, sql: str) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [column.name for column in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names)


def spark_session():
    """One local SparkSession in UTC (the export's timestamps assume a UTC session)."""
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("leadgrid-tests")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "1g")
            .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def load_spark(spark, name: str, frame: pd.DataFrame) -> None:
    """A temporary view with the frame's types (text columns as STRING)."""
    from pyspark.sql import types as T

    spark_types = {"BOOLEAN": T.BooleanType(), "BIGINT": T.LongType(), "DOUBLE PRECISION": T.DoubleType(),
                   "TIMESTAMP": T.TimestampNTZType(), "TEXT": T.StringType()}
    schema = T.StructType([T.StructField(str(c), spark_types[sql_type(frame[c])], True) for c in frame.columns])
    spark.createDataFrame(python_rows(frame), schema).createOrReplaceTempView(name)


def query_spark(spark, sql: str) -> pd.DataFrame:
    result = spark.sql(sql)
    return pd.DataFrame([tuple(row) for row in result.collect()], columns=result.columns)
