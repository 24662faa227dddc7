"""Every dialect's SQL parses back with sqlglot, matches its golden file for the default
model, quotes every name, and carries every value from the model as an escaped literal."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sql_cases import (
    CONFIGS,
    HOSTILE_MODEL,
    RUN_AS_OF,
    WHERE_MODEL,
    assert_same_scores,
    expected_scores,
    frames_for,
    load_duckdb,
)
from sqlglot import exp

from scoring import load_model, validate_model
from scoring.engine.values import canonical_item
from scoring.model.schema import RATINGS
from scoring.sql import DIALECTS, ExportError, SqlOptions, export_sql
from scoring.sql.dbt import dbt_model
from scoring.sql.dialects import DIALECT_CLASSES, Target, register

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_DIALECTS = ("snowflake", "bigquery", "tsql")
FUNCTION_WORDS = {"EPOCH", "EPOCH_MICROSECOND", "MICROSECOND"}  # date-part keywords, not names


def parsed(text: str, dialect: str) -> exp.Expression:
    statements = sqlglot.parse(text, read=dialect)
    assert len(statements) == 1, f"{dialect}: {len(statements)} statements"
    return statements[0]


@pytest.mark.parametrize("dialect", list(DIALECT_CLASSES))
@pytest.mark.parametrize("config", CONFIGS, ids=[c.stem for c in CONFIGS])
def test_every_registered_dialect_renders_every_config_as_one_select(config, dialect):
    text = export_sql(load_model(config), dialect, SqlOptions(as_of="now"))
    assert f"-- dialect: {dialect};" in text
    assert isinstance(parsed(text, dialect), exp.Select)


@pytest.mark.parametrize("dialect", GOLDEN_DIALECTS)
def test_default_model_matches_its_golden_file(dialect):
    """A reviewed rendering per dialect; UPDATE_GOLDEN=1 rewrites them after a deliberate change."""
    text = export_sql(load_model(CONFIGS[0].parent / "default.yaml"), dialect, SqlOptions(as_of="now"))
    golden = GOLDEN / f"default.{dialect}.sql"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{golden} is out of date (UPDATE_GOLDEN=1 to rewrite)"


def test_golden_files_read_like_sql_an_engineer_would_accept():
    for dialect in GOLDEN_DIALECTS:
        lines = (GOLDEN / f"default.{dialect}.sql").read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("-- LeadGrid scoring query for model: B2B SaaS inbound (default)")
        assert max(len(line) for line in lines) <= 240, "pretty-printed, no run-on lines"
        assert any(line.startswith("WITH ") for line in lines)
        for cte in ("lead_values", "lead_rows", "activity_counts", "rule_values", "raw_scores", "grades", "ratings"):
            assert any(cte in line and " AS (" in line for line in lines), cte


def _model_texts(model) -> set[str]:
    """Every text of the model that the query must carry as a literal, as the query compares it."""
    texts = {model.routing.default.action} | {route.action for route in model.routing.cells.values()}
    for rules in [c.rules for c in model.profile.categories] + [e.rules or [] for e in model.field_entries]:
        for rule in rules:
            texts |= {canonical_item(item) for item in rule.match.in_ or []}
            texts |= {item.lower() for item in rule.match.contains_any or []}
    texts |= {canonical_item(e.activity) for e in model.activity_entries}
    texts |= {canonical_item(item) for e in model.activity_entries for items in (e.where or {}).values()
              for item in items}
    return texts


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hostile_values_are_escaped_literals_and_names_are_quoted(dialect):
    model = validate_model(HOSTILE_MODEL)
    text = export_sql(model, dialect, SqlOptions(leads_table="x'); DROP TABLE leads; --.leads", as_of="now"))
    tree = parsed(text, dialect)
    assert not list(tree.find_all(exp.Drop)), "the SQL-shaped values stay inside literals and names"
    literals = {literal.this for literal in tree.find_all(exp.Literal) if literal.is_string}
    missing = _model_texts(model) - literals
    assert not missing, f"{dialect}: not carried as literals: {missing}"
    for identifier in tree.find_all(exp.Identifier):
        if identifier.name not in FUNCTION_WORDS and not isinstance(identifier.parent, exp.Var):
            assert identifier.quoted, f"{dialect}: unquoted name {identifier.name!r}"
    names = {identifier.name for identifier in tree.find_all(exp.Identifier)}
    assert {"select", 'col"umn', "x'); DROP TABLE leads; --"} <= names
    assert set(RATINGS) >= {literal.this for literal in tree.find_all(exp.Literal)
                            if literal.is_string and len(literal.this) == 2 and literal.this[1:] in "1234"
                            and literal.this[0] in "ABCD"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_where_filters_are_escaped_literals_on_quoted_columns(dialect):
    model = validate_model(WHERE_MODEL)
    tree = parsed(export_sql(model, dialect, SqlOptions(as_of="now")), dialect)
    assert not list(tree.find_all(exp.Drop))
    literals = {literal.this for literal in tree.find_all(exp.Literal) if literal.is_string}
    assert {"complete", "1", "x'); drop table leads; --", "ok", "it's", "2.5"} <= literals
    read = next(cte.this for cte in tree.find_all(exp.CTE) if cte.alias == "activity_values")
    columns = {column.name for column in read.find_all(exp.Column) if not column.table}
    assert {"lifecycle", 'st"ate', "select"} <= columns
    for identifier in read.find_all(exp.Identifier):
        if identifier.name not in FUNCTION_WORDS and not isinstance(identifier.parent, exp.Var):
            assert identifier.quoted, f"{dialect}: unquoted name {identifier.name!r}"


# ---------------------------------------------------------------- the registry of dialects


def test_the_registry_holds_the_listed_dialects_in_their_order():
    """``scoring.sql.DIALECTS`` (read by the CLI and the app without sqlglot) is the registry's keys."""
    assert tuple(DIALECT_CLASSES) == DIALECTS
    for name, cls in DIALECT_CLASSES.items():
        target = Target(name)
        assert type(target) is cls and target.name == name and target == cls()


@pytest.mark.parametrize(("given", "meant"), [
    ("postgress", "postgres"), ("PostgreSQL", "postgres"), ("snowflak", "snowflake"), ("big_query", "bigquery"),
    ("t-sql", "tsql"), ("duck", "duckdb"), ("sparkk", "spark"),
])
def test_an_unknown_dialect_names_the_closest_one(given, meant):
    expected = (f"unknown dialect {given!r}; did you mean {meant!r}? use one of "
                "duckdb, postgres, spark, snowflake, bigquery, tsql")
    model = load_model(CONFIGS[0].parent / "default.yaml")
    for export in (lambda: export_sql(model, given, SqlOptions(as_of="now")),
                   lambda: dbt_model(model, given, SqlOptions(as_of="now"))):
        with pytest.raises(ExportError) as error:
            export()
        assert str(error.value) == expected


@pytest.mark.parametrize("given", ["oracle", "", "db2", "sql server", None])
def test_an_unknown_dialect_far_from_every_name_only_lists_them(given):
    with pytest.raises(ExportError) as error:
        Target(given)
    assert str(error.value) == (f"unknown dialect {given!r}; use one of "
                                "duckdb, postgres, spark, snowflake, bigquery, tsql")


def test_every_one_letter_typo_of_a_dialect_suggests_that_dialect():
    """Every deletion, doubling and substitution of one letter, for every registered name."""
    for name in DIALECT_CLASSES:
        typos = {name[:i] + change + name[i + 1:] for i in range(len(name)) for change in ("", name[i] * 2, "x")}
        for typo in typos - set(DIALECT_CLASSES):
            with pytest.raises(ExportError, match=f"; did you mean '{name}'\\? use one of "):
                Target(typo)


BUILDING_BLOCKS = {  # every overridable method of Target, called on a sample input
    "now": lambda t: t.now(),
    "epoch_micros": lambda t: t.epoch_micros(exp.column("moment", quoted=True)),
    "regex": lambda t: t.regex(exp.column("text", quoted=True), "^[0-9]+$"),
    "text_literal": lambda t: t.text_literal(" \t\r\n"),
}


def test_a_dialect_holds_only_its_differences_from_the_common_spelling():
    """A subclass overrides a building block only where its SQL differs from the base's (no copies),
    and names its own sqlglot dialect only when that is not its name."""
    for name, cls in DIALECT_CLASSES.items():
        target = cls()
        for method, build in BUILDING_BLOCKS.items():
            if method in vars(cls):
                common = build(_Common(target))
                assert target.render(build(target)) != target.render(common), f"{name}.{method} repeats the base"
        assert "sqlglot_dialect" not in vars(cls) or cls.sqlglot_dialect != name


class _Common:
    """A dialect seen through the base's building blocks (its own overrides ignored)."""

    def __init__(self, target: Target):
        self.target = target

    def __getattr__(self, method: str):
        return getattr(Target, method).__get__(self.target)


def test_a_dialect_must_say_how_it_tells_a_number_column():
    class Unfinished(Target):
        name = "unfinished"

    with pytest.raises(TypeError, match="is_number_type"):
        Unfinished()
    with pytest.raises(ValueError, match="registered already"):
        register(type(Target("duckdb")))


class AnsiOnDuckDB(Target):
    """A dialect added by a test: the common spelling of everything (EXTRACT(EPOCH ...), CHR(9)),
    its own test of a number column, rendered by sqlglot's DuckDB generator."""

    name = "ansi_on_duckdb"
    sqlglot_dialect = "duckdb"

    def is_number_type(self, value: exp.Expression) -> exp.Expression:
        return exp.RegexpLike(this=exp.Anonymous(this="TYPEOF", expressions=[value]),
                              expression=exp.Literal.string("^(TINYINT|SMALLINT|INTEGER|BIGINT|FLOAT|DOUBLE|DECIMAL).*"))


def test_adding_a_dialect_is_one_subclass(monkeypatch):
    """Registered for this test only, the subclass is a dialect like the others: the export
    renders it, names it, lists it in the unknown-dialect message, and DuckDB runs its query
    to the engine's scores (number and text columns, aged activities)."""
    model = load_model(CONFIGS[0].parent / "default.yaml")
    leads, activities = frames_for(model, 300, seed=21, numeric=True)
    with monkeypatch.context() as patch:
        patch.setitem(DIALECT_CLASSES, AnsiOnDuckDB.name, AnsiOnDuckDB)
        text = export_sql(model, "ansi_on_duckdb", SqlOptions(as_of=RUN_AS_OF))
        with pytest.raises(ExportError, match=r"did you mean 'ansi_on_duckdb'\? use one of .*, tsql, ansi_on_duckdb$"):
            Target("ansi_on_duckdb_")
    with pytest.raises(ExportError, match="unknown dialect 'ansi_on_duckdb'"):
        Target("ansi_on_duckdb")  # gone with the test
    assert "-- dialect: ansi_on_duckdb;" in text
    assert "EXTRACT(EPOCH FROM" in text and "EPOCH_US" not in text, "the base's epoch, not DuckDB's"
    assert text != export_sql(model, "duckdb", SqlOptions(as_of=RUN_AS_OF))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    load_duckdb(con, "leads", leads)
    load_duckdb(con, "activities", activities)
    assert_same_scores(expected_scores(model, leads, activities), con.execute(text).df())
