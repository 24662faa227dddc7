"""The Export page, driven through AppTest: every download carries what ``scoring`` writes
under a clean file name, the SQL shown is ``scoring.sql``'s for the chosen dialect and
table names, the tables and columns listed are the ones the query reads, and an export
that cannot be built is one ``st.error`` line with the model kept.

The files behind the download buttons are read from the media storage of AppTest's mock
runtime (recorded by ``downloads``; AppTest itself only exposes the button's URL)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryFile, MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import scoring
from scoring.sql import DIALECTS, SqlOptions, export_sql
from scoring.sql.dbt import dbt_model
from scoring.sql.inputs import tables_read
from ui import state

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO / "configs" / "default.yaml"
DEFAULT_MODEL = scoring.load_model(DEFAULT_PATH)
EXPORT = "ui/pages/export.py"
SLUG = "b2b-saas-inbound-default"  # of "B2B SaaS inbound (default)"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, MemoryFile]:
    """File id -> file, for every file a run hands to a download button."""
    files: dict[str, MemoryFile] = {}

    class RecordingStorage(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None) -> str:
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            files[file_id] = self._files_by_id[file_id]
            return file_id

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    return files


def _export_page(open_app) -> AppTest:
    at = open_app()
    at.switch_page(EXPORT).run()
    assert not at.exception, at.exception
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _download(at: AppTest, files: dict[str, MemoryFile], key: str) -> tuple[str, bytes]:
    button = at.download_button(key=key)
    assert not button.proto.disabled, f"{key} is disabled"
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return files[file_id].filename, files[file_id].content


def _sql_shown(at: AppTest) -> list[str]:
    """The SQL code blocks, each with the final newline ``st.code`` drops put back."""
    return [code.value + "\n" for code in at.code if code.proto.language == "sql"]


def _reads_listed(at: AppTest) -> list[tuple[str, str, str, str]]:
    [frame] = at.dataframe
    return [tuple(row) for row in frame.value[["table", "holds", "column", "model field"]].itertuples(index=False)]


def _expected_rows(model: scoring.LeadModel, options: SqlOptions) -> list[tuple[str, str, str, str]]:
    return [(read.table, read.role, column.column, ", ".join(column.fields))
            for read in tables_read(model, options) for column in read.columns]


def test_model_files_download_under_clean_names(open_app, downloads):
    at = _export_page(open_app)
    # the model as loaded downloads as its own file, comments and all
    assert _download(at, downloads, "download_yaml") == (f"{SLUG}.yaml", DEFAULT_PATH.read_bytes())
    assert _download(at, downloads, "download_json") == (f"{SLUG}.json",
                                                         scoring.dump_model_json(DEFAULT_MODEL).encode())
    name, raw = _download(at, downloads, "download_schema")
    assert name == "leadgrid-model.schema.json" and json.loads(raw) == scoring.model_json_schema()


def test_sql_shown_and_downloaded_is_scoring_sql_for_each_dialect(open_app, downloads):
    at = _export_page(open_app)
    assert at.selectbox(key="export_dialect").value == "duckdb"
    for dialect in DIALECTS:
        at.selectbox(key="export_dialect").set_value(dialect)
        _run(at)
        expected = export_sql(DEFAULT_MODEL, dialect, SqlOptions(as_of="now"))
        assert _sql_shown(at) == [expected], dialect
        assert _download(at, downloads, "download_sql") == (f"{SLUG}-{dialect}.sql", expected.encode())
        name, raw = _download(at, downloads, "download_dbt")
        assert name == f"{SLUG}-dbt-{dialect}.zip"
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            project = dbt_model(DEFAULT_MODEL, dialect, SqlOptions(as_of="now"))
            assert archive.read("leadgrid/lead_scores.sql").decode() == project.sql
            assert archive.read("leadgrid/schema.yml").decode() == project.schema_yml
    assert not at.error


def test_table_names_change_the_sql_and_the_tables_listed(open_app, downloads):
    at = _export_page(open_app)
    # the default model read by hand from configs/default.yaml: id, hand-over time, the five
    # profile fields and total_visits; the activities: id, type, moment
    assert _reads_listed(at) == [
        ("leads", "leads", column, column) for column in (
            "lead_id", "scored_at", "industry", "employees", "annual_revenue", "job_title", "country",
            "total_visits")] + [("activities", "activities", column, column)
                                for column in ("lead_id", "activity", "occurred_at")]

    at.selectbox(key="export_dialect").set_value("snowflake")
    at.text_input(key="export_leads_table").set_value("crm.leads")
    at.text_input(key="export_activities_table").set_value("crm.events")
    _run(at)
    options = SqlOptions(leads_table="crm.leads", activities_table="crm.events", as_of="now")
    [shown] = _sql_shown(at)
    assert shown == export_sql(DEFAULT_MODEL, "snowflake", options) != export_sql(DEFAULT_MODEL, "snowflake", SqlOptions(as_of="now"))
    assert 'FROM "crm"."leads"' in shown and 'FROM "crm"."events"' in shown
    assert _reads_listed(at) == _expected_rows(DEFAULT_MODEL, options)
    assert {row[0] for row in _reads_listed(at)} == {"crm.leads", "crm.events"}
    # dbt refs are plain model names: no zip for crm.leads, and the page says why
    assert at.download_button(key="download_dbt").proto.disabled
    assert any(caption.value.startswith("No dbt model: leads ref 'crm.leads'") for caption in at.caption)

    at.text_input(key="export_leads_table").set_value("stg_leads")
    at.text_input(key="export_activities_table").set_value("stg_activities")
    _run(at)
    name, raw = _download(at, downloads, "download_dbt")
    assert name == f"{SLUG}-dbt-snowflake.zip"
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sql = archive.read("leadgrid/lead_scores.sql").decode()
    assert "{{ ref('stg_leads') }}" in sql and "{{ ref('stg_activities') }}" in sql

    at.checkbox(key="export_has_activities").uncheck()
    at.checkbox(key="export_has_scored_at").uncheck()
    _run(at)
    options = SqlOptions(leads_table="stg_leads", activities_table=None, scored_at=False, as_of="now")
    assert _sql_shown(at) == [export_sql(DEFAULT_MODEL, "snowflake", options)]
    assert [row[2] for row in _reads_listed(at)] == [
        "lead_id", "industry", "employees", "annual_revenue", "job_title", "country", "total_visits"]
    assert at.text_input(key="export_activities_table").disabled
    assert ("No activities table is read: activity entries count nothing; field entries still do."
            in [caption.value for caption in at.caption])


def test_columns_listed_follow_the_models_column_mapping(open_app):
    at = _export_page(open_app)
    mapped = DEFAULT_MODEL.model_copy(update={"columns": scoring.model.schema.ColumnMap(
        leads={"lead_id": "id", "industry": "Branche"}, activities={"occurred_at": "ts"})})
    at.session_state[state.MODEL] = mapped
    _run(at)
    rows = _reads_listed(at)
    assert rows[:3] == [("leads", "leads", "id", "lead_id"), ("leads", "leads", "scored_at", "scored_at"),
                        ("leads", "leads", "Branche", "industry")]
    assert rows[-3:] == [("activities", "activities", "lead_id", "lead_id"),
                         ("activities", "activities", "activity", "activity"),
                         ("activities", "activities", "ts", "occurred_at")]
    assert rows == _expected_rows(mapped, SqlOptions(as_of="now"))
    assert _sql_shown(at) == [export_sql(mapped, "duckdb", SqlOptions(as_of="now"))]


def test_a_table_name_the_sql_cannot_use_is_one_error_and_the_model_is_kept(open_app):
    at = _export_page(open_app)
    history = at.session_state[state.HISTORY][:]
    at.text_input(key="export_leads_table").set_value("a.b.c.d")
    _run(at)
    assert [error.value for error in at.error] == [
        "The SQL cannot be built: table name 'a.b.c.d': give table, schema.table or catalog.schema.table"]
    assert _sql_shown(at) == [] and not at.dataframe
    assert at.session_state[state.MODEL] == DEFAULT_MODEL and at.session_state[state.HISTORY] == history
    assert not at.download_button(key="download_yaml").proto.disabled  # the model files still download

    at.text_input(key="export_leads_table").set_value("  ")
    _run(at)
    assert [error.value for error in at.error] == [
        "The SQL cannot be built: table name '': give table, schema.table or catalog.schema.table"]


def test_a_model_too_big_to_write_is_one_error_and_the_sql_still_shows(open_app):
    at = _export_page(open_app)
    huge = DEFAULT_MODEL.model_copy(update={"description": "x" * (1024 * 1024)})
    with pytest.raises(scoring.ModelError) as raised:
        scoring.dump_model(huge)
    at.session_state[state.MODEL] = huge
    _run(at)
    errors = [error.value for error in at.error]
    assert errors == [f"The model cannot be written: {raised.value}"]  # the YAML's reason, one line
    assert "\n" not in errors[0]
    assert at.download_button(key="download_yaml").proto.disabled
    assert at.download_button(key="download_json").proto.disabled
    assert not [code for code in at.code if code.proto.language == "yaml"]
    assert _sql_shown(at) == [export_sql(huge, "duckdb", SqlOptions(as_of="now"))]
    assert at.session_state[state.MODEL] is huge


def test_the_other_sections_stay(open_app):
    at = _export_page(open_app)
    assert [subheader.value for subheader in at.subheader] == [
        "What changed since it was loaded", "Download the model", "SQL for production",
        "Continue from a saved model", "Drafts"]
    assert "Nothing yet: this is the model as it was loaded." in [caption.value for caption in at.caption]
    assert at.file_uploader(key="export_model_file") is not None


def test_an_as_of_moment_goes_into_the_sql_and_a_bad_one_is_one_error(open_app):
    at = _export_page(open_app)
    at.text_input(key="export_as_of").set_value("2026-06-30")
    _run(at)
    assert _sql_shown(at) == [export_sql(DEFAULT_MODEL, "duckdb", SqlOptions(as_of="2026-06-30"))]
    assert _sql_shown(at) != [export_sql(DEFAULT_MODEL, "duckdb", SqlOptions(as_of="now"))]
    at.text_input(key="export_as_of").set_value("next Tuesday")
    _run(at)
    errors = [error.value for error in at.error]
    assert len(errors) == 1 and errors[0].startswith("The SQL cannot be built:") and "next Tuesday" in errors[0]
    assert _sql_shown(at) == [] and at.session_state[state.MODEL] == DEFAULT_MODEL
