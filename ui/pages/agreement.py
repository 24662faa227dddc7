"""Step 9: the agreement as a record. Name, version, description, owners and the agreement
date; save the version (immutable), each owner signs it, download the sheet, see what
changed, and reopen any saved version."""

import time

import streamlit as st

import scoring
from scoring.agreement.sheet_html import sheet_html
from scoring.agreement.sheet_md import sheet_markdown
from scoring.agreement.signoff import (
    owner_fields,
    owners_from_fields,
    signatures,
    unsigned,
    with_details,
)
from scoring.agreement.versions import VersionStore
from scoring.model.diff import describe_changes
from ui import data, drafts, state

st.title("9 · Agreement: version and sign-off")
st.caption("Record what was agreed: give the model a version and its owners, save the version "
           "(a saved version never changes), let each owner sign it, and print the sheet.")

model = state.model()
store = VersionStore(drafts.home() / "models")
saved = store.saved_as(model)  # the saved file of this exact content, signatures included


def _run(action, done: str) -> None:
    """Do ``action``; a refusal is one line on the page, success a notice after the rerun."""
    try:
        action()
    except scoring.LeadGridError as error:
        st.error(str(error))
        return
    state.notice(done)
    st.rerun()


# ----- the agreement's details
st.subheader("The agreement")
marketing, sales, others = owner_fields(model)
with st.form("agreement_form"):
    name = st.text_input("Model name", key=state.seed(state.widget_key("agreement", "name"), model.name))
    left, right = st.columns(2)
    version = left.text_input("Version", key=state.seed(state.widget_key("agreement", "version"), model.version or ""),
                              help="Free text, e.g. 2027.1. A saved version never changes: a new one needs a new "
                                   "version.")
    agreed_on = right.date_input("Agreed on", key=state.seed(state.widget_key("agreement", "agreed_on"),
                                                             model.agreed_on), format="YYYY-MM-DD",
                                 help="Left empty, saving the version fills in today.")
    description = st.text_area("Description", key=state.seed(state.widget_key("agreement", "description"),
                                                             model.description or ""), height=80)
    left, right = st.columns(2)
    marketing = left.text_input("Marketing owner", key=state.seed(state.widget_key("agreement", "marketing"),
                                                                  marketing))
    sales = right.text_input("Sales owner", key=state.seed(state.widget_key("agreement", "sales"), sales))
    others = st.text_area("Other owners, one per line as role: person", height=68,
                          key=state.seed(state.widget_key("agreement", "others"), others))
    if st.form_submit_button("Apply", type="primary"):
        try:
            edited = with_details(model, name=name, version=version, description=description,
                                  owners=owners_from_fields(marketing, sales, others), agreed_on=agreed_on)
        except scoring.ModelError as error:
            st.error(error.message)
        else:
            if state.apply(edited):
                st.rerun()
            st.info("Nothing changed.")

# ----- save the version
st.subheader("Save this version")
if saved is not None:
    st.success(f"This is version {saved.version} of {saved.name}, saved and agreed on {saved.agreed_on}.",
               icon=":material/verified:")
elif not model.version:
    st.info("Give the model a version above to save it.")
elif store.exists(model.name, model.version):
    st.warning(f"Version {model.version} of {model.name} is already saved with other content. "
               "A saved version never changes: give this one a new version above.")
else:
    def _save() -> None:
        _path, stored = store.save(model)
        if stored != model:  # the agreement date filled in
            state.apply(stored, f"Saved version {stored.version}, agreed on {stored.agreed_on}")
        else:
            state.record(f"Saved version {stored.version}", "save")
            drafts.save()

    if st.button(f"Save version {model.version}", key="save_version", type="primary", icon=":material/save:",
                 help=f"Writes {store.path(model.name, model.version)}; it cannot be overwritten."):
        _run(_save, f"Saved version {model.version}")

# ----- sign-off
st.subheader("Sign-off")
if saved is None:
    st.caption("Owners sign a saved version; save this one first.")
else:
    st.caption("Signing records the name and the time in the version file; nothing else in it changes.")
    lines = signatures(saved)
    if not lines:
        st.info("This version names no owners. Add them above and save a new version.")
    for index, line in enumerate(lines):
        who = f"{line.person} ({line.owner_role})"
        if line.signed is not None:
            st.markdown(f":material/check_circle: **{who}** signed on {line.signed.signed_at:%Y-%m-%d %H:%M} UTC")
        elif st.button(f"Sign as {who}", key=f"sign_{index}", icon=":material/draw:"):
            _run(lambda line=line: store.sign(saved.name, saved.version, line.person, line.role),
                 f"{line.person} signed version {saved.version}")

# ----- the sheet
st.subheader("The sheet")
source = data.source_name()
try:
    result = data.current_preview()
except scoring.LeadGridError as error:
    result = None
    st.caption(f"Without the preview: {error}")
sheet_model = saved or unsigned(model)  # signatures only from the saved file they belong to
note = None if saved is not None or not model.version else "Not saved: this version may still change."
slug = "".join(ch if ch.isalnum() else "-" for ch in f"{model.name} {model.version or 'draft'}".lower()).strip("-")
left, right = st.columns(2)
left.download_button("Sheet (HTML, printable)", sheet_html(sheet_model, result, source=source, note=note),
                     file_name=f"{slug}.html", mime="text/html", key="download_sheet", type="primary",
                     icon=":material/print:", help="One page to print and sign: open it in a browser and print.")
right.download_button("Sheet (Markdown)", sheet_markdown(sheet_model, result, source=source, note=note),
                      file_name=f"{slug}.md", mime="text/markdown", key="download_sheet_md",
                      icon=":material/description:")
if saved is not None:
    st.download_button("Signed version file (YAML)", scoring.dump_model(saved), file_name=f"{slug}.yaml",
                       mime="application/x-yaml", key="download_version", icon=":material/verified:")

# ----- what changed
st.subheader("What changed")
previous = store.latest(model.name, other_than=model.version)
comparisons = [("since it was loaded", state.baseline())]
if previous is not None:
    comparisons.append((f"since version {previous.version} (agreed on {previous.agreed_on})",
                        store.load(previous.name, previous.version)))
for label, other in comparisons:
    changes = describe_changes(unsigned(other), unsigned(model))
    st.markdown(f"**{label.capitalize()}**: " + ("no changes." if not changes else ""))
    if changes:
        st.markdown("\n".join(f"- {change}" for change in changes))

# ----- saved versions
st.subheader("Saved versions")
listed = store.list()
if not listed:
    st.caption(f"None yet. Saved versions are kept in `{store.folder}`.")
for info in listed:
    with st.container(border=True):
        text_column, open_column = st.columns([6, 1])
        signed_by = ", ".join(f"{s.name} ({s.role})" for s in info.sign_off) or "nobody yet"
        written = time.strftime("%d %b %Y %H:%M", time.localtime(info.written_at))
        text_column.markdown(f"**{info.name}** · version **{info.version}** · agreed on {info.agreed_on}  \n"
                             f"signed by {signed_by} · last written {written}")
        if open_column.button("Open", key=f"open_version_{info.path.parent.name}_{info.path.stem}",
                              icon=":material/open_in_new:"):
            _run(lambda info=info: state.load(unsigned(store.load(info.name, info.version)),
                                              f"Opened version {info.version} of {info.name}"),
                 f"Opened version {info.version} of {info.name}")
