"""Benchmark: what refusing a hostile model file costs, against reading a normal one. Prints
one table of medians (seconds).

    python -m scoring.tools.bench_nesting [--repeat 5]

Rows: the peer (``parse_model`` on ``configs/default.yaml``, the model the app opens on); each
deeply nested file the nesting check refuses before the parser sees it (``parse_model`` until
its ModelError); and the check alone (``too_deep``) on a shallow file of a quarter, half and
all of the 1 MiB a model file may be, which nests only three levels and so is read to its end:
in linear time the seconds per MiB stay level. The tests check the behaviour (the parser is
never reached, the work stops at the refused line, the steps grow in proportion to the text);
this script holds the timing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from scoring.errors import ModelError
from scoring.model.files import MAX_MODEL_BYTES, parse_model
from scoring.model.nesting import MAX_NESTING, too_deep

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "configs" / "default.yaml"
MIB = 1024 * 1024

HOSTILE = {
    "flow lists": "profile: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "flow mappings": "profile: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "compact sequences": "name: x\nprofile:\n" + "- " * 300_000 + "x\n",
    "indentation": "name: x\n" + "".join(" " * i + "k:\n" for i in range(1, 200)),
    "lists across lines": "name: x\nprofile:\n" + "[\n" * 100_000 + "]\n" * 100_000,
}


def shallow_text(size_bytes: int) -> str:
    """A file of about ``size_bytes`` that nests three levels: the check reads all of it."""
    return "a: [" + "[1, 'b', \"c\"], " * (size_bytes // 16) + "]\n"


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _refuse(text: str) -> None:
    try:
        parse_model(text, "bench")
    except ModelError as error:
        if "nested too deeply" not in error.problems[0].message:
            raise
        return
    raise AssertionError("a hostile file was read")


def run(repeat: int = 5) -> list[tuple[str, int, float]]:
    """Rows of (what, bytes, median seconds); the first is the peer."""
    peer_text = DEFAULT_MODEL.read_text(encoding="utf-8")
    rows = [("peer: parse_model(configs/default.yaml)", len(peer_text.encode()),
             _median_seconds(lambda: parse_model(peer_text, "bench"), repeat))]
    for name, text in HOSTILE.items():
        rows.append((f"refuse {name}", len(text.encode()),
                     _median_seconds(lambda text=text: _refuse(text), repeat)))
    for share in (4, 2, 1):
        text = shallow_text(MAX_MODEL_BYTES // share)
        assert too_deep(text) is None
        rows.append((f"too_deep, shallow, 1/{share} of the limit" if share > 1 else
                     "too_deep, shallow, the whole limit", len(text.encode()),
                     _median_seconds(lambda text=text: too_deep(text), repeat)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (the median is shown)")
    args = parser.parse_args(argv)
    rows = run(args.repeat)
    peer = rows[0][2]
    print(f"nesting limit {MAX_NESTING} levels; medians of {args.repeat} runs")
    print(f"{'what':48} {'bytes':>11} {'seconds':>9} {'s per MiB':>10} {'x peer':>8}")
    for what, size, seconds in rows:
        print(f"{what:48} {size:>11,} {seconds:>9.4f} {seconds / (size / MIB):>10.4f} "
              f"{seconds / peer:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
