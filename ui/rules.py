"""Rule tables with their evidence, for profile categories and engagement field entries: each
rule's leads and rates beside it, every value (or band) of the column below with the rule
it meets, and the leak findings beside the column or activity they are about. The figures
come from ``scoring.measures.evidence`` and ``scoring.measures.leaks``."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

import scoring
from scoring.engine.scorer import Scorer
from scoring.measures.evidence import rule_evidence, value_evidence
from scoring.measures.grid import recorded_outcomes
from scoring.measures.leaks import Leak, LeakReport, leak_report
from scoring.measures.report import RATE_NAMES, evidence_text
from scoring.model.schema import LeadModel, Rule
from scoring.model.tables import (
    CONDITIONS,
    RULE_COLUMNS,
    rows_to_rules,
    rules_to_rows,
    table_records,
)

from . import state

RATE_HELP = "Share of these leads with that outcome, and its 95 % interval (Wilson)."


def _rules_only(records: list[dict]) -> list[dict]:
    return [{column: record.get(column) for column in RULE_COLUMNS} for record in records]


def rule_table(key: str, scorer: Scorer, field: str, rules: Sequence[Rule], default: float,
               path: str) -> list[dict] | None:
    """The editable rule table of one column, each rule with its leads and rates (not
    editable). Returns the rules as edited when the user changed them, else None; raises
    ``ModelError`` (with ``path``) for a row that lacks what its condition needs."""
    evidence = rule_evidence(scorer, field, rules, default)
    outcomes = recorded_outcomes(evidence)
    shown = evidence_text(evidence, outcomes)
    rows = pd.DataFrame(rules_to_rows(rules), columns=list(RULE_COLUMNS))
    for column in shown.columns:
        rows[column] = shown[column].iloc[:len(rules)].to_numpy()
    options = [v for v in value_evidence(scorer, field, rules, default)["value"] if not str(v).startswith("(")]
    edited = st.data_editor(
        rows, key=state.widget_key("rules", key), num_rows="dynamic", hide_index=True, width="stretch",
        disabled=list(shown.columns),
        column_config={
            "condition": st.column_config.SelectboxColumn("Condition", options=list(CONDITIONS), required=True,
                                                          width="small"),
            "items": st.column_config.MultiselectColumn(
                "Values", options=options, accept_new_options=True, width=560,
                help="For 'is one of' and 'contains any of'."),
            "from": st.column_config.NumberColumn("From", help="'at least' and 'between' (included)", width="small"),
            "to": st.column_config.NumberColumn("To", help="'below' and 'between' (not included)", width="small"),
            "value": st.column_config.NumberColumn("Share", min_value=-100, max_value=100, step=5, required=True,
                                                   width="small"),
            "leads": st.column_config.NumberColumn("Leads", help="Leads this rule catches (first match wins).",
                                                   width="small"),
            **{name: st.column_config.TextColumn(RATE_NAMES[name], help=RATE_HELP, width="medium")
               for name in outcomes},
        },
    )
    default_row = shown.iloc[-1]
    rates = "".join(f" · {RATE_NAMES[name].lower()} {default_row[name]}" for name in outcomes)
    st.caption(f"No rule matches: {int(default_row['leads']):,} leads{rates}.")
    if _rules_only(table_records(edited)) == _rules_only(table_records(rows)):
        return None
    return rows_to_rules(_rules_only(table_records(edited)), path, keep=rules)


def value_table(scorer: Scorer, field: str, rules: Sequence[Rule], default: float) -> None:
    """Every value of the column (the most common 25; numbers with many values in bands): its
    leads, the rule it meets, the share it gets and the rates of its leads."""
    evidence = value_evidence(scorer, field, rules, default)
    outcomes = recorded_outcomes(evidence)
    shown = pd.concat([evidence[["value", "rule", "share"]], evidence_text(evidence, outcomes)], axis=1)
    shown = shown[["value", "leads", "rule", "share", *outcomes]]
    st.caption("What history says about each value" + (": nothing, the data records no outcome."
                                                       if not outcomes else "."))
    st.dataframe(shown, hide_index=True, width="stretch", height="content",
                 column_config={
                     "value": st.column_config.TextColumn("Value", width="medium"),
                     "leads": st.column_config.NumberColumn("Leads", width="small"),
                     "rule": st.column_config.TextColumn("Rule met", width="small"),
                     "share": st.column_config.NumberColumn("Share", width="small", format="%g"),
                     **{name: st.column_config.TextColumn(RATE_NAMES[name], help=RATE_HELP) for name in outcomes},
                 })


def leaks(scorer: Scorer, model: LeadModel, matrix: pd.DataFrame | None = None) -> LeakReport:
    """The leak findings of ``model`` on the scorer's leads (``scoring.measures.leaks``); none when the
    data cannot be read for it (the page shows that problem itself)."""
    try:
        return leak_report(scorer, model, matrix)
    except scoring.DataError:
        return LeakReport([])


def leak_warnings(findings: Sequence[Leak]) -> None:
    """One warning per finding, beside the control it is about."""
    for finding in findings:
        st.warning(finding.text, icon=":material/warning:")


def leak_marker(findings: Sequence[Leak]) -> str:
    """What an expander's label adds when its column or activity has findings."""
    return f" · :orange[possible leak ({len(findings)})]" if findings else ""
