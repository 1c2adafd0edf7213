"""The tenant client's HTTP over plain ``http://`` (a served sandbox): keep-alive sockets, one write a request.

Every call of the client is the same exchange: a POST of JSON, an answer of JSON. Over a loopback port to a
served sandbox, httpx (with httpcore and h11) spent about half of an import's client time on it: a request
and a response model, an event-driven parser in Python and a pool lock every worker thread queues on.
:class:`PlainHttp` makes the exchange on a plain socket: the request line, headers and body leave in one
``send`` (``TCP_NODELAY``, so nothing waits for an ACK), and the answer is read with one ``recv`` when it
fits in one. Connections are kept alive in a pool without a lock (a ``deque``'s ``append`` and ``pop`` are
atomic): a worker takes an idle one, or opens one, and gives it back after the answer.

It offers the part of ``httpx.Client`` the tenant client uses - ``post(path, content=, headers=,
timeout=)``, ``timeout``, ``base_url``, ``close()`` - and fails the way httpx does, with httpx's exception
classes and messages, so retries, the deadline and their messages are those of any other transport:
``ConnectError``/``ConnectTimeout`` when no connection is made, ``WriteError``/``WriteTimeout`` while sending,
``ReadError``/``ReadTimeout`` while waiting, ``RemoteProtocolError`` when the tenant closes the connection
before a whole answer (``Server disconnected without sending a response.``) or answers what is not HTTP/1.1.
An idle connection is reused only while the tenant keeps it open (checked before each use) and for at most
``keepalive_s`` (5 s, httpx's default); a ``connection: close`` answer or one read to the end of the stream
is not reused. Answers are read by ``content-length`` or chunked (a gzip or deflate ``content-encoding`` is
decoded, although none is asked for); redirects are not followed, as with httpx's defaults.

HTTPS (a real tenant) stays on httpx (:mod:`mktctl.tenant.wire`): certificates and TLS are its business,
and at the platform's 100 calls per 20 s the client's time per call does not matter there.
"""

from __future__ import annotations

import select
import socket
import time
import zlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

NODELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
KEEPALIVE_S = 5.0
MAX_IDLE = 20  # idle connections kept (httpx's default max_keepalive_connections)
READ_SIZE = 65536
MAX_HEAD = 65536  # status line and headers of an answer
DISCONNECTED = "Server disconnected without sending a response."

__all__ = ["PlainAnswer", "PlainHttp"]


@dataclass(frozen=True)
class PlainAnswer:
    """An answer: its status, its headers (names in lower case) and its body."""

    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.content)


class _Connection:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.timeout: float | None = sock.gettimeout()
        self.idle_since = 0.0

    def set_timeout(self, seconds: float | None) -> None:
        if seconds != self.timeout:
            self.sock.settimeout(seconds)
            self.timeout = seconds

    def reusable(self, now: float) -> bool:
        """Still open on the tenant's side (nothing to read while idle), and not idle too long."""
        if now - self.idle_since > KEEPALIVE_S:
            return False
        try:
            if hasattr(select, "poll"):  # any descriptor number (select() stops at 1024)
                poller = select.poll()
                poller.register(self.sock, select.POLLIN)
                readable = bool(poller.poll(0))
            else:
                readable = bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return False
        return not readable  # readable while idle: closed by the tenant (or it sent what it should not)

    def close(self) -> None:
        self.sock.close()


class PlainHttp:
    """POSTs to a tenant at a plain ``http://`` URL over keep-alive connections. Thread-safe."""

    def __init__(self, base_url: str, *, timeout: float | httpx.Timeout | None = 30.0) -> None:
        self.base_url = httpx.URL(base_url)
        if self.base_url.scheme != "http":
            raise ValueError(f"PlainHttp speaks plain http:// only, not {self.base_url.scheme}://")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._address = (self.base_url.host, self.base_url.port or 80)
        self._prefix = self.base_url.raw_path.rstrip(b"/").split(b"?", 1)[0]
        self._host_header = b"host: " + self.base_url.netloc + b"\r\n"
        self._idle: deque[_Connection] = deque()
        self._closed = False

    # ---- the exchange --------------------------------------------------------------------------------

    def post(self, path: str, *, content: bytes, headers: Mapping[str, str] | None = None,
             timeout: httpx.Timeout | None = None) -> PlainAnswer:
        """POST ``content`` to ``path`` and return the answer (any status)."""
        limits = timeout or self.timeout
        request = self._request(path, content, headers)
        connection = self._take(limits)
        try:
            answer, keep = self._exchange(connection, request, limits)
        except BaseException:
            connection.close()
            raise
        if keep and not self._closed:
            self._give_back(connection)
        else:
            connection.close()
        return answer

    def _request(self, path: str, content: bytes, headers: Mapping[str, str] | None) -> bytes:
        # HTTP/1.1 keeps the connection alive unless told otherwise: no header says it
        lines = [b"POST ", self._prefix, path.encode("ascii"), b" HTTP/1.1\r\n", self._host_header,
                 b"content-length: ", str(len(content)).encode("ascii"), b"\r\n"]
        for name, value in (headers or {"content-type": "application/json"}).items():
            lines += [name.encode("ascii"), b": ", value.encode("latin-1"), b"\r\n"]
        lines += [b"\r\n", content]
        return b"".join(lines)

    def _exchange(self, connection: _Connection, request: bytes,
                  limits: httpx.Timeout) -> tuple[PlainAnswer, bool]:
        connection.set_timeout(limits.write)
        try:
            connection.sock.sendall(request)
        except TimeoutError as exc:
            raise httpx.WriteTimeout(str(exc) or "timed out") from exc
        except OSError as exc:
            raise httpx.WriteError(str(exc)) from exc
        connection.set_timeout(limits.read)
        reader = _Reader(connection.sock)
        status, headers = reader.head()
        while 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
            status, headers = reader.head()
        body, until_close = reader.body(status, headers)
        encoding = headers.get("content-encoding", "").strip().lower()
        if encoding in ("gzip", "deflate"):
            try:
                body = zlib.decompress(body, 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
            except zlib.error as exc:
                raise httpx.DecodingError(f"the answer's {encoding} body cannot be decoded: {exc}") from exc
        keep = not until_close and not reader.extra and "close" not in headers.get("connection", "").lower()
        return PlainAnswer(status, headers, body), keep

    # ---- the pool ------------------------------------------------------------------------------------

    def _take(self, limits: httpx.Timeout) -> _Connection:
        if self._closed:
            raise RuntimeError("the tenant's HTTP connections are closed")
        now = time.monotonic()
        while True:
            try:
                connection = self._idle.pop()  # the most recently used: the least likely to be closed
            except IndexError:
                return self._connect(limits)
            if connection.reusable(now):
                return connection
            connection.close()

    def _give_back(self, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        self._idle.append(connection)
        while len(self._idle) > MAX_IDLE:
            try:
                self._idle.popleft().close()
            except IndexError:
                break
        if self._closed:  # closed while this call was on the wire: no connection outlives close()
            self.close()

    def _connect(self, limits: httpx.Timeout) -> _Connection:
        try:
            sock = socket.create_connection(self._address, timeout=limits.connect)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "timed out") from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        try:
            sock.setsockopt(*NODELAY)
        except OSError:
            sock.close()
            raise
        return _Connection(sock)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.pop().close()
            except IndexError:
                return

    def __enter__(self) -> PlainHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Reader:
    """Reads one answer from a socket: the head, then the body by length, chunks or to the end."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.extra = False  # bytes after the answer: the connection is not in a known state
        self.received = False

    def _more(self) -> bytes:
        try:
            data = self.sock.recv(READ_SIZE)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out") from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc)) from exc
        if data:
            self.received = True
        return data

    def head(self) -> tuple[int, dict[str, str]]:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            if len(self.buffer) > MAX_HEAD:
                raise httpx.RemoteProtocolError("the answer's headers are too long")
            data = self._more()
            if not data:
                raise httpx.RemoteProtocolError(DISCONNECTED if not self.received else
                                                "peer closed connection without sending complete message body: "
                                                "incomplete response headers")
            self.buffer += data
        head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise httpx.RemoteProtocolError(f"not an HTTP/1.1 answer: {lines[0][:80]!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise httpx.RemoteProtocolError(f"a malformed header line in the answer: {line[:80]!r}")
            headers[name.strip().lower()] = value.strip()
        return int(parts[1]), headers

    def body(self, status: int, headers: dict[str, str]) -> tuple[bytes, bool]:
        """The body, and whether it was read to the end of the stream (the connection is then spent)."""
        if status in (204, 304):
            return b"", False
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._chunked(), False
        length_text = headers.get("content-length")
        if length_text is None:
            return self._to_the_end(), True
        if not length_text.isdigit():
            raise httpx.RemoteProtocolError(f"a malformed content-length in the answer: {length_text[:40]!r}")
        return self._exactly(int(length_text)), False

    def _exactly(self, length: int) -> bytes:
        while len(self.buffer) < length:
            data = self._more()
            if not data:
                raise httpx.RemoteProtocolError(
                    f"peer closed connection without sending complete message body: received "
                    f"{len(self.buffer)} bytes, expected {length}")
            self.buffer += data
        body, rest = self.buffer[:length], self.buffer[length:]
        self.buffer = b""
        self.extra = bool(rest)
        return body

    def _to_the_end(self) -> bytes:
        parts = [self.buffer]
        while data := self._more():
            parts.append(data)
        self.buffer = b""
        return b"".join(parts)

    def _line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            data = self._more()
            if not data:
                raise httpx.RemoteProtocolError("peer closed connection without sending complete message body: "
                                                "incomplete chunked read")
            self.buffer += data
        line, self.buffer = self.buffer[:end], self.buffer[end + 2:]
        return line

    def _chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size_text = self._line().split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise httpx.RemoteProtocolError(f"a malformed chunk size in the answer: {size_text[:20]!r}") from None
            if size == 0:
                while self._line():  # trailers, up to the empty line
                    pass
                self.extra = bool(self.buffer)
                return b"".join(parts)
            while len(self.buffer) < size + 2:
                data = self._more()
                if not data:
                    raise httpx.RemoteProtocolError("peer closed connection without sending complete message body: "
                                                    "incomplete chunked read")
                self.buffer += data
            parts.append(self.buffer[:size])
            self.buffer = self.buffer[size + 2:]
