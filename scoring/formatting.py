"""Numbers and rates as people read them, the same in the CLI, the app and the docs."""

from __future__ import annotations

import math
import re
import unicodedata

from scoring.data.missing import is_missing

NO_VALUE = "–"


def format_number(number: float) -> str:
    """Whole numbers without a decimal point (``30``, not ``30.0``), others in short form."""
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:g}"


def rate_digits(rate: float) -> int:
    """Decimals that show a share with at least two significant digits below 10 %: 72%, 1.8%,
    0.79%, 0.052% (at most 3); whole percents from 10 % up and for 0."""
    percent = abs(float(rate)) * 100
    if percent == 0 or percent >= 9.95 or not math.isfinite(percent):  # 9.95 % would read 10.0%
        return 0
    return min(max(1 - math.floor(math.log10(percent)), 1), 3)


def format_rate(rate: float | None, digits: int | None = None) -> str:
    """A share as a percentage, or ``–`` where there is none. The one way every page, the CLI
    and the sheet write a rate: with ``rate_digits`` decimals, so that at low base rates
    (1.75 % against 0.79 %) the figures read 1.8% and 0.79%, not 2% and 1%; ``digits`` fixes
    the decimals."""
    if is_missing(rate):
        return NO_VALUE
    return f"{rate:.{rate_digits(rate) if digits is None else digits}%}"


def format_interval(rate: float | None, low: float | None, high: float | None) -> str:
    """``72% (65%–78%)``: a rate with its 95 % interval, each end written as ``format_rate``."""
    if is_missing(rate):
        return NO_VALUE
    return f"{format_rate(rate)} ({format_rate(low)}–{format_rate(high)})"


def format_lift(lift: float | None, low: float | None, high: float | None) -> str:
    """``2.1× (1.4–3.2)``: how many times one rate is another, with its interval; ∞ for a rate
    over none."""
    if is_missing(lift):
        return NO_VALUE

    def one(value: float | None) -> str:
        return NO_VALUE if is_missing(value) else ("∞" if math.isinf(value) else f"{value:.1f}")

    return f"{one(lift)}× ({one(low)}–{one(high)})"


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
