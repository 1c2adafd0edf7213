"""The client retries what is safe to retry - connection errors, timeouts, HTTP 5xx, the throttling codes
14001/30004, HTTP 429 (honouring Retry-After) and a busy platform - with exponential backoff and full
jitter within a total deadline, and says clearly when it gives up. It never retries a validation error;
the daily quota stops the run with how to resume."""

from __future__ import annotations

import random
import re

import httpx
import pytest

from mktctl import errors as e
from mktctl.tenant.client import RetryPolicy
from tests.tenant.scripted import CREDENTIALS, Script, error, ok, scripted_client

QUERY = "/cgi/crm/v2/data/query"
RETRYABLE = [
    pytest.param(httpx.Response(500, text="Internal Server Error"), id="http-500"),
    pytest.param(httpx.Response(503, text="Service Unavailable"), id="http-503"),
    pytest.param(error(14001, "interface call limit exceeded"), id="throttle-14001"),
    pytest.param(error(30004, "call frequency per second exceeded"), id="throttle-30004"),
    pytest.param(error(-1, "system busy"), id="busy"),
    pytest.param(httpx.ConnectError("connection refused"), id="connect-error"),
    pytest.param(httpx.ReadTimeout("timed out"), id="read-timeout"),
    pytest.param(httpx.RemoteProtocolError("peer closed connection"), id="dropped"),
]


@pytest.mark.parametrize("failure", RETRYABLE)
def test_a_retryable_failure_is_retried_with_exponential_backoff(failure: object) -> None:
    script = Script([failure, failure, failure, ok(data={"dataList": [], "total": 0})])  # type: ignore[list-item]
    client, clock = scripted_client(script)
    assert client.call(QUERY, {"data": {}})["errorCode"] == 0
    assert len(script.calls(QUERY)) == 4
    assert clock.slept == [1.0, 2.0, 4.0], "base 0.5 s doubled per attempt (jitter drawn at its maximum here)"


def test_backoff_is_capped_and_jittered() -> None:
    failures = [httpx.Response(500)] * 7
    client, clock = scripted_client(Script([*failures, ok()]), rng=random.Random(3),
                                    retry=RetryPolicy(attempts=10, base_delay_s=0.5, max_delay_s=4.0))
    client.call(QUERY, {})
    caps = [min(4.0, 0.5 * 2 ** attempt) for attempt in range(1, 8)]
    assert all(0 <= slept <= cap for slept, cap in zip(clock.slept, caps, strict=True))
    assert len(set(clock.slept)) == 7, "full jitter: no two waits alike"


def test_http_429_waits_as_long_as_retry_after_says() -> None:
    throttled = httpx.Response(429, headers={"Retry-After": "7"}, json=error(30004))
    client, clock = scripted_client(Script([throttled, ok()]))
    client.call(QUERY, {})
    assert clock.slept == [7.0]


def test_http_429_without_retry_after_backs_off_as_usual() -> None:
    client, clock = scripted_client(Script([httpx.Response(429), httpx.Response(429, headers={"Retry-After": "x"}),
                                            ok()]))
    client.call(QUERY, {})
    assert clock.slept == [1.0, 2.0]


def test_it_gives_up_after_the_attempts_with_a_clear_message() -> None:
    client, clock = scripted_client(Script([httpx.Response(502)] * 3), retry=RetryPolicy(attempts=3))
    with pytest.raises(e.TenantUnreachable) as caught:
        client.call(QUERY, {})
    assert clock.slept == [1.0, 2.0]
    assert re.fullmatch(r"the tenant at https://tenant\.test has not answered since \d\d:\d\d:\d\d \(3 s; gave up "
                        r"after 3 attempts\); last: the tenant answered HTTP 502", caught.value.message)
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("check the network and that the tenant is up, then run the same command "
                                        "again: it continues where it stopped")
    assert str(caught.value) == f"{caught.value.message} (calling {QUERY})"


def test_throttling_gives_up_after_the_attempts_with_a_clear_message() -> None:
    client, clock = scripted_client(Script([error(14001, "interface call limit exceeded")] * 3),
                                    retry=RetryPolicy(attempts=3))
    with pytest.raises(e.RateLimited) as caught:
        client.call(QUERY, {})
    assert clock.slept == [1.0, 2.0]
    assert caught.value.message == "interface call limit exceeded (错误); gave up after 3 attempts in 3.0 s"
    assert caught.value.hint == "the tenant is unreachable or busy; run the same command again later to continue"


def test_it_gives_up_at_the_total_deadline() -> None:
    client, clock = scripted_client(Script([error(14001)] * 100),
                                    retry=RetryPolicy(attempts=100, base_delay_s=1.0, max_delay_s=8.0, deadline_s=20))
    with pytest.raises(e.RateLimited) as caught:
        client.call(QUERY, {})
    assert clock.slept == [2.0, 4.0, 8.0, 6.0], "the last wait is cut to the deadline"
    assert clock.now - 1000.0 == 20.0
    assert caught.value.code == 14001
    assert "gave up after 5 attempts in 20.0 s" in caught.value.message


@pytest.mark.parametrize(("answer", "kind", "code"), [
    (error(32000, "field nickname does not exist on LeadsObj", "字段 nickname 不存在"), e.InvalidRequest, 32000),
    (error(10013, "offset out of range 10000", "offset 不能超过10000"), e.AuthError, 10013),
    (error(20020, "no permission"), e.PermissionDenied, 20020),
    (error(32002, "LeadsObj record x not found"), e.NotFound, 32002),
    (error(30003, "no quota bought"), e.QuotaExhausted, 30003),
])
def test_errors_about_the_request_are_never_retried(answer: dict[str, object], kind: type[Exception],
                                                    code: int) -> None:
    script = Script([answer])
    client, clock = scripted_client(script)
    with pytest.raises(kind) as caught:
        client.call(QUERY, {})
    assert len(script.calls(QUERY)) == 1 and clock.slept == []
    assert caught.value.code == code  # type: ignore[attr-defined]
    assert caught.value.trace_id == f"E-O.t.1-{code}"  # type: ignore[attr-defined]


def test_a_validation_error_carries_the_platforms_message_and_description() -> None:
    answer = error(32000, "field nickname does not exist on LeadsObj", "字段 nickname 不存在")
    client, _ = scripted_client(Script([answer]))
    with pytest.raises(e.InvalidRequest) as caught:
        client.call(QUERY, {})
    assert str(caught.value) == ("[32000] field nickname does not exist on LeadsObj (字段 nickname 不存在) "
                                 f"(calling {QUERY}, trace E-O.t.1-32000)")


def test_the_daily_quota_stops_the_run_with_how_to_resume() -> None:
    script = Script([error(30002, "daily quota exceeded", "当日调用次数超过限制")])
    client, clock = scripted_client(script)
    with pytest.raises(e.QuotaExhausted) as caught:
        client.call(QUERY, {})
    assert caught.value.code == 30002 and clock.slept == []
    assert caught.value.hint == ("the daily OpenAPI quota is used up; run the same command again after 00:00 to "
                                 "continue where it stopped")


@pytest.mark.parametrize(("response", "message"), [
    (httpx.Response(404, text="<html>"), f"the tenant answered HTTP 404 for {QUERY}"),
    (httpx.Response(200, text="<html>not json</html>"), f"the tenant's answer to {QUERY} is not JSON"),
    (httpx.Response(200, json=[1, 2]), f"the tenant's answer to {QUERY} is not a JSON object"),
])
def test_answers_that_are_not_the_platforms_envelope(response: httpx.Response, message: str) -> None:
    client, _ = scripted_client(Script([response]))
    with pytest.raises(e.InvalidRequest) as caught:
        client.call(QUERY, {})
    assert caught.value.message == message


def test_errors_never_carry_the_credentials() -> None:
    script = Script([])
    client, _ = scripted_client(script)
    failures: list[str] = []
    for answer in (error(10006, "the parameter appSecret is missing or illegal"), error(20015)):
        script.tokens = [answer]
        with pytest.raises(e.AuthError) as caught:
            client.call(QUERY, {})
        failures.append(str(caught.value) + str(caught.value.hint))
    assert failures[0].startswith("[10006] the parameter appSecret is missing or illegal")
    for text in [*failures, repr(CREDENTIALS), repr(client.credentials)]:
        assert CREDENTIALS.app_secret not in text and CREDENTIALS.permanent_code not in text
