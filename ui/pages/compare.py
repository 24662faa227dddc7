"""Step 7: the draft (B) against another model (A) on the same history: which leads move
where, what it does to the to-sales set, and the changes that explain it."""

import streamlit as st

import scoring
from scoring.measures.compare import SUMMARY_LABELS, compare_models, format_change, format_figure
from ui import comparison_charts, data, drafts, state
from ui import per_month as window_choice

try:  # saved versions, when the version store is installed
    from scoring.agreement.versions import VersionStore
except ImportError:  # pragma: no cover - the seam: without it, A is the loaded model or a file
    VersionStore = None

SOURCES = {"loaded": "The model as loaded", "version": "A saved version", "file": "A model file"}

st.title("7 · Compare: before and after")
st.caption("B is the draft you are editing; pick A, the model to compare it with (the one in production, "
           "or last quarter's). Both score the same historical leads.")
model = state.model()
sources = [key for key in SOURCES if key != "version" or VersionStore is not None]
source = st.segmented_control("Compare the draft with", sources, format_func=SOURCES.get, default="loaded",
                              key=state.COMPARE_SOURCE) or "loaded"


def _model_a() -> tuple[scoring.LeadModel, str]:
    """Model A and how to name it, from the chosen source; stops the page with a message."""
    if source == "version":
        store = VersionStore(drafts.home() / "models")
        versions = store.list()
        if not versions:
            st.info(f"No saved versions yet in `{store.folder}`. Save one on the Export page, or pick another A.")
            st.stop()
        labels = {f"{info.name} · {info.version}": info for info in versions}
        picked = labels[st.selectbox("Saved version", list(labels), key=state.COMPARE_VERSION)]
        try:
            return store.load(picked.name, picked.version), f"{picked.name} version {picked.version}"
        except scoring.LeadGridError as error:
            st.error(str(error))
            st.stop()
    if source == "file":
        uploaded = st.file_uploader("Model A (YAML or JSON)", type=["yaml", "yml", "json"], key=state.COMPARE_UPLOAD)
        if uploaded is None:
            st.info("Upload the model to compare the draft with.")
            st.stop()
        try:
            return scoring.parse_model(uploaded.getvalue(), uploaded.name), uploaded.name
        except scoring.ModelError as error:
            st.error(error.message)
            st.stop()
    return state.baseline(), "the model as loaded"


model_a, name_a = _model_a()
try:
    outcomes = window_choice.outcomes()  # kept per A, the draft and the data: a later visit compares nothing
    comparison = data.per_model("compare", lambda: compare_models(
        model_a, model, data.scorer(), outcomes, preview_b=data.current_preview(outcomes)),
        model_a.model_dump_json(), outcomes)
except scoring.LeadGridError as error:
    st.error(f"Cannot compare: {error}")
    st.stop()

st.markdown(f"**A**: {name_a} ({model_a.name}{f' {model_a.version}' if model_a.version else ''}) · "
            f"**B**: the draft ({model.name})")

# ----- the to-sales set, A against B
summary = comparison.summary
columns = st.columns(len(SUMMARY_LABELS))
for column, (name, row) in zip(columns, summary.iterrows(), strict=True):
    column.metric(row["label"], format_figure(name, row["b"]), format_change(name, row["change"]), border=True,
                  delta_color="off" if name in ("to_sales_leads", "to_sales_per_month") else "normal", help=f"B (the draft); A had {format_figure(name, row['a'])}. The change is B minus A.")
moves = comparison.moves
st.markdown(f"**{moves['changed_rating']:,}** of {moves['leads']:,} leads change rating; "
            f"**{moves['into_sales']:,}** move into the to-sales cells and **{moves['out_of_sales']:,}** out of "
            f"them ({moves['stay_in_sales']:,} stay).")

# ----- the movement matrix
st.subheader("Where the leads go")
st.plotly_chart(comparison_charts.movement_heatmap(comparison.movement), key="movement_chart")
st.caption("Rows: the rating under A; columns: under B. Outlined: the diagonal, leads that keep their rating. "
           "The colour stops at the largest move, so the moves stand out.")
largest = comparison.largest_moves()
if largest:
    st.markdown("Largest moves: " + ", ".join(f"{a} → {b} ({n:,})" for a, b, n in largest))

# ----- per cell
st.subheader("Per cell, A and B")
percent = {"format": "percent"}
st.dataframe(comparison.cells, key="compare_cells", column_config={
    "rating": st.column_config.TextColumn("Cell"),
    "leads_a": st.column_config.NumberColumn("Leads A"), "leads_b": st.column_config.NumberColumn("Leads B"),
    "leads_change": st.column_config.NumberColumn("Leads ±", format="%+d"),
    **{f"{figure}_{side}": st.column_config.NumberColumn(f"{title} {side.upper()}", **percent)
       for figure, title in (("acceptance", "Accepted"), ("conversion", "Converted")) for side in ("a", "b")},
    "acceptance_change": st.column_config.NumberColumn("Accepted ±", help="B minus A, in percentage points",
                                                       **percent),
    "conversion_change": st.column_config.NumberColumn("Converted ±", help="B minus A, in percentage points",
                                                       **percent),
    "won_amount_a": st.column_config.NumberColumn("Won A", format="compact"),
    "won_amount_b": st.column_config.NumberColumn("Won B", format="compact"),
    "won_amount_change": st.column_config.NumberColumn("Won ±", format="compact"),
    "action_a": st.column_config.TextColumn("Route A"), "action_b": st.column_config.TextColumn("Route B"),
})

# ----- why
st.subheader("What changed from A to B")
if comparison.changes:
    st.markdown("\n".join(f"- {change}" for change in comparison.changes))
else:
    st.caption("Nothing: A and the draft are the same model.")
