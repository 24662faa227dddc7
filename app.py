"""LeadGrid designer: page setup, the session, the sidebar, and navigation. Run with
``streamlit run app.py`` (or ``make app``)."""

from __future__ import annotations

import time

import streamlit as st

import app_state
from scoring import LeadGridError


def sidebar() -> None:
    """Model name, the headline for the to-sales set, undo/redo, and the change history."""
    model = app_state.model()
    with st.sidebar:
        st.markdown(f"### {model.name}")
        st.caption(f"version {model.version or '–'} · draft `{st.session_state[app_state.DRAFT_ID]}`")
        try:
            sales = app_state.current_preview().sales
            per_month = "–" if sales.leads_per_month is None else f"{sales.leads_per_month:,.0f}"
            st.metric("Leads to sales per month", per_month,
                      help="Leads the model routes to sales, per month of the historical data.")
            if sales.decided or not sales.conversions_total:
                st.metric("Accepted by sales", "–" if sales.decided == 0 else f"{sales.acceptance_rate:.0%}",
                          help="Share of the to-sales leads with a recorded decision that sales accepted.")
            else:
                st.metric("Converted", f"{sales.conversion_rate:.0%}",
                          help="This data records no sales decisions: share of to-sales leads that converted.")
        except LeadGridError as error:  # shown on the page too; the sidebar must still render
            st.warning(f"The model cannot score this data: {error}")
        undo_col, redo_col = st.columns(2)
        undo_col.button("↶ Undo", key="undo", on_click=app_state.undo, width="stretch",
                        disabled=not st.session_state[app_state.UNDO],
                        help="Take back the last change to the model.")
        redo_col.button("↷ Redo", key="redo", on_click=app_state.redo, width="stretch",
                        disabled=not st.session_state[app_state.REDO],
                        help="Apply again the change you took back.")
        history = st.session_state[app_state.HISTORY]
        with st.expander(f"Change history ({len(history)})", expanded=False):
            for entry in reversed(history[-50:]):
                st.caption(f"{time.strftime('%H:%M', time.localtime(entry.at))} · {entry.text}")


def main() -> None:
    st.set_page_config(page_title="LeadGrid", page_icon=":material/target:", layout="wide")
    app_state.init()
    app_state.keep_draft_in_url()
    if notice := st.session_state.pop(app_state.NOTICE, None):
        st.toast(notice)
    pages = [
        st.Page("views/1_data.py", title="1 · Data", icon=":material/folder_open:", default=True),
        st.Page("views/2_profile.py", title="2 · Profile", icon=":material/domain:"),
        st.Page("views/3_engagement.py", title="3 · Engagement", icon=":material/bolt:"),
        st.Page("views/4_matrix.py", title="4 · Matrix", icon=":material/grid_on:"),
        st.Page("views/5_export.py", title="5 · Export", icon=":material/ios_share:"),
    ]
    navigation = st.navigation(pages)
    sidebar()
    navigation.run()


main()
