"""Every dialect's SQL parses back with sqlglot, matches its golden file for the default
model, quotes every name, and carries every value from the model as an escaped literal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlglot
from sql_cases import CONFIGS, HOSTILE_MODEL
from sqlglot import exp

from scoring import load_model, validate_model
from scoring.model import RATINGS
from scoring.sql import DIALECTS, SqlOptions, export_sql
from scoring.values import canonical_item

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_DIALECTS = ("snowflake", "bigquery", "tsql")
FUNCTION_WORDS = {"EPOCH", "EPOCH_MICROSECOND", "MICROSECOND"}  # date-part keywords, not names


def parsed(text: str, dialect: str) -> exp.Expression:
    statements = sqlglot.parse(text, read=dialect)
    assert len(statements) == 1, f"{dialect}: {len(statements)} statements"
    return statements[0]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("config", CONFIGS, ids=[c.stem for c in CONFIGS])
def test_every_config_parses_back_as_one_select(config, dialect):
    tree = parsed(export_sql(load_model(config), dialect, SqlOptions(as_of="now")), dialect)
    assert isinstance(tree, exp.Select)


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
