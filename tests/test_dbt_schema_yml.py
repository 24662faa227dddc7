"""The dbt export's schema.yml, written with ruamel.yaml (safe): read back by PyYAML (an
independent reader, test extra only) it is the document meant, whatever text the model's name holds."""

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import load_model
from scoring.sql.dbt import jinja_text, schema_yml
from scoring.sql.query import OUTPUT_COLUMNS

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def test_schema_yml_by_hand():
    model = load_model(DEFAULT)
    document = yaml.safe_load(schema_yml(model, "scores"))
    assert document["version"] == 2
    [entry] = document["models"]
    assert entry["name"] == "scores"
    assert [column["name"] for column in entry["columns"]] == list(OUTPUT_COLUMNS)
    assert entry["columns"][0]["data_tests"] == ["not_null", "unique"]
    rating = next(c for c in entry["columns"] if c["name"] == "rating")
    assert rating["data_tests"][1]["accepted_values"]["arguments"]["values"][:2] == ["A1", "A2"]


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200))
def test_any_model_name_reads_back_as_written(name):
    model = load_model(DEFAULT).model_copy(update={"name": name, "version": None})
    [entry] = yaml.safe_load(schema_yml(model))["models"]
    assert entry["description"] == jinja_text(f"LeadGrid scores for model {name!r}")
