"""``leadgrid explain`` text (scoring/report.py): a label longer than 24 characters widens the
label column instead of running into the value column."""

from __future__ import annotations

import pandas as pd

from scoring import parse_model
from scoring.engine.explain import explain
from scoring.measures.report import explanation_text

MODEL = """
schema_version: 1
name: Long labels
profile:
  categories:
    - {id: kind, label: Kind of visitor on the first session, field: kind, weight: 60,
       rules: [{match: {in: [new]}, value: 100}], default: 0}
    - {id: month, label: Month, field: month, weight: 40, rules: [], default: 50}
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  activities:
    - {id: prior, label: Outcome of the previous campaign, field: prior, rules: [{match: {in: [success]}, value: 40}]}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
"""


def test_long_labels_keep_the_value_column_apart():
    leads = pd.DataFrame({"lead_id": ["L1"], "kind": ["new"], "month": ["Feb"], "prior": ["success"]})
    lines = explanation_text(explain(parse_model(MODEL), leads, None, "L1")).splitlines()
    kind, month, prior = (next(line for line in lines if line.startswith("  " + label))
                          for label in ("Kind of visitor", "Month", "Outcome of the previous"))
    width = len("Kind of visitor on the first session")  # the longest label: 36 characters
    assert kind[2 + width:].startswith(" new ")  # one space after the label, then the value
    assert month[2 + width:].startswith(" Feb ") and month.index("Feb") == kind.index("new")
    assert prior[2 + width:].startswith(" success ") and prior.index("success") == kind.index("new")
