"""Benchmark: how long scoring takes at a given scale. Prints figures; asserts nothing.

    python -m scoring.bench --leads 100000 [--repeat 5] [--seed 7]

Data comes from ``scoring.synth``; the model is configs/default.yaml. It times the
Scorer's one-time preparation, the first score, a re-score after a weight change (what
the app does on every slider move) and, as the peer measured in the same run, the
one-off ``score()`` that prepares and scores from scratch. Medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .edit import rescale_weights, with_weights
from .engine import Scorer, score
from .modelfile import load_model
from .synth import generate

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "configs" / "default.yaml"


def _seconds(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run(leads_count: int, repeat: int, seed: int) -> dict[str, float]:
    """Time each phase ``repeat`` times; return the medians in seconds."""
    model = load_model(DEFAULT_MODEL)
    leads, activities = generate(leads_count, seed)
    first = model.profile.categories[0]
    weights = {c.id: c.weight for c in model.profile.categories}
    moved = with_weights(model, rescale_weights(weights | {first.id: first.weight + 10}, first.id))
    timings: dict[str, list[float]] = {"prepare the Scorer": [], "first score": [],
                                       "re-score after a weight change": [], "one-off score() (peer)": []}
    for _ in range(repeat):
        seconds, scorer = _seconds(lambda: Scorer(leads, activities))
        timings["prepare the Scorer"].append(seconds)
        timings["first score"].append(_seconds(lambda s=scorer: s.score(model))[0])
        timings["re-score after a weight change"].append(_seconds(lambda s=scorer: s.score(moved))[0])
        timings["one-off score() (peer)"].append(_seconds(lambda: score(model, leads, activities))[0])
    return {name: statistics.median(values) for name, values in timings.items()} | {"activities": len(activities)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    figures = run(args.leads, args.repeat, args.seed)
    activities = int(figures.pop("activities"))
    print(f"{args.leads:,} leads, {activities:,} activities, default model, median of {args.repeat}")
    for name, seconds in figures.items():
        print(f"  {name:<34} {seconds * 1000:10.1f} ms")
    print(f"  {'max RSS':<34} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:10.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
