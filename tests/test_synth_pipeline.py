"""The after-hand-over columns of the generator (scoring.tools.synth_pipeline) and the sample data:
the columns that existed before are byte for byte what they were, and the new ones follow
the outcomes and the sources the way real pipelines do."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest

from scoring.tools import synth
from scoring.tools.synth_pipeline import PIPELINE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
# md5 of sample_data/leads.csv before the pipeline columns were added (commit 375a2cd)
LEADS_BEFORE_MD5 = "dfe83fcd43c97443bea6a0a3482c4508"
ACTIVITIES_MD5 = "764ec698348601bd4730aa10bfafd084"


def test_existing_columns_are_byte_identical():
    text = (SAMPLE / "leads.csv").read_bytes().decode()
    lines = text.splitlines(keepends=True)
    old_width = len(synth.LEAD_COLUMNS) - len(PIPELINE_COLUMNS)
    before = []
    for line in lines:
        fields = next(csv.reader([line]))
        assert len(fields) == len(synth.LEAD_COLUMNS)
        cut = line.rstrip("\n")
        for _ in PIPELINE_COLUMNS:  # the new fields are unquoted timestamps or quoted text without commas
            cut = cut[:cut.rindex(",")]
        assert next(csv.reader([cut])) == fields[:old_width]
        before.append(cut + "\n")
    assert hashlib.md5("".join(before).encode()).hexdigest() == LEADS_BEFORE_MD5
    assert hashlib.md5((SAMPLE / "activities.csv").read_bytes()).hexdigest() == ACTIVITIES_MD5


def test_sample_data_regenerates_byte_identical(tmp_path):
    leads, activities = synth.write(6000, 2026, tmp_path)
    assert leads.read_bytes() == (SAMPLE / "leads.csv").read_bytes()
    assert activities.read_bytes() == (SAMPLE / "activities.csv").read_bytes()


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    return pd.read_csv(io.StringIO((SAMPLE / "leads.csv").read_text()), keep_default_na=False, na_values=[""])


def test_columns_agree_with_the_outcomes(leads):
    stage = leads["lifecycle_stage"].str.strip().str.lower()
    accepted = leads["accepted"] == True  # noqa: E712
    rejected = leads["accepted"] == False  # noqa: E712
    assert (leads["accepted_at"].notna() == accepted).all()
    assert (leads["won_at"].notna() == leads["converted"]).all()
    assert stage[rejected].isin(["rejected", "recycled", "on hold"]).all()
    assert stage[leads["converted"]].isin(["customer", "on hold"]).all()
    assert leads["rejection_reason"].notna().sum() == pytest.approx(0.9 * rejected.sum(), rel=0.05)
    assert not leads.loc[~rejected, "rejection_reason"].notna().any()


def test_first_touches_miss_some_slas_and_sources_differ(leads):
    hours = (pd.to_datetime(leads["first_touch_at"]) - pd.to_datetime(leads["scored_at"])).dt.total_seconds() / 3600
    touched = hours.notna()
    assert 0.1 < (hours[touched] > 24).mean() < 0.5
    assert 0 < (hours < 0).sum() < 30  # a few touches dated before the hand-over
    reasons = leads[leads["rejection_reason"].notna()]
    bad_contact = reasons["rejection_reason"].str.strip().str.lower().eq("bad contact data")
    by_source = bad_contact.groupby(reasons["lead_source"]).mean()
    assert by_source["purchased list"] > 2 * by_source["referral"]
