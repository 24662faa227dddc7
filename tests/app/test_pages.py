"""The designer, driven through Streamlit's AppTest: every page renders, edits change the
model (and the matrix), invalid edits and broken files are refused with the field path,
drafts survive a refresh, undo/redo work, and routing moves the headline.

AppTest quirk (Streamlit's, not the app's): with ``st.navigation``, what the main script
draws outside the page (the sidebar: headline, Undo/Redo) is only present in the tree of
a session's *first* run. Later runs and ``switch_page`` leave the sidebar empty in AppTest,
though a browser shows it. So the Undo/Redo clicks below happen on the first run of a new
AppTest that carries the session's state over (``_carry_over``); the tests for everything
else read pages and ``at.session_state`` directly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.datasets import SAMPLE
from scoring.engine import Scorer
from scoring.metrics import preview
from ui import state

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")
WINDOWS_YAML = REPO / "configs" / "windows.yaml"
_DEFAULT_TEXT = (REPO / "configs" / "default.yaml").read_text(encoding="utf-8")
_JOB_TITLE = "weight: 25\n      rules:\n        - {match: {contains_any: [student"
assert _DEFAULT_TEXT.count(_JOB_TITLE) == 1
NINETY_YAML = _DEFAULT_TEXT.replace(_JOB_TITLE, _JOB_TITLE.replace("25", "15")).encode()  # weights sum to 90

PAGES = {
    "ui/pages/data.py": "1 · Data: the historical leads",
    "ui/pages/profile.py": "2 · Profile: who is a good fit",
    "ui/pages/engagement.py": "3 · Engagement: how interested",
    "ui/pages/matrix.py": "4 · Matrix: who goes to sales",
    "ui/pages/export.py": "5 · Export: take the model to production",
    "ui/pages/calibrate.py": "6 · Calibrate: what the outcomes suggest",
    "ui/pages/compare.py": "7 · Compare: before and after",
    "ui/pages/drift.py": "8 · Drift: this quarter vs last",
    "ui/pages/funnel.py": "After hand-over: funnel, reasons, SLA, segments",
    "ui/pages/agreement.py": "9 · Agreement: version and sign-off",
}
SESSION_KEYS = (state.MODEL, state.BASELINE, state.UNDO, state.REDO, state.DRAFT_REVISION,
                state.HISTORY, state.DRAFT_ID, state.DATASET, state.UPLOADS)
APPLY_MAPPING = "FormSubmitter:mapping_form-Apply column mapping"
USE_FILES = "FormSubmitter:upload_form-Use these files"


# ----- helpers ---------------------------------------------------------------------------------

def _errors(at: AppTest) -> list[str]:
    return [element.value for element in at.error]


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _history(at: AppTest) -> list[str]:
    return [entry.text for entry in at.session_state[state.HISTORY]]


def _weights(model: scoring.LeadModel) -> dict[str, float]:
    return {category.id: category.weight for category in model.profile.categories}


def _page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _carry_over(at: AppTest, open_app) -> AppTest:
    """The same session on a fresh AppTest's first run, where the sidebar is in the tree."""
    fresh = open_app(draft=at.session_state[state.DRAFT_ID],
                     state={key: at.session_state[key] for key in SESSION_KEYS})
    assert not fresh.exception, fresh.exception
    return fresh


def _leads_csv(count: int) -> bytes:
    """A small leads file with the default model's columns (no activities, no dates)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["lead_id", "industry", "employees", "annual_revenue", "job_title", "country",
                     "total_visits", "accepted"])
    profiles = [("Software", 5000, 200_000_000, "CTO", "US", 25, "true"),
                ("Retail", 300, 30_000_000, "Marketing Manager", "FR", 9, "false"),
                ("Education", 20, 1_000_000, "Student", "BR", 1, "")]
    for index in range(count):
        writer.writerow([f"L{index:03d}", *profiles[index % len(profiles)]])
    return buffer.getvalue().encode()


# ----- 1. every page renders -------------------------------------------------------------------

@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders(open_app, path):
    at = open_app()
    assert not at.exception and not _errors(at)
    if path != "ui/pages/data.py":
        _page(at, path)
    assert not at.exception, at.exception
    assert not _errors(at)
    assert [title.value for title in at.title] == [PAGES[path]]


def test_first_run_shows_the_sidebar_headline_and_disabled_undo(open_app):
    at = open_app()
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.sidebar.markdown[0].value == f"### {DEFAULT_MODEL.name}"
    assert {"Leads to sales per month", "Accepted by sales"} <= set(_metrics(at))
    assert at.button(key="undo").disabled and at.button(key="redo").disabled


# ----- 2. weights -------------------------------------------------------------------------------

def test_weight_off_100_is_refused_then_rescaled_and_the_matrix_changes(open_app):
    at = open_app()
    before = at.session_state[state.MODEL]
    _page(at, "ui/pages/matrix.py")
    metrics_before = _metrics(at)
    matrix_before = at.session_state[state.PREVIEW_MEMO][1].matrix.copy()

    _page(at, "ui/pages/profile.py")
    at.slider(key="w:weight:industry").set_value(40.0).run()
    assert not at.exception
    assert any("weights must sum to 100; got 115" in error for error in _errors(at)), _errors(at)
    assert at.session_state[state.MODEL] == before  # nothing applied while the total is off
    assert at.session_state[state.UNDO] == []

    at.button(key="rescale_weights").click().run()
    assert not at.exception and not _errors(at)
    weights = _weights(at.session_state[state.MODEL])
    assert weights["industry"] == 40
    assert sum(weights.values()) == pytest.approx(100)
    # the others keep their proportions (20:15:25:15 of the remaining 60)
    assert weights == {"industry": 40, "company_size": 16, "revenue": 12, "job_title": 20, "country": 12}
    assert [s.value for s in at.success] == ["Weights total 100 %."]
    assert _history(at)[-1].startswith("Industry weight 25 → 40")
    assert len(at.session_state[state.UNDO]) == 1

    _page(at, "ui/pages/matrix.py")
    matrix_after = at.session_state[state.PREVIEW_MEMO][1].matrix
    assert not matrix_after["leads"].equals(matrix_before["leads"])
    assert _metrics(at) != metrics_before
    assert matrix_after["leads"].sum() == matrix_before["leads"].sum()  # same leads, other cells


def test_weights_that_make_100_apply_at_once(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    at.slider(key="w:weight:industry").set_value(30.0).run()
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    at.slider(key="w:weight:country").set_value(10.0).run()
    assert not at.exception and not _errors(at)
    weights = _weights(at.session_state[state.MODEL])
    assert (weights["industry"], weights["country"]) == (30, 10)
    assert _history(at)[-1] == "Industry weight 25 → 30; Country weight 15 → 10"


# ----- 3. thresholds ----------------------------------------------------------------------------

def test_profile_threshold_above_the_letter_above_is_refused(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    at.number_input(key="w:grade:B").set_value(80.0).run()
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith("profile.grades.B:"), errors
    assert "A is 70, B is 80" in errors[0]
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.UNDO] == []


def test_valid_profile_threshold_is_applied(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    at.number_input(key="w:grade:B").set_value(55.0).run()
    assert not at.exception and not _errors(at)
    assert at.session_state[state.MODEL].profile.grades.B == 55
    assert _history(at)[-1] == "Profile threshold B 50 → 55"


def test_engagement_threshold_above_the_number_above_is_refused(open_app):
    at = _page(open_app(), "ui/pages/engagement.py")
    at.number_input(key="w:engagement_grade:2").set_value(70.0).run()
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith("engagement.grades.2:"), errors
    assert "1 is 55, 2 is 70" in errors[0]
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.UNDO] == []


# ----- 4. export: loading a model file ----------------------------------------------------------

def _upload_model(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.file_uploader(key="export_model_file").set_value((name, raw, "application/x-yaml")).run()
    at.button(key="export_model_open").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("broken.yaml", b"name: x\nprofile:\n  categories: [\n  - id: a\n", "broken.yaml:4: not valid YAML"),
    ("ninety.yaml", NINETY_YAML,
     "ninety.yaml:12 profile.categories: weights must sum to 100; got 90"),
], ids=["bad-yaml-syntax", "weights-sum-to-90"])
def test_broken_model_upload_is_refused_with_file_line_and_path(open_app, name, raw, expected):
    at = _page(open_app(), "ui/pages/export.py")
    history = _history(at)
    _upload_model(at, name, raw)
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith(expected), errors
    assert "The model being edited is unchanged." in [c.value for c in at.caption]
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.BASELINE] == DEFAULT_MODEL
    assert at.session_state[state.UNDO] == []
    assert _history(at) == history


def test_good_model_upload_replaces_the_model_and_resets_changed_since_loaded(open_app):
    at = _page(open_app(), "ui/pages/export.py")
    _upload_model(at, "windows.yaml", WINDOWS_YAML.read_bytes())
    loaded = scoring.load_model(WINDOWS_YAML)
    assert not _errors(at)
    assert at.session_state[state.MODEL] == loaded
    assert at.session_state[state.BASELINE] == loaded
    assert _history(at)[-1] == "Opened windows.yaml"
    assert at.session_state[state.UNDO][-1].model == DEFAULT_MODEL  # undo goes back to the default
    assert "Nothing yet: this is the model as it was loaded." in [c.value for c in at.caption]

    _page(at, "ui/pages/profile.py")
    at.number_input(key="w:grade:A").set_value(75.0).run()
    assert at.session_state[state.MODEL].profile.grades.A == 75

    _page(at, "ui/pages/export.py")
    assert "Nothing yet: this is the model as it was loaded." not in [c.value for c in at.caption]
    assert "- Profile threshold A 70 → 75" in [m.value for m in at.markdown]
    assert "A: 75" in at.code[0].value  # the YAML shown (and downloaded) is the edited model


# ----- 5. data page: uploading leads ------------------------------------------------------------

def _activities_csv(count: int) -> bytes:
    """A demo request and pricing visits for every third lead (the best fit): they go to sales."""
    lines = ["lead_id,activity,occurred_at"]
    for index in range(0, count, 3):
        lines += [f"L{index:03d},demo_request,2025-06-01 10:00:00",
                  *[f"L{index:03d},pricing_page_visit,2025-06-0{day} 10:00:00" for day in (2, 3, 4)]]
    return ("\n".join(lines) + "\n").encode()


def _upload_leads(at: AppTest, name: str, raw: bytes, activities: bytes | None = None) -> AppTest:
    at.radio(key="w:data:source").set_value("upload").run()
    at.file_uploader(key="upload_leads").set_value((name, raw, "text/csv"))
    if activities is not None:
        at.file_uploader(key="upload_activities").set_value(("acts.csv", activities, "text/csv"))
    at.button(key=USE_FILES).click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("ragged.csv", b"lead_id,industry\n1,Software\n2,Retail,extra,more\n", "ragged.csv:3:"),
    ("empty.csv", b"", "empty.csv: the file is empty"),
], ids=["row-with-too-many-fields", "empty-file"])
def test_broken_leads_upload_is_refused_and_keeps_the_sample(open_app, name, raw, expected):
    at = _upload_leads(open_app(), name, raw)
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith(expected), errors
    assert at.session_state[state.DATASET].key == SAMPLE.key
    assert at.session_state[state.UPLOADS] == {}
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert _metrics(at)["Leads"] == "6,000"


def test_good_leads_upload_switches_the_data_and_the_matrix(open_app):
    raw, activities = _leads_csv(42), _activities_csv(42)
    at = _upload_leads(open_app(), "mine.csv", raw, activities)
    assert not _errors(at)
    assert at.session_state[state.DATASET].key == "upload"
    assert _metrics(at)["Leads"] == "42"
    assert at.session_state[state.MODEL] == DEFAULT_MODEL

    expected = preview(DEFAULT_MODEL, Scorer(scoring.read_table(raw, "mine.csv"),
                                               scoring.read_table(activities, "acts.csv")))
    assert expected.sales.leads == 14  # the Software CTOs with a demo request: A1
    _page(at, "ui/pages/matrix.py")
    assert not _errors(at)
    assert _metrics(at)["Leads to sales"] == str(expected.sales.leads)
    shown = at.session_state[state.PREVIEW_MEMO][1]
    assert shown.matrix["leads"].sum() == 42
    assert shown.matrix["leads"].tolist() == expected.matrix["leads"].tolist()
    assert shown.matrix.loc["A1", "leads"] == 14
    for path in ("ui/pages/profile.py", "ui/pages/engagement.py", "ui/pages/export.py"):
        _page(at, path)
        assert not _errors(at), (path, _errors(at))

    # a refresh keeps the uploaded files: they are part of the draft
    restored = open_app(draft=at.session_state[state.DRAFT_ID])
    assert not restored.exception and not _errors(restored)
    assert restored.session_state[state.DATASET].key == "upload"
    assert _metrics(restored)["Leads"] == "42"


# ----- 6. drafts --------------------------------------------------------------------------------

def test_draft_is_saved_restored_by_its_id_and_never_shared(open_app, leadgrid_home: Path):
    at = _page(open_app(), "ui/pages/profile.py")
    draft_id = at.session_state[state.DRAFT_ID]
    assert at.query_params["draft"] == draft_id
    at.number_input(key="w:grade:A").set_value(75.0).run()
    edited = at.session_state[state.MODEL]
    assert edited.profile.grades.A == 75

    saved = leadgrid_home / "drafts" / draft_id / "model.yaml"
    assert saved.is_file()
    assert scoring.load_model(saved) == edited
    assert scoring.load_model(saved.with_name("baseline.yaml")) == DEFAULT_MODEL

    # a refresh, or a restart of the server: the same ?draft= brings the edited model back
    again = open_app(draft=draft_id)
    assert not again.exception and not _errors(again)
    assert again.session_state[state.DRAFT_ID] == draft_id
    assert again.session_state[state.MODEL] == edited
    assert again.session_state[state.BASELINE] == DEFAULT_MODEL
    # reopening is not a change: the history reads as it did
    assert _history(again) == _history(at)[-len(_history(again)):]
    assert _history(again)[-1] == "Profile threshold A 70 → 75"
    open_app(draft=draft_id)
    assert _history(open_app(draft=draft_id)) == _history(again)

    # a new session without the parameter: its own draft and the default model
    other = open_app()
    other_id = other.session_state[state.DRAFT_ID]
    assert other_id != draft_id
    assert other.query_params["draft"] == other_id
    assert other.session_state[state.MODEL] == DEFAULT_MODEL
    assert not (leadgrid_home / "drafts" / other_id).exists()  # nothing written before a change
    _page(other, "ui/pages/profile.py")
    other.number_input(key="w:grade:A").set_value(80.0).run()
    assert scoring.load_model(leadgrid_home / "drafts" / other_id / "model.yaml").profile.grades.A == 80
    assert scoring.load_model(saved) == edited  # the first session's draft is untouched


def test_unknown_or_malformed_draft_id_starts_a_fresh_draft(open_app):
    for draft in ("does-not-exist", "../../etc"):
        at = open_app(draft=draft)
        assert not at.exception and not _errors(at)
        assert at.session_state[state.DRAFT_ID] != draft
        assert at.session_state[state.MODEL] == DEFAULT_MODEL


# ----- 7. undo / redo ---------------------------------------------------------------------------

def test_undo_and_redo_buttons_take_back_and_reapply_an_edit(open_app):
    at = open_app()  # Data page, first run
    at.selectbox(key="w:map:leads:country").set_value("lead_source")
    at.button(key=APPLY_MAPPING).click().run()
    assert not at.exception and not _errors(at)
    mapped = at.session_state[state.MODEL]
    assert dict(mapped.columns.leads) == {"country": "lead_source"}
    assert _history(at)[-1] == "Column mapping changed"
    assert len(at.session_state[state.UNDO]) == 1

    # the sidebar is only in AppTest's first run of a session (see the module docstring)
    at = _carry_over(at, open_app)
    assert not at.button(key="undo").disabled and at.button(key="redo").disabled
    at.button(key="undo").click().run()
    assert not at.exception
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.UNDO] == []
    assert len(at.session_state[state.REDO]) == 1
    assert _history(at)[-1] == "Undo: Column mapping changed"

    at = _carry_over(at, open_app)
    assert at.button(key="undo").disabled and not at.button(key="redo").disabled
    at.button(key="redo").click().run()
    assert not at.exception
    assert at.session_state[state.MODEL] == mapped
    assert at.session_state[state.REDO] == []
    assert _history(at)[-1] == "Redo: Column mapping changed"


def test_undo_stack_grows_with_each_edit_in_workshop_words(open_app):
    at = _page(open_app(), "ui/pages/export.py")
    _upload_model(at, "windows.yaml", WINDOWS_YAML.read_bytes())
    _page(at, "ui/pages/profile.py")
    at.slider(key="w:weight:industry").set_value(40.0).run()
    at.button(key="rescale_weights").click().run()
    _page(at, "ui/pages/matrix.py")
    at.session_state["w:routing"] = {"edited_rows": {8: {"action": "sales"}}, "added_rows": [],
                                     "deleted_rows": []}
    at.run()
    assert not at.exception and not _errors(at)
    stack = at.session_state[state.UNDO]
    assert [snapshot.text for snapshot in stack] == [
        "Opened windows.yaml",
        "Industry weight 25 → 40; Company size (employees) weight 20 → 16; "
        "Annual revenue (USD) weight 15 → 12 (+2 more)",
        "C1: nurture:fast-track → sales",
    ]
    assert stack[0].model == DEFAULT_MODEL
    assert _history(at)[1:] == [snapshot.text for snapshot in stack]


# ----- 8. routing -------------------------------------------------------------------------------

def test_routing_c1_to_sales_raises_leads_to_sales(open_app):
    at = _page(open_app(), "ui/pages/matrix.py")
    before = int(_metrics(at)["Leads to sales"].replace(",", ""))
    routing = at.data_editor(key="w:routing").value
    c1 = routing.index[routing["rating"] == "C1"][0]
    assert routing.loc[c1, "action"] == "nurture:fast-track"
    c1_leads = int(at.session_state[state.PREVIEW_MEMO][1].matrix.loc["C1", "leads"])
    assert c1_leads > 0

    at.session_state["w:routing"] = {"edited_rows": {int(c1): {"action": "sales"}}, "added_rows": [],
                                     "deleted_rows": []}
    at.run()
    assert not at.exception and not _errors(at)
    model = at.session_state[state.MODEL]
    assert model.routing.route_for("C1").action == "sales"
    after = int(_metrics(at)["Leads to sales"].replace(",", ""))
    assert after == before + c1_leads
    assert _history(at)[-1] == "C1: nurture:fast-track → sales"


def test_editing_a_rule_value_in_the_table_changes_the_model(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    industry = at.session_state[state.MODEL].profile.categories[0]
    assert industry.rules[1].value == 70
    at.session_state["w:rules:industry"] = {"edited_rows": {1: {"value": 90}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not _errors(at)
    changed = at.session_state[state.MODEL].profile.categories[0]
    assert changed.rules[1].value == 90
    assert changed.rules[1].match == industry.rules[1].match
    assert _history(at)[-1] == ("Industry rule 2 (in [Healthcare, Manufacturing, Professional Services]) 70 → 90")


def test_a_rule_without_its_values_is_refused_and_the_model_kept(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    before = at.session_state[state.MODEL]
    at.session_state["w:rules:industry"] = {"edited_rows": {0: {"items": []}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert any("profile.categories[0].rules[0]" in text and "needs at least one item" in text for text in _errors(at))
    assert at.session_state[state.MODEL] == before


def test_editing_activity_points_changes_the_engagement_scores(open_app):
    at = _page(open_app(), "ui/pages/engagement.py")
    before = at.session_state[state.PREVIEW_MEMO][1].scored["engagement_score"]
    at.session_state["w:activities"] = {"edited_rows": {0: {"points": 5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not _errors(at)
    model = at.session_state[state.MODEL]
    assert next(e for e in model.engagement.activities if e.id == "demo").points == 5
    assert any(e.field == "total_visits" for e in model.engagement.activities)  # field entries kept
    after = at.session_state[state.PREVIEW_MEMO][1].scored["engagement_score"]
    assert (after <= before).all() and (after < before).any()
    assert _history(at)[-1] == "Demo request points 45 → 5"


def test_switching_to_recency_windows_applies_them(open_app):
    at = _page(open_app(), "ui/pages/engagement.py")
    at.radio(key="w:recency:form").set_value("windows").run()
    assert not at.exception and not _errors(at)
    recency = at.session_state[state.MODEL].engagement.recency
    assert recency.half_life_days is None and recency.windows
    assert _history(at)[-1].startswith("Recency half-life 30 days → windows")


# ----- review findings: visiting a page never edits; undo of a data-set switch ----------------

def _model_with(changes: dict) -> scoring.LeadModel:
    data = DEFAULT_MODEL.model_dump(by_alias=True, exclude_none=True)
    for section, values in changes.items():
        data[section[0]][section[1]] = {**data[section[0]][section[1]], **values}
    return scoring.validate_model(data)


def test_visiting_pages_leaves_an_unusual_but_valid_model_alone(open_app):
    unusual = _model_with({("engagement", "recency"): {"max_age_days": 5000, "half_life_days": 365},
                           ("profile", "grades"): {"A": 120}})
    at = open_app()
    at.session_state[state.MODEL] = unusual
    at.session_state[state.BASELINE] = unusual
    for path in ("ui/pages/profile.py", "ui/pages/engagement.py", "ui/pages/matrix.py"):
        _page(at, path)
        assert not at.exception and not _errors(at), path
    assert at.session_state[state.MODEL] == unusual
    assert not at.session_state[state.UNDO]


def test_undo_after_opening_a_dataset_returns_to_the_previous_data_and_model(open_app):
    at = open_app()
    at.radio(key="w:data:source").set_value("bank_marketing").run()
    assert at.session_state[state.DATASET].key == "bank_marketing"
    at = _carry_over(at, open_app)
    at.sidebar.button(key="undo").click().run()
    assert not at.exception and not _errors(at)
    assert at.session_state[state.DATASET].key == "sample"
    assert at.session_state[state.MODEL] == DEFAULT_MODEL
    assert at.session_state[state.BASELINE] == DEFAULT_MODEL
    at = _carry_over(at, open_app)
    at.sidebar.button(key="redo").click().run()
    assert at.session_state[state.DATASET].key == "bank_marketing"
    assert at.session_state[state.MODEL].name != DEFAULT_MODEL.name


def test_a_model_without_recency_can_get_its_first_activity(open_app):
    data = DEFAULT_MODEL.model_dump(by_alias=True, exclude_none=True)
    data["engagement"]["activities"] = [e for e in data["engagement"]["activities"] if "field" in e]
    data["engagement"].pop("recency")
    fields_only = scoring.validate_model(data)  # on the sample data, which has an activities file
    at = open_app()
    at.session_state[state.MODEL] = fields_only
    at.session_state[state.BASELINE] = fields_only
    _page(at, "ui/pages/engagement.py")
    at.session_state["w:activities"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"id": "call", "activity": "call", "points": 10}]}
    at.run()
    assert not at.exception and not _errors(at)
    engagement = at.session_state[state.MODEL].engagement
    assert any(entry.activity == "call" for entry in engagement.activities)
    assert engagement.recency is not None and engagement.recency.half_life_days == 30
