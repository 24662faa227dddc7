"""Points per activity type, from how the leads that had it before their hand-over turned out.

For each activity type of the activities table (the ``MAX_ACTIVITY_TYPES`` with the most
leads): the leads that had at least one occurrence at or before their hand-over moment
(``scoring.measures.activity_evidence.had_before_handover``: what the engine may count) are
one group; its share comes from its lift over the base rate, as a rule's does
(``scoring.design.evidence``). A type needs ``rules.min_leads`` such leads, and is left out
when ``MOSTLY_AFTER`` (half) or more of its dated occurrences fall after the lead's hand-over:
an event recorded after the hand-over usually follows from the outcome, and counts nothing.

Recency: a half-life of ``HALF_LIFE_DAYS`` (30) days and nothing older than
``MAX_AGE_DAYS`` (365), the format's example; each entry counts at most once
(``max_count: 1``), since the evidence is of having had the activity, not how often.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from scoring.design.evidence import Evidence, group_evidence
from scoring.design.rules import min_leads
from scoring.engine.scorer import Scorer
from scoring.measures.activity_evidence import had_before_handover, type_timing

HALF_LIFE_DAYS = 30.0
MAX_AGE_DAYS = 365.0
MAX_ACTIVITY_TYPES = 12
MOSTLY_AFTER = 0.5


@dataclass(frozen=True)
class ActivityProposal:
    """One activity type: its share from the evidence, or why it was left out."""

    activity: str
    evidence: Evidence
    share: float
    occurrences: int
    before_handover: int
    after_handover: int
    left_out: str | None = None  # why it gets no entry

    def as_dict(self) -> dict:
        return {"activity": self.activity, "share": self.share, "occurrences": self.occurrences,
                "before_handover": self.before_handover, "after_handover": self.after_handover,
                "left_out": self.left_out, **self.evidence.as_dict()}


def entry_id(activity: str, taken: set[str]) -> str:
    base = re.sub(r"[^0-9a-z]+", "_", activity.lower()).strip("_") or "activity"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    taken.add(name)
    return name


def propose_activities(scorer: Scorer, outcome: np.ndarray | None) -> list[ActivityProposal]:
    """One proposal per activity type with leads (most leads first; see the module docstring)."""
    timing = type_timing(scorer)
    least = min_leads(len(scorer))
    found = []
    for row in timing.itertuples(index=False):
        had = had_before_handover(scorer, row.activity, MAX_AGE_DAYS)
        evidence = group_evidence(np.where(had, 0, -1), 1, outcome)[0]
        aged = row.before_handover + row.after_handover
        left_out = None
        if aged and row.after_handover >= MOSTLY_AFTER * aged:
            left_out = (f"{row.after_handover:,} of its {aged:,} dated occurrences are after the lead's hand-over: "
                        "it would follow from the outcome, and counts nothing")
        elif evidence.leads < least:
            left_out = f"only {evidence.leads:,} leads had it before the hand-over (a rule needs {least:,})"
        found.append(ActivityProposal(row.activity, evidence, evidence.share(), int(row.occurrences),
                                      int(row.before_handover), int(row.after_handover), left_out))
    found.sort(key=lambda p: (p.left_out is not None, -p.evidence.leads))
    kept = [p for p in found if p.left_out is None]
    beyond = [replace(p, left_out=f"beyond the {MAX_ACTIVITY_TYPES} types with the most leads")
              for p in kept[MAX_ACTIVITY_TYPES:]]
    return kept[:MAX_ACTIVITY_TYPES] + beyond + [p for p in found if p.left_out is not None]
