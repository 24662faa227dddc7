"""Dates and moments in a model file (``agreed_on``, ``sign_off[].signed_at``): ISO 8601 text,
or the date and datetime objects a YAML reader may give for it; anything else is refused
with the value received."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """A calendar date: a date object (as a YAML reader may give) or text ``YYYY-MM-DD``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    shown = value.isoformat() if isinstance(value, dt.datetime) else repr(value)
    raise ValueError(f"must be a date written YYYY-MM-DD (no time); got {shown}")


def _iso_timestamp(value: Any) -> Any:
    """A moment: ISO 8601 text or a datetime; a date alone is midnight, no zone is UTC. Kept in UTC."""
    moment = value
    if isinstance(value, str) and value.strip()[:1].isdigit():
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            moment = value
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        moment = dt.datetime(value.year, value.month, value.day)
    if not isinstance(moment, dt.datetime):
        raise ValueError(f"must be a date and time written like 2027-01-15T14:30:00Z; got {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"must be a moment between the years 1 and 9999 in UTC; got {value!r}") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Timestamp = Annotated[dt.datetime, BeforeValidator(_iso_timestamp)]
