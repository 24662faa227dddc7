"""The caches a Scorer keeps, safe to share between threads.

One Scorer serves every browser session of a server (data opened by path or from the
catalogue is prepared once), and the app may prepare a page's figures in the background
while the room reads another page. So two threads can ask a Scorer for the same part at
once: each cache here computes a key once (the second caller waits for the first) and
never evicts an entry while another thread reads it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np

T = TypeVar("T")


class KeyLocks:
    """One lock per key being computed, so a key is computed by one thread at a time."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Hashable, threading.Lock] = {}

    def of(self, key: Hashable) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def done(self, key: Hashable) -> None:
        with self._guard:
            self._locks.pop(key, None)


class Memo:
    """Results kept for good, each computed once even when threads ask for it together."""

    def __init__(self) -> None:
        self._values: dict[Hashable, object] = {}
        self._locks = KeyLocks()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key in self._values:
            return self._values[key]  # type: ignore[return-value]
        with self._locks.of(key):
            if key not in self._values:  # another thread may have computed it meanwhile
                self._values[key] = compute()
        self._locks.done(key)
        return self._values[key]  # type: ignore[return-value]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values


class LruCache:
    """The ``size`` most recently used results; each computed once at a time, as ``Memo``'s.
    ``frozen``: numpy arrays in a result are made read-only (callers share them)."""

    def __init__(self, size: int, frozen: bool = True) -> None:
        self.size = size
        self.frozen = frozen
        self.items: OrderedDict[Hashable, object] = OrderedDict()
        self._guard = threading.Lock()
        self._locks = KeyLocks()

    def _lookup(self, key: Hashable) -> tuple[bool, object]:
        with self._guard:
            if key in self.items:
                self.items.move_to_end(key)
                return True, self.items[key]
        return False, None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        found, value = self._lookup(key)
        if found:
            return value  # type: ignore[return-value]
        with self._locks.of(key):
            found, value = self._lookup(key)
            if not found:
                value = compute()
                if self.frozen:
                    _freeze(value)
                with self._guard:
                    self.items[key] = value
                    while len(self.items) > self.size:
                        self.items.popitem(last=False)
        self._locks.done(key)
        return value  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self.items)


def _freeze(value: object) -> None:
    for array in value if isinstance(value, tuple) else (value,):
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
