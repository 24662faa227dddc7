"""Text renderings: a preview and an explanation for the terminal, and the evidence tables' rates
with their intervals as the pages show them (``rate_text``, ``evidence_text``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from scoring.data.missing import is_missing, shown
from scoring.engine.explain import Explanation
from scoring.measures.grid import recorded_outcomes
from scoring.measures.metrics import Preview, headline
from scoring.measures.volume import per_month_text
from scoring.model.schema import LETTERS, NUMBERS, SALES_ACTION

LABEL_WIDTH = 24  # the narrowest label column of an explanation


def _pct(value: float | None) -> str:
    return "   –  " if is_missing(value) else f"{value:6.1%}"


def _cell_text(row: pd.Series, rate: str) -> str:
    shown = _pct(row[rate])
    few = row["too_few_decisions" if rate == "acceptance_rate" else "too_few_conversions"]
    mark = "*" if few and row["leads"] else " "
    route = "S" if row["action"] == SALES_ACTION else " "
    return f"{route}{int(row['leads']):>7,} {shown}{mark}"  # always 16 characters


def matrix_table(preview: Preview) -> str:
    """The A1..D4 grid: leads and acceptance per cell (conversion when the data records no
    sales decisions), S for to-sales cells, then the headline."""
    matrix = preview.matrix
    head = headline(preview)
    rate = head.rate_column
    noun = "acceptance by sales" if head.outcome == "acceptance" else "conversion"
    width = 16
    lines = [f"Leads per cell and {noun} (S = routed to sales, * = {head.few_rule})",
             "", "    " + "".join(f"{n:^{width}}" for n in NUMBERS)]
    for letter in LETTERS:
        cells = "".join(f"{_cell_text(matrix.loc[letter + number], rate):>{width}}" for number in NUMBERS)
        lines.append(f"  {letter} {cells}")
    lines += ["", *sales_lines(preview)]
    return "\n".join(lines)


def sales_lines(preview: Preview) -> list[str]:
    sales = preview.sales
    per_month = per_month_text(sales.leads_per_month, sales.window, 1)
    caught = "–" if is_missing(sales.conversions_caught_share) else (
        f"{sales.conversions_caught_share:.1%} ({sales.conversions_caught:,} of {sales.conversions_total:,})")
    interval = "" if is_missing(sales.acceptance_low) else (
        f" (95% CI {sales.acceptance_low:.1%}–{sales.acceptance_high:.1%}, {sales.decided:,} decisions)")
    lines = [f"To sales: {sales.leads:,} leads ({_pct(sales.share).strip()}), {per_month}"]
    head = headline(preview)
    detail = interval if head.outcome == "acceptance" else ""
    lines.append(f"{head.label}: {_pct(head.rate).strip()}{detail}; the rest: {_pct(head.rest_rate).strip()}")
    lines.append(f"Past conversions caught: {caught}")
    if sales.unrecognised_outcomes:
        lines.append(f"Note: {sales.unrecognised_outcomes:,} outcome values were not yes/no and were ignored")
    return lines


def explanation_text(explanation: Explanation) -> str:
    """Why a lead got its rating, as a few aligned lines."""
    e = explanation
    # the label column is as wide as the longest label, so a long label never runs into the value
    width = max([LABEL_WIDTH, *(len(r.label) for r in [*e.categories, *e.fields, *e.activities])])
    sla = f", within {e.sla_hours:g} h" if e.sla_hours else ""
    lines = [f"Lead {e.lead_id}: {e.rating} -> {e.action}{sla}",
             f"Profile {e.profile_score:.1f} ({e.profile_grade})" + _clip_note(e.profile_raw, e.profile_score)]
    for reason in e.categories:
        lines.append(f"  {reason.label:<{width}} {_shown(reason.value):<24} {reason.rule[:40]:<40} "
                     f"{reason.share:>6g} x {reason.weight:g}% = {reason.points:+.1f}")
    lines.append(f"Engagement {e.engagement_score:.1f} ({e.engagement_grade})"
                 + _clip_note(e.engagement_raw, e.engagement_score))
    for activity in e.activities:
        if activity.occurrences:
            cap = "" if activity.max_count is None else f", cap {activity.max_count:g}"
            lines.append(f"  {activity.label:<{width}} {activity.occurrences} x, decayed {activity.decayed_count:.2f}"
                         f"{cap} x {activity.points_each:g} pts = {activity.points:+.1f}")
    for reason in e.fields:
        lines.append(f"  {reason.label:<{width}} {_shown(reason.value):<24} {reason.rule[:40]:<40} = {reason.points:+.1f}")
    left_out = e.after_handover_text()
    if left_out:
        lines.append(left_out)
    if e.as_of is not None:
        lines.append(f"Ages measured at {e.as_of:%Y-%m-%d %H:%M} UTC")
    return "\n".join(lines)


def _shown(value: object) -> str:
    return shown(value)[:24]


def _clip_note(raw: float, clipped: float) -> str:
    return f"  (sum {raw:.1f}, clipped)" if abs(raw - clipped) > 1e-9 else ""


# ----- the evidence tables, as the pages show them


RATE_NAMES = {"acceptance": "Accepted by sales", "conversion": "Converted"}


def rate_text(rate: float, low: float, high: float) -> str:
    """A rate with its interval as a workshop reads it: ``24.9% (23.1–26.8%)``; ``–`` without one."""
    if rate != rate:
        return "–"
    return f"{rate:.1%} ({low * 100:.1f}–{high:.1%})"


def evidence_text(frame: pd.DataFrame, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """``leads`` and, per outcome the data records (or ``outcomes``), its rate as ``rate_text``
    in a column named after the outcome (``acceptance``, ``conversion``)."""
    outcomes = recorded_outcomes(frame) if outcomes is None else list(outcomes)
    shown = pd.DataFrame({"leads": frame["leads"].astype(int)}, index=frame.index)
    for name in outcomes:
        shown[name] = [rate_text(r, lo, hi) for r, lo, hi in
                       zip(frame[f"{name}_rate"], frame[f"{name}_low"], frame[f"{name}_high"], strict=True)]
    return shown
