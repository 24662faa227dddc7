"""The Scorer's caches (scoring.engine.caches) shared between threads: a key is computed once
even when threads ask for it together, and an LRU cache keeps its size."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import scoring
from scoring.engine.caches import LruCache, Memo
from scoring.engine.scorer import Scorer
from scoring.measures.leaks import leak_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def _slow_counter():
    calls = []
    started = threading.Event()

    def compute():
        calls.append(threading.get_ident())
        started.set()
        time.sleep(0.05)  # long enough for the other threads to ask meanwhile
        return np.arange(3)

    return calls, compute


@pytest.mark.parametrize("cache", [Memo(), LruCache(4)], ids=["memo", "lru"])
def test_threads_asking_for_one_key_compute_it_once(cache):
    calls, compute = _slow_counter()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: cache.get("key", compute), range(8)))
    assert len(calls) == 1
    assert all(result is results[0] for result in results)


def test_lru_keeps_the_most_recently_used_and_freezes_arrays():
    cache = LruCache(2)
    first = cache.get("a", lambda: np.zeros(2))
    cache.get("b", lambda: np.ones(2))
    cache.get("a", lambda: pytest.fail("a is kept"))  # a is now the most recent
    cache.get("c", lambda: np.ones(3))  # evicts b
    assert len(cache) == 2
    assert cache.get("b", lambda: "again") == "again"
    assert not first.flags.writeable


def test_a_failed_compute_is_not_kept_and_can_be_retried():
    memo = Memo()

    def fail():
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.get("k", fail)
    assert "k" not in memo
    assert memo.get("k", lambda: 7) == 7


def test_a_scorer_shared_by_threads_gives_the_figures_of_one_thread():
    """Two sessions of a server share one Scorer; the app also prepares figures in the background."""
    def fresh() -> Scorer:
        return Scorer(scoring.load_leads(SAMPLE / "leads.csv"), scoring.read_table(SAMPLE / "activities.csv"))

    model = scoring.load_model(ROOT / "configs" / "default.yaml")
    alone = leak_report(fresh(), model).findings
    shared = fresh()
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: leak_report(shared, model).findings, range(4)))
    assert all(report == alone for report in reports)
