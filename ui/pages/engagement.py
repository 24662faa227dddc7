"""Step 3: how interested. Points per activity, caps, how fast activities fade, and the
engagement thresholds over the engagement-score histogram."""

import pandas as pd
import streamlit as st

import scoring
from scoring.edit import DEFAULT_RECENCY, DEFAULT_WINDOWS, with_activity_entries, with_recency
from scoring.tables import table_records
from ui import charts, state, widgets

ACTIVITY_COLUMNS = ("id", "label", "activity", "points", "max_count")

st.title("3 · Engagement: how interested")
st.caption("Implicit data: what the lead did. Each activity earns points, fading with age; "
           "the engagement score makes the number 1–4 (1 = most engaged).")

model = state.model()
engagement = model.engagement
preview, scorer = widgets.preview_or_stop()

# ----- recency
st.subheader("How fast activities fade")
recency = engagement.recency
settings_column, curve_column = st.columns([1, 2])
with settings_column:
    form = "windows" if recency is not None and recency.windows else "half-life"
    chosen_form = st.radio("Fading", ["half-life", "windows"], horizontal=True,
                           key=state.seed(state.widget_key("recency", "form"), form),
                           help="Half-life: an activity counts half after that many days. "
                                "Windows: full count this week, less after, in steps.")
    max_age = st.number_input("Ignore activities older than (days; 0 = never)", 0.0, None, step=15.0,
                              key=state.seed(state.widget_key("recency", "max_age"),
                                                 float(recency.max_age_days or 0) if recency else 0.0),
                              help="Older activities add nothing at all.")
    new_recency: dict = {"max_age_days": max_age or None}
    if chosen_form == "half-life":
        fallback = DEFAULT_RECENCY["half_life_days"]
        current = float(recency.half_life_days or fallback) if recency else fallback
        # the range always holds the model's value: a widget clamps what lies outside it
        half_life = st.slider("Half-life (days)", min(1.0, current), max(180.0, current), step=0.5,
                              key=state.seed(state.widget_key("recency", "half_life"), current),
                              help="After this many days an activity counts half; after twice as long, a quarter.")
        new_recency["half_life_days"] = half_life
    else:
        windows = pd.DataFrame(
            [w.model_dump() for w in recency.windows] if recency and recency.windows else list(DEFAULT_WINDOWS),
            columns=["within_days", "factor"])
        edited_windows = st.data_editor(
            windows, key=state.widget_key("recency", "windows"), num_rows="dynamic", hide_index=True,
            column_config={
                "within_days": st.column_config.NumberColumn("Up to (days)", min_value=0, required=True),
                "factor": st.column_config.NumberColumn("Counts as", min_value=0, max_value=1, step=0.05,
                                                        required=True, format="percent"),
            })
        new_recency["windows"] = [r for r in table_records(edited_windows) if r["within_days"] is not None]
    if recency is not None or any(e.is_activity for e in engagement.activities):
        try:
            if state.apply(with_recency(model, new_recency)):
                st.rerun()
        except scoring.ModelError as error:
            st.error(error.message)
with curve_column:
    if recency is not None:
        st.plotly_chart(charts.decay_curve(recency), key="decay_curve")

# ----- activities
st.subheader("Points per activity")
st.caption("Points are earned per activity, after fading; the cap limits how many (faded) activities of "
           "one kind count. Negative points pull the score down (an unsubscribe).")
type_counts = scorer.activity_type_counts()
activity_entries = model.activity_entries
field_entries = model.field_entries
rows = pd.DataFrame([{column: getattr(e, column) for column in ACTIVITY_COLUMNS} for e in activity_entries],
                    columns=list(ACTIVITY_COLUMNS))
options = sorted(set(type_counts) | {e.activity for e in activity_entries if e.activity})
edited = st.data_editor(
    rows, key=state.widget_key("activities"), num_rows="dynamic", hide_index=True,
    column_config={
        "id": st.column_config.TextColumn("Id", required=True, help="A short unique name."),
        "label": st.column_config.TextColumn("Label", help="How the activity is called in the room."),
        "activity": st.column_config.SelectboxColumn("Activity in the data", options=options, required=True),
        "points": st.column_config.NumberColumn("Points", step=1, required=True),
        "max_count": st.column_config.NumberColumn("Cap", min_value=0, step=1, help="Empty: no cap."),
    })
if table_records(edited) != table_records(rows):
    try:
        if state.apply(with_activity_entries(model, table_records(edited), new_recency)):
            st.rerun()
    except scoring.ModelError as error:
        st.error("; ".join(error.lines))
if type_counts:
    st.caption("In the data: " + ", ".join(f"{name} ({count:,})" for name, count in type_counts.items()))
if field_entries:
    st.caption("Also counted from lead columns: " + ", ".join(
        f"{e.label or e.id} (`{e.field}`)" for e in field_entries) + ".")

# ----- thresholds
st.subheader("Numbers: the lowest engagement score for 1, 2 and 3")
widgets.thresholds_with_histogram("engagement", ("1", "2", "3", "4"),
                                      preview.scored["engagement_score"].to_numpy(), "Engagement score",
                                      "engagement_grade")
