"""The agreement around a model: its name, version, description, owners and agreement
date, and who of the owners has signed a saved version.

``owners`` maps a role to a person (``{marketing: Dana, sales: Lee}``); a signature's role
is ``sales``, ``marketing`` or ``other``, so an owner's role is mapped with
``sign_off_role`` (``Sales`` → sales, ``Customer success`` → other).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scoring.errors import ModelError, Problem
from scoring.model.schema import SIGN_OFF_ROLES, LeadModel, SignOff
from scoring.model.validation import validate_model


def unsigned(model: LeadModel) -> LeadModel:
    """``model`` without its ``sign_off``: the content a signature confirms."""
    return model if model.sign_off is None else model.model_copy(update={"sign_off": None})


def edited(before: LeadModel, after: LeadModel) -> LeadModel:
    """``after`` as the result of an edit of ``before``: signatures confirm the content they
    were given on, so a change to anything but the signatures drops them."""
    if after.sign_off is None or unsigned(before) == unsigned(after):
        return after
    return unsigned(after)


def sign_off_role(owner_role: str) -> str:
    """The signature role of an owner's role: ``sales`` or ``marketing`` (any case), else ``other``."""
    role = owner_role.strip().casefold()
    return role if role in SIGN_OFF_ROLES else "other"


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def signed(model: LeadModel, person: str, role: str) -> SignOff | None:
    """``person``'s signature for ``role`` (a signature role) on ``model``, if any."""
    for entry in model.sign_off or []:
        if entry.role == role and _same_person(entry.name, person):
            return entry
    return None


@dataclass(frozen=True)
class Signature:
    """One line of a sign-off block: an owner (or someone else who signed) and the signature."""

    owner_role: str  # the owners key, or the signature's role for someone not among the owners
    person: str
    role: str  # sales, marketing or other
    signed: SignOff | None


def signatures(model: LeadModel) -> list[Signature]:
    """Every owner with their signature or None, then signatures by people who are not owners."""
    lines = []
    matched: set[int] = set()
    for owner_role, person in (model.owners or {}).items():
        role = sign_off_role(owner_role)
        entry = signed(model, person, role)
        if entry is not None:
            matched.add(id(entry))
        lines.append(Signature(owner_role, person, role, entry))
    lines += [Signature(entry.role, entry.name, entry.role, entry)
              for entry in model.sign_off or [] if id(entry) not in matched]
    return lines


def all_signed(model: LeadModel) -> bool:
    """Every owner has signed (False when the model has no owners)."""
    lines = signatures(model)
    return bool(model.owners) and all(line.signed is not None for line in lines)


def owners_from_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, str] | None:
    """Owner table rows ``{"role": ..., "person": ...}`` as the ``owners`` mapping; empty rows
    are skipped, None when nothing is left. Raises ``ModelError`` with ``owners[i]`` paths."""
    owners: dict[str, str] = {}
    problems = []
    for index, row in enumerate(rows):
        role = str(row.get("role") or "").strip()
        person = str(row.get("person") or "").strip()
        if not role and not person:
            continue
        if not role or not person:
            missing = "role" if not role else "person"
            problems.append(Problem(f"owners[{index}].{missing}", f"an owner needs a role and a person; "
                                                                  f"got {role or person!r} without a {missing}"))
        elif role in owners:
            problems.append(Problem(f"owners[{index}].role", f"role {role!r} is given twice; one person per role"))
        else:
            owners[role] = person
    if problems:
        raise ModelError(problems)
    return owners or None


def owner_rows(model: LeadModel) -> list[dict[str, str]]:
    """The ``owners`` mapping as table rows; sales and marketing offered when there are none."""
    if not model.owners:
        return [{"role": "marketing", "person": ""}, {"role": "sales", "person": ""}]
    return [{"role": role, "person": person} for role, person in model.owners.items()]


def with_details(model: LeadModel, *, name: str, version: str | None, description: str | None,
                 owners: Mapping[str, str] | None, agreed_on: dt.date | None) -> LeadModel:
    """``model`` with new metadata, validated (``ModelError`` with the field path, e.g. ``name``).
    Blank version and description are left out; the scoring content is untouched."""
    data = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    updates = {"name": name.strip() or name, "version": (version or "").strip() or None,
               "description": (description or "").strip() or None,
               "owners": dict(owners) if owners else None,
               "agreed_on": agreed_on.isoformat() if agreed_on else None}
    for key, value in updates.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return validate_model(data)


def owner_fields(model: LeadModel) -> tuple[str, str, str]:
    """The owners as the agreement form shows them: the marketing owner, the sales owner, and
    every other owner as ``role: person`` lines."""
    owners = model.owners or {}
    marketing = next((p for r, p in owners.items() if r.strip().casefold() == "marketing"), "")
    sales = next((p for r, p in owners.items() if r.strip().casefold() == "sales"), "")
    others = [f"{r}: {p}" for r, p in owners.items() if r.strip().casefold() not in ("marketing", "sales")]
    return marketing, sales, "\n".join(others)


def owners_from_fields(marketing: str, sales: str, others: str) -> dict[str, str] | None:
    """The inverse of ``owner_fields``: ``others`` holds one ``role: person`` per line.
    Raises ``ModelError`` naming the line (``owners[2]`` is the first of the other lines)."""
    rows: list[dict[str, str]] = [{"role": "marketing" if marketing.strip() else "", "person": marketing},
                                  {"role": "sales" if sales.strip() else "", "person": sales}]
    problems = []
    for number, line in enumerate(others.splitlines(), start=1):
        role, colon, person = line.partition(":")
        if line.strip() and (not colon or not role.strip() or not person.strip()):
            problems.append(Problem(f"owners (other owners, line {number})",
                                    f"write each other owner as role: person; got {line.strip()!r}"))
        rows.append({"role": role, "person": person})
    if problems:
        raise ModelError(problems)
    return owners_from_rows(rows)
