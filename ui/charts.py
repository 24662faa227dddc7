"""Plotly figures for the designer: the matrix heatmap, score histograms, the decay curve.

Colours are colour-blind safe (cividis for rates; Okabe-Ito for lines) and text is
large enough for a projector.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from scoring.engine.scorer import decay_factors
from scoring.formatting import format_rate
from scoring.measures.bins import curve_points, grade_shares, score_bins
from scoring.model.schema import LETTERS, NUMBERS, SALES_ACTION, Recency

FONT = {"size": 16}
THRESHOLD_COLOURS = ("#0072B2", "#009E73", "#E69F00", "#CC79A7")  # Okabe-Ito
MATRIX_METRICS = {
    "acceptance_rate": "Accepted by sales",
    "conversion_rate": "Converted",
    "share": "Share of leads",
}


COLOUR_TITLES = {  # the colour bar says of which leads a rate is a share
    "acceptance_rate": "Accepted,<br>of decided",
    "conversion_rate": "Converted,<br>of known",
    "share": "Share of leads",
}


def _cell_label(row: pd.Series, metric: str, few: bool | None = None, few_text: str = "few decisions") -> str:
    count = f"{int(row['leads']):,} leads"
    shown = format_rate(row[metric])
    few = row["too_few_decisions"] if few is None else few
    note = f"<br><i>{few_text}</i>" if few and row["leads"] else ""
    sales = "<b>→ sales</b>" if row["action"] == SALES_ACTION else row["action"]
    return f"<b>{shown}</b><br>{count}<br>{sales}{note}"


def colour_range(values: list[list[float]]) -> tuple[float, float]:
    """The colour scale's ends: the lowest and highest value of the cells (this data's own
    range, so at a 0.9 % base rate 0.2 % and 1.8 % get different colours), never a fixed
    0-100 %; a span around the value when every cell has the same one."""
    numbers = np.asarray(values, dtype=float)
    if not np.isfinite(numbers).any():
        return 0.0, 1.0
    low, high = float(np.nanmin(numbers)), float(np.nanmax(numbers))
    if high - low < 1e-12:
        return max(low - 0.01, 0.0), high + 0.01
    return low, high


def matrix_heatmap(matrix: pd.DataFrame, metric: str = "acceptance_rate", few: pd.Series | None = None,
                   few_text: str = "few decisions") -> go.Figure:
    """The A1..D4 grid coloured by ``metric``; to-sales cells outlined; clickable cell centres.
    ``few`` marks, per rating, cells whose rate rests on too few known outcomes (``few_text``);
    by default the matrix's ``too_few_decisions``. A cell without a value is drawn grey. The
    colours span the cells' own range (``colour_range``), not 0-100 %."""
    z = [[matrix.loc[letter + number, metric] for number in NUMBERS] for letter in LETTERS]
    text = [[_cell_label(matrix.loc[letter + number], metric, None if few is None else bool(few[letter + number]),
                         few_text) for number in NUMBERS] for letter in LETTERS]
    low, high = colour_range(z)
    figure = go.Figure(go.Heatmap(
        z=z, x=list(NUMBERS), y=list(LETTERS), text=text, texttemplate="%{text}", colorscale="Cividis",
        zmin=low, zmax=high,
        colorbar={"title": COLOUR_TITLES.get(metric, metric), "tickformat": ".2~%" if high < 0.1 else ".0%"},
        hovertemplate="%{y}%{x}: %{text}<extra></extra>", xgap=3, ygap=3,
    ))
    # invisible markers at the cell centres: plotly selects points, not heatmap cells
    figure.add_trace(go.Scatter(
        x=[n for _ in LETTERS for n in NUMBERS], y=[letter for letter in LETTERS for _ in NUMBERS],
        mode="markers", marker={"size": 60, "opacity": 0.01, "symbol": "square"},
        customdata=[letter + n for letter in LETTERS for n in NUMBERS], hoverinfo="none", showlegend=False,
    ))
    for row_index, letter in enumerate(LETTERS):
        for column_index, number in enumerate(NUMBERS):
            if z[row_index][column_index] != z[row_index][column_index]:  # no value (no leads): a grey cell,
                figure.add_shape(type="rect", x0=column_index - 0.49, x1=column_index + 0.49, layer="below",
                                 y0=row_index - 0.49, y1=row_index + 0.49, fillcolor="#E9ECEF",
                                 line={"width": 0})  # not loose text under the grid
            if matrix.loc[letter + number, "action"] == SALES_ACTION:
                figure.add_shape(type="rect", x0=column_index - 0.48, x1=column_index + 0.48,
                                 y0=row_index - 0.48, y1=row_index + 0.48, line={"color": "#D55E00", "width": 4})
    figure.update_layout(
        font=FONT, height=560, margin={"l": 40, "r": 20, "t": 30, "b": 40},
        xaxis={"title": "Engagement (1 = most engaged)", "side": "top", "type": "category",
               "categoryorder": "array", "categoryarray": list(NUMBERS)},
        yaxis={"title": "Profile (A = best fit)", "autorange": "reversed", "type": "category",
               "categoryorder": "array", "categoryarray": list(LETTERS)},
        dragmode=False,
    )
    return figure


def _grade_label(name: str, low: float, high: float | None, share: float) -> str:
    span = f"≥ {low:g}" if high is None else (f"< {high:g}" if low <= 0 else f"{low:g} – {high:g}")
    return f"{name} {span}: {format_rate(share)} of leads"


def score_histogram(scores: np.ndarray, thresholds: dict[str, float], axis_title: str) -> go.Figure:
    """Distribution of a score 0..100 with each grade's lowest score drawn as a line.

    The bins are counted by ``scoring.measures.bins`` (the browser gets 40 bars, never the scores);
    each grade's own share (A: from A's line up; B: from B's line to A's; ...) is named in
    a legend row above the chart, one entry per grade, so no two labels can overlap."""
    names = list(thresholds)
    bins = score_bins(scores)
    shares = grade_shares(scores, thresholds, names)
    figure = go.Figure(go.Bar(x=bins.centres, y=bins.counts, width=np.diff(bins.edges) * 0.95,
                              marker={"color": "#56B4E9"}, name="leads", showlegend=False,
                              hovertemplate="%{x:.4g}: %{y:,} leads<extra></extra>"))
    top = max(1, int(bins.counts.max(initial=0)))
    for index, (colour, name) in enumerate(zip(THRESHOLD_COLOURS, names, strict=False)):
        low = float(thresholds[name])
        high = float(thresholds[names[index - 1]]) if index else None
        label = _grade_label(name, low, high, shares[name])
        if index < len(names) - 1:  # the last grade starts at 0: no line
            figure.add_trace(go.Scatter(x=[low, low], y=[0, top * 1.05], mode="lines", name=label,
                                        line={"color": colour, "width": 3, "dash": "dash"}, hoverinfo="name"))
        else:
            figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label,
                                        line={"color": colour, "width": 3, "dash": "dot"}))
    figure.update_layout(font=FONT, height=400, bargap=0.05, margin={"l": 40, "r": 20, "t": 90, "b": 40},
                         xaxis={"title": axis_title, "range": [0, 100]}, yaxis={"title": "Leads"},
                         legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                                 "font": {"size": 14}, "itemclick": False, "itemdoubleclick": False})
    return figure


def decay_curve(recency: Recency) -> go.Figure:
    """How much an activity counts, by its age in days."""
    horizon = recency.max_age_days or (
        recency.half_life_days * 6 if recency.half_life_days else max(w.within_days for w in recency.windows or []) * 1.2
    )
    ages = np.linspace(0, horizon * 1.05, 400)
    factors = decay_factors(ages, recency)
    figure = go.Figure(go.Scatter(x=ages, y=factors, mode="lines", line={"color": "#0072B2", "width": 4,
                                                                         "shape": "hv" if recency.windows else "linear"}))
    figure.update_layout(font=FONT, height=300, margin={"l": 40, "r": 20, "t": 20, "b": 40},
                         xaxis={"title": "Age of the activity (days)"},
                         yaxis={"title": "Counts as", "tickformat": ".0%", "rangemode": "tozero"})
    return figure


def tradeoff_chart(curve: pd.DataFrame, current: dict[str, float | None], proposed: dict[str, float | None],
                   capacity: float | None = None, min_acceptance: float | None = None) -> go.Figure:
    """Leads a month against the acceptance rate and the share of conversions caught, for
    the best corner set per volume; the current model and the proposal marked."""
    figure = go.Figure()
    for column, name, colour in (("acceptance_rate", "Accepted by sales", THRESHOLD_COLOURS[0]),
                                 ("conversions_caught_share", "Conversions caught", THRESHOLD_COLOURS[1])):
        figure.add_trace(go.Scatter(x=curve["leads_per_month"], y=curve[column], mode="lines", name=name,
                                    line={"color": colour, "width": 3, "shape": "hv"},
                                    hovertemplate="%{x:,.0f} a month: %{y:.0%}<extra>" + name + "</extra>"))
        for point, label, symbol in ((current, "current model", "circle"), (proposed, "proposal", "star")):
            if point.get("leads_per_month") is not None and point.get(column) is not None:
                figure.add_trace(go.Scatter(
                    x=[point["leads_per_month"]], y=[point[column]], mode="markers", name=f"{name}: {label}",
                    marker={"color": colour, "size": 16, "symbol": symbol, "line": {"color": "black", "width": 2}},
                    hovertemplate=f"{label}: " + "%{x:,.0f} a month, %{y:.0%}<extra></extra>"))
    if capacity is not None:
        figure.add_vline(x=capacity, line={"color": THRESHOLD_COLOURS[2], "dash": "dash", "width": 3},
                         annotation_text=f"capacity {capacity:,.0f}")
    if min_acceptance is not None:
        figure.add_hline(y=min_acceptance, line={"color": THRESHOLD_COLOURS[2], "dash": "dash", "width": 3},
                         annotation_text=f"at least {min_acceptance:.0%} accepted")
    figure.update_layout(font=FONT, height=420, margin={"l": 40, "r": 20, "t": 30, "b": 40},
                         xaxis={"title": "Leads to sales per month", "rangemode": "tozero"},
                         yaxis={"title": "Share", "tickformat": ".0%", "range": [0, 1.05]},
                         legend={"orientation": "h", "y": -0.25})
    return figure


def gain_chart(curves: dict[str, pd.DataFrame], column: str = "share_of_outcome") -> go.Figure:
    """Cumulative gain (``share_of_outcome``) or lift (``lift``) against the share of leads
    taken best first, one line per score; chance as a dashed line."""
    figure = go.Figure()
    for colour, (name, whole) in zip(THRESHOLD_COLOURS, curves.items(), strict=False):
        curve = curve_points(whole)  # about 200 points, not one per distinct score (a million)
        figure.add_trace(go.Scatter(x=curve["share_of_leads"], y=curve[column], mode="lines+markers", name=name,
                                    line={"color": colour, "width": 3}, marker={"size": 4}))
    chance = [0, 1] if column == "share_of_outcome" else [1, 1]
    figure.add_trace(go.Scatter(x=[0, 1], y=chance, mode="lines", name="chance",
                                line={"color": "grey", "dash": "dash", "width": 2}))
    figure.update_layout(font=FONT, height=380, margin={"l": 40, "r": 20, "t": 30, "b": 40},
                         xaxis={"title": "Share of leads, best scores first", "tickformat": ".0%"},
                         yaxis={"title": "Share of the outcome caught" if column == "share_of_outcome" else "Lift",
                                "tickformat": ".0%" if column == "share_of_outcome" else ".1f"},
                         legend={"orientation": "h", "y": -0.25})
    return figure
