"""A served sandbox tenant for tests in any folder.

Fixtures (register them in a folder's conftest.py with
``from tests.helpers.served import served_sandbox, served_sandbox_factory  # noqa: F401``):

- ``served_sandbox_factory(**options)`` starts a sandbox in a background thread on a free loopback port
  (options as ``mktctl.sandbox.server.serve_in_thread``: ``faults=``, ``rate_limit=``, ``api=``, ``catalog=``,
  ``clock=``, ...); every sandbox it started is stopped when the test ends.
- ``served_sandbox``: one such sandbox with the defaults.

Plain helpers: ``Wire`` makes raw JSON calls as any HTTP client would; ``client_for`` builds mktctl's own
``FxiaokeClient`` for a served sandbox; ``served_process`` runs ``mktctl sandbox serve`` as a real
subprocess; ``free_port`` finds a free loopback port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from mktctl.sandbox.server import ServedSandbox, serve_in_thread
from mktctl.sandbox.store import Corp
from mktctl.tenant.client import Credentials, FxiaokeClient, RetryPolicy

TOKEN_PATH = "/cgi/corpAccessToken/get/V2"
StartSandbox = Callable[..., ServedSandbox]


@pytest.fixture
def served_sandbox_factory(tmp_path: Path) -> Iterator[StartSandbox]:
    started: list[ServedSandbox] = []

    def start(data: Path | str | None = None, **options: Any) -> ServedSandbox:
        path = data or tmp_path / f"served-{len(started)}.db"
        sandbox = serve_in_thread(path, **options).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def served_sandbox(served_sandbox_factory: StartSandbox) -> ServedSandbox:
    return served_sandbox_factory()


def fast_transport() -> httpx.HTTPTransport:
    """httpx sends a request's headers and body in two writes; without TCP_NODELAY the second one waits
    for the server's delayed ACK. On loopback that is most of a call's time."""
    return httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


def credentials_of(corp: Corp) -> Credentials:
    return Credentials(app_id=corp.app_id, app_secret=corp.app_secret, permanent_code=corp.permanent_code,
                       open_user_id=corp.admin_open_user_id)


def client_for(sandbox: ServedSandbox, corp: Corp | None = None, **options: Any) -> FxiaokeClient:
    """mktctl's client for a served sandbox; ``sleep`` defaults to a no-op so retries cost no time."""
    options.setdefault("sleep", lambda seconds: None)
    options.setdefault("retry", RetryPolicy(attempts=8, base_delay_s=0.01, max_delay_s=0.05, deadline_s=30))
    http = httpx.Client(base_url=sandbox.url, timeout=10.0, trust_env=False, transport=fast_transport())
    return FxiaokeClient(http, credentials_of(corp or sandbox.corp), **options)


@dataclass
class Wire:
    """Raw calls to a sandbox as JSON over HTTP, with either identity style of the platform."""

    url: str
    corp: Corp
    http: httpx.Client = field(init=False)
    _tokens: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=10.0, trust_env=False, transport=fast_transport())

    def close(self) -> None:
        self.http.close()

    def post(self, path: str, body: Any = None, *, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """POST and return the envelope; the platform answers every business error with HTTP 200."""
        response = self.http.post(path, json=body, headers=headers)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert isinstance(answer, dict)
        return answer

    def token(self, corp: Corp | None = None) -> dict[str, Any]:
        corp = corp or self.corp
        if corp.corp_id not in self._tokens:
            answer = self.post(TOKEN_PATH, {"appId": corp.app_id, "appSecret": corp.app_secret,
                                            "permanentCode": corp.permanent_code})
            assert answer["errorCode"] == 0, answer
            self._tokens[corp.corp_id] = answer
        return self._tokens[corp.corp_id]

    def call(self, path: str, data: dict[str, Any] | None = None, *, corp: Corp | None = None,
             **top: Any) -> dict[str, Any]:
        """The legacy style: token, corp id and acting user in the body, next to ``data``."""
        corp = corp or self.corp
        token = self.token(corp)
        body: dict[str, Any] = {"corpAccessToken": token["corpAccessToken"], "corpId": token["corpId"],
                                "currentOpenUserId": corp.admin_open_user_id, **top}
        if data is not None:
            body["data"] = data
        return self.post(path, body)

    def bearer(self, path: str, data: dict[str, Any] | None = None, *, corp: Corp | None = None,
               user: str = "1000", **top: Any) -> dict[str, Any]:
        """The current style: ``authorization: Bearer``, ``x-fs-ea`` and ``x-fs-userid`` headers."""
        corp = corp or self.corp
        headers = {"authorization": f"Bearer {self.token(corp)['corpAccessToken']}", "x-fs-ea": corp.ea,
                   "x-fs-userid": user}
        body = {**top, **({"data": data} if data is not None else {})}
        return self.post(path, body, headers=headers)

    # ---- CRM shortcuts -----------------------------------------------------------------------------

    def create(self, api_name: str, *, corp: Corp | None = None, **fields: Any) -> str:
        answer = self.call("/cgi/crm/v2/data/create",
                           {"object_data": {"dataObjectApiName": api_name, **fields}}, corp=corp)
        assert answer["errorCode"] == 0, answer
        return str(answer["dataId"])

    def query(self, api_name: str, filters: list[dict[str, Any]] | None = None, *, corp: Corp | None = None,
              **info: Any) -> dict[str, Any]:
        search = {"limit": 100, "offset": 0, "filters": filters or [], **info}
        return self.call("/cgi/crm/v2/data/query", {"dataObjectApiName": api_name, "search_query_info": search},
                         corp=corp)

    def names(self, api_name: str, filters: list[dict[str, Any]] | None = None, **info: Any) -> list[str]:
        answer = self.query(api_name, filters, **info)
        assert answer["errorCode"] == 0, answer
        return [row.get("name") for row in answer["data"]["dataList"]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServedProcess:
    url: str
    process: subprocess.Popen[str]
    stdout: str = ""
    stderr: str = ""

    def stop(self) -> int:
        """Ctrl-C, as a person would stop it; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.stdout, self.stderr = self.process.communicate(timeout=20)
        return self.process.returncode


def mktctl_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKTCTL_")}
    env.update({"NO_COLOR": "1", "COLUMNS": "160", "PYTHONIOENCODING": "utf-8",
                "XDG_CONFIG_HOME": str(home / ".config")})
    return env


@contextmanager
def served_process(data: Path, *args: str, cwd: Path | None = None, port: int | None = None,
                   timeout: float = 20.0) -> Iterator[ServedProcess]:
    """``python -m mktctl sandbox serve --port N --data FILE [ARGS]`` as a real subprocess, ready to call."""
    port = port or free_port()
    data.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "mktctl", "sandbox", "serve", "--port", str(port), "--data", str(data),
               *args]
    process = subprocess.Popen(command, cwd=cwd or data.parent, env=mktctl_env(data.parent),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    served = ServedProcess(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                served.stop()
                raise AssertionError(f"mktctl sandbox serve exited {process.returncode}:\n{served.stderr}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("mktctl sandbox serve did not start listening") from None
                time.sleep(0.05)
        yield served
    finally:
        if process.poll() is None:
            served.stop()
