"""Constants and helpers the page tests share: the pages and their titles, session keys,
small lead and activity files, and AppTest steps (open a page, upload, carry a session over)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from streamlit.testing.v1 import AppTest

import scoring
from ui import state

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = scoring.load_model(REPO / "configs" / "default.yaml")
WINDOWS_YAML = REPO / "configs" / "windows.yaml"
_DEFAULT_TEXT = (REPO / "configs" / "default.yaml").read_text(encoding="utf-8")
_JOB_TITLE = "weight: 25\n      rules:\n        - {match: {contains_any: [student"
assert _DEFAULT_TEXT.count(_JOB_TITLE) == 1
NINETY_YAML = _DEFAULT_TEXT.replace(_JOB_TITLE, _JOB_TITLE.replace("25", "15")).encode()  # weights sum to 90

PAGES = {
    "ui/pages/data.py": "1 · Data: the historical leads",
    "ui/pages/profile.py": "2 · Profile: who is a good fit",
    "ui/pages/engagement.py": "3 · Engagement: how interested",
    "ui/pages/matrix.py": "4 · Matrix: who goes to sales",
    "ui/pages/export.py": "5 · Export: take the model to production",
    "ui/pages/calibrate.py": "6 · Calibrate: what the outcomes suggest",
    "ui/pages/compare.py": "7 · Compare: before and after",
    "ui/pages/drift.py": "8 · Drift: this quarter vs last",
    "ui/pages/funnel.py": "After hand-over: funnel, reasons, SLA, segments",
    "ui/pages/agreement.py": "9 · Agreement: version and sign-off",
}
SESSION_KEYS = (state.MODEL, state.BASELINE, state.UNDO, state.REDO, state.DRAFT_REVISION,
                state.HISTORY, state.DRAFT_ID, state.DATASET, state.UPLOADS)
APPLY_MAPPING = "FormSubmitter:mapping_form-Apply column mapping"
USE_FILES = "FormSubmitter:upload_form-Use these files"


def _errors(at: AppTest) -> list[str]:
    return [element.value for element in at.error]


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _history(at: AppTest) -> list[str]:
    return [entry.text for entry in at.session_state[state.HISTORY]]


def _weights(model: scoring.LeadModel) -> dict[str, float]:
    return {category.id: category.weight for category in model.profile.categories}


def _page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _carry_over(at: AppTest, open_app) -> AppTest:
    """The same session on a fresh AppTest's first run, where the sidebar is in the tree."""
    fresh = open_app(draft=at.session_state[state.DRAFT_ID],
                     state={key: at.session_state[key] for key in SESSION_KEYS})
    assert not fresh.exception, fresh.exception
    return fresh


def _leads_csv(count: int) -> bytes:
    """A small leads file with the default model's columns (no activities, no dates)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["lead_id", "industry", "employees", "annual_revenue", "job_title", "country",
                     "total_visits", "accepted"])
    profiles = [("Software", 5000, 200_000_000, "CTO", "US", 25, "true"),
                ("Retail", 300, 30_000_000, "Marketing Manager", "FR", 9, "false"),
                ("Education", 20, 1_000_000, "Student", "BR", 1, "")]
    for index in range(count):
        writer.writerow([f"L{index:03d}", *profiles[index % len(profiles)]])
    return buffer.getvalue().encode()


def _upload_model(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.file_uploader(key="export_model_file").set_value((name, raw, "application/x-yaml")).run()
    at.button(key="export_model_open").click().run()
    assert not at.exception, at.exception
    return at


def _activities_csv(count: int) -> bytes:
    """A demo request and pricing visits for every third lead (the best fit): they go to sales."""
    lines = ["lead_id,activity,occurred_at"]
    for index in range(0, count, 3):
        lines += [f"L{index:03d},demo_request,2025-06-01 10:00:00",
                  *[f"L{index:03d},pricing_page_visit,2025-06-0{day} 10:00:00" for day in (2, 3, 4)]]
    return ("\n".join(lines) + "\n").encode()


def _upload_leads(at: AppTest, name: str, raw: bytes, activities: bytes | None = None) -> AppTest:
    at.radio(key="w:data:source").set_value("upload").run()
    at.file_uploader(key="upload_leads").set_value((name, raw, "text/csv"))
    if activities is not None:
        at.file_uploader(key="upload_activities").set_value(("acts.csv", activities, "text/csv"))
    at.button(key=USE_FILES).click().run()
    assert not at.exception, at.exception
    return at
