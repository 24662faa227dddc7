"""LeadGrid designer: page setup, the session, the sidebar, and navigation. Run with
``streamlit run app.py`` (or ``make app``). The app itself lives in the ``ui`` package;
everything it shows is computed by ``scoring``."""

from __future__ import annotations

import time

import streamlit as st

from scoring import LeadGridError
from scoring.formatting import NO_VALUE, format_rate
from scoring.measures.metrics import headline
from ui import data, drafts, per_month, state, widgets

PAGES = "ui/pages"


def sidebar() -> None:
    """Model name, the headline for the to-sales set, undo/redo, and the change history."""
    model = state.model()
    with st.sidebar:
        st.markdown(f"### {model.name}")
        st.caption(f"version {model.version or NO_VALUE} · draft `{st.session_state[state.DRAFT_ID]}`")
        window = None
        try:
            result = data.current_preview()
            sales, head = result.sales, headline(result)
            window = sales.window
            per_month_value = NO_VALUE if sales.leads_per_month is None else f"{sales.leads_per_month:,.0f}"
            st.metric(f"Leads to sales a month, {sales.per_month_label}", per_month_value,
                      help=per_month.dated_by(sales))
            st.metric(head.label, format_rate(head.rate), help=head.help)
        except LeadGridError:  # shown on the page too; the sidebar must still render
            st.warning("The model does not fit this data yet: see the Data page.", icon=":material/link_off:")
        per_month.picker(window)
        undo_col, redo_col = st.columns(2)
        undo_col.button("Undo", key="undo", icon=":material/undo:", on_click=state.undo, width="stretch",
                        disabled=not st.session_state[state.UNDO],
                        help="Take back the last change to the model.")
        redo_col.button("Redo", key="redo", icon=":material/redo:", on_click=state.redo, width="stretch",
                        disabled=not st.session_state[state.REDO],
                        help="Apply again the change you took back.")
        entries = state.history()
        with st.expander(f"Change history ({len(entries)})", expanded=False):
            for entry in reversed(entries[-50:]):
                st.caption(f"{time.strftime('%H:%M', time.localtime(entry.at))} · {entry.text}")
        others = [info for info in drafts.store().list(6) if info.id != st.session_state[state.DRAFT_ID]][:5]
        with st.expander(f"Other drafts ({len(others)}{'+' if len(others) == 5 else ''})", expanded=False):
            for info in others:
                st.caption(f"**{info.title}** · {time.strftime('%d %b %H:%M', time.localtime(info.saved_at))} · "
                           f"{info.last_change or 'no changes'}")
            st.page_link(f"{PAGES}/export.py", label="Open, rename or delete drafts", icon=":material/folder_open:")


def main() -> None:
    st.set_page_config(page_title="LeadGrid", page_icon=":material/target:", layout="wide")
    drafts.init()
    drafts.keep_draft_in_url()
    pages = {
        "Workshop": [
            st.Page(f"{PAGES}/data.py", title="1 · Data", icon=":material/folder_open:", default=True),
            st.Page(f"{PAGES}/profile.py", title="2 · Profile", icon=":material/domain:"),
            st.Page(f"{PAGES}/engagement.py", title="3 · Engagement", icon=":material/bolt:"),
            st.Page(f"{PAGES}/matrix.py", title="4 · Matrix", icon=":material/grid_on:"),
            st.Page(f"{PAGES}/export.py", title="5 · Export", icon=":material/ios_share:"),
        ],
        "Recalibration": [
            st.Page(f"{PAGES}/calibrate.py", title="6 · Calibrate", icon=":material/tune:"),
            st.Page(f"{PAGES}/compare.py", title="7 · Compare", icon=":material/compare_arrows:"),
            st.Page(f"{PAGES}/drift.py", title="8 · Drift", icon=":material/timeline:"),
            st.Page(f"{PAGES}/funnel.py", title="After hand-over", icon=":material/filter_alt:"),
        ],
        "Agreement": [
            st.Page(f"{PAGES}/agreement.py", title="9 · Agreement", icon=":material/handshake:"),
        ],
    }
    navigation = st.navigation(pages)
    widgets.messages()
    sidebar()
    navigation.run()


main()
