"""Widget groups more than one page uses."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

import scoring
from scoring.data.csvfile import decode_text
from scoring.engine.handover import AsOfRequired
from scoring.engine.scorer import Scorer
from scoring.formatting import format_rate
from scoring.measures.grid import compact_grid, outcome_of
from scoring.measures.metrics import History, Preview, headline
from scoring.measures.segments import Segments, segment_labels_of, segment_preview
from scoring.model.edit import with_grades
from scoring.model.tables import breakdown_table

from . import charts, data, drafts, state


def _apply_thresholds(axis: str, names: tuple[str, ...], key_prefix: str) -> None:
    """A threshold input's on_change: apply the thresholds before the run, so the page is
    drawn once, with them (not drawn, applied, and drawn again: seconds at a million leads).
    An invalid set is left to the run, which shows why."""
    wanted = {name: float(st.session_state[state.widget_key(key_prefix, name)]) for name in names[:-1]}
    with contextlib.suppress(scoring.ModelError):
        state.apply(with_grades(state.model(), axis, wanted))


def thresholds_with_histogram(axis: str, names: tuple[str, ...], scores: np.ndarray, axis_title: str,
                              key_prefix: str) -> None:
    """The score histogram with a number input for each grade's lowest score beside it.
    A valid change is applied at once; an invalid one is shown and the model kept."""
    model = state.model()
    grades = getattr(model, axis).grades.as_dict()
    chart_column, threshold_column = st.columns([3, 1])
    with threshold_column:
        wanted = {}
        for name in names[:-1]:
            key = state.seed(state.widget_key(key_prefix, name), float(grades[name]))
            wanted[name] = st.number_input(f"{name} from", 0.0, None, key=key, step=1.0, format="%.1f",
                                           on_change=_apply_thresholds, args=(axis, names, key_prefix),
                                           help=f"Leads scoring at least this (and below the grade above) get {name}.")
        st.caption(f"{names[-1]} is everything below {names[-2]}.")
        if any(wanted[name] != grades[name] for name in wanted):
            try:
                if state.apply(with_grades(model, axis, wanted)):
                    st.rerun()
            except scoring.ModelError as error:
                st.error(error.message)
    with chart_column:
        st.plotly_chart(charts.score_histogram(scores, grades, axis_title), key=f"{axis}_histogram")


def preview_or_stop() -> tuple[Preview, Scorer]:
    """The current model's preview and the session's Scorer; when the model cannot score
    this data (a column it reads is missing), an error pointing to the Data page instead."""
    try:
        return data.current_preview(), data.scorer()
    except AsOfRequired as error:
        st.error(error.in_app(), icon=":material/schedule:")
        st.stop()
    except scoring.DataError as error:
        st.error(f"{error} — map the column on the Data page.")
        st.stop()


def messages() -> None:
    """Show what an earlier run left for this one: a notice, an error, a draft conflict."""
    if notice := st.session_state.pop(state.NOTICE, None):
        st.toast(notice)
    if error := st.session_state.pop(state.ERROR, None):
        st.error(error)
    if conflict := st.session_state.get(state.DRAFT_CONFLICT):
        st.warning(f"Your last change is not saved: {conflict}.", icon=":material/sync_problem:")
        reload_column, copy_column = st.columns(2)
        reload_column.button("Reload the saved draft", key="draft_reload", on_click=drafts.reload,
                             help="Open the draft as the other tab saved it; your unsaved change is dropped.")
        copy_column.button("Keep mine as a new draft", key="draft_copy", on_click=drafts.save_as_copy,
                           type="primary", help="Save this session's model as a new draft.")


def draft_list(exclude: str | None = None, limit: int = 20) -> None:
    """The saved drafts, newest first, each with when it last changed and how, and buttons
    to open, rename or delete it (deleting asks first)."""
    listed = [info for info in drafts.store().list(limit) if info.id != exclude]
    if not listed:
        st.caption("No other drafts yet.")
    for info in listed:
        with st.container(border=True):
            text_column, open_column, rename_column, delete_column = st.columns([6, 1, 1, 1])
            when = time.strftime("%d %b %H:%M", time.localtime(info.saved_at))
            text_column.markdown(f"**{info.title}** · {when}  \n{info.last_change or 'no changes'}")
            opened = open_column.button("Open", key=f"draft_open_{info.id}", icon=":material/open_in_new:")
            if opened and drafts.open_draft(info.id):
                st.rerun()
            with rename_column.popover("Rename", icon=":material/edit:"):
                title = st.text_input("Name", info.title, key=f"draft_title_{info.id}")
                if st.button("Save name", key=f"draft_rename_{info.id}"):
                    _draft_action(drafts.store().rename, (info.id, title))
            with delete_column.popover("Delete", icon=":material/delete:"):
                st.write(f"Delete the draft **{info.title}** for good?")
                if st.button("Yes, delete", key=f"draft_delete_{info.id}", type="primary"):
                    _draft_action(drafts.store().delete, (info.id,), f"Deleted draft {info.title}")


def _draft_action(action, arguments: tuple, done: str | None = None) -> None:
    try:
        action(*arguments)
    except scoring.LeadGridError as error:
        st.error(str(error))
        return
    if done:
        state.notice(done)
    st.rerun()


# cividis from dark to light: colour-blind safe, as the matrix page's heatmap
COMPACT_COLOURS = ("#00204c", "#31446b", "#666970", "#958f78", "#cbba69", "#ffe945")
COMPACT_TITLES = {"acceptance": "Accepted by sales", "conversion": "Converted", None: "Share of leads"}


def _compact_colour(value: float) -> tuple[str, str]:
    """Background and text colour for a value 0..1 (1 = the highest cell)."""
    stops = len(COMPACT_COLOURS) - 1
    index = min(max(round(float(value) * stops), 0), stops)
    return COMPACT_COLOURS[index], "#ffffff" if index < 3 else "#000000"


def compact_matrix(preview: Preview, key: str) -> None:
    """The A1–D4 grid at a glance, beside the controls: per cell its leads and the headline
    rate (acceptance where the data records sales decisions, else conversion, else the share
    of leads), coloured by it; to-sales cells outlined; * marks too few known outcomes."""
    outcome = outcome_of(preview.matrix)
    grid = compact_grid(preview.matrix, outcome)
    shown = grid["rate"] if outcome else grid["share"]
    low, high = charts.colour_range([list(shown.to_numpy(dtype=float))])  # this data's own range
    cells = []
    for letter in "ABCD":
        row = [f"<th style='padding:2px 6px'>{letter}</th>"]
        for number in "1234":
            cell = grid.loc[letter + number]
            value = shown[letter + number]
            if cell["leads"] == 0 or value != value:
                background, colour = "#e9ecef", "#495057"
            else:
                background, colour = _compact_colour((value - low) / (high - low))
            outline = "outline:3px solid #D55E00;outline-offset:-3px;" if cell["to_sales"] else ""
            mark = "*" if cell["few"] else ""
            text = (f"{int(cell['leads']):,}<br><b>{format_rate(value)}{mark}</b>" if cell["leads"]
                    else "0<br>&nbsp;")
            row.append(f"<td title='{letter}{number}' style='background:{background};color:{colour};{outline}"
                       f"text-align:center;padding:4px 2px;font-size:0.85rem;line-height:1.2'>{text}</td>")
        cells.append("<tr>" + "".join(row) + "</tr>")
    header = "<tr><th></th>" + "".join(f"<th style='text-align:center'>{n}</th>" for n in "1234") + "</tr>"
    table = ("<table style='width:100%;border-collapse:separate;border-spacing:3px;table-layout:fixed'>"
             f"{header}{''.join(cells)}</table>")
    head = headline(preview)
    with st.container(key=key, border=True):
        st.markdown(f"**Matrix now** · {COMPACT_TITLES[outcome].lower()} per cell")
        st.markdown(table, unsafe_allow_html=True)
        sales = preview.sales
        summary = f"To sales: **{sales.leads:,}** leads ({format_rate(sales.share)})"
        if outcome is not None:
            summary += f" · {head.label.lower()} **{format_rate(head.rate)}**, the rest {format_rate(head.rest_rate)}"
        st.markdown(summary)
        st.caption("Orange outline: to sales." + (f" *: {head.few_rule}." if outcome else ""))


def model_upload(key: str) -> None:
    """Open a saved model (YAML or JSON) in place of the one being edited; Undo brings the
    current one back. A file that is not a valid model is one error, and nothing changes."""
    uploaded = st.file_uploader("Model file (YAML or JSON)", type=["yaml", "yml", "json"], key=f"{key}_model_file",
                                help="Replaces the model being edited; Undo brings the current one back.")
    if uploaded is not None and st.button("Open this model", key=f"{key}_model_open", type="primary",
                                          icon=":material/upload_file:"):
        try:
            loaded = scoring.parse_model(uploaded.getvalue(), uploaded.name)
        except scoring.ModelError as error:
            st.error("\n\n".join(error.lines))
            st.caption("The model being edited is unchanged.")
        else:
            yaml_source = uploaded.getvalue() if not uploaded.name.lower().endswith(".json") else None
            state.load(loaded, f"Opened {uploaded.name}", source=yaml_source and decode_text(yaml_source))
            st.rerun()


ALL_LEADS = "(all leads)"


@dataclass(frozen=True)
class SegmentFilter:
    """What the segment picker chose: the preview for the chosen leads (the whole preview
    when none is chosen), their mask, and the segment's values (None for all leads)."""

    result: Preview
    within: np.ndarray | None
    segments: Segments | None
    value: str | None = None  # the chosen value, None for all leads

    @property
    def whose(self) -> str:
        """Whose leads the figures are shares of: 'all leads', or 'webinar leads' under a segment."""
        return "all leads" if self.value is None else f"{self.value} leads"


def segment_filter(model: scoring.LeadModel, full: Preview, scorer: Scorer, history: History,
                   column_key: str, value_key: str, default: str = ALL_LEADS) -> SegmentFilter:
    """Two pickers: a lead column to slice by and one of its values; every figure drawn
    from the returned preview is for the leads with that value only."""
    columns = [str(column) for column in scorer.leads.columns]
    default = default if default in columns else ALL_LEADS
    if st.session_state.get(column_key, default) not in [ALL_LEADS, *columns]:  # another data set
        st.session_state[column_key] = default
    pick_column, pick_value = st.columns(2)
    segment = pick_column.selectbox(
        "Segment", [ALL_LEADS, *columns], key=state.seed(column_key, default),
        help="Any lead column: pick one of its values to see every figure for those leads only.")
    if segment == ALL_LEADS:
        return SegmentFilter(full, None, None)
    segments = segment_labels_of(scorer, segment)
    if st.session_state.get(value_key, ALL_LEADS) not in [ALL_LEADS, *segments.values]:
        st.session_state[value_key] = ALL_LEADS
    value = pick_value.selectbox("Only the leads where it is", [ALL_LEADS, *segments.values], key=value_key)
    if segments.note():
        st.caption(segments.note())
    if value == ALL_LEADS or value not in segments.values:
        return SegmentFilter(full, None, segments)
    within = segments.mask(value)
    return SegmentFilter(segment_preview(model, full, history, within), within, segments, value)


def segment_breakdown_table(frame, column: str, key: str) -> None:
    """The per-value breakdown (``segments.segment_breakdown``) with what each column means."""
    outcome = str(frame["outcome"].iloc[0]) if len(frame) else "acceptance"
    st.dataframe(breakdown_table(frame), hide_index=True, key=key, column_config={
        "segment": column, "leads": "Leads", "to_sales": "To sales",
        "to_sales_per_month": st.column_config.NumberColumn(
            f"To sales / month, {frame.attrs.get('per_month_window', 'no dates')}", format="%.1f",
            help="The value's to-sales leads handed over in the per-month window, over its months."),
        "acceptance": st.column_config.TextColumn("Accepted (to sales, 95 %)",
                                                  help="Of the value's to-sales leads that sales decided on."),
        "conversion": st.column_config.TextColumn("Converted (to sales, 95 %)",
                                                  help="Of the value's to-sales leads with a known outcome."),
        "base_rate": st.column_config.TextColumn(
            "Base rate", help=f"{outcome.capitalize()} of all the value's leads, to sales or not."),
        "rest_rate": st.column_config.TextColumn("Rest", help=f"{outcome.capitalize()} of the value's leads "
                                                 "not sent to sales."),
        "lift": st.column_config.TextColumn(
            "Lift over the rest (95 %)", help=f"How many times the {outcome} of the value's to-sales leads is "
            "that of its other leads: how well the model separates inside the value."),
        "worse": st.column_config.CheckboxColumn(
            "Clearly worse", help="The model separates clearly worse here than on all leads: the lift's "
            "interval lies wholly below the lift of all leads. A value with a low base rate where the model "
            "ranks well is not flagged."),
    })
    st.caption(f"Judged on {outcome}. *Clearly worse*: the lift of to-sales over the value's other leads lies "
               "wholly below the lift on all leads — a low base rate alone does not flag a value.")
