"""LeadGrid's scoring engine: the model format, scoring, explanations and metrics.

Pure Python on pandas and numpy; the app, the CLI and the exporters all call it.
"""

from .data import load_activities, load_leads, read_table
from .engine import Scorer, score
from .errors import DataError, LeadGridError, ModelError, Problem
from .model import RATINGS, LeadModel, validate_model
from .modelfile import dump_model, dump_model_json, load_model, model_json_schema, parse_model

__all__ = [
    "RATINGS",
    "DataError",
    "LeadGridError",
    "LeadModel",
    "ModelError",
    "Problem",
    "Scorer",
    "dump_model",
    "dump_model_json",
    "load_activities",
    "load_leads",
    "load_model",
    "model_json_schema",
    "parse_model",
    "read_table",
    "score",
    "validate_model",
]
