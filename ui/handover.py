"""The Data page's *Hand-over moment*: when each historical lead was evaluated, so the
preview counts only what was known then. The choice (a date column, days after one, the
first activity of a type) and the as-of of leads without one live in the session's
``DatasetChoice``; ``scoring.engine.handover`` does the work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import scoring
from scoring.data.read import ACTIVITY, SCORED_AT
from scoring.engine.handover import FIRST_PREFIX, AsOfRequired, HandOver
from scoring.engine.values import ValueColumn

from . import data

KINDS = {"column": "A date column", "after": "Days after a date column", "first": "The first activity of a type"}
MAX_TYPES = 200
NO_COLUMN = "(none)"


def _kind_of(hand_over: HandOver | None) -> str:
    if hand_over is None or (hand_over.activity is None and not hand_over.days):
        return "column"
    return "first" if hand_over.activity is not None else "after"


def _mapped_columns(lead_columns: list[str]) -> list[str]:
    """The leads file's columns under the names the scorer sees (mapped ones as their field)."""
    renamed = {column: field for field, column in data.mapping()["leads"].items()}
    return [renamed.get(column, column) for column in lead_columns]


TYPES_MEMO = "hand_over_types_memo"  # (the activities table's identity and column, its types)


def _activity_types() -> list[str]:
    """The activity types of the session's activities file, most frequent first."""
    _, activities = data.frames()
    if activities is None:
        return []
    column = data.mapping()["activities"].get(ACTIVITY, ACTIVITY)
    if column not in activities.columns:
        return []
    memo_key = (id(activities), len(activities), column)  # the session's data set: kept until it changes
    memo = st.session_state.get(TYPES_MEMO)
    if memo is None or memo[0] != memo_key:
        memo = (memo_key, _most_frequent_types(activities[column]))
        st.session_state[TYPES_MEMO] = memo
    return memo[1]


def _most_frequent_types(types: pd.Series) -> list[str]:
    # each distinct value read once: the log has millions of rows and a few types (8 s on every
    # run of the Data page at 10M activities when every row was read)
    codes, distinct = pd.factorize(types)
    counts = pd.Series(np.bincount(codes[codes >= 0], minlength=len(distinct)),
                       index=ValueColumn(pd.Series(distinct)).key)
    counts = counts.groupby(level=0).sum().drop("", errors="ignore").sort_values(ascending=False, kind="stable")
    return list(counts.index[:MAX_TYPES])


def hand_over_choice(lead_columns: list[str]) -> None:
    """The control, and one line saying how the current preview ages activities."""
    current = data.choice()
    chosen = HandOver.parse(current.hand_over) if current.hand_over else None
    columns = [NO_COLUMN, *_mapped_columns(lead_columns)]
    st.subheader("Hand-over moment")
    st.caption("Each lead is judged on what was known when it was handed over: activities after that "
               "moment never count, as in production. Leads without a moment are aged at the as-of date.")
    with st.form("hand_over_form"):
        kind = st.radio("The hand-over moment is", list(KINDS), format_func=KINDS.get, horizontal=True,
                        index=list(KINDS).index(_kind_of(chosen)), key="hand_over_kind")
        left, middle, right = st.columns(3)
        column_default = chosen.column if chosen is not None and chosen.column else SCORED_AT
        column = left.selectbox("Date column", columns, key="hand_over_column",
                                index=columns.index(column_default) if column_default in columns else 0,
                                help="For a date column, or days after one (e.g. created_at). "
                                     f"{NO_COLUMN}: no lead has a moment; all are aged at the as-of.")
        days = middle.number_input("Days after it", 0.0, 3650.0, float(chosen.days) if chosen else 0.0,
                                   step=1.0, key="hand_over_days")
        types = _activity_types()
        wanted_type = chosen.activity if chosen is not None and chosen.activity else None
        activity = right.selectbox("Activity type", types or ["(no activities)"], key="hand_over_activity",
                                   index=types.index(wanted_type) if wanted_type in types else 0,
                                   help="The lead's first activity of this type is its hand-over moment.")
        as_of = st.text_input("As of, for leads without a hand-over moment", current.as_of or "",
                              key="hand_over_as_of", placeholder="none: such leads stop the preview",
                              help="A date (2025-12-31) or now. Leads without a moment are aged at it; "
                                   "they are counted below.")
        if st.form_submit_button("Use this hand-over moment"):
            dated = column if column not in (NO_COLUMN, SCORED_AT) else None
            text = {"column": dated,
                    "after": HandOver(column, days).text() if days and column != NO_COLUMN else dated,
                    "first": f"{FIRST_PREFIX}{activity}" if types else None}[kind]
            try:
                data.set_hand_over(text, as_of.strip() or None)
                st.rerun()
            except scoring.DataError as error:
                st.error(str(error))
    _state_of_hand_over()


def _state_of_hand_over() -> None:
    try:
        counts = data.scorer().hand_over_counts
    except AsOfRequired as error:
        st.error(error.in_app(), icon=":material/schedule:")
        return
    except scoring.LeadGridError:
        return  # the data-quality summary below says what does not fit
    if counts.fell_back:
        st.warning(counts.sentence() + ".", icon=":material/schedule:")
    else:
        st.caption(counts.sentence() + ".")
