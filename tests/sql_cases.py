"""Shared material for the SQL export tests: loading frames into engines, comparing the
query's rows with ``scoring.score``, data made to exercise a model's rules, and the
"skip only with a reason, never in CI" rule for optional engines."""

from __future__ import annotations

import json
import math
import os
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import strategies as st

from scoring import validate_model
from scoring.data import read as d
from scoring.engine.scorer import Scorer
from scoring.engine.values import canonical_item
from scoring.model.schema import LeadModel

ROOT = Path(__file__).parent.parent
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))
SAMPLE_LEADS = ROOT / "sample_data" / "leads.csv"
SAMPLE_ACTIVITIES = ROOT / "sample_data" / "activities.csv"
SCORE_TOLERANCE = 1e-6
HOSTILE = ("x'); DROP TABLE leads; --", 'a"b', "back\\slash", "select", "it's", "50%_off", "{{ ref('x') }}",
           "tab\there", "new\nline", "`tick`", "[bracket]", "$1", "é Ünï")


def require(component: str, available: bool, reason: str) -> None:
    """Skip with a printed reason when an optional engine is absent; in CI (env CI set) fail instead."""
    if available:
        return
    message = f"{component} not available: {reason}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so the test suite needs it; run `make test`)")
    print(f"SKIP {message}")
    pytest.skip(message)

# A model whose every name and value is SQL-, quote- or keyword-shaped.
HOSTILE_MODEL = {
    "name": "x'); DROP TABLE leads; --",
    "profile": {"categories": [
        {"id": "select", "field": "select", "weight": 60,
         "rules": [{"match": {"in": ["x'); DROP TABLE leads; --", "NO", 1]}, "value": 100},
                   {"match": {"contains_any": ["'", '"', "%", "_", "\\"]}, "value": 50}], "default": 10},
        {"id": 'we"ird', "field": 'col"umn', "weight": 40,
         "rules": [{"match": {"gte": 1000}, "value": 100}, {"match": {"range": [None, 10]}, "value": -100}]},
    ], "grades": {"A": 70, "B": 50, "C": 30, "D": 0}},
    "engagement": {"recency": {"half_life_days": 0.001}, "activities": [
        {"id": "from", "activity": "x'); DROP TABLE activities; --", "points": 60, "max_count": 1}],
        "grades": {"1": 55, "2": 30, "3": 12, "4": 0}},
    "routing": {"default": {"action": "it's \"quoted\""}, "cells": {"A1": {"action": "sales", "sla_hours": 24}}},
}


# ---------------------------------------------------------------- comparing


RUN_AS_OF = "2025-06-01 12:00:00"  # the run's as-of of every case: the data's leads lack scored_at at times


def expected_scores(model: LeadModel, leads: pd.DataFrame, activities: pd.DataFrame | None,
                    as_of: object = RUN_AS_OF) -> pd.DataFrame:
    """``scoring.score``'s rows, indexed by the lead id as text (the engine's join key)."""
    scorer = Scorer.for_model(model, leads, activities, as_of)
    result = scorer.score(model)
    result.index = pd.Index(d.id_text(pd.Series(result.index.to_numpy())).to_numpy(), name="lead_id")
    return result


def assert_same_scores(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """The query's rows equal the engine's: same leads, scores within 1e-6, grades and routes identical."""
    got = got.copy()
    got["lead_id"] = d.id_text(got["lead_id"]).to_numpy()
    got = got.set_index("lead_id")
    assert len(got) == len(expected), f"{len(got)} rows from SQL, {len(expected)} leads"
    assert not got.index.duplicated().any()
    assert set(got.index) == set(expected.index)
    got = got.loc[expected.index]
    for column in ("profile_score", "engagement_score"):
        difference = np.abs(got[column].to_numpy(dtype=float) - expected[column].to_numpy(dtype=float))
        worst = int(np.argmax(difference)) if len(difference) else 0
        assert not len(difference) or difference.max() <= SCORE_TOLERANCE, (
            f"{column} differs by {difference.max()} for lead {expected.index[worst]!r}: "
            f"SQL {got[column].iloc[worst]}, engine {expected[column].iloc[worst]}")
    for column in ("profile_grade", "engagement_grade", "rating", "action"):
        left = got[column].astype(str).to_numpy()
        right = expected[column].astype(str).to_numpy()
        wrong = np.flatnonzero(left != right)
        assert not len(wrong), (f"{column} differs for {len(wrong)} leads, first {expected.index[wrong[0]]!r}: "
                                f"SQL {left[wrong[0]]!r}, engine {right[wrong[0]]!r}")
    sla_got = got["sla_hours"].to_numpy(dtype=float)
    sla_expected = expected["sla_hours"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(sla_got), np.isnan(sla_expected))
    assert np.allclose(np.nan_to_num(sla_got), np.nan_to_num(sla_expected))


# ---------------------------------------------------------------- SQL column types


def sql_type(series: pd.Series) -> str:
    """A portable SQL type for a pandas column (text stays text, as a CSV read by LeadGrid)."""
    if pd.api.types.is_bool_dtype(series):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(series):
        return "BIGINT"
    if pd.api.types.is_float_dtype(series):
        return "DOUBLE PRECISION"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "TIMESTAMP"
    return "TEXT"


def python_rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows of plain Python values, None for missing (NaN floats kept: they are data)."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = [None if pd.isna(v) else v.to_pydatetime().replace(tzinfo=None) for v in series]
        elif pd.api.types.is_float_dtype(series):
            values = [float(v) for v in series.to_numpy(dtype=float)]
        elif pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = [None if pd.isna(v) else int(v) for v in series]
        elif pd.api.types.is_bool_dtype(series):
            values = [None if pd.isna(v) else bool(v) for v in series]
        else:
            values = [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)
                      for v in series.astype(object)]
        columns.append(values)
    return list(zip(*columns, strict=True)) if columns else []


def quote(name: object) -> str:
    """A double-quoted identifier (test set-up only; the export itself quotes through sqlglot)."""
    return '"' + str(name).replace('"', '""') + '"'


def load_duckdb(con, name: str, frame: pd.DataFrame) -> None:
    """A table with the frame's types (text columns as VARCHAR)."""
    view = "_frame_to_load"
    plain = frame.copy()
    for column in plain.columns:
        if sql_type(plain[column]) == "TEXT":
            plain[column] = plain[column].astype(object).where(plain[column].notna(), None).map(
                lambda v: v if v is None else str(v))
    con.register(view, plain)
    columns = ", ".join(f"CAST({quote(c)} AS {sql_type(frame[c])}) AS {quote(c)}" for c in frame.columns)
    con.execute(f"CREATE OR REPLACE TABLE {quote(name)} AS SELECT {columns} FROM {view}")
    con.unregister(view)


# ---------------------------------------------------------------- data made for a model


def rule_values_of(model: LeadModel) -> dict[str, list[object]]:
    """Per lead field the model reads: values that hit its rules, their edges and near misses."""
    values: dict[str, list[object]] = {}
    rules = [(c.field, c.rules) for c in model.profile.categories]
    rules += [(e.field, e.rules or []) for e in model.field_entries if e.field]
    for field, field_rules in rules:
        bucket = values.setdefault(field, [None, "", "  ", "n/a", "NULL", "nan"])
        for rule in field_rules:
            match = rule.match
            for item in match.in_ or []:
                bucket += [item, f" {item} ", str(item).upper()] if isinstance(item, str) else [item, str(item)]
            for item in match.contains_any or []:
                bucket += [f"x {item} y", item.upper()]
            for bound in [match.gte, match.lt, *(match.range or [])]:
                if bound is not None:
                    bucket += [bound, bound - 1e-9, bound + 0.5, str(bound), f"{bound:g}", f" {bound} "]
    return values


def frames_for(model: LeadModel, n: int, seed: int, numeric: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leads and activities that exercise ``model``'s rules; text columns unless ``numeric``
    (then a field whose values are all numbers becomes a DOUBLE column)."""
    rng = random.Random(seed)
    mapping = model.column_mapping()
    lead_map, activity_map = mapping["leads"], mapping["activities"]
    leads: dict[str, list[object]] = {lead_map.get(d.LEAD_ID, d.LEAD_ID): [str(1000 + i) for i in range(n)]}
    for field, pool in rule_values_of(model).items():
        column = lead_map.get(field, field)
        picked = [rng.choice(pool) for _ in range(n)]
        if numeric and all(isinstance(v, int | float) or v is None for v in picked):
            leads[column] = [math.nan if v is None else float(v) for v in picked]
        else:
            leads[column] = [None if v is None else (v if isinstance(v, str) else _text(v)) for v in picked]
    for column in lead_map.values():  # mapped columns the rules do not read (outcomes, ...)
        leads.setdefault(column, [rng.choice(["yes", "no", None, "1"]) for _ in range(n)])
    as_of = pd.Timestamp(RUN_AS_OF)
    leads[lead_map.get(d.SCORED_AT, d.SCORED_AT)] = [
        None if rng.random() < 0.2 else str(as_of - pd.Timedelta(seconds=rng.randrange(0, 200 * 86400)))
        for _ in range(n)]
    types = [canonical_item(e.activity) for e in model.activity_entries] + ["other", "  "]
    rows = []
    for i in range(n):
        for _ in range(rng.randrange(0, 6)):
            when = as_of - pd.Timedelta(seconds=rng.randrange(-20 * 86400, 400 * 86400))
            kind = rng.choice(types)
            kind = kind.upper() if rng.random() < 0.2 else f" {kind}" if rng.random() < 0.1 else kind
            rows.append((str(1000 + i) if rng.random() > 0.05 else "missing-lead", kind,
                         None if rng.random() < 0.03 else str(when)))
    activities = pd.DataFrame(rows, columns=[activity_map.get(c, c) for c in d.ACTIVITY_COLUMNS], dtype=object)
    return pd.DataFrame(leads), activities


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- Hypothesis: messy models and data

ALPHABET = "abcXYZ019 '\"%_\\-.;(){}`\té"
FIELD_NAMES = ("industry", "select", 'we"ird col', "x'); DROP TABLE leads; --", "employees", "from")
WHERE_COLUMNS = ("lifecycle", 'st"ate', "select")  # activities columns an entry's where may name
ACTIVITY_TYPES = ("demo", "Pricing Page", "x'); DROP TABLE activities; --", "select", " spaced ", "50%_off")
NUMBER_TEXTS = ("1", "1.0", " 12 ", "1e3", "1E+03", "inf", "-Infinity", "nan", "1,000", ".5", "-0", "+7", "1.",
                "0x10", "12abc", "", "   ", "n/a", "NULL", "true", "\x0b5")
THRESHOLDS = (0.0, 1.0, 2.5, 10.0, 12.0, 100.0, 1000.0, -5.0, 0.5)
texts = st.one_of(st.sampled_from((*HOSTILE, "Software", "software ", "US", "NO", "vp", "")),
                  st.text(alphabet=ALPHABET, max_size=6))
items = st.one_of(texts, st.sampled_from((1, 12, 1000, 0.5, 1.5, -5, 1e3, True)))


@st.composite
def matches(draw) -> dict:
    kind = draw(st.sampled_from(("in", "contains_any", "gte", "lt", "gte_lt", "range", "missing")))
    number = st.sampled_from(THRESHOLDS)
    if kind == "in":
        return {"in": draw(st.lists(items, min_size=1, max_size=3))}
    if kind == "contains_any":
        return {"contains_any": draw(st.lists(texts.filter(str.strip), min_size=1, max_size=2))}
    if kind == "gte_lt":
        return {"gte": draw(number), "lt": draw(number)}
    if kind == "range":
        return {"range": [draw(st.none() | number), draw(st.none() | number)]}
    if kind == "missing":
        return {"missing": True}
    return {kind: draw(number)}


rule_values = st.integers(-100, 100) | st.sampled_from((12.5, -0.5, 33.3))


def _rules(draw) -> list[dict]:
    return [{"match": draw(matches()), "value": draw(rule_values)} for _ in range(draw(st.integers(0, 4)))]


def _decreasing(draw, low: float, high: float) -> list[float]:
    values = draw(st.lists(st.sampled_from((5.0, 12.0, 20.0, 30.0, 33.3, 50.0, 55.0, 70.0, 99.5)),
                           min_size=3, max_size=3, unique=True))
    return sorted(values, reverse=True)


@st.composite
def model_data(draw) -> dict:
    """A valid model as plain data, full of hostile text, exercising every part of the format."""
    fields = draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=3, unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(fields) - 1, max_size=len(fields) - 1)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    ids = draw(st.lists(st.sampled_from(HOSTILE), min_size=len(fields), max_size=len(fields), unique=True))
    categories = [{"id": ident, "field": field, "weight": weight, "rules": _rules(draw),
                   "default": draw(rule_values)} for ident, field, weight in zip(ids, fields, weights, strict=True)]
    a, b, c = _decreasing(draw, 0, 100)
    entries = []
    for index in range(draw(st.integers(0, 3))):
        entry = {"id": f"act{index}", "activity": draw(st.sampled_from(ACTIVITY_TYPES)),
                 "points": draw(st.sampled_from((40, 10, 3.5, -30, 100)))}
        if draw(st.booleans()):
            entry["max_count"] = draw(st.sampled_from((0, 1, 2.5, 5)))
        if draw(st.booleans()):  # count only the rows whose columns hold one of the items
            entry["where"] = draw(st.dictionaries(st.sampled_from(WHERE_COLUMNS), st.lists(items, min_size=1, max_size=3),
                                                  min_size=1, max_size=2))
        entries.append(entry)
    if draw(st.booleans()):
        entries.append({"id": "visits", "field": draw(st.sampled_from(fields)), "rules": _rules(draw)})
    if draw(st.booleans()):
        recency = {"half_life_days": draw(st.sampled_from((0.25, 7, 30, 45.5)))}
    else:
        windows = draw(st.lists(st.sampled_from((1, 7, 30, 90, 180)), min_size=1, max_size=3, unique=True))
        recency = {"windows": [{"within_days": w, "factor": draw(st.sampled_from((1.0, 0.5, 0.25)))} for w in windows]}
    if draw(st.booleans()):
        recency["max_age_days"] = draw(st.sampled_from((30, 90, 365)))
    one, two, three = _decreasing(draw, 0, 100)
    cells = draw(st.dictionaries(st.sampled_from([f"{x}{y}" for x in "ABCD" for y in "1234"]),
                                 st.fixed_dictionaries({"action": st.sampled_from(("sales", "nurture", *HOSTILE[:4]))},
                                                       optional={"sla_hours": st.sampled_from((24, 48, 0.5))}),
                                 max_size=5))
    return {"name": draw(texts.filter(lambda t: t.strip() != "")) if draw(st.booleans()) else "generated",
            "profile": {"categories": categories, "grades": {"A": a, "B": b, "C": c, "D": 0}},
            "engagement": {"recency": recency, "activities": entries,
                           "grades": {"1": one, "2": two, "3": three, "4": 0}},
            "routing": {"default": {"action": draw(st.sampled_from(("nurture", "discard", HOSTILE[0])))},
                        "cells": cells}}


def models() -> st.SearchStrategy[LeadModel]:
    return model_data().map(validate_model)


def _field_values(model: LeadModel, field: str) -> list[object]:
    pool: list[object] = list(NUMBER_TEXTS) + list(HOSTILE)
    rules = [r for c in model.profile.categories if c.field == field for r in c.rules]
    rules += [r for e in model.field_entries if e.field == field for r in e.rules or []]
    for rule in rules:
        for item in rule.match.in_ or []:
            pool += [str(item), f" {str(item).upper()} "]
        for item in rule.match.contains_any or []:
            pool.append(f"<{item}>")
        for bound in [rule.match.gte, rule.match.lt, *(rule.match.range or [])]:
            if bound is not None:
                pool += [_text(bound), str(bound - 1e-12), str(bound)]
    return pool


@st.composite
def model_and_frames(draw) -> tuple[LeadModel, pd.DataFrame, pd.DataFrame]:
    """A model, and leads and activities that poke at its rules: text and number columns, NULL
    hand-over times, activities after the hand-over, unknown leads, hostile ids and types."""
    model = draw(models())
    n = draw(st.integers(1, 12))
    prefixes = draw(st.lists(st.sampled_from(("", " ", "x'); DROP TABLE leads; --", "id ")), min_size=n, max_size=n))
    ids = [f"{prefix}{index}" for index, prefix in enumerate(prefixes)]
    leads: dict[str, object] = {"lead_id": ids}
    for field in model.lead_fields():
        if draw(st.booleans()):  # a number column
            numbers = st.sampled_from((1.0, 12.0, 1000.0, 0.5, -5.0, 2.5, 1e3 + 0.25, 99.999999999))
            leads[field] = pd.array(draw(st.lists(st.none() | numbers, min_size=n, max_size=n)), dtype="Float64") \
                .to_numpy(dtype=float, na_value=np.nan)
        else:
            values = draw(st.lists(st.none() | st.sampled_from(_field_values(model, field)), min_size=n, max_size=n))
            leads[field] = pd.Series(values, dtype="str")
    base = pd.Timestamp("2025-03-01 08:00:00")
    stamps = st.integers(-30 * 86400, 400 * 86400).map(lambda s: str(base - pd.Timedelta(seconds=s)))
    leads["scored_at"] = pd.Series(draw(st.lists(st.none() | stamps, min_size=n, max_size=n)), dtype="str")
    types = [e.activity for e in model.activity_entries] + ["other"]
    rows = draw(st.lists(st.tuples(st.sampled_from([*ids, "unknown"]), st.sampled_from(types),
                                   st.sampled_from(("", " ", "upper")), st.none() | stamps), max_size=30))
    activities = pd.DataFrame(
        [(lead, kind.upper() if style == "upper" else f"{style}{kind}", when) for lead, kind, style, when in rows],
        columns=list(d.ACTIVITY_COLUMNS), dtype="str")
    for column in model.where_columns():
        activities[column] = draw(_where_column(model, column, len(activities)))
    return model, pd.DataFrame(leads), activities


def _where_column(model: LeadModel, column: str, size: int) -> st.SearchStrategy[pd.Series]:
    """Values of an activities column the model's where filters read: their items as written,
    in another case or spacing, as numbers, near misses and blanks; a text or a number column."""
    wanted = [item for entry in model.activity_entries for item in (entry.where or {}).get(column, [])]
    numbers = [float(item) for item in wanted if isinstance(item, int | float)]
    hits = [str(item) for item in wanted] + [f" {str(item).upper()} " for item in wanted]
    as_numbers = st.lists(st.sampled_from([*numbers, *numbers, 1.0, 2.5, math.nan]), min_size=size,
                          max_size=size).map(lambda values: pd.Series(values, dtype=float))
    text = st.sampled_from(hits) | st.sampled_from(hits) | st.none() | st.sampled_from(NUMBER_TEXTS[:8])
    as_text = st.lists(text, min_size=size, max_size=size).map(lambda values: pd.Series(values, dtype="str"))
    return as_text | as_numbers


# ---------------------------------------------------------------- activity entries with a where filter

WHERE_MODEL = {
    "name": "where filters",
    "profile": {"categories": [{"id": "c", "field": "x", "weight": 100, "rules": [
        {"match": {"in": ["a"]}, "value": 100}]}], "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
    "engagement": {"recency": {"half_life_days": 30, "max_age_days": 90}, "activities": [
        {"id": "any_state", "activity": "work", "points": 5},
        {"id": "done", "activity": "work", "points": 20, "max_count": 2, "where": {"lifecycle": ["COMPLETE"]}},
        {"id": "done_ok", "activity": "Work", "points": 7,
         "where": {"lifecycle": ["complete", 1], 'st"ate': ["x'); DROP TABLE leads; --", "ok"]}},
        {"id": "hostile", "activity": "x'); DROP TABLE activities; --", "points": 10,
         "where": {"select": ["it's", 2.5]}},
    ], "grades": {"1": 40, "2": 20, "3": 8, "4": 0}},
    "routing": {"cells": {"A1": {"action": "sales", "sla_hours": 24}}},
}
WHERE_POOLS = {
    "activity": ("work", " WORK ", "Work", "x'); DROP TABLE activities; --", "other"),
    "lifecycle": ("SCHEDULE", "START", "COMPLETE", " complete ", "1", "1.0", None, "", "  "),
    'st"ate': ("ok", " OK ", "x'); DROP TABLE leads; --", "no", None),
    "select": ("it's", "IT'S ", "2.5", "2.50", None, "it"),
}
WHERE_NUMBERS = {"lifecycle": (1.0, 2.0, 1.5, math.nan), "select": (2.5, 2.0, math.nan)}


@st.composite
def where_cases(draw) -> tuple[LeadModel, pd.DataFrame, pd.DataFrame]:
    """``WHERE_MODEL`` with the items of its ``done`` filter drawn, and leads and activities whose
    filter columns hold those items as written, in another case or spacing, as numbers (a number
    column), blank, or something else; dated up to 120 days before the lead's hand-over."""
    data = json.loads(json.dumps(WHERE_MODEL))
    data["engagement"]["activities"][1]["where"]["lifecycle"] = draw(st.lists(
        st.sampled_from(("COMPLETE", "start", 1, 2.0, "1.0", " schedule ")), min_size=1, max_size=3))
    model = validate_model(data)
    n = draw(st.integers(1, 6))
    ids = [str(100 + i) for i in range(n)]
    leads = pd.DataFrame({"lead_id": ids, "x": draw(st.lists(st.sampled_from(("a", "b")), min_size=n, max_size=n)),
                          "scored_at": draw(st.lists(st.sampled_from((None, "2025-05-20 00:00:00")),
                                                     min_size=n, max_size=n))}, dtype="str")
    size = draw(st.integers(0, 25))
    # whole seconds: SQL engines keep microseconds, so a nanosecond after the hand-over is not data
    ages = draw(st.lists(st.integers(-5 * 86400, 120 * 86400), min_size=size, max_size=size))
    run = pd.Timestamp(RUN_AS_OF)
    activities = pd.DataFrame({
        "lead_id": draw(st.lists(st.sampled_from([*ids, "unknown"]), min_size=size, max_size=size)),
        "activity": draw(st.lists(st.sampled_from(WHERE_POOLS["activity"]), min_size=size, max_size=size)),
        "occurred_at": [str(run - pd.Timedelta(seconds=age)) for age in ages]}, dtype="str")
    for column in ("lifecycle", 'st"ate', "select"):
        if column in WHERE_NUMBERS and draw(st.booleans()):
            activities[column] = pd.Series(draw(st.lists(st.sampled_from(WHERE_NUMBERS[column]), min_size=size,
                                                         max_size=size)), dtype=float)
        else:
            activities[column] = pd.Series(draw(st.lists(st.sampled_from(WHERE_POOLS[column]), min_size=size,
                                                         max_size=size)), dtype="str")
    return model, leads, activities
