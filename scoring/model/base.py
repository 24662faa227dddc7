"""What every class of the model format shares: strict pydantic classes (unknown keys
refused, text without control characters) and the annotated types of its fields."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from scoring.errors import PathError

# Characters a model's text may not hold: control characters other than tab and line
# breaks, and the ones YAML reads as line breaks or refuses (they could not round-trip).
_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _scalar_item(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return value
    raise ValueError(f"an item must be text or a number; got {value!r}")


Scalar = Annotated[str | int | float, Field(union_mode="left_to_right"), BeforeValidator(_scalar_item)]
# strict: a number must be written as a number (not "30", not true)
RuleValue = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False, strict=True)]
Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(f"needs text other than spaces; got {value!r}")
    return value


# Ids, names, fields and actions: text that is not only spaces (an id of spaces cannot be
# told apart in a table; a contains_any item '' would match every value).
NonBlank = Annotated[str, Field(min_length=1, json_schema_extra={"pattern": r"\S"}), AfterValidator(_not_blank)]


def _text_problems(key: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str):
        found = _FORBIDDEN_TEXT.search(value)
        if found:
            return [(key, f"text may not contain the control character U+{ord(found.group()):04X}")]
    elif isinstance(value, list):
        return [problem for index, item in enumerate(value) for problem in _text_problems(f"{key}[{index}]", item)]
    return []


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=False)

    @model_validator(mode="before")
    @classmethod
    def _printable_text(cls, data: Any) -> Any:
        if isinstance(data, dict):
            problems = [p for key, value in data.items() for p in _text_problems(str(key), value)]
            if problems:
                raise PathError(problems)
        return data
