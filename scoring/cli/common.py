"""What every ``leadgrid`` command shares: the usage error, the exit codes, ``--map``
parsing, the outcome columns, strict JSON output and the unreadable-numbers warning.

The floor below ``commands`` and the per-command modules: it imports none of them, so
they all import it at the top and none imports ``commands`` back.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import pandas as pd

from scoring.cli.per_month import per_month_of
from scoring.data import read as data
from scoring.data.missing import json_value
from scoring.engine.scorer import Scorer
from scoring.engine.values import UnreadableNumbers, unreadable_numbers
from scoring.errors import DataError
from scoring.measures.metrics import Outcomes
from scoring.model.schema import LeadModel

PROG = "leadgrid"
BAD_INPUT = 1
BAD_USAGE = 2


class UsageError(Exception):
    """Wrong arguments: exit 2."""


def parse_mapping(pairs: Sequence[str] | None) -> dict[str, dict[str, str]]:
    """``--map FIELD=COLUMN`` pairs as {"leads": {field: column}, "activities": {...}}."""
    mapping: dict[str, dict[str, str]] = {"leads": {}, "activities": {}}
    for pair in pairs or []:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column:
            raise UsageError(f"--map takes FIELD=COLUMN (activities.FIELD=COLUMN for activities); got {pair!r}")
        table, dot, name = field.strip().partition(".")
        if dot and table in mapping:
            mapping[table][name] = column
        elif dot:
            raise UsageError(f"--map {pair}: {table!r} is not leads or activities; write {name}=COLUMN for a leads "
                             f"field, activities.{name}=COLUMN for activities (leads.FIELD=COLUMN when FIELD "
                             "has a dot)")
        else:
            mapping["leads"][field.strip()] = column
    return mapping


OUTCOME_FLAGS = {"accepted": "--accepted", "converted": "--converted", "won_amount": "--won-amount",
                 "created_at": "--created-at"}


def outcomes_of(args: argparse.Namespace, leads_mapping: dict[str, str], leads: pd.DataFrame | None = None) -> Outcomes:
    """The outcome columns as the leads table names them after the column mapping. A flag may
    name the file's own column for a field the mapping renames; a column a flag names must
    exist (the defaults may be absent: the matrix then goes without that outcome)."""
    renamed = {column: field for field, column in leads_mapping.items()}
    names = {}
    for key, flag in OUTCOME_FLAGS.items():
        given = getattr(args, key)
        name = key if given is None else given
        if given is not None and name in renamed and (leads is None or name not in leads.columns):
            name = renamed[name]  # the file's column, which the mapping renamed to a model field
        if given is not None and leads is not None and name not in leads.columns:
            try:
                data.require_columns(leads, [name])
            except DataError as error:
                raise DataError(f"{flag} {given}: {error.reason}", source=error.source) from None
        names[key] = name
    return Outcomes(**names, per_month=per_month_of(args))


def strict_json(value: object) -> object:
    """Plain data for strict JSON: missing and non-finite numbers as null, keys as text."""
    if isinstance(value, dict):
        return {str(key): strict_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(item) for item in value]
    return json_value(value)


def print_json(value: object) -> None:
    print(json.dumps(strict_json(value), indent=2, default=str, allow_nan=False))


def warn_unreadable_numbers(model: LeadModel, scorer: Scorer) -> list[UnreadableNumbers]:
    """One stderr line per column whose values a number rule could not read ("5,000"):
    the format keeps them as text, but never silently. Returns them for JSON outputs."""
    found = unreadable_numbers(model, scorer.leads, scorer.field_rules)
    for column in found:
        print(f"{PROG}: warning: {column.line()}", file=sys.stderr)
    return found


ROW_ID_HINT = "a file without ids can use the row number: --map lead_id=@row"


def with_hint(error: Exception) -> str:
    """The error's line, with the way out when the leads have no ``lead_id`` column."""
    text = str(error)
    if isinstance(error, DataError) and f"missing leads column: {data.LEAD_ID}" in error.reason:
        return f"{text}; {ROW_ID_HINT}"
    return text
