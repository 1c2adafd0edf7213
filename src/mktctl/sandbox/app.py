"""The sandbox tenant as an ASGI application (FastAPI).

One dispatcher serves every path: it reads the JSON body (bounded in size), authenticates the caller
(except on the token endpoints), applies the optional rate limit and fault injection, runs the handler
and wraps its answer in the platform's envelope. Errors are HTTP 200 with a non-zero ``errorCode``, as on
the real platform. The platform's own paths are answered before FastAPI's routing (the front door), and
a served sandbox without faults answers them before ASGI (:class:`FrontDoor`, :mod:`mktctl.sandbox.fast_http`).
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from mktctl.sandbox import addressbook, crm, messages, pools
from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext, authenticate, issue_token
from mktctl.sandbox.catalog import Catalog, default_catalog
from mktctl.sandbox.extension import PREFIX, Extension
from mktctl.sandbox.extension_routes import extension_app
from mktctl.sandbox.store import Store

MAX_BODY_BYTES = 8 * 1024 * 1024
FAULTS_PATH = "/mktctl/faults"  # GET: what the fault hook injected so far (only when faults are on)


@dataclass(frozen=True)
class RateLimit:
    """At most ``calls`` calls per ``window_s`` seconds per interface and corp (the platform: 100 / 20 s)."""

    calls: int = 100
    window_s: float = 20.0


class _Limiter:
    """The platform's rule (reference §3): each interface (path) counts apart, for each corp; a call counts
    when it is received, and one over the limit is refused without counting. ``refused`` says how many were."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        self.limit, self.clock = limit, clock
        self._calls: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.refused = 0

    def allow(self, corp_id: str, path: str) -> bool:
        now = self.clock()
        with self._lock:
            calls = self._calls[(corp_id, path)]
            while calls and calls[0] <= now - self.limit.window_s:
                calls.popleft()
            if len(calls) >= self.limit.calls:
                self.refused += 1
                return False
            calls.append(now)
            return True


TOKEN_PATHS = ("/cgi/corpAccessToken/get/V2", "/oauth2.0/token")
# the calls on object data and descriptions: they change records only, never a token, an employee, a
# department or a definition
CRM_DATA = ("/cgi/crm/v2/data/", "/cgi/crm/custom/", "/cgi/crm/v2/object/")


class _SandboxApp(FastAPI):
    """FastAPI with a front door: the platform's own paths are answered before FastAPI's routing."""

    front_door: Callable[[Scope, Receive, Send], Awaitable[bool]] | None = None
    door: FrontDoor | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front_door is not None and await self.front_door(scope, receive, send):
            return
        await super().__call__(scope, receive, send)


class FaultHook:
    """The seam for fault injection (see mktctl.sandbox.faults). ``before`` may raise a SandboxError or
    return an HTTP response to send instead; it runs in a worker thread, so it may sleep. ``after`` runs
    on the event loop once the handler's work is committed. ``report`` is served at GET /mktctl/faults."""

    def before(self, path: str) -> Response | None:  # pragma: no cover - interface
        return None

    def after(self, path: str, answer: dict[str, Any]) -> Response | None:  # pragma: no cover - interface
        return None

    def report(self) -> dict[str, Any]:  # pragma: no cover - interface
        return {}


def parse_body(raw: bytes) -> dict[str, Any]:
    """A request's body as the platform reads it: a JSON object in UTF-8; else the platform's error."""
    if not raw.strip():
        raise p.SandboxError(p.EMPTY_BODY, "the POST body is empty")
    try:
        body = _DECODER.decode(raw.decode("utf-8"))
        if b"\\u" in raw:  # a lone surrogate (\udcff) parses but cannot be stored; only an escape makes one
            json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeError are ValueErrors
        raise p.SandboxError(p.PARAMETER_ERROR, "the body is not valid JSON in UTF-8") from None
    if not isinstance(body, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "the body must be a JSON object")
    return body


class FrontDoor:
    """The platform's own paths (tokens, CRM, address book, messages): a call's body in, its envelope out.

    The one dispatcher's work after the body is read - the token check, the rate limit, the handler and the
    envelope - shared by the ASGI route (``dispatch`` in :func:`create_app`) and by a server that answers
    these paths before ASGI (:meth:`answer`). The store serialises every call under one lock and a
    handler's SQL takes well under a millisecond: handlers run on the caller's thread (the event loop), as
    a worker thread per call would cost more than the call itself.
    """

    def __init__(self, store: Store, handlers: dict[str, crm.Handler], limiter: _Limiter | None,
                 max_body_bytes: int) -> None:
        self.store = store
        self.handlers = handlers
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.paths = frozenset(handlers) | frozenset(TOKEN_PATHS)

    def envelope(self, path: str, body: dict[str, Any], headers: Mapping[str, str],
                 handler: Callable[[CallContext], dict[str, Any]] | None, *, token_call: bool,
                 trace: str | None = None) -> dict[str, Any]:
        """The answer's envelope: success with the handler's payload, or the platform's error. ``trace``: the
        trace id of an answer given before the caller is known (made when needed, when not given)."""
        try:
            if handler is None and not token_call:
                # the gateway refuses an unknown path before it looks at credentials (observed: 10006)
                raise p.SandboxError(p.PARAM_MISSING_APP_SECRET,
                                     f"the request uri=[{path}], apiName=[null] is not exists")
            if token_call:
                answer = issue_token(self.store, body)
                if path.startswith("/oauth2.0/"):
                    answer = _current_style_token(self.store, answer)
                trace = trace or p.new_trace_id()
            else:
                ctx = authenticate(self.store, body, headers, trace or "", require_user=_acts_as_employee(path))
                trace = p.new_trace_id(ctx.corp.ea, ctx.open_user_id)
                ctx.trace_id = trace
                if self.limiter is not None and not self.limiter.allow(ctx.corp_id, path):
                    raise p.SandboxError(p.CALL_LIMIT, "interface call limit exceeded")
                assert handler is not None
                answer = _guarded(handler, ctx)
            return p.success(answer, trace, message="OK" if "/crm/" in path else "success")
        except p.SandboxError as error:
            return p.failure(error, trace or p.new_trace_id())

    def answer(self, path: str, raw: bytes | None, headers: Mapping[str, str]) -> bytes:
        """The JSON answer to a POST of ``raw`` to one of :attr:`paths` (``None``: a body over the limit),
        encoded as the ASGI route's ``JSONResponse`` encodes it."""
        if not path.startswith(CRM_DATA):
            self.store.forget()  # it may change what the group's calls keep (Store.remembered)
        try:
            if raw is None:
                raise p.SandboxError(p.BODY_TOO_LARGE, f"request body over {self.max_body_bytes} bytes")
            body = parse_body(raw)
        except p.SandboxError as error:
            envelope = p.failure(error, p.new_trace_id())
        else:
            token_call = path in TOKEN_PATHS
            envelope = self.envelope(path, body, headers, None if token_call else self.handlers[path],
                                     token_call=token_call)
        return json.dumps(envelope, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def create_app(
    store: Store,
    *,
    api: str = "full",
    rate_limit: RateLimit | None = None,
    faults: FaultHook | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    catalog: Catalog | None = None,
) -> FastAPI:
    """Build the sandbox app over ``store``.

    ``api="public"`` serves only what the public FxiaoKe open API has (no extension prefix), so that
    every extension kind becomes a manual step, as against a real tenant. ``catalog`` is what the
    extension API keeps (default: the catalog shipped with the sandbox, every setting kind of mktctl).
    """
    if api not in ("full", "public"):
        raise ValueError("api must be 'full' or 'public'")
    app = _SandboxApp(title="mktctl sandbox tenant", docs_url=None, redoc_url=None, openapi_url=None)
    limiter = _Limiter(rate_limit, time.monotonic) if rate_limit else None
    handlers: dict[str, crm.Handler] = {**crm.HANDLERS, **pools.HANDLERS, **addressbook.HANDLERS,
                                        **messages.HANDLERS}

    door = FrontDoor(store, handlers, limiter, max_body_bytes)

    async def read_body(request: Request) -> dict[str, Any]:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body_bytes:
            raise p.SandboxError(p.BODY_TOO_LARGE, f"request body over {max_body_bytes} bytes")
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > max_body_bytes:
                raise p.SandboxError(p.BODY_TOO_LARGE, f"request body over {max_body_bytes} bytes")
        return parse_body(raw)

    async def dispatch(request: Request, path: str, handler: Callable[[CallContext], dict[str, Any]] | None,
                       *, token_call: bool = False) -> Response:
        trace = p.new_trace_id()
        try:
            if faults is not None and (early := await run_in_threadpool(faults.before, path)) is not None:
                return early
            body = await read_body(request)
        except p.SandboxError as error:
            return JSONResponse(p.failure(error, trace))
        envelope = door.envelope(path, body, request.headers, handler, token_call=token_call, trace=trace)
        if faults is not None and envelope["errorCode"] == p.SUCCESS \
                and (late := faults.after(path, envelope)) is not None:
            return late
        return JSONResponse(envelope)

    def route(path: str, handler: crm.Handler) -> None:
        async def endpoint(request: Request) -> Response:
            return await dispatch(request, path, handler)

        app.add_api_route(path, endpoint, methods=["POST"], include_in_schema=False)

    for token_path in TOKEN_PATHS:
        async def token_endpoint(request: Request, _path: str = token_path) -> Response:
            return await dispatch(request, _path, None, token_call=True)

        app.add_api_route(token_path, token_endpoint, methods=["POST"], include_in_schema=False)
    for path, handler in handlers.items():
        route(path, handler)

    async def front_door(scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer a POST to one of the platform's paths straight away (the same dispatcher as its route
        above) without FastAPI's routing and middleware, which cost more than the call's own work; False
        for anything else."""
        if scope["type"] != "http" or scope["method"] != "POST":
            return False
        path = scope["path"]
        if path in handlers:
            response = await dispatch(Request(scope, receive), path, handlers[path])
        elif path in TOKEN_PATHS:
            response = await dispatch(Request(scope, receive), path, None, token_call=True)
        else:
            return False
        await response(scope, receive, send)
        return True

    app.front_door = front_door
    # without fault injection, a server may answer the platform's paths itself, before ASGI (see
    # mktctl.sandbox.fast_door): faults need the ASGI path (their hooks answer with responses of their own)
    app.door = door if faults is None else None

    if api == "full":
        extension = Extension(catalog if catalog is not None else default_catalog())
        app.mount(PREFIX, extension_app(extension, dispatch))

    if faults is not None:
        async def fault_report() -> Response:
            return JSONResponse(faults.report())

        app.add_api_route(FAULTS_PATH, fault_report, methods=["GET"], include_in_schema=False)

    async def unknown(request: Request, rest: str) -> Response:
        path = "/" + rest
        if not path.startswith(("/cgi/", "/oauth2.0/")):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        return await dispatch(request, path, None)

    app.add_api_route("/{rest:path}", unknown, methods=["POST", "GET"], include_in_schema=False)
    app.state.store = store
    app.state.rate_limiter = limiter
    return app


def _acts_as_employee(path: str) -> bool:
    """CRM data and the extension API act as an employee (``currentOpenUserId``, or ``x-fs-userid``): the
    platform's CRM calls require one, the address book and messages do not (shared/reference §1.1)."""
    return path.startswith(("/cgi/crm/", PREFIX))


def _finite(text: str) -> float:
    """JSON numbers only: 1e400 would become infinity, which no JSON column can hold."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number out of range: {text}")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_no_constant)  # made once: it is not cheap


def _guarded(handler: Callable[[CallContext], dict[str, Any]], ctx: CallContext) -> dict[str, Any]:
    """Run a handler; a request value that SQLite cannot bind (a list or an object where an id belongs, an
    integer over 64 bits) is the caller's mistake, answered as one, never as an HTTP 500."""
    try:
        return handler(ctx)
    except OverflowError:
        raise p.SandboxError(p.PARAMETER_ERROR, "a number in the request is too large") from None
    except sqlite3.ProgrammingError as exc:
        if not str(exc).startswith("Error binding parameter"):
            raise
        raise p.SandboxError(p.PARAMETER_ERROR, "a parameter has a value of the wrong type (a list or an "
                                                "object where a single value belongs)") from None
    except sqlite3.OperationalError as exc:
        # the bounds of mktctl.sandbox.limits keep queries under SQLite's own limits; should one still be
        # reached, it is the request's size, answered as such
        if not str(exc).startswith(("too many", "Expression tree is too large", "parser stack overflow")):
            raise
        raise p.SandboxError(p.PARAMETER_ERROR, f"the request is too large: {exc}", "请求过大") from None


def _current_style_token(store: Store, answer: dict[str, Any]) -> dict[str, Any]:
    corp = store.corp_by_id(answer["corpId"])
    assert corp is not None
    return {"accessToken": answer["corpAccessToken"], "expiresIn": answer["expiresIn"],
            "openUserId": corp.corp_id, "appId": corp.app_id, "ea": corp.ea}
