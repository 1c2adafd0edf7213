"""The HTTP transport of a tenant client: each request leaves in one write.

httpx (httpcore) writes a request's headers and its body separately. With Nagle's algorithm on, the
body then waits for the tenant's delayed ACK of the headers (about 40 ms a call); with it off
(``TCP_NODELAY``), each request costs two segments, and on a busy loopback the second ``send`` is as
dear as the first. :func:`tenant_transport` holds what is written until the connection reads, so the
headers and the body go out together in one ``send`` (one TLS record over HTTPS), with ``TCP_NODELAY``
so that nothing waits. Errors are those of the write: a failed send shows as the same ``WriteError``.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpcore
import httpx

NODELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _OneWriteStream(httpcore.NetworkStream):
    """A network stream whose writes wait for the next read (or TLS handshake), then go out as one."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        self._pending: list[bytes] = []

    def _flush(self, timeout: float | None) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            self._inner.write(data, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._pending.append(buffer)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._flush(timeout)
        return self._inner.read(max_bytes, timeout)

    def close(self) -> None:
        self._pending.clear()
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        self._flush(timeout)
        return _OneWriteStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _OneWriteBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _OneWriteStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _OneWriteStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _OneWriteTransport(httpx.HTTPTransport):
    """httpx's own transport (its request mapping, its exception mapping), over the one-write backend."""

    def __init__(self, limits: httpx.Limits) -> None:
        # not super().__init__(): its only state is the pool, made here with the backend it cannot be given
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            socket_options=[NODELAY], network_backend=_OneWriteBackend())


def tenant_transport(limits: httpx.Limits | None = None) -> httpx.HTTPTransport:
    """The transport for a tenant's ``httpx.Client``: httpx's, each request sent in one write, no Nagle delay."""
    return _OneWriteTransport(limits or httpx.Limits(max_connections=100, max_keepalive_connections=20,
                                                      keepalive_expiry=5.0))
