"""Benchmark: a changed model re-scored by the Scorer against DuckDB on the raw tables. Prints one table.

    python -m scoring.tools.bench --leads 1000000 [--repeat 5] [--seed 7] [--export-sql]

Synthetic data (``scoring.tools.synth``) is written to Parquet in a temporary directory, read
back and prepared: that is the preparation. The model is configs/default.yaml; each
variant moves one thing of it (a weight, the A threshold, a rule's value, the half-life,
new values on every run so nothing is cached from an earlier run). Timed per variant:
``Scorer.score`` alone, and ``preview`` (the score plus the 16 cells' figures and the
to-sales summary); the peer is DuckDB computing the same variants from the same Parquet
tables in the same process (``scoring.tools.bench_duckdb``; ``--export-sql`` also times the
portable query of ``scoring.sql``). Medians of ``--repeat`` runs; every variant's
ratings are compared with DuckDB's. Peak memory is the process's maximum resident size,
read before DuckDB loads anything and again at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from scoring.data import read as d
from scoring.engine.scorer import Scorer
from scoring.measures.metrics import preview, rating_codes
from scoring.model.files import load_model
from scoring.model.schema import LeadModel
from scoring.model.validation import validate_model
from scoring.tools.bench_duckdb import query

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "configs" / "default.yaml"
VARIANTS = ("weight", "A threshold", "rule value", "half-life")


def _seconds(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _read(paths: tuple[Path, Path]):
    return d.load_leads(paths[0]), d.load_activities(paths[1])


def _fetch(con, sql: Callable[[], str]):
    """Build the query (part of DuckDB's time, as score() builds its parts) and fetch every row."""
    return con.sql(sql()).to_arrow_table()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def variant(model: LeadModel, kind: str, step: int) -> LeadModel:
    """``model`` with one thing moved by an amount that differs for every ``step``."""
    data = model.model_dump(by_alias=True, exclude_none=True)
    categories = data["profile"]["categories"]
    if kind == "weight":  # move weight from the second category to the first
        moved = min(1 + step % 9, categories[1]["weight"])
        categories[0]["weight"] += moved
        categories[1]["weight"] -= moved
    elif kind == "A threshold":
        grades = data["profile"]["grades"]
        grades["A"] = grades["B"] + (grades["A"] - grades["B"]) * (0.3 + 0.05 * (step % 13))
    elif kind == "rule value":
        rule = next(rule for c in categories for rule in c.get("rules", []))
        rule["value"] = max(-100, min(100, rule["value"] - 1 - step))
    elif kind == "half-life":
        recency = data["engagement"]["recency"]
        recency["half_life_days"] = recency.get("half_life_days", 30) * (0.7 + 0.013 * step)
    return validate_model(data)


@dataclass
class Figures:
    leads: int
    activities: int
    preparation: dict[str, list[float]] = field(default_factory=dict)
    score: dict[str, list[float]] = field(default_factory=dict)
    preview: dict[str, list[float]] = field(default_factory=dict)
    duckdb: dict[str, list[float]] = field(default_factory=dict)
    export_sql: list[float] = field(default_factory=list)
    mismatches: int = 0  # leads rated differently by the engine and DuckDB, over every variant
    compared: int = 0
    peak_engine_mb: float = 0.0
    peak_mb: float = 0.0

    def add(self, table: dict[str, list[float]], name: str, seconds: float) -> None:
        table.setdefault(name, []).append(seconds)


def _steps(repeat: int, offset: int) -> Iterator[int]:
    return iter(range(offset, offset + repeat))


def run(leads_count: int, repeat: int = 5, seed: int = 7, export_sql: bool = False) -> Figures:
    """Time preparation, re-scores and DuckDB's peer queries; medians are taken by the caller."""
    model = load_model(DEFAULT_MODEL)
    with tempfile.TemporaryDirectory(prefix="leadgrid-bench-") as directory:
        paths = Path(directory) / "leads.parquet", Path(directory) / "activities.parquet"
        # generated in another process, so that the peak memory below is the engine's own
        subprocess.run([sys.executable, "-m", "scoring.tools.synth", "--leads", str(leads_count), "--seed", str(seed),
                        "--out", directory, "--format", "parquet"], check=True, stdout=subprocess.DEVNULL)
        figures = Figures(leads_count, 0)
        for run_number in range(max(1, min(repeat, 3))):  # preparation is long at scale: at most 3 runs
            if run_number:
                del scorer, leads, activities  # noqa: F821 - one data set in memory at a time
            read, (leads, activities) = _seconds(partial(_read, paths))
            prepare, scorer = _seconds(partial(Scorer, leads, activities))
            first, _ = _seconds(partial(preview, model, scorer))
            for name, seconds in (("read Parquet", read), ("prepare the Scorer", prepare),
                                  ("first score and matrix", first), ("total", read + prepare + first)):
                figures.add(figures.preparation, name, seconds)
        figures.activities = len(activities)
        ratings: dict[tuple[str, int], np.ndarray] = {}
        for kind in VARIANTS:
            for step in _steps(repeat, 0):
                changed = variant(model, kind, step)
                scorer.score(model)  # the model before the change is the current one
                seconds, scored = _seconds(partial(scorer.score, changed))
                figures.add(figures.score, kind, seconds)
                ratings[kind, step] = rating_codes(scored["rating"]).astype(np.int8)  # not 1M strings each
            for step in _steps(repeat, 100):
                changed = variant(model, kind, step)
                preview(model, scorer)
                figures.add(figures.preview, kind, _seconds(partial(preview, changed, scorer))[0])
        figures.peak_engine_mb = _peak_mb()
        index = scorer.index
        del scorer, leads, activities
        _duckdb_peer(figures, model, paths, repeat, ratings, index, export_sql)
    figures.peak_mb = _peak_mb()
    return figures


def _duckdb_peer(figures: Figures, model: LeadModel, paths, repeat: int, ratings, index, export_sql: bool) -> None:
    import duckdb  # deferred: optional (the sql extra), only the DuckDB peer needs it

    con = duckdb.connect()
    con.execute(f"CREATE TABLE leads AS SELECT * FROM read_parquet('{paths[0]}')")
    con.execute(f"CREATE TABLE activities AS SELECT * FROM read_parquet('{paths[1]}')")
    numeric = {row[0] for row in con.execute("DESCRIBE leads").fetchall()
               if row[1] in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "DECIMAL")}
    for kind in VARIANTS:
        for step in _steps(repeat, 0):
            changed = variant(model, kind, step)
            seconds, result = _seconds(partial(_fetch, con, partial(query, changed, numeric)))
            figures.add(figures.duckdb, kind, seconds)
            frame = result.select(["lead_id", "rating"]).to_pandas().set_index("lead_id")
            theirs = rating_codes(frame["rating"].reindex(index))
            figures.mismatches += int((theirs != ratings[kind, step]).sum())
            figures.compared += len(theirs)
    if export_sql:  # deferred: sqlglot (the sql extra), only for the exported query's timing
        from scoring.sql import SqlOptions
        from scoring.sql import export_sql as export

        text = export(model, "duckdb", SqlOptions(as_of="now"))  # every generated lead has its scored_at
        for _ in range(max(1, min(repeat, 2))):
            figures.export_sql.append(_seconds(partial(_fetch, con, lambda: text))[0])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:,.1f} ms"


def report(figures: Figures, repeat: int) -> str:
    median = statistics.median
    lines = [f"{figures.leads:,} leads, {figures.activities:,} activities (synthetic, Parquet), "
             f"configs/default.yaml, {os.cpu_count()} cores; medians of {repeat} runs",
             "", "preparation from Parquet"]
    lines += [f"  {name:<26} {_ms(median(values)):>12}" for name, values in figures.preparation.items()]
    lines += ["", f"  {'changed model':<17}{'score()':>11}{'+ matrix':>11}{'DuckDB':>11}{'ratio':>8}"]
    every = {name: [] for name in ("score", "preview", "duckdb")}
    for kind in VARIANTS:
        score, full, peer = (median(table[kind]) for table in (figures.score, figures.preview, figures.duckdb))
        for name, value in zip(every, (score, full, peer), strict=True):
            every[name].append(value)
        lines.append(f"  {kind:<17}{_ms(score):>11}{_ms(full):>11}{_ms(peer):>11}{peer / full:>7.0f}x")
    score, full, peer = (median(values) for values in every.values())
    lines.append(f"  {'median of these':<17}{_ms(score):>11}{_ms(full):>11}{_ms(peer):>11}{peer / full:>7.0f}x")
    lines.append("  (ratio: DuckDB's time over score() + matrix)")
    if figures.export_sql:
        lines.append(f"  scoring.sql export on DuckDB, the default model: {_ms(median(figures.export_sql))}")
    same = "identical" if figures.mismatches == 0 else f"{figures.mismatches:,} of {figures.compared:,} differ"
    lines += ["", f"ratings against DuckDB: {same} ({figures.compared:,} lead ratings compared)",
              f"peak memory: {figures.peak_engine_mb:,.0f} MB for the engine; {figures.peak_mb:,.0f} MB "
              "with DuckDB's tables"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--export-sql", action="store_true", help="also time scoring.sql's query on DuckDB")
    args = parser.parse_args(argv)
    figures = run(args.leads, args.repeat, args.seed, args.export_sql)
    print(report(figures, args.repeat))
    return 0 if figures.mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
