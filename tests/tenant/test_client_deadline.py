"""One deadline for a whole command: the client counts how long the tenant has not answered across all its
calls (not per call), gives up at once past it without trying again, never lets one attempt's timeout run past
it, and stops every wait between retries the moment it is interrupted (Ctrl-C)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from mktctl import errors as e
from mktctl.tenant.client import FxiaokeClient, RetryPolicy
from tests.tenant.scripted import CREDENTIALS, TOKEN_PATH, Script, error, ok, scripted_client

QUERY = "/cgi/crm/v2/data/query"
REFUSED = httpx.ConnectError("[Errno 111] Connection refused")


def test_the_deadline_counts_from_the_first_failure_across_calls() -> None:
    script = Script([REFUSED] * 8)
    client, clock = scripted_client(script, deadline_s=20)
    client.token()

    with pytest.raises(e.TenantUnreachable) as first:
        client.call(QUERY, {})
    assert clock.slept == [1.0, 2.0, 4.0, 8.0] and clock.now == 1015.0
    assert "(15 s; gave up after 5 attempts)" in first.value.message
    with pytest.raises(e.TenantUnreachable) as second:
        client.call(QUERY, {})

    assert clock.slept[4:] == [1.0, 2.0, 2.0], "the last wait ends at the deadline, 20 s after the first failure"
    assert "(20 s; the deadline is 20 s)" in second.value.message
    assert "last: cannot connect to the tenant: [Errno 111] Connection refused" in second.value.message
    assert len(script.calls(QUERY)) == 8


def test_past_the_deadline_a_call_gives_up_without_trying() -> None:
    script = Script([REFUSED] * 4)
    client, _ = scripted_client(script, deadline_s=5)
    client.token()
    with pytest.raises(e.TenantUnreachable):
        client.call(QUERY, {})
    tried = len(script.requests)

    with pytest.raises(e.TenantUnreachable, match="the deadline is 5 s"):
        client.call(QUERY, {})

    assert len(script.requests) == tried


def test_the_message_says_what_did_not_answer_since_when_and_what_to_do() -> None:
    client, _ = scripted_client(Script([httpx.Response(503)] * 10), deadline_s=3)
    client.token()
    with pytest.raises(e.TenantUnreachable) as caught:
        client.call(QUERY, {})

    assert caught.value.message.startswith("the tenant at https://tenant.test has not answered since ")
    assert caught.value.path == QUERY
    assert caught.value.hint is not None
    assert "run the same command again: it continues where it stopped" in caught.value.hint
    assert "--deadline SECONDS, MKTCTL_DEADLINE, or deadline_seconds in the profile" in caught.value.hint


def test_an_answer_ends_the_outage() -> None:
    script = Script([REFUSED, REFUSED, ok(), REFUSED, ok()])
    client, clock = scripted_client(script, deadline_s=10)
    client.token()
    client.call(QUERY, {})
    assert client.outage.elapsed() == 0.0

    client.call(QUERY, {})

    assert client.outage.elapsed() == 0.0
    assert clock.slept == [1.0, 2.0, 1.0], "the second call starts a fresh outage, and survives it"


def test_throttling_is_an_answer_not_an_outage() -> None:
    client, _ = scripted_client(Script([error(14001), error(30004), ok()]), deadline_s=1)
    client.token()

    assert client.call(QUERY, {})["errorCode"] == 0
    assert client.outage.elapsed() == 0.0


def test_a_busy_platform_counts_towards_the_deadline() -> None:
    client, _ = scripted_client(Script([error(-1, "system busy")] * 10), deadline_s=3,
                                retry=RetryPolicy(attempts=10, base_delay_s=0.5))
    client.token()
    with pytest.raises(e.TenantUnreachable, match="the deadline is 3 s"):
        client.call(QUERY, {})


def test_no_attempt_waits_past_the_deadline() -> None:
    timeouts: list[dict[str, float]] = []
    clock_now = [1000.0]

    def tenant(request: httpx.Request) -> httpx.Response:
        timeouts.append(dict(request.extensions["timeout"]))
        if request.url.path == TOKEN_PATH:
            return httpx.Response(200, json=ok(corpAccessToken="T", corpId="C", expiresIn=7200))
        clock_now[0] += 6.0  # each attempt hangs for 6 s, then times out
        raise httpx.ReadTimeout("timed out")

    http = httpx.Client(transport=httpx.MockTransport(tenant), base_url="https://tenant.test", timeout=30.0)
    client = FxiaokeClient(http, CREDENTIALS, retry=RetryPolicy(attempts=10, base_delay_s=0.001, max_delay_s=0.001),
                           clock=lambda: clock_now[0], sleep=lambda s: None, deadline_s=15)
    with pytest.raises(e.TenantUnreachable, match="the deadline is 15 s"):
        client.call(QUERY, {})

    assert timeouts[0]["read"] == 15.0, "no single attempt may outlast the deadline, even the first"
    reads = [t["read"] for t in timeouts[1:]]
    assert reads[0] == 15.0 and reads[1] == pytest.approx(9.0, abs=0.01) and reads[2] == pytest.approx(3.0, abs=0.01)


def test_interrupt_ends_a_wait_between_retries_at_once() -> None:
    attempts = threading.Event()

    def tenant(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            return httpx.Response(200, json=ok(corpAccessToken="T", corpId="C", expiresIn=7200))
        attempts.set()
        raise httpx.ConnectError("[Errno 111] Connection refused")

    http = httpx.Client(transport=httpx.MockTransport(tenant), base_url="https://tenant.test")
    client = FxiaokeClient(http, CREDENTIALS, retry=RetryPolicy(attempts=5, base_delay_s=30, max_delay_s=30),
                           deadline_s=600)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.call(QUERY, {})
        except BaseException as failure:  # noqa: BLE001 - handed to the test thread
            outcome.append(failure)

    worker = threading.Thread(target=call)
    worker.start()
    assert attempts.wait(5)
    time.sleep(0.1)  # now in its wait of up to a minute
    client.interrupt()
    worker.join(5)

    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], e.Interrupted)
    assert outcome[0].exit_code == 130
    assert "run the same command again to continue" in str(outcome[0].hint)


def test_an_interrupted_client_makes_no_more_calls() -> None:
    script = Script([ok()])
    client, _ = scripted_client(script)
    client.token()
    client.interrupt()

    with pytest.raises(e.Interrupted):
        client.call(QUERY, {})
    assert script.calls(QUERY) == []
