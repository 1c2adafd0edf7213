"""The client's plain-HTTP connections to a served sandbox: each request in one write, connections kept
alive and reused only while the tenant keeps them open, answers read by length or by chunks, and every
failure raised as the httpx error the tenant client maps."""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from mktctl.tenant.plain_http import PlainHttp

Handler = Callable[[socket.socket, int], None]
OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


@contextmanager
def tenant(handle: Handler, connections: int = 1) -> Iterator[str]:
    """A listener on a loopback port whose accepted connections (numbered from 0) are given to ``handle``;
    yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        for number in range(connections):
            connection, _ = listener.accept()
            with connection:
                handle(connection, number)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        listener.close()
        thread.join(5)


def answer_each(reads: list[bytes], answers: list[bytes]) -> Handler:
    """Answer each request of a connection with the next answer (recording what was read), then close it."""
    def handle(connection: socket.socket, number: int) -> None:
        for answer in answers:
            received = connection.recv(65536)
            if not received:
                return
            reads.append(received)
            connection.sendall(answer)

    return handle


def test_each_request_leaves_in_one_write_and_the_connection_is_kept_for_the_next() -> None:
    reads: list[bytes] = []
    with tenant(answer_each(reads, [OK, OK, OK])) as url, PlainHttp(url, timeout=5) as http:
        answers = [http.post("/cgi/crm/v2/data/create", content=b'{"n":%d}' % n) for n in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200] and answers[0].json() == {}
    assert len(reads) == 3, "three requests over the one connection the listener accepted"
    for n, received in enumerate(reads):
        head, _, body = received.partition(b"\r\n\r\n")
        assert head.startswith(b"POST /cgi/crm/v2/data/create HTTP/1.1\r\n")
        assert b"\r\ncontent-type: application/json" in head and b"\r\ncontent-length: 7" in head
        assert body == b'{"n":%d}' % n, "the whole request is in the listener's first read"


def test_chunked_and_gzipped_answers_are_read_whole() -> None:
    body = gzip.compress(b'{"errorCode":0,"data":"' + b"x" * 5000 + b'"}')
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 1000]), body[i:i + 1000]) for i in range(0, len(body), 1000))
    chunked = (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-encoding: gzip\r\n\r\n" + chunks
               + b"0\r\n\r\n")
    reads: list[bytes] = []
    with tenant(answer_each(reads, [chunked, OK])) as url, PlainHttp(url, timeout=5) as http:
        first = http.post("/cgi/crm/v2/data/query", content=b"{}")
        second = http.post("/cgi/crm/v2/data/query", content=b"{}")

    assert first.json() == {"errorCode": 0, "data": "x" * 5000}
    assert second.json() == {} and len(reads) == 2, "the chunked answer ended where it said: the connection goes on"


def test_a_connection_the_tenant_closed_while_idle_is_not_reused() -> None:
    reads: list[bytes] = []
    with tenant(answer_each(reads, [OK]), connections=2) as url, PlainHttp(url, timeout=5) as http:
        http.post("/a", content=b"{}")
        threading.Event().wait(0.05)  # meanwhile the listener closes the connection after its one answer
        second = http.post("/b", content=b"{}")

    assert second.status_code == 200 and len(reads) == 2


def test_an_answer_that_says_close_ends_its_connection() -> None:
    closing = OK.replace(b"content-length: 2", b"connection: close\r\ncontent-length: 2")
    reads: list[bytes] = []
    with tenant(answer_each(reads, [closing, OK]), connections=2) as url, PlainHttp(url, timeout=5) as http:
        http.post("/a", content=b"{}")
        assert not http._idle
        assert http.post("/b", content=b"{}").status_code == 200


def test_a_tenant_that_closes_without_answering_is_a_remote_protocol_error() -> None:
    def hang_up(connection: socket.socket, number: int) -> None:
        connection.recv(65536)

    with tenant(hang_up) as url, PlainHttp(url, timeout=5) as http, \
            pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        http.post("/cgi/crm/v2/data/create", content=b"{}")


def test_an_answer_cut_short_is_a_remote_protocol_error() -> None:
    def cut(connection: socket.socket, number: int) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"errorCode\"")

    with tenant(cut) as url, PlainHttp(url, timeout=5) as http, \
            pytest.raises(httpx.RemoteProtocolError, match="received 12 bytes, expected 100"):
        http.post("/cgi/crm/v2/data/create", content=b"{}")


def test_a_tenant_that_does_not_answer_in_time_is_a_read_timeout() -> None:
    release = threading.Event()

    def silent(connection: socket.socket, number: int) -> None:
        connection.recv(65536)
        release.wait(5)

    with tenant(silent) as url, PlainHttp(url, timeout=5) as http, pytest.raises(httpx.ReadTimeout):
        try:
            http.post("/cgi/crm/v2/data/create", content=b"{}", timeout=httpx.Timeout(0.2))
        finally:
            release.set()


def test_no_listener_is_a_connect_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with PlainHttp(f"http://127.0.0.1:{port}", timeout=5) as http, pytest.raises(httpx.ConnectError):
        http.post("/cgi/corpAccessToken/get/V2", content=b"{}")


def test_a_base_url_with_a_path_prefixes_every_request_and_https_is_refused() -> None:
    reads: list[bytes] = []
    with tenant(answer_each(reads, [OK])) as url, PlainHttp(url + "/gateway/", timeout=5) as http:
        http.post("/cgi/crm/v2/data/get", content=b"{}")
    assert reads[0].startswith(b"POST /gateway/cgi/crm/v2/data/get HTTP/1.1\r\n")
    with pytest.raises(ValueError, match="plain http:// only"):
        PlainHttp("https://open.fxiaoke.com")
