"""Step 3: how interested. Points per activity, caps, how fast activities fade, engagement
from lead columns (page counts, durations) with the evidence for each value, and the
engagement thresholds over the engagement-score histogram, the matrix beside them."""

import re

import pandas as pd
import streamlit as st

import scoring
from scoring.data.read import LEAD_ID, SCORED_AT
from scoring.measures.activity_evidence import (
    activity_evidence,
    counts_text,
    field_counts_text,
    type_timing,
)
from scoring.measures.grid import recorded_outcomes
from scoring.measures.metrics import Outcomes
from scoring.measures.report import evidence_text
from scoring.model.edit import (
    DEFAULT_RECENCY,
    DEFAULT_WINDOWS,
    with_activities,
    with_activity_entries,
    with_recency,
)
from scoring.model.tables import table_records
from ui import charts, rules, state, widgets

ACTIVITY_COLUMNS = ("id", "label", "activity", "points", "max_count")
NOT_ENGAGEMENT = {LEAD_ID, SCORED_AT, *Outcomes().__dict__.values()}  # ids, dates and outcomes

st.title("3 · Engagement: how interested")
st.caption("Implicit data: what the lead did. Each activity earns points, fading with age, and lead columns "
           "(visits, pages, time on site) add the share of their first matching rule; the engagement score "
           "makes the number 1–4 (1 = most engaged).")

model = state.model()
engagement = model.engagement
preview, scorer = widgets.preview_or_stop()
has_events = scorer.activities is not None
leaks = rules.leaks(scorer, model, preview.matrix)


def _entries() -> list[dict]:
    return [entry.model_dump(by_alias=True, exclude_none=True) for entry in engagement.activities]


def _remove_entry(entry_id: str, name: str) -> None:
    """The remove button's on_click: applied before the run, so the page is drawn once."""
    current = state.model()
    kept = [e.model_dump(by_alias=True, exclude_none=True) for e in current.engagement.activities if e.id != entry_id]
    try:
        state.apply(with_activities(current, kept), f"Removed {name}")
    except scoring.ModelError as error:
        state.error("; ".join(error.lines))


def _apply_entries(entries: list[dict], text: str | None = None) -> None:
    try:
        if state.apply(with_activities(model, entries), text):
            st.rerun()
    except scoring.ModelError as error:
        st.error("; ".join(error.lines))


FORM_KEY, MAX_AGE_KEY, HALF_LIFE_KEY = (state.widget_key("recency", name) for name in ("form", "max_age", "half_life"))


def _form(recency) -> str:
    return "windows" if recency is not None and recency.windows else "half-life"


def _half_life(recency) -> float:
    fallback = DEFAULT_RECENCY["half_life_days"]
    return float(recency.half_life_days or fallback) if recency else fallback


def _windows(recency) -> list[dict]:
    return [w.model_dump() for w in recency.windows] if recency and recency.windows else list(DEFAULT_WINDOWS)


def _window_rows(windows: list[dict]) -> list[dict]:
    return [{"within_days": w["within_days"], "factor": w["factor"]} for w in windows]


def _takes_recency(current: scoring.LeadModel) -> bool:
    """A model without recency and without activities keeps the setting for its first activity."""
    return current.engagement.recency is not None or bool(current.activity_entries)


def _apply_recency(current: scoring.LeadModel, setting: dict) -> bool:
    """The one call that validates and applies a recency setting (raises ``ModelError``)."""
    return state.apply(with_recency(current, setting))


def _recency_moved() -> None:
    """on_change of the fading form, the age limit and the half-life, their one apply path:
    applied before the run, so a step draws the page once, with it (not drawn, applied, and
    drawn again: half a second at a million leads). The windows are the model's (a windows
    table edit is applied by the run); an invalid setting is shown by the run (state.error)."""
    current = state.model()
    recency = current.engagement.recency
    if not _takes_recency(current):
        return
    max_age = st.session_state.get(MAX_AGE_KEY, recency.max_age_days if recency else None)
    setting: dict = {"max_age_days": float(max_age or 0) or None}
    if st.session_state.get(FORM_KEY, _form(recency)) == "half-life":
        setting["half_life_days"] = float(st.session_state.get(HALF_LIFE_KEY, _half_life(recency)))
    else:
        setting["windows"] = _windows(recency)
    try:
        _apply_recency(current, setting)
    except scoring.ModelError as error:
        state.error(error.message)


def recency_controls() -> dict:
    """How fast activities fade; returns the recency the page's widgets set."""
    st.subheader("How fast activities fade")
    recency = engagement.recency
    settings_column, curve_column = st.columns([1, 2])
    with settings_column:
        chosen_form = st.radio("Fading", ["half-life", "windows"], horizontal=True,
                               key=state.seed(FORM_KEY, _form(recency)), on_change=_recency_moved,
                               help="Half-life: an activity counts half after that many days. "
                                    "Windows: full count this week, less after, in steps.")
        max_age = st.number_input("Ignore activities older than (days; 0 = never)", 0.0, None, step=15.0,
                                  key=state.seed(MAX_AGE_KEY, float(recency.max_age_days or 0) if recency else 0.0),
                                  on_change=_recency_moved, help="Older activities add nothing at all.")
        new_recency: dict = {"max_age_days": max_age or None}
        if chosen_form == "half-life":
            current = _half_life(recency)
            # the range always holds the model's value: a widget clamps what lies outside it
            half_life = st.slider("Half-life (days)", min(1.0, current), max(180.0, current), step=0.5,
                                  key=state.seed(HALF_LIFE_KEY, current), on_change=_recency_moved,
                                  help="After this many days an activity counts half; after twice as long, a quarter.")
            new_recency["half_life_days"] = half_life
        else:
            windows = pd.DataFrame(_windows(recency), columns=["within_days", "factor"])
            edited_windows = st.data_editor(
                windows, key=state.widget_key("recency", "windows"), num_rows="dynamic", hide_index=True,
                column_config={
                    "within_days": st.column_config.NumberColumn("Up to (days)", min_value=0, required=True),
                    "factor": st.column_config.NumberColumn("Counts as", min_value=0, max_value=1, step=0.05,
                                                            required=True, format="percent"),
                })
            new_recency["windows"] = [r for r in table_records(edited_windows) if r["within_days"] is not None]
            # the form, age limit and half-life are applied by their callback; only a table edit is the run's
            if _takes_recency(model) and _window_rows(new_recency["windows"]) != _window_rows(_windows(recency)):
                try:
                    if _apply_recency(model, new_recency):
                        st.rerun()
                except scoring.ModelError as error:
                    st.error(error.message)
    with curve_column:
        if recency is not None:
            st.plotly_chart(charts.decay_curve(recency), key="decay_curve")
    return new_recency


def activity_points(new_recency: dict) -> None:
    st.subheader("Points per activity")
    st.caption("Points are earned per activity, after fading; the cap limits how many (faded) activities of "
               "one kind count. Negative points pull the score down (an unsubscribe).")
    type_counts = scorer.activity_type_counts()
    activity_entries = model.activity_entries
    rows = pd.DataFrame([{column: getattr(e, column) for column in ACTIVITY_COLUMNS} for e in activity_entries],
                        columns=list(ACTIVITY_COLUMNS))
    shown, outcomes = _with_activity_evidence(rows)
    options = sorted(set(type_counts) | {e.activity for e in activity_entries if e.activity})
    edited = st.data_editor(
        shown, key=state.widget_key("activities"), num_rows="dynamic", hide_index=True, width="stretch",
        disabled=[c for c in shown.columns if c not in ACTIVITY_COLUMNS],
        column_config={
            "id": st.column_config.TextColumn("Id", required=True, help="A short unique name.", width="small"),
            "label": st.column_config.TextColumn("Label", help="How the activity is called in the room."),
            "activity": st.column_config.SelectboxColumn("Activity in the data", options=options, required=True),
            "points": st.column_config.NumberColumn("Points", step=1, required=True, width="small"),
            "max_count": st.column_config.NumberColumn("Cap", min_value=0, step=1, help="Empty: no cap.",
                                                       width="small"),
            "occurrences": st.column_config.TextColumn(
                "Counted of all", width=270,
                help="Of this type in the data: how many this entry counts (dated at or before the lead's "
                     "hand-over moment, not older than the age limit) and how many it leaves out as after the "
                     "hand-over, too old, or without a date or hand-over moment."),
            "leads": st.column_config.NumberColumn("Leads", help="Leads that had it before their hand-over.",
                                                   format="localized", width="small"),
            **{name: st.column_config.TextColumn(rules.RATE_NAMES[name], width="medium",
                                                 help="Of the leads that had it before their hand-over. "
                                                      + rules.RATE_HELP)
               for name in outcomes},
        })
    entered = [{column: record.get(column) for column in ACTIVITY_COLUMNS} for record in table_records(edited)]
    if entered != table_records(rows):
        try:
            if state.apply(with_activity_entries(model, entered, new_recency)):
                st.rerun()
        except scoring.ModelError as error:
            st.error("; ".join(error.lines))
    for entry in activity_entries:
        rules.leak_warnings(leaks.of(entry.id))
    timing = type_timing(scorer).set_index("activity")
    if type_counts:
        st.caption("In the data: " + ", ".join(
            f"{name} ({count:,}" + (f"; {int(timing.loc[name, 'after_handover']):,} after hand-over)"
                                    if name in timing.index and timing.loc[name, "after_handover"] else ")")
            for name, count in type_counts.items()))


def _with_activity_evidence(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The activity table with each entry's occurrences and the evidence of the leads that had it
    (joined by entry id), and the outcomes the data records."""
    evidence = activity_evidence(scorer, model).set_index("id")
    outcomes = recorded_outcomes(evidence)
    rates = evidence_text(evidence, outcomes)
    shown = rows.copy()
    shown["occurrences"] = [counts_text(evidence.loc[i]) if i in evidence.index else None for i in rows["id"]]
    for column in ("leads", *outcomes):
        shown[column] = [rates.loc[i, column] if i in rates.index else None for i in rows["id"]]
    return shown, outcomes


# ----- fading (only with an event log) and thresholds with the matrix beside them; points per activity
# the points table, with each entry's evidence, is drawn full width below (as the Profile page's rules)
controls, beside = st.columns([3, 1])
new_recency = None
with controls:
    if has_events:
        new_recency = recency_controls()
    else:
        st.info("This data has no activities file, so nothing fades and there are no points per activity: "
                "engagement comes from the lead columns below. Load an activities file on the Data page to "
                "count activities.", icon=":material/event_busy:")
        if model.activity_entries:
            st.caption("The model's activity entries add nothing on this data: "
                       + ", ".join(e.label or e.id for e in model.activity_entries) + ".")
    st.subheader("Numbers: the lowest engagement score for 1, 2 and 3")
    widgets.thresholds_with_histogram("engagement", ("1", "2", "3", "4"),
                                      preview.scored["engagement_score"].to_numpy(), "Engagement score",
                                      "engagement_grade")
with beside:
    widgets.compact_matrix(preview, "engagement_compact_matrix")

rules.leak_warnings(leaks.cells)  # near-perfect cells; each entry's own findings are beside it
if new_recency is not None:
    activity_points(new_recency)

# ----- engagement from lead columns
st.subheader("Engagement from lead columns")
st.caption("Each entry reads one column of the leads and adds the share of its first matching rule "
           "(nothing when none matches); no fading. Beside each rule and each value: its leads and how they "
           "turned out.")
entries = _entries()
for index, entry in enumerate(engagement.activities):
    if entry.is_activity or not entry.field:
        continue
    findings = leaks.of(entry.id)
    with st.expander(f"{entry.label or entry.id} — column `{entry.field}`" + rules.leak_marker(findings),
                     expanded=not has_events or bool(findings)):
        rules.leak_warnings(findings)
        st.caption(field_counts_text(scorer, entry.field))
        try:
            edited = rules.rule_table(f"entry:{entry.id}", scorer, entry.field, entry.rules or [], 0.0,
                                      f"engagement.activities[{index}].rules")
        except scoring.ModelError as error:
            st.error("; ".join(error.lines))
            edited = None
        if edited is not None:
            _apply_entries([{**e, "rules": edited} if e["id"] == entry.id else e for e in entries])
        rules.value_table(scorer, entry.field, entry.rules or [], 0.0)
        st.button("Remove this entry", key=f"remove_entry_{entry.id}", icon=":material/delete:",
                  on_click=_remove_entry, args=(entry.id, entry.label or entry.id))

used = {entry.field for entry in model.field_entries}
candidates = [c for c in scorer.leads.columns if c not in NOT_ENGAGEMENT and c not in used]
with st.form("add_field_entry", border=False):
    column, button = st.columns([3, 1], vertical_alignment="bottom")
    picked = column.selectbox("Count another lead column", candidates, index=None, placeholder="Pick a column",
                              help="Page counts, durations, visits: anything in the leads table that shows interest.")
    if button.form_submit_button("Add", icon=":material/add:") and picked:
        ident = re.sub(r"[^a-z0-9]+", "_", str(picked).lower()).strip("_") or "field"
        while ident in {e["id"] for e in entries}:
            ident += "_2"
        _apply_entries([*entries, {"id": ident, "label": str(picked), "field": str(picked), "rules": []}],
                       f"Added {picked} to engagement")
