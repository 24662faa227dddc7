"""The Agreement page through AppTest: edit the model's name, version, description and owners
(refused with the field path when invalid), save the version (immutable), both owners sign,
the sheet downloads are offered, changes since the last version are listed, a saved version
reopens in a new session, and the sidebar lists the other drafts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.agreement.versions import VersionStore
from ui import state

PAGE = "ui/pages/agreement.py"
TITLE = "9 · Agreement: version and sign-off"
APPLY = "FormSubmitter:agreement_form-Apply"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")


def _page(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _errors(at: AppTest) -> list[str]:
    return [element.value for element in at.error]


def _edit(at: AppTest, **fields: str) -> AppTest:
    for name, value in fields.items():
        widget = at.text_area if name in ("description", "others") else at.text_input
        widget(key=f"w:agreement:{name}").set_value(value)
    at.button(key=APPLY).click().run()
    assert not at.exception, at.exception
    return at


def _agree(at: AppTest) -> AppTest:
    return _edit(_page(at), name="EU inbound", version="2027.1", marketing="Dana", sales="Lee",
                 description="Agreed in the Q1 workshop")


def _markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_the_page_renders_and_offers_to_save_the_loaded_version(open_app):
    at = _page(open_app())
    assert [title.value for title in at.title] == [TITLE]
    assert not _errors(at)
    assert at.text_input(key="w:agreement:name").value == DEFAULT_MODEL.name
    assert at.text_input(key="w:agreement:version").value == "2026.4"
    assert at.text_input(key="w:agreement:marketing").value == "Marketing ops"
    assert at.date_input(key="w:agreement:agreed_on").value is None
    assert at.button(key="save_version").label == "Save version 2026.4"
    assert [b.label for b in at.download_button] == ["Sheet (HTML, printable)", "Sheet (Markdown)"]
    assert any("None yet. Saved versions are kept in" in c.value for c in at.caption)


def test_editing_name_version_and_owners_changes_the_model(open_app):
    at = _agree(open_app())
    model = at.session_state[state.MODEL]
    assert (model.name, model.version, model.description) == ("EU inbound", "2027.1", "Agreed in the Q1 workshop")
    assert model.owners == {"marketing": "Dana", "sales": "Lee"}
    assert model.profile == DEFAULT_MODEL.profile  # the scoring content is untouched
    history = [entry.text for entry in at.session_state[state.HISTORY]]
    assert history[-1].startswith("Model name: B2B SaaS inbound (default) → EU inbound; Model version: 2026.4 → 2027.1")
    assert at.button(key="save_version").label == "Save version 2027.1"


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "   "}, "name: needs text other than spaces; got '   '"),
    ({"others": "Finance Ana"}, "owners (other owners, line 1): write each other owner as role: person; "
                                "got 'Finance Ana'"),
])
def test_invalid_details_are_refused_with_the_field_path(open_app, fields, message):
    at = _edit(_page(open_app()), **fields)
    assert _errors(at) == [message]
    assert at.session_state[state.MODEL] == DEFAULT_MODEL


def test_save_version_then_both_owners_sign(open_app, leadgrid_home):
    at = _agree(open_app())
    at.button(key="save_version").click().run()
    assert not at.exception and not _errors(at)
    path = leadgrid_home / "models" / "EU-inbound" / "2027.1.yaml"
    saved = scoring.load_model(path)
    assert saved.agreed_on == dt.date.today()  # left empty: saving fills in today
    assert saved.sign_off is None
    assert at.session_state[state.MODEL] == saved  # the session holds what was saved
    assert next(s.value for s in at.success).startswith("This is version 2027.1 of EU inbound, saved and agreed on")
    assert not any(b.key == "save_version" for b in at.button)  # saved: it cannot be saved again

    at.button(key="sign_0").click().run()
    assert not at.exception
    at.button(key="sign_1").click().run()
    assert not at.exception and not _errors(at)
    signed = scoring.load_model(path)
    assert [(s.name, s.role) for s in signed.sign_off] == [("Dana", "marketing"), ("Lee", "sales")]
    assert signed.model_copy(update={"sign_off": None}) == saved  # signing changed nothing else
    text = _markdown(at)
    assert "**Dana (marketing)** signed on" in text and "**Lee (sales)** signed on" in text
    assert not any(b.key and b.key.startswith("sign_") for b in at.button)
    labels = [b.label for b in at.download_button]
    assert labels == ["Sheet (HTML, printable)", "Sheet (Markdown)", "Signed version file (YAML)"]
    assert "signed by Dana (marketing), Lee (sales)" in text


def test_a_saved_version_cannot_be_saved_again_with_other_content(open_app):
    at = _agree(open_app())
    at.button(key="save_version").click().run()
    _edit(at, description="Changed after the workshop")
    assert not any(b.key == "save_version" for b in at.button)
    warnings = [w.value for w in at.warning]
    assert warnings == ["Version 2027.1 of EU inbound is already saved with other content. A saved version never "
                        "changes: give this one a new version above."]
    _edit(at, version="2027.2")
    assert at.button(key="save_version").label == "Save version 2027.2"
    text = _markdown(at)
    assert "**Since version 2027.1 (agreed on" in text
    assert "- Model version: 2027.1 → 2027.2\n- Model description: Agreed in the Q1 workshop → Changed after the " \
           "workshop" in text


def test_a_saved_version_reopens_in_a_new_session(open_app, leadgrid_home):
    model = scoring.parse_model((REPO / "configs" / "windows.yaml").read_text(encoding="utf-8"))
    _, saved = VersionStore(leadgrid_home / "models").save(model, today=dt.date(2027, 1, 15))
    VersionStore(leadgrid_home / "models").sign(saved.name, saved.version, "Dana", "marketing")
    at = _page(open_app())  # a new session, as after a restart
    assert "version **2026.4-w** · agreed on 2027-01-15" in _markdown(at)
    assert "signed by Dana (marketing)" in _markdown(at)
    [open_button] = [b for b in at.button if b.key and b.key.startswith("open_version_")]
    open_button.click().run()
    assert not at.exception and not _errors(at)
    assert at.session_state[state.MODEL] == saved  # without the signatures: they stay in the file
    assert at.session_state[state.BASELINE] == saved
    assert at.session_state[state.HISTORY][-1].text == f"Opened version 2026.4-w of {saved.name}"
    assert next(s.value for s in at.success).startswith(f"This is version 2026.4-w of {saved.name}")
    assert "**Dana (marketing)** signed on" in _markdown(at)


def test_the_sidebar_lists_the_other_drafts(open_app):
    first = _agree(open_app())  # a change: the first session's draft is written
    at = open_app()  # another session; the sidebar is in the tree of its first run
    captions = [c.value for c in at.sidebar.caption]
    assert any(c.startswith("**EU inbound** · ") and "Model name: B2B SaaS inbound (default) → EU inbound" in c
               for c in captions), captions
    assert first.session_state[state.DRAFT_ID] != at.session_state[state.DRAFT_ID]
    assert any(e.label.startswith("Other drafts (1)") for e in at.sidebar.expander)
