"""The tenant transport sends each request in one write: headers and body leave together, when the
connection starts reading the answer."""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpcore
import httpx

from mktctl.tenant.wire import _OneWriteStream, tenant_transport


class _Recording(httpcore.NetworkStream):
    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.writes.append(buffer)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return b"HTTP/1.1 200 OK\r\n"

    def close(self) -> None:
        pass

    def get_extra_info(self, info: str) -> Any:
        return None


def test_writes_wait_for_the_read_and_leave_as_one() -> None:
    inner = _Recording()
    stream = _OneWriteStream(inner)
    stream.write(b"POST /cgi/crm/v2/data/create HTTP/1.1\r\nContent-Length: 2\r\n\r\n")
    stream.write(b"")
    stream.write(b"{}")
    assert inner.writes == [], "nothing is sent before the answer is read"
    stream.read(65536)
    assert inner.writes == [b"POST /cgi/crm/v2/data/create HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"]
    stream.read(65536)
    assert len(inner.writes) == 1, "a read with nothing pending sends nothing"


def test_a_request_reaches_the_tenant_in_one_segment() -> None:
    """A listener that reads as soon as anything arrives sees the whole request in its first read."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    first_reads: list[bytes] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            for _ in range(2):
                first_reads.append(connection.recv(65536))
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", transport=tenant_transport(), trust_env=False) as http:
        for n in range(2):
            assert http.post("/cgi/crm/v2/data/create", json={"data": {"n": n}}).json() == {}
    thread.join(5)
    listener.close()
    assert len(first_reads) == 2
    for n, received in enumerate(first_reads):
        head, _, body = received.partition(b"\r\n\r\n")
        assert head.startswith(b"POST /cgi/crm/v2/data/create HTTP/1.1") and body == b'{"data":{"n":%d}}' % n
