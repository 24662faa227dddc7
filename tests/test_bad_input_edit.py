"""The designer's edits and table adapters on bad values (issue 10): a ``ModelError`` with the
field path, never a raw ValueError, KeyError, TypeError or AttributeError."""

from __future__ import annotations

import pytest
from modelcases import SPEC_EXAMPLE

from scoring import ModelError, load_model
from scoring.model import edit
from scoring.model.tables import rows_to_rules

MODEL = load_model(SPEC_EXAMPLE)
RULES = "profile.categories[0].rules"

CASES = {
    "weight as text": (lambda: edit.with_weights(MODEL, {"industry": "abc"}), "profile.categories[0].weight"),
    "weight None": (lambda: edit.with_weights(MODEL, {"industry": None}), "profile.categories[0].weight"),
    "rescale keeping an unknown category": (lambda: edit.rescale_weights({"a": 50, "b": 50}, "c"),
                                            "profile.categories"),
    "rescale a weight as text": (lambda: edit.rescale_weights({"a": "x", "b": 50}, "b"), "weights.a"),
    "grades of an unknown axis": (lambda: edit.with_grades(MODEL, "profil", {"A": 80}), ""),
    "grade as text": (lambda: edit.with_grades(MODEL, "profile", {"A": "high"}), "profile.grades.A"),
    "route SLA as text": (lambda: edit.with_route(MODEL, "A1", "sales", "soon"), "routing.cells.A1.sla_hours"),
    "recency not a mapping": (lambda: edit.with_recency(MODEL, 30), "engagement.recency"),
    "columns not a mapping": (lambda: edit.with_columns(MODEL, ["a"], {}), "columns.leads"),
    "routing row without rating": (lambda: edit.with_routing(MODEL, [{"action": "sales"}]), "routing.cells"),
    "routing SLA as text": (lambda: edit.with_routing(MODEL, [{"rating": "A1", "action": "sales", "sla_hours": "x"}]),
                            "routing.cells.A1.sla_hours"),
    "entry not a mapping": (lambda: edit.with_activities(MODEL, ["demo"]), "engagement.activities[0]"),
    "activity row not a mapping": (lambda: edit.with_activity_entries(MODEL, [3]), "engagement.activities[0]"),
    "between without bounds": (lambda: rows_to_rules([{"condition": "between", "from": None, "to": None,
                                                       "value": 5}], RULES), f"{RULES}[0].match.range"),
    "bound as text": (lambda: rows_to_rules([{"condition": "at least", "from": "abc", "value": 5}], RULES),
                      f"{RULES}[0].match"),
    "value as text": (lambda: rows_to_rules([{"condition": "is missing", "value": "high"}], RULES),
                      f"{RULES}[0].value"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_values_in_edits_raise_a_model_error_with_the_field_path(case):
    call, path = CASES[case]
    with pytest.raises(ModelError) as caught:
        call()
    assert caught.value.path == path
    assert "\n" not in str(caught.value)


def test_between_with_one_bound_is_still_a_half_open_range():
    rules = rows_to_rules([{"condition": "between", "from": 10, "to": None, "value": 5}], RULES)
    assert rules == [{"match": {"range": [10.0, None]}, "value": 5.0}]
