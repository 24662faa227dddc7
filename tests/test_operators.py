"""The match operators' registry (scoring.model.operators): each operator is one class, and
every use (mask, SQL, text, diff, table) dispatches through it. ``EndsWith`` below is an
operator made in this test only: registering it is all it takes for a match to parse it,
the engine to mask it, the SQL export to write it (run here on DuckDB) and the text to show it."""

from __future__ import annotations

from typing import Any, ClassVar

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import Field, ValidationError
from sqlglot import exp

from scoring.engine.values import TRIM_CHARS, ValueColumn
from scoring.model.base import NonBlank
from scoring.model.conditions import OPERATORS, match_class
from scoring.model.operators import OPERATOR_CLASSES, Operator, RowError, operator_for_condition
from scoring.model.schema import Match
from scoring.model.tables import CONDITIONS
from scoring.sql.dialects import Target, string
from scoring.sql.fields import PreparedField, condition, needs_of


class EndsWith(Operator):
    """Matches when the trimmed text ends with one of the items, ignoring case."""

    fields: ClassVar[dict[str, tuple[Any, Any]]] = {"ends_with": (list[NonBlank] | None, Field(
        None, min_length=1, description="Matches when the trimmed text ends with one of the items."))}
    conditions = ("ends with",)
    needs = frozenset({"missing", "key"})

    def __init__(self, items: list[str]):
        self.items = items

    @classmethod
    def from_row(cls, condition, items, low, high):
        if not items:
            raise RowError(f"'{condition}' needs at least one item")
        return {"ends_with": items}

    def _suffixes(self) -> list[str]:
        return [item.strip(TRIM_CHARS).lower() for item in self.items]

    def mask(self, column):
        key = pd.Series(column.key)
        hits = pd.Series(False, index=key.index)
        for suffix in self._suffixes():
            hits |= key.str.endswith(suffix)
        return ~column.missing & hits.to_numpy(dtype=bool)

    def sql(self, column):
        hits = [exp.func("ENDS_WITH", column("key"), string(suffix)) for suffix in self._suffixes()]
        return exp.and_(exp.Not(this=column("missing")), exp.paren(exp.or_(*hits)))

    def duckdb(self, part, numeric):
        raise NotImplementedError  # the benchmark's peer needs no test operator

    def describe(self):
        return "ends with any of [" + ", ".join(self.items) + "]"

    def meaning(self):
        return ("ends with", frozenset(self._suffixes()))

    def row(self):
        return {"condition": "ends with", "items": list(self.items)}


WithEndsWith = match_class([*OPERATOR_CLASSES, EndsWith])


def duckdb_hits(values: list[object], match: Any) -> list[bool]:
    """Which of ``values`` the exported SQL condition of ``match`` selects, run on DuckDB
    through the same two steps (raw text/number, then the forms the rules need) as the export."""
    target = Target("duckdb")
    prepared = PreparedField("v", "f1_v", needs=needs_of(match))
    raw = exp.select(exp.column("i"), *prepared.raw.raw_projections(target, exp.column("v"))).from_("leads")
    forms = exp.select(exp.column("i"), *prepared.projections(target)).from_(raw.subquery("r"))
    hit = exp.Coalesce(this=condition(match, prepared), expressions=[exp.false()])
    query = exp.select(exp.alias_(hit, "hit")).from_(forms.subquery("p")).order_by("i")
    leads = pd.DataFrame({"i": range(len(values)), "v": pd.Series(values, dtype=object)})
    with duckdb.connect() as connection:
        connection.register("leads", leads)
        return [bool(row[0]) for row in connection.execute(query.sql(dialect="duckdb")).fetchall()]


def engine_hits(values: list[object], match: Any) -> list[bool]:
    return [bool(hit) for hit in ValueColumn(pd.Series(values, dtype=object)).matches(match)]


def test_the_registry_spells_the_format_keys_and_table_words():
    assert OPERATORS == ("in", "contains_any", "gte", "lt", "range", "missing")
    assert CONDITIONS == ["is one of", "contains any of", "at least", "below", "between", "is missing"]
    assert operator_for_condition("between").file_keys() == ["range"]
    assert operator_for_condition("nope") is None


@pytest.mark.parametrize(("spec", "kind"), [
    ({"in": ["a"]}, "In"), ({"contains_any": ["a"]}, "ContainsAny"), ({"gte": 1}, "Band"),
    ({"lt": 1}, "Band"), ({"gte": 1, "lt": 2}, "Band"), ({"range": [None, 2]}, "Range"),
    ({"missing": True}, "Missing"),
])
def test_each_match_has_one_operator_object(spec, kind):
    assert type(Match.model_validate(spec).operator).__name__ == kind


def test_a_registered_operator_parses_refuses_and_dumps_like_the_others():
    match = WithEndsWith.model_validate({"ends_with": ["Inc", "GmbH"]})
    assert match.model_dump(by_alias=True, exclude_none=True) == {"ends_with": ["Inc", "GmbH"]}
    with pytest.raises(ValidationError, match="only gte with lt may combine"):
        WithEndsWith.model_validate({"ends_with": ["Inc"], "in": ["x"]})
    with pytest.raises(ValidationError, match="one of in, contains_any, gte, lt, range, missing, ends_with"):
        WithEndsWith.model_validate({})
    assert "ends_with" in WithEndsWith.model_json_schema()["properties"]
    assert "ends_with" not in Match.model_json_schema()["properties"]  # the format's Match is untouched


def test_a_registered_operator_masks_writes_sql_and_text():
    match = WithEndsWith.model_validate({"ends_with": ["Inc", " gmbh "]})
    values = ["Acme Inc", "acme INC  ", "Inc. Acme", "Foo GmbH", None, "   ", "gmbh", 5]
    expected = [True, True, False, True, False, False, True, False]
    assert engine_hits(values, match) == expected
    assert duckdb_hits(values, match) == expected
    assert match.describe() == "ends with any of [Inc,  gmbh ]"
    assert match.operator.row() == {"condition": "ends with", "items": ["Inc", " gmbh "]}
    assert EndsWith.from_row("ends with", ["x"], None, None) == {"ends_with": ["x"]}


texts = st.one_of(st.none(), st.text(alphabet="abAB .\t", max_size=6))
suffixes = st.lists(st.text(alphabet="abAB", min_size=1, max_size=2), min_size=1, max_size=3)


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(texts, min_size=1, max_size=12), items=suffixes)
@example(values=["ab "], items=["B"])
def test_a_registered_operator_agrees_with_pandas_and_duckdb(values, items):
    match = WithEndsWith.model_validate({"ends_with": items})
    wanted = [item.lower() for item in items]
    expected = [value is not None and value.strip(TRIM_CHARS) != ""
                and any(value.strip(TRIM_CHARS).lower().endswith(item) for item in wanted) for value in values]
    assert engine_hits(values, match) == expected
    assert duckdb_hits(values, match) == expected


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.one_of(st.none(), st.floats(-10, 10, allow_nan=False), st.sampled_from(["3", "x", " "])),
                       min_size=1, max_size=12),
       low=st.one_of(st.none(), st.integers(-5, 5)), high=st.one_of(st.none(), st.integers(-5, 5)))
def test_band_and_range_select_the_same_numbers_in_the_engine_and_duckdb(values, low, high):
    if low is None and high is None:
        low = 0
    band = Match.model_validate({key: bound for key, bound in (("gte", low), ("lt", high)) if bound is not None})
    interval = Match.model_validate({"range": [low, high]})
    numbers = pd.to_numeric(pd.Series(values, dtype=object).map(lambda v: None if v in (None, " ") else v),
                            errors="coerce")
    expected = [not pd.isna(n) and (low is None or n >= low) and (high is None or n < high) for n in numbers]
    assert engine_hits(values, band) == engine_hits(values, interval) == expected
    assert duckdb_hits(values, band) == duckdb_hits(values, interval) == expected
    assert band.operator.meaning() == interval.operator.meaning()
