"""The user reference (docs/model-format.md) and the JSON Schema stay true to the code.

Conventions in docs/model-format.md, each an HTML comment on the line before a fenced block:

- ``<!-- invalid: PATH -->`` before a whole-model ```yaml block: the model is refused
  with ``ModelError`` whose first problem is at PATH. Every other ```yaml block with a
  top-level ``schema_version`` must load.
- ``<!-- worked-example: model|leads|activities|result -->``: the worked example's model,
  its two CSV files, and the table of results it states.
- ``<!-- error-base -->`` before the base model of the validation-error section, and
  ``<!-- error-edit: {"old": "new", ...} -->`` (JSON) before each ```text block of CLI
  output: the base model with those replacements, validated by ``leadgrid validate
  model.yaml``, prints exactly that block on stderr.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from scoring import ModelError, model_json_schema, parse_model, read_table
from scoring.cli.commands import main
from scoring.engine.explain import explain

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "model-format.md"
SCHEMA = ROOT / "docs" / "model.schema.json"
MARKER = re.compile(r"^<!--\s*(?P<kind>[\w-]+)(?::\s*(?P<arg>.*?))?\s*-->$")


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    line: int  # 1-based line of the opening fence
    marker: str | None  # e.g. "invalid", "worked-example"
    arg: str | None  # what follows the marker's colon


def doc_blocks() -> list[Block]:
    """Every fenced block of the doc, with the HTML comment on the nearest line above it."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[index])
        if not fence:
            index += 1
            continue
        start = index
        end = start + 1
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        assert end < len(lines), f"{DOC.name}:{start + 1}: unclosed code block"
        previous = next((lines[i].strip() for i in range(start - 1, -1, -1) if lines[i].strip()), "")
        found = MARKER.match(previous)
        blocks.append(Block(
            fence.group(1), "\n".join(lines[start + 1:end]) + "\n", start + 1,
            found.group("kind") if found else None, found.group("arg") if found else None,
        ))
        index = end + 1
    return blocks


BLOCKS = doc_blocks()


def whole_models() -> list[Block]:
    return [b for b in BLOCKS if b.lang == "yaml" and re.search(r"^schema_version:", b.text, re.M)]


def one_block(marker: str, arg: str | None = None) -> Block:
    found = [b for b in BLOCKS if b.marker == marker and (arg is None or b.arg == arg)]
    assert len(found) == 1, f"expected one block marked {marker}: {arg} in {DOC.name}, found {len(found)}"
    return found[0]


# ------------------------------------------------------------ (a) JSON Schema


def test_json_schema_file_is_current():
    assert SCHEMA.exists(), "docs/model.schema.json is missing: run `leadgrid schema --out docs/model.schema.json`"
    on_disk = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert on_disk == model_json_schema(), (
        "docs/model.schema.json is out of date with scoring/model.py: "
        "run `leadgrid schema --out docs/model.schema.json` and commit it"
    )


def test_doc_links_the_schema():
    assert "](model.schema.json)" in DOC.read_text(encoding="utf-8")


# ------------------------------------------------------------ (b) YAML examples


def test_doc_has_valid_and_invalid_examples():
    models = whole_models()
    assert sum(b.marker == "invalid" for b in models) >= 1
    assert sum(b.marker != "invalid" for b in models) >= 2


@pytest.mark.parametrize("block", whole_models(), ids=lambda b: f"line{b.line}")
def test_yaml_example(block: Block):
    source = f"{DOC.name}:{block.line}"
    if block.marker == "invalid":
        with pytest.raises(ModelError) as caught:
            parse_model(block.text, source)
        assert caught.value.path == block.arg, caught.value.lines
    else:
        parse_model(block.text, source)


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.marker == "error-edit"], ids=lambda b: f"line{b.line}"
)
def test_validation_error_output(block: Block, tmp_path, monkeypatch, capsys):
    base = one_block("error-base").text
    text = base
    for old, new in json.loads(block.arg or "{}").items():
        assert base.count(old) == 1, f"{old!r} must occur once in the error-base model"
        text = text.replace(old, new)
    (tmp_path / "model.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "model.yaml"]) == 1
    assert capsys.readouterr().err == block.text


def test_error_base_is_valid(tmp_path, monkeypatch, capsys):
    (tmp_path / "model.yaml").write_text(one_block("error-base").text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "model.yaml"]) == 0
    stated = [b for b in BLOCKS if b.text.startswith("model.yaml: valid model")]
    assert len(stated) == 1
    assert capsys.readouterr().out == stated[0].text


# ------------------------------------------------------------ (c) worked example


def stated_results() -> list[dict[str, str]]:
    rows = [line.split() for line in one_block("worked-example", "result").text.splitlines() if line.strip()]
    header, body = rows[0], rows[1:]
    assert all(len(row) == len(header) for row in body)
    return [dict(zip(header, row, strict=True)) for row in body]


def close_to_stated(actual: float, stated: str) -> bool:
    """``actual`` rounds to ``stated`` at the number of decimals shown."""
    decimals = len(stated.partition(".")[2])
    return abs(actual - float(stated)) <= 0.5 * 10 ** -decimals + 1e-12


WORKED_AS_OF = "2026-04-02"  # the run's as-of the worked example gives (--as-of 2026-04-02)


def test_worked_example_numbers(tmp_path):
    assert f"--as-of {WORKED_AS_OF}" in DOC.read_text(encoding="utf-8")
    model = parse_model(one_block("worked-example", "model").text, "worked example")
    tables = {}
    for name in ("leads", "activities"):
        path = tmp_path / f"{name}.csv"
        path.write_text(one_block("worked-example", name).text, encoding="utf-8")
        tables[name] = read_table(path)
    rows = stated_results()
    assert [row["lead_id"] for row in rows] == list(tables["leads"]["lead_id"])
    for row in rows:
        result = explain(model, tables["leads"], tables["activities"], row["lead_id"], WORKED_AS_OF)
        lead = row["lead_id"]
        assert close_to_stated(result.profile_score, row["profile_score"]), (lead, result.profile_score)
        assert close_to_stated(result.engagement_score, row["engagement_score"]), (lead, result.engagement_score)
        assert result.profile_grade == row["letter"], lead
        assert result.engagement_grade == row["number"], lead
        assert result.rating == row["rating"], lead
        assert result.action == row["action"], lead
        sla = None if row["sla_hours"] == "-" else float(row["sla_hours"])
        assert result.sla_hours == sla, lead
        assert result.as_of == pd.Timestamp(row["as_of"], tz="UTC"), lead


def test_worked_example_arithmetic_for_first_lead(tmp_path):
    """The per-category and per-entry points in the walkthrough of L-1001."""
    model = parse_model(one_block("worked-example", "model").text, "worked example")
    leads = tmp_path / "leads.csv"
    activities = tmp_path / "activities.csv"
    leads.write_text(one_block("worked-example", "leads").text, encoding="utf-8")
    activities.write_text(one_block("worked-example", "activities").text, encoding="utf-8")
    result = explain(model, read_table(leads), read_table(activities), "L-1001", WORKED_AS_OF)
    assert {c.id: c.points for c in result.categories} == {"industry": 40.0, "size": 24.5, "title": 15.0}
    by_entry = {a.id: a for a in result.activities}
    assert by_entry["pricing"].decayed_count == pytest.approx(1.75)
    assert by_entry["pricing"].points == pytest.approx(17.5)
    assert by_entry["email_click"].points == pytest.approx(2.1213, abs=5e-5)
    assert by_entry["demo"].points == 0
    assert [f.points for f in result.fields] == [20.0]
    doc = DOC.read_text(encoding="utf-8")
    for stated in ("| 40.0 |", "| 24.5 |", "| 15.0 |", "| 17.5 |", "| 2.1213 |", "| 20.0 |"):
        assert stated in doc, stated
