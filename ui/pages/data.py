"""Step 1: which historical leads the model is tried on, how their columns map, and how clean they are."""

import streamlit as st

import scoring
from scoring.data.read import ROW_NUMBER
from scoring.engine.handover import AsOfRequired
from scoring.engine.values import unreadable_numbers
from scoring.measures.pipeline import PIPELINE_FIELDS
from scoring.model.edit import with_columns
from ui import data, state, widgets
from ui.handover import hand_over_choice

MODEL_FIELDS_HELP = "The model reads this field; pick the column of your file that holds it."
ROW_NUMBER_TEXT = "(row number: 1, 2, 3, …)"
NO_FIT = "Map its columns under *Columns* below, or open a model written for this data (*Open your own model* above)."
NO_ACTIVITY_LOG = ("No activity log in this data: engagement comes from lead columns only (nothing to count "
                   "per activity or to fade).")
OPTIONAL_LEAD_FIELDS = ("scored_at", "created_at", "accepted", "converted", "won_amount", *PIPELINE_FIELDS)

st.title("1 · Data: the historical leads")
st.caption("Everything on the next pages is measured against these leads. Nothing leaves this machine.")

choice = data.choice()
available = data.available()
sources = {key: dataset.title for key, dataset in available.items()} | {
    data.UPLOAD: "My own files", data.PATHS: "Files on this machine (large data)"}
picked = st.radio("Leads to work with", list(sources), format_func=sources.get,
                  key=state.seed(state.widget_key("data", "source"),
                                 choice.key if choice.key in sources else data.UPLOAD),
                  help="The sample ships with LeadGrid; public datasets open with the model written for "
                       "them; your own files stay on this machine. Large files (a browser upload is capped "
                       "at 200 MB) open by their path on the machine running LeadGrid.")
if picked in available:
    st.caption(f"{available[picked].licence}. {available[picked].attribution}")
if missing := data.absent():
    with st.expander(f"Public datasets not found on this machine ({len(missing)})", expanded=False):
        st.caption("; ".join(f"{d.title} (looked in `{d.default_dir()}`)" for d in missing))
with st.expander("Open your own model (YAML or JSON)", icon=":material/upload_file:"):
    widgets.model_upload("data")

if picked in available and picked != choice.key:
    try:
        with st.spinner(f"Reading {available[picked].title}…"):
            data.use_catalogue(picked)
        st.rerun()
    except (scoring.DataError, scoring.ModelError) as error:
        st.error(str(error))

if picked == data.UPLOAD:
    with st.form("upload_form", clear_on_submit=False):
        leads_file = st.file_uploader("Leads (CSV or Parquet)", type=["csv", "tsv", "txt", "parquet", "pq"],
                                      key="upload_leads", help="One row per lead, with a unique lead id.")
        activities_file = st.file_uploader("Activities (optional)", type=["csv", "tsv", "txt", "parquet", "pq"],
                                           key="upload_activities",
                                           help="One row per activity: lead id, activity type, date.")
        submitted = st.form_submit_button("Use these files", type="primary")
    if submitted:
        if leads_file is None:
            st.error("Choose a leads file first.")
        else:
            try:
                with st.spinner(f"Reading {leads_file.name}…"):
                    data.use_uploads((leads_file.name, leads_file.getvalue()),
                                          (activities_file.name, activities_file.getvalue()) if activities_file else None)
                st.rerun()
            except scoring.DataError as error:
                st.error(str(error))
    if choice.key != data.UPLOAD:
        st.info("Upload a leads file to switch; until then the app keeps the current data.")

if picked == data.PATHS:
    opened = choice.paths or ("", None)
    with st.form("path_form", clear_on_submit=False):
        leads_path = st.text_input("Leads file (CSV or Parquet), its path on this machine", opened[0] or "",
                                   key="path_leads", placeholder="/data/crm/leads.parquet",
                                   help="Read on the machine running LeadGrid; nothing is uploaded.")
        activities_path = st.text_input("Activities file (optional)", opened[1] or "", key="path_activities",
                                        placeholder="/data/crm/activities.parquet")
        opened_now = st.form_submit_button("Open these files", type="primary")
    if opened_now:
        try:
            data.use_paths(leads_path, activities_path)
            st.rerun()
        except scoring.LeadGridError as error:
            st.error(str(error))
    elif choice.key != data.PATHS:
        st.info("Give a path and open it to switch; until then the app keeps the current data.")

model = state.model()
try:
    lead_columns, activity_columns = data.raw_columns()
except scoring.DataError as error:
    st.error(str(error))
    st.stop()

if activity_columns:
    hand_over_choice(lead_columns)

st.subheader("Data quality")
try:
    with st.spinner("Checking the data…"):
        quality = data.quality(model)
except AsOfRequired:  # the hand-over moment above says so, once
    quality = None
except scoring.DataError as error:
    st.error(f"This model does not fit these leads: {error}. {NO_FIT}")
    quality = None

if quality is not None:
    cols = st.columns(4 if activity_columns else [1, 1, 2])
    cols[0].metric("Leads", f"{quality.leads:,}")
    cols[1].metric("Period", "–" if quality.first_date is None else f"{quality.first_date:%b %Y}",
                   None if quality.first_date is None else f"to {quality.last_date:%b %Y}",
                   delta_color="off", delta_arrow="off", help=f"From the {quality.date_column or 'date'} column.")
    if activity_columns:
        cols[2].metric("Activities used", f"{quality.activities.usable:,}",
                       help="Activities of known leads, dated, and not after the lead was handed over.")
        cols[3].metric("Activities after hand-over", f"{quality.activities.after_scoring:,}",
                       help="Dated after the lead's scored_at: they never count, as in production.")
    else:
        cols[2].caption(NO_ACTIVITY_LOG)
    if quality.absent_columns:
        st.error(f"This model does not fit these leads: it reads {len(quality.absent_columns)} column"
                 f"{'s' if len(quality.absent_columns) > 1 else ''} the file lacks "
                 f"({', '.join(quality.absent_columns)}). {NO_FIT}")
    frame = quality.columns_frame().rename(columns={
        "field": "Column", "used_by": "Used by", "missing_share": "Missing", "distinct": "Distinct values"})
    st.dataframe(frame, hide_index=True, height="content", width="stretch", column_config={
        "Missing": st.column_config.ProgressColumn("Missing", format="percent", min_value=0, max_value=1)})
    if quality.unmatched_activity_types:
        st.warning("Model activities never seen in the data: " + ", ".join(quality.unmatched_activity_types))
    if quality.unused_activity_types:
        st.caption("Activity types in the data the model ignores: " + ", ".join(quality.unused_activity_types))
    if quality.non_finite:
        st.warning("Values that read as an infinite number (such as `inf` or `1e400`): " + ", ".join(
            f"{column} {count:,}" for column, count in quality.non_finite.items())
            + ". A rule compares them as infinite; JSON outputs write them as null.")
    prepared = data.scorer()
    if unreadable := unreadable_numbers(model, prepared.leads, prepared.field_rules):  # "5,000" stays text: say so
        st.warning("Values a number rule (at least, below, between) cannot read as a number, so no such rule "
                   "matches them: " + "; ".join(column.line() for column in unreadable), icon=":material/pin:")
    if quality.activities.unknown_lead:
        st.caption(f"{quality.activities.unknown_lead:,} activities belong to leads not in the leads file.")
    if quality.after_handover:  # pipeline columns and segments (the After hand-over page)
        st.warning("After the hand-over: " + "; ".join(quality.after_handover), icon=":material/rule:")

with st.expander("Columns: which column of your file holds each thing the model reads",
                 expanded=quality is None or bool(quality.absent_columns)):
    st.caption("Real exports rarely use our names. The mapping is saved in the model.")
    current = data.mapping()
    with st.form("mapping_form"):
        needed = ["lead_id", *model.lead_fields()]
        chosen_leads, chosen_activities = {}, {}
        left, right = st.columns(2)
        with left:
            st.markdown("**Leads**")
            for field in [*needed, *OPTIONAL_LEAD_FIELDS]:
                default = current["leads"].get(field, field)
                options = ["(none)", *([ROW_NUMBER] if field == "lead_id" else []), *lead_columns]
                if field == "lead_id" and default not in options:
                    default = ROW_NUMBER  # a file without an id: offer the row number
                chosen_leads[field] = st.selectbox(
                    field + ("" if field in needed else " (optional)"), options,
                    index=options.index(default) if default in options else 0, key=state.widget_key("map", "leads", field),
                    format_func=lambda option: ROW_NUMBER_TEXT if option == ROW_NUMBER else option,
                    help=MODEL_FIELDS_HELP + (" A file without ids can use the row number." if field == "lead_id"
                                              else ""))
        with right:
            st.markdown("**Activities**")
            if activity_columns:
                for field in ("lead_id", "activity", "occurred_at"):
                    default = current["activities"].get(field, field)
                    options = ["(none)", *activity_columns]
                    chosen_activities[field] = st.selectbox(
                        field, options, index=options.index(default) if default in options else 0,
                        key=state.widget_key("map", "activities", field), help=MODEL_FIELDS_HELP)
            else:
                st.caption("No activities file: engagement comes from lead columns only.")
        if st.form_submit_button("Apply column mapping"):
            keep = lambda picked: {f: c for f, c in picked.items() if c != "(none)"}  # noqa: E731
            try:
                state.apply(with_columns(model, keep(chosen_leads), keep(chosen_activities)), "Column mapping changed")
                st.rerun()
            except scoring.ModelError as error:
                st.error(error.message)
