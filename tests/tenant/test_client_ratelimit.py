"""Client-side rate limiting per interface (the real platform: 100 calls per 20 s), shared by every
worker thread of a run, so that a long import is not throttled by the tenant."""

from __future__ import annotations

import threading
import time

import pytest

from mktctl.sandbox.app import RateLimit
from mktctl.tenant.client import CallRecord
from mktctl.tenant.ratelimit import RateLimiter
from tests.helpers.served import StartSandbox, client_for
from tests.tenant.scripted import FakeClock


def test_calls_over_the_limit_wait_for_the_window_to_move_on() -> None:
    clock = FakeClock(now=0.0)
    limiter = RateLimiter(3, 10.0, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire("/a") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now = 4.0
    assert limiter.acquire("/a") == 6.0, "the fourth call waits until the first leaves the 10 s window"
    assert clock.now == 10.0
    assert limiter.acquire("/b") == 0.0, "every interface has its own window"


@pytest.mark.parametrize(("calls", "window"), [(0, 20.0), (100, 0.0), (-1, 1.0)])
def test_a_limit_needs_a_call_and_a_window(calls: int, window: float) -> None:
    with pytest.raises(ValueError, match="a rate limit needs at least one call per positive window"):
        RateLimiter(calls, window)


def test_threads_share_one_limit() -> None:
    limiter = RateLimiter(10, 0.25)
    stamps: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(10):
            limiter.acquire("/cgi/crm/v2/data/create")
            with lock:
                stamps.append(time.monotonic())

    started = time.monotonic()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert len(stamps) == 40
    assert stamps[-1] - started >= 0.74, "40 calls at 10 per 0.25 s need three full windows"
    gaps = [later - earlier for earlier, later in zip(stamps, stamps[10:], strict=False)]
    assert min(gaps) >= 0.25 - 0.03, "never 11 calls within one window, whichever thread made them"


def test_a_shared_limiter_keeps_concurrent_workers_under_the_tenants_limit(
        served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(rate_limit=RateLimit(calls=10, window_s=0.4))
    calls: list[CallRecord] = []
    client = client_for(sandbox, limiter=RateLimiter(5, 0.4), on_call=calls.append)

    def work(worker: int) -> None:
        for n in range(5):
            client.crm_create("LeadsObj", {"name": f"并发{worker}-{n}"})

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    creates = [c for c in calls if c.path == "/cgi/crm/v2/data/create"]
    assert [c.error_code for c in creates] == [0] * 20, "no call was throttled by the tenant"
    assert client.crm_query("LeadsObj")[1] == 20
    client.close()
