"""The sign-off sheet: one printable page that says what was agreed.

``build_sheet`` gathers, as plain text and numbers, everything the sheet shows: name,
version, owners and their signatures, the agreement date, every category's weight and
rules, the activity points and caps, the decay curve, the thresholds, the routing matrix
with SLAs and, given a preview on historical leads, the matrix with acceptance, the leads
to sales per month and the share of past conversions caught. ``scoring.agreement.sheet_html`` and
``scoring.agreement.sheet_md`` render it; nothing here formats for one medium only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from scoring.agreement.signoff import Signature, signatures
from scoring.data.missing import is_missing
from scoring.engine.recency import decay_factors
from scoring.engine.where import describe_where
from scoring.formatting import NO_VALUE, format_number, format_rate
from scoring.measures.metrics import Preview, headline
from scoring.model.schema import LETTERS, NUMBERS, RATINGS, SALES_ACTION, LeadModel, Recency

CURVE_POINTS = 121
MARK_AGES = (0, 7, 14, 30, 60, 90, 180, 365)


@dataclass(frozen=True)
class RuleLine:
    condition: str  # "in [Software, Finance]", "no rule matched"
    value: str


@dataclass(frozen=True)
class CategoryBlock:
    label: str
    field: str
    weight: str  # "25 %"
    rules: list[RuleLine]


@dataclass(frozen=True)
class ActivityLine:
    label: str
    counts: str  # "activity demo_request" or "column total_visits"
    points: str  # "40 each" or the rules
    cap: str


@dataclass(frozen=True)
class DecayCurve:
    text: str  # "half-life 30 days; activities older than 365 days count nothing"
    ages: list[float]
    factors: list[float]
    marks: list[tuple[str, str]]  # ("30 days", "50%")


@dataclass(frozen=True)
class PreviewBlock:
    source: str
    rate_label: str  # "Accepted by sales" or "Converted"
    cells: dict[str, tuple[str, str]]  # rating -> ("1,204 leads", "38%*")
    to_sales: str  # "1,340 leads (22.3%)"
    per_month: str
    rate: str  # of the to-sales set
    rest_rate: str
    caught: str  # "61% (183 of 300)"
    footnote: str


@dataclass(frozen=True)
class Sheet:
    title: str
    version: str
    description: str
    agreed_on: str
    printed_on: str
    note: str | None
    signatures: list[Signature]
    categories: list[CategoryBlock]
    letter_grades: list[tuple[str, str]]  # ("A", "70 – 100")
    activities: list[ActivityLine]
    decay: DecayCurve | None
    number_grades: list[tuple[str, str]]
    routing: dict[str, str]  # rating -> "sales ≤ 24 h" / "nurture"
    sales_cells: list[str]
    preview: PreviewBlock | None = None


def _pct(value: float | None) -> str:
    return format_rate(value) if not is_missing(value) else NO_VALUE


def _ranges(grades: dict[str, float], names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each grade's score band: ``A: 70 – 100``, ``B: 50 – <70`` ... ``D: 0 – <25``."""
    bands = []
    for index, name in enumerate(names):
        low = format_number(grades[name])
        high = "100" if index == 0 else f"<{format_number(grades[names[index - 1]])}"
        bands.append((name, f"{low} – {high}"))
    return bands


def route_text(action: str, sla_hours: float | None) -> str:
    """``sales ≤ 24 h``, ``nurture``: a routing cell in a few characters."""
    return action + (f" ≤ {format_number(sla_hours)} h" if sla_hours else "")


def decay_curve(recency: Recency) -> DecayCurve:
    """The decay factors from age 0 to the horizon (``max_age_days``, else six half-lives, else
    past the last window), and the factor at a few round ages, computed by the engine."""
    if recency.half_life_days is not None:
        text = f"half-life {format_number(recency.half_life_days)} days"
        horizon = recency.max_age_days or recency.half_life_days * 6
    else:
        windows = recency.windows or []
        text = "windows: " + ", ".join(f"≤ {format_number(w.within_days)} days × {format_number(w.factor)}"
                                       for w in windows)
        horizon = recency.max_age_days or max(w.within_days for w in windows) * 1.2 or 1.0
    if recency.max_age_days is not None:
        text += f"; older than {format_number(recency.max_age_days)} days counts nothing"
    ages = np.linspace(0.0, float(horizon) * 1.05, CURVE_POINTS)
    if recency.windows:  # the step edges themselves, so the drawn steps fall at the right ages
        edges = [w.within_days for w in recency.windows] + ([recency.max_age_days] if recency.max_age_days else [])
        ages = np.unique(np.concatenate([ages, edges, np.nextafter(np.asarray(edges, dtype=float), np.inf)]))
    factors = decay_factors(ages, recency)
    shown = [age for age in MARK_AGES if age <= horizon]
    marks = [(f"{age} days", format_rate(float(f))) for age, f in zip(shown, decay_factors(np.asarray(shown, float),
                                                                                          recency), strict=True)]
    return DecayCurve(text, ages.tolist(), factors.tolist(), marks)


def _categories(model: LeadModel) -> list[CategoryBlock]:
    blocks = []
    for category in model.profile.categories:
        rules = [RuleLine(rule.match.describe(), format_number(rule.value)) for rule in category.rules]
        rules.append(RuleLine("any other value" if rules else "every value", format_number(category.default)))
        blocks.append(CategoryBlock(category.label or category.id, category.field,
                                    f"{format_number(category.weight)} %", rules))
    return blocks


def _activities(model: LeadModel) -> list[ActivityLine]:
    lines = []
    for entry in model.engagement.activities:
        label = entry.label or entry.id
        if entry.is_activity:
            cap = NO_VALUE if entry.max_count is None else f"{format_number(entry.max_count)}"
            where = describe_where(entry.where)
            lines.append(ActivityLine(label, f"activity {entry.activity}" + (f" where {where}" if where else ""),
                                      f"{format_number(entry.points)} each", cap))
        else:
            rules = "; ".join(f"{rule.match.describe()} → {format_number(rule.value)}" for rule in entry.rules or [])
            lines.append(ActivityLine(label, f"column {entry.field} (no decay)", rules or "0", NO_VALUE))
    return lines


def _preview_block(preview: Preview, source: str) -> PreviewBlock:
    head = headline(preview)
    matrix, sales = preview.matrix, preview.sales
    cells = {}
    for rating in RATINGS:
        row = matrix.loc[rating]
        few = (row["too_few_decisions" if head.outcome == "acceptance" else "too_few_conversions"]
               and not is_missing(row[head.rate_column]))
        cells[rating] = (f"{int(row['leads']):,} leads", _pct(row[head.rate_column]) + ("*" if few else ""))
    per_month = NO_VALUE if sales.leads_per_month is None else (  # with the months it counts
        f"{sales.leads_per_month:,.0f} ({sales.per_month_label})")
    caught = NO_VALUE if is_missing(sales.conversions_caught_share) else (
        f"{_pct(sales.conversions_caught_share)} ({sales.conversions_caught:,} of {sales.conversions_total:,})")
    total = int(matrix["leads"].sum())
    marked = any(rate.endswith("*") for _, rate in cells.values())
    return PreviewBlock(
        source=f"{source}: {total:,} leads" if source else f"{total:,} leads",
        rate_label=head.label, cells=cells,
        to_sales=f"{sales.leads:,} leads ({format_rate(sales.share, 1)})",
        per_month=per_month, rate=_pct(head.rate), rest_rate=_pct(head.rest_rate), caught=caught,
        footnote=f"* {head.few_rule} in the cell: too few to trust the rate."
        if marked else "",
    )


def build_sheet(model: LeadModel, preview: Preview | None = None, *, source: str = "",
                note: str | None = None, printed_on: dt.date | None = None) -> Sheet:
    """Everything the sheet shows for ``model`` (and, with ``preview``, its result on the
    historical leads named by ``source``). ``note`` is a banner, e.g. that this is a draft;
    a model without a version gets one saying so."""
    if note is None and not model.version:
        note = "Draft: this model has no version yet, so it cannot be signed."
    routes = {rating: model.routing.route_for(rating) for rating in RATINGS}
    return Sheet(
        title=model.name,
        version=model.version or NO_VALUE,
        description=model.description or "",
        agreed_on=model.agreed_on.isoformat() if model.agreed_on else "not yet",
        printed_on=(printed_on or dt.date.today()).isoformat(),
        note=note,
        signatures=signatures(model),
        categories=_categories(model),
        letter_grades=_ranges(model.profile.grades.as_dict(), LETTERS),
        activities=_activities(model),
        decay=decay_curve(model.engagement.recency) if model.engagement.recency else None,
        number_grades=_ranges(model.engagement.grades.as_dict(), NUMBERS),
        routing={rating: route_text(route.action, route.sla_hours) for rating, route in routes.items()},
        sales_cells=[rating for rating, route in routes.items() if route.action == SALES_ACTION],
        preview=_preview_block(preview, source) if preview is not None else None,
    )


def signed_text(signature: Signature) -> str:
    """``2027-01-15 14:30 UTC``, or empty when not signed yet."""
    return "" if signature.signed is None else f"{signature.signed.signed_at:%Y-%m-%d %H:%M} UTC"
