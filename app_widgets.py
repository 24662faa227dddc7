"""Widget groups more than one page uses."""

from __future__ import annotations

import numpy as np
import streamlit as st

import app_charts
import app_state
import scoring
from scoring.edit import with_grades
from scoring.engine import Scorer
from scoring.metrics import Preview


def thresholds_with_histogram(axis: str, names: tuple[str, ...], scores: np.ndarray, axis_title: str,
                              key_prefix: str) -> None:
    """The score histogram with a number input for each grade's lowest score beside it.
    A valid change is applied at once; an invalid one is shown and the model kept."""
    model = app_state.model()
    grades = (model.profile.grades.model_dump() if axis == "profile" else model.engagement.grades.as_dict())
    chart_column, threshold_column = st.columns([3, 1])
    with threshold_column:
        wanted = {}
        for name in names[:-1]:
            key = app_state.seed(app_state.widget_key(key_prefix, name), float(grades[name]))
            wanted[name] = st.number_input(f"{name} from", 0.0, None, key=key, step=1.0, format="%.1f",
                                           help=f"Leads scoring at least this (and below the grade above) get {name}.")
        st.caption(f"{names[-1]} is everything below {names[-2]}.")
        if any(wanted[name] != grades[name] for name in wanted):
            try:
                if app_state.apply(with_grades(model, axis, wanted)):
                    st.rerun()
            except scoring.ModelError as error:
                st.error(error.message)
    with chart_column:
        st.plotly_chart(app_charts.score_histogram(scores, grades, axis_title), key=f"{axis}_histogram")


def preview_or_stop() -> tuple[Preview, Scorer]:
    """The current model's preview and the session's Scorer; when the model cannot score
    this data (a column it reads is missing), an error pointing to the Data page instead."""
    try:
        return app_state.current_preview(), app_state.scorer()
    except scoring.DataError as error:
        st.error(f"{error} — map the column on the Data page.")
        st.stop()
