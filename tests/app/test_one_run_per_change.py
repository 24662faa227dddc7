"""A control change is applied in its callback, so the page is drawn once per change (not
drawn, applied, and drawn again: half a second at a million leads), and still goes through
``state.apply``: recorded once in the history, kept for undo and saved to the draft, the model
validated and applied once per change (not again by the run). And the
Data page on data without an activity log says so instead of showing zero activities."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import scoring
from scoring.model import edit
from ui import state, widgets

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per script run of the Profile or Engagement page: both ask for the preview
    once per run, before any control of theirs applies a change."""
    drawn: list[str] = []
    preview_or_stop = widgets.preview_or_stop

    def counted():
        drawn.append("run")
        return preview_or_stop()

    monkeypatch.setattr(widgets, "preview_or_stop", counted)
    return drawn


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Calls of ``state.apply`` and of the edits that build and validate a model with new
    recency or weights (the pages import them anew each run, so they call these)."""
    counted: Counter = Counter()

    def count(module, name: str) -> None:
        original = getattr(module, name)

        def counting(*args, **kwargs):
            counted[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)

    count(state, "apply")
    count(edit, "with_recency")
    count(edit, "with_weights")
    return counted


def _page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _history(at: AppTest) -> list[str]:
    return [entry.text for entry in at.session_state[state.HISTORY]]


def _saved(at: AppTest, home: Path) -> scoring.LeadModel:
    return scoring.load_model(home / "drafts" / at.session_state[state.DRAFT_ID] / "model.yaml")


def test_a_half_life_step_is_applied_once_recorded_once_and_saved(open_app, leadgrid_home, runs, calls):
    at = _page(open_app(), "ui/pages/engagement.py")
    before = _history(at)
    runs.clear()
    calls.clear()
    at.slider(key="w:recency:half_life").set_value(35.0).run()
    assert not at.exception and not at.error
    assert runs == ["run"]  # one run: no st.rerun after applying
    assert calls == {"with_recency": 1, "apply": 1}  # validated and applied by the callback alone
    model = at.session_state[state.MODEL]
    assert model.engagement.recency.half_life_days == 35
    assert _history(at) == [*before, "Recency half-life 30 days → half-life 35 days"]
    assert [snapshot.model for snapshot in at.session_state[state.UNDO]] == [DEFAULT_MODEL]
    assert _saved(at, leadgrid_home) == model
    assert at.slider(key="w:recency:half_life").value == 35  # the widget re-reads the model

    runs.clear()
    calls.clear()
    at.number_input(key="w:recency:max_age").set_value(120.0).run()
    assert runs == ["run"]
    assert calls == {"with_recency": 1, "apply": 1}
    model = at.session_state[state.MODEL]
    assert model.engagement.recency.max_age_days == 120 and model.engagement.recency.half_life_days == 35
    assert len(_history(at)) == len(before) + 2
    assert _saved(at, leadgrid_home) == model

    runs.clear()
    at.radio(key="w:recency:form").set_value("windows").run()
    assert runs == ["run"]
    assert at.session_state[state.MODEL].engagement.recency.windows


def test_a_refused_weight_is_checked_once_and_the_rescale_applies_once(open_app, runs, calls):
    at = _page(open_app(), "ui/pages/profile.py")
    first = DEFAULT_MODEL.profile.categories[0]
    before = _history(at)
    runs.clear()
    calls.clear()
    at.slider(key=f"w:weight:{first.id}").set_value(float(first.weight) + 5).run()  # the total is 105 %
    assert not at.exception and runs == ["run"]
    assert calls == {"with_weights": 1}  # checked by the callback; the run shows its answer
    assert any("once the weights are valid" in error.value for error in at.error)
    assert at.session_state[state.MODEL] == DEFAULT_MODEL and _history(at) == before
    calls.clear()
    at.run()  # a run without a change checks nothing again
    assert not calls and any("once the weights are valid" in error.value for error in at.error)
    at.button(key="rescale_weights").click().run()
    assert not at.exception and not at.error
    assert calls == {"with_weights": 1, "apply": 1}
    weights = {c.id: c.weight for c in at.session_state[state.MODEL].profile.categories}
    assert weights[first.id] == first.weight + 5 and sum(weights.values()) == pytest.approx(100)
    assert len(_history(at)) == len(before) + 1


def test_an_unchanged_step_records_nothing(open_app, runs):
    at = _page(open_app(), "ui/pages/engagement.py")
    before = _history(at)
    at.slider(key="w:recency:half_life").set_value(30.0).run()
    assert _history(at) == before and at.session_state[state.MODEL] == DEFAULT_MODEL
    assert not at.session_state[state.UNDO]


def test_a_default_share_is_applied_in_one_run(open_app, leadgrid_home, runs):
    at = _page(open_app(), "ui/pages/profile.py")
    category = DEFAULT_MODEL.profile.categories[0]
    before = _history(at)
    runs.clear()
    at.number_input(key=f"w:default:{category.id}").set_value(float(category.default) + 5).run()
    assert not at.exception and not at.error
    assert runs == ["run"]
    model = at.session_state[state.MODEL]
    assert model.profile.categories[0].default == category.default + 5
    assert len(_history(at)) == len(before) + 1
    assert _saved(at, leadgrid_home) == model


def test_data_page_without_activities_says_so_instead_of_zero_metrics(bank):
    labels = [metric.label for metric in bank.metric]
    assert "Leads" in labels
    assert "Activities used" not in labels and "Activities after hand-over" not in labels
    assert any(c.value.startswith("No activity log in this data") for c in bank.caption)


def test_data_page_with_activities_shows_their_counts(open_app):
    at = open_app()
    labels = [metric.label for metric in at.metric]
    assert "Activities used" in labels and "Activities after hand-over" in labels
    assert not any(c.value.startswith("No activity log") for c in at.caption)


def test_removing_a_field_entry_is_applied_in_one_run(bank, runs):
    at = _page(bank, "ui/pages/engagement.py")
    entry = at.session_state[state.MODEL].field_entries[0]
    runs.clear()
    at.button(key=f"remove_entry_{entry.id}").click().run()
    assert not at.exception and not at.error
    assert runs == ["run"]
    assert entry.id not in {e.id for e in at.session_state[state.MODEL].engagement.activities}
    assert _history(at)[-1] == f"Removed {entry.label or entry.id}"
