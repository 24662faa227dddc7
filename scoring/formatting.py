"""Numbers and rates as people read them, the same in the CLI, the app and the docs."""

from __future__ import annotations

import re
import unicodedata

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


def file_slug(text: str, limit: int = 60, fallback: str = "model") -> str:
    """``text`` as a file-name stem: lower-case ASCII letters and digits, each run of anything
    else one dash, none at either end (``Online Shoppers (UCI) — session scoring`` becomes
    ``online-shoppers-uci-session-scoring``); accents dropped, cut at a dash within ``limit``
    characters; ``fallback`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else slug[:limit]).strip("-")
    return slug or fallback
