"""What counts as missing, in one place.

A value is missing when it is None, a float NaN, pandas' ``NA`` or ``NaT``; a table cell
is also blank when it holds text that is empty after trimming. ``NAT`` is the int64
nanosecond stamp that stands for a missing date in the engine's arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

NAT = np.iinfo(np.int64).min
MISSING_TEXT = "(missing)"


def is_missing(value: Any) -> bool:
    """None, NaN (float or numpy), ``pd.NA`` or ``pd.NaT``; never raises."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return False


def is_blank(value: Any) -> bool:
    """Missing, or text with nothing but spaces: an empty table cell."""
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A value as text for a person: ``(missing)`` for a missing one."""
    return MISSING_TEXT if is_missing(value) else str(value)


def json_value(value: Any) -> Any:
    """A value for strict JSON: missing and non-finite numbers become null; numpy scalars
    become Python ones."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
