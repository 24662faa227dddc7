"""The sign-off sheet as one self-contained HTML page: inline CSS (print rules for one
portrait A4 page: small print type, the categories as cards three to a row, the routing
and preview matrices side by side, the owners' lines to sign last; a bigger model
continues on a second page, breaking between cards and table rows, never inside one),
the decay curve as inline SVG, no script, no link, nothing fetched."""

from __future__ import annotations

import datetime as dt
import math
from html import escape

from scoring.agreement.sheet import DecayCurve, Sheet, build_sheet, signed_text
from scoring.measures.metrics import Preview
from scoring.model.schema import LETTERS, NUMBERS, LeadModel

CSS = """
@page { size: A4 portrait; margin: 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 8pt/1.25 "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 0 auto;
       max-width: 190mm; padding: 4mm; }
h1 { font-size: 14pt; margin: 0 0 1mm; line-height: 1.15; }
h2 { font-size: 9pt; margin: 2.5mm 0 1mm; border-bottom: 1px solid #999; padding-bottom: 0.3mm;
     break-after: avoid; }
h2 .muted { font-weight: normal; font-size: 7.5pt; }
p { margin: 0.8mm 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 7.5pt; }
th, td { border: 1px solid #bbb; padding: 0.3mm 1mm; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eee; font-weight: 600; }
tr, .card, .decay, .grid, .sign, .figures { break-inside: avoid; }
.top { display: flex; flex-wrap: wrap; gap: 1mm 4mm; align-items: center; justify-content: space-between; }
.top h1 { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.meta { width: auto; table-layout: auto; margin: 0; }
.meta th { background: #f6f6f6; }
.meta td { padding-right: 3mm; }
.note { border: 2px solid #D55E00; padding: 1mm 2.5mm; font-weight: 600; margin: 1.5mm 0; }
.muted { color: #555; }
.small { font-size: 7.2pt; }
.cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1.5mm; }
.card { border: 1px solid #bbb; padding: 0.6mm 1.2mm 0.8mm; font-size: 7.5pt; }
.card-head { display: flex; gap: 1.5mm; align-items: baseline; border-bottom: 1px solid #ddd;
             margin-bottom: 0.4mm; }
.card-head .weight { margin-left: auto; font-weight: 700; white-space: nowrap; }
.rules { margin: 0; padding-left: 4.2mm; }
.grid td, .grid th { text-align: center; vertical-align: middle; }
.grid th:first-child { width: 6mm; }
.grid td.sales { background: #fde0cc; font-weight: 600; border: 2px solid #D55E00; }
.row { display: flex; gap: 4mm; }
.row > * { flex: 1 1 0; min-width: 0; }
.row > .decay { flex: 0 0 38%; }
.sign td { height: 7mm; }
.marks th, .marks td { text-align: center; padding: 0.3mm 0.2mm; }
svg { width: 100%; height: auto; display: block; }
footer { margin-top: 1.5mm; }
@media print { body { padding: 0; max-width: none; } }
"""


def _cells(values: list[object], tag: str = "td") -> str:
    return "".join(f"<{tag}>{escape(str(value))}</{tag}>" for value in values)


def _table(head: list[str], rows: list[list[object]], css: str = "", widths: tuple[int, ...] = ()) -> str:
    body = "".join(f"<tr>{_cells(row)}</tr>" for row in rows)
    columns = "".join(f'<col style="width:{width}%">' for width in widths)
    columns = f"<colgroup>{columns}</colgroup>" if columns else ""
    return f'<table class="{css}">{columns}<thead><tr>{_cells(head, "th")}</tr></thead><tbody>{body}</tbody></table>'


def _header(sheet: Sheet) -> str:
    meta = "".join(f"<th>{escape(k)}</th><td>{escape(v)}</td>"
                   for k, v in (("Version", sheet.version), ("Agreed on", sheet.agreed_on)))
    note = f'<p class="note">{escape(sheet.note)}</p>' if sheet.note else ""
    description = f"<p>{escape(sheet.description)}</p>" if sheet.description else ""
    return (f'<header class="top"><h1>{escape(sheet.title)}</h1><table class="meta"><tr>{meta}</tr></table></header>'
            f"{note}{description}")


def _sign_off(sheet: Sheet) -> str:
    """Last on the page, after everything it agrees to: one line per owner, room to sign."""
    if not sheet.signatures:
        return "<section><h2>Sign-off</h2><p class=\"muted\">No owners are named in this model.</p></section>"
    rows = "".join(
        f"<tr><td>{escape(s.owner_role)}</td><td>{escape(s.person)}</td>"
        f"<td>{escape('signed ' + signed_text(s)) if s.signed else ''}</td><td></td><td></td></tr>"
        for s in sheet.signatures)
    return ("<section><h2>Owners and sign-off</h2><table class=\"sign\"><colgroup><col style=\"width:13%\">"
            "<col style=\"width:22%\"><col style=\"width:23%\"><col style=\"width:14%\"><col></colgroup>"
            "<thead><tr><th>Role</th><th>Name</th><th>Signed in LeadGrid</th><th>Date</th><th>Signature</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></section>")


def _profile(sheet: Sheet) -> str:
    cards = []
    for block in sheet.categories:
        rules = "".join(f"<li>{escape(rule.condition)} → <b>{escape(rule.value)}</b></li>" for rule in block.rules)
        cards.append(f"<div class=\"card\"><div class=\"card-head\"><b>{escape(block.label)}</b>"
                     f"<span class=\"muted\">{escape(block.field)}</span>"
                     f"<span class=\"weight\">{escape(block.weight)}</span></div><ol class=\"rules\">{rules}</ol></div>")
    grades = ", ".join(f"{name}: {band}" for name, band in sheet.letter_grades)
    return ("<section><h2>Profile: who is a good fit (A–D) <span class=\"muted\">category, column, weight; "
            f"rules in order, the first match wins → value</span></h2><div class=\"cards\">{''.join(cards)}</div>"
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


def decay_svg(curve: DecayCurve, width: int = 360, height: int = 120) -> str:
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
                   (27, 36, 28, 9)) if sheet.activities else "<p class=\"muted\">No engagement entries.</p>"
    grades = ", ".join(f"{name}: {band}" for name, band in sheet.number_grades)
    decay = ""
    if sheet.decay is not None:
        marks = _table(["days", *(m[0].removesuffix(" days") for m in sheet.decay.marks)],
                       [["counts", *(m[1] for m in sheet.decay.marks)]], "marks", (15,))
        decay = (f"<div class=\"decay\"><p><b>Decay</b>: {escape(sheet.decay.text)}.</p>{decay_svg(sheet.decay)}"
                 f"<p class=\"muted small\">An activity this many days old counts as:</p>{marks}</div>")
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
        return ("sales" if rating in sheet.sales_cells else "", escape(sheet.routing[rating]).replace(":", ":<wbr>"))

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
                     [[block.to_sales, block.per_month, block.rate, block.rest_rate, block.caught]], "figures",
                     (24, 14, 20, 12, 30))
    return (f"<section><h2>On the historical leads</h2><p class=\"muted\">{escape(block.source)}. "
            f"Per cell: leads and {escape(block.rate_label.lower())}.</p>{_grid(cell)}{figures}"
            + (f"<p class=\"muted\">{escape(block.footnote)}</p>" if block.footnote else "") + "</section>")


def render_html(sheet: Sheet) -> str:
    """The sheet as a complete HTML document."""
    grids = (f"<div class=\"row\">{_routing(sheet)}{_preview(sheet)}</div>" if sheet.preview is not None
             else _routing(sheet))
    body = "".join([_header(sheet), _profile(sheet), _engagement(sheet), grids, _sign_off(sheet),
                    f"<footer class=\"muted\">LeadGrid model sheet · printed {escape(sheet.printed_on)}</footer>"])
    title = escape(f"{sheet.title} {sheet.version}")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def sheet_html(model: LeadModel, preview: Preview | None = None, *, source: str = "", note: str | None = None,
               printed_on: dt.date | None = None) -> str:
    """The sign-off sheet of ``model`` as self-contained, printable HTML."""
    return render_html(build_sheet(model, preview, source=source, note=note, printed_on=printed_on))
