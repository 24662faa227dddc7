"""The designer's session through Streamlit's AppTest: drafts survive a refresh, undo and
redo take back and reapply edits (the data set too), routing moves the headline, and
visiting pages never edits. (The AppTest sidebar quirk is described in test_pages.py.)"""

from __future__ import annotations

from pathlib import Path

from pagecases import (
    APPLY_MAPPING,
    DEFAULT_MODEL,
    WINDOWS_YAML,
    _carry_over,
    _errors,
    _history,
    _metrics,
    _page,
    _upload_model,
)

import scoring
from ui import state

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
