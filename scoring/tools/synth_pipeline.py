"""What happened after the hand-over, for the synthetic leads of ``scoring.tools.synth``.

The columns come from their own random stream (seeded from the generator's seed), drawn
after every other column, so adding them changed none of the values ``synth`` made
before. They follow the leads' hidden fit and intent and their recorded outcomes:

- ``first_touch_at``: when sales first contacted the lead. Every lead with a decision was
  touched; half of the others were. Keen leads are touched sooner, and accepted leads
  were touched sooner than rejected ones (speed matters), so a 24- or 48-hour SLA is met
  for most leads, not all. A few touches are dated before the hand-over (clock skew,
  back-dated CRM entries), as in real exports.
- ``accepted_at``: a day or so after the first touch, for accepted leads; a few before
  the hand-over.
- ``lifecycle_stage``: MQL (no decision yet), Rejected or Recycled (sales said no),
  SAL (accepted, no opportunity), Opportunity (open), Closed Lost, Customer (won). A few
  are written in other cases or with stray spaces, and a handful hold stages outside the
  known list ("On Hold").
- ``opportunity_at`` and ``won_at``: days to weeks later; bigger companies take longer.
- ``rejection_reason``: for rejected leads, a reason that follows why they were weak:
  poor fit gives "Company too small", "Wrong industry" and "Student / job seeker"; low
  intent gives "Not ready: too early", "No budget" and "No response"; purchased lists and
  trade shows give "Bad contact data". About one in ten rejections has no reason.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SECONDS_PER_HOUR = 3_600
SECONDS_PER_DAY = 86_400
STREAM = 16  # the second word of the seed of this stream: [seed, STREAM]

PIPELINE_COLUMNS = (
    "lifecycle_stage", "rejection_reason", "accepted_at", "first_touch_at", "opportunity_at", "won_at",
)
REASONS = (
    "Company too small", "Wrong industry", "Student / job seeker", "No budget", "Not ready: too early",
    "No response", "Bad contact data", "Duplicate",
)
# Per reason: weight on (fit, intent, bad-contact source) and a base, for a softmax.
REASON_FIT = np.array([-1.6, -1.2, -1.4, -0.3, 0.2, 0.0, 0.0, 0.0])
REASON_INTENT = np.array([0.0, 0.0, -0.3, -0.8, -1.3, -1.1, 0.0, 0.0])
REASON_BAD_SOURCE = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.4, 2.6, 0.3])
REASON_BASE = np.array([-0.4, -0.6, -1.4, -0.4, 0.0, -0.2, -1.0, -2.3])
BAD_CONTACT_SOURCES = ("trade show", "purchased list")


def _hours(values: np.ndarray) -> np.ndarray:
    return (values * SECONDS_PER_HOUR).astype("timedelta64[s]")


def _stamps(values: np.ndarray, present: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[s]"), mask=~present)


def _text(values: np.ndarray, present: np.ndarray) -> pa.Array:
    return pa.array(values.astype(object), pa.string(), mask=~present)


def _messy_case(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    """Write a few values in lower or upper case or with a trailing space."""
    draw = rng.random(len(values))
    text = pa.array(values, pa.string())
    out = pc.if_else(pa.array(draw < share / 3), pc.utf8_lower(text), text)
    out = pc.if_else(pa.array((draw >= share / 3) & (draw < 2 * share / 3)), pc.utf8_upper(text), out)
    padded = pc.binary_join_element_wise(text, pa.scalar(" "), "")
    out = pc.if_else(pa.array((draw >= 2 * share / 3) & (draw < share)), padded, out)
    return out.to_numpy(zero_copy_only=False).astype(object)


def _reasons(rng: np.random.Generator, fit: np.ndarray, intent: np.ndarray, bad_source: np.ndarray) -> np.ndarray:
    """A reason per lead (softmax over REASONS of fit, intent, source and noise)."""
    logits = (REASON_BASE[None, :] + REASON_FIT[None, :] * fit[:, None] + REASON_INTENT[None, :] * intent[:, None]
              + REASON_BAD_SOURCE[None, :] * bad_source[:, None] + 0.5 * rng.standard_normal((len(fit), len(REASONS))))
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(len(fit))[:, None] > cumulative).sum(axis=1)
    return np.asarray(REASONS, dtype=object)[np.minimum(pick, len(REASONS) - 1)]


def pipeline_columns(seed: int, *, fit: np.ndarray, intent: np.ndarray, sources: np.ndarray,
                     decided: np.ndarray, accepted: np.ndarray, converted: np.ndarray, scored: np.ndarray,
                     employees: np.ndarray) -> dict[str, pa.Array]:
    """The after-hand-over columns (``PIPELINE_COLUMNS``) as Arrow arrays.

    ``sources`` holds the lead-source text per lead; ``accepted`` is True only where
    ``decided``; ``scored`` is ``scored_at`` as datetime64[s]."""
    rng = np.random.default_rng([seed, STREAM])
    n = len(fit)
    accepted = accepted & decided
    rejected = decided & ~accepted
    # First touch: decided leads always, half of the rest; hot and accepted leads sooner.
    touched = decided | (rng.random(n) < 0.5)
    median_hours = 20.0 * np.exp(-0.35 * intent) * np.where(accepted, 0.6, np.where(rejected, 1.5, 1.2))
    touch_hours = np.clip(rng.lognormal(np.log(median_hours), 0.9), 0.1, 24.0 * 60)
    early_touch = rng.random(n) < 0.004  # dated before the hand-over
    touch_hours = np.where(early_touch, -rng.uniform(1.0, 72.0, n), touch_hours)
    first_touch = scored + _hours(touch_hours)
    # Acceptance about a day after the touch.
    accept_hours = np.clip(rng.lognormal(np.log(20.0), 0.8, n), 0.2, 24.0 * 30)
    accepted_at = first_touch + _hours(accept_hours)
    early_accept = rng.random(n) < 0.003
    accepted_at = np.where(early_accept, scored - _hours(rng.uniform(1.0, 48.0, n)), accepted_at)
    # Stages.
    opportunity = converted | (accepted & (rng.random(n) < 1.0 / (1.0 + np.exp(-(0.7 * fit + 0.7 * intent - 0.4)))))
    lost = opportunity & ~converted & (rng.random(n) < 0.7)
    recycled = rejected & (rng.random(n) < 0.3)
    stage = np.full(n, "MQL", dtype=object)
    stage[rejected] = "Rejected"
    stage[recycled] = "Recycled"
    stage[accepted] = "SAL"
    stage[opportunity] = "Opportunity"
    stage[lost] = "Closed Lost"
    stage[converted] = "Customer"
    stage = _messy_case(rng, stage, 0.03)
    stage[rng.random(n) < 0.002] = "On Hold"  # not in the known list
    opportunity_days = np.clip(rng.lognormal(np.log(8.0), 0.8, n), 0.1, 180.0)
    opportunity_at = accepted_at + _hours(24.0 * opportunity_days)
    size = np.power(np.maximum(employees, 1).astype(float), 0.12)
    won_days = np.clip(rng.lognormal(np.log(22.0), 0.6, n) * size, 1.0, 400.0)
    won_at = opportunity_at + _hours(24.0 * won_days)
    # Rejection reasons.
    bad_source = np.isin(sources, BAD_CONTACT_SOURCES).astype(float)
    reasons = _reasons(rng, fit, intent, bad_source)
    reasons = _messy_case(rng, reasons, 0.04)
    with_reason = rejected & (rng.random(n) >= 0.1)
    return {
        "lifecycle_stage": _text(stage, np.ones(n, dtype=bool)),
        "rejection_reason": _text(reasons, with_reason),
        "accepted_at": _stamps(accepted_at, accepted),
        "first_touch_at": _stamps(first_touch, touched),
        "opportunity_at": _stamps(opportunity_at, opportunity),
        "won_at": _stamps(won_at, converted),
    }
