"""One HTTP client for every tenant: the embedded sandbox, a served sandbox and a real FxiaoKe tenant.

It takes an ``httpx.Client`` (the seam: an in-process transport to the sandbox app, or a real
connection), gets and caches the corp access token, puts the caller's identity into every body, turns
the platform's envelope into typed errors, retries what is safe to retry, and paginates queries within
the platform's limits. It never puts a credential into an error message.

A tenant that stops answering is given up on after the command's deadline, counted across all calls
(:mod:`mktctl.tenant.deadline`); :meth:`FxiaokeClient.interrupt` (Ctrl-C) ends every wait between retries
at once.

Object data goes where the platform serves it, as published clients route it: a preset object (an api
name ending in ``Obj``, e.g. ``LeadsObj``) under ``/cgi/crm/v2/data/*``, any other (a tenant's own object,
``…__c``) under ``/cgi/crm/custom/v2/data/*``; ``object/describe`` serves both and lists the tenant's own
fields with the preset ones.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import httpx

from mktctl import errors as e
from mktctl.secrets import REDACTOR
from mktctl.tenant.deadline import DEFAULT_DEADLINE_S, Outage
from mktctl.tenant.describe import ObjectInfo
from mktctl.tenant.plain_http import PlainAnswer, PlainHttp
from mktctl.tenant.ratelimit import RateLimiter

TOKEN_PATH = "/cgi/corpAccessToken/get/V2"
TOKEN_MARGIN_S = 180  # refresh this long before the token expires (the official demo's margin)
PAGE_LIMIT = 100  # the platform's maximum search_query_info.limit
PRESET_DATA = "/cgi/crm/v2/data"  # preset objects (…Obj)
CUSTOM_DATA = "/cgi/crm/custom/v2/data"  # a tenant's own objects (…__c)
DESCRIBE_PATH = "/cgi/crm/v2/object/describe"

_AUTH_CODES = {10001, 10002, 10006, 10012, 10013, 10014, 11001, 11002, 11013, 11014, 11015, 12002, 20005,
               20006, 20015, 20016, 20017}
_PERMISSION_CODES = {15003, 20014, 20020, 20021, 20022, 20023}
_NOT_FOUND_CODES = {20012, 30007, 30027, 32002}
_THROTTLE_CODES = {14001, 30004}
_BUSY_CODES = {-1, 50009}
_QUOTA_CODES = {30002, 30003}
_ACTING_USER_CODES = {10010}  # the global table's "missing openUserId"
_DUPLICATE_CODES = {32003}  # the sandbox's code for a create its duplicate check refused
_DUPLICATE_OF = re.compile(r"\brecord ([0-9A-Za-z]{16,40})\b")
_JSON = {"content-type": "application/json"}


def is_preset_object(api_name: str) -> bool:
    """Whether the platform serves ``api_name`` as a preset object (``LeadsObj``) rather than a custom one."""
    return api_name.endswith("Obj")


def data_path(api_name: str, verb: str) -> str:
    """``/cgi/crm/v2/data/create`` for a preset object, ``/cgi/crm/custom/v2/data/create`` for the others."""
    return f"{PRESET_DATA if is_preset_object(api_name) else CUSTOM_DATA}/{verb}"


@dataclass(frozen=True)
class Credentials:
    """What a self-built app needs to call a tenant. ``repr`` never shows the secret parts."""

    app_id: str
    app_secret: str = field(repr=False)
    permanent_code: str = field(repr=False)
    open_user_id: str

    def secret_values(self) -> tuple[str, ...]:
        return (self.app_secret, self.permanent_code)


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of what is safe to retry: exponential backoff with full jitter, within a total deadline."""

    attempts: int = 6
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    deadline_s: float = 120.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.max_delay_s, self.base_delay_s * (2**attempt)))


@dataclass
class _Token:
    value: str
    corp_id: str
    expires_at: float


@dataclass(frozen=True)
class CallRecord:
    """What the client reports to its ``on_call`` hook after every call: for audit logs and metrics."""

    path: str
    error_code: int
    trace_id: str | None
    seconds: float
    attempt: int
    target: str = ""  # which object and record, for audit logs: never field values


class FxiaokeClient:
    """Calls a FxiaoKe-compatible tenant. Thread-safe: concurrent workers share the token and limiter."""

    def __init__(
        self,
        http: httpx.Client | PlainHttp,
        credentials: Credentials,
        *,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        on_call: Callable[[CallRecord], None] | None = None,
        deadline_s: float | None = None,
    ) -> None:
        self.http = http
        self.credentials = credentials
        self.retry = retry or RetryPolicy()
        self.limiter = limiter
        self.clock = clock
        self.sleep = sleep  # None: wait on the interrupt event, so that Ctrl-C ends the wait at once
        self.rng = rng or random.Random()
        self.on_call = on_call
        self.outage = Outage(deadline_s or DEFAULT_DEADLINE_S, target=_where(http), clock=clock)
        self.interrupted = threading.Event()
        self._token: _Token | None = None
        self._token_lock = threading.Lock()
        self._last_timeout: tuple[float, object, httpx.Timeout | None] | None = None  # see _timeout

    def interrupt(self) -> None:
        """Stop: every wait between retries ends now and no call starts again (Ctrl-C). Not for signal
        handlers (an event's lock may be held by the code the handler interrupted): call it from a thread."""
        self.interrupted.set()

    def close(self) -> None:
        self.http.close()

    # ---- token -------------------------------------------------------------------------------------

    def token(self, *, refresh: bool = False) -> _Token:
        with self._token_lock:
            now = self.clock()
            if self._token is None or refresh or now >= self._token.expires_at:
                answer = self._post(TOKEN_PATH, {
                    "appId": self.credentials.app_id,
                    "appSecret": self.credentials.app_secret,
                    "permanentCode": self.credentials.permanent_code,
                }, idempotent=True)
                expires_in = float(answer.get("expiresIn") or 0)
                REDACTOR.add(str(answer["corpAccessToken"]))  # a token is a secret too
                self._token = _Token(
                    value=str(answer["corpAccessToken"]),
                    corp_id=str(answer["corpId"]),
                    expires_at=now + max(0.0, expires_in - TOKEN_MARGIN_S),
                )
            return self._token

    @property
    def corp_id(self) -> str:
        return self.token().corp_id

    # ---- calls -------------------------------------------------------------------------------------

    def call(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        idempotent: bool = True,
        recover: Callable[[], dict[str, Any] | None] | None = None,
        with_user: bool = True,
    ) -> dict[str, Any]:
        """POST ``body`` to ``path`` with the caller's identity and return the answer's envelope.

        A call that is not ``idempotent`` (a create) is retried after an ambiguous failure only when
        ``recover`` - a lookup by natural key - finds nothing: a retry never makes a duplicate.
        An expired token (20016) is refreshed once and the call repeated.
        """
        for refreshed in (False, True):
            token = self.token(refresh=refreshed)
            payload = dict(body or {})
            payload["corpAccessToken"] = token.value
            payload["corpId"] = token.corp_id
            if with_user:
                payload.setdefault("currentOpenUserId", self.credentials.open_user_id)
            try:
                return self._post(path, payload, idempotent=idempotent, recover=recover)
            except e.AuthError as error:
                if error.code != 20016 or refreshed:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(
        self,
        path: str,
        payload: dict[str, Any],
        *,
        idempotent: bool,
        recover: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        started = self.clock()
        attempt = 0
        while True:
            self._check_interrupted(path)
            if self.outage.expired():  # the command's deadline: no call tries again
                raise self.outage.give_up(path)
            try:
                # the call holds its place in the interface's window until its answer is back
                with self.limiter.slot(path) if self.limiter is not None else nullcontext():
                    t0 = self.clock()
                    answer = self._send(path, payload)
            except _Retryable as failure:
                ambiguous = failure.ambiguous
                error: e.TenantError = failure.error
                if not isinstance(error, e.RateLimited):
                    self.outage.failed(t0, error)
            else:
                code = int(answer.get("errorCode", -2))
                if self.on_call is not None:
                    self.on_call(CallRecord(path, code, answer.get("traceId"), self.clock() - t0, attempt,
                                            _target(payload, answer)))
                if code == 0:
                    return answer
                error = _error_for(code, answer, path)
                if not isinstance(error, e.RateLimited) and code not in _BUSY_CODES:
                    raise error
                ambiguous = code in _BUSY_CODES  # a busy answer may come after the work was done
                if ambiguous:
                    self.outage.failed(t0, error)
            attempt += 1
            elapsed = self.clock() - started
            if self.outage.expired():
                raise self.outage.give_up(path)
            if attempt >= self.retry.attempts or elapsed >= self.retry.deadline_s:
                if not isinstance(error, e.RateLimited) and self.outage.elapsed() > 0:
                    raise self.outage.give_up(path, attempts=attempt)
                raise type(error)(
                    f"{error.message}; gave up after {attempt} attempts in {elapsed:.1f} s",
                    code=error.code, trace_id=error.trace_id, path=path,
                    hint="the tenant is unreachable or busy; run the same command again later to continue",
                )
            if ambiguous and not idempotent:
                found = recover() if recover is not None else None
                if found is not None:
                    return found
                if recover is None:
                    raise error
            retry_after = getattr(error, "retry_after", None)
            delay = retry_after if retry_after is not None else self.retry.delay(attempt, self.rng)
            self._wait(min(delay, max(0.0, self.retry.deadline_s - elapsed)), path)

    def _wait(self, seconds: float, path: str) -> None:
        """Wait between retries, never past the command's deadline; Ctrl-C (``interrupt``) ends it at once."""
        seconds = min(seconds, self.outage.remaining())
        if self.sleep is None:
            self.interrupted.wait(seconds)
        else:
            self.sleep(seconds)
        self._check_interrupted(path)

    def _check_interrupted(self, path: str) -> None:
        if self.interrupted.is_set():
            raise e.Interrupted(f"stopped on request while calling {path}",
                                hint="what was done is recorded; run the same command again to continue")

    def _timeout(self) -> httpx.Timeout | None:
        """The attempt's timeouts, cut to what is left of the deadline (None: as configured). While the
        tenant answers, what is left is the whole deadline: the last answer is reused."""
        left = max(0.05, self.outage.remaining())
        last = self._last_timeout
        if last is not None and last[0] == left and last[1] is self.http:
            return last[2]
        configured = self.http.timeout
        parts = {"connect": configured.connect, "read": configured.read, "write": configured.write,
                 "pool": configured.pool}
        timeout = None if all(value is not None and value <= left for value in parts.values()) else \
            httpx.Timeout(**{name: left if value is None else min(value, left) for name, value in parts.items()})
        self._last_timeout = (left, self.http, timeout)
        return timeout

    def _send(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        # the body as httpx encodes ``json=``: UTF-8, compact, no NaN (a ValueError)
        content = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        try:
            timeout = self._timeout()
            if timeout is None:
                response = self.http.post(path, content=content, headers=_JSON)
            else:
                response = self.http.post(path, content=content, headers=_JSON, timeout=timeout)
        except httpx.ConnectError as exc:
            raise _Retryable(e.TenantUnreachable(f"cannot connect to the tenant: {_short(exc)}", path=path),
                             ambiguous=False) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            ambiguous = not isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout))
            raise _Retryable(e.TenantUnreachable(f"no answer from the tenant: {_short(exc)}", path=path),
                             ambiguous=ambiguous) from None
        except httpx.HTTPError as exc:
            raise e.TenantUnreachable(f"cannot call the tenant: {_short(exc)}", path=path) from None
        if response.status_code < 500:
            self.outage.answered()
        if response.status_code == 429:
            error = e.RateLimited("the tenant throttled the call (HTTP 429)", path=path)
            error.retry_after = _retry_after(response)  # type: ignore[attr-defined]
            raise _Retryable(error, ambiguous=False)
        if response.status_code >= 500:
            error = e.TenantUnreachable(f"the tenant answered HTTP {response.status_code}", path=path)
            raise _Retryable(error, ambiguous=True)
        if response.status_code != 200:
            raise e.InvalidRequest(f"the tenant answered HTTP {response.status_code} for {path}", path=path,
                                   hint="is the tenant URL right? it must be the API gateway, e.g. "
                                        "https://open.fxiaoke.com")
        try:
            answer = response.json()
        except ValueError:
            raise e.InvalidRequest(f"the tenant's answer to {path} is not JSON", path=path) from None
        if not isinstance(answer, dict):
            raise e.InvalidRequest(f"the tenant's answer to {path} is not a JSON object", path=path)
        return answer

    # ---- CRM object data ---------------------------------------------------------------------------

    def crm_create(self, api_name: str, fields: dict[str, Any], *, specify_time: bool = False,
                   duplicate_search: bool = False, recover: Callable[[], str | None] | None = None) -> str:
        """Create a record and return its id. ``duplicate_search`` asks the platform's duplicate check
        (``optionInfo.isDuplicateSearch`` for a preset object, ``checkDuplicateSearch`` for a custom one):
        a duplicate is refused with :class:`~mktctl.errors.DuplicateRecord`."""
        data: dict[str, Any] = {"object_data": {"dataObjectApiName": api_name, **fields}}
        body: dict[str, Any] = {"data": data}
        if specify_time:
            body["hasSpecifyTime"] = True
        if duplicate_search and is_preset_object(api_name):
            data["optionInfo"] = {"isDuplicateSearch": True}
        elif duplicate_search:
            body["checkDuplicateSearch"] = True

        def found() -> dict[str, Any] | None:
            record_id = recover() if recover is not None else None
            return {"dataId": record_id} if record_id else None

        answer = self.call(data_path(api_name, "create"), body, idempotent=False,
                           recover=found if recover is not None else None)
        return str(answer["dataId"])

    def crm_get(self, api_name: str, record_id: str) -> dict[str, Any]:
        answer = self.call(data_path(api_name, "get"), {"data": {"dataObjectApiName": api_name,
                                                                 "objectDataId": record_id}})
        return dict(answer["data"])

    def crm_query(self, api_name: str, filters: list[dict[str, Any]] | None = None, *,
                  orders: list[dict[str, Any]] | None = None, limit: int = PAGE_LIMIT, offset: int = 0,
                  fields: list[str] | None = None) -> tuple[list[dict[str, Any]], int]:
        info: dict[str, Any] = {"limit": limit, "offset": offset, "filters": filters or [],
                                "orders": orders or []}
        if fields:
            info["fieldProjection"] = fields
        answer = self.call(data_path(api_name, "query"), {"data": {"dataObjectApiName": api_name,
                                                                   "search_query_info": info}})
        data = answer.get("data") or {}
        return list(data.get("dataList") or []), int(data.get("total") or 0)

    def crm_iter(self, api_name: str, filters: list[dict[str, Any]] | None = None, *,
                 fields: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every matching record, by deep paging: ordered by ``_id``, offset 0, ``_id GT <last>``; so no
        10000-offset ceiling and no record skipped when others are added meanwhile."""
        last: str | None = None
        while True:
            page_filters = list(filters or [])
            if last is not None:
                page_filters.append({"field_name": "_id", "field_values": [last], "operator": "GT"})
            rows, _ = self.crm_query(api_name, page_filters, orders=[{"fieldName": "_id", "isAsc": True}],
                                     fields=fields)
            yield from rows
            if len(rows) < PAGE_LIMIT:
                return
            last = str(rows[-1]["_id"])

    def crm_update(self, api_name: str, record_id: str, fields: dict[str, Any]) -> None:
        self.call(data_path(api_name, "update"),
                  {"data": {"object_data": {"dataObjectApiName": api_name, "_id": record_id, **fields}}})

    def crm_invalid(self, api_name: str, record_id: str) -> None:
        self.call(data_path(api_name, "invalid"),
                  {"data": {"dataObjectApiName": api_name, "object_data_id": record_id}})

    def crm_delete(self, api_name: str, record_ids: list[str]) -> None:
        self.call(data_path(api_name, "delete"), {"data": {"dataObjectApiName": api_name, "idList": record_ids}})

    def crm_describe(self, api_name: str) -> dict[str, Any]:
        """The object's ``describe`` as the tenant answers it: its preset fields and the tenant's own."""
        answer = self.call(DESCRIBE_PATH, {"data": {"apiName": api_name, "includeDetail": True}})
        return dict(answer["data"]["describe"])

    def crm_object(self, api_name: str) -> ObjectInfo:
        """The object's fields, typed (:class:`~mktctl.tenant.describe.ObjectInfo`), the tenant's own included."""
        return ObjectInfo.from_describe(self.crm_describe(api_name))


class _Retryable(Exception):
    def __init__(self, error: e.TenantError, *, ambiguous: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.ambiguous = ambiguous


def _target(payload: dict[str, Any], answer: dict[str, Any]) -> str:
    """``LeadsObj 65f0…`` or ``roles 市场经理``: the object and the record a call was about, never its values."""
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    record = data.get("object_data") if isinstance(data.get("object_data"), dict) else data
    answered = answer.get("data") if isinstance(answer.get("data"), dict) else {}
    parts = [str(record.get("dataObjectApiName") or data.get("dataObjectApiName") or "")]
    sources = ((record, "_id"), (data, "objectDataId"), (data, "idList"), (data, "roleCode"), (data, "key"),
               (payload, "openUserId"), (payload, "departmentId"), (answer, "dataId"), (answer, "openUserId"),
               (answer, "departmentId"), (answered, "roleCode"), (answered, "id"))
    for source, key in sources:
        if source.get(key):
            parts.append(str(source[key]))
            break
    return " ".join(p for p in parts if p)


def _where(http: httpx.Client | PlainHttp) -> str:
    """The tenant's address for a message: scheme, host and port, never a user name or password."""
    url = http.base_url
    if not url.host:
        return "the tenant"
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = f":{url.port}" if url.port else ""
    return f"the tenant at {url.scheme}://{host}{port}"


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:200] + "…"


def _retry_after(response: httpx.Response | PlainAnswer) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error_for(code: int, answer: dict[str, Any], path: str) -> e.TenantError:
    message = str(answer.get("errorMessage") or answer.get("errorDescription") or "error")
    description = answer.get("errorDescription")
    if description and description not in message and description != "success":
        message = f"{message} ({description})"
    trace = answer.get("traceId")
    kinds: list[tuple[set[int], type[e.TenantError], str | None]] = [
        (_AUTH_CODES, e.AuthError, "check the tenant's app id, app secret, permanent code and open user id"),
        (_PERMISSION_CODES, e.PermissionDenied, "give the app and the acting user (a CRM admin) access"),
        (_NOT_FOUND_CODES, e.NotFound, None),
        (_THROTTLE_CODES, e.RateLimited, None),
        (_QUOTA_CODES, e.QuotaExhausted, "the daily OpenAPI quota is used up; run the same command again "
                                         "after 00:00 to continue where it stopped"),
    ]
    if code in _ACTING_USER_CODES:
        return e.ActingUserMissing(message, code=code, trace_id=trace, path=path,
                                   hint="give the tenant's acting employee: open_user_id (FSUID_…) in the tenant "
                                        "profile, or MKTCTL_OPEN_USER_ID")
    if code in _DUPLICATE_CODES:
        duplicate = e.DuplicateRecord(message, code=code, trace_id=trace, path=path,
                                      hint="the record exists already; update it instead of creating it")
        found = _DUPLICATE_OF.search(message)
        duplicate.record_id = found.group(1) if found else None
        return duplicate
    for codes, cls, hint in kinds:
        if code in codes:
            return cls(message, code=code, trace_id=trace, path=path, hint=hint)
    if code in _BUSY_CODES:
        return e.TenantUnreachable(message, code=code, trace_id=trace, path=path)
    return e.InvalidRequest(message, code=code, trace_id=trace, path=path)
