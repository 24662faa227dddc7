"""What the exported query reads (``scoring.sql.inputs.tables_read``), listed by hand for a
small model with a column mapping, and the dbt export as one zip archive."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
import yaml

from scoring import validate_model
from scoring.sql import DIALECTS, SqlOptions, build_query
from scoring.sql.dbt import dbt_model
from scoring.sql.inputs import ColumnRead, TableRead, tables_read

SMALL = {
    "schema_version": 1,
    "name": "Small",
    "columns": {"leads": {"lead_id": "id", "industry": "Branche"},
                "activities": {"lead_id": "lead", "occurred_at": "ts"}},
    "profile": {
        "categories": [
            {"id": "industry", "field": "industry", "weight": 50,
             "rules": [{"match": {"in": ["Software"]}, "value": 100}]},
            {"id": "size", "field": "employees", "weight": 30, "rules": [{"match": {"gte": 1000}, "value": 100}]},
            {"id": "sector", "field": "industry", "weight": 20,  # the same column again: read once
             "rules": [{"match": {"contains_any": ["bank"]}, "value": 100}]},
        ],
        "grades": {"A": 75, "B": 50, "C": 25, "D": 0},
    },
    "engagement": {
        "recency": {"half_life_days": 30},
        "activities": [
            {"id": "demo", "activity": "demo_request", "points": 40},
            {"id": "visits", "field": "total_visits", "rules": [{"match": {"gte": 3}, "value": 8}]},
        ],
        "grades": {"1": 60, "2": 35, "3": 15, "4": 0},
    },
    "routing": {"default": {"action": "nurture"}},
}
MODEL = validate_model(SMALL)

# by hand: lead id, hand-over time, then the rules' columns in model order, each once, under
# the mapped names; the activities table: id, type, moment
LEADS_READ = TableRead("leads", "leads", (
    ColumnRead("id", ("lead_id",)),
    ColumnRead("scored_at", ("scored_at",)),
    ColumnRead("Branche", ("industry",)),
    ColumnRead("employees", ("employees",)),
    ColumnRead("total_visits", ("total_visits",)),
))
ACTIVITIES_READ = TableRead("activities", "activities", (
    ColumnRead("lead", ("lead_id",)),
    ColumnRead("activity", ("activity",)),
    ColumnRead("ts", ("occurred_at",)),
))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tables_read_lists_the_mapped_columns_of_both_tables(dialect):
    assert tables_read(MODEL, dialect=dialect) == [LEADS_READ, ACTIVITIES_READ]


def test_tables_read_follows_the_options():
    options = SqlOptions(leads_table="crm.leads", activities_table=None, scored_at=False)
    [leads] = tables_read(MODEL, options)
    assert leads.table == "crm.leads"
    assert leads.column_names == ("id", "Branche", "employees", "total_visits")

    options = SqlOptions(leads_table="crm.leads", activities_table="crm.events", scored_at=False, as_of="now")
    leads, activities = tables_read(MODEL, options, query=build_query(MODEL, "duckdb", options))
    assert leads.column_names == ("id", "Branche", "employees", "total_visits")
    assert (activities.table, activities.column_names) == ("crm.events", ("lead", "activity", "ts"))


def test_tables_read_with_a_mapping_override_and_without_activity_entries():
    options = SqlOptions(mapping={"leads": {"employees": "headcount"}})
    assert tables_read(MODEL, options)[0].column_names == ("id", "scored_at", "Branche", "headcount", "total_visits")

    data = copy.deepcopy(SMALL)
    data["engagement"]["activities"] = data["engagement"]["activities"][1:]  # only the field entry
    # no activity counts: neither the activities table nor scored_at (it only ages activities)
    assert tables_read(validate_model(data)) == [TableRead("leads", "leads", (
        ColumnRead("id", ("lead_id",)), ColumnRead("Branche", ("industry",)),
        ColumnRead("employees", ("employees",)), ColumnRead("total_visits", ("total_visits",))))]


def test_two_fields_mapped_to_one_column_are_both_named():
    data = copy.deepcopy(SMALL)
    data["columns"]["leads"]["employees"] = "Branche"
    [leads, _] = tables_read(validate_model(data))
    assert leads.columns == (ColumnRead("id", ("lead_id",)), ColumnRead("scored_at", ("scored_at",)),
                             ColumnRead("Branche", ("industry", "employees")),
                             ColumnRead("total_visits", ("total_visits",)))


def test_dbt_zip_holds_the_two_files_in_one_folder_and_is_reproducible():
    project = dbt_model(MODEL, "snowflake", SqlOptions(as_of="now"), leads_ref="stg_leads", activities_ref="stg_activities")
    raw = project.zip_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.namelist() == ["leadgrid/lead_scores.sql", "leadgrid/schema.yml"]
        assert archive.read("leadgrid/lead_scores.sql").decode() == project.sql
        assert archive.read("leadgrid/schema.yml").decode() == project.schema_yml
        assert "{{ ref('stg_leads') }}" in project.sql
    assert project.zip_bytes() == raw  # fixed file times: the same model, the same bytes
    with zipfile.ZipFile(io.BytesIO(project.zip_bytes("models"))) as archive:
        assert archive.namelist() == ["models/lead_scores.sql", "models/schema.yml"]


def test_where_columns_are_read_from_the_activities_table_under_their_mapped_names():
    data = copy.deepcopy(SMALL)
    data["columns"]["activities"]["lifecycle"] = "Stage"
    data["engagement"]["activities"] += [
        {"id": "done", "activity": "task", "points": 5, "where": {"lifecycle": ["COMPLETE"], "team": ["x"]}},
        {"id": "started", "activity": "task", "points": 1, "where": {"lifecycle": ["START"]}}]  # read once
    model = validate_model(data)
    [_, activities] = tables_read(model)
    assert activities.columns == (*ACTIVITIES_READ.columns, ColumnRead("Stage", ("lifecycle",)),
                                  ColumnRead("team", ("team",)))
    project = dbt_model(model, options=SqlOptions(as_of="now"), activities_ref="stg_activities")
    reads = yaml.safe_load(project.schema_yml)["models"][0]["config"]["meta"]["leadgrid_reads"]
    assert reads == {"leads": ["id", "scored_at", "Branche", "employees", "total_visits"],
                     "stg_activities": ["lead", "activity", "ts", "Stage", "team"]}
