"""The synthetic data generator and the sample data it made."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring import load_activities, load_leads, load_model, score
from scoring.tools import synth

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
N = 3000


@pytest.fixture(scope="module")
def generated() -> tuple[pd.DataFrame, pd.DataFrame]:
    return synth.generate(N, 11)


@pytest.fixture(scope="module")
def sample_scored() -> pd.DataFrame:
    """sample_data scored with the default model, with the sales decision alongside."""
    leads = load_leads(SAMPLE / "leads.csv")
    activities = load_activities(SAMPLE / "activities.csv")
    result = score(load_model(ROOT / "configs" / "default.yaml"), leads, activities)
    accepted = leads.set_index("lead_id")["accepted"].reindex(result.index)
    result["decided"] = accepted.notna()
    result["accepted"] = accepted.map({"true": 1.0, "false": 0.0})
    return result


def _acceptance(frame: pd.DataFrame) -> float:
    return float(frame["accepted"].mean())


def test_same_seed_same_frames(generated):
    leads, activities = synth.generate(N, 11)
    pd.testing.assert_frame_equal(leads, generated[0])
    pd.testing.assert_frame_equal(activities, generated[1])


def test_other_seed_other_frames(generated):
    leads, _ = synth.generate(N, 12)
    assert not leads.equals(generated[0])


def test_columns_and_types(generated):
    leads, activities = generated
    assert tuple(leads.columns) == synth.LEAD_COLUMNS
    assert tuple(activities.columns) == synth.ACTIVITY_COLUMNS
    assert len(leads) == N and leads["lead_id"].is_unique
    assert leads["lead_id"].dtype == np.int64 and activities["lead_id"].dtype == np.int64
    for column in ("created_at", "scored_at"):
        assert pd.api.types.is_datetime64_any_dtype(leads[column])
    assert pd.api.types.is_datetime64_any_dtype(activities["occurred_at"])
    for column in ("company", "industry", "employees", "job_title", "country", "lead_source"):
        assert pd.api.types.is_string_dtype(leads[column]), column
    assert str(leads["accepted"].dtype) == "boolean" and leads["converted"].dtype == bool
    assert str(leads["annual_revenue"].dtype) == "Int64" and str(leads["won_amount"].dtype) == "Int64"
    assert set(activities["activity"]) == set(synth.ACTIVITIES)
    assert set(leads["lead_source"]) == set(synth.LEAD_SOURCES)
    assert set(activities["lead_id"]) <= set(leads["lead_id"])


def test_about_ten_activities_per_lead(generated):
    leads, activities = generated
    assert 8 <= len(activities) / len(leads) <= 12


def test_dates_span(generated):
    leads, activities = generated
    assert (leads["scored_at"] > leads["created_at"]).all()
    assert leads["created_at"].max() - leads["created_at"].min() >= pd.Timedelta(days=18 * 30)
    occurred = activities["occurred_at"]
    assert occurred.max() - occurred.min() >= pd.Timedelta(days=365)
    scored = activities["lead_id"].map(leads.set_index("lead_id")["scored_at"])
    late = (occurred > scored).mean()
    assert 0.005 < late < 0.05  # mostly before the hand-over, a few after


def test_outcomes_consistent(generated):
    leads, _ = generated
    assert leads["accepted"].isna().any() and leads["accepted"].notna().any()
    assert not (leads["converted"] & (leads["accepted"] != True)).any()  # noqa: E712
    assert (leads["won_amount"].notna() == leads["converted"]).all()
    assert (leads["won_amount"].dropna() > 0).all()


def test_messiness_present(generated):
    leads, _ = generated
    for column in ("industry", "employees", "job_title", "country", "annual_revenue", "total_visits"):
        assert 0 < leads[column].isna().mean() < 0.15, column
    text = leads[["industry", "job_title", "country"]]
    assert (text == "n/a").any().all()
    assert (text.apply(lambda c: c.str.strip()) != text).fillna(False).any().all()  # stray spaces
    assert leads["industry"].str.islower().fillna(False).any()  # mixed case
    countries = set(leads["country"].dropna().str.strip())
    assert {"US", "United States", "GB", "UK"} <= countries
    assert leads["employees"].str.fullmatch(r"\d{1,3}(,\d{3})+").fillna(False).any()
    assert "n/a" in set(leads["employees"].dropna())


def test_fields_follow_sources(generated):
    """Referrals fit better than purchased lists; trade-show leads show less intent than web forms."""
    leads, activities = generated
    by_source = leads.groupby("lead_source")
    accepted = by_source["accepted"].mean()
    assert accepted["referral"] > accepted["purchased list"]
    demos = activities[activities["activity"] == "demo_request"]["lead_id"]
    demo_rate = leads["lead_id"].isin(demos).groupby(leads["lead_source"]).mean()
    assert demo_rate["web form"] > demo_rate["trade show"]


def test_csv_and_parquet_written_reproducibly(tmp_path):
    for fmt in synth.FORMATS:
        first = synth.write(200, 5, tmp_path / f"a_{fmt}", fmt)
        second = synth.write(200, 5, tmp_path / f"b_{fmt}", fmt)
        for one, two in zip(first, second, strict=True):
            assert one.read_bytes() == two.read_bytes()
    leads = load_leads(tmp_path / "a_csv" / "leads.csv")
    assert len(leads) == 200 and list(leads.columns) == list(synth.LEAD_COLUMNS)
    assert load_leads(tmp_path / "a_parquet" / "leads.parquet")["lead_id"].tolist() == list(
        synth.generate(200, 5)[0]["lead_id"]
    )


@pytest.mark.parametrize("argv", [
    ["--leads", "0", "--seed", "1", "--out", "x"],
    ["--leads", "ten", "--seed", "1", "--out", "x"],
    ["--leads", "5", "--seed", "-1", "--out", "x"],
    ["--seed", "1", "--out", "x"],
    ["--leads", "5", "--seed", "1", "--out", "x", "--format", "xlsx"],
])
def test_cli_bad_usage_is_one_line_exit_2(argv, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        synth.main([*argv[:-1], str(tmp_path / argv[-1])] if argv[-2] == "--out" else argv)
    assert exited.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_cli_as_a_module_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "scoring.tools.synth", "--leads", "many"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    assert synth.main(["--leads", "5", "--seed", "1", "--out", str(not_a_dir)]) == 2


def test_cli_writes_files(tmp_path):
    assert synth.main(["--leads", "20", "--seed", "3", "--out", str(tmp_path), "--format", "parquet"]) == 0
    assert (tmp_path / "leads.parquet").exists() and (tmp_path / "activities.parquet").exists()


def test_sample_data_is_large_enough():
    leads = pd.read_csv(SAMPLE / "leads.csv")
    activities = pd.read_csv(SAMPLE / "activities.csv")
    assert len(leads) >= 5000 and len(activities) >= 50_000
    size = (SAMPLE / "leads.csv").stat().st_size + (SAMPLE / "activities.csv").stat().st_size
    assert size < 10 * 2**20


def test_sample_data_populates_the_matrix(sample_scored):
    cells = sample_scored.groupby("rating")
    assert cells.ngroups >= 12
    assert (cells["decided"].sum() > 0).sum() >= 12  # decisions in (nearly) every cell


def test_sample_data_acceptance_follows_the_rating(sample_scored):
    sales = sample_scored["action"] == "sales"
    assert _acceptance(sample_scored[sales]) > _acceptance(sample_scored[~sales]) + 0.15
    a_sales = sample_scored[sales & (sample_scored["profile_grade"] == "A")]
    d_row = sample_scored[sample_scored["profile_grade"] == "D"]
    assert _acceptance(a_sales) > _acceptance(d_row) + 0.3
    by_rating = sample_scored.groupby("rating")["accepted"].mean()
    assert by_rating["A1"] == by_rating.max() and by_rating["D4"] < 0.25
