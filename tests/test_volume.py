"""Leads per month over a stated window (issue 19, scoring.measures.volume): the window each choice
gives, its fallbacks, the figure against counts made by hand and against an independent
pandas computation on the raw rows, segments, calibrate's capacity, and the CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from clicases import run
from hypothesis import example, given, settings
from hypothesis import strategies as st
from metricscases import MODEL_YAML

from scoring import Scorer, parse_model
from scoring.calibrate.thresholds import (
    CalibrationError,
    Target,
    propose_thresholds,
    threshold_grid,
)
from scoring.errors import DataError
from scoring.measures.metrics import DAYS_PER_MONTH, History, Outcomes, preview, sales_summary
from scoring.measures.segments import segment_breakdown, segment_labels, segment_preview
from scoring.measures.volume import PerMonth, handover_dates, monthly_volume, resolve

MODEL = parse_model(MODEL_YAML)  # Software with 10+ visits is an A1 (to sales); Retail without visits a B4 (nurture)


def window(choice: str, scored_at: list[str], created_at: list[str] | None = None):
    leads = pd.DataFrame({"scored_at": scored_at, **({"created_at": created_at} if created_at else {})})
    return resolve(PerMonth.parse(choice), handover_dates(leads))


def test_the_choices_spelled_as_the_cli_takes_them():
    assert PerMonth.parse("last-quarter") == PerMonth()
    assert str(PerMonth.parse("last-month")) == "last-month"
    assert str(PerMonth.parse(" Last-6-Months ")) == "last-6-months"
    assert str(PerMonth.parse("all")) == "all"
    assert str(PerMonth.parse("2025-07-01..2025-09-30")) == "2025-07-01..2025-09-30"
    for bad in ("quarterly", "last-0-months", "2025-09-30..2025-07-01", "2025-02-30..2025-03-01", ""):
        with pytest.raises(DataError, match="per month"):
            PerMonth.parse(bad)


# ------------------------------------------------------------- windows, by hand


def test_last_quarter_is_the_last_calendar_quarter_covered_completely():
    dates = ["2025-01-03", "2025-05-01", "2025-08-01", "2025-09-30T22:00:00"]
    found = window("last-quarter", dates)
    assert (found.name, str(found.first_day), str(found.last_day), found.months) == (
        "last-quarter", "2025-07-01", "2025-09-30", 3.0)
    assert found.label == "Jul–Sep 2025" and found.dated_by == "scored_at" and found.fallback is None
    assert found.contains(handover_dates(pd.DataFrame({"scored_at": dates})).dates).tolist() == [
        False, False, True, True]
    # the data ends a day before the quarter does: Jul-Sep is not complete, Apr-Jun is
    assert window("last-quarter", [*dates[:3], "2025-09-29"]).label == "Apr–Jun 2025"


def test_last_months_and_a_range():
    dates = ["2024-11-15", "2025-02-10", "2025-03-31"]
    assert (window("last-month", dates).label, window("last-month", dates).months) == ("Mar 2025", 1.0)
    assert window("last-3-months", dates).label == "Jan–Mar 2025"
    assert window("last-4-months", dates).label == "Dec 2024–Mar 2025"
    picked = window("2025-02-01..2025-02-14", dates)
    assert picked.label == "1 Feb–14 Feb 2025" and picked.months == pytest.approx(14 / 28)
    assert window("2024-12-01..2025-02-28", dates).months == pytest.approx(3.0)
    beyond = window("2025-03-01..2025-05-31", dates)  # counted as given, and said to reach past the data
    assert beyond.months == 3.0 and beyond.label == "Mar–May 2025 (the data covers 15 Nov 2024–31 Mar 2025)"


def test_fallbacks_are_stated():
    short = window("last-quarter", ["2025-02-10", "2025-04-20"])
    assert short.name == "all" and short.fallback == "the data (10 Feb–20 Apr 2025) covers less than one complete quarter"
    assert short.months == pytest.approx(69 / DAYS_PER_MONTH)
    assert short.label == "whole history, 10 Feb–20 Apr 2025"
    assert window("last-12-months", ["2025-01-01", "2025-09-30"]).fallback.endswith("less than 12 complete months")
    assert window("last-quarter", ["2025-01-01", "2025-01-03"]).months == 1.0  # at least one month
    none = window("last-quarter", ["", ""])
    assert (none.name, none.months, none.label) == ("none", None, "no dates")


def test_leads_are_dated_by_hand_over_and_the_data_covers_its_created_at_days():
    dating = handover_dates(pd.DataFrame({"created_at": ["2025-06-20", "2025-07-02", "2025-10-01"],
                                          "scored_at": ["2025-07-01", "", "2026-01-05"]}))
    assert dating.dated_by == "scored_at, else created_at"
    stamps = pd.to_datetime(["2025-07-01", "2025-07-02", "2026-01-05"], utc=True).as_unit("ns").asi8
    assert dating.dates.tolist() == stamps.tolist()
    # covered: 20 Jun .. 1 Oct 2025 (created_at); the hand-over in January is after the extract
    assert resolve(PerMonth(), dating).label == "Jul–Sep 2025"
    whole = resolve(PerMonth.parse("all"), dating)
    assert whole.contains(dating.dates).all() and whole.label == "whole history, 20 Jun–1 Oct 2025"
    unreadable = handover_dates(pd.DataFrame({"created_at": ["soon"], "scored_at": ["2025-01-01"]}))
    assert unreadable.dated_by == "scored_at"


# ------------------------------------------------------------- the figure: growing volume


def growing_leads() -> pd.DataFrame:
    """Month k of 2025 (1..12) has 10k leads created on its 1st..10th, 3 in 5 Software (to
    sales, 2 of those 3 accepted), each handed over the day after it was created."""
    rows = []
    for month in range(1, 13):
        for i in range(10 * month):
            created = pd.Timestamp(2025, month, 1 + i % 10, 9)
            software = i % 5 < 3
            rows.append({"lead_id": len(rows) + 1, "industry": "Software" if software else "Retail",
                         "total_visits": 12 if software else 0, "accepted": "yes" if i % 5 < 2 else "no",
                         "created_at": created.isoformat(),
                         "scored_at": (created + pd.Timedelta(days=1)).isoformat()})
    rows.append({"lead_id": len(rows) + 1, "industry": "Retail", "total_visits": 0, "accepted": "no",
                 "created_at": "2025-12-31T18:00:00", "scored_at": "2025-12-31T19:00:00"})  # the extract's end
    return pd.DataFrame(rows)


def test_growing_volume_last_quarter_against_the_whole_history():
    scorer = Scorer(growing_leads())
    quarter = preview(MODEL, scorer).sales
    # Oct-Dec: 100 + 110 + 120 leads, 3 in 5 to sales: 198 over 3 months
    assert quarter.leads_per_month == pytest.approx(198 / 3)
    assert quarter.window.label == "Oct–Dec 2025" and quarter.window.dated_by == "scored_at"
    whole = preview(MODEL, scorer, Outcomes(per_month=PerMonth.parse("all"))).sales
    # 780 leads, 468 to sales, created 1 Jan 09:00 .. 31 Dec 18:00
    months = (pd.Timestamp("2025-12-31T18:00") - pd.Timestamp("2025-01-01T09:00")) / pd.Timedelta(days=DAYS_PER_MONTH)
    assert whole.leads_per_month == pytest.approx(468 / months)
    assert whole.leads_per_month < 0.6 * quarter.leads_per_month  # a team sized on it is 40 % short
    assert preview(MODEL, scorer, Outcomes(per_month=PerMonth.parse("last-month"))).sales.leads_per_month == 72
    trend = monthly_volume(History.read(scorer.leads).dates, (scorer.score(MODEL)["action"] == "sales").to_numpy(),
                           quarter.window)
    assert trend["leads"].tolist() == [10 * k for k in range(1, 12)] + [121]
    assert trend["to_sales"].tolist() == [6 * k for k in range(1, 13)]
    assert trend.loc[trend["in_window"], "month"].tolist() == ["2025-10", "2025-11", "2025-12"]


def test_calibrate_counts_capacity_over_the_same_window():
    scorer = Scorer(growing_leads())  # every to-sales lead has the same scores: one set, or none
    quarter = propose_thresholds(MODEL, scorer, Target(capacity=70))
    assert quarter.current.leads_per_month == 66 and quarter.proposed.leads_per_month == 66
    last_month = Outcomes(per_month=PerMonth.parse("last-month"))
    assert threshold_grid(MODEL, scorer, last_month).months == 1.0
    with pytest.raises(CalibrationError, match=r"the smallest set that can go to sales is 72\.0 leads a month"):
        propose_thresholds(MODEL, scorer, Target(capacity=70), last_month)


def test_a_segment_counts_its_own_leads_in_the_window():
    leads = growing_leads()
    leads["month"] = pd.to_datetime(leads["created_at"]).dt.strftime("%Y-%m")
    scorer = Scorer(leads)
    outcomes = Outcomes(per_month=PerMonth.parse("last-month"))
    result, history = preview(MODEL, scorer, outcomes), History.read(scorer.leads, outcomes)
    segments = segment_labels(scorer.leads, "month")
    frame = segment_breakdown(result, history, segments).set_index("segment")
    assert frame.loc["2025-12", "to_sales_per_month"] == 72  # its 72 to-sales leads, all in December
    assert frame.loc["2025-11", "to_sales_per_month"] == 0  # none of its leads is in the window
    assert frame.attrs["per_month_window"] == "Dec 2025"  # the column's label names it
    december = segment_preview(MODEL, result, history, segments.mask("2025-12"))
    assert december.sales.leads_per_month == 72 and december.sales.window.label == "Dec 2025"


def test_a_segment_is_counted_over_the_months_its_leads_occur_in():
    """A month segment under the default quarter: its leads are one month's, not a third of it
    (issue 19: the month-2011-11 segment read 240 a month against ~1,198)."""
    leads = growing_leads()
    leads["month"] = pd.to_datetime(leads["created_at"]).dt.strftime("%Y-%m")
    scorer = Scorer(leads)
    result, history = preview(MODEL, scorer), History.read(scorer.leads)
    assert history.window.label == "Oct–Dec 2025"
    segments = segment_labels(scorer.leads, "month")
    frame = segment_breakdown(result, history, segments).set_index("segment")
    assert frame.loc["2025-12", "to_sales_per_month"] == 72  # all of them in December
    assert segment_preview(MODEL, result, history, segments.mask("2025-12")).sales.leads_per_month == 72
    quarter = sum(frame.loc[month, "to_sales"] for month in ("2025-10", "2025-11", "2025-12"))
    assert result.sales.leads_per_month == quarter / 3  # the whole data: over the quarter's three months


# ------------------------------------------------------------- property: against the raw rows


def expected_per_month(rows: pd.DataFrame, choice: str) -> float | None:
    """Count in window / months in window, from the raw text columns with pandas."""
    created = pd.to_datetime(rows["created_at"].replace("", None), utc=True, format="ISO8601")
    handed = pd.to_datetime(rows["scored_at"].replace("", None), utc=True, format="ISO8601").fillna(created)
    sales = rows["industry"] == "Software"
    if handed.isna().all():
        return None
    covered = created if created.notna().any() else handed
    first, last = covered.min(), covered.max()
    whole = sales[handed.notna()].sum() / max((last - first) / pd.Timedelta(days=365.25 / 12), 1.0)
    if choice == "all":
        return whole
    if ".." in choice:
        start, end = (pd.Timestamp(day, tz="UTC") for day in choice.split(".."))
        end += pd.Timedelta(days=1)
        months = len(pd.period_range(start.tz_localize(None), end.tz_localize(None) - pd.Timedelta(days=1), freq="M"))
        return sales[(handed >= start) & (handed < end)].sum() / months
    freq, count = ("Q", 1) if choice == "last-quarter" else ("M", 1 if choice == "last-month" else int(choice.split("-")[1]))
    period = pd.Period(last.tz_localize(None), freq)
    if last.tz_localize(None).normalize() != period.end_time.normalize():
        period -= 1
    start = (period - count + 1).start_time.tz_localize("UTC")
    end = (period + 1).start_time.tz_localize("UTC")
    if start < first.normalize():
        return whole
    months = 3 * count if freq == "Q" else count
    return sales[(handed >= start) & (handed < end)].sum() / months


DAY = st.dates(min_value=pd.Timestamp("2024-01-01").date(), max_value=pd.Timestamp("2025-12-31").date())


@st.composite
def raw_rows(draw):
    n = draw(st.integers(1, 40))
    created = draw(st.lists(st.one_of(st.none(), DAY), min_size=n, max_size=n))
    delays = draw(st.lists(st.one_of(st.none(), st.integers(0, 120)), min_size=n, max_size=n))
    industry = draw(st.lists(st.sampled_from(["Software", "Retail"]), min_size=n, max_size=n))
    scored = [None if delay is None or (day is None and delay % 2) else
              (pd.Timestamp(day or "2025-06-01") + pd.Timedelta(days=delay, hours=delay % 24)).isoformat()
              for day, delay in zip(created, delays, strict=True)]
    visits = [12 if name == "Software" else 0 for name in industry]
    return pd.DataFrame({"lead_id": range(1, n + 1), "industry": industry, "total_visits": visits,
                         "created_at": [day.isoformat() if day else "" for day in created],
                         "scored_at": [stamp or "" for stamp in scored]})


CHOICES = st.sampled_from(["last-quarter", "last-month", "last-3-months", "last-7-months", "all",
                           "2025-01-01..2025-03-31", "2024-11-01..2025-06-30"])


@settings(max_examples=150, deadline=None)
@given(raw_rows(), CHOICES)
@example(pd.DataFrame({"lead_id": [1], "industry": ["Software"], "total_visits": [12], "created_at": [""],
                       "scored_at": [""]}), "last-quarter")
def test_per_month_equals_the_raw_rows_count_in_window_over_its_months(rows, choice):
    outcomes = Outcomes(per_month=PerMonth.parse(choice))
    expected = expected_per_month(rows, choice)
    scorer = Scorer(rows)
    cells = preview(MODEL, scorer, outcomes).sales.leads_per_month
    per_lead = sales_summary(scorer.score(MODEL), scorer.leads, outcomes).leads_per_month
    if expected is None:
        assert cells is None and per_lead is None
    else:
        assert cells == pytest.approx(expected, rel=1e-9) and per_lead == pytest.approx(expected, rel=1e-9)


# ------------------------------------------------------------- the CLI


@pytest.fixture
def growing_files(tmp_path):
    model, leads = tmp_path / "model.yaml", tmp_path / "leads.csv"
    model.write_text(MODEL_YAML, encoding="utf-8")
    growing_leads().to_csv(leads, index=False)
    return ["--model", str(model), "--leads", str(leads)]


def test_matrix_per_month_option_and_json(capsys, growing_files):
    code, out, _ = run(capsys, "matrix", *growing_files, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["to_sales"]["leads_per_month"] == pytest.approx(66.0)
    assert data["to_sales"]["per_month_window"] | {"months": 3.0} == {
        "name": "last-quarter", "asked": "last-quarter", "start": "2025-10-01", "end": "2025-12-31", "months": 3.0,
        "label": "Oct–Dec 2025", "dated_by": "scored_at", "fallback": None}
    assert [row["to_sales"] for row in data["per_month"]] == [6 * k for k in range(1, 13)]
    assert [row["month"] for row in data["per_month"] if row["in_window"]] == ["2025-10", "2025-11", "2025-12"]
    code, out, _ = run(capsys, "matrix", *growing_files, "--per-month", "2025-11-01..2025-11-30")
    assert code == 0 and "66.0 a month, Nov 2025" in out
    code, out, _ = run(capsys, "matrix", *growing_files, "--per-month", "all", "--format", "json")
    assert json.loads(out)["to_sales"]["per_month_window"]["label"] == "whole history, 1 Jan–31 Dec 2025"


def test_per_month_option_errors_are_one_usage_line(capsys, growing_files):
    code, _, err = run(capsys, "matrix", *growing_files, "--per-month", "quarterly")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "--per-month" in err and "last-quarter" in err


def test_calibrate_and_compare_take_the_window(capsys, growing_files):
    code, out, _ = run(capsys, "calibrate", *growing_files, "--capacity", "70", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["current"]["leads_per_month"] == 66 and data["current"]["per_month_window"]["label"] == "Oct–Dec 2025"
    code, out, _ = run(capsys, "calibrate", *growing_files, "--capacity", "80", "--per-month", "last-month")
    assert code == 0 and "(leads a month over Dec 2025: 1 months; leads dated by scored_at" in out
    assert [line.split()[-2] for line in out.splitlines() if line.startswith("Leads a month")] == ["72"]
    code, _, err = run(capsys, "calibrate", *growing_files, "--capacity", "70", "--per-month", "last-month")
    assert code == 1 and "72.0 leads a month" in err
    code, out, _ = run(capsys, "compare", growing_files[1], growing_files[1], "--leads", growing_files[3],
                       "--per-month", "last-month", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["a"]["to_sales"]["leads_per_month"] == 72 and data["summary"]["to_sales_per_month"]["a"] == 72
    assert data["summary"]["to_sales_per_month"]["label"] == "Leads to sales per month, Dec 2025"


# ------------------------------------------------------------- the SQL preview


def mixed_dates() -> pd.DataFrame:
    """The growing leads, a third without scored_at: those are dated by created_at."""
    leads = growing_leads()
    leads.loc[leads.index % 3 == 0, "scored_at"] = ""
    return leads


@pytest.mark.parametrize("choice", ["last-quarter", "last-month", "last-5-months", "all", "2025-03-15..2025-06-14",
                                    "last-24-months"])
@pytest.mark.parametrize("frame", [growing_leads, mixed_dates])
def test_the_sql_preview_counts_the_same_window(tmp_path, choice, frame):
    from scoring.sql.runners import duckdb_preview

    path = tmp_path / "leads.csv"
    frame().to_csv(path, index=False)
    outcomes = Outcomes(per_month=PerMonth.parse(choice))
    engine = preview(MODEL, Scorer(frame()), outcomes).sales
    duck = duckdb_preview(MODEL, path, outcomes=outcomes).sales
    assert duck.window.as_dict() == engine.window.as_dict()
    assert duck.leads_per_month == pytest.approx(engine.leads_per_month, rel=1e-12)
    if frame is mixed_dates:
        assert engine.window.dated_by == "scored_at, else created_at"


def test_leads_are_dated_by_the_scorers_hand_over_choice():
    # 40 days after created_at: leads created 1-10 Sep, Oct and Nov are handed over in Oct-Dec
    scorer = Scorer(growing_leads(), hand_over="created_at+40d")
    sales = preview(MODEL, scorer).sales
    assert sales.window.dated_by == "40 days after created_at" and sales.window.label == "Oct–Dec 2025"
    assert sales.leads_per_month == pytest.approx((54 + 60 + 66) / 3)
