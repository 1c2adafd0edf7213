"""A scripted tenant for client tests: an ``httpx.MockTransport`` that answers the token call and then
plays a list of answers (envelopes, HTTP responses or transport errors) in order, with a fake clock whose
``sleep`` only moves time on. Retries with backoff are then exact and cost no time."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from mktctl.tenant.client import Credentials, FxiaokeClient, RetryPolicy

TOKEN_PATH = "/cgi/corpAccessToken/get/V2"
CREDENTIALS = Credentials(app_id="FSAID_test", app_secret="s3cr3t-app-secret-value",
                          permanent_code="PERMANENT-CODE-VALUE", open_user_id="FSUID_ADMIN")
Answer = dict[str, Any] | httpx.Response | Exception


def ok(**payload: Any) -> dict[str, Any]:
    return {"errorCode": 0, "errorMessage": "OK", "errorDescription": "success", "traceId": "E-O.t.1-0", **payload}


def error(code: int, message: str = "error", description: str = "错误") -> dict[str, Any]:
    return {"errorCode": code, "errorMessage": message, "errorDescription": description, "traceId": f"E-O.t.1-{code}"}


@dataclass
class FakeClock:
    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class MaxJitter(random.Random):
    """Full jitter that always draws its upper bound, so the backoff is exactly exponential."""

    def uniform(self, a: float, b: float) -> float:
        return b


@dataclass
class Script:
    """The answers a path gets, in order; the token call always succeeds unless ``tokens`` says otherwise."""

    answers: list[Answer]
    tokens: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    token_count: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        self.requests.append((request.url.path, body))
        if request.url.path == TOKEN_PATH:
            self.token_count += 1
            answer: Answer = self.tokens.pop(0) if self.tokens else \
                ok(corpAccessToken=f"TOKEN{self.token_count}", corpId="FSCID_TEST", expiresIn=7200)
        elif not self.answers:
            raise AssertionError(f"unexpected call to {request.url.path}")
        else:
            answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [body for p, body in self.requests if p == path]


def scripted_client(script: Script, clock: FakeClock | None = None, *,
                    retry: RetryPolicy | None = None, rng: random.Random | None = None,
                    **options: Any) -> tuple[FxiaokeClient, FakeClock]:
    clock = clock or FakeClock()
    http = httpx.Client(transport=httpx.MockTransport(script), base_url="https://tenant.test")
    sleep: Callable[[float], None] = clock.sleep
    client = FxiaokeClient(http, CREDENTIALS, retry=retry or RetryPolicy(attempts=5, base_delay_s=0.5),
                           clock=clock, sleep=sleep, rng=rng or MaxJitter(), **options)
    return client, clock
