"""The embedded sandbox: the sandbox app called in process through an httpx transport, with no port.

This is the default tenant. The tenant client cannot tell it from a served sandbox or a real tenant:
it gets an ``httpx.Client`` whose transport runs the ASGI app on a private event loop thread.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx

from mktctl.sandbox.app import create_app
from mktctl.sandbox.catalog import Catalog
from mktctl.sandbox.faults import DroppedConnection
from mktctl.sandbox.store import Corp, Store

BASE_URL = "http://sandbox.embedded"


class EmbeddedTransport(httpx.BaseTransport):
    """A synchronous httpx transport that hands each request to an ASGI app in this process."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        # a daemon thread: a caller who forgets close() must not keep the process alive
        self._thread = threading.Thread(target=self._loop.run_forever, name="mktctl-sandbox", daemon=True)
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()

        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=content)
            response = await self._inner.handle_async_request(inner)
            body = await response.aread()
            return response.status_code, list(response.headers.raw), body

        try:
            status, headers, body = asyncio.run_coroutine_threadsafe(call(), self._loop).result()
        except DroppedConnection:
            # what a served sandbox's dropped connection looks like to httpx
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body",
                                            request=request) from None
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()


class EmbeddedSandbox:
    """A sandbox tenant living in this process over a SQLite file; ``http`` talks to it."""

    def __init__(self, data: Path | str, *, api: str = "full", catalog: Catalog | None = None) -> None:
        self.store = Store(data)
        self.corp: Corp = self.store.default_corp()
        self.app = create_app(self.store, api=api, catalog=catalog)
        self.http = httpx.Client(transport=EmbeddedTransport(self.app), base_url=BASE_URL, timeout=30.0)

    def close(self) -> None:
        self.http.close()
        self.store.close()
