"""How long one command keeps trying a tenant that does not answer, and how Ctrl-C stops it at once.

Retries of one call have their own small budget (:class:`mktctl.tenant.client.RetryPolicy`); this is the
budget of the whole command. :class:`Outage` is shared by every call and every worker thread of a client:
it starts at the first attempt that fails to get an answer (no connection, a timeout, a dropped
connection, HTTP 5xx, a busy code) and ends with the next answer of any kind. When the tenant has not
answered for the deadline (30 s unless set: ``deadline_seconds`` in a profile, ``MKTCTL_DEADLINE``, or
``--deadline``), every call gives up at once, without trying again, with a message that says what did not
answer since when; no single attempt waits past the deadline either (its timeout is cut to what is left).

A command stopped this way has recorded what it did (apply's journal and ledger, an import's journal), so
running it again continues.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from mktctl import errors as e

DEFAULT_DEADLINE_S = 30.0
ENV_DEADLINE = "MKTCTL_DEADLINE"
PROFILE_DEADLINE = "deadline_seconds"
HINT = ("check the network and that the tenant is up, then run the same command again: it continues where it "
        f"stopped. To wait longer: --deadline SECONDS, {ENV_DEADLINE}, or {PROFILE_DEADLINE} in the profile")


def parse_deadline(value: object, *, where: str) -> float:
    """A deadline in seconds: a positive, finite number."""
    try:
        seconds = float(str(value).strip()) if not isinstance(value, bool) else math.nan
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise e.SettingsError(f"{where}: expected a number of seconds greater than 0, not {str(value)[:40]!r}",
                              hint="e.g. 30 (the default), or 300 for a slow network")
    return seconds


class Outage:
    """Since when the tenant has not answered, across every call and thread of one client."""

    def __init__(self, deadline_s: float = DEFAULT_DEADLINE_S, *, target: str = "the tenant",
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time) -> None:
        self.deadline_s = deadline_s
        self.target = target
        self.clock = clock
        self.wall = wall
        self._since: float | None = None
        self._answered_at = -math.inf
        self._last = ""
        self._lock = threading.Lock()

    def answered(self) -> None:
        with self._lock:
            self._since = None
            self._answered_at = self.clock()

    def failed(self, started: float, error: e.TenantError) -> None:
        """An attempt that began at ``started`` (clock time) got no answer."""
        with self._lock:
            if self._since is None:
                self._since = max(started, self._answered_at)
            self._last = error.message

    def elapsed(self) -> float:
        with self._lock:
            return 0.0 if self._since is None else self.clock() - self._since

    def remaining(self) -> float:
        """Seconds left before giving up (the whole deadline when the tenant is answering)."""
        return max(0.0, self.deadline_s - self.elapsed())

    def expired(self) -> bool:
        with self._lock:
            return self._since is not None and self.clock() - self._since >= self.deadline_s

    def give_up(self, path: str, *, attempts: int | None = None) -> e.TenantUnreachable:
        """The error that ends a call: the deadline has passed, or the call used its ``attempts``."""
        with self._lock:
            since = self._since if self._since is not None else self.clock()
            elapsed = self.clock() - since
            last = self._last
        at = time.strftime("%H:%M:%S", time.localtime(self.wall() - elapsed))
        why = f"the deadline is {self.deadline_s:g} s" if attempts is None else f"gave up after {attempts} attempts"
        return e.TenantUnreachable(f"{self.target} has not answered since {at} ({elapsed:.0f} s; {why})"
                                   + (f"; last: {last}" if last else ""), path=path, hint=HINT)
