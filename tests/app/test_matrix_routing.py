"""The Matrix page's routing table and headline (issue 19): a route moved off sales drops its
SLA, and under a segment the share of leads to sales says whose leads it is a share of."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ui import state

REPO = Path(__file__).resolve().parents[2]

PAGE = "ui/pages/matrix.py"


def test_a_route_moved_to_nurture_drops_its_sales_sla(open_app):
    at = open_app()
    at.switch_page(PAGE).run()
    routing = at.data_editor(key="w:routing").value
    a1 = int(routing.index[routing["rating"] == "A1"][0])
    assert routing.loc[a1, "sla_hours"] == 24
    at.session_state["w:routing"] = {"edited_rows": {a1: {"action": "nurture"}}, "added_rows": [],
                                     "deleted_rows": []}  # only the action changes, as a click would
    at.run()
    assert not at.exception, at.exception
    route = at.session_state[state.MODEL].routing.route_for("A1")
    assert route.action == "nurture" and route.sla_hours is None
    shown = at.data_editor(key="w:routing").value.set_index("rating")
    assert shown.loc["A1", "action"] == "nurture" and shown.loc["A1", "sla_hours"] != shown.loc["A1", "sla_hours"]


def test_under_a_segment_the_share_to_sales_is_of_that_segments_leads(open_app):
    """Issue 19: "43 % of all leads" meant 43 % of webinar leads."""
    at = open_app()
    at.switch_page(PAGE).run()
    [whole] = [metric for metric in at.main.metric if metric.label == "Leads to sales"]
    assert whole.delta.endswith(" of all leads")
    at.selectbox(key=state.MATRIX_SEGMENT).set_value("lead_source").run()
    at.selectbox(key=state.MATRIX_SEGMENT_VALUE).set_value("webinar").run()
    assert not at.exception, at.exception
    [sliced] = [metric for metric in at.main.metric if metric.label == "Leads to sales"]
    scored = at.session_state[state.PREVIEW_MEMO][1].scored  # the whole preview, in the file's order
    raw = pd.read_csv(REPO / "sample_data" / "leads.csv", dtype=str, keep_default_na=False)
    webinar = (raw["lead_source"].str.strip().str.lower() == "webinar").to_numpy()
    to_sales = int(((scored["action"] == "sales").to_numpy() & webinar).sum())
    assert sliced.value == f"{to_sales:,}"
    assert sliced.delta == f"{round(100 * to_sales / webinar.sum())}% of webinar leads"
