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


def test_a_new_limiter_lets_a_whole_windows_allowance_through_at_once() -> None:
    clock = FakeClock(now=0.0)
    limiter = RateLimiter(100, 20.0, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire("/cgi/crm/v2/data/create") for _ in range(100)] == [0.0] * 100
    assert clock.slept == [], "the first 100 calls of a run do not wait"
    assert limiter.acquire("/cgi/crm/v2/data/create") == 20.0, "the 101st waits for the first to leave the window"


def test_a_call_is_counted_from_when_its_answer_came_back() -> None:
    clock = FakeClock(now=0.0)
    limiter = RateLimiter(1, 10.0, clock=clock, sleep=clock.sleep)
    with limiter.slot("/a") as waited:
        assert waited == 0.0
        clock.now = 3.0  # the answer takes 3 s: the tenant received the call somewhere in between
    assert limiter.acquire("/a") == 10.0, "the next call waits a whole window after the answer, not after the send"
    assert clock.now == 13.0


def test_a_call_in_flight_holds_its_place_until_its_answer() -> None:
    limiter = RateLimiter(1, 0.05)
    answered = threading.Event()
    ended: list[float] = []

    def slow_call() -> None:
        with limiter.slot("/a"):
            answered.wait(5)
            ended.append(time.monotonic())

    first = threading.Thread(target=slow_call)
    first.start()
    while not limiter._paths["/a"].in_flight:  # the first call is on the wire
        time.sleep(0.001)
    second = threading.Thread(target=limiter.acquire, args=("/a",))
    second.start()
    second.join(0.2)
    assert second.is_alive(), "no place while the only one is held by a call without an answer"
    answered.set()
    first.join()
    second.join(5)
    assert not second.is_alive()
    assert limiter._paths["/a"].answered[-1] - ended[0] >= 0.05, "it went a whole window after the first's answer"


def test_a_call_that_fails_still_counts_and_gives_back_its_place() -> None:
    clock = FakeClock(now=0.0)
    limiter = RateLimiter(2, 10.0, clock=clock, sleep=clock.sleep)
    with pytest.raises(OSError), limiter.slot("/a"):
        raise OSError("connection reset")  # the tenant may have counted it
    assert limiter._paths["/a"].in_flight == 0
    assert limiter.acquire("/a") == 0.0
    assert limiter.acquire("/a") == 10.0


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


def test_workers_sharing_the_tenants_own_limit_are_never_throttled(served_sandbox_factory: StartSandbox) -> None:
    """The same limit on both sides, no margin: the tenant counts a call when it receives it, the limiter
    from its answer, so the tenant never sees more calls in a window than the limiter let through."""
    sandbox = served_sandbox_factory(rate_limit=RateLimit(calls=8, window_s=0.25))
    calls: list[CallRecord] = []
    client = client_for(sandbox, limiter=RateLimiter(8, 0.25), on_call=calls.append)

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
