"""The Data page's hand-over moment (ui/handover.py): leads with activities but no scored_at
stop the preview with one error naming the control, until a hand-over moment or an as-of is
chosen; the choice is one history entry and one undo step, and the page states it."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as hypothesis_st
from pagecases import _activities_csv, _errors, _history, _leads_csv, _page, _upload_leads

from ui import state

USE = "FormSubmitter:hand_over_form-Use this hand-over moment"


def _with_created_at(raw: bytes) -> bytes:
    lines = raw.decode().splitlines()
    rows = [lines[0] + ",created_at"] + [f"{line},2025-05-{1 + index % 28:02d}" for index, line in
                                          enumerate(lines[1:])]
    return ("\n".join(rows) + "\n").encode()


def test_no_hand_over_moment_stops_the_preview_until_one_is_chosen(open_app):
    at = _upload_leads(open_app(), "leads.csv", _with_created_at(_leads_csv(30)), _activities_csv(30))
    [error] = _errors(at)
    assert error.startswith("10 leads have activities but no hand-over moment") and "Data page" in error
    matrix = _page(at, "ui/pages/matrix.py")
    assert any("no hand-over moment" in message for message in _errors(matrix))

    at = _page(matrix, "ui/pages/data.py")
    at.radio(key="hand_over_kind").set_value("after")
    at.selectbox(key="hand_over_column").set_value("created_at")
    at.number_input(key="hand_over_days").set_value(14.0)
    at.button(key=USE).click().run()
    assert not at.exception and not _errors(at)
    assert at.session_state[state.DATASET].hand_over == "created_at+14d"
    assert _history(at)[-1] == "Hand-over moment: 14 days after created_at"
    assert any(caption.value.startswith("Hand-over moment: 14 days after created_at (30 of 30 leads)")
               for caption in at.caption)
    assert not _errors(_page(at, "ui/pages/matrix.py"))

    at.session_state[state.UNDO]  # undo brings the unset moment back, and the error with it
    at.sidebar.button(key="undo").click().run()
    assert at.session_state[state.DATASET].hand_over is None


def test_an_as_of_date_ages_the_leads_without_a_moment_and_counts_them(open_app):
    at = _upload_leads(open_app(), "leads.csv", _leads_csv(30), _activities_csv(30))
    at.text_input(key="hand_over_as_of").set_value("2025-06-30")
    at.button(key=USE).click().run()
    assert not at.exception and not _errors(at)
    assert at.session_state[state.DATASET].as_of == "2025-06-30"
    [warning] = [w.value for w in at.warning if "Hand-over moment" in w.value]
    assert "10 leads without a hand-over moment had their activities aged at the run's as-of" in warning


def test_a_bad_as_of_is_one_error_and_changes_nothing(open_app):
    at = _upload_leads(open_app(), "leads.csv", _leads_csv(30), _activities_csv(30))
    before = at.session_state[state.DATASET]
    at.text_input(key="hand_over_as_of").set_value("next Tuesday")
    at.button(key=USE).click().run()
    assert not at.exception
    assert any("next Tuesday" in message for message in _errors(at))
    assert at.session_state[state.DATASET] == before


@given(hypothesis_st.lists(hypothesis_st.one_of(hypothesis_st.none(), hypothesis_st.sampled_from(
    ["email_open", " Email_Open", "demo_request", "DEMO_REQUEST ", "", "  ", "webinar", 7, 7.0])), max_size=40),
       hypothesis_st.booleans())
def test_the_activity_types_offered_are_each_rows_type_counted(values, categorical):
    """Counted once per distinct value (a log of millions of rows has a few types): the same
    types as each row's trimmed lower-case type counted row by row, most frequent first."""
    from scoring.engine.values import ValueColumn
    from ui.handover import MAX_TYPES, _most_frequent_types

    types = pd.Series(values, dtype="category" if categorical else object)
    keys = pd.Series(ValueColumn(pd.Series(values, dtype=object)).key)
    counts = keys[keys != ""].value_counts()
    offered = _most_frequent_types(types)
    assert [counts[key] for key in offered] == sorted(counts.values, reverse=True)[:len(offered)]
    assert set(offered) <= set(counts.index) and len(offered) == min(len(counts), MAX_TYPES)
