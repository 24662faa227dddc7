"""The benchmark runs end to end at a small scale, prints its one table, and its ratings agree
with DuckDB's (no timings are asserted)."""

from scoring.model.files import load_model
from scoring.tools.bench import VARIANTS, main, run
from scoring.tools.bench_duckdb import query


def test_bench_prints_one_table_and_agrees_with_duckdb(capsys):
    assert main(["--leads", "300", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("300 leads, ")
    for line in ("read Parquet", "prepare the Scorer", "first score and matrix", *VARIANTS, "median of these",
                 "ratings against DuckDB: identical", "peak memory"):
        assert line in out


def test_bench_ratings_agree_with_duckdb_on_every_variant():
    figures = run(500, repeat=2, seed=3, export_sql=True)
    assert figures.compared == 500 * 2 * len(VARIANTS)
    assert figures.mismatches == 0
    assert len(figures.export_sql) == 2
    assert set(figures.score) == set(figures.preview) == set(figures.duckdb) == set(VARIANTS)


def test_duckdb_peer_query_names_every_entry_and_rule():
    model = load_model("configs/default.yaml")
    text = query(model, {"annual_revenue", "total_visits"})
    for entry in model.activity_entries:
        assert f"'{entry.activity}'" in text
    assert "pow(0.5, age / 30.0)" in text
