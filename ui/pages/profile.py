"""Step 2: who is a good fit. Category weights, the rules that give each value its share,
and the letter thresholds over the profile-score histogram."""

import contextlib

import pandas as pd
import streamlit as st

import scoring
from scoring.edit import rescale_weights, with_category, with_weights
from scoring.quality import value_coverage
from scoring.tables import CONDITIONS, RULE_COLUMNS, rows_to_rules, rules_to_rows, table_records
from ui import state, widgets

st.title("2 · Profile: who is a good fit")
st.caption("Explicit data about the lead. Each category gives a share between -100 and 100; "
           "the weights say how much each category counts. The profile score makes the letter A–D.")

model = state.model()
categories = model.profile.categories


def _staged_weights() -> dict[str, float]:
    return {c.id: float(st.session_state[state.widget_key("weight", c.id)]) for c in categories}


def _weight_moved(category_id: str) -> None:
    """Apply the weights at once when the model takes them; otherwise the page shows the
    model's reason and waits for the rescale button."""
    st.session_state[state.LAST_WEIGHT_MOVED] = category_id
    with contextlib.suppress(scoring.ModelError):  # the page shows why, from the same check
        state.apply(with_weights(model, _staged_weights()))


def _rescale() -> None:
    moved = st.session_state.get(state.LAST_WEIGHT_MOVED, categories[0].id)
    try:
        state.apply(with_weights(model, rescale_weights(_staged_weights(), moved)))
    except scoring.ModelError as error:
        state.notice(error.message)


# ----- weights
st.subheader("How much each category counts")
weight_columns = st.columns(len(categories))
for column, category in zip(weight_columns, categories, strict=True):
    key = state.seed(state.widget_key("weight", category.id), float(category.weight))
    column.slider(category.label or category.id, 0.0, 100.0, key=key, step=1.0, format="%g %%",
                  on_change=_weight_moved, args=(category.id,),
                  help=f"Weight of {category.label or category.id} (column `{category.field}`).")
staged = _staged_weights()
refusal = None
if staged != {c.id: c.weight for c in categories}:
    try:
        with_weights(model, staged)
    except scoring.ModelError as error:
        refusal = error
if refusal is not None:
    left, right = st.columns([3, 1])
    left.error(f"{refusal.message}. The model changes once the weights are valid.")
    right.button("Rescale the others to 100 %", key="rescale_weights", on_click=_rescale, type="primary",
                 help="Keeps the weight you moved last and scales the others in proportion.")
else:
    st.success("Weights total 100 %.", icon=":material/check_circle:")

# ----- thresholds and histogram
st.subheader("Letters: the lowest profile score for A, B and C")
preview, scorer = widgets.preview_or_stop()
widgets.thresholds_with_histogram("profile", ("A", "B", "C", "D"), preview.scored["profile_score"].to_numpy(),
                                      "Profile score", "grade")

# ----- rules
st.subheader("Rules: what each value is worth")
st.caption("First matching rule wins. A value no rule matches gets the default. "
           "Negative values disqualify (students, competitors).")
for category in categories:
    with st.expander(f"{category.label or category.id} — column `{category.field}`, weight {category.weight:g} %"):
        coverage = value_coverage(scorer, model, category.id, limit=40)
        rules_column, values_column = st.columns([2, 1])
        with rules_column:
            rows = pd.DataFrame(rules_to_rows(category.rules), columns=list(RULE_COLUMNS))
            edited = st.data_editor(
                rows, key=state.widget_key("rules", category.id), num_rows="dynamic", hide_index=True,
                column_config={
                    "condition": st.column_config.SelectboxColumn("Condition", options=list(CONDITIONS),
                                                                  required=True, width="medium"),
                    "items": st.column_config.MultiselectColumn(
                        "Values", options=[v for v in coverage["value"] if v != "(missing)"],
                        accept_new_options=True, help="For 'is one of' and 'contains any of'.", width="medium"),
                    "from": st.column_config.NumberColumn("From", help="'at least' and 'between' (included)",
                                                          width="small"),
                    "to": st.column_config.NumberColumn("To", help="'below' and 'between' (not included)",
                                                        width="small"),
                    "value": st.column_config.NumberColumn("Share", min_value=-100, max_value=100, step=5,
                                                           required=True, width="small", pinned=True),
                },
            )
            default_key = state.seed(state.widget_key("default", category.id), float(category.default))
            default = st.number_input("Default share (no rule matches)", -100.0, 100.0, step=5.0, key=default_key)
            if table_records(edited) != table_records(rows) or default != category.default:
                try:
                    rules = rows_to_rules(table_records(edited),
                                          f"profile.categories[{categories.index(category)}].rules",
                                          keep=category.rules)
                    if state.apply(with_category(model, category.id, rules=rules, default=default)):
                        st.rerun()
                except scoring.ModelError as error:
                    st.error("; ".join(error.lines))
        with values_column:
            st.caption("Most common values and the rule each meets")
            st.dataframe(coverage, hide_index=True, height=320)
