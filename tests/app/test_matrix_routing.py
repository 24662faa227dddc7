"""The Matrix page's routing table and headline (issue 19): a route moved off sales drops its
SLA, and under a segment the share of leads to sales says whose leads it is a share of."""

from __future__ import annotations

from ui import state

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
