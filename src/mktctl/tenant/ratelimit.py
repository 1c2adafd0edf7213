"""Client-side rate limiting per interface, shared by concurrent workers.

The real platform allows 100 calls per 20 seconds per interface (reference §3): each path counts on its
own, for each tenant, so creates (``/cgi/crm/v2/data/create``) and the queries that match a file's people
(``…/data/query``) are limited apart and can run side by side. Going over answers 14001/30004. The
sandbox's ``--rate-limit`` counts the same way (per path and corp).

A call holds its place in the window from the moment it is sent until ``window_s`` after its answer came
back. The tenant counts a call when it receives it, somewhere between the two, so the calls the tenant
sees within any window are never more than the limiter let through, whatever the network's delays: an
import running at the limit is never throttled. A new limiter has the whole window's allowance: its first
``calls`` calls go at once.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _Interface:
    answered: list[float] = field(default_factory=list)  # when the answers of the window's calls came, sorted
    in_flight: int = 0


class RateLimiter:
    """A sliding-window limiter: at most ``calls`` per ``window_s`` seconds for each path."""

    def __init__(self, calls: int = 100, window_s: float = 20.0, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if calls < 1 or window_s <= 0:
            raise ValueError("a rate limit needs at least one call per positive window")
        self.calls, self.window_s = calls, window_s
        self.clock, self.sleep = clock, sleep
        self._paths: dict[str, _Interface] = defaultdict(_Interface)
        self._changed = threading.Condition()

    @contextmanager
    def slot(self, path: str) -> Iterator[float]:
        """Wait for a place in ``path``'s window (yields how long that took), hold it while the call is made,
        and count the call from when the block ends: when its answer came back."""
        waited = self._reserve(path)
        try:
            yield waited
        finally:
            self._release(path)

    def acquire(self, path: str) -> float:
        """Wait until a call to ``path`` is allowed and count it from now; return how long it waited."""
        with self.slot(path) as waited:
            return waited

    def _reserve(self, path: str) -> float:
        waited = 0.0
        while True:
            with self._changed:
                while True:
                    now = self.clock()
                    interface = self._paths[path]
                    answered = interface.answered
                    expired = bisect.bisect_right(answered, now - self.window_s)
                    del answered[:expired]
                    if len(answered) + interface.in_flight < self.calls:
                        interface.in_flight += 1
                        return waited
                    if answered:
                        pause = answered[0] + self.window_s - now
                        break
                    # every place is held by a call still in flight: its answer starts its window
                    self._changed.wait()
                    waited += self.clock() - now
            self.sleep(pause)
            waited += pause

    def _release(self, path: str) -> None:
        with self._changed:
            interface = self._paths[path]
            interface.in_flight -= 1
            bisect.insort(interface.answered, self.clock())
            self._changed.notify_all()
