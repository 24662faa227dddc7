"""The Calibrate page in AppTest: it renders on the sample data with the curve, the
warnings, the evidence and the AUCs; a capacity proposal is applied to the draft only by
its button (and undone like any edit); suggested weights likewise; bad targets get one
sentence."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.calibrate.thresholds import Target, propose_thresholds
from scoring.calibrate.weights import suggest_weights
from scoring.data.datasets import SAMPLE
from ui import state

REPO = Path(__file__).resolve().parents[2]
PAGE = "ui/pages/calibrate.py"
TITLE = "6 · Calibrate: what the outcomes suggest"


@pytest.fixture(scope="module")
def sample_scorer() -> scoring.Scorer:
    leads, activities = SAMPLE.load()
    return scoring.Scorer(leads, activities)


def _calibrate(open_app) -> AppTest:
    at = open_app()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.title[0].value == TITLE
    return at


def test_page_renders_with_curve_warnings_evidence_and_quality(open_app):
    at = _calibrate(open_app)
    assert not at.error
    assert any("activities dated after their lead's hand-over" in w.value for w in at.warning)
    # the current model's leads a month over the last complete quarter, Jul-Sep 2025: its A1-A3 and B1-B3
    # leads handed over then, over 3 months (counted from the raw file in tests/app/test_per_month.py)
    assert at.number_input(key="calibrate_capacity").value == 230
    assert at.info[0].value.startswith("For at most 230 leads a month to sales")
    assert len(at.get("plotly_chart")) >= 3  # the curve, gain and lift
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Industry") for label in labels)
    assert {m.label for m in at.metric} >= {"Leads to sales a month, Jul–Sep 2025", "Accepted by sales",
                                            "Conversions caught"}


def test_a_capacity_proposal_is_applied_only_by_its_button(open_app, sample_scorer):
    at = _calibrate(open_app)
    before = at.session_state[state.MODEL]
    at.number_input(key="calibrate_capacity").set_value(400).run()
    assert not at.exception, at.exception
    expected = propose_thresholds(before, sample_scorer, Target(capacity=400))
    assert at.info[0].value == expected.summary()
    assert at.session_state[state.MODEL] == before  # nothing changes without the click
    at.button(key="calibrate_apply_thresholds").click().run()
    assert not at.exception, at.exception
    applied = at.session_state[state.MODEL]
    assert applied.profile.grades == expected.model.profile.grades
    assert applied.engagement.grades == expected.model.engagement.grades
    assert applied.sales_ratings() == expected.to_sales
    assert scoring.preview(applied, sample_scorer).sales.leads_per_month <= 400
    assert at.session_state[state.HISTORY][-1].text == expected.history_text()
    assert expected.history_text().startswith("Calibrate for at most 400 leads a month to sales: ")
    assert at.session_state[state.UNDO][-1].model == before  # undo takes it back


def test_suggested_weights_are_applied_by_their_button(open_app, sample_scorer):
    at = _calibrate(open_app)
    before = at.session_state[state.MODEL]
    suggested = suggest_weights(before, sample_scorer).suggested
    table = next(d.value for d in at.dataframe if "suggested" in d.value.columns)
    assert table["suggested"].tolist() == list(suggested.values())
    at.button(key="calibrate_apply_weights").click().run()
    assert not at.exception, at.exception
    weights = {c.id: c.weight for c in at.session_state[state.MODEL].profile.categories}
    assert weights == suggested and sum(weights.values()) == 100


@pytest.mark.parametrize(("setup", "words"), [
    (lambda at: at.number_input(key="calibrate_capacity").set_value(0), "the capacity must be at least 1 lead"),
    (lambda at: at.number_input(key="calibrate_capacity").set_value(7000), "more than all 6,000 leads"),
])
def test_bad_targets_get_one_sentence(open_app, setup, words):
    at = _calibrate(open_app)
    setup(at)
    at.run()
    assert not at.exception, at.exception
    assert any(words in e.value for e in at.error)
    assert at.button(key="calibrate_apply_weights")  # the rest of the page still renders


def test_minimum_acceptance_target(open_app):
    at = _calibrate(open_app)
    at.segmented_control(key="calibrate_target_kind").set_value("Minimum acceptance").run()
    assert not at.exception, at.exception
    at.slider(key="calibrate_min_acceptance").set_value(0.8).run()
    assert at.info[0].value.startswith("For at least 80% accepted by sales")


# ----- the room's routing is kept; a worse proposal is not the primary action (issue 19) ------


def _route_b3_to_nurture(at: AppTest) -> AppTest:
    """Route B3 to nurture in the Matrix page's routing table, as the room would."""
    at.switch_page("ui/pages/matrix.py").run()
    routing = at.data_editor(key="w:routing").value
    b3 = int(routing.index[routing["rating"] == "B3"][0])
    at.session_state["w:routing"] = {"edited_rows": {b3: {"action": "nurture", "sla_hours": None}},
                                     "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[state.MODEL].routing.route_for("B3").action == "nurture"
    return at


def test_apply_keeps_a_route_the_room_changed(open_app, sample_scorer):
    at = _route_b3_to_nurture(open_app())
    at.switch_page(PAGE).run()
    before = at.session_state[state.MODEL]
    at.number_input(key="calibrate_capacity").set_value(160).run()
    assert not at.exception, at.exception
    expected = propose_thresholds(before, sample_scorer, Target(capacity=160))
    assert at.info[0].value == expected.summary() and "(routing kept)" in expected.summary()
    listed = next(m.value for m in at.markdown if m.value.startswith("**What applying it changes**"))
    assert all(f"- {change}" in listed for change in expected.changes)
    at.button(key="calibrate_apply_thresholds").click().run()
    assert not at.exception, at.exception
    applied = at.session_state[state.MODEL]
    assert applied.routing == before.routing and applied.routing.route_for("B3").action == "nurture"
    assert applied == expected.model
    assert at.session_state[state.HISTORY][-1].text == expected.history_text()
    assert expected.history_text().startswith("Calibrate for at most 160 leads a month to sales: ")
    # Compare's "What changed" against the model as loaded names the route and the lines
    at.switch_page("ui/pages/compare.py").run()
    assert not at.exception, at.exception
    changes = scoring.model.diff.describe_changes(state_loaded := at.session_state[state.BASELINE], applied)
    assert "B3: sales within 48 h → nurture" in changes and state_loaded.routing.route_for("B3").action == "sales"
    shown = "\n".join(m.value for m in at.markdown)
    assert all(f"- {change}" in shown for change in changes)


def test_a_worse_proposal_is_labelled_and_not_the_primary_action(open_app, monkeypatch):
    import dataclasses

    import scoring.calibrate.thresholds as calibrate

    real = calibrate.propose_thresholds

    def worse(*args, **kwargs):  # the verdict is computed and tested in test_calibrate_thresholds
        return dataclasses.replace(real(*args, **kwargs), worse="the current model does better on this target")

    at = _calibrate(open_app)
    assert at.button(key="calibrate_apply_thresholds").proto.type == "primary"
    monkeypatch.setattr(calibrate, "propose_thresholds", worse)
    at.number_input(key="calibrate_capacity").set_value(160).run()
    assert not at.exception, at.exception
    assert any(w.value == "Worse than the current model: the current model does better on this target."
               for w in at.warning)
    button = at.button(key="calibrate_apply_thresholds")
    assert button.label == "Apply anyway" and button.proto.type == "secondary"


def test_no_lead_ever_accepted_is_one_sentence_on_the_page(open_app, monkeypatch, tmp_path):
    # issue 20: proposed 1 lead a month at 0 % acceptance; the AUC against acceptance was nan
    leads = SAMPLE.load()[0].assign(accepted="false")
    path = tmp_path / "rejected.parquet"
    leads.to_parquet(path)
    monkeypatch.setenv("LEADGRID_LEADS", str(path))
    at = _calibrate(open_app)
    assert not at.exception, at.exception
    assert any(e.value.startswith(f"sales rejected every one of the {len(leads):,} leads they decided on")
               for e in at.error)
    assert any(i.value.startswith(f"No AUC: all {len(leads):,} leads sales decided on rejected") for i in at.info)
    auc = next(d.value for d in at.dataframe if "Converted" in d.value.columns)
    assert list(auc.columns) == ["Converted"]  # no column of nan against acceptance


def test_without_scikit_learn_the_weights_say_which_extra_and_the_page_stays(open_app, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)  # importing it raises ImportError
    at = _calibrate(open_app)
    assert [e.value for e in at.error] == ["the suggested weights need scikit-learn, which the calibrate extra "
                                           "installs: pip install 'leadgrid[calibrate]'."]
    assert at.number_input(key="calibrate_capacity").value == 230  # the thresholds need no scikit-learn
    assert not [b for b in at.button if b.key == "calibrate_apply_weights"]
