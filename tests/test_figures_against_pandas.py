"""Every figure the Matrix and After-hand-over pages and ``leadgrid matrix --format json`` show,
against an independent pandas computation on the raw rows (issue 19, first "Done when").

Hypothesis draws a model (weights, grade thresholds, which cells go to sales), a data set
(ids unique but in random order, outcome values that are yes, no, missing or unreadable,
amounts of 0 and above, volume growing month by month, leads without dates, a segment
column with blanks), a segment value and a cell. The rating of each lead comes from
``scoring.score`` (proven against the reference engine elsewhere) and is joined to the
raw rows by lead id; everything after it is recomputed here with pandas (groupby, Wilson
intervals from scipy, the per-month window drawn among last-quarter, last-month,
last-2-months and all, resolved with pandas periods) and compared with:

- per cell: leads, share, decided / accepted / acceptance rate and its interval, conversion
  known / converted / rate and its interval, won amount, the two few-outcomes flags;
- the to-sales summary: leads, share, leads per month over the window, decided and
  acceptance (with interval) of the to-sales set and of the rest, conversion of both,
  conversions caught, unrecognised outcome values;
- a cell's leads (``metrics.cell_leads``): its ids, best profile first, each with its own row;
- after the hand-over, per cell and for the to-sales and nurture sets: deals, won amount and
  average deal (a deal is a won lead), rejections (only where sales decided);
- the segment breakdown: leads, to sales per month, acceptance and conversion of the to-sales
  leads, base rate, rate of the rest, lift with its interval and the "clearly worse" flag;
- the per-month trend of ``matrix --format json``.

Through the Python API (all leads, then one segment value) and through the CLI in-process.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from metricscases import MODEL_YAML
from scipy.stats import binomtest

from scoring import RATINGS, Scorer, parse_model, score, validate_model
from scoring.cli.commands import main
from scoring.data.missing import MISSING_TEXT
from scoring.measures.funnel import after_handover
from scoring.measures.metrics import Outcomes, cell_leads, history_of, preview, rating_codes
from scoring.measures.pipeline import Pipeline
from scoring.measures.segments import segment_breakdown, segment_labels, segment_preview
from scoring.measures.volume import PerMonth

# ------------------------------------------------------------------ the independent reading of the raw rows

YES = {"yes", "y", "true", "t", "1", "accepted", "won", "converted"}
NO = {"no", "n", "false", "f", "0", "rejected", "lost"}
FLAG_VALUES = ["yes", "no", "Yes ", " NO", "1", "0", "true", "False", "won", "lost", "maybe", "n/a", "", None]
AMOUNTS = [None, 0, "0", 0.0, 250, 1000.5, "75", "n/a", 12]
SOURCES = ["web", " web", "webinar", "Webinar", "event", "", None]
INDUSTRIES = ["Software", "Retail", "Bank", " software", None]
Z = 1.959963984540054
MIN_KNOWN, MIN_POSITIVE = 30, 10  # README: fewer than 30 known, or fewer than 10 positive: too few
DAYS_PER_MONTH = 365.25 / 12


def flag(value: object) -> float:
    """1, 0, or NaN: a yes/no word (any case, trimmed), else unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    text = str(value).strip().lower()
    return 1.0 if text in YES else 0.0 if text in NO else math.nan


def unrecognised(values: pd.Series) -> int:
    return sum(1 for value in values.dropna() if str(value).strip() and str(value).strip().lower() not in YES | NO)


def wilson(hits: float, trials: int) -> tuple[float, float, float]:
    if trials == 0:
        return math.nan, math.nan, math.nan
    interval = binomtest(int(hits), trials).proportion_ci(method="wilson")
    return hits / trials, interval.low, interval.high


def katz_lift(hits: float, trials: int, rest_hits: float, rest_trials: int) -> tuple[float, float, float]:
    """Risk ratio with Katz' log interval, 0.5 added to each count when a side has no hit."""
    if trials == 0 or rest_trials == 0 or (hits == 0 and rest_hits == 0):
        return math.nan, math.nan, math.nan
    lift = math.inf if rest_hits == 0 else (hits / trials) / (rest_hits / rest_trials)
    a, n1, c, n2 = hits, trials, rest_hits, rest_trials
    if a == 0 or c == 0:
        a, c, n1, n2 = a + 0.5, c + 0.5, n1 + 1, n2 + 1
    log_lift = math.log((a / n1) / (c / n2))
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    low = 0.0 if hits == 0 else math.exp(log_lift - Z * se)
    high = math.inf if rest_hits == 0 else math.exp(log_lift + Z * se)
    return lift, low, high, math.exp(log_lift)  # the last: what an infinite lift is held against


def expected_window(frame: pd.DataFrame, per_month: str) -> tuple[float | None, pd.Series, pd.Series]:
    """Months and per lead 'inside the window': the last calendar quarter (or N months) the
    data covers completely (its created_at span, else its hand-over span), the whole history
    when it covers less or ``per_month`` is "all"."""
    created = pd.to_datetime(frame["created_at"], utc=True) if "created_at" in frame else None
    scored = pd.to_datetime(frame["scored_at"], utc=True) if "scored_at" in frame else None
    dates = scored if scored is not None else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    if created is not None:
        dates = dates.fillna(created)
    span = created.dropna() if created is not None and created.notna().any() else dates.dropna()
    if dates.notna().sum() == 0 or span.empty:
        return None, pd.Series(False, index=frame.index), dates
    first, last = span.min().tz_localize(None), span.max().tz_localize(None)
    whole = max((last - first) / pd.Timedelta(days=DAYS_PER_MONTH), 1.0), dates.notna(), dates
    if per_month == "all":
        return whole
    if per_month == "last-quarter":
        months, after = 3, (last.normalize() + pd.Timedelta(days=1)).to_period("Q")  # the quarter after the last one complete
        first_month = (after - 1).asfreq("M", how="start")
    else:
        months = 1 if per_month == "last-month" else int(per_month.split("-")[1])
        after = (last.normalize() + pd.Timedelta(days=1)).to_period("M")
        first_month = after - months
    if first_month.start_time < first.normalize():
        return whole
    start = pd.Timestamp(first_month.start_time, tz="UTC")
    end = pd.Timestamp((first_month + months).start_time, tz="UTC")
    return float(months), dates.notna() & (dates >= start) & (dates < end), dates


def raw_frame(leads: pd.DataFrame, model, per_month: str = "last-quarter") -> pd.DataFrame:
    """The raw leads with the engine's rating joined by lead id, and each outcome read here."""
    rated = score(model, leads)[["rating", "action", "profile_score", "engagement_score"]]
    rated.index = rated.index.astype(str)
    frame = leads.assign(lead_id=leads["lead_id"].astype(str)).merge(
        rated, left_on="lead_id", right_index=True, how="left", validate="one_to_one")
    assert frame["rating"].notna().all()
    frame["acc"] = frame["accepted"].map(flag) if "accepted" in frame else math.nan
    frame["conv"] = frame["converted"].map(flag) if "converted" in frame else math.nan
    if "won_amount" in frame:
        text = frame["won_amount"].map(lambda v: None if v is None else str(v).strip())
        frame["amount"] = pd.to_numeric(text, errors="coerce")
        frame["deal"] = (frame["conv"] == 1) | (frame["conv"].isna() & (frame["amount"].fillna(0) > 0))
    frame["sales"] = frame["action"] == "sales"
    months, inside, dates = expected_window(leads, per_month)
    frame["in_window"] = inside.to_numpy()
    frame["dated"] = dates.to_numpy()
    frame.attrs["months"] = months
    # the segment by its value trimmed, case ignored (the label shows its most common spelling)
    frame["segment"] = frame["lead_source"].map(
        lambda v: MISSING_TEXT if v is None or not str(v).strip() else str(v).strip().lower())
    return frame


def expected_cells(part: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """Per rating A1..D4: the matrix's figures, by groupby on the raw rows."""
    by = part.groupby("rating")
    out = pd.DataFrame(index=pd.Index(RATINGS, name="rating"))
    out["leads"] = by.size().reindex(RATINGS, fill_value=0)
    out["share"] = out["leads"] / len(part) if len(part) else math.nan
    out["decided"] = by["acc"].count().reindex(RATINGS, fill_value=0)
    out["accepted"] = by["acc"].sum().reindex(RATINGS, fill_value=0)
    out["conversion_known"] = by["conv"].count().reindex(RATINGS, fill_value=0)
    out["converted"] = by["conv"].sum().reindex(RATINGS, fill_value=0)
    if "won_amount" in leads:
        out["won_amount"] = part[part["deal"]].groupby("rating")["amount"].sum().reindex(RATINGS, fill_value=0.0)
    else:
        out["won_amount"] = math.nan
    out["too_few_decisions"] = ("accepted" not in leads) | (out["decided"] < MIN_KNOWN) | (out["accepted"] < MIN_POSITIVE)
    out["too_few_conversions"] = (("converted" not in leads) | (out["conversion_known"] < MIN_KNOWN)
                                  | (out["converted"] < MIN_POSITIVE))
    return out


def same(got: object, want: object, what: str) -> None:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        assert got is None or (isinstance(got, float) and math.isnan(got)), f"{what}: {got!r}, want none"
    elif isinstance(want, bool | np.bool_):
        assert bool(got) == bool(want), f"{what}: {got!r}, want {want!r}"
    else:
        assert got is not None and got == pytest.approx(float(want), rel=1e-9, abs=1e-9), f"{what}: {got!r}, want {want!r}"


def check_cells(cells: dict[str, dict], part: pd.DataFrame, leads: pd.DataFrame) -> None:
    want = expected_cells(part, leads)
    for rating in RATINGS:
        got, row = cells[rating], want.loc[rating]
        for name in ("leads", "share", "won_amount", "too_few_decisions", "too_few_conversions"):
            same(got[name], row[name], f"{rating} {name}")
        for known, hits, rate in (("decided", "accepted", "acceptance"), ("conversion_known", "converted", "conversion")):
            same(got[known], row[known], f"{rating} {known}")
            same(got[hits], row[hits], f"{rating} {hits}")
            for suffix, value in zip(("rate", "low", "high"), wilson(row[hits], int(row[known])), strict=True):
                same(got[f"{rate}_{suffix}"], value, f"{rating} {rate}_{suffix}")


def slice_months(part: pd.DataFrame, months: float | None) -> float | None:
    """A segment's per-month figures are over the months of the window its leads occur in:
    the window's months, or the number of calendar months its in-window leads fall in."""
    inside = part[part["in_window"]]
    if months is None or inside.empty:
        return months
    return min(months, float(inside["dated"].dt.tz_convert(None).dt.to_period("M").nunique()))


def check_sales(sales: dict, part: pd.DataFrame, frame: pd.DataFrame) -> None:
    """``part``: the leads measured (all, or a segment's); the window is the whole data's,
    over the months a segment's leads occur in."""
    to_sales, rest = part[part["sales"]], part[~part["sales"]]
    months = frame.attrs["months"] if part is frame else slice_months(part, frame.attrs["months"])
    same(sales["leads"], len(to_sales), "to-sales leads")
    same(sales["share"], len(to_sales) / len(part) if len(part) else math.nan, "to-sales share")
    same(sales["months"], months, "months")
    same(sales["leads_per_month"], int((to_sales["in_window"]).sum()) / months if months else None, "per month")
    same(sales["decided"], to_sales["acc"].count(), "decided")
    rate, low, high = wilson(to_sales["acc"].sum(), int(to_sales["acc"].count()))
    same(sales["acceptance_rate"], rate, "acceptance")
    same(sales["acceptance_low"], low, "acceptance low")
    same(sales["acceptance_high"], high, "acceptance high")
    same(sales["rest_acceptance_rate"], rest["acc"].mean(), "rest acceptance")
    same(sales["conversion_rate"], to_sales["conv"].mean(), "to-sales conversion")
    same(sales["rest_conversion_rate"], rest["conv"].mean(), "rest conversion")
    caught, total = int((to_sales["conv"] == 1).sum()), int((part["conv"] == 1).sum())
    same(sales["conversions_caught"], caught, "caught")
    same(sales["conversions_total"], total, "conversions")
    same(sales["conversions_caught_share"], caught / total if total else math.nan, "caught share")


def check_revenue(money: dict | None, group: pd.DataFrame, leads: pd.DataFrame, what: str) -> None:
    if "won_amount" not in leads:
        assert money is None, what
        return
    deals = group[group["deal"]]
    amounts = deals["amount"].dropna()
    same(money["deals"], len(deals), f"{what} deals")
    same(money["deals_with_amount"], len(amounts), f"{what} deals with an amount")
    same(money["won_amount"], amounts.sum(), f"{what} won amount")
    same(money["average_deal"], amounts.mean() if len(amounts) else math.nan, f"{what} average deal")
    same(money["won_per_lead"], amounts.sum() / len(group) if len(group) else math.nan, f"{what} won per lead")


def check_rejections(rejections: dict | None, group: pd.DataFrame, frame: pd.DataFrame, leads: pd.DataFrame,
                     what: str) -> None:
    """Rejected: accepted = no where the data holds any sales decision; else a reason given;
    else no rejections at all (never "converted = no")."""
    if frame["acc"].notna().any():
        rejected = group["acc"] == 0
    elif "rejection_reason" in leads:
        rejected = group["rejection_reason"].map(lambda v: v is not None and str(v).strip() != "")
    else:
        assert rejections is None, f"{what}: rejections without any sales decision"
        return
    same(rejections["rejected"], int(rejected.sum()), f"{what} rejected")
    if "rejection_reason" in leads and rejected.any():
        reasons = group.loc[rejected, "rejection_reason"].map(lambda v: "" if v is None else str(v).strip().lower())
        counts = reasons[reasons != ""].value_counts()
        shown = {row["reason"].lower(): row["leads"] for row in rejections["reasons"] if not row["reason"].startswith("(")}
        for reason, leads_given in shown.items():
            assert leads_given == counts[reason], f"{what} reason {reason}"
        assert sum(row["leads"] for row in rejections["reasons"]) == int(rejected.sum()), what


def check_after_handover(after: dict, part: pd.DataFrame, frame: pd.DataFrame, leads: pd.DataFrame) -> None:
    groups = {rating: part[part["rating"] == rating] for rating in RATINGS}
    groups |= {"to_sales": part[part["sales"]], "nurture": part[~part["sales"]]}
    for name, group in groups.items():
        figures = after["cells"][name] if name in RATINGS else after[name]
        same(figures["leads"], len(group), f"{name} leads")
        check_revenue(figures["revenue"], group, leads, name)
        check_rejections(figures["rejections"], group, frame, leads, name)


def check_breakdown(rows: list[dict], frame: pd.DataFrame) -> None:
    decided_any = frame["acc"].notna().any()
    outcome = "acceptance" if decided_any or frame["conv"].notna().sum() == 0 else "conversion"
    column = "acc" if outcome == "acceptance" else "conv"
    months = frame.attrs["months"]

    def separation(group: pd.DataFrame) -> tuple:
        known = group[group[column].notna()]
        sales, rest = known[known["sales"]], known[~known["sales"]]
        return known, rest, katz_lift(sales[column].sum(), len(sales), rest[column].sum(), len(rest))

    overall = separation(frame)[2]
    target = overall[3] if len(overall) > 3 and math.isinf(overall[0]) else overall[0]
    by_value = {row["segment"].lower(): row for row in rows}
    assert set(by_value) == set(frame["segment"])
    for value, group in frame.groupby("segment"):
        row, sales = by_value[value], group[group["sales"]]
        same(row["leads"], len(group), f"{value} leads")
        same(row["to_sales"], len(sales), f"{value} to sales")
        shown = slice_months(group, months)
        same(row["to_sales_per_month"], sales["in_window"].sum() / shown if shown else math.nan, f"{value} /month")
        for name, col in (("acceptance", "acc"), ("conversion", "conv")):
            rate, low, high = wilson(sales[col].sum(), int(sales[col].count()))
            same(row[f"{name}_known"], sales[col].count(), f"{value} {name} known")
            same(row[f"{name}_rate"], rate, f"{value} {name}")
            same(row[f"{name}_low"], low, f"{value} {name} low")
            same(row[f"{name}_high"], high, f"{value} {name} high")
        known, rest, lift = separation(group)
        assert row["outcome"] == outcome
        same(row["base_rate"], known[column].mean(), f"{value} base rate")
        same(row["rest_rate"], rest[column].mean(), f"{value} rest rate")
        for name, want in zip(("lift", "lift_low", "lift_high"), lift[:3], strict=True):
            if isinstance(want, float) and math.isinf(want):
                assert row[name] in (want, None), f"{value} {name}"  # JSON writes infinite as null
            else:
                same(row[name], want, f"{value} {name}")
        worse = not math.isnan(target) and not math.isnan(lift[2]) and lift[2] < target
        assert bool(row["worse"]) == worse, f"{value} clearly worse"


def check_cell_leads(table: pd.DataFrame, part: pd.DataFrame, rating: str, fields: list[str]) -> None:
    mine = part[part["rating"] == rating]
    assert sorted(table["lead_id"].astype(str)) == sorted(mine["lead_id"])
    scores = list(zip(table["profile_score"], table["engagement_score"], strict=True))
    assert scores == sorted(scores, reverse=True)  # best profile first
    by_id = mine.set_index("lead_id")
    for _, row in table.iterrows():
        own = by_id.loc[str(row["lead_id"])]
        assert row["profile_score"] == pytest.approx(own["profile_score"])
        for name in [*fields, "accepted", "converted"]:
            if name in by_id.columns:
                a, b = row[name], own[name]
                assert (pd.isna(a) and pd.isna(b)) or str(a).strip() == str(b).strip(), (row["lead_id"], name, a, b)


def check_per_month(table: list[dict], part: pd.DataFrame, leads: pd.DataFrame) -> None:
    """Per calendar month from the first dated lead of ``part`` to its last: leads and to sales."""
    dates = pd.to_datetime(leads.set_index(leads["lead_id"].astype(str))["scored_at"], utc=True)
    dates = dates.fillna(pd.to_datetime(leads.set_index(leads["lead_id"].astype(str))["created_at"], utc=True))
    dated = part.assign(month=dates.reindex(part["lead_id"]).to_numpy()).dropna(subset=["month"])
    if dated.empty:
        assert table == []
        return
    month = dated["month"].dt.tz_localize(None).dt.to_period("M")
    span = pd.period_range(month.min(), month.max(), freq="M")
    leads_per = month.value_counts().reindex(span, fill_value=0)
    sales_per = month[dated["sales"].to_numpy()].value_counts().reindex(span, fill_value=0)
    assert [row["month"] for row in table] == [str(p) for p in span]
    assert [row["leads"] for row in table] == leads_per.tolist()
    assert [row["to_sales"] for row in table] == sales_per.tolist()


# ------------------------------------------------------------------ random models and data

CELLS = [f"{letter}{number}" for letter in "ABCD" for number in "1234"]


@st.composite
def model_data(draw) -> dict:
    industry_weight = draw(st.integers(1, 19)) * 5
    a, b, c = sorted(draw(st.lists(st.sampled_from((10, 20, 25, 40, 50, 60, 75, 90)), min_size=3, max_size=3,
                                   unique=True)), reverse=True)
    one, two, three = sorted(draw(st.lists(st.sampled_from((5, 15, 20, 35, 50, 60, 80)), min_size=3, max_size=3,
                                           unique=True)), reverse=True)
    cells = draw(st.dictionaries(st.sampled_from(CELLS), st.sampled_from(("sales", "nurture", "discard")),
                                 max_size=16))
    return {
        "schema_version": 1, "name": "drawn",
        "profile": {"categories": [
            {"id": "industry", "field": "industry", "weight": industry_weight, "default": draw(st.integers(0, 30)),
             "rules": [{"match": {"in": ["Software"]}, "value": draw(st.integers(0, 100))},
                       {"match": {"in": ["Retail"]}, "value": draw(st.integers(0, 100))}]},
            {"id": "size", "field": "employees", "weight": 100 - industry_weight,
             "rules": [{"match": {"gte": draw(st.sampled_from((10, 50, 200)))}, "value": draw(st.integers(0, 100))}],
             "default": draw(st.integers(0, 40))}],
            "grades": {"A": a, "B": b, "C": c, "D": 0}},
        "engagement": {"activities": [
            {"id": "visits", "field": "total_visits",
             "rules": [{"match": {"gte": draw(st.sampled_from((3, 10)))}, "value": draw(st.integers(0, 100))},
                       {"match": {"gte": 1}, "value": draw(st.integers(0, 40))}]}],
            "grades": {"1": one, "2": two, "3": three, "4": 0}},
        "routing": {"default": {"action": draw(st.sampled_from(("nurture", "sales")))},
                    "cells": {cell: {"action": action} for cell, action in cells.items()}},
    }


START = pd.Timestamp("2024-01-01")
LEAD = st.fixed_dictionaries({
    "industry": st.sampled_from(INDUSTRIES), "employees": st.sampled_from((None, 5, 10, 49, 50, 200, 1000)),
    "total_visits": st.sampled_from((None, 0, 1, 2, 3, 9, 10, 25)), "lead_source": st.sampled_from(SOURCES),
    "accepted": st.sampled_from(FLAG_VALUES), "converted": st.sampled_from(FLAG_VALUES),
    "won_amount": st.sampled_from(AMOUNTS),
    "rejection_reason": st.sampled_from((None, "", "budget", "Budget ", "timing", "no fit", "spam")),
    # growing volume: the later of two months is drawn, so later months hold more leads
    "month": st.tuples(st.integers(0, 17), st.integers(0, 17)).map(max),
    "day": st.integers(0, 30), "created": st.booleans() | st.just(True), "scored_days": st.none() | st.integers(0, 45),
})


@st.composite
def datasets(draw) -> pd.DataFrame:
    rows = draw(st.lists(LEAD, min_size=1, max_size=30))
    rows = rows * draw(st.sampled_from((1, 1, 3, 12)))  # copies fill a few cells past 30 known, 10 positive
    ids = draw(st.lists(st.integers(1, 999_999), min_size=len(rows), max_size=len(rows), unique=True))
    prefix = draw(st.sampled_from(("", "L-")))
    frame = pd.DataFrame(rows)
    frame.insert(0, "lead_id", [f"{prefix}{i}" for i in ids])
    created = [START + pd.DateOffset(months=row["month"]) + pd.Timedelta(days=min(row["day"], 27), hours=row["day"])
               for row in rows]
    frame["created_at"] = [str(c) if row["created"] else None for c, row in zip(created, rows, strict=True)]
    frame["scored_at"] = [None if row["scored_days"] is None else str(c + pd.Timedelta(days=row["scored_days"]))
                          for c, row in zip(created, rows, strict=True)]
    frame = frame.drop(columns=["month", "day", "created", "scored_days"])
    for column in ("accepted", "converted", "won_amount", "rejection_reason"):
        if draw(st.integers(0, 4)) == 0:  # now and then the data has no such column
            frame = frame.drop(columns=column)
    return frame.astype(object).where(frame.notna(), None)


# ------------------------------------------------------------------ the property


def _check_api(model, leads: pd.DataFrame, frame: pd.DataFrame, value: str, rating: str, per_month: str) -> str:
    """Returns the segment value's label (its most common spelling), for the CLI."""
    scorer = Scorer.for_model(model, leads)
    outcomes = Outcomes(per_month=PerMonth.parse(per_month))
    result = preview(model, scorer, outcomes)
    check_cells(result.matrix.to_dict(orient="index"), frame, leads)
    check_sales(result.sales.as_dict(), frame, frame)
    history = history_of(scorer, outcomes)
    pipe = Pipeline.of(scorer, outcomes)
    codes = rating_codes(result.scored["rating"])
    check_after_handover(after_handover(model, codes, pipe).as_dict(), frame, frame, leads)
    segments = segment_labels(scorer.leads, "lead_source")
    check_breakdown(segment_breakdown(result, history, segments).to_dict(orient="records"), frame)
    check_cell_leads(cell_leads(result, scorer.leads, rating, model.lead_fields()), frame, rating,
                     model.lead_fields())

    label = next(shown for shown in segments.values if shown.lower() == value)
    within = segments.mask(label)
    part = frame[(frame["segment"] == value).to_numpy()]
    sliced = segment_preview(model, result, history, within)
    check_cells(sliced.matrix.to_dict(orient="index"), part, leads)
    check_sales(sliced.sales.as_dict(), part, frame)
    check_after_handover(after_handover(model, codes, pipe, within).as_dict(), part, frame, leads)
    check_cell_leads(cell_leads(sliced, scorer.leads, rating, model.lead_fields()), part, rating,
                     model.lead_fields())
    return label


def _check_cli(model_dict: dict, leads: pd.DataFrame, frame: pd.DataFrame, value: str, label: str, per_month: str,
               capsys) -> None:
    with tempfile.TemporaryDirectory() as folder:
        model_path, leads_path = Path(folder) / "model.yaml", Path(folder) / "leads.csv"
        model_path.write_text(yaml.safe_dump(model_dict), encoding="utf-8")
        leads.to_csv(leads_path, index=False)
        capsys.readouterr()
        base = ["matrix", "--model", str(model_path), "--leads", str(leads_path), "--format", "json",
                "--per-month", per_month]
        assert main([*base, "--segment", "lead_source"]) == 0
        whole = json.loads(capsys.readouterr().out)
        assert main([*base, "--segment", "lead_source", "--segment-value", label]) == 0
        one = json.loads(capsys.readouterr().out)
    check_cells(whole["cells"], frame, leads)
    check_sales(whole["to_sales"], frame, frame)
    check_after_handover(whole["after_handover"], frame, frame, leads)
    check_breakdown(whole["segments"]["rows"], frame)
    check_per_month(whole["per_month"], frame, leads)
    part = frame[(frame["segment"] == value).to_numpy()]
    assert one["segment"] == {"column": "lead_source", "value": label, "leads": len(part)}
    check_cells(one["cells"], part, leads)
    check_sales(one["to_sales"], part, frame)
    check_after_handover(one["after_handover"], part, frame, leads)
    check_per_month(one["per_month"], part, leads)
    unread = sum(unrecognised(leads[c]) for c in ("accepted", "converted") if c in leads)
    assert whole["to_sales"]["unrecognised_outcomes"] == unread


def _simple_model(cells: dict[str, str]) -> dict:
    """A model as drawn: Software is an A, Retail a B, anything else a D; 10+ visits a 1, none a 4."""
    return {"schema_version": 1, "name": "drawn",
            "profile": {"categories": [
                {"id": "industry", "field": "industry", "weight": 50, "default": 0,
                 "rules": [{"match": {"in": ["Software"]}, "value": 100}, {"match": {"in": ["Retail"]}, "value": 60}]},
                {"id": "size", "field": "employees", "weight": 50, "rules": [{"match": {"gte": 10}, "value": 100}],
                 "default": 0}],
                "grades": {"A": 75, "B": 50, "C": 25, "D": 0}},
            "engagement": {"activities": [{"id": "visits", "field": "total_visits",
                                           "rules": [{"match": {"gte": 10}, "value": 70}]}],
                           "grades": {"1": 60, "2": 35, "3": 15, "4": 0}},
            "routing": {"default": {"action": "nurture"},
                        "cells": {cell: {"action": action} for cell, action in cells.items()}}}


def _rows(*rows: tuple) -> pd.DataFrame:
    columns = ["lead_id", "industry", "employees", "total_visits", "lead_source", "accepted", "converted",
               "won_amount", "created_at", "scored_at"]
    return pd.DataFrame(list(rows), columns=columns, dtype=object)


# Found by this property: the matrix's won amount per cell added every lead's amount, so a lost
# lead exported with its opportunity's value (converted = no, 500) counted as won in B4 while
# the After-hand-over page's revenue (deals only) said 0. Fixed in metrics.History.read.
LOST_WITH_AN_AMOUNT = _rows(
    ("7", "Software", 5, 3, "web", "no", "no", 500, "2025-03-02 10:00:00", None),
    ("3", "Software", 50, 12, None, "yes", "yes", 250, "2025-01-15 10:00:00", "2025-01-20 09:00:00"),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(model_dict=model_data(), leads=datasets(), pick=st.integers(0, 10), rating=st.sampled_from(CELLS),
       per_month=st.sampled_from(("last-quarter", "last-quarter", "last-month", "last-2-months", "all")))
@example(model_dict=_simple_model({"A1": "sales", "B4": "sales"}), leads=LOST_WITH_AN_AMOUNT, pick=0, rating="B4",
         per_month="last-quarter")
def test_every_figure_against_pandas_on_the_raw_rows(model_dict, leads, pick, rating, per_month, capsys):
    model = validate_model(model_dict)
    frame = raw_frame(leads, model, per_month)
    values = sorted(set(frame["segment"]))
    value = values[pick % len(values)]
    label = _check_api(model, leads, frame, value, rating, per_month)
    _check_cli(model_dict, leads, frame, value, label, per_month, capsys)


# ------------------------------------------------------------------ by hand: deals and won amount


EIGHT_LEADS = pd.DataFrame({
    "lead_id": [f"L{i}" for i in range(1, 9)],
    "industry": ["Software"] * 4 + ["Retail"] * 3 + ["x"],
    "total_visits": [12, 15, 10, 11, 20, 2, 30, 1],
    "converted": ["yes", "no", "", "", "yes", "no", "yes", "maybe"],
    "won_amount": ["1000", "400", "0", "300", "", "0", "250", "80"],
})


def test_won_amount_and_average_deal_by_hand():
    """Eight leads worked by hand (the metrics test model: Software an A, Retail a B, anything
    else a D; 10+ visits a 1, fewer a 4; A1 and B1 to sales):

        lead  industry  visits  cell  converted  amount   deal?
        L1    Software  12      A1    yes        1000     yes (won)
        L2    Software  15      A1    no         400      no: lost, its amount is an opportunity's
        L3    Software  10      A1    (blank)    0        no: nothing says won, amount not above 0
        L4    Software  11      A1    (blank)    300      yes: nothing says, amount above 0
        L5    Retail    20      B1    yes        (blank)  yes, without an amount
        L6    Retail    2       B4    no         0        no
        L7    Retail    30      B1    yes        250      yes
        L8    x         1       D4    maybe      80       yes: 'maybe' says nothing, amount above 0

    A1: 2 deals, 1,300 won, average 650 (never 1,700 / 4 with the lost lead's 400 and the 0);
    B1: 2 deals, 1 with an amount: 250 won, average 250; B4: none; D4: 1 deal of 80.
    To sales (A1, B1): 4 deals, 1,550 won of the 1,630 every deal adds up to."""
    model = parse_model(MODEL_YAML)
    scorer = Scorer(EIGHT_LEADS)
    result = preview(model, scorer)
    cells = after_handover(model, rating_codes(result.scored["rating"]), Pipeline.read(scorer.leads)).as_dict()
    assert result.matrix.loc[["A1", "B1", "B4", "D4"], "won_amount"].tolist() == [1300.0, 250.0, 0.0, 80.0]
    revenue = {cell: cells["cells"][cell]["revenue"] for cell in ("A1", "B1", "B4", "D4")}
    assert [(r["deals"], r["deals_with_amount"], r["won_amount"]) for r in revenue.values()] == [
        (2, 2, 1300.0), (2, 1, 250.0), (0, 0, 0.0), (1, 1, 80.0)]
    assert revenue["A1"]["average_deal"] == 650.0 and revenue["B1"]["average_deal"] == 250.0
    assert math.isnan(revenue["B4"]["average_deal"])
    assert (cells["to_sales"]["revenue"]["deals"], cells["to_sales"]["revenue"]["won_amount"]) == (4, 1550.0)
    assert result.matrix["won_amount"].sum() == 1630.0


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_matrix_json_won_amount_by_hand_on_either_engine(engine, tmp_path, capsys):
    """The same eight leads through ``leadgrid matrix --format json``: the exported SQL adds up
    the deals' amounts as the pandas matrix does (A1 1,300, B1 250, B4 0, D4 80)."""
    (tmp_path / "model.yaml").write_text(MODEL_YAML, encoding="utf-8")
    EIGHT_LEADS.to_csv(tmp_path / "leads.csv", index=False)
    assert main(["matrix", "--model", str(tmp_path / "model.yaml"), "--leads", str(tmp_path / "leads.csv"),
                 "--format", "json", "--engine", engine]) == 0
    cells = json.loads(capsys.readouterr().out)["cells"]
    assert [cells[cell]["won_amount"] for cell in ("A1", "B1", "B4", "D4")] == [1300.0, 250.0, 0.0, 80.0]
