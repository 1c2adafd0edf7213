"""Fault injection for the sandbox tenant: server errors, throttling, lost answers, latency and a quota.

A :class:`FaultInjector` is the sandbox app's ``FaultHook``, built from a SPEC string such as
``5xx=0.05,throttle=0.1,drop-after-commit=0.02,latency=50ms,seed=7``. Grammar (docs/sandbox.md):

    SPEC     := ITEM ("," ITEM)*              blanks around items are ignored; "" or "none" = no faults
    ITEM     := KEY "=" VALUE
    RATE     := a fraction in [0, 1] ("0.05") or a percentage ("5%")
    DURATION := NUMBER ("ms" | "s")            a bare number is milliseconds

    5xx=RATE                 HTTP 500 before the handler runs (nothing was done)
    throttle=RATE            a throttling envelope before the handler: errorCode 14001 or 30004 (half each)
    429=RATE                 HTTP 429 with a Retry-After header before the handler
    drop-before-commit=RATE  the connection is dropped before the handler runs (nothing was done)
    drop-after-commit=RATE   the handler runs and commits, then the connection is dropped: the answer is lost
    latency=DURATION         added to every call; DURATION..DURATION draws uniformly from the range
    quota=N                  after N calls every call answers 30002 (daily quota exceeded)
    retry-after=SECONDS      the Retry-After of 429 answers, whole seconds (default 1)
    seed=N                   the random seed (default 0)
    paths=PREFIX[|PREFIX]    only paths starting with one of the prefixes get faults (default: every path)
    token=on|off             whether the token endpoints get faults too (default off)

The four faults before the handler (5xx, throttle, 429, drop-before-commit) are exclusive outcomes of one
draw per call, so their rates must add up to at most 1; drop-after-commit is drawn for each call the
handler answered. The token
endpoints are spared by default: a client asks for a token once per 6600 s, faults there test nothing
about exactly-once writes, and ``token=on`` is there for testing exactly that path.

Each call draws the same number of random values whatever happens to it, so one seed and one sequence
of calls give the same faults every time; concurrent callers interleave their draws, so there only the
rates (and the counts in :meth:`FaultInjector.report`) are reproducible.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from mktctl.errors import SettingsError
from mktctl.sandbox import protocol as p
from mktctl.sandbox.app import TOKEN_PATHS, FaultHook

EXAMPLE = "5xx=0.05,throttle=0.1,drop-after-commit=0.02,latency=50ms,seed=7"
BEFORE_KEYS = ("5xx", "throttle", "429", "drop-before-commit")  # decided before the handler, by one draw
RATE_KEYS = (*BEFORE_KEYS, "drop-after-commit")
_ALIASES = {"drop": "drop-after-commit", "500": "5xx"}
KEYS = (*RATE_KEYS, "latency", "quota", "retry-after", "seed", "paths", "token")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")


class DroppedConnection(Exception):
    """Raised while answering a call whose connection the fault injector drops. uvicorn closes the
    connection without an answer; the embedded transport turns it into ``httpx.RemoteProtocolError``."""


@dataclass(frozen=True)
class FaultSpec:
    """A parsed SPEC: what to inject, how often."""

    rates: dict[str, float] = field(default_factory=dict)
    latency_ms: tuple[float, float] = (0.0, 0.0)
    quota: int | None = None
    retry_after_s: int = 1
    seed: int = 0
    paths: tuple[str, ...] = ()
    token: bool = False
    text: str = ""

    def rate(self, key: str) -> float:
        return self.rates.get(key, 0.0)

    @property
    def active(self) -> bool:
        return any(self.rates.values()) or self.latency_ms[1] > 0 or self.quota is not None


def parse_spec(text: str) -> FaultSpec:
    """Parse a SPEC string; a mistake raises SettingsError naming the item and what was expected."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if items == ["none"]:
        items = []
    rates: dict[str, float] = {}
    values: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key, value = _ALIASES.get(key.strip().lower(), key.strip().lower()), value.strip()
        if not sep or not value:
            raise _spec_error(text, item, "expected KEY=VALUE")
        if key not in KEYS:
            raise _spec_error(text, item, f"unknown fault {key!r}; known: {', '.join(KEYS)}")
        if key in rates or key in values:
            raise _spec_error(text, item, f"{key} is given twice")
        if key in RATE_KEYS:
            rates[key] = _rate(text, item, value)
        elif key == "latency":
            low, dots, high = value.partition("..")
            values[key] = (_duration(text, item, low), _duration(text, item, high if dots else low))
            if values[key][0] > values[key][1]:
                raise _spec_error(text, item, "the range must go from low to high")
        elif key in ("quota", "retry-after", "seed"):
            values[key] = _whole(text, item, value)
        elif key == "paths":
            prefixes = tuple(v.strip() for v in value.split("|") if v.strip())
            if not all(v.startswith("/") for v in prefixes):
                raise _spec_error(text, item, "each path prefix starts with '/'")
            values[key] = prefixes
        elif key == "token":
            if value.lower() not in ("on", "off"):
                raise _spec_error(text, item, "expected on or off")
            values[key] = value.lower() == "on"
    if sum(rates.get(key, 0.0) for key in BEFORE_KEYS) > 1.0 + 1e-9:
        raise _spec_error(text, ",".join(f"{k}={v:g}" for k, v in rates.items() if k in BEFORE_KEYS),
                          "5xx, throttle, 429 and drop-before-commit are exclusive outcomes of one draw and "
                          "must add up to at most 1")
    return FaultSpec(
        rates=rates,
        latency_ms=values.get("latency", (0.0, 0.0)),
        quota=values.get("quota"),
        retry_after_s=values.get("retry-after", 1),
        seed=values.get("seed", 0),
        paths=values.get("paths", ()),
        token=values.get("token", False),
        text=",".join(items),
    )


def _spec_error(text: str, item: str, why: str) -> SettingsError:
    return SettingsError(f"fault spec {text!r}: {item!r}: {why}", hint=f"example: --faults {EXAMPLE}")


def _rate(text: str, item: str, value: str) -> float:
    try:
        rate = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise _spec_error(text, item, "expected a rate such as 0.05 or 5%") from None
    if not 0.0 <= rate <= 1.0 or math.isnan(rate):
        raise _spec_error(text, item, "a rate is between 0 and 1 (or 0% and 100%)")
    return rate


def _duration(text: str, item: str, value: str) -> float:
    match = _DURATION.match(value)
    if match is None:
        raise _spec_error(text, item, "expected a duration such as 50ms or 0.2s")
    number, unit = float(match.group(1)), match.group(2) or "ms"
    return number * 1000 if unit == "s" else number


def _whole(text: str, item: str, value: str) -> int:
    if not value.isdigit():
        raise _spec_error(text, item, "expected a whole number")
    return int(value)


class DroppedResponse(Response):
    """Starts an answer, then drops the connection: the caller sees a broken connection, never a status it
    could act on. (Starting the answer first keeps the server from turning the error into an HTTP 500.)"""

    def __init__(self, declared_length: int = 64) -> None:
        super().__init__(status_code=200, media_type="application/json")
        self.declared_length = declared_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(self.declared_length).encode())]})
        raise DroppedConnection("connection dropped by the sandbox's fault injection")


class FaultInjector(FaultHook):
    """The sandbox's fault hook. Thread-safe; :meth:`report` counts what was injected."""

    def __init__(self, spec: FaultSpec | str, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.spec = parse_spec(spec) if isinstance(spec, str) else spec
        self.sleep = sleep
        self._rng = random.Random(self.spec.seed)
        self._lock = threading.Lock()
        self._calls = 0
        self._counts: dict[str, int] = dict.fromkeys((*RATE_KEYS, "quota"), 0)
        self._throttle_codes = {p.CALL_LIMIT: 0, p.RATE_PER_SECOND: 0}
        self._delayed, self._latency_ms = 0, 0.0

    def applies(self, path: str) -> bool:
        if path in TOKEN_PATHS and not self.spec.token:
            return False
        return not self.spec.paths or path.startswith(self.spec.paths)

    def before(self, path: str) -> Response | None:
        if not self.applies(path):
            return None
        low, high = self.spec.latency_ms
        with self._lock:
            self._calls += 1
            calls = self._calls
            outcome_draw, code_draw, latency_draw = self._rng.random(), self._rng.random(), self._rng.random()
            delay_ms = low + (high - low) * latency_draw
            if delay_ms > 0:
                self._delayed += 1
                self._latency_ms += delay_ms
            over_quota = self.spec.quota is not None and calls > self.spec.quota
            outcome = None if over_quota else self._outcome(outcome_draw, BEFORE_KEYS)
            if over_quota:
                self._counts["quota"] += 1
            elif outcome is not None:
                self._counts[outcome] += 1
            code = p.CALL_LIMIT if code_draw < 0.5 else p.RATE_PER_SECOND
            if outcome == "throttle":
                self._throttle_codes[code] += 1
        if delay_ms > 0:
            self.sleep(delay_ms / 1000)
        if over_quota:
            raise p.SandboxError(p.DAILY_QUOTA, "the daily call quota is used up (fault injection)")
        if outcome == "5xx":
            return PlainTextResponse("Internal Server Error (fault injection)", status_code=500)
        if outcome == "throttle":
            message = ("interface call limit exceeded" if code == p.CALL_LIMIT
                       else "call frequency per second exceeded")
            raise p.SandboxError(code, message)
        if outcome == "429":
            error = p.SandboxError(p.RATE_PER_SECOND, "too many requests (fault injection)")
            return JSONResponse(p.failure(error, p.new_trace_id()), status_code=429,
                                headers={"Retry-After": str(self.spec.retry_after_s)})
        if outcome == "drop-before-commit":
            return DroppedResponse()
        return None

    def after(self, path: str, answer: dict[str, Any]) -> Response | None:
        if not self.applies(path):
            return None
        rate = self.spec.rate("drop-after-commit")
        with self._lock:
            dropped = self._rng.random() < rate
            if dropped:
                self._counts["drop-after-commit"] += 1
        return DroppedResponse() if dropped else None

    def _outcome(self, draw: float, keys: tuple[str, ...]) -> str | None:
        edge = 0.0
        for key in keys:
            edge += self.spec.rate(key)
            if draw < edge:
                return key
        return None

    def report(self) -> dict[str, Any]:
        """What was injected so far: calls seen, and a count per fault."""
        with self._lock:
            injected = dict(self._counts)
            return {
                "spec": self.spec.text,
                "seed": self.spec.seed,
                "calls": self._calls,
                "injected": injected,
                "total": sum(injected.values()),
                "throttle_codes": {str(k): v for k, v in self._throttle_codes.items()},
                "delayed_calls": self._delayed,
                "added_latency_ms": round(self._latency_ms, 3),
            }
