"""Benchmark: what the leak check and the per-activity evidence cost a workshop step, against
the preview of the same step (the figures every page already recomputes). Prints one table.

    python -m scoring.tools.bench_leaks --leads 1000000 [--repeat 5] [--seed 7]

Synthetic data (``scoring.tools.synth``), the default model, a Scorer as the app prepares it. First
the one-time costs on a fresh Scorer (the value and rule tables the Profile page always drew,
then the leak check and the activity evidence on top); then, per variant of
``scoring.tools.bench.variant`` (a weight, the A threshold, a rule's value, the half-life; new values
each run so nothing is cached from an earlier one), the preview, the leak check and the
activity evidence of the changed model. Medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from scoring.engine.scorer import Scorer
from scoring.measures.activity_evidence import activity_evidence
from scoring.measures.evidence import rule_evidence, separation_report, value_evidence
from scoring.measures.leaks import leak_report
from scoring.measures.metrics import preview
from scoring.model.files import load_model
from scoring.tools.bench import DEFAULT_MODEL, VARIANTS, variant
from scoring.tools.synth import generate

STEPS = ("preview (the peer)", "leak check", "activity evidence")


def _seconds(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run(leads_count: int, repeat: int = 5, seed: int = 7) -> dict[str, dict[str, list[float]]]:
    """Seconds per phase: ``first`` (one-time costs) and one table per variant."""
    model = load_model(DEFAULT_MODEL)
    leads, activities = generate(leads_count, seed)
    scorer = Scorer.for_model(model, leads, activities, as_of="now")
    first: dict[str, list[float]] = {}
    seconds, result = _seconds(lambda: preview(model, scorer))
    first["first preview"] = [seconds]

    def page_tables() -> None:
        for category in model.profile.categories:
            value_evidence(scorer, category.field, category.rules, category.default)
            rule_evidence(scorer, category.field, category.rules, category.default)
        separation_report(scorer, model)

    first["value and rule tables, separation (drawn before)"] = [_seconds(page_tables)[0]]
    first["leak check on top"] = [_seconds(lambda: leak_report(scorer, model, result.matrix))[0]]
    first["activity evidence on top"] = [_seconds(lambda: activity_evidence(scorer, model))[0]]
    figures: dict[str, dict[str, list[float]]] = {"first": first}
    for kind in VARIANTS:
        table: dict[str, list[float]] = {step: [] for step in STEPS}
        for step in range(repeat):
            changed = variant(model, kind, step)
            seconds, moved = _seconds(lambda changed=changed: preview(changed, scorer))
            table[STEPS[0]].append(seconds)
            table[STEPS[1]].append(_seconds(lambda c=changed, m=moved: leak_report(scorer, c, m.matrix))[0])
            table[STEPS[2]].append(_seconds(lambda c=changed: activity_evidence(scorer, c))[0])
        figures[kind] = table
    return figures


def report(figures: dict[str, dict[str, list[float]]], leads_count: int, repeat: int) -> str:
    lines = [f"{leads_count:,} leads; one-time costs (s):"]
    lines += [f"  {name:52}{values[0]:8.3f}" for name, values in figures["first"].items()]
    lines += ["", f"per step, median of {repeat} (s):" + "".join(f"{step:>22}" for step in STEPS)]
    for kind in VARIANTS:
        lines.append(f"  {kind:28}" + "".join(f"{statistics.median(figures[kind][s]):22.3f}" for s in STEPS))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.tools.bench_leaks", description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(report(run(args.leads, args.repeat, args.seed), args.leads, args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
