"""One model on two periods (scoring/drift.py): PSI and its reading by hand, the split of
one table by created_at (with a window of months, and bad split dates refused in one
sentence), any two date ranges, "this quarter vs last", a period too small to compare
refused, PSI's chance level checked by simulation, and the per-period distribution and
rates of eight leads worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metricscases import small_model

from scoring import RATINGS, DataError, parse_model
from scoring.measures.drift import (
    MIN_PERIOD_LEADS,
    PSI_FLOOR,
    chance_psi,
    check_period_sizes,
    drift,
    period_scorers,
    population_stability,
    psi_reading,
    quarter_split,
    split_leads,
    window_leads,
)
from scoring.measures.metrics import wilson_interval

MODEL = parse_model(small_model("Drift test model", "{A1: {action: sales}}"))

LEADS = pd.DataFrame({
    "lead_id": [f"L{i}" for i in range(1, 9)],
    "created_at": ["2025-01-05", "2025-01-10", "2025-01-20", "2025-01-31 23:59",  # January
                   "2025-02-01", "2025-02-14", "2025-02-20", "2025-02-28"],  # February
    "industry": ["Software", "Retail", "Retail", "Other", "Software", "Software", "Software", "Other"],
    "total_visits": [12, 12, 0, 12, 12, 20, 0, 12],
    # January: A1, B1, B4, D1;  February: A1, A1, A4, D1
    "accepted": ["yes", "no", "no", "", "yes", "no", "yes", "no"],
    "converted": ["yes", "no", "no", "no", "no", "no", "yes", "no"],
})


# ----- PSI ----------------------------------------------------------------------------------

def test_population_stability_by_hand():
    # shares 50/50 -> 25/75: (0.25 - 0.5) ln(0.25/0.5) + (0.75 - 0.5) ln(0.75/0.5)
    assert population_stability([50, 50], [25, 75]) == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(1.5))
    assert population_stability([1, 2, 3], [10, 20, 30]) == 0.0  # shares, not counts
    # an empty category counts as PSI_FLOOR: [1, 0] -> [0, 1]
    floor = PSI_FLOOR
    assert population_stability([5, 0], [0, 5]) == pytest.approx(2 * (1 - floor) * math.log(1 / floor))
    assert math.isnan(population_stability([0, 0], [1, 1]))


@pytest.mark.parametrize(("value", "start"), [
    (0.0, "stable"), (0.0999, "stable"), (0.1, "moderate shift"), (0.2499, "moderate shift"),
    (0.25, "major shift"), (4.0, "major shift"), (math.nan, "cannot tell")])
def test_psi_reading_follows_the_usual_0_1_and_0_25(value, start):
    assert psi_reading(value).startswith(start)


# ----- splitting ------------------------------------------------------------------------------

def test_split_at_a_date_puts_each_dated_lead_in_one_period():
    leads = LEADS.assign(created_at=[*LEADS["created_at"][:7], None])
    periods = split_leads(leads, "2025-02-01")
    assert periods.before["lead_id"].tolist() == ["L1", "L2", "L3", "L4"]  # 23:59 on the 31st is before
    assert periods.after["lead_id"].tolist() == ["L5", "L6", "L7"]
    assert periods.undated == 1
    assert periods.labels() == ("2025-01-05 to 2025-01-31", "2025-02-01 to 2025-02-20")


def test_split_with_months_keeps_only_that_window():
    leads = pd.DataFrame({"lead_id": [1, 2, 3, 4, 5],
                          "created_at": ["2024-12-31", "2025-01-01", "2025-03-31", "2025-06-30", "2025-07-01"]})
    periods = split_leads(leads, "2025-04-01", months=3)
    assert periods.before["lead_id"].tolist() == [2, 3]  # 2025-01-01 .. 2025-03-31
    assert periods.after["lead_id"].tolist() == [4]  # 2025-04-01 .. 2025-06-30
    assert periods.labels() == ("2025-01-01 to 2025-03-31", "2025-04-01 to 2025-06-30")


@pytest.mark.parametrize(("split", "months", "words"), [
    ("2030-01-01", None, "the split date 2030-01-01 is outside the data: created_at runs from 2025-01-05 to "
                         "2025-02-28"),
    ("2025-01-05", None, "outside the data"),  # midnight, before the first lead: nothing before it
    ("2025-01-04", None, "outside the data"),
    ("next tuesday", None, "split date: cannot read 'next tuesday' as a date"),
    ("2025-02-28", 1, None),  # fine: a window with leads on both sides
    ("2025-01-06", 1, None),
])
def test_bad_split_dates_get_one_sentence(split, months, words):
    if words is None:
        periods = split_leads(LEADS, split, months=months)
        assert len(periods.before) and len(periods.after)
        return
    with pytest.raises(DataError) as caught:
        split_leads(LEADS, split, months=months)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_split_needs_a_date_column_with_dates():
    with pytest.raises(DataError, match="no created_at column to split the leads by date"):
        split_leads(LEADS.drop(columns="created_at"), "2025-02-01")
    with pytest.raises(DataError, match="holds no dates"):
        split_leads(LEADS.assign(created_at=None), "2025-02-01")
    with pytest.raises(DataError, match="no lead has a created_at in the month before 2025-04-01"):
        split_leads(LEADS.assign(created_at=[*["2025-01-05"] * 7, "2025-04-10"]), "2025-04-01", months=1)
    with pytest.raises(DataError, match="no lead has a created_at in the 2 months after 2025-02-01"):
        split_leads(LEADS.assign(created_at=[*["2025-01-05"] * 7, "2025-06-10"]), "2025-02-01", months=2)


@pytest.mark.parametrize(("first", "last", "split"), [
    ("2024-04-12", "2025-10-22", "2025-07-01"),  # the latest quarter that ended: Q3, against Q2
    ("2025-01-15", "2025-09-30", "2025-04-01"),  # Q3 has not ended by the 30th, 00:00
    ("2025-05-01", "2025-08-10", "2025-07-01"),  # less than two quarters: the quarter of the last date
])
def test_quarter_split(first, last, split):
    leads = pd.DataFrame({"created_at": [first, last]})
    assert quarter_split(leads) == pd.Timestamp(split, tz="UTC")


def test_quarter_split_within_one_quarter_is_refused():
    with pytest.raises(DataError, match="within one quarter"):
        quarter_split(pd.DataFrame({"created_at": ["2025-04-02", "2025-06-30"]}))


# ----- the two periods side by side -------------------------------------------------------------

@pytest.fixture(scope="module")
def result():
    periods = split_leads(LEADS, "2025-02-01")
    return drift(MODEL, *period_scorers(MODEL, periods.before, periods.after), labels=periods.labels(), min_leads=1)


def test_distribution_per_period(result):
    distribution = result.distribution
    assert distribution.loc[["A1", "B1", "B4", "D1"], "leads_before"].tolist() == [1, 1, 1, 1]
    assert distribution.loc[["A1", "A4", "D1"], "leads_after"].tolist() == [2, 1, 1]
    assert distribution["leads_before"].sum() == distribution["leads_after"].sum() == 4
    assert distribution.loc["A1", "share_after"] == 0.5 and distribution.loc["B1", "share_after"] == 0


def test_psi_per_axis_by_hand(result):
    stability = result.stability
    floor = PSI_FLOOR
    # letters A..D: January 1, 2, 0, 1; February 3, 0, 0, 1 (C empty in both: floored alike, adds 0)
    profile = (0.75 - 0.25) * math.log(0.75 / 0.25) + (floor - 0.5) * math.log(floor / 0.5)
    assert stability.loc["profile grade", "psi"] == pytest.approx(profile)
    # 2.3 would be a major shift, but four leads a side give more than that by chance
    assert stability.loc["profile grade", "psi"] < stability.loc["profile grade", "chance"]
    assert stability.loc["profile grade", "reading"].startswith("within chance: two periods with 4 and 4 leads")
    # numbers 1..4: 3, 0, 0, 1 in both months
    assert stability.loc["engagement grade", "psi"] == pytest.approx(0.0)
    assert stability.loc["engagement grade", "reading"].startswith("within chance")
    # cells: A1 1/4 -> 2/4, A4 0 -> 1/4, B1 and B4 1/4 -> 0, D1 1/4 -> 1/4
    rating = (0.25 * math.log(2) + (0.25 - floor) * math.log(0.25 / floor)
              + 2 * (floor - 0.25) * math.log(floor / 0.25))
    assert stability.loc["rating", "psi"] == pytest.approx(rating)
    assert list(stability.index) == ["profile grade", "engagement grade", "rating"]


def test_rates_per_cell_and_period_with_intervals(result):
    rates = result.rates
    assert list(rates.index) == list(RATINGS)
    # A1 in January: L1 accepted (1 of 1); in February: L5 yes, L6 no (1 of 2)
    assert rates.loc["A1", "acceptance_rate_before"] == 1.0
    assert rates.loc["A1", "acceptance_rate_after"] == 0.5
    assert (rates.loc["A1", "acceptance_low_after"], rates.loc["A1", "acceptance_high_after"]) == pytest.approx(
        wilson_interval(1, 2))
    assert rates.loc["A1", "decided_after"] == 2
    # conversion in A4 (February: L7 converted) and in D1 (L4, L8 did not)
    assert rates.loc["A4", "conversion_rate_after"] == 1.0
    assert (rates.loc["A4", "conversion_low_after"], rates.loc["A4", "conversion_high_after"]) == pytest.approx(
        wilson_interval(1, 1))
    assert rates.loc["D1", "conversion_rate_before"] == 0.0 and rates.loc["D1", "conversion_rate_after"] == 0.0
    assert np.isnan(rates.loc["D1", "acceptance_rate_before"])  # L4 has no decision
    assert np.isnan(rates.loc["A4", "acceptance_rate_before"])  # no lead


def test_plain_data(result):
    data = result.as_dict()
    assert data["periods"] == {"before": "2025-01-05 to 2025-01-31", "after": "2025-02-01 to 2025-02-28"}
    assert set(data["stability"]) == {"profile grade", "engagement grade", "rating"}
    assert data["distribution"]["A1"]["leads_after"] == 2
    assert data["to_sales"]["after"]["leads"] == 2


# ----- too few leads, any two windows, PSI and chance (issue 19), months out of range (issue 20) -


def _growing_history() -> pd.DataFrame:
    """The issue's shape: 1 lead in September, 60 in Oct–Dec, 90 in Jan–Mar (to the 20th)."""
    days = ["2011-09-30", *pd.date_range("2011-10-01", "2011-12-31", periods=60).strftime("%Y-%m-%d"),
            *pd.date_range("2012-01-01", "2012-03-20", periods=90).strftime("%Y-%m-%d")]
    return pd.DataFrame({"lead_id": range(1, len(days) + 1), "created_at": days, "industry": "Software",
                         "total_visits": 12})


def test_a_period_of_one_lead_is_refused_in_one_sentence():
    # issue 19: the default split put 1 lead in the earlier period and read PSI 6.2 as a major shift
    periods = split_leads(_growing_history(), "2011-10-01", months=3)
    assert (len(periods.before), len(periods.after)) == (1, 60)
    with pytest.raises(DataError) as caught:
        drift(MODEL, *period_scorers(MODEL, periods.before, periods.after), labels=periods.labels())
    assert str(caught.value) == ("the earlier period (2011-07-01 to 2011-09-30) has 1 lead; comparing periods needs "
                                 f"at least {MIN_PERIOD_LEADS} leads in each, so pick a wider window or another date")
    with pytest.raises(DataError, match=r"the later period \(b\) has 29 leads"):
        check_period_sizes(30, 29, ("a", "b"))
    check_period_sizes(30, 30)


def test_the_default_split_moves_on_when_the_quarter_before_is_almost_empty():
    # the latest ended quarter (Oct–Dec) against Jul–Sep would hold 1 lead: Jan–Mar against Oct–Dec
    leads = _growing_history()
    assert quarter_split(leads) == pd.Timestamp("2012-01-01", tz="UTC")
    periods = split_leads(leads, quarter_split(leads), months=3)
    assert (len(periods.before), len(periods.after)) == (60, 90)
    assert quarter_split(leads, min_leads=1) == pd.Timestamp("2011-10-01", tz="UTC")


def test_any_two_windows_oct_nov_against_jan_feb():
    leads = pd.DataFrame({"lead_id": ["s30", "o1", "n30", "d1", "j1", "f28", "m1", "x", "y"],
                          "created_at": ["2024-09-30", "2024-10-01", "2024-11-30 23:59", "2024-12-01",
                                         "2025-01-01", "2025-02-28", "2025-03-01", None, None]})
    periods = window_leads(leads, ("2024-10-01", "2024-11-30"), ("2025-01-01", "2025-02-28"))
    assert periods.before["lead_id"].tolist() == ["o1", "n30"]  # the last day is included to its end
    assert periods.after["lead_id"].tolist() == ["j1", "f28"]
    assert periods.labels() == ("2024-10-01 to 2024-11-30", "2025-01-01 to 2025-02-28")
    assert periods.undated == 2


@pytest.mark.parametrize(("before", "after", "words"), [
    (("2024-10-01", "2024-12-31"), ("2024-12-31", "2025-02-28"), "the later period (2024-12-31 to 2025-02-28) "
                                                                 "must start after the earlier one ends"),
    (("2024-11-30", "2024-10-01"), ("2025-01-01", "2025-02-28"), "the earlier period ends (2024-10-01) before"),
    (("2024-10-01", "soon"), ("2025-01-01", "2025-02-28"), "earlier period end: cannot read 'soon' as a date"),
])
def test_bad_windows_get_one_sentence(before, after, words):
    with pytest.raises(DataError) as caught:
        window_leads(LEADS, before, after)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_months_beyond_the_calendar_are_one_sentence():
    # issue 20: drift --months 100000 printed "ValueError: year -6308 is out of range"
    with pytest.raises(DataError, match="months: give a whole number of months from 1 to 1,200, not 100,000"):
        split_leads(LEADS, "2025-02-01", months=100000)
    far = LEADS.assign(created_at=["2200-01-05"] * 4 + ["2200-02-05"] * 4)
    with pytest.raises(DataError, match="run past the dates a timestamp can hold"):
        split_leads(far, "2200-02-01", months=1200)


def test_chance_psi_by_hand():
    assert math.isnan(chance_psi([0, 0], [1, 1]))
    assert chance_psi([5, 5], [5, 5]) == chance_psi([5, 5], [5, 5])  # seeded: the same counts, the same figure
    # the more leads, the less chance explains: 40 a side against 4,000 a side
    assert chance_psi([10, 10, 10, 10], [10, 10, 10, 10]) > 10 * chance_psi([1000] * 4, [1000] * 4)


@pytest.mark.parametrize(("shares", "size"), [([0.4, 0.3, 0.2, 0.1], 40), ([0.7, 0.2, 0.05, 0.05], 200),
                                              ([1 / 16] * 16, 60)])
def test_chance_psi_is_exceeded_about_one_time_in_twenty_without_a_shift(shares, size):
    # two periods drawn from one population (another generator than chance_psi's): the PSI of
    # about 95 % of such pairs is within the chance level of their counts
    rng = np.random.default_rng(12345)
    within = 0
    trials = 300
    for _ in range(trials):
        before, after = rng.multinomial(size, shares), rng.multinomial(size, shares)
        within += population_stability(before, after) <= chance_psi(before, after, draws=500)
    assert 0.88 <= within / trials <= 0.995


def test_a_real_shift_on_many_leads_is_not_chance():
    before, after = np.array([400, 300, 200, 100]), np.array([100, 200, 300, 400])
    value, chance = population_stability(before, after), chance_psi(before, after)
    assert value > chance
    assert psi_reading(value, chance, (1000, 1000)).startswith("major shift")


def _sample(count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from scoring import read_table

    root = Path(__file__).resolve().parents[1] / "sample_data"
    leads, activities = read_table(root / "leads.csv").head(count), read_table(root / "activities.csv")
    return (leads.assign(lead_id=leads["lead_id"].astype("int64")),  # ids as a Parquet file holds them
            activities.assign(lead_id=activities["lead_id"].astype("int64")))


def _same_ratings(model, leads: pd.DataFrame, scorer) -> None:
    from scoring.engine.scorer import Scorer

    alone = Scorer.for_model(model, leads, SAMPLE_ACTIVITIES).rate(model)  # the whole activities log
    np.testing.assert_array_equal(scorer.rate(model).rating, alone.rating)
    np.testing.assert_array_equal(scorer.rate(model).engagement_score, alone.engagement_score)


SAMPLE_LEADS, SAMPLE_ACTIVITIES = _sample(400)


def test_a_period_prepares_only_its_own_leads_activities_and_rates_as_with_all():
    from scoring import load_model

    model = load_model(Path(__file__).resolve().parents[1] / "configs" / "default.yaml")
    before, after = SAMPLE_LEADS.iloc[::2], SAMPLE_LEADS.iloc[1::2]
    scorers = period_scorers(model, before, after, SAMPLE_ACTIVITIES)
    for leads, scorer in zip((before, after), scorers, strict=True):
        assert scorer.activity_counts.total == int(SAMPLE_ACTIVITIES["lead_id"].isin(leads["lead_id"]).sum())
        assert scorer.activity_counts.unknown_lead == 0
        _same_ratings(model, leads, scorer)
    text_ids = SAMPLE_LEADS.assign(lead_id=SAMPLE_LEADS["lead_id"].astype(str) + " ")  # compared as trimmed text
    text_scorers = period_scorers(model, text_ids.iloc[::2], text_ids.iloc[1::2],
                                  SAMPLE_ACTIVITIES.assign(lead_id=SAMPLE_ACTIVITIES["lead_id"].astype(str)))
    assert text_scorers[0].activity_counts.total == len(SAMPLE_ACTIVITIES)  # not filtered: all of it
    np.testing.assert_array_equal(text_scorers[0].rate(model).rating, scorers[0].rate(model).rating)


@given(st.lists(st.booleans(), min_size=len(SAMPLE_LEADS), max_size=len(SAMPLE_LEADS)))
@settings(max_examples=15, deadline=None)
def test_any_split_rates_each_period_as_with_the_whole_log(in_before):
    from scoring import load_model

    model = load_model(Path(__file__).resolve().parents[1] / "configs" / "default.yaml")
    mask = np.array(in_before)
    before, after = SAMPLE_LEADS[mask], SAMPLE_LEADS[~mask]
    for leads, scorer in zip((before, after), period_scorers(model, before, after, SAMPLE_ACTIVITIES), strict=True):
        if len(leads):
            _same_ratings(model, leads, scorer)


FULL_LEADS, FULL_ACTIVITIES = _sample(6000)


@given(split=st.dates(min_value=pd.Timestamp("2024-02-01").date(), max_value=pd.Timestamp("2025-09-01").date()),
       months=st.sampled_from([None, 1, 3, 6]))
@settings(max_examples=10, deadline=None)
def test_periods_as_parts_of_one_scorer_give_the_drift_of_a_scorer_per_period(split, months):
    """The app's drift reads each period off the data set's own Scorer (period_subsets); the
    CLI's two files get a Scorer each (period_scorers). Same periods, same figures."""
    from scoring import load_model
    from scoring.engine.scorer import Scorer
    from scoring.measures.drift import period_subsets

    model = load_model(Path(__file__).resolve().parents[1] / "configs" / "default.yaml")
    scorer = Scorer.for_model(model, FULL_LEADS, FULL_ACTIVITIES)
    try:
        periods = split_leads(scorer.leads, split, months=months)
    except DataError:
        return  # a split outside the data or an empty window: refused alike either way
    if min(len(periods.before), len(periods.after)) < 1:
        return
    apart = drift(model, *period_scorers(model, periods.before, periods.after, FULL_ACTIVITIES),
                  labels=periods.labels(), min_leads=1)
    parts = drift(model, *period_subsets(scorer, periods), labels=periods.labels(), min_leads=1)
    assert json.dumps(parts.as_dict(), default=str) == json.dumps(apart.as_dict(), default=str)  # NaN as NaN
    assert parts.before.scored.equals(apart.before.scored)
