"""LeadGrid's scoring engine: the model format, scoring, explanations and metrics.

Pure Python on pandas and numpy; the app, the CLI and the exporters all call it.
"""

from scoring.data.read import load_activities, load_leads, read_table
from scoring.engine.explain import Explanation, explain, explain_lead
from scoring.engine.scorer import Scorer, score
from scoring.errors import DataError, LeadGridError, ModelError, Problem
from scoring.measures.metrics import Outcomes, Preview, matrix_metrics, preview, sales_summary
from scoring.measures.volume import PerMonth
from scoring.model.files import (
    dump_model,
    dump_model_json,
    load_model,
    model_json_schema,
    parse_model,
)
from scoring.model.schema import RATINGS, LeadModel
from scoring.model.validation import validate_model

__all__ = [
    "RATINGS",
    "DataError",
    "Explanation",
    "LeadGridError",
    "LeadModel",
    "ModelError",
    "Outcomes",
    "PerMonth",
    "Preview",
    "Problem",
    "Scorer",
    "dump_model",
    "dump_model_json",
    "explain",
    "explain_lead",
    "load_activities",
    "load_leads",
    "load_model",
    "matrix_metrics",
    "model_json_schema",
    "parse_model",
    "preview",
    "read_table",
    "sales_summary",
    "score",
    "validate_model",
]
