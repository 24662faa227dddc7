"""Issue 15 in AppTest: the compact matrix beside the controls shows scoring's figures, a
leaking column is warned about, pages follow the outcomes and activities the
data has, a file without ids gets the row number, and a model opens from the Data page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import scoring
from scoring.data.read import ROW_NUMBER
from scoring.measures.grid import compact_grid
from scoring.measures.metrics import preview
from ui import data, state

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")


def _page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def _with_leak(model: scoring.LeadModel) -> scoring.LeadModel:
    """The default model with a category on the outcome itself: the leak of all leaks."""
    data_ = model.model_dump(by_alias=True, exclude_none=True)
    for category in data_["profile"]["categories"]:
        category["weight"] = category["weight"] / 2
    data_["profile"]["categories"].append({"id": "leak", "label": "Sales said yes", "field": "accepted",
                                           "weight": 50, "rules": [{"match": {"in": ["true"]}, "value": 100}]})
    return scoring.validate_model(data_)


def test_compact_matrix_beside_the_weights_shows_scorings_cells(open_app):
    at = _page(open_app(), "ui/pages/profile.py")
    leads, activities = data.CATALOGUE["sample"].load()
    grid = compact_grid(preview(DEFAULT_MODEL, scoring.Scorer(leads, activities)).matrix, "acceptance")
    text = _markdown(at)
    assert "**Matrix now** · accepted by sales per cell" in text
    a1 = grid.loc["A1"]
    cell = text[text.index("<td title='A1' "):].split("</td>")[0]
    assert f"{a1['leads']:,}<br><b>{a1['rate']:.0%}" in cell and "outline" in cell  # A1 goes to sales
    assert "<td title='D4' " in text and text.count("<td title=") == 16


def test_a_leaking_column_is_warned_about_in_its_section_and_the_cells_it_makes_perfect(open_app):
    """The outcome itself as a category at 50 %: its section opens with scoring.measures.leaks'
    findings (the same sentences), the near-perfect cells are named above the sections, and
    the default model on the same data gets no finding at all."""
    from scoring.measures.leaks import leak_report

    at = open_app()
    leaky = _with_leak(DEFAULT_MODEL)
    at.session_state[state.MODEL] = leaky
    at.session_state[state.BASELINE] = leaky
    _page(at, "ui/pages/profile.py")
    leads, activities = data.CATALOGUE["sample"].load()
    expected = leak_report(scoring.Scorer(leads, activities), leaky)
    warnings = [w.value for w in at.warning]
    assert [f.check for f in expected.of("leak")] == ["separation", "certain_value", "outcome_implies_value"]
    assert all(f.text in warnings for f in expected.findings)
    assert expected.cells and expected.cells[0].text.startswith("Cells A1 (534 of 534)")
    assert "Possible leaks in Sales said yes: see the findings in their sections below." in warnings
    leak_section = next(e for e in at.expander if e.label.startswith("Sales said yes"))
    assert "possible leak (3)" in leak_section.label
    assert [w.value for w in leak_section.warning] == [f.text for f in expected.of("leak")]
    at.session_state[state.MODEL] = DEFAULT_MODEL  # and nothing for the default model
    _page(at, "ui/pages/profile.py")
    assert not any("leak" in w.value for w in at.warning)


def test_matrix_without_acceptance_offers_conversion_only(bank):
    at = _page(bank, "ui/pages/matrix.py")
    control = at.get("button_group")[0]
    assert list(control.options) == ["Converted", "Share of leads"]  # no acceptance in this data
    assert control.value == "conversion_rate"
    caption = " ".join(c.value for c in at.caption)
    assert "few outcomes" in caption and "few decisions" not in caption
    text = _markdown(at)
    assert "with a known conversion" in text and "with a sales decision" not in text


def test_engagement_without_activities_hides_fading_and_edits_field_entries(bank):
    at = _page(bank, "ui/pages/engagement.py")
    assert any("This data has no activities file" in i.value for i in at.info)
    assert not [s for s in at.slider if s.label == "Half-life (days)"]
    assert not [r for r in at.radio if r.label == "Fading"]
    model = at.session_state[state.MODEL]
    entry = model.field_entries[0]
    at.session_state[f"w:rules:entry:{entry.id}"] = {
        "edited_rows": {"0": {"value": 77}}, "deleted_rows": [], "added_rows": []}
    at.run()
    assert not at.exception and not at.error
    changed = {e.id: e for e in at.session_state[state.MODEL].field_entries}[entry.id]
    assert changed.rules[0].value == 77 and changed.rules[1:] == entry.rules[1:]
    assert at.session_state[state.MODEL].engagement.recency is None  # nothing to fade


def test_a_file_without_ids_gets_the_row_number_and_a_model_opens_from_the_data_page(open_app):
    at = open_app()
    at.radio(key="w:data:source").set_value("upload").run()
    raw = b"industry,employees,converted\nSoftware,500,yes\nRetail,20,no\n"
    at.file_uploader(key="upload_leads").set_value(("no-ids.csv", raw, "text/csv"))
    at.button(key="FormSubmitter:upload_form-Use these files").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("This model does not fit these leads")
    assert "closest" not in errors[0]
    assert at.selectbox(key="w:map:leads:lead_id").value == ROW_NUMBER  # offered for a file without ids
    at.button(key="FormSubmitter:mapping_form-Apply column mapping").click().run()
    assert not at.exception
    assert at.session_state[state.MODEL].column_mapping()["leads"]["lead_id"] == ROW_NUMBER

    yaml_text = (REPO / "configs" / "windows.yaml").read_bytes()
    at.file_uploader(key="data_model_file").set_value(("windows.yaml", yaml_text, "application/x-yaml")).run()
    at.button(key="data_model_open").click().run()
    assert not at.exception
    assert at.session_state[state.MODEL] == scoring.load_model(REPO / "configs" / "windows.yaml")
    assert at.session_state[state.HISTORY][-1].text == "Opened windows.yaml"


def test_engagement_page_shows_each_activitys_counts_and_evidence_and_a_leaking_field(open_app):
    """Beside each activity entry: its occurrences counted and after hand-over and the leads
    that had it before hand-over with their rates, as scoring.measures.activity_evidence gives them
    (joined by entry id); a lead-column entry reading the outcome gets its findings in its section."""
    from scoring.measures.activity_evidence import activity_evidence, counts_text
    from scoring.measures.leaks import leak_report
    from scoring.measures.report import rate_text

    leads, activities = data.CATALOGUE["sample"].load()
    scorer = scoring.Scorer(leads, activities)
    at = _page(open_app(), "ui/pages/engagement.py")
    table = at.dataframe[0].value.set_index("id")
    evidence = activity_evidence(scorer, DEFAULT_MODEL).set_index("id")
    demo = evidence.loc["demo"]
    assert (demo["occurrences"], demo["counted"], demo["after_handover"]) == (1129, 1108, 21)
    assert table.loc["demo", "occurrences"] == counts_text(demo) == "1,108 of 1,129 · 21 after hand-over"
    assert table.loc["demo", "leads"] == demo["leads"]
    assert table.loc["demo", "acceptance"] == rate_text(demo["acceptance_rate"], demo["acceptance_low"],
                                                        demo["acceptance_high"])
    assert any(c.value.startswith("In the data: email_open (34,787; 732 after hand-over)") for c in at.caption)
    assert not any("leak" in w.value for w in at.warning)  # the default model: none

    model = DEFAULT_MODEL.model_dump(by_alias=True, exclude_none=True)
    model["engagement"]["activities"].append({"id": "said_yes", "label": "Sales said yes", "field": "accepted",
                                              "rules": [{"match": {"in": ["true"]}, "value": 30}]})
    leaky = scoring.validate_model(model)
    at.session_state[state.MODEL] = leaky
    at.session_state[state.BASELINE] = leaky
    _page(at, "ui/pages/engagement.py")
    expected = [f.text for f in leak_report(scorer, leaky).of("said_yes")]
    section = next(e for e in at.expander if e.label.startswith("Sales said yes"))
    assert expected and [w.value for w in section.warning] == expected
