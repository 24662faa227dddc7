"""Is a threshold proposal better than the model it would replace, on the proposal's own target?

The current model's figures and the proposal's come from the engine's previews; the
proposal is judged by what it maximises (``calibrate``'s module docstring: accepted net of
rejected leads for a capacity, or conversions caught without sales decisions; accepted
leads for a minimum acceptance rate), then by conversions caught.
"""

from __future__ import annotations

from scoring.calibrate.target import Target
from scoring.formatting import format_rate
from scoring.measures.metrics import SalesSummary


def _objective(sales: SalesSummary, target: Target, decisions: bool) -> tuple[int, int]:
    """What a proposal maximises (the module docstring), then conversions caught, from a preview."""
    accepted = round(sales.acceptance_rate * sales.decided) if sales.decided else 0
    if target.min_acceptance is not None:
        first = accepted
    else:
        first = 2 * accepted - sales.decided if decisions else sales.conversions_caught
    return first, sales.conversions_caught


def meets(sales: SalesSummary, target: Target) -> bool:
    """Does a preview's to-sales set meet ``target``?"""
    if sales.leads < 1:
        return False
    if target.capacity is not None:
        return sales.leads_per_month is not None and sales.leads_per_month <= target.capacity + 1e-9
    return sales.decided >= target.min_decisions and sales.acceptance_rate >= target.min_acceptance - 1e-12


def worse_reason(current: SalesSummary, proposed: SalesSummary, target: Target, decisions: bool) -> str | None:
    """One sentence when the current model meets ``target`` and does better on it than the
    proposal (by what the proposal maximises, then conversions caught); else None."""
    if not meets(current, target) or _objective(proposed, target, decisions) >= _objective(current, target, decisions):
        return None
    return (f"the current model does better on this target than the proposal: "
            f"{format_rate(current.acceptance_rate)} accepted against {format_rate(proposed.acceptance_rate)}, "
            f"{format_rate(current.conversions_caught_share)} of past conversions caught against "
            f"{format_rate(proposed.conversions_caught_share)}; keep the current thresholds")
