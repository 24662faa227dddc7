"""Data quality of the preview data (scoring/quality.py) and the Scorer's activity counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scoring
from scoring import DataError, ModelError, Scorer
from scoring.data.quality import data_quality, value_coverage
from scoring.engine.scorer import ActivityCounts

ROOT = Path(__file__).parent.parent
DEFAULT = scoring.load_model(ROOT / "configs" / "default.yaml")
UTC = "UTC"


def leads_table(**overrides) -> pd.DataFrame:
    """Six leads with every column the default model reads; ``overrides`` replaces columns."""
    columns = {
        "lead_id": [1, 2, 3, 4, 5, 6],
        "created_at": ["2024-01-05", "2024-03-10", None, "2023-12-31 23:00", "", "2024-02-01"],
        "scored_at": ["2024-04-01"] * 6,
        "industry": ["Software", " software ", "n/a", None, "  ", "Retail"],
        "employees": [10.0, np.nan, 500, 2000, np.nan, 40],
        "annual_revenue": [1e6] * 6,
        "job_title": ["CTO", "cto", "Head of IT", "", "Student", "VP Sales"],
        "country": ["US"] * 6,
        "total_visits": [1, 2, 3, 4, 5, 6],
    }
    columns.update(overrides)
    return pd.DataFrame({key: value for key, value in columns.items() if value is not None})


# Eight activities: two of unknown leads, one without a date, one after its lead's scored_at (2024-04-01),
# four usable (one exactly at scored_at). Types: demo_request, email_open (two spellings), podcast, x.
ACTIVITIES = pd.DataFrame({
    "lead_id": [1, 1, 2, 99, 3, 3, 4, 98],
    "activity": ["demo_request", "Email_Open", "email_open", "demo_request", "podcast", " email_open ",
                 "webinar_attended", "x"],
    "occurred_at": ["2024-03-01", "2024-03-02", "2024-05-01", "2024-03-01", None, "2024-03-15",
                    "2024-04-01", "2024-02-01"],
})


# ----- bad inputs


def test_value_coverage_of_a_column_the_leads_lack_is_a_data_error():
    scorer = Scorer(leads_table(country=None))
    with pytest.raises(DataError, match="missing leads column: country"):
        value_coverage(scorer, DEFAULT, "country")


def test_value_coverage_of_an_unknown_category_is_a_model_error():
    with pytest.raises(ModelError):
        value_coverage(Scorer(leads_table()), DEFAULT, "nope")


def test_data_quality_with_unreadable_created_at_falls_back_to_scored_at():
    leads = leads_table(created_at=["soon"] * 6, scored_at=["2024-02-03", "2024-01-02", None, "", "2024-03-04",
                                                             "2024-02-02"])
    quality = data_quality(Scorer(leads), DEFAULT)
    assert quality.date_column == "scored_at"
    assert (quality.first_date, quality.last_date) == (pd.Timestamp("2024-01-02", tz=UTC),
                                                       pd.Timestamp("2024-03-04", tz=UTC))


# ----- leads, dates, columns


def test_data_quality_counts_leads_and_dates_from_created_at():
    quality = data_quality(Scorer(leads_table()), DEFAULT)
    assert quality.leads == 6
    assert quality.date_column == "created_at"
    assert quality.first_date == pd.Timestamp("2023-12-31 23:00", tz=UTC)
    assert quality.last_date == pd.Timestamp("2024-03-10", tz=UTC)


def test_data_quality_date_span_of_timezone_aware_stamps_is_utc():
    leads = leads_table(created_at=pd.to_datetime(["2024-01-01 01:00+02:00"] * 3 + ["2024-01-05"] * 3,
                                                  format="mixed", utc=True))
    quality = data_quality(Scorer(leads), DEFAULT)
    assert (quality.first_date, quality.last_date) == (pd.Timestamp("2023-12-31 23:00", tz=UTC),
                                                       pd.Timestamp("2024-01-05", tz=UTC))


def test_data_quality_without_created_at_uses_scored_at():
    quality = data_quality(Scorer(leads_table(created_at=None)), DEFAULT)
    assert quality.date_column == "scored_at"
    assert quality.first_date == quality.last_date == pd.Timestamp("2024-04-01", tz=UTC)


def test_data_quality_with_empty_created_at_uses_scored_at():
    quality = data_quality(Scorer(leads_table(created_at=[None, "", " "] * 2)), DEFAULT)
    assert quality.date_column == "scored_at"


def test_data_quality_without_any_date_has_no_span():
    quality = data_quality(Scorer(leads_table(created_at=None, scored_at=None)), DEFAULT)
    assert (quality.first_date, quality.last_date, quality.date_column) == (None, None, None)


def test_data_quality_missing_share_per_model_field():
    quality = data_quality(Scorer(leads_table()), DEFAULT)
    frame = quality.columns_frame().set_index("field")
    assert list(frame.index) == ["industry", "employees", "annual_revenue", "job_title", "country",
                                 "total_visits"]
    # industry: None and "  " are missing, "n/a" is a value; employees: two NaN; job_title: one ""
    assert frame["missing_share"].to_dict() == pytest.approx(
        {"industry": 2 / 6, "employees": 2 / 6, "annual_revenue": 0, "job_title": 1 / 6, "country": 0,
         "total_visits": 0})
    # distinct values compare trimmed and ignoring case: Software = " software "
    assert frame["distinct"].to_dict() == {"industry": 3, "employees": 4, "annual_revenue": 1, "job_title": 4,
                                           "country": 1, "total_visits": 6}
    assert frame.loc["industry", "used_by"] == "Industry"
    assert frame.loc["total_visits", "used_by"] == "Website visits (total)"
    assert quality.absent_columns == []


def test_data_quality_names_every_reader_of_a_shared_column():
    data = DEFAULT.model_dump(by_alias=True, exclude_none=True)
    data["profile"]["categories"][4]["field"] = "industry"  # country now reads industry too
    model = scoring.validate_model(data)
    frame = data_quality(Scorer(leads_table()), model).columns_frame().set_index("field")
    assert frame.loc["industry", "used_by"] == "Industry, Country"
    assert "country" not in frame.index


def test_data_quality_lists_absent_columns_in_model_order():
    quality = data_quality(Scorer(leads_table(country=None, total_visits=None, employees=None)), DEFAULT)
    assert quality.absent_columns == ["employees", "country", "total_visits"]
    assert [c.field for c in quality.columns] == ["industry", "annual_revenue", "job_title"]


def test_data_quality_of_no_leads():
    leads = leads_table().iloc[:0]
    quality = data_quality(Scorer(leads), DEFAULT)
    assert quality.leads == 0
    assert quality.date_column is None
    assert all(c.missing_share == 0 and c.distinct == 0 for c in quality.columns)


# ----- activities


def test_activity_counts_give_each_reason():
    scorer = Scorer(leads_table(), ACTIVITIES)
    assert scorer.activity_counts == ActivityCounts(total=8, unknown_lead=2, no_date=1, after_scoring=1,
                                                    usable=4)


def test_activity_counts_without_activities_are_zero():
    assert Scorer(leads_table()).activity_counts == ActivityCounts(0, 0, 0, 0, 0)


def test_activities_after_the_run_as_of_are_not_usable():
    scorer = Scorer(leads_table(scored_at=None), ACTIVITIES, as_of="2024-03-10")
    # lead 1 (03-01, 03-02) usable; 2 (05-01), 3 (03-15), 4 (04-01) after as_of; 3's undated one has no date
    assert scorer.activity_counts == ActivityCounts(total=8, unknown_lead=2, no_date=1, after_scoring=3,
                                                    usable=2)


def test_activity_type_counts_are_trimmed_lower_case_over_all_rows():
    scorer = Scorer(leads_table(), ACTIVITIES)
    assert scorer.activity_type_counts() == {"email_open": 3, "demo_request": 2, "podcast": 1,
                                             "webinar_attended": 1, "x": 1}


def test_activity_type_counts_skip_blank_types():
    activities = pd.DataFrame({"lead_id": [1, 1, 2], "activity": ["demo_request", " ", None],
                               "occurred_at": ["2024-03-01"] * 3})
    assert Scorer(leads_table(), activities).activity_type_counts() == {"demo_request": 1}
    assert Scorer(leads_table()).activity_type_counts() == {}


def test_data_quality_reports_activity_counts_and_types():
    quality = data_quality(Scorer(leads_table(), ACTIVITIES), DEFAULT)
    assert quality.activities == ActivityCounts(total=8, unknown_lead=2, no_date=1, after_scoring=1, usable=4)
    assert quality.unmatched_activity_types == ["pricing_page_visit", "form_submit", "event_attended",
                                                "content_download", "email_click", "unsubscribe"]
    assert quality.unused_activity_types == ["podcast", "x"]


def test_model_activity_types_match_data_ignoring_case_and_spaces():
    data = DEFAULT.model_dump(by_alias=True, exclude_none=True)
    data["engagement"]["activities"] = [{"id": "demo", "activity": " Demo_Request", "points": 40}]
    quality = data_quality(Scorer(leads_table(), ACTIVITIES), scoring.validate_model(data))
    assert quality.unmatched_activity_types == []
    assert quality.unused_activity_types == ["email_open", "podcast", "webinar_attended", "x"]


def test_data_quality_without_activities_lists_every_model_activity_as_unseen():
    quality = data_quality(Scorer(leads_table()), DEFAULT)
    assert quality.activities == ActivityCounts()
    assert quality.unmatched_activity_types == [e.activity for e in DEFAULT.activity_entries]
    assert quality.unused_activity_types == []


def test_data_quality_on_the_sample_data():
    leads = scoring.load_leads(ROOT / "sample_data" / "leads.csv")
    activities = scoring.load_activities(ROOT / "sample_data" / "activities.csv")
    scorer = Scorer(leads, activities)
    quality = data_quality(scorer, DEFAULT)
    counts = quality.activities
    assert quality.leads == len(leads)
    assert quality.date_column == "created_at"
    assert quality.first_date <= quality.last_date
    assert quality.absent_columns == []
    assert counts.total == len(activities)
    assert counts.unknown_lead + counts.no_date + counts.after_scoring + counts.usable == counts.total
    assert sum(scorer.activity_type_counts().values()) == activities["activity"].notna().sum()
    for column in quality.columns:
        assert 0 <= column.missing_share <= 1
        assert column.missing_share == pytest.approx(
            leads[column.field].isna().mean() + (leads[column.field].str.strip() == "").mean())


# ----- value_coverage


def coverage_leads() -> pd.DataFrame:
    industry = (["Software"] * 3 + ["SOFTWARE"] + [" software "]  # 5, shown as Software
                + ["retail", "Retail ", "Retail"]  # 3, shown as Retail
                + [None, "", "   ", np.nan]  # 4 missing
                + ["n/a", "n/a"]  # 2, a value no rule knows
                + ["Media"])  # 1
    return pd.DataFrame({"lead_id": range(len(industry)), "industry": industry,
                         "employees": [20, 20, 20, 20, "20", 300, 300, 300, 300, np.nan, None, " ", 5000, 5000.0,
                                       "1,000"]})


def test_value_coverage_most_common_first_with_the_rule_each_meets():
    coverage = value_coverage(Scorer(coverage_leads()), DEFAULT, "industry")
    assert list(coverage.columns) == ["value", "leads", "rule", "share"]
    assert coverage.to_dict("records") == [
        {"value": "Software", "leads": 5, "rule": "rule 1", "share": 100},
        {"value": "(missing)", "leads": 4, "rule": "rule 5", "share": 10},
        {"value": "Retail", "leads": 3, "rule": "rule 3", "share": 40},
        {"value": "n/a", "leads": 2, "rule": "default", "share": 20},
        {"value": "Media", "leads": 1, "rule": "rule 3", "share": 40},
    ]


def test_value_coverage_respects_the_limit():
    coverage = value_coverage(Scorer(coverage_leads()), DEFAULT, "industry", limit=2)
    assert list(coverage["value"]) == ["Software", "(missing)"]


def test_value_coverage_of_numbers_groups_equal_numbers():
    coverage = value_coverage(Scorer(coverage_leads()), DEFAULT, "company_size")
    # 20 four times as a number and once as text; 5000 and 5000.0 alike; "1,000" is text no numeric rule reads
    assert coverage.to_dict("records") == [
        {"value": "20", "leads": 5, "rule": "rule 4", "share": 20},
        {"value": "300", "leads": 4, "rule": "rule 2", "share": 80},
        {"value": "(missing)", "leads": 3, "rule": "rule 5", "share": 10},
        {"value": "5000", "leads": 2, "rule": "rule 1", "share": 100},
        {"value": "1,000", "leads": 1, "rule": "default", "share": 0},
    ]
