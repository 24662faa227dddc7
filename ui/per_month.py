"""The window per-month figures are counted over, in the app: the session's choice
(``scoring.measures.volume.PerMonth``, by default the last complete quarter), the sidebar's picker,
the label that names the window beside every per-month figure, and the trend chart."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from scoring.errors import DataError
from scoring.measures.metrics import Outcomes, SalesSummary
from scoring.measures.volume import PerMonth, Window, per_month_text
from ui import state

CHOICES = {  # what the picker offers: the --per-month spelling -> words
    "last-quarter": "Last complete quarter",
    "last-month": "Last complete month",
    "last-6-months": "Last 6 complete months",
    "last-12-months": "Last 12 complete months",
    "all": "Whole history",
    "range": "A date range…",
}
RANGE = "range"


def choice() -> PerMonth:
    """The session's window; a range with its days, once both are picked."""
    picked = st.session_state.get(state.PER_MONTH, "last-quarter")
    days = st.session_state.get(state.PER_MONTH_RANGE)
    if picked == RANGE:
        if isinstance(days, tuple | list) and len(days) == 2 and all(isinstance(day, date) for day in days):
            return PerMonth.parse(f"{days[0]:%Y-%m-%d}..{days[1]:%Y-%m-%d}")
        return PerMonth.parse("all")  # until both days are picked
    try:
        return PerMonth.parse(picked)
    except DataError:
        return PerMonth()


def outcomes() -> Outcomes:
    """The outcome columns, with the session's per-month window."""
    return Outcomes(per_month=choice())


def picker(window: Window | None) -> None:
    """Which months per-month figures count: a select box, and two days for a range."""
    st.selectbox("Per month over", list(CHOICES), format_func=CHOICES.get, key=state.PER_MONTH, on_change=state.save,
                 help="Leads to sales a month = to-sales leads dated inside these months / their number. "
                      "A lead is dated by its hand-over (scored_at, else created_at). The default, the last "
                      "calendar quarter the data covers completely, follows growing volume; the whole history "
                      "averages it away.")
    if st.session_state.get(state.PER_MONTH) == RANGE:
        st.date_input("From – to (both included)", value=_default_range(window), key=state.PER_MONTH_RANGE,
                      format="YYYY-MM-DD", on_change=state.save)
    if window is not None and window.fallback:
        st.caption(f"Whole history: {window.fallback}.")


def _default_range(window: Window | None) -> tuple[date, date] | tuple[()]:
    if window is None or window.first_day is None or window.last_day is None:
        return ()
    return (window.first_day, window.last_day)


def label(sales: SalesSummary) -> str:
    """The to-sales figure a month with its window: "230 a month, Jul–Sep 2025"."""
    return per_month_text(sales.leads_per_month, sales.window)


def dated_by(sales: SalesSummary) -> str:
    """How the figure counts, for a help text."""
    window = sales.window
    if window is None or window.months is None:
        return "The leads have no created_at or scored_at dates, so there is no per-month figure."
    fallback = f" ({window.fallback})" if window.fallback else ""
    return (f"To-sales leads handed over in {window.label}{fallback}, divided by its {window.months:.3g} months; "
            f"leads are dated by {window.dated_by}. Choose the months under 'Per month over' in the sidebar.")


def trend_chart(monthly: pd.DataFrame, window: Window) -> go.Figure:
    """Leads and to-sales leads per calendar month (``scoring.measures.volume.monthly_volume``), the
    window's months shaded and named."""
    figure = go.Figure()
    figure.add_trace(go.Bar(x=monthly["month"], y=monthly["leads"], name="leads", marker_color="#c7d3e3"))
    figure.add_trace(go.Bar(x=monthly["month"], y=monthly["to_sales"], name="to sales", marker_color="#e8833a"))
    inside = np.flatnonzero(monthly["in_window"].to_numpy(dtype=bool))
    if len(inside):  # a category axis: month k sits at k, so the shade runs half a bar either side
        figure.add_vrect(x0=inside[0] - 0.5, x1=inside[-1] + 0.5, fillcolor="#888", opacity=0.15, line_width=0,
                         annotation_text=window.label, annotation_position="top left")
    figure.update_layout(barmode="overlay", height=240, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         legend={"orientation": "h", "y": 1.2}, xaxis={"type": "category"},
                         yaxis={"title": "leads a month"})
    return figure
