"""A small model, leads and activities for the command-line tests, and helpers to run
``leadgrid`` in-process and check its output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from scoring import load_leads, load_model, read_table, score
from scoring.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "configs" / "default.yaml"
VENV_BIN = Path(sys.executable).parent

MODEL_YAML = """\
schema_version: 1
name: CLI test model
version: "1.2"
profile:
  categories:
    - id: industry
      field: industry
      weight: 60
      rules:
        - {match: {in: [Software]}, value: 100}
        - {match: {in: [Retail]}, value: 50}
      default: 0
    - id: size
      field: employees
      weight: 40
      rules:
        - {match: {gte: 1000}, value: 100}
        - {match: {gte: 100}, value: 50}
      default: 0
  grades: {A: 75, B: 50, C: 25, D: 0}
engagement:
  recency: {half_life_days: 30, max_age_days: 365}
  activities:
    - {id: demo, label: Demo request, activity: demo_request, points: 40, max_count: 1}
    - {id: pricing, activity: pricing_page_visit, points: 10, max_count: 3}
    - {id: visits, field: total_visits, rules: [{match: {gte: 10}, value: 25}]}
  grades: {"1": 60, "2": 35, "3": 15, "4": 0}
routing:
  default: {action: nurture}
  cells:
    A1: {action: sales, sla_hours: 24}
    A2: {action: sales, sla_hours: 48}
    B1: {action: sales}
    A3: {action: "nurture:fast-track"}
"""

LEADS_CSV = """\
lead_id,industry,employees,total_visits,scored_at,created_at,accepted,converted,won_amount
L1,Software,5000,12,2026-03-01,2026-01-01,yes,yes,1000
L2,Software,200,0,2026-03-01,2026-01-10,no,no,
L3,Retail,5000,12,2026-03-01,2026-01-20,yes,no,
L4,Other,50,0,2026-03-01,2026-02-01,,no,
L5,Software,1000,20,,2026-02-15,yes,yes,250.5
L6,Retail,150,10,2026-03-01,2026-03-01,maybe,,
"""

ACTIVITIES_CSV = """\
lead_id,activity,occurred_at
L1,demo_request,2026-03-01
L2,demo_request,2026-01-30
L3,pricing_page_visit,2026-03-01
L3,pricing_page_visit,2026-03-01
L3,pricing_page_visit,2026-03-01
L5,demo_request,2026-03-10
L6,demo_request,2026-02-28
"""

# By hand: L1 A1 (sales), L2 A3 (fast-track), L3 B2, L4 D4, L5 A1 (sales; it has no scored_at,
# so its demo is aged at the run's as-of, 2026-03-10, the day of the demo), L6 B1 (sales).
RUN_AS_OF = "2026-03-10"
EXPECTED_RATINGS = {"L1": "A1", "L2": "A3", "L3": "B2", "L4": "D4", "L5": "A1", "L6": "B1"}

def write_files(folder: Path) -> dict[str, Path]:
    """The model, leads and activities above as files in ``folder``."""
    paths = {"model": folder / "model.yaml", "leads": folder / "leads.csv",
             "activities": folder / "activities.csv"}
    for key, text in (("model", MODEL_YAML), ("leads", LEADS_CSV), ("activities", ACTIVITIES_CSV)):
        paths[key].write_text(text, encoding="utf-8")
    return paths


def run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def data_args(files: dict[str, Path], *, activities: bool = True, as_of: str | None = RUN_AS_OF) -> list[str]:
    """The model and data options; with activities, the run's as-of too (L5 has no scored_at)."""
    args = ["--model", str(files["model"]), "--leads", str(files["leads"])]
    if not activities:
        return args
    return [*args, "--activities", str(files["activities"]), *(["--as-of", as_of] if as_of else [])]


HAND_OVER_LINE = ("leadgrid: Hand-over moment: the scored_at column (5 of 6 leads); run as-of 2026-03-10 00:00 UTC; "
                  "1 leads without a hand-over moment had their activities aged at the run's as-of")


def assert_one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("leadgrid: ")
    return lines[0]


def expected_scores(files: dict[str, Path], **kwargs) -> pd.DataFrame:
    model = load_model(files["model"])
    kwargs.setdefault("as_of", RUN_AS_OF)
    return score(model, load_leads(files["leads"]), read_table(files["activities"]), **kwargs)


def strict_json(text: str) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"not valid JSON: {constant}")
    return json.loads(text, parse_constant=refuse)
