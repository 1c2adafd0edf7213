"""Python's cycle collector paused over a batch that makes millions of small objects and no cycles worth
collecting: the engine's records, states and changes are freed by reference counting, but each of them counts
toward the collector's thresholds, and every full collection walks all the objects alive (a worker's people,
the parent's records). Collection resumes, and catches up, when the block ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block (it stays off when it was off already)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
