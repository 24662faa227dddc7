"""Step 4: the A1–D4 matrix against history — who would go to sales, and would they have been right."""

import pandas as pd
import streamlit as st

import scoring
from scoring.engine.explain import explain_lead
from scoring.formatting import NO_VALUE, format_rate
from scoring.measures.grid import few_outcomes, outcome_of, rate_choices
from scoring.measures.metrics import cell_leads, few_rule, headline, history_of
from scoring.measures.segments import segment_breakdown
from scoring.measures.volume_trend import monthly_trend
from scoring.model.edit import with_routing
from scoring.model.schema import RATINGS, SALES_ACTION
from scoring.model.tables import routing_rows, table_records
from ui import charts, data, state, widgets
from ui import per_month as window_choice

ACTIONS = [SALES_ACTION, "nurture", "nurture:fast-track", "nurture:slow", "discard"]

st.title("4 · Matrix: who goes to sales")
model = state.model()
full, scorer = widgets.preview_or_stop()

# ----- slice: every figure below for the leads of one segment value
outcomes = window_choice.outcomes()  # per-month figures over the sidebar's window
history = history_of(scorer, outcomes)
chosen = widgets.segment_filter(model, full, scorer, history, state.MATRIX_SEGMENT, state.MATRIX_SEGMENT_VALUE)
preview = chosen.result
if chosen.segments is not None:
    with st.expander(f"By {chosen.segments.column}: how the model does for each value", expanded=False):
        widgets.segment_breakdown_table(segment_breakdown(full, history, chosen.segments), chosen.segments.column,
                                        "matrix_breakdown")

# ----- headline
sales = preview.sales
head = headline(preview)
per_month = NO_VALUE if sales.leads_per_month is None else f"{sales.leads_per_month:,.0f}"
rest = "" if head.rest_rate != head.rest_rate else f"{format_rate(head.rest_rate)} for the rest"
cols = st.columns(4)
cols[0].metric(f"Leads to sales a month, {sales.per_month_label}", per_month, border=True,
               help=window_choice.dated_by(sales))
cols[1].metric(head.label, format_rate(head.rate), rest, delta_color="off", delta_arrow="off", border=True,
               help=head.help)
cols[2].metric("Past conversions caught", format_rate(sales.conversions_caught_share), border=True,
               help=f"Share of the historical conversions ({chosen.whose}) that landed in a to-sales cell.")
cols[3].metric("Leads to sales", f"{sales.leads:,}", f"{format_rate(sales.share)} of {chosen.whose}", delta_color="off",
               delta_arrow="off", border=True,
               help=f"How many of the historical leads ({chosen.whose}) the model would have handed over.")

with st.expander(f"Leads a month over the whole history (shaded: {sales.per_month_label})", expanded=False):
    st.plotly_chart(window_choice.trend_chart(monthly_trend(scorer, preview, outcomes), history.window),
                    key="per_month_trend")
    st.caption("Leads and to-sales leads per calendar month, each lead dated by its hand-over "
               f"({history.window.dated_by or 'no dates'}); the headline counts the shaded months.")

# ----- the matrix: coloured only by what this data records
outcome = outcome_of(preview.matrix)
choices = rate_choices(preview.matrix)
fallback = head.rate_column if head.rate_column in choices else choices[0]
if st.session_state.get(state.MATRIX_METRIC) not in (*choices, None):
    del st.session_state[state.MATRIX_METRIC]  # e.g. acceptance, chosen on data that had it
metric = st.segmented_control(
    "Colour the cells by", choices, format_func=charts.MATRIX_METRICS.get,
    default=fallback, key=state.MATRIX_METRIC,
    help="What the colour of each cell shows.") or fallback
few_text = {"acceptance": "few decisions", "conversion": "few outcomes"}.get(outcome, "")
event = st.plotly_chart(charts.matrix_heatmap(preview.matrix, metric, few_outcomes(preview.matrix, outcome), few_text),
                        key="matrix_chart", on_select="rerun", selection_mode="points")
few_note = {
    "acceptance": f" *few decisions*: {few_rule('acceptance')} — too few to trust the rate.",
    "conversion": f" *few outcomes*: {few_rule('conversion')} — too few to trust the rate.",
}.get(outcome, " This data records no outcome: the cells show their share of the leads.")
st.caption(f"Orange outline: routed to sales.{few_note} Colours span this data's own range, from its lowest "
           f"to its highest cell. Click a cell to see its leads.")
points = (event.selection.points if event and event.selection else []) or []
clicked = points[0].get("customdata") if points else None
clicked = clicked[0] if isinstance(clicked, list) else clicked
if clicked in RATINGS and clicked != st.session_state.get(state.LAST_CLICKED_CELL):
    st.session_state[state.SELECTED_CELL] = clicked  # a new click wins; the selectbox can still change it
st.session_state[state.LAST_CLICKED_CELL] = clicked

# ----- routing
with st.expander("Routing: what happens to each cell", expanded=False):
    rows = pd.DataFrame(routing_rows(model))
    edited = st.data_editor(
        rows, key=state.widget_key("routing"), hide_index=True, disabled=["rating"],
        column_config={
            "rating": st.column_config.TextColumn("Cell"),
            "action": st.column_config.SelectboxColumn(
                "Action", options=sorted(set(ACTIONS) | set(rows["action"])), required=True,
                help="'sales' hands the lead to sales; anything else is a nurture track."),
            "sla_hours": st.column_config.NumberColumn("SLA (hours)", min_value=1, step=1,
                                                       help="How soon sales must act on a to-sales lead."),
            "recycle": st.column_config.TextColumn(
                "Recycle rejects to", help="The nurture track for leads of this cell that sales rejects "
                "(e.g. nurture:recycle); empty keeps them where they are."),
        })
    if table_records(edited) != table_records(rows):
        try:
            if state.apply(with_routing(model, table_records(edited))):
                st.rerun()
        except scoring.ModelError as error:
            st.error("; ".join(error.lines))

# ----- inside a cell
st.subheader("Inside a cell")
cell = st.selectbox("Cell", RATINGS, key=state.SELECTED_CELL, help="The leads of this cell, best profile first.")
table = cell_leads(preview, scorer.leads, cell, model.lead_fields())
row = preview.matrix.loc[cell]
known = {"acceptance": f" · {int(row['decided']):,} with a sales decision",
         "conversion": f" · {int(row['conversion_known']):,} with a known conversion"}.get(outcome, "")
st.markdown(f"**{cell}**: {int(row['leads']):,} leads{known} · routed to **{row['action']}**")
picked = st.dataframe(table, hide_index=True, key="cell_leads", on_select="rerun", selection_mode="single-row",
                      height=300)
selected_rows = picked.selection.rows if picked and picked.selection else []
if len(table):
    lead_id = table.iloc[selected_rows[0]]["lead_id"] if selected_rows else table.iloc[0]["lead_id"]
    # kept per model and lead: finding one lead's activities scans the whole log (0.3 s at 10M)
    explanation = data.per_model("matrix_explain", lambda: explain_lead(scorer, model, lead_id), str(lead_id))
    st.markdown(f"#### Why lead `{lead_id}` is {explanation.rating}")
    left, right = st.columns(2)
    left.markdown(f"Profile **{explanation.profile_score:.1f}** → {explanation.profile_grade}")
    left.dataframe(explanation.category_table(), hide_index=True)
    right.markdown(f"Engagement **{explanation.engagement_score:.1f}** → {explanation.engagement_grade}")
    right.dataframe(explanation.engagement_table(), hide_index=True)
    if explanation.after_handover_text():  # activities left out of the score as after the hand-over
        right.caption(explanation.after_handover_text())
