"""Numbers and rates as people read them, the same in the CLI, the app and the docs."""

from __future__ import annotations

from .missing import is_missing

NO_VALUE = "–"


def format_number(number: float) -> str:
    """Whole numbers without a decimal point (``30``, not ``30.0``), others in short form."""
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:g}"


def format_rate(rate: float | None, digits: int = 0) -> str:
    """A share as a percentage (``72%``), or ``–`` where there is none."""
    return NO_VALUE if is_missing(rate) else f"{rate:.{digits}%}"
