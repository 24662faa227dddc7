"""The lead scoring model, version 1, as pydantic classes.

Each class checks what it can see by itself; a check that needs a path below
the class (a grade, one duplicate id) raises ``PathError`` naming that sub-path
so the error message can point at the exact field. Turning pydantic's errors
into ``ModelError`` happens in :mod:`scoring.model.validation`. The conditions (``Match``,
``Rule``) are in :mod:`scoring.model.conditions`, the shared base class and field types in
:mod:`scoring.model.base`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from scoring.errors import ModelError, PathError, Problem
from scoring.formatting import format_number
from scoring.model.base import Finite, NonBlank, RuleValue, Scalar, _Strict, _text_problems
from scoring.model.conditions import (
    OPERATORS as OPERATORS,  # re-exported: the format's names in one place
)
from scoring.model.conditions import Match as Match
from scoring.model.conditions import Rule
from scoring.model.isodates import IsoDate, Timestamp

LETTERS = ("A", "B", "C", "D")
NUMBERS = ("1", "2", "3", "4")
RATINGS = tuple(letter + number for letter in LETTERS for number in NUMBERS)
SALES_ACTION = "sales"
WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 0.01


class Category(_Strict):
    """One profile category: a column of the leads table, a weight and rules."""

    id: NonBlank
    label: str | None = None
    field: NonBlank = Field(description="Column of the leads table.")
    weight: Finite = Field(ge=0, description="Percent; the weights of all categories sum to 100.")
    rules: list[Rule] = Field(default_factory=list, description="First matching rule wins.")
    default: RuleValue = Field(0, description="Value when no rule matches.")


def _check_thresholds(values: dict[str, float], names: tuple[str, ...]) -> None:
    problems = []
    for higher, lower in itertools.pairwise(names):
        if not values[higher] > values[lower]:
            problems.append(
                (lower, f"thresholds must be strictly decreasing: {higher} is {format_number(values[higher])}, "
                        f"{lower} is {format_number(values[lower])}")
            )
    if values[names[-1]] != 0:
        problems.append((names[-1], f"the lowest threshold must be 0; got {format_number(values[names[-1]])}"))
    if problems:
        raise PathError(problems)


class LetterGrades(_Strict):
    """Lowest profile score for each letter."""

    A: Finite
    B: Finite
    C: Finite
    D: Finite

    @model_validator(mode="after")
    def _decreasing(self) -> LetterGrades:
        _check_thresholds(self.model_dump(), LETTERS)
        return self

    def as_dict(self) -> dict[str, float]:
        """Grade name -> lowest score, ``{"A": 75, ...}``; the same form as ``NumberGrades``."""
        return self.model_dump()


class NumberGrades(_Strict):
    """Lowest engagement score for each number."""

    one: Finite = Field(alias="1")
    two: Finite = Field(alias="2")
    three: Finite = Field(alias="3")
    four: Finite = Field(alias="4")

    @model_validator(mode="before")
    @classmethod
    def _keys_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict):
            as_text = {str(key): value for key, value in data.items()}
            if len(as_text) != len(data):
                clashing = sorted({str(key) for key in data if not isinstance(key, str) and str(key) in data})
                raise PathError([(name, f"grade {name} is given twice (as {name} and \"{name}\")")
                                 for name in clashing])
            return as_text
        return data

    @model_validator(mode="after")
    def _decreasing(self) -> NumberGrades:
        _check_thresholds(self.model_dump(by_alias=True), NUMBERS)
        return self

    def as_dict(self) -> dict[str, float]:
        return self.model_dump(by_alias=True)


class Window(_Strict):
    within_days: Finite = Field(ge=0)
    factor: Finite = Field(ge=0)


class Recency(_Strict):
    """How an activity's weight fades with age: a half-life or step windows."""

    half_life_days: Finite | None = Field(None, gt=0)
    windows: list[Window] | None = Field(None, min_length=1)
    max_age_days: Finite | None = Field(
        None, gt=0, description="Older activities count nothing. No limit when left out."
    )

    @model_validator(mode="after")
    def _one_form(self) -> Recency:
        if (self.half_life_days is None) == (self.windows is None):
            got = "both" if self.half_life_days is not None else "neither"
            raise ValueError(f"give exactly one of half_life_days and windows; got {got}")
        return self


# The items of one ``where`` column: text or numbers, compared as ``in`` compares them.
WhereItems = Annotated[list[Scalar], Field(min_length=1)]


class EngagementEntry(_Strict):
    """Either an activity type counted in the activities table, or a field of the leads table."""

    id: NonBlank
    label: str | None = None
    activity: NonBlank | None = Field(None, description="A value of the activity column.")
    points: Finite | None = Field(None, description="Points per (decayed) activity; may be negative.")
    max_count: Finite | None = Field(None, ge=0, description="Cap on the decayed count.")
    field: NonBlank | None = Field(None, description="A pre-aggregated column of the leads table.")
    rules: list[Rule] | None = None
    where: dict[NonBlank, WhereItems] | None = Field(
        None, min_length=1,
        description="Activity entries only: count only the rows of the activities table whose value in each "
                    "named column is one of the items (compared like `in`; a missing value never matches).")

    @field_validator("where", mode="before")
    @classmethod
    def _printable_where(cls, where: Any) -> Any:
        if isinstance(where, dict):
            problems = [p for column, items in where.items()
                        for p in _text_problems(str(column), str(column)) + _text_problems(str(column), items)]
            if problems:
                raise PathError(problems)
        return where

    @model_validator(mode="after")
    def _one_kind(self) -> EngagementEntry:
        if (self.activity is None) == (self.field is None):
            got = "both" if self.activity is not None else "neither"
            raise ValueError(f"an entry has exactly one of activity and field; got {got}")
        if self.activity is not None:
            if self.points is None:
                raise PathError([("points", "an activity entry needs points")])
            if self.rules is not None:
                raise PathError([("rules", "rules belong to field entries; an activity entry has points")])
        else:
            for name in ("points", "max_count", "where"):
                if getattr(self, name) is not None:
                    raise PathError([(name, f"{name} belongs to activity entries; a field entry has rules")])
            if self.rules is None:
                raise PathError([("rules", "a field entry needs rules")])
        return self

    @property
    def is_activity(self) -> bool:
        return self.activity is not None


def _duplicate_ids(items: list[Any], list_name: str, full_name: str) -> list[tuple[str, str]]:
    first_seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        if item.id in first_seen:
            problems.append((f"{list_name}[{index}].id",
                             f"duplicate id '{item.id}' (also {full_name}[{first_seen[item.id]}])"))
        else:
            first_seen[item.id] = index
    return problems


class Profile(_Strict):
    """Explicit data: who the lead is, graded A..D."""

    categories: list[Category] = Field(min_length=1)
    grades: LetterGrades

    @model_validator(mode="after")
    def _weights_and_ids(self) -> Profile:
        problems = _duplicate_ids(self.categories, "categories", "profile.categories")
        total = sum(category.weight for category in self.categories)
        if not math.isclose(total, WEIGHT_TOTAL, abs_tol=WEIGHT_TOLERANCE):
            weights = ", ".join(f"{c.id} {format_number(c.weight)}" for c in self.categories)
            problems.append(("categories", f"weights must sum to 100; got {format_number(total)} ({weights})"))
        if problems:
            raise PathError(problems)
        return self


class Engagement(_Strict):
    """Implicit data: how interested the lead is, graded 1..4."""

    recency: Recency | None = None
    activities: list[EngagementEntry] = Field(default_factory=list)
    grades: NumberGrades

    @model_validator(mode="after")
    def _ids_and_recency(self) -> Engagement:
        problems = _duplicate_ids(self.activities, "activities", "engagement.activities")
        if self.recency is None and any(entry.is_activity for entry in self.activities):
            problems.append(("recency", "activity entries need a recency (half_life_days or windows)"))
        if problems:
            raise PathError(problems)
        return self


class Route(_Strict):
    action: NonBlank = Field(description="'sales' hands the lead to sales; anything else is free text.")
    sla_hours: Finite | None = Field(None, gt=0, description="How soon sales must act, in hours.")
    recycle: NonBlank | None = Field(None, description="The nurture track leads go to when sales rejects them "
                                                       "(free text, not 'sales'), e.g. 'nurture:recycled'.")

    @field_validator("recycle")
    @classmethod
    def _recycle_is_not_sales(cls, value: str | None) -> str | None:
        if value is not None and value.strip() == SALES_ACTION:
            raise ValueError(f"rejected leads go back to a nurture track, not to '{SALES_ACTION}'; got {value!r}")
        return value


class Routing(_Strict):
    default: Route = Field(default_factory=lambda: Route(action="nurture"))
    cells: dict[str, Route] = Field(default_factory=dict)

    @field_validator("cells")
    @classmethod
    def _known_cells(cls, cells: dict[str, Route]) -> dict[str, Route]:
        unknown = [(key, f"'{key}' is not a rating; use one of A1..D4") for key in cells if key not in RATINGS]
        if unknown:
            raise PathError(unknown)
        return cells

    def route_for(self, rating: str) -> Route:
        return self.cells.get(rating, self.default)


class ColumnMap(_Strict):
    """Model field -> column of the file, for files that don't use LeadGrid's names."""

    leads: dict[str, str] = Field(default_factory=dict)
    activities: dict[str, str] = Field(default_factory=dict)


SIGN_OFF_ROLES = ("sales", "marketing", "other")
class SignOff(_Strict):
    """One owner's confirmation of a saved version: who, in which role, and when."""

    name: NonBlank = Field(description="Who signed.")
    role: Literal["sales", "marketing", "other"] = Field(description="For whom they signed.")
    signed_at: Timestamp = Field(description="When, ISO 8601 (UTC when no zone is given).")


class LeadModel(_Strict):
    """A whole lead scoring model (format version 1)."""

    schema_version: Literal[1] = 1
    name: NonBlank
    version: str | None = Field(None, description="Free text, shown in exports and diffs.")
    description: str | None = None
    owners: dict[str, str] | None = None
    agreed_on: IsoDate | None = Field(None, description="The date the owners agreed on this version (YYYY-MM-DD).")
    sign_off: list[SignOff] | None = Field(
        None, description="Who confirmed this saved version, and when; added by signing, never by editing.")
    columns: ColumnMap | None = Field(None, description="Column mapping for the data this model is scored on.")
    profile: Profile
    engagement: Engagement
    routing: Routing = Field(default_factory=Routing)

    @field_validator("schema_version", mode="before")
    @classmethod
    def _version_is_a_number(cls, value: Any) -> Any:
        if isinstance(value, bool):  # True == 1 in Python; a boolean is refused where a number is due
            raise ValueError(f"must be the number 1; got {str(value).lower()}")
        return value

    @field_validator("sign_off")
    @classmethod
    def _signed_once(cls, sign_off: list[SignOff] | None) -> list[SignOff] | None:
        first: dict[tuple[str, str], int] = {}
        problems = []
        for index, entry in enumerate(sign_off or []):
            key = (entry.name.strip().casefold(), entry.role)
            if key in first:
                problems.append((f"[{index}]", f"{entry.name} has already signed as {entry.role} "
                                               f"(sign_off[{first[key]}])"))
            first.setdefault(key, index)
        if problems:
            raise PathError(problems)
        return sign_off

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @property
    def activity_entries(self) -> list[EngagementEntry]:
        return [entry for entry in self.engagement.activities if entry.is_activity]

    @property
    def field_entries(self) -> list[EngagementEntry]:
        return [entry for entry in self.engagement.activities if not entry.is_activity]

    def lead_fields(self) -> list[str]:
        """Columns of the leads table the model reads, in model order, without repeats."""
        fields = [category.field for category in self.profile.categories]
        fields += [entry.field for entry in self.field_entries if entry.field]
        return list(dict.fromkeys(fields))

    def where_columns(self) -> list[str]:
        """Columns of the activities table that the activity entries' ``where`` filters read,
        in model order, without repeats (beyond lead_id, activity and occurred_at)."""
        return list(dict.fromkeys(column for entry in self.activity_entries for column in entry.where or {}))

    def column_mapping(self, overrides: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, dict[str, str]]:
        """Model field -> file column for leads and activities: the ``columns`` section,
        with ``overrides`` on top; entries that map a field to itself are left out."""
        mapping: dict[str, dict[str, str]] = {"leads": {}, "activities": {}}
        if self.columns is not None:
            mapping = {"leads": dict(self.columns.leads), "activities": dict(self.columns.activities)}
        for table, pairs in (overrides or {}).items():
            mapping.setdefault(table, {}).update(pairs)
        return {table: {f: c for f, c in pairs.items() if f != c} for table, pairs in mapping.items()}

    def category_index(self, category_id: str) -> int:
        """Where the category with ``category_id`` is in ``profile.categories``."""
        for index, category in enumerate(self.profile.categories):
            if category.id == category_id:
                return index
        raise ModelError([Problem("profile.categories", f"no category with id '{category_id}'")])

    def category(self, category_id: str) -> Category:
        return self.profile.categories[self.category_index(category_id)]

    def sales_ratings(self) -> list[str]:
        return [rating for rating in RATINGS if self.routing.route_for(rating).action == SALES_ACTION]
