"""Step 5: take the agreed model out (YAML, JSON, JSON Schema, SQL per dialect, a dbt model),
see the SQL and what it reads, or bring a saved model back in."""

import json
from collections.abc import Callable

import streamlit as st

import scoring
from scoring.formatting import file_slug
from scoring.model.diff import describe_changes
from scoring.sql import DIALECTS, TESTED_DIALECTS, ExportError, SqlOptions, export_sql
from scoring.sql.dbt import ZIP_FOLDER, dbt_model
from scoring.sql.inputs import TableRead, tables_read
from ui import drafts, state, widgets

DIALECT_NAMES = {"duckdb": "DuckDB", "postgres": "PostgreSQL", "spark": "Spark SQL", "snowflake": "Snowflake",
                 "bigquery": "BigQuery", "tsql": "T-SQL (SQL Server)"}
# this page's widget keys (kept while the model changes, unlike the model's own w: keys)
DIALECT = "export_dialect"
LEADS_TABLE = "export_leads_table"
ACTIVITIES_TABLE = "export_activities_table"
HAS_ACTIVITIES = "export_has_activities"
HAS_SCORED_AT = "export_has_scored_at"
AS_OF = "export_as_of"


def _written(write: Callable[[scoring.LeadModel], str], model: scoring.LeadModel) -> tuple[str | None, str | None]:
    """The model written by ``write``, or the one-line reason it cannot be."""
    try:
        return write(model), None
    except scoring.LeadGridError as error:
        return None, str(error)


@st.cache_data(show_spinner="Compiling the model to SQL…", max_entries=32)
def _sql_export(model_key: str, _model: scoring.LeadModel, dialect: str, options: SqlOptions
                ) -> tuple[str, list[TableRead], bytes | None, str | None]:
    """The query text, the tables and columns it reads, and the dbt folder as a zip (or why
    there is none). ``model_key`` is the model's JSON: what the cache tells models apart by."""
    sql = export_sql(_model, dialect, options)
    reads = tables_read(_model, options, dialect)
    try:
        dbt = dbt_model(_model, dialect, SqlOptions(activities_table=options.activities_table,
                                                    scored_at=options.scored_at, as_of=options.as_of),
                        leads_ref=options.leads_table, activities_ref=options.activities_table or "activities")
    except ExportError as error:
        return sql, reads, None, str(error)
    return sql, reads, dbt.zip_bytes(), None


st.title("5 · Export: take the model to production")
model = state.model()
slug = file_slug(model.name)

st.subheader("What changed since it was loaded")
changes = describe_changes(state.baseline(), model)
if changes:
    st.markdown("\n".join(f"- {change}" for change in changes))
else:
    st.caption("Nothing yet: this is the model as it was loaded.")

st.subheader("Download the model")
yaml_text, yaml_error = _written(lambda edited: scoring.dump_model(edited, like=state.baseline_text()), model)
json_text, json_error = _written(scoring.dump_model_json, model)
if yaml_error or json_error:  # one line: the YAML's reason (the canonical file), else the JSON's
    st.error(f"The model cannot be written: {yaml_error or json_error}")
cols = st.columns(3)
cols[0].download_button("Model (YAML)", yaml_text or "", file_name=f"{slug}.yaml", mime="application/x-yaml",
                        key="download_yaml", type="primary", icon=":material/description:", on_click="ignore",
                        disabled=yaml_text is None,
                        help="The canonical file: score with `leadgrid score --model` or load it here again.")
cols[1].download_button("Model (JSON)", json_text or "", file_name=f"{slug}.json", mime="application/json",
                        key="download_json", icon=":material/data_object:", on_click="ignore",
                        disabled=json_text is None, help="The same model as JSON, valid against the JSON Schema.")
cols[2].download_button("JSON Schema", json.dumps(scoring.model_json_schema(), indent=2) + "\n",
                        file_name="leadgrid-model.schema.json", mime="application/json", key="download_schema",
                        icon=":material/schema:", on_click="ignore",
                        help="For validating the JSON model in other systems.")
if yaml_text is not None:
    with st.expander("Show the YAML"):
        st.code(yaml_text, language="yaml")

st.subheader("SQL for production")
st.caption("One `SELECT` that scores every lead where the leads live, exactly as the preview does: "
           "it returns lead_id, both scores and grades, the rating, the action and the SLA. "
           "DuckDB, PostgreSQL and Spark are proven equal to the preview by the test suite.")
dialect_col, leads_col, activities_col = st.columns([2, 3, 3])
dialect = dialect_col.selectbox(
    "Dialect", DIALECTS, key=DIALECT, format_func=lambda name: DIALECT_NAMES.get(name, name),
    help=f"Run against a real engine by the test suite: {', '.join(DIALECT_NAMES[d] for d in TESTED_DIALECTS)}; "
         "the others are checked to parse back in their dialect.")
leads_table = leads_col.text_input("Leads table", "leads", key=LEADS_TABLE,
                                   help="table, schema.table or catalog.schema.table; for dbt, the model to ref()")
has_activities = st.session_state.get(HAS_ACTIVITIES, True)
activities_table = activities_col.text_input("Activities table", "activities", key=ACTIVITIES_TABLE,
                                             disabled=not has_activities,
                                             help="The activity rows: lead_id, activity, occurred_at.")
flags = st.columns(3)
flags[0].checkbox("There is an activities table", True, key=HAS_ACTIVITIES,
                  help="Without one, activity entries count nothing (field entries still do).")
has_scored_at = flags[1].checkbox("The leads table has scored_at", True, key=HAS_SCORED_AT,
                                  help="The hand-over moment each lead's activities are aged from; without it "
                                       "every lead is aged from the as-of below.")
as_of = flags[2].text_input(
    "As of", "now", key=AS_OF, placeholder="now, or a date", disabled=not has_activities,
    help="When leads without scored_at are evaluated: now (the time each run of the query starts, "
         "CURRENT_TIMESTAMP: what a nightly job wants) or a fixed moment (2026-06-30, 2026-06-30 12:00 UTC), "
         "as `leadgrid export --as-of`. Never the latest activity of the data.")
options = SqlOptions(leads_table=leads_table.strip(),
                     activities_table=activities_table.strip() if has_activities else None,
                     scored_at=has_scored_at, as_of=as_of.strip() or None)
try:
    sql, reads, dbt_zip, dbt_problem = _sql_export(model.model_dump_json(), model, dialect, options)
except (ExportError, scoring.LeadGridError) as error:
    st.error(f"The SQL cannot be built: {error}")
    st.caption("The model being edited is unchanged.")
else:
    sql_col, dbt_col = st.columns(2)
    sql_col.download_button(f"SQL for {DIALECT_NAMES[dialect]}", sql, file_name=f"{slug}-{dialect}.sql",
                            mime="application/sql", key="download_sql", type="primary", on_click="ignore",
                            icon=":material/database:", help="The scoring query, to run in a UTC session.")
    dbt_col.download_button(f"dbt model for {DIALECT_NAMES[dialect]} (zip)", dbt_zip or b"",
                            file_name=f"{slug}-dbt-{dialect}.zip", mime="application/zip", key="download_dbt",
                            on_click="ignore", icon=":material/folder_zip:", disabled=dbt_zip is None,
                            help=f"Unzip into your dbt project's models/ (it holds {ZIP_FOLDER}/lead_scores.sql "
                                 "and schema.yml with tests), then `dbt build --select lead_scores`.")
    if dbt_problem:
        dbt_col.caption(f"No dbt model: {dbt_problem} (the table names are what it passes to ref()).")
    st.markdown("**What the query reads**")
    st.dataframe([{"table": read.table, "holds": read.role, "column": column.column,
                   "model field": ", ".join(column.fields)} for read in reads for column in read.columns],
                 hide_index=True)
    if not has_activities:
        st.caption("No activities table is read: activity entries count nothing; field entries still do.")
    elif not any(read.role == "activities" for read in reads):
        st.caption("No activities table is read: no activity entry of this model counts activities.")
    st.caption("Nothing else is read: outcome columns (accepted, converted, won amount) never reach the query.")
    st.code(sql, language="sql", height=420)

st.subheader("Continue from a saved model")
widgets.model_upload("export")

st.subheader("Drafts")
st.caption(f"Every change is saved as you go to `{drafts.store().folder}`. "
           "Reopen a draft after a restart; the link in the address bar reopens this one.")
widgets.draft_list(exclude=st.session_state[state.DRAFT_ID])
