"""Step 5: take the agreed model out (YAML, JSON, JSON Schema), or bring a saved one back in."""

import json

import streamlit as st

import scoring
from scoring.diff import describe_changes
from ui import drafts, state, widgets

st.title("5 · Export: take the model to production")
model = state.model()

st.subheader("What changed since it was loaded")
changes = describe_changes(state.baseline(), model)
if changes:
    st.markdown("\n".join(f"- {change}" for change in changes))
else:
    st.caption("Nothing yet: this is the model as it was loaded.")

st.subheader("Download")
slug = "".join(ch if ch.isalnum() else "-" for ch in model.name.lower()).strip("-") or "model"
yaml_text = scoring.dump_model(model)
cols = st.columns(3)
cols[0].download_button("Model (YAML)", yaml_text, file_name=f"{slug}.yaml", mime="application/x-yaml",
                        key="download_yaml", type="primary", icon=":material/description:",
                        help="The canonical file: score with `leadgrid score --model` or load it here again.")
cols[1].download_button("Model (JSON)", scoring.dump_model_json(model), file_name=f"{slug}.json",
                        mime="application/json", key="download_json", icon=":material/data_object:",
                        help="The same model as JSON, valid against the JSON Schema.")
cols[2].download_button("JSON Schema", json.dumps(scoring.model_json_schema(), indent=2),
                        file_name="leadgrid-model.schema.json", mime="application/json", key="download_schema",
                        icon=":material/schema:", help="For validating the JSON model in other systems.")
with st.expander("Show the YAML"):
    st.code(yaml_text, language="yaml")

st.subheader("Continue from a saved model")
uploaded = st.file_uploader("Model file (YAML or JSON)", type=["yaml", "yml", "json"], key="upload_model",
                            help="Replaces the model being edited; Undo brings the current one back.")
if uploaded is not None and st.button("Load this model", key="load_model", type="primary"):
    try:
        loaded = scoring.parse_model(uploaded.getvalue(), uploaded.name)
    except scoring.ModelError as error:
        st.error("\n\n".join(error.lines))
        st.caption("The model being edited is unchanged.")
    else:
        state.load(loaded, f"Loaded {uploaded.name}")
        st.rerun()

st.subheader("Drafts")
st.caption(f"Every change is saved as you go to `{drafts.store().folder}`. "
           "Reopen a draft after a restart; the link in the address bar reopens this one.")
widgets.draft_list(exclude=st.session_state[state.DRAFT_ID])
