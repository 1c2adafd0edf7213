"""The served sandbox answers the platform's own paths in its HTTP protocol, before ASGI, with group commits.

Over ASGI a call costs a request-response cycle, a task, an event, a ``Request`` and a ``JSONResponse``:
more than the call's own work. A POST to one of the platform's paths (tokens, CRM, address book, messages:
:attr:`mktctl.sandbox.app.FrontDoor.paths`) is therefore answered by the connection's protocol itself, as
soon as its body is in: the same dispatcher's work (:meth:`~mktctl.sandbox.app.FrontDoor.answer`), the same
answer bytes and headers as the ASGI route's ``JSONResponse`` (``date``, ``content-length``,
``content-type``), the same keep-alive rules. Everything else - the extension API, other methods, a
request with ``expect: 100-continue``, a query string or an escaped path, a server with fault injection
or an access log - goes through ASGI as before.

The calls that arrive together (whose bodies are complete within one turn of the event loop: the workers
of an import send side by side) are answered together at the end of the turn, their changes committed
as one transaction (:meth:`mktctl.sandbox.store.Store.grouped`): each call is still all or nothing (a
savepoint), and no call is answered before its change is committed. A commit that fails answers every
call of its group with HTTP 500, as an exception does for one call, and no change of the group is kept.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.sandbox.one_write import OneWriteHttpTools, OneWriteTransport

if TYPE_CHECKING:
    from mktctl.sandbox.app import FrontDoor

_LOG = logging.getLogger("uvicorn.error")
_ERROR_500 = (b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\n"
              b"content-length: 21\r\nconnection: close\r\n\r\nInternal Server Error")


@dataclass
class _Call:
    protocol: FastHttpTools
    path: str
    headers: dict[str, str]
    keep_alive: bool
    body: bytearray
    too_large: bool = False


class _Group:
    """The calls whose bodies came in during one turn of the event loop, answered at its end."""

    def __init__(self, door: FrontDoor, loop: asyncio.AbstractEventLoop) -> None:
        self.door = door
        self.loop = loop
        self.calls: list[_Call] = []

    def add(self, call: _Call) -> None:
        if not self.calls:
            self.loop.call_soon(self.answer)
        self.calls.append(call)

    def answer(self) -> None:
        calls, self.calls = self.calls, []
        answers: list[bytes | None]
        try:
            if len(calls) == 1:
                answers = [self._one(calls[0])]
            else:
                with self.door.store.grouped():
                    answers = [self._one(call) for call in calls]
        except Exception:  # noqa: BLE001 - the group's commit failed: nothing of it is kept, nothing answered OK
            _LOG.exception("Exception in the sandbox's group commit")
            answers = [None] * len(calls)
        for call, answer in zip(calls, answers, strict=True):
            call.protocol.answer_call(call, answer)

    def _one(self, call: _Call) -> bytes | None:
        try:
            return self.door.answer(call.path, None if call.too_large else bytes(call.body), call.headers)
        except Exception:  # noqa: BLE001 - answered 500 and logged, as uvicorn does for an ASGI app's exception
            _LOG.exception("Exception in the sandbox answering %s", call.path)
            return None


class FastHttpTools(OneWriteHttpTools):
    """uvicorn's httptools protocol (each answer in one write) that answers :attr:`door`'s paths itself."""

    door: FrontDoor | None = None
    group: _Group | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._call: _Call | None = None  # the request being read, when this protocol answers it
        self._waiting = 0  # calls read and not yet answered
        self._closing = False  # the server is shutting down: close once they are answered

    def _own(self) -> _Call | None:
        """The request whose headers were just read, when this protocol answers it; None to leave it to ASGI."""
        door = self.door
        if door is None or self.access_log or self.expect_100_continue or self.parser.get_method() != b"POST":
            return None
        if self.pipeline or (self.cycle is not None and not self.cycle.response_complete):
            return None  # a request before it is still answered over ASGI: answers keep their order
        path = self.url.decode("latin-1")
        if path not in door.paths:
            return None
        headers: dict[str, str] = {}
        for name, value in self.headers:
            headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
        keep_alive = self.parser.get_http_version() != "1.0" and self.parser.should_keep_alive()
        return _Call(self, path, headers, keep_alive, bytearray())

    def on_headers_complete(self) -> None:
        self._call = self._own()
        if self._call is None:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        call = self._call
        if call is None:
            super().on_body(body)
            return
        assert self.door is not None
        if not call.too_large:
            call.body += body
            if len(call.body) > self.door.max_body_bytes:
                call.too_large, call.body = True, bytearray()

    def on_message_complete(self) -> None:
        call = self._call
        if call is None:
            super().on_message_complete()
            return
        self._call = None
        self._waiting += 1
        self._unset_keepalive_if_required()
        if self.group is None:
            assert self.door is not None
            type(self).group = _Group(self.door, self.loop)
        assert self.group is not None
        self.group.add(call)

    def answer_call(self, call: _Call, answer: bytes | None) -> None:
        """Send the answer to a call (None: HTTP 500), then keep the connection alive or close it."""
        self._waiting -= 1
        if self.transport.is_closing():
            return
        self.server_state.total_requests += 1
        keep_alive = call.keep_alive and not self._closing and answer is not None
        if answer is None:
            self._write(_ERROR_500)
        else:
            head = [b"HTTP/1.1 200 OK\r\n"]
            for name, value in self.server_state.default_headers:
                head += [name, b": ", value, b"\r\n"]
            head += [b"content-length: ", str(len(answer)).encode("ascii"), b"\r\ncontent-type: application/json\r\n"]
            if not keep_alive:
                head.append(b"connection: close\r\n")
            head += [b"\r\n", answer]
            self._write(b"".join(head))
        if not keep_alive:
            self.transport.close()
        elif not self._waiting and not self.pipeline and (self.cycle is None or self.cycle.response_complete):
            self._unset_keepalive_if_required()
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive,
                                                                self.timeout_keep_alive_handler)

    def _write(self, answer: bytes) -> None:
        transport = self.transport
        if isinstance(transport, OneWriteTransport):  # a whole answer: no need to wait for the turn's end
            transport.write_now(answer)
        else:
            transport.write(answer)

    def shutdown(self) -> None:
        if self._waiting or self._call is not None:
            self._closing = True  # answer what was read, then close
            return
        super().shutdown()


def protocol_for(door: FrontDoor | None) -> type[FastHttpTools]:
    """The protocol class of one server: its connections answer ``door``'s paths (None: none, all over ASGI)
    and share one group per event loop."""
    return type("SandboxHttpTools", (FastHttpTools,), {"door": door, "group": None})
