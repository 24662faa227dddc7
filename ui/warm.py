"""A large data set's per-data-set figures, prepared in the background while the room reads
the Data page.

The Profile and Engagement pages' first visit reads every lead and every activity once per
data set (the leak checks, each value's and each activity's evidence: about 4 s at a million
leads and ten million activities); nothing of it depends on a weight or a threshold. So once
a data set of ``WARM_FROM_LEADS`` leads or more is prepared, one daemon thread computes those
figures for the model open at the time, on the Scorer every session shares. Its caches are
safe to share (``scoring.engine.caches``): a page that asks for a figure the thread is
computing waits for it instead of computing it again, and a figure the thread has not reached
yet is computed by the page as before. Below that size every page is quick without it, and
tests stay single-threaded.
"""

from __future__ import annotations

import contextlib
import threading

from scoring.engine.scorer import Scorer
from scoring.errors import LeadGridError
from scoring.measures.activity_evidence import activity_evidence
from scoring.measures.evidence import rule_evidence, separation_report, value_evidence
from scoring.measures.flags import Outcomes
from scoring.measures.leaks import leak_report
from scoring.measures.metrics import preview
from scoring.model.schema import LeadModel

WARM_FROM_LEADS = 200_000


def prepare(scorer: Scorer, model: LeadModel, outcomes: Outcomes) -> None:
    """Compute, on ``scorer``'s caches, what the pages read once per data set for ``model``.
    A figure the data cannot give is left to the page, which shows why."""
    with contextlib.suppress(ImportError):  # the suggested weights' library: a second to import
        import sklearn.linear_model  # noqa: F401
    steps = [lambda: leak_report(scorer, model, preview(model, scorer, outcomes).matrix),
             lambda: activity_evidence(scorer, model),
             lambda: separation_report(scorer, model)]
    steps += [lambda c=category: (value_evidence(scorer, c.field, c.rules, c.default),
                                  rule_evidence(scorer, c.field, c.rules, c.default))
              for category in model.profile.categories]
    for step in steps:
        with contextlib.suppress(LeadGridError, KeyError, ValueError):
            step()


def prepare_in_background(scorer: Scorer, model: LeadModel, outcomes: Outcomes) -> threading.Thread | None:
    """Start ``prepare`` in a daemon thread, once per Scorer, for data of ``WARM_FROM_LEADS`` leads
    or more; the thread, or None when it was started before or the data is small."""
    if len(scorer) < WARM_FROM_LEADS:
        return None
    started: list[threading.Thread] = []

    def start() -> bool:
        thread = threading.Thread(target=prepare, args=(scorer, model, outcomes), name="leadgrid-warm", daemon=True)
        thread.start()
        started.append(thread)
        return True

    scorer.memo(("background figures started",), start)
    return started[0] if started else None
