"""The Drift page in AppTest (issue 19): any two date ranges can be compared (Oct–Nov against
Jan–Feb), their leads counted from the raw file; a period too small to compare is one
error, the controls kept; each PSI shows its chance level."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from scoring.measures.drift import MIN_PERIOD_LEADS

REPO = Path(__file__).resolve().parents[2]
DRIFT = "ui/pages/drift.py"


def _drift(open_app) -> AppTest:
    at = open_app()
    at.switch_page(DRIFT).run()
    assert not at.exception, at.exception
    return at


def _period_metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label.startswith(("Earlier", "Later"))}


def _raw_count(first: str, last: str) -> int:
    """Leads of the sample file created from ``first`` to ``last`` (both days included), by pandas."""
    created = pd.to_datetime(pd.read_csv(REPO / "sample_data" / "leads.csv")["created_at"], utc=True)
    return int(((created >= pd.Timestamp(first, tz="UTC"))
                & (created < pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1))).sum())


def test_two_date_ranges_oct_nov_against_jan_feb(open_app):
    at = _drift(open_app)
    at.segmented_control(key="drift_mode").set_value("ranges").run()
    assert not at.exception and not at.error
    at.date_input(key="drift_before_range").set_value((dt.date(2024, 10, 1), dt.date(2024, 11, 30)))
    at.date_input(key="drift_after_range").set_value((dt.date(2025, 1, 1), dt.date(2025, 2, 28))).run()
    assert not at.exception, at.exception
    assert not at.error
    before, after = _raw_count("2024-10-01", "2024-11-30"), _raw_count("2025-01-01", "2025-02-28")
    assert min(before, after) >= MIN_PERIOD_LEADS
    assert _period_metrics(at) == {"Earlier: 2024-10-01 to 2024-11-30": f"{before:,} leads",
                                   "Later: 2025-01-01 to 2025-02-28": f"{after:,} leads"}
    psi = at.dataframe[0].value
    assert list(psi.columns) == ["psi", "chance", "reading"]
    assert all(reading.startswith(("within chance", "stable", "moderate", "major")) for reading in psi["reading"])


def test_a_period_too_small_is_one_error_and_the_controls_stay(open_app):
    at = _drift(open_app)
    # the sample starts on 2024-04-12: a month before 2024-04-15 holds three days of leads
    at.date_input(key="drift_split").set_value(dt.date(2024, 4, 15))
    at.selectbox(key="drift_window").set_value(1).run()
    assert not at.exception, at.exception
    count = _raw_count("2024-03-15", "2024-04-14")
    assert count < MIN_PERIOD_LEADS
    assert [e.value for e in at.error] == [
        f"the earlier period (2024-03-15 to 2024-04-14) has {count:,} lead{'s' if count != 1 else ''}; comparing "
        f"periods needs at least {MIN_PERIOD_LEADS} leads in each, so pick a wider window or another date"]
    assert at.date_input(key="drift_split").value == dt.date(2024, 4, 15)  # the user's choice is kept
    assert not _period_metrics(at)  # no figures from a period this small
