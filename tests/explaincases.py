"""The model, leads and activities the explanation tests are built on: leads built to hit
chosen rules, each scored at a fixed ``scored_at`` so activity ages (0, 10, 30, 60, 400
days) and their decay factors are known exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring import parse_model

MODEL_YAML = """
schema_version: 1
name: Explain test model
profile:
  categories:
    - id: industry
      label: Industry
      field: industry
      weight: 30
      rules:
        - {match: {in: [Software, Financial Services]}, value: 100}
        - {match: {in: [Manufacturing, Healthcare]}, value: 60}
      default: 20
    - id: size
      field: employees
      weight: 25
      rules:
        - {match: {gte: 1000}, value: 100}
        - {match: {range: [200, 1000]}, value: 70}
        - {match: {missing: true}, value: 0}
      default: 30
    - id: title
      label: Job title
      field: job_title
      weight: 25
      rules:
        - {match: {contains_any: [student, intern]}, value: -100}
        - {match: {contains_any: [chief, vp, director]}, value: 100}
        - {match: {contains_any: [manager, head]}, value: 60}
      default: 10
    - id: country
      field: country
      weight: 20
      rules:
        - {match: {in: [US, CA, GB, DE]}, value: 100}
      default: 40
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  recency: {half_life_days: 30, max_age_days: 365}
  activities:
    - {id: demo, label: Demo request, activity: demo_request, points: 40, max_count: 1}
    - {id: pricing, activity: pricing_page_visit, points: 10, max_count: 3}
    - {id: webinar, activity: webinar_attended, points: 15}
    - {id: email_click, activity: email_click, points: 3, max_count: 5}
    - {id: unsubscribe, activity: unsubscribe, points: -30}
    - id: visits
      label: Website visits
      field: total_visits
      rules:
        - {match: {gte: 10}, value: 20}
        - {match: {gte: 3}, value: 8}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  default: {action: nurture}
  cells:
    A1: {action: sales, sla_hours: 24}
    B1: {action: sales, sla_hours: 24}
    A2: {action: sales, sla_hours: 48}
    D4: {action: discard}
"""

MODEL = parse_model(MODEL_YAML)
SCORED_AT = pd.Timestamp("2026-03-01T00:00:00Z")


def days_before(days: float) -> str:
    return (SCORED_AT - pd.Timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")


RUN_AS_OF = "2026-03-05T00:00:00"  # the as-of the cases give for L4, which has no scored_at


def make_leads() -> pd.DataFrame:
    """L1: top of every category. L2: a student with nothing else (disqualified).
    L3: middle rules. L4: no scored_at, so it is measured at the run's as_of (RUN_AS_OF)."""
    return pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4"],
        "industry": ["Software", "Retail", "Manufacturing", "Healthcare"],
        "employees": [5000.0, np.nan, 450.0, 150.0],
        "job_title": ["VP Sales", "Student", "Marketing Manager", "Head of IT"],
        "country": ["US", "fr", "ca", "DE"],
        "total_visits": [12, 0, 5, 1],
        "scored_at": ["2026-03-01", "2026-03-01", "2026-03-01T00:00:00Z", None],
    })


def make_activities() -> pd.DataFrame:
    rows = [
        ("L1", "demo_request", days_before(0)),
        ("L1", "demo_request", days_before(30)),
        ("L1", "demo_request", "2026-03-05T00:00:00"),  # after L1 was scored: never counts
        ("L1", "pricing_page_visit", days_before(60)),
        ("L1", "pricing_page_visit", days_before(30)),
        ("L1", "Pricing_Page_Visit ", days_before(0)),  # type compared trimmed, ignoring case
        ("L1", "email_click", days_before(30)),
        ("L2", "unsubscribe", days_before(0)),
        ("L3", "webinar_attended", days_before(10)),
        ("L3", "webinar_attended", days_before(400)),  # past max_age_days: factor 0
        ("L3", "newsletter_signup", days_before(5)),  # no entry counts it
        ("L4", "demo_request", RUN_AS_OF),  # on the day of the run's as_of
        ("nobody", "demo_request", days_before(1)),  # an unknown lead: ignored
    ]
    return pd.DataFrame(rows, columns=["lead_id", "activity", "occurred_at"])


def reason(reasons, id_):
    [found] = [r for r in reasons if r.id == id_]
    return found
