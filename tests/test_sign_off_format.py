"""The optional ``agreed_on`` and ``sign_off`` fields of the model format: what is accepted,
how it is written back, what is refused (with the field path and line), and that old files
without them load unchanged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from scoring import (
    ModelError,
    dump_model,
    dump_model_json,
    load_model,
    model_json_schema,
    parse_model,
)
from scoring.model.diff import describe_changes

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "configs" / "default.yaml").read_text(encoding="utf-8")
UTC = dt.UTC


def _with(extra: str):
    return parse_model(BASE + extra, "m.yaml")


def _problems(extra: str) -> list[str]:
    with pytest.raises(ModelError) as caught:
        _with(extra)
    return caught.value.lines


def test_old_files_have_neither_field_and_write_neither():
    model = load_model(ROOT / "configs" / "default.yaml")
    assert model.agreed_on is None and model.sign_off is None
    text = dump_model(model)
    assert "agreed_on" not in text and "sign_off" not in text


def test_agreed_on_and_sign_off_read_and_round_trip():
    model = _with("agreed_on: 2027-01-15\nsign_off:\n"
                  "  - {name: Dana, role: marketing, signed_at: 2027-01-15T14:30:00+01:00}\n"
                  "  - {name: Lee, role: sales, signed_at: 2027-01-16}\n"
                  "  - {name: Kim, role: other, signed_at: '2027-01-16 09:05'}\n")
    assert model.agreed_on == dt.date(2027, 1, 15)
    assert [(s.name, s.role, s.signed_at) for s in model.sign_off] == [
        ("Dana", "marketing", dt.datetime(2027, 1, 15, 13, 30, tzinfo=UTC)),  # +01:00 kept as UTC
        ("Lee", "sales", dt.datetime(2027, 1, 16, 0, 0, tzinfo=UTC)),  # a date alone: midnight UTC
        ("Kim", "other", dt.datetime(2027, 1, 16, 9, 5, tzinfo=UTC)),  # no zone: UTC
    ]
    text = dump_model(model)
    assert "agreed_on: '2027-01-15'" in text or "agreed_on: 2027-01-15" in text
    assert "2027-01-15T13:30:00Z" in text
    assert parse_model(text) == model
    as_json = json.loads(dump_model_json(model))
    assert as_json["agreed_on"] == "2027-01-15"
    assert as_json["sign_off"][0] == {"name": "Dana", "role": "marketing", "signed_at": "2027-01-15T13:30:00Z"}
    jsonschema.Draft202012Validator(model_json_schema()).validate(as_json)
    assert parse_model(dump_model_json(model)) == model


@pytest.mark.parametrize(("extra", "expected"), [
    ("agreed_on: 20270115\n", "m.yaml:102 agreed_on: must be a date written YYYY-MM-DD (no time); got 20270115"),
    ("agreed_on: 2027-02-30\n", "agreed_on: must be a date written YYYY-MM-DD (no time); got '2027-02-30'"),
    ("agreed_on: 2027-01-15T10:00:00Z\n", "agreed_on: must be a date written YYYY-MM-DD (no time); got '2027-01-15T"),
    ("agreed_on: 15.01.2027\n", "agreed_on: must be a date written YYYY-MM-DD (no time); got '15.01.2027'"),
    ("sign_off: [{name: Dana, role: boss, signed_at: 2027-01-01}]\n",
     "m.yaml:102 sign_off[0].role: input should be 'sales', 'marketing' or 'other'; got 'boss'"),
    ("sign_off: [{name: Dana, role: sales, signed_at: soon}]\n",
     "sign_off[0].signed_at: must be a date and time written like 2027-01-15T14:30:00Z; got 'soon'"),
    ("sign_off: [{name: ' ', role: sales, signed_at: 2027-01-01}]\n", "sign_off[0].name: needs text other than spaces"),
    ("sign_off: [{role: sales, signed_at: 2027-01-01}]\n", "sign_off[0].name: required field is missing"),
    ("sign_off: [{name: Dana, role: sales, signed_at: 2027-01-01, note: ok}]\n",
     "sign_off[0].note: unknown key; allowed: name, role, signed_at"),
    ("sign_off: [{name: Dana, role: sales, signed_at: 2027-01-01}, {name: ' dana', role: sales, signed_at: 2027-01-02}]\n",
     "sign_off[1]:  dana has already signed as sales (sign_off[0])"),
    ("sign_off: {name: Dana}\n", "sign_off: input should be a valid list"),
])
def test_bad_dates_and_sign_offs_are_refused_with_their_path(extra, expected):
    lines = _problems(extra)
    assert len(lines) == 1 and expected in lines[0], lines


def test_the_same_person_may_sign_in_two_roles():
    model = _with("sign_off: [{name: Dana, role: sales, signed_at: 2027-01-01},"
                  " {name: Dana, role: marketing, signed_at: 2027-01-01}]\n")
    assert [s.role for s in model.sign_off] == ["sales", "marketing"]


def test_json_schema_describes_the_new_fields_and_refuses_a_bad_role():
    schema = model_json_schema()
    assert schema["properties"]["agreed_on"]["anyOf"][0] == {"format": "date", "type": "string"}
    sign_off = schema["$defs"]["SignOff"]
    assert sign_off["properties"]["role"]["enum"] == ["sales", "marketing", "other"]
    assert sign_off["required"] == ["name", "role", "signed_at"]
    data = json.loads(dump_model_json(load_model(ROOT / "configs" / "default.yaml")))
    data["sign_off"] = [{"name": "Dana", "role": "boss", "signed_at": "2027-01-01T00:00:00Z"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_diff_names_the_agreement_date_and_new_signatures():
    old = _with("agreed_on: 2027-01-15\n")
    new = _with("agreed_on: 2027-04-02\nsign_off: [{name: Lee, role: sales, signed_at: 2027-04-02T10:00:00Z}]\n")
    assert describe_changes(old, new) == [
        "Model agreed_on: 2027-01-15 → 2027-04-02",
        "Signed off by Lee (sales) on 2027-04-02 10:00 UTC",
    ]
