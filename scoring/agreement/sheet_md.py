"""The sign-off sheet as Markdown, for a wiki page or a pull request: the same content as
the HTML sheet, with the decay curve as a table of ages.

Every text from the model (name, owners, labels, columns, rules, routing, notes) is escaped
as the HTML sheet escapes it: Markdown renders raw HTML, so ``name: "<script>…"`` or
``<img onerror=…>`` would otherwise run where the sheet is shown. ``&lt;`` reads as ``<``.
"""

from __future__ import annotations

import datetime as dt
import html

from scoring.agreement.sheet import Sheet, build_sheet, signed_text
from scoring.measures.metrics import Preview
from scoring.model.schema import LETTERS, NUMBERS, LeadModel


def _text(value: object) -> str:
    """Model text made inert: HTML escaped, on one line, and no ``[..](javascript:..)`` link."""
    return html.escape(str(value), quote=False).replace("\r", " ").replace("\n", " ").replace("](", "]\\(")


def _cell(value: object) -> str:
    return _text(str(value).replace("\\", "\\\\")).replace("|", "\\|")


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _grid(cell) -> list[str]:
    return _table(["", *NUMBERS], [[letter, *(cell(letter + n) for n in NUMBERS)] for letter in LETTERS])


def render_markdown(sheet: Sheet) -> str:
    """The sheet as a Markdown document."""
    lines = [f"# {_text(sheet.title)}", ""]
    if sheet.note:
        lines += [f"> **{_text(sheet.note)}**", ""]
    lines += _table(["", ""], [["Version", sheet.version], ["Agreed on", sheet.agreed_on]]
                    + ([["Description", sheet.description]] if sheet.description else []))
    lines += ["## Owners and sign-off", ""]
    if sheet.signatures:
        lines += _table(["Role", "Name", "Signed in LeadGrid"],
                        [[s.owner_role, s.person, signed_text(s) or "not yet"] for s in sheet.signatures])
    else:
        lines += ["No owners are named in this model.", ""]
    lines += ["## Profile: who is a good fit (A–D)", ""]
    lines += _table(["Category", "Column", "Weight", "Rules, first match wins → value"],
                    [[b.label, b.field, b.weight, "; ".join(f"{r.condition} → {r.value}" for r in b.rules)]
                     for b in sheet.categories])
    lines += ["Letters: " + _text(", ".join(f"{name}: {band}" for name, band in sheet.letter_grades)), ""]
    lines += ["## Engagement: how interested (1–4)", ""]
    if sheet.activities:
        lines += _table(["Entry", "Counts", "Points", "Cap"],
                        [[a.label, a.counts, a.points, a.cap] for a in sheet.activities])
    if sheet.decay is not None:
        lines += [f"Decay: {_text(sheet.decay.text)}. An activity of this age counts as:", ""]
        lines += _table([m[0] for m in sheet.decay.marks], [[m[1] for m in sheet.decay.marks]])
    lines += ["Numbers: " + _text(", ".join(f"{name}: {band}" for name, band in sheet.number_grades)), ""]
    lines += ["## Routing", ""]
    lines += _grid(lambda rating: f"**{sheet.routing[rating]}**" if rating in sheet.sales_cells
                   else sheet.routing[rating])
    lines += [f"Handed to sales (bold): {_text(', '.join(sheet.sales_cells)) or 'none'}.", ""]
    block = sheet.preview
    if block is not None:
        lines += ["## On the historical leads", "", f"{_text(block.source)}. Per cell: leads and "
                                                     f"{_text(block.rate_label.lower())}.", ""]
        lines += _grid(lambda rating: " / ".join(block.cells[rating]))
        lines += _table(["Leads to sales", "Per month", block.rate_label, "Rest of the leads",
                         "Past conversions caught"],
                        [[block.to_sales, block.per_month, block.rate, block.rest_rate, block.caught]])
        lines += [_text(block.footnote).replace("*", "\\*", 1), ""] if block.footnote else []
    lines += [f"_LeadGrid model sheet · printed {_text(sheet.printed_on)}_", ""]
    return "\n".join(lines)


def sheet_markdown(model: LeadModel, preview: Preview | None = None, *, source: str = "",
                   note: str | None = None, printed_on: dt.date | None = None) -> str:
    """The sign-off sheet of ``model`` as Markdown."""
    return render_markdown(build_sheet(model, preview, source=source, note=note, printed_on=printed_on))
