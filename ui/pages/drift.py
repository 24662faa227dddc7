"""Step 8: the draft on two periods of the history ("this quarter vs last", or any two date
ranges): has the population moved, and do the cells still earn their route?"""

import json

import streamlit as st

import scoring
from scoring.formatting import NO_VALUE
from scoring.measures.drift import (
    MIN_PERIOD_LEADS,
    check_period_sizes,
    drift,
    period_subsets,
    quarter_ranges,
    quarter_split,
    split_leads,
    window_leads,
)
from ui import comparison_charts, data, state

WINDOWS = {3: "a quarter either side", 1: "a month either side", 6: "half a year either side",
           0: "everything before and after"}
MODES = {"split": "Split at a date", "ranges": "Two date ranges"}
MODE, BEFORE_RANGE, AFTER_RANGE = "drift_mode", "drift_before_range", "drift_after_range"  # this page's keys

st.title("8 · Drift: this quarter vs last")
st.caption("The same model on two periods of the history: are the leads still alike, and do the cells "
           "still hold? The leads are split by the date they were created.")
model = state.model()
try:
    scorer = data.scorer()  # each period is a part of the data set's own Scorer: nothing prepared again
    leads, column = scorer.leads, "created_at"  # the Scorer's leads carry the model's field names
    default_split = quarter_split(leads, column)
except scoring.LeadGridError as error:
    st.error(f"Cannot split this data into periods: {error}")
    st.stop()

mode = st.segmented_control("Periods", list(MODES), format_func=MODES.get, default="split", key=MODE) or "split"
left, right = st.columns(2)
if mode == "split":
    split = left.date_input("The later period starts on", value=default_split.date(), key=state.DRIFT_SPLIT,
                            help="Default: the start of the latest quarter that has ended, against the one before.")
    months = right.selectbox("Compare", list(WINDOWS), format_func=WINDOWS.get, key=state.DRIFT_WINDOW)
    periods_asked: tuple = ("split", str(split), months)
else:
    default_ranges = [tuple(day.date() for day in pair) for pair in quarter_ranges(default_split)]
    before_range = left.date_input("Earlier period (first and last day)", value=default_ranges[0], key=BEFORE_RANGE)
    after_range = right.date_input("Later period (first and last day)", value=default_ranges[1], key=AFTER_RANGE)
    if len(before_range) < 2 or len(after_range) < 2:
        st.info("Pick the first and the last day of each period.")
        st.stop()
    periods_asked = ("ranges", tuple(map(str, before_range)), tuple(map(str, after_range)))

memo_key = (json.dumps(data.choice().as_dict(), sort_keys=True), id(st.session_state[state.UPLOADS]),
            json.dumps(data.mapping(), sort_keys=True), id(scorer), periods_asked)
memo = st.session_state.get(state.DRIFT_MEMO)
if memo is None or memo[0] != memo_key:
    try:
        if mode == "split":
            periods = split_leads(leads, split, column, months or None)
        else:
            periods = window_leads(leads, before_range, after_range, column)
        check_period_sizes(len(periods.before), len(periods.after), periods.labels())
        scorers = period_subsets(scorer, periods)
    except scoring.LeadGridError as error:
        st.error(str(error))
        st.stop()
    memo = (memo_key, periods, scorers)
    st.session_state[state.DRIFT_MEMO] = memo
_, periods, scorers = memo
try:
    result = drift(model, *scorers, labels=periods.labels())
except scoring.LeadGridError as error:
    st.error(f"{error} — map the column on the Data page.")
    st.stop()

labels = result.labels
distribution, stability, rates = result.distribution, result.stability, result.rates
cols = st.columns(2)
for column_, (period, label, result_) in zip(cols, (("before", labels[0], result.before),
                                                    ("after", labels[1], result.after)), strict=True):
    per_month = result_.sales.leads_per_month
    column_.metric(f"Earlier: {label}" if period == "before" else f"Later: {label}",
                   f"{int(distribution[f'leads_{period}'].sum()):,} leads", border=True,
                   help="Leads created in the period.",
                   delta=f"{NO_VALUE if per_month is None else f'{per_month:,.0f}'} to sales a month, "
                         f"{result_.sales.per_month_label}",
                   delta_color="off", delta_arrow="off")
if periods.undated:
    st.caption(f"{periods.undated:,} leads without a {column} are in neither period.")

st.subheader("Population stability")
st.dataframe(stability, key="drift_psi", column_config={
    "axis": st.column_config.TextColumn("Axis"),
    "psi": st.column_config.NumberColumn("PSI", format="%.3f",
                                         help="Population stability index of the later period against the earlier."),
    "chance": st.column_config.NumberColumn(
        "Chance", format="%.3f", help="The PSI two periods of these sizes, drawn from the same leads, exceed one "
                                      "time in twenty: below it, the PSI shows no shift whatever its size."),
    "reading": st.column_config.TextColumn("Reading", width="large"),
})
st.caption(f"Small periods give a large PSI by chance alone, so each PSI is read against its chance level; a period "
           f"needs at least {MIN_PERIOD_LEADS} leads to be compared at all.")
st.plotly_chart(comparison_charts.period_shares(distribution, labels), key="drift_shares")

st.subheader("Per cell, in each period")
outcome = st.segmented_control("Rate", ["acceptance", "conversion"], default="acceptance", key=state.DRIFT_OUTCOME,
                               format_func={"acceptance": "Accepted by sales", "conversion": "Converted"}.get)
st.plotly_chart(comparison_charts.period_rates(rates, outcome or "acceptance", labels), key="drift_rates")
st.caption("Bars: 95% Wilson intervals. Where the intervals of the two periods do not overlap, the cell has "
           "changed more than chance explains.")
with st.expander("The numbers"):
    st.dataframe(rates, key="drift_table")
