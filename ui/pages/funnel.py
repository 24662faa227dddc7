"""After the hand-over: per cell, the funnel, why sales rejected leads (and where they go
next), revenue and speed, SLA compliance, and how it differs by source or any segment."""

import streamlit as st

import scoring
from scoring.formatting import NO_VALUE, format_rate
from scoring.measures.funnel import (
    after_handover,
    compare_frame,
    funnel_frame,
    reasons_frame,
    segment_funnel,
    with_recycle,
)
from scoring.measures.grid import few_outcomes, outcome_of
from scoring.measures.metrics import headline, history_of, rating_codes
from scoring.measures.pipeline import LEAD_SOURCE, Pipeline
from scoring.measures.segments import segment_breakdown, segment_labels_of
from scoring.model.schema import RATINGS
from ui import charts, data, state, widgets
from ui import per_month as window_choice

DEAL_HELP = ("A deal is a won lead: converted (or a won stage), or, where no outcome column says whether the "
             "lead was won, a won_amount above 0. Lost leads exported with an amount of 0 are no deals. The "
             "average is over the deals with an amount.")
FEW_TEXT = {"acceptance": "few decisions", "conversion": "few outcomes"}
COLOUR_NOTE = {
    "acceptance": "Cell colour: accepted, of the cell's leads that sales decided on. The funnel's Accepted stage "
                  "below is a share of every lead handed over (leads without a decision count as not accepted).",
    "conversion": "Cell colour: converted, of the cell's leads with a known outcome (this data records no sales "
                  "decisions). The funnel below counts shares of every lead handed over.",
}
RATE = st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)


def interval(figure: dict | None, key: str = "rate") -> str:
    """'72% (65–78%)' for a rate with its interval."""
    if not figure or figure.get(key) != figure.get(key):
        return NO_VALUE
    return f"{format_rate(figure[key])} ({format_rate(figure['low'])}–{format_rate(figure['high'])})"


def money(value: float | None) -> str:
    return NO_VALUE if value is None or value != value else f"{value:,.0f}"


def days(cycle: dict, stage: str) -> str:
    figure = cycle.get(stage)
    if not figure or figure["median_days"] != figure["median_days"]:
        return NO_VALUE
    return f"{figure['median_days']:.1f} days"


st.title("After hand-over: funnel, reasons, SLA, segments")
st.caption("What happened to the leads after marketing handed them over: accepted, opportunity, won; "
           "why sales said no; how fast and for how much; whether SLAs were met — per cell.")
model = state.model()
full, scorer = widgets.preview_or_stop()
outcomes = window_choice.outcomes()  # per-month figures over the sidebar's window
history = history_of(scorer, outcomes)
pipe = Pipeline.of(scorer, outcomes)
if not pipe.has_any():
    st.info("These leads record nothing after the hand-over beyond acceptance. Map lifecycle_stage, "
            "rejection_reason, accepted_at, first_touch_at, opportunity_at or won_at on the Data page.")

# ----- segment picker: every figure below for one value
chosen = widgets.segment_filter(model, full, scorer, history, state.FUNNEL_SEGMENT, state.FUNNEL_SEGMENT_VALUE,
                                default=LEAD_SOURCE)
within, result, segments = chosen.within, chosen.result, chosen.segments
# every figure below is kept per model and segment: a later visit computes nothing (seconds at 1M)
picked = (segments.column if segments is not None else None,
          st.session_state.get(state.FUNNEL_SEGMENT_VALUE) if within is not None else None)
codes = data.per_model("funnel_codes", lambda: rating_codes(full.scored["rating"]))
report = data.per_model("funnel_report", lambda: after_handover(model, codes, pipe, within), picked)

# ----- the matrix: click a cell; coloured by the outcome the data records (conversion without acceptance)
outcome = outcome_of(result.matrix)
colour_by = headline(result).rate_column if outcome else "share"
event = st.plotly_chart(charts.matrix_heatmap(result.matrix, colour_by, few_outcomes(result.matrix, outcome),
                                              FEW_TEXT.get(outcome, "")),
                        key="funnel_matrix_chart", on_select="rerun", selection_mode="points")
st.caption(COLOUR_NOTE.get(outcome, "This data records no outcome: the cells show their share of the leads."))
points = (event.selection.points if event and event.selection else []) or []
clicked = points[0].get("customdata") if points else None
clicked = clicked[0] if isinstance(clicked, list) else clicked
if clicked in RATINGS and clicked != st.session_state.get(state.FUNNEL_LAST_CLICKED):
    st.session_state[state.FUNNEL_CELL] = clicked
st.session_state[state.FUNNEL_LAST_CLICKED] = clicked
cell = st.selectbox("Cell", RATINGS, key=state.seed(state.FUNNEL_CELL, st.session_state.get(state.SELECTED_CELL,
                                                                                               "A1")),
                    help="Click a cell of the matrix, or pick it here.")
figures = report.cells[cell]
sla = figures["sla"]
route = f"routed to **{figures['action']}**" + (f", SLA {figures['sla_hours']:g} h" if figures["sla_hours"] else "")
st.subheader(f"{cell}: {figures['leads']:,} leads, {route}")

# ----- funnel
left, right = st.columns([3, 2])
with left:
    st.markdown("**Funnel** — share of all the leads handed over (a lead without a decision counts as not "
                "accepted), and of the stage before (95% intervals)")
    table = funnel_frame(figures["funnel"])
    st.dataframe(table, hide_index=True, key="funnel_table", column_config={
        "label": "Stage", "leads": "Leads", "rate": st.column_config.ProgressColumn(
            "Of handed over", format="percent", min_value=0, max_value=1),
        "low": st.column_config.NumberColumn("low", format="percent"),
        "high": st.column_config.NumberColumn("high", format="percent"),
        "step_rate": st.column_config.ProgressColumn("Of the stage before", format="percent", min_value=0,
                                                     max_value=1),
        "step_low": None, "step_high": None, "recorded_by": "Recorded by"})
with right:
    money_figures = figures["revenue"] or {}
    cycle = figures["cycle_times"]
    a, b = st.columns(2)
    deals = money_figures.get("deals")
    a.metric("Won amount", money(money_figures.get("won_amount")), border=True,
             help="Sum of won_amount of the cell's deals (its won leads).")
    b.metric("Average deal", money(money_figures.get("average_deal")),
             None if deals is None else f"{deals:,} deal{'s' if deals != 1 else ''}", delta_color="off",
             delta_arrow="off", border=True, help=DEAL_HELP)
    a.metric("Won per lead sent", money(money_figures.get("won_per_lead")), border=True,
             help="Won amount divided by the leads of the cell.")
    b.metric("Median days to won", days(cycle, "won"), border=True, help="From the hand-over (scored_at).")
    st.caption(f"Median from hand-over: to acceptance {days(cycle, 'accepted')}, "
               f"to opportunity {days(cycle, 'opportunity')}, to won {days(cycle, 'won')}.")

# ----- rejection reasons and the recycle route
left, right = st.columns([3, 2])
with left:
    rejections = figures["rejections"]
    if rejections is None:
        st.caption("No sales decisions recorded (no accepted column with decisions, no lifecycle stage, no "
                   "rejection reason): rejections and their reasons are shown only where sales decided.")
    else:
        st.markdown(f"**Why sales said no** — {rejections['rejected']:,} rejected ({rejections['basis']})")
        st.dataframe(reasons_frame(rejections), hide_index=True, key="reasons_table", column_config={
            "reason": "Reason", "leads": "Leads", "share": st.column_config.ProgressColumn(
                "Share", format="percent", min_value=0, max_value=1)})
with right:
    current = model.routing.route_for(cell).recycle or ""
    with st.form(f"recycle_form_{cell}"):
        track = st.text_input(f"Rejected leads of {cell} go to", value=current, placeholder="nurture:recycled",
                              help="A nurture track (not 'sales'); saved in the model's routing and exported.")
        if st.form_submit_button("Set the recycle route"):
            try:
                if state.apply(with_recycle(model, cell, track), f"{cell} rejected leads → {track or 'none'}"):
                    st.rerun()
            except scoring.ModelError as error:
                st.error(error.message)

# ----- SLA
if sla is None:
    st.caption("No first_touch_at column: SLA compliance cannot be measured.")
else:
    st.markdown("**SLA compliance** — first touch by sales after the hand-over")
    cols = st.columns(4)
    cols[0].metric("Touched within SLA", interval(sla["compliance"]) if sla["with_sla"] else NO_VALUE, border=True,
                   help="Of the cell's leads (never touched counts as missed); needs an SLA on the route.")
    cols[1].metric("Median hours to first touch", NO_VALUE if sla["median_hours_to_touch"] !=
                   sla["median_hours_to_touch"] else f"{sla['median_hours_to_touch']:.1f}", border=True)
    cols[2].metric("Accepted when touched in time", interval(sla.get("acceptance_within_sla")), border=True,
                   help="Of the leads touched within the SLA that sales decided on.")
    cols[3].metric("Accepted when touched late", interval(sla.get("acceptance_late")), border=True,
                   help="Of the leads touched after the SLA that sales decided on.")
    st.caption(f"{sla['within_sla']:,} in time, {sla['late']:,} late, {sla['never_touched']:,} never touched"
               + (f", {sla['touch_before_handover']:,} touches dated before the hand-over (left out)"
                  if sla["touch_before_handover"] else ""))

# ----- source breakdown of this cell
labels = segments if segments is not None else (segment_labels_of(scorer, LEAD_SOURCE)
                                                 if LEAD_SOURCE in scorer.leads.columns else None)
if labels is not None:
    st.markdown(f"**{cell} by {labels.column}**")
    cell_mask = codes == RATINGS.index(cell)
    if within is not None:
        cell_mask &= within
    st.dataframe(data.per_model("funnel_cell_segments", lambda: segment_funnel(
        pipe, cell_mask, labels.labels, labels.values), cell, labels.column, picked), hide_index=True,
                 key="cell_segments")

# ----- to sales against nurture, and the segment breakdown
st.subheader("To sales against nurture")
st.dataframe(compare_frame(report), hide_index=True, key="compare_table", column_config={
    "stage": "Stage", "to_sales_leads": "To sales", "to_sales_rate": st.column_config.ProgressColumn(
        "To sales: share", format="percent", min_value=0, max_value=1),
    "nurture_leads": "Nurture", "nurture_rate": st.column_config.ProgressColumn(
        "Nurture: share", format="percent", min_value=0, max_value=1)})
if labels is not None:
    st.subheader(f"By {labels.column}: the to-sales leads of each value")
    widgets.segment_breakdown_table(data.per_model("funnel_breakdown", lambda: segment_breakdown(
        full, history, labels), labels.column), labels.column, "segment_breakdown")
if report.issues:
    st.warning("Data issues: " + "; ".join(report.issues), icon=":material/rule:")
