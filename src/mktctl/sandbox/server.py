"""The sandbox tenant served over HTTP with uvicorn: for other processes, other clients and CI.

``serve`` blocks until Ctrl-C (what ``mktctl sandbox serve`` runs); ``serve_in_thread`` starts the same
server in a background thread on a free loopback port and is a context manager, for tests and tools:

    with serve_in_thread(tmp_path / "sandbox.db", faults="drop-after-commit=0.1,seed=7") as sandbox:
        http = httpx.Client(base_url=sandbox.url)
        ...  # sandbox.corp holds the credentials, sandbox.store the data, sandbox.faults the counts

The server binds to loopback unless it is explicitly allowed to listen on another address: the
sandbox's credentials are test credentials, but its data may be a copy of a client's.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from mktctl.errors import SettingsError
from mktctl.sandbox.app import MAX_BODY_BYTES, FaultHook, RateLimit, create_app
from mktctl.sandbox.catalog import Catalog
from mktctl.sandbox.faults import DroppedConnection, FaultInjector
from mktctl.sandbox.served_record import remove_record, write_record
from mktctl.sandbox.store import Corp, Store

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
START_TIMEOUT_S = 10.0

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServedSandbox", "check_host", "parse_rate_limit", "serve",
           "serve_in_thread"]


def check_host(host: str, *, allow_remote: bool = False) -> str | None:
    """Refuse a host that is not a loopback address unless ``allow_remote``; return the warning to show
    when it is allowed (None for loopback)."""
    if _is_loopback(host):
        return None
    if not allow_remote:
        raise SettingsError(
            f"refusing to serve the sandbox on {host}: it is not a loopback address",
            hint="the sandbox is meant for this machine (--host 127.0.0.1); pass --allow-remote to let other "
                 "machines reach it",
        )
    return (f"serving on {host}: anyone who can reach this machine can call the sandbox with its test "
            "credentials and read its data")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_rate_limit(text: str) -> RateLimit:
    """``CALLS/SECONDS`` (``100/20``: the real platform's limit per interface) as a RateLimit."""
    from mktctl.base.numbers import setting_rate

    try:
        calls, seconds = setting_rate(text, name="--rate-limit")
    except SettingsError:  # not numbers, infinite, zero or negative
        raise SettingsError(f"rate limit {text!r}: expected CALLS/SECONDS, at least one call, e.g. 100/20") from None
    return RateLimit(calls=calls, window_s=seconds)


def _fault_hook(faults: FaultHook | str | None) -> FaultHook | None:
    if isinstance(faults, str):
        injector = FaultInjector(faults)
        return injector if injector.spec.active else None
    return faults


def _bind(host: str, port: int, *, listen: bool = True) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio only switches Nagle off (TCP_NODELAY) on such sockets, and with
    # Nagle on every answer waits ~40 ms for the client's delayed ACK between its headers and its body
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        if listen:
            sock.listen(128)
    except OSError as exc:
        sock.close()
        raise SettingsError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                            hint="pick another port with --port, or stop what is using this one") from None
    sock.setblocking(False)
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    return f"http://{shown}:{port}"


class _QuietDrops(logging.Filter):
    """Keeps uvicorn from logging a traceback for every connection the fault injector drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


_QUIET_DROPS = _QuietDrops()


def _uvicorn_server(app: FastAPI, *, log_level: str, access_log: bool,
                    log_config: dict[str, Any] | None) -> uvicorn.Server:
    import uvicorn

    from mktctl.sandbox.fast_http import protocol_for

    # log_config None leaves the process's logging as it is (tests, tools embedding the server); httptools
    # parses HTTP in C (with h11 the parsing took a third of the server's time per call), each answer
    # leaves in one write, and the platform's paths are answered before ASGI with group commits
    config = uvicorn.Config(app, log_level=log_level, access_log=access_log, log_config=log_config, ws="none",
                            lifespan="off", http=protocol_for(getattr(app, "door", None)),
                            timeout_graceful_shutdown=5, server_header=False)
    error_log = logging.getLogger("uvicorn.error")
    if _QUIET_DROPS not in error_log.filters:
        error_log.addFilter(_QUIET_DROPS)
    return uvicorn.Server(config)


class ServedSandbox:
    """A sandbox tenant served by uvicorn in a background thread. Use it as a context manager."""

    def __init__(
        self,
        data: Path | str,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        api: str = "full",
        faults: FaultHook | str | None = None,
        rate_limit: RateLimit | None = None,
        allow_remote: bool = False,
        clock: Callable[[], float] | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        catalog: Catalog | None = None,
    ) -> None:
        self.warning = check_host(host, allow_remote=allow_remote)
        self.host, self._port = host, port
        self.faults = _fault_hook(faults)
        self.store = Store(data, clock=clock) if clock is not None else Store(data)
        self.corp: Corp = self.store.default_corp()
        self.app = create_app(self.store, api=api, rate_limit=rate_limit, faults=self.faults,
                              max_body_bytes=max_body_bytes, catalog=catalog)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the sandbox is not started")
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return _url(self.host, self.port)

    def start(self) -> ServedSandbox:
        if self._thread is not None:
            return self
        self._socket = _bind(self.host, self._port)
        self._server = _uvicorn_server(self.app, log_level="warning", access_log=False, log_config=None)
        server = self._server
        self._thread = threading.Thread(target=server.run, kwargs={"sockets": [self._socket]},
                                        name=f"mktctl-sandbox-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SettingsError(f"the sandbox server on {self.host} did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=START_TIMEOUT_S)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = None
        self.store.close()

    def __enter__(self) -> ServedSandbox:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve_in_thread(data: Path | str, host: str = DEFAULT_HOST, port: int = 0, api: str = "full",
                    faults: FaultHook | str | None = None, rate_limit: RateLimit | None = None, *,
                    catalog: Catalog | None = None, **options: Any) -> ServedSandbox:
    """A served sandbox, started when the ``with`` block enters and stopped when it leaves. ``catalog``
    is what its extension API keeps (default: the catalog shipped with the sandbox)."""
    return ServedSandbox(data, host=host, port=port, api=api, faults=faults, rate_limit=rate_limit,
                         catalog=catalog, **options)


def serve(data: Path | str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, api: str = "full",
          faults: FaultHook | str | None = None, rate_limit: RateLimit | None = None, *,
          allow_remote: bool = False, on_ready: Callable[[str, Corp], None] | None = None,
          log_level: str = "warning", access_log: bool = False, catalog: Catalog | None = None) -> None:
    """Serve the sandbox until interrupted (Ctrl-C raises KeyboardInterrupt once uvicorn has shut down
    cleanly). ``on_ready(url, corp)`` runs once the port is listening; ``catalog`` is what the extension
    API keeps (default: the catalog shipped with the sandbox). While it serves, a record beside the data
    file says where (``mktctl.sandbox.served_record``); it is removed when the server stops."""
    import uvicorn.config

    check_host(host, allow_remote=allow_remote)
    hook = _fault_hook(faults)
    store = Store(data)
    try:
        corp = store.default_corp()
        app = create_app(store, api=api, rate_limit=rate_limit, faults=hook, catalog=catalog)
        sock = _bind(host, port, listen=False)
        try:
            server = _uvicorn_server(app, log_level=log_level, access_log=access_log,
                                     log_config=uvicorn.config.LOGGING_CONFIG)
            url = _url(host, int(sock.getsockname()[1]))
            if str(data) != ":memory:":
                write_record(data, url)  # before the port accepts calls: whoever reaches it finds the record
            sock.listen(128)
            if on_ready is not None:
                on_ready(url, corp)
            server.run(sockets=[sock])
        finally:
            sock.close()
            if str(data) != ":memory:":
                remove_record(data)
    finally:
        store.close()
