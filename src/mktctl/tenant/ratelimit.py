"""Client-side rate limiting per interface, shared by concurrent workers.

The real platform allows 100 calls per 20 seconds per interface; going over answers 14001/30004.
Staying under the limit on our side costs nothing and keeps a long import from being throttled.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    """A sliding-window limiter: at most ``calls`` per ``window_s`` seconds for each path."""

    def __init__(self, calls: int = 100, window_s: float = 20.0, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if calls < 1 or window_s <= 0:
            raise ValueError("a rate limit needs at least one call per positive window")
        self.calls, self.window_s = calls, window_s
        self.clock, self.sleep = clock, sleep
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def acquire(self, path: str) -> float:
        """Wait until a call to ``path`` is allowed; return how long it waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                sent = self._sent[path]
                while sent and sent[0] <= now - self.window_s:
                    sent.popleft()
                if len(sent) < self.calls:
                    sent.append(now)
                    return waited
                pause = sent[0] + self.window_s - now
            self.sleep(pause)
            waited += pause
