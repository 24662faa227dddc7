"""A starting model drafted from the sample data and each public dataset: it validates,
reads back as itself, scores the same in the engine and in the exported DuckDB SQL, never
scores on an id, a date or an outcome column (nor the columns each dataset's SOURCE.md
warns leak the outcome), and its to-sales set converts better than the rest."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql_cases import RUN_AS_OF, assert_same_scores, expected_scores, load_duckdb

from scoring.data.datasets import CATALOGUE
from scoring.design.draft import draft_model
from scoring.design.report import draft_lines
from scoring.design.roles import looks_like_dates, outcome_candidates
from scoring.model.files import dump_model, parse_model
from scoring.model.schema import WEIGHT_TOTAL
from scoring.sql import SqlOptions, export_sql

# what each dataset's SOURCE.md says is known only after the outcome (or is the outcome)
LEAKS = {
    "sample": {"accepted", "converted", "won_amount", "lifecycle_stage", "rejection_reason"},
    "x_education_leads": {"Tags", "Lead Quality", "Last Notable Activity", "Lead Profile", "Converted",
                          "Asymmetrique Activity Index", "Asymmetrique Profile Index",
                          "Asymmetrique Activity Score", "Asymmetrique Profile Score"},
    "bank_marketing": {"duration", "y", "converted"},
    "olist_marketing_funnel": {"won_at", "converted"},
    "maven_crm_sales": {"deal_stage", "won_amount", "closed_at", "converted"},
}


@pytest.fixture(scope="module", params=list(CATALOGUE))
def drafted(request):
    dataset = CATALOGUE[request.param]
    if not dataset.found_in(dataset.default_dir()):
        print(f"SKIP {dataset.key}: its files are not in {dataset.default_dir()}")
        pytest.skip(f"{dataset.key} not found")
    leads, activities = dataset.load()
    return dataset.key, leads, activities, draft_model(leads, activities)


def _criteria(draft) -> list[str]:
    mapping = draft.model.column_mapping()["leads"]
    return [mapping.get(field, field) for field in draft.model.lead_fields()]


def test_the_draft_is_valid_and_reads_back_as_itself(drafted):
    _, _, _, draft = drafted
    model = draft.model
    assert parse_model(dump_model(model)) == model
    assert sum(c.weight for c in model.profile.categories) == WEIGHT_TOTAL
    assert all(float(c.weight).is_integer() for c in model.profile.categories)
    assert model.sales_ratings()
    assert draft_lines(draft)[0] == "Columns:"


def test_the_draft_never_scores_on_an_id_a_date_an_outcome_or_a_leak(drafted):
    key, leads, _, draft = drafted
    outcomes = {guess.column for guess in outcome_candidates(leads)}
    for column in _criteria(draft):
        assert column in leads.columns
        assert column not in LEAKS[key] | outcomes | {"lead_id", draft.id_column}
        assert not looks_like_dates(leads[column]), column
        values = leads[column].dropna().astype(str)
        assert values.nunique() < 0.95 * len(values), f"{column} is id-like"


def test_the_draft_scores_the_same_in_duckdb_sql(drafted):
    _, leads, activities, draft = drafted
    model = draft.model
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    load_duckdb(con, "leads", leads)
    if activities is not None:
        load_duckdb(con, "activities", activities)
    options = SqlOptions(activities_table="activities" if activities is not None else None,
                         scored_at="scored_at" in leads.columns, as_of=RUN_AS_OF)
    got = con.execute(export_sql(model, "duckdb", options)).df()
    assert_same_scores(expected_scores(model, leads, activities), got)


def test_the_to_sales_set_converts_better_than_the_rest(drafted):
    key, _, _, draft = drafted
    sales = draft.sales
    print(f"{key}: to sales {sales.leads:,} leads, {sales.conversion_rate:.1%} converted against "
          f"{sales.rest_conversion_rate:.1%} of the rest: lift {draft.lift:.2f}")
    assert sales.leads > 0
    assert draft.lift > 1


def test_without_an_outcome_the_draft_has_rules_but_no_shares():
    leads, activities = CATALOGUE["sample"].load()
    leads = leads.drop(columns=["accepted", "converted"])
    draft = draft_model(leads, activities)
    assert draft.outcome is None and draft.sales is None
    assert all(rule.value == 0 for c in draft.model.profile.categories for rule in c.rules)
    assert parse_model(dump_model(draft.model)) == draft.model


def test_named_columns_override_the_suggestion():
    leads, _ = CATALOGUE["sample"].load()
    draft = draft_model(leads, None, profile=["industry"], engagement=["total_visits"])
    assert [c.field for c in draft.model.profile.categories] == ["industry"]
    assert [e.field for e in draft.model.field_entries] == ["total_visits"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(150, 400))
def test_weights_are_whole_and_sum_to_100_on_any_data(seed, n):
    rng = np.random.default_rng(seed)
    leads = pd.DataFrame({
        "lead_id": np.arange(1, n + 1),
        "region": rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "plan": rng.choice(["free", "pro", None], n),
        "seats": rng.integers(1, 500, n).astype(str),
    })
    lean = rng.uniform(0.05, 0.6, 4)
    chance = np.select([leads["region"] == r for r in ("north", "south", "east", "west")], lean)
    leads["converted"] = np.where(rng.random(n) < chance, "yes", "no")
    draft = draft_model(leads)
    weights = [c.weight for c in draft.model.profile.categories]
    assert sum(weights) == WEIGHT_TOTAL and all(w > 0 and float(w).is_integer() for w in weights)
    assert set(draft.weights.weights.values()) >= set(weights)
    assert parse_model(dump_model(draft.model)) == draft.model
    # each rule's share has the sign of its leads' rate minus the base rate, from the raw rows
    base = (leads["converted"] == "yes").mean()
    for proposal in draft.profile:
        for rule in proposal.rules:
            if "in" in rule.match:
                rows = leads[proposal.column].isin(rule.match["in"])
            elif "missing" in rule.match:
                rows = leads[proposal.column].isna()
            else:
                continue
            rate = (leads.loc[rows, "converted"] == "yes").mean()
            assert rule.share == 0 or np.sign(rule.share) == np.sign(rate - base)
