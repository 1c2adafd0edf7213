"""The served sandbox's HTTP protocol: uvicorn's httptools protocol, each answer sent in one write.

An ASGI answer comes in two messages, its status line and headers, then its body, and uvicorn writes each
to the socket as it comes: two segments per answer, two wake-ups of the client reading it. Here what the
connection is given to write within one turn of the event loop goes out together at the end of the turn
(the two messages of an answer are sent in the same turn), and at once when the connection closes.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class OneWriteTransport:
    """A connection's transport whose writes of one event-loop turn leave as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def write_now(self, data: bytes) -> None:
        """Write ``data`` at once (after what is pending): a whole answer needs no wait for the turn's end."""
        self._flush()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol over :class:`OneWriteTransport`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, OneWriteTransport(transport, self.loop)))
