"""Plotly figures for the Compare and Drift pages: the movement matrix of ratings, the
rating distribution of two periods, and a per-cell rate in two periods with its
intervals. Every number drawn comes from ``scoring.measures.compare`` or ``scoring.measures.drift``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from scoring.model.schema import RATINGS

from .charts import FONT

PERIOD_COLOURS = ("#999999", "#0072B2")  # Okabe-Ito grey and blue: earlier, later


def movement_heatmap(movement: pd.DataFrame) -> go.Figure:
    """Leads per (rating under A, rating under B). The colour scale stops at the largest move
    off the diagonal, so the moves show; the diagonal (no change) is outlined."""
    counts = movement.loc[list(RATINGS), list(RATINGS)].to_numpy()
    off_diagonal = counts.copy()
    np.fill_diagonal(off_diagonal, 0)
    text = [[f"{n:,}" if n else "" for n in row] for row in counts]
    figure = go.Figure(go.Heatmap(
        z=counts, x=list(RATINGS), y=list(RATINGS), text=text, texttemplate="%{text}", colorscale="Cividis",
        zmin=0, zmax=max(1, int(off_diagonal.max())), xgap=1, ygap=1,
        colorbar={"title": "Leads"},
        hovertemplate="%{z:,} leads: %{y} under A → %{x} under B<extra></extra>",
    ))
    for index in range(len(RATINGS)):
        figure.add_shape(type="rect", x0=index - 0.5, x1=index + 0.5, y0=index - 0.5, y1=index + 0.5,
                         line={"color": "#D55E00", "width": 2})
    figure.update_layout(
        font={"size": 13}, height=640, margin={"l": 60, "r": 20, "t": 60, "b": 20},
        xaxis={"title": "Rating under B (the draft)", "side": "top", "type": "category"},
        yaxis={"title": "Rating under A", "autorange": "reversed", "type": "category"},
        dragmode=False,
    )
    return figure


def period_shares(distribution: pd.DataFrame, labels: tuple[str, str]) -> go.Figure:
    """Share of leads per rating, one bar per period."""
    figure = go.Figure()
    for period, label, colour in zip(("before", "after"), labels, PERIOD_COLOURS, strict=True):
        figure.add_trace(go.Bar(x=list(RATINGS), y=distribution.loc[list(RATINGS), f"share_{period}"], name=label,
                                marker={"color": colour},
                                customdata=distribution.loc[list(RATINGS), f"leads_{period}"],
                                hovertemplate="%{x}: %{y:.1%} (%{customdata:,} leads)<extra></extra>"))
    figure.update_layout(font=FONT, height=360, barmode="group", margin={"l": 40, "r": 20, "t": 20, "b": 40},
                         yaxis={"title": "Share of leads", "tickformat": ".0%"}, xaxis={"type": "category"},
                         legend={"orientation": "h", "y": 1.12})
    return figure


def period_rates(rates: pd.DataFrame, outcome: str, labels: tuple[str, str]) -> go.Figure:
    """``outcome`` (acceptance or conversion) per rating in each period, with its 95 % interval."""
    figure = go.Figure()
    for period, label, colour, shift in zip(("before", "after"), labels, PERIOD_COLOURS, (-0.15, 0.15),
                                            strict=True):
        rate = rates[f"{outcome}_rate_{period}"].to_numpy(dtype=float)
        low = rates[f"{outcome}_low_{period}"].to_numpy(dtype=float)
        high = rates[f"{outcome}_high_{period}"].to_numpy(dtype=float)
        figure.add_trace(go.Scatter(
            x=np.arange(len(RATINGS)) + shift, y=rate, mode="markers", name=label,
            marker={"color": colour, "size": 11},
            error_y={"type": "data", "symmetric": False, "array": high - rate, "arrayminus": rate - low,
                     "color": colour},
            customdata=np.stack([low, high], axis=1), text=list(RATINGS),
            hovertemplate="%{text}: %{y:.1%} (95% CI %{customdata[0]:.0%}–%{customdata[1]:.0%})<extra></extra>",
        ))
    figure.update_layout(font=FONT, height=380, margin={"l": 40, "r": 20, "t": 20, "b": 40},
                         yaxis={"title": "Accepted by sales" if outcome == "acceptance" else "Converted",
                                "tickformat": ".0%", "range": [0, 1.02]},
                         xaxis={"tickvals": list(range(len(RATINGS))), "ticktext": list(RATINGS)},
                         legend={"orientation": "h", "y": 1.12})
    return figure
