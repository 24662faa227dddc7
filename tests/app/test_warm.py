"""ui.warm: a large data set's per-data-set figures prepared in a background thread, once per
Scorer, giving the figures a page computes itself."""

from __future__ import annotations

from pathlib import Path

import scoring
from scoring.engine.scorer import Scorer
from scoring.measures.activity_evidence import activity_evidence
from scoring.measures.flags import Outcomes
from scoring.measures.leaks import leak_report
from ui import warm

ROOT = Path(__file__).resolve().parents[2]
MODEL = scoring.load_model(ROOT / "configs" / "default.yaml")


def _sample_scorer() -> Scorer:
    return Scorer(scoring.load_leads(ROOT / "sample_data" / "leads.csv"),
                  scoring.read_table(ROOT / "sample_data" / "activities.csv"))


def test_small_data_is_not_prepared_in_the_background():
    assert warm.prepare_in_background(_sample_scorer(), MODEL, Outcomes()) is None


def test_background_preparation_runs_once_per_scorer_and_gives_the_pages_figures(monkeypatch):
    monkeypatch.setattr(warm, "WARM_FROM_LEADS", 0)
    scorer = _sample_scorer()
    thread = warm.prepare_in_background(scorer, MODEL, Outcomes())
    assert thread is not None
    assert warm.prepare_in_background(scorer, MODEL, Outcomes()) is None  # once per Scorer
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert ("activity_rows",) in scorer._memo  # the 10M-row pass the leak checks need, done
    fresh = _sample_scorer()
    assert leak_report(scorer, MODEL).findings == leak_report(fresh, MODEL).findings
    assert activity_evidence(scorer, MODEL).equals(activity_evidence(fresh, MODEL))
