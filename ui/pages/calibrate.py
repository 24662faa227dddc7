"""Step 6: what the outcomes suggest — thresholds from a sales capacity or an acceptance
target, evidence per rule, weights fitted to the history, how well the model orders
leads, and the reasons to distrust the history. Nothing changes without a click."""

import json
from collections.abc import Hashable

import streamlit as st

import scoring
from scoring.calibrate.honesty import honesty_warnings
from scoring.calibrate.quality import OUTCOME_LABELS, SCORES, model_quality, small_cells
from scoring.calibrate.thresholds import Target, propose_thresholds
from scoring.calibrate.weights import category_evidence, suggest_weights
from scoring.formatting import NO_VALUE, format_rate
from ui import charts, data, state, widgets
from ui import per_month as window_choice

# this page's session keys (stable across model changes, unlike state.widget_key)
TARGET_KIND = "calibrate_target_kind"
CAPACITY = "calibrate_capacity"
MIN_ACCEPTANCE = "calibrate_min_acceptance"
MEMO = "calibrate_memo"  # (model and data key, {name: result}) for the slower results
BY_CAPACITY, BY_RATE = "Sales capacity", "Minimum acceptance"

st.title("6 · Calibrate: what the outcomes suggest")
st.caption("Proposals from last period's outcomes. Each is applied to the draft only when you click; "
           "undo takes it back.")
model = state.model()
preview, scorer = widgets.preview_or_stop()
OUTCOMES = window_choice.outcomes()  # leads a month (the capacity too) over the sidebar's window


def _memo(name: Hashable, compute):
    """A result for this model on this data, kept until either changes."""
    key = (model.model_dump_json(), json.dumps(data.choice().as_dict(), sort_keys=True), id(scorer), OUTCOMES)
    memo = st.session_state.get(MEMO)
    if memo is None or memo[0] != key:
        memo = (key, {})
        st.session_state[MEMO] = memo
    if name not in memo[1]:
        memo[1][name] = compute()
    return memo[1][name]


def _apply(new_model: scoring.LeadModel, text: str) -> None:
    state.apply(new_model, text)


def _summary_metrics(label: str, sales) -> None:
    per_month = NO_VALUE if sales.leads_per_month is None else f"{sales.leads_per_month:,.0f}"
    st.markdown(f"**{label}**")
    a, b, c = st.columns(3)
    a.metric(f"Leads to sales a month, {sales.per_month_label}", per_month, border=True,
             help=window_choice.dated_by(sales))
    b.metric("Accepted by sales", format_rate(sales.acceptance_rate), border=True,
             help=f"95% interval {format_rate(sales.acceptance_low)}–{format_rate(sales.acceptance_high)}")
    c.metric("Conversions caught", format_rate(sales.conversions_caught_share), border=True)


# ----- honesty
for warning in _memo("honesty", lambda: honesty_warnings(model, scorer)):
    st.warning(warning, icon=":material/warning:")

# ----- thresholds from a target
st.subheader("Thresholds from a target")
kind = st.segmented_control("Target", [BY_CAPACITY, BY_RATE], default=BY_CAPACITY, key=TARGET_KIND) or BY_CAPACITY
if kind == BY_CAPACITY:
    if CAPACITY not in st.session_state:
        st.session_state[CAPACITY] = float(round(preview.sales.leads_per_month or 100.0))
    capacity = st.number_input("Leads a month sales can take", min_value=0.0, step=10.0, key=CAPACITY,
                               help="The proposal sends at most this many leads a month to sales.")
    target = Target(capacity=capacity)
else:
    rate = st.slider("Lowest share of to-sales leads that sales accept", 0.05, 1.0, 0.7, 0.05, key=MIN_ACCEPTANCE,
                     format="%.2f", help="Needs at least 30 sales decisions in the to-sales set to count.")
    target = Target(min_acceptance=rate)
try:
    proposal = _memo(("thresholds", target), lambda: propose_thresholds(model, scorer, target, OUTCOMES))
except scoring.LeadGridError as error:
    st.error(f"{error}.")
    proposal = None
if proposal is not None:
    st.info(proposal.summary())
    if proposal.changes:
        st.markdown("**What applying it changes**\n" + "\n".join(f"- {change}" for change in proposal.changes))
    else:
        st.caption("The current thresholds are already the best for this target: nothing to change.")
    if proposal.worse:
        st.warning(f"Worse than the current model: {proposal.worse}.", icon=":material/trending_down:")
    now, then = st.columns(2)
    with now:
        _summary_metrics("Current model", proposal.current)
    with then:
        _summary_metrics("Proposal", proposal.proposed)
    st.plotly_chart(charts.tradeoff_chart(proposal.curve, proposal.current.as_dict(), proposal.proposed.as_dict(),
                                          target.capacity, target.min_acceptance), key="calibrate_curve")
    st.caption("Each point of a line is the best corner of the matrix for that many leads a month: "
               "the most conversions caught. Circles: the current model; stars: the proposal.")
    st.button("Apply anyway" if proposal.worse else "Apply these thresholds to the draft",
              key="calibrate_apply_thresholds", type="secondary" if proposal.worse else "primary",
              disabled=proposal.model == model, on_click=_apply, args=(proposal.model, proposal.history_text()))

# ----- evidence per category and rule
st.subheader("Evidence per category and rule")
st.caption("Lift: the rule's rate over the rate of all leads (1.0 = average), with its 95% interval. "
           "Rows with fewer than 30 sales decisions are marked.")
evidence = _memo("evidence", lambda: category_evidence(model, scorer))
percent = st.column_config.NumberColumn(format="percent")
lift = st.column_config.NumberColumn(format="%.2f")
for category in model.profile.categories:
    label = category.label or category.id
    with st.expander(f"{label} — weight {category.weight:g} %"):
        rows = evidence[evidence["category"] == label].drop(columns="category")
        st.dataframe(rows, hide_index=True, key=f"calibrate_evidence_{category.id}", column_config={
            "acceptance_rate": percent, "acceptance_low": percent, "acceptance_high": percent,
            "conversion_rate": percent, "conversion_low": percent, "conversion_high": percent,
            "acceptance_lift": lift, "acceptance_lift_low": lift, "acceptance_lift_high": lift,
            "conversion_lift": lift, "conversion_lift_low": lift, "conversion_lift_high": lift})

# ----- suggested weights
st.subheader("Weights the outcomes suggest")
try:
    suggestion = _memo("weights", lambda: suggest_weights(model, scorer, OUTCOMES))
except scoring.LeadGridError as error:
    st.error(f"{error}.")
    suggestion = None
if suggestion is not None:
    st.caption(f"An L2-regularised logistic regression of {OUTCOME_LABELS[suggestion.outcome].lower()} on the "
               f"category values ({suggestion.leads:,} leads with a known outcome), rescaled to 100.")
    st.dataframe(suggestion.table(model), hide_index=True, key="calibrate_weights")
    now, then = st.columns(2)
    with now:
        _summary_metrics("Current weights", suggestion.current_sales)
    with then:
        _summary_metrics("Suggested weights", suggestion.suggested_sales)
    st.button("Apply the suggested weights to the draft", key="calibrate_apply_weights",
              disabled=suggestion.model == model, on_click=_apply,
              args=(suggestion.model, "Calibrate: weights the outcomes suggest"))

# ----- model quality
st.subheader("How well the model orders leads")
quality = _memo("quality", lambda: model_quality(model, scorer))
for note in quality.notes:
    st.info(f"No AUC: {note}.")
if not len(quality.auc.columns) and not quality.notes:
    st.info("This data records no outcomes, so there is nothing to measure the model against.")
elif len(quality.auc.columns):
    st.dataframe(quality.auc.rename(index=SCORES, columns=OUTCOME_LABELS), key="calibrate_auc",
                 column_config={name: st.column_config.NumberColumn(format="%.3f") for name in OUTCOME_LABELS.values()})
    st.caption("ROC AUC: the chance that a lead with the outcome scores above one without it (0.5 = a coin toss).")
if len(quality.auc.columns):
    outcome = st.segmented_control("Against", list(quality.auc.columns), format_func=OUTCOME_LABELS.get,
                                   default=quality.auc.columns[0], key="calibrate_quality_outcome") \
        or quality.auc.columns[0]
    curves = {SCORES[score]: quality.gains[(score, outcome)] for score in SCORES}
    gain_column, lift_column = st.columns(2)
    gain_column.plotly_chart(charts.gain_chart(curves), key="calibrate_gain")
    lift_column.plotly_chart(charts.gain_chart(curves, "lift"), key="calibrate_lift")
few = small_cells(preview.matrix)
if len(few):
    st.markdown("**Cells with too few sales decisions to judge** (fewer than 30), with their 95% interval")
    st.dataframe(few, hide_index=True, key="calibrate_small_cells",
                 column_config={"acceptance_rate": percent, "acceptance_low": percent, "acceptance_high": percent})
