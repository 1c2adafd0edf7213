"""Serving the sandbox: ``serve_in_thread`` for tests and tools, loopback only unless allowed, and the
``--rate-limit`` setting."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mktctl.errors import SettingsError
from mktctl.sandbox.app import RateLimit
from mktctl.sandbox.server import check_host, parse_rate_limit, serve_in_thread
from mktctl.sandbox.store import Store
from tests.helpers.served import TOKEN_PATH


def test_serve_in_thread_serves_on_a_free_loopback_port_until_the_block_ends(tmp_path: Path) -> None:
    with serve_in_thread(tmp_path / "sandbox.db") as sandbox:
        assert sandbox.url.startswith("http://127.0.0.1:") and sandbox.port > 0
        corp = sandbox.corp
        answer = httpx.post(sandbox.url + TOKEN_PATH, json={"appId": corp.app_id, "appSecret": corp.app_secret,
                                                            "permanentCode": corp.permanent_code}).json()
        assert answer["corpId"] == corp.corp_id
        url = sandbox.url
    with pytest.raises(httpx.ConnectError):
        httpx.post(url + TOKEN_PATH, json={})


def test_the_data_outlives_the_server(tmp_path: Path) -> None:
    data = tmp_path / "sandbox.db"
    with serve_in_thread(data) as first:
        corp = first.corp
        first.store.create_corp("第二家")
    with serve_in_thread(data) as second:
        assert second.corp == corp, "the same credentials on the same data file"
        assert [c.name for c in second.store.corps()] == ["示例科技有限公司", "第二家"]
    store = Store(data)
    assert store.default_corp() == corp
    store.close()


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with serve_in_thread(tmp_path / "a.db") as sandbox:
        with pytest.raises(SettingsError) as caught:
            serve_in_thread(tmp_path / "b.db", port=sandbox.port).start()
        assert caught.value.message.startswith(f"cannot listen on 127.0.0.1:{sandbox.port}: ")
        assert caught.value.hint == "pick another port with --port, or stop what is using this one"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_fine(host: str) -> None:
    assert check_host(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])
def test_other_hosts_are_refused_unless_allowed(host: str) -> None:
    with pytest.raises(SettingsError) as caught:
        check_host(host)
    assert caught.value.message == f"refusing to serve the sandbox on {host}: it is not a loopback address"
    assert "pass --allow-remote" in (caught.value.hint or "")
    warning = check_host(host, allow_remote=True)
    assert warning == (f"serving on {host}: anyone who can reach this machine can call the sandbox with its "
                       "test credentials and read its data")


def test_serve_in_thread_refuses_a_remote_host_before_binding(tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        serve_in_thread(tmp_path / "sandbox.db", host="0.0.0.0")
    assert not (tmp_path / "sandbox.db").exists()


def test_ipv6_loopback(tmp_path: Path) -> None:
    try:
        sandbox = serve_in_thread(tmp_path / "sandbox.db", host="::1").start()
    except SettingsError:
        pytest.skip("no IPv6 loopback here")
    with sandbox:
        assert sandbox.url == f"http://[::1]:{sandbox.port}"
        assert httpx.post(sandbox.url + "/cgi/department/list", json={}).json()["errorCode"] == 20017


@pytest.mark.parametrize(("text", "expected"), [("100/20", RateLimit(100, 20.0)), ("5/0.5", RateLimit(5, 0.5))])
def test_rate_limit_setting(text: str, expected: RateLimit) -> None:
    assert parse_rate_limit(text) == expected


@pytest.mark.parametrize("text", ["100", "100/", "/20", "0/20", "10/0", "ten/20", "10/-1"])
def test_a_wrong_rate_limit_setting(text: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_rate_limit(text)
    assert caught.value.message == f"rate limit {text!r}: expected CALLS/SECONDS, at least one call, e.g. 100/20"


def test_an_answer_leaves_in_one_write(tmp_path: Path) -> None:
    """Its status line, headers and body arrive together: a client reading as soon as anything arrives gets the
    whole answer in one read (uvicorn alone writes the headers and the body apart)."""
    import json
    import socket

    with serve_in_thread(tmp_path / "sandbox.db") as sandbox:
        corp = sandbox.corp
        body = json.dumps({"appId": corp.app_id, "appSecret": corp.app_secret,
                           "permanentCode": corp.permanent_code}).encode()
        with socket.create_connection(("127.0.0.1", sandbox.port)) as connection:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for _ in range(3):
                connection.sendall(b"POST " + TOKEN_PATH.encode() + b" HTTP/1.1\r\nHost: sandbox\r\n"
                                   b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                                   % (len(body), body))
                head, _, answer = connection.recv(65536).partition(b"\r\n\r\n")
                length = int(dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])[b"content-length"])
                assert head.startswith(b"HTTP/1.1 200") and len(answer) == length
                assert json.loads(answer)["corpId"] == corp.corp_id
