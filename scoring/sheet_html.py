"""The sign-off sheet as one self-contained HTML page: inline CSS (with print rules for one
A4 page width), the decay curve as inline SVG, no script, no link, nothing fetched."""

from __future__ import annotations

import datetime as dt
import math
from html import escape

from .metrics import Preview
from .model import LETTERS, NUMBERS, LeadModel
from .sheet import DecayCurve, Sheet, build_sheet, signed_text

CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 8.5pt/1.3 "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 0 auto;
       max-width: 186mm; padding: 4mm; }
h1 { font-size: 15pt; margin: 0 0 1mm; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; border-bottom: 1px solid #999; padding-bottom: 0.5mm; }
p { margin: 1mm 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #bbb; padding: 0.5mm 1.2mm; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eee; font-weight: 600; }
.meta td:first-child { width: 28mm; font-weight: 600; background: #f6f6f6; }
.note { border: 2px solid #D55E00; padding: 1.5mm 3mm; font-weight: 600; margin: 2mm 0; }
.muted { color: #555; }
.rules { margin: 0; padding-left: 4mm; }
.grid td, .grid th { text-align: center; }
.grid th:first-child { width: 10mm; }
.grid td.sales { background: #fde0cc; font-weight: 600; border: 2px solid #D55E00; }
.row { display: flex; gap: 4mm; }
.row > * { flex: 1 1 0; min-width: 0; }
.row > .decay { flex: 0 0 40%; }
.sign td { height: 8mm; }
.marks th, .marks td { text-align: center; padding: 0.5mm 0.3mm; }
svg { width: 100%; height: auto; display: block; }
section { break-inside: avoid; }
@media print { body { padding: 0; } }
"""


def _cells(values: list[object], tag: str = "td") -> str:
    return "".join(f"<{tag}>{escape(str(value))}</{tag}>" for value in values)


def _table(head: list[str], rows: list[list[object]], css: str = "", widths: tuple[int, ...] = ()) -> str:
    body = "".join(f"<tr>{_cells(row)}</tr>" for row in rows)
    columns = "".join(f'<col style="width:{width}%">' for width in widths)
    columns = f"<colgroup>{columns}</colgroup>" if columns else ""
    return f'<table class="{css}">{columns}<thead><tr>{_cells(head, "th")}</tr></thead><tbody>{body}</tbody></table>'


def _header(sheet: Sheet) -> str:
    rows = [("Version", sheet.version), ("Agreed on", sheet.agreed_on)]
    if sheet.description:
        rows.append(("Description", sheet.description))
    meta = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    note = f'<p class="note">{escape(sheet.note)}</p>' if sheet.note else ""
    return (f"<h1>{escape(sheet.title)}</h1>{note}<table class=\"meta\">{meta}</table>")


def _sign_off(sheet: Sheet) -> str:
    if not sheet.signatures:
        return "<section><h2>Sign-off</h2><p class=\"muted\">No owners are named in this model.</p></section>"
    rows = "".join(
        f"<tr><td>{escape(s.owner_role)}</td><td>{escape(s.person)}</td>"
        f"<td>{escape('signed ' + signed_text(s)) if s.signed else ''}</td><td></td></tr>"
        for s in sheet.signatures)
    return ("<section><h2>Owners and sign-off</h2><table class=\"sign\"><thead><tr><th>Role</th><th>Name</th>"
            f"<th>Signed in LeadGrid</th><th>Signature</th></tr></thead><tbody>{rows}</tbody></table></section>")


def _profile(sheet: Sheet) -> str:
    rows = []
    for block in sheet.categories:
        rules = "".join(f"<li>{escape(rule.condition)} → <b>{escape(rule.value)}</b></li>" for rule in block.rules)
        rows.append(f"<tr><td><b>{escape(block.label)}</b><br><span class=\"muted\">{escape(block.field)}</span></td>"
                    f"<td>{escape(block.weight)}</td><td><ol class=\"rules\">{rules}</ol></td></tr>")
    grades = ", ".join(f"{name}: {band}" for name, band in sheet.letter_grades)
    return ("<section><h2>Profile: who is a good fit (A–D)</h2><table><colgroup><col style=\"width:30%\">"
            "<col style=\"width:12%\"><col></colgroup><thead><tr><th>Category (column)</th><th>Weight</th>"
            f"<th>Rules, first match wins → value</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p>Profile score = Σ weight × value / 100, clipped to 0–100. <b>Letters</b>: {escape(grades)}.</p>"
            "</section>")


def _ticks(horizon: float) -> list[float]:
    """Round ages from 0 to ``horizon``, four to ten of them (steps of 1, 2 or 5 × 10^k)."""
    step = 10 ** math.floor(math.log10(max(horizon, 1e-9) / 4))
    for factor in (1, 2, 5, 10):
        if horizon / (step * factor) <= 8:
            step *= factor
            break
    return [step * index for index in range(int(horizon / step + 1e-9) + 1)]


def decay_svg(curve: DecayCurve, width: int = 360, height: int = 150) -> str:
    """The decay curve as an inline SVG: age in days across, share counted up."""
    left, right, top, bottom = 34, width - 8, 8, height - 24
    horizon = max(curve.ages[-1], 1e-9)

    def x(age: float) -> float:
        return left + (right - left) * age / horizon

    def y(factor: float) -> float:
        return bottom - (bottom - top) * min(max(factor, 0.0), 1.0)

    points = " ".join(f"{x(a):.1f},{y(f):.1f}" for a, f in zip(curve.ages, curve.factors, strict=True))
    grid = "".join(f'<line x1="{left}" x2="{right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 4}" y="{y(v) + 3:.1f}" text-anchor="end">{v:.0%}</text>'
                   for v in (0.0, 0.5, 1.0))
    ticks = "".join(f'<text x="{x(age):.1f}" y="{bottom + 12}" text-anchor="middle">{age:g}</text>'
                    for age in _ticks(horizon))
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Decay curve" font-size="9" '
            f'font-family="sans-serif">{grid}{ticks}'
            f'<polyline fill="none" stroke="#0072B2" stroke-width="2" points="{points}"/>'
            f'<text x="{(left + right) / 2}" y="{height - 2}" text-anchor="middle">age of the activity (days)</text>'
            "</svg>")


def _engagement(sheet: Sheet) -> str:
    table = _table(["Entry", "Counts", "Points", "Cap"],
                   [[a.label, a.counts, a.points, a.cap] for a in sheet.activities], "entries",
                   (30, 40, 18, 12)) if sheet.activities else "<p class=\"muted\">No engagement entries.</p>"
    grades = ", ".join(f"{name}: {band}" for name, band in sheet.number_grades)
    decay = ""
    if sheet.decay is not None:
        marks = _table(["days", *(m[0].removesuffix(" days") for m in sheet.decay.marks)],
                       [["counts", *(m[1] for m in sheet.decay.marks)]], "marks", (17,))
        decay = (f"<div class=\"decay\"><p><b>Decay</b>: {escape(sheet.decay.text)}.</p>{decay_svg(sheet.decay)}"
                 f"<p class=\"muted\">An activity this many days old counts as:</p>{marks}</div>")
    return ("<section><h2>Engagement: how interested (1–4)</h2>"
            f"<div class=\"row\"><div>{table}<p>Entry points = points × min(decayed count, cap); "
            f"engagement score clipped to 0–100. <b>Numbers</b>: {escape(grades)}.</p></div>{decay}</div></section>")


def _grid(cell_text) -> str:
    head = "<tr><th></th>" + "".join(f"<th>{n}</th>" for n in NUMBERS) + "</tr>"
    rows = []
    for letter in LETTERS:
        cells = []
        for number in NUMBERS:
            css, html = cell_text(letter + number)
            cells.append(f'<td class="{css}">{html}</td>')
        rows.append(f"<tr><th>{letter}</th>{''.join(cells)}</tr>")
    return f'<table class="grid"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _routing(sheet: Sheet) -> str:
    def cell(rating: str) -> tuple[str, str]:
        return ("sales" if rating in sheet.sales_cells else "", escape(sheet.routing[rating]))

    to_sales = ", ".join(sheet.sales_cells) or "none"
    return ("<section><h2>Routing: what happens to each rating</h2>"
            f"{_grid(cell)}<p>Handed to sales (highlighted): {escape(to_sales)}. "
            "≤ N h: sales acts within N hours.</p></section>")


def _preview(sheet: Sheet) -> str:
    block = sheet.preview
    if block is None:
        return ""

    def cell(rating: str) -> tuple[str, str]:
        leads, rate = block.cells[rating]
        return ("sales" if rating in sheet.sales_cells else "", f"{escape(leads)}<br><b>{escape(rate)}</b>")

    figures = _table(["To sales", "Per month", block.rate_label, "Rest", "Conversions caught"],
                     [[block.to_sales, block.per_month, block.rate, block.rest_rate, block.caught]])
    return (f"<section><h2>On the historical leads</h2><p class=\"muted\">{escape(block.source)}. "
            f"Per cell: leads and {escape(block.rate_label.lower())}.</p>{_grid(cell)}{figures}"
            + (f"<p class=\"muted\">{escape(block.footnote)}</p>" if block.footnote else "") + "</section>")


def render_html(sheet: Sheet) -> str:
    """The sheet as a complete HTML document."""
    grids = (f"<div class=\"row\">{_routing(sheet)}{_preview(sheet)}</div>" if sheet.preview is not None
             else _routing(sheet))
    body = "".join([_header(sheet), _sign_off(sheet), _profile(sheet), _engagement(sheet), grids,
                    f"<p class=\"muted\">LeadGrid model sheet · printed {escape(sheet.printed_on)}</p>"])
    title = escape(f"{sheet.title} {sheet.version}")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def sheet_html(model: LeadModel, preview: Preview | None = None, *, source: str = "", note: str | None = None,
               printed_on: dt.date | None = None) -> str:
    """The sign-off sheet of ``model`` as self-contained, printable HTML."""
    return render_html(build_sheet(model, preview, source=source, note=note, printed_on=printed_on))
