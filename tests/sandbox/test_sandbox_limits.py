"""The sandbox's limits: the request body size (8 MiB by default, errorCode 32001) and the optional
per-interface rate limit of the real platform (``--rate-limit CALLS/SECONDS``, errorCode 14001)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from mktctl.sandbox.app import MAX_BODY_BYTES, RateLimit
from tests.helpers.served import StartSandbox, Wire


def envelope(wire: Wire, size: int) -> bytes:
    """A valid call to /cgi/department/list padded to exactly ``size`` bytes."""
    token = wire.token()
    body = {"corpAccessToken": token["corpAccessToken"], "corpId": token["corpId"], "pad": ""}
    bare = len(json.dumps(body).encode())
    body["pad"] = "x" * (size - bare)
    raw = json.dumps(body).encode()
    assert len(raw) == size
    return raw


def test_a_body_at_the_limit_is_read_and_one_byte_more_is_refused(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(max_body_bytes=4096)
    wire = Wire(sandbox.url, sandbox.corp)
    assert wire.http.post("/cgi/department/list", content=envelope(wire, 4096)).json()["errorCode"] == 0
    refused = wire.http.post("/cgi/department/list", content=envelope(wire, 4097)).json()
    assert (refused["errorCode"], refused["errorMessage"], refused["errorDescription"]) == (
        32001, "request body over 4096 bytes", "请求体过大")
    wire.close()


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(max_body_bytes=4096)
    wire = Wire(sandbox.url, sandbox.corp)

    def chunks() -> Iterator[bytes]:
        yield b'{"pad": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    response = wire.http.post("/cgi/department/list", content=chunks())  # chunked transfer encoding
    assert response.status_code == 200 and response.json()["errorCode"] == 32001
    wire.close()


def test_the_default_limit_is_8_mib(wire: Wire) -> None:
    assert MAX_BODY_BYTES == 8 * 1024 * 1024
    response = wire.http.post("/cgi/department/list", content=b" " * (MAX_BODY_BYTES + 1))
    assert response.json()["errorCode"] == 32001


def test_the_rate_limit_counts_per_interface_and_corp(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(rate_limit=RateLimit(calls=3, window_s=60))
    wire = Wire(sandbox.url, sandbox.corp)
    answers = [wire.call("/cgi/department/list")["errorCode"] for _ in range(4)]
    assert answers == [0, 0, 0, 14001]
    throttled = wire.call("/cgi/department/list")
    assert (throttled["errorMessage"], throttled["errorDescription"]) == ("interface call limit exceeded",
                                                                          "接口调用超过限制")
    assert wire.call("/cgi/user/list")["errorCode"] == 0, "another interface has its own count"
    other = Wire(sandbox.url, sandbox.store.create_corp("别家"))
    assert other.call("/cgi/department/list")["errorCode"] == 0, "another corp has its own count"
    assert wire.post("/cgi/corpAccessToken/get/V2", {"appId": wire.corp.app_id, "appSecret": wire.corp.app_secret,
                                                     "permanentCode": wire.corp.permanent_code})["errorCode"] == 0
    wire.close()
    other.close()
