"""Step 2: who is a good fit. Category weights, the rules that give each value its share,
and the letter thresholds over the profile-score histogram."""

import contextlib

import streamlit as st

import scoring
from scoring.model.edit import rescale_weights, with_category, with_weights
from ui import rules, state, widgets

st.title("2 · Profile: who is a good fit")
st.caption("Explicit data about the lead. Each category gives a share between -100 and 100; "
           "the weights say how much each category counts. The profile score makes the letter A–D.")

model = state.model()
categories = model.profile.categories


def _staged_weights(current: scoring.LeadModel) -> dict[str, float]:
    return {c.id: float(st.session_state[state.widget_key("weight", c.id)]) for c in current.profile.categories}


def _apply_weights(current: scoring.LeadModel, weights: dict[str, float]) -> str | None:
    """The one call that validates and applies weights: None when the model took them, else
    why not, kept with the model and weights so the run shows it without checking again."""
    try:
        state.apply(with_weights(current, weights))
    except scoring.ModelError as error:
        st.session_state[state.WEIGHTS_REFUSED] = (current, weights, error.message)
        return error.message
    st.session_state.pop(state.WEIGHTS_REFUSED, None)
    return None


def _refusal(current: scoring.LeadModel, staged: dict[str, float]) -> str | None:
    """Why the model refuses the sliders' weights: the answer of their callback when it saw
    this model and these weights, else (the weights were set elsewhere) checked here, once."""
    refused = st.session_state.get(state.WEIGHTS_REFUSED)
    if refused is not None and refused[0] is current and refused[1] == staged:
        return refused[2]
    try:
        with_weights(current, staged)
    except scoring.ModelError as error:
        st.session_state[state.WEIGHTS_REFUSED] = (current, staged, error.message)
        return error.message
    return None


def _weight_moved(category_id: str) -> None:
    """A weight slider's on_change, its one apply path: the weights apply at once when the
    model takes them; otherwise the page shows the model's reason and waits for the rescale
    button."""
    st.session_state[state.LAST_WEIGHT_MOVED] = category_id
    current = state.model()
    _apply_weights(current, _staged_weights(current))


def _rescale() -> None:
    current = state.model()
    moved = st.session_state.get(state.LAST_WEIGHT_MOVED, current.profile.categories[0].id)
    if (reason := _apply_weights(current, rescale_weights(_staged_weights(current), moved))) is not None:
        state.notice(reason)


def _default_moved(category_id: str) -> None:
    """The default share's on_change: apply it before the run, so the page is drawn once.
    The rules are the model's (a rule table edit is applied by the run); an invalid change
    is left to the run, which shows why."""
    default = float(st.session_state[state.widget_key("default", category_id)])
    with contextlib.suppress(scoring.ModelError):
        state.apply(with_category(state.model(), category_id, default=default))


# ----- weights and thresholds, with the matrix they make beside them
controls, beside = st.columns([3, 1])
with controls:
    st.subheader("How much each category counts")
    weight_columns = st.columns(len(categories))
    for column, category in zip(weight_columns, categories, strict=True):
        key = state.seed(state.widget_key("weight", category.id), float(category.weight))
        column.slider(category.label or category.id, 0.0, 100.0, key=key, step=1.0, format="%g %%",
                      on_change=_weight_moved, args=(category.id,),
                      help=f"Weight of {category.label or category.id} (column `{category.field}`).")
    staged = _staged_weights(model)
    refusal = _refusal(model, staged) if staged != {c.id: c.weight for c in categories} else None
    if refusal is not None:
        left, right = st.columns([3, 1])
        left.error(f"{refusal}. The model changes once the weights are valid.")
        right.button("Rescale the others to 100 %", key="rescale_weights", on_click=_rescale, type="primary",
                     help="Keeps the weight you moved last and scales the others in proportion.")
    else:
        st.success("Weights total 100 %.", icon=":material/check_circle:")

    st.subheader("Letters: the lowest profile score for A, B and C")
    preview, scorer = widgets.preview_or_stop()
    widgets.thresholds_with_histogram("profile", ("A", "B", "C", "D"), preview.scored["profile_score"].to_numpy(),
                                      "Profile score", "grade")
with beside:
    widgets.compact_matrix(preview, "profile_compact_matrix")

leaks = rules.leaks(scorer, model, preview.matrix)
rules.leak_warnings(leaks.cells)  # near-perfect cells; each column's own findings are in its section below
flagged = [c.label or c.id for c in categories if leaks.of(c.id)]
if flagged:
    st.warning("Possible leaks in " + ", ".join(flagged) + ": see the findings in their sections below.",
               icon=":material/warning:")

# ----- rules
st.subheader("Rules: what each value is worth")
st.caption("First matching rule wins. A value no rule matches gets the default. "
           "Negative values disqualify (students, competitors). Beside each rule and each value: its leads "
           "and how they turned out.")
for index, category in enumerate(categories):
    findings = leaks.of(category.id)
    with st.expander(f"{category.label or category.id} — column `{category.field}`, weight {category.weight:g} %"
                     + rules.leak_marker(findings), expanded=bool(findings)):
        rules.leak_warnings(findings)
        try:
            edited = rules.rule_table(category.id, scorer, category.field, category.rules, category.default,
                                      f"profile.categories[{index}].rules")
            default_key = state.seed(state.widget_key("default", category.id), float(category.default))
            default = st.number_input("Default share (no rule matches)", -100.0, 100.0, step=5.0, key=default_key,
                                      on_change=_default_moved, args=(category.id,))
            if edited is not None or default != category.default:
                new_rules = edited if edited is not None else category.rules
                if state.apply(with_category(model, category.id, rules=new_rules, default=default)):
                    st.rerun()
        except scoring.ModelError as error:
            st.error("; ".join(error.lines))
        rules.value_table(scorer, category.field, category.rules, category.default)
