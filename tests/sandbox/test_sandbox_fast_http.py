"""A served sandbox answers the platform's paths in its HTTP protocol, before ASGI: the same answers, the
same keep-alive rules, and the calls that arrive together committed as one transaction, each still all or
nothing and none answered before its commit."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading
from pathlib import Path
from typing import Any

from mktctl.sandbox.app import create_app
from mktctl.sandbox.fast_http import _Call, _Group
from mktctl.sandbox.server import ServedSandbox
from mktctl.sandbox.store import Store
from tests.helpers.served import TOKEN_PATH, Wire

CREATE = "/cgi/crm/v2/data/create"


def raw_exchange(url: str, requests: list[bytes]) -> list[bytes]:
    """Send each request on one connection and read its whole answer (by content-length)."""
    host, port = url.removeprefix("http://").split(":")
    answers = []
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        for request in requests:
            sock.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            lengths = [line.split(b":")[1] for line in head.split(b"\r\n") if line.startswith(b"content-length")]
            length = int(lengths[0])
            while len(body) < length:
                body += sock.recv(65536)
            answers.append(head + b"\r\n\r\n" + body)
        sock.settimeout(0.5)
        try:
            closed = sock.recv(1) == b""
        except TimeoutError:
            closed = False
    answers.append(b"closed" if closed else b"open")
    return answers


def post(path: str, body: dict[str, Any], *, extra: bytes = b"") -> bytes:
    content = json.dumps(body).encode()
    return (b"POST %s HTTP/1.1\r\nhost: sandbox\r\ncontent-type: application/json\r\ncontent-length: %d\r\n%s\r\n%s"
            % (path.encode(), len(content), extra, content))


def without_date(answer: bytes) -> tuple[list[bytes], dict[str, Any]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    envelope = json.loads(body)
    envelope.pop("traceId", None)
    return [line for line in head.split(b"\r\n") if not line.startswith(b"date:")], envelope


def test_the_platforms_paths_are_answered_as_the_asgi_route_answers_them(served_sandbox: ServedSandbox) -> None:
    corp = served_sandbox.corp
    token = {"appId": corp.app_id, "appSecret": corp.app_secret, "permanentCode": corp.permanent_code}
    # a query string takes the ASGI route to the same handler
    fast, routed, state = raw_exchange(served_sandbox.url, [post(TOKEN_PATH, token), post(TOKEN_PATH + "?x=1", token)])

    assert without_date(fast) == without_date(routed)
    length = b"content-length: %d" % len(fast.partition(b"\r\n\r\n")[2])
    assert without_date(fast)[0] == [b"HTTP/1.1 200 OK", length, b"content-type: application/json"]
    assert state == b"open", "the connection is kept alive"


def test_a_client_that_asks_to_close_is_answered_then_closed(served_sandbox: ServedSandbox) -> None:
    answer, state = raw_exchange(served_sandbox.url, [post(TOKEN_PATH, {}, extra=b"connection: close\r\n")])
    assert b"\r\nconnection: close\r\n" in answer and json.loads(answer.partition(b"\r\n\r\n")[2])["errorCode"] == 10001
    assert state == b"closed"


def test_a_body_over_the_limit_is_refused_with_the_platforms_envelope(served_sandbox_factory: Any) -> None:
    sandbox = served_sandbox_factory(max_body_bytes=1000)
    answer, _ = raw_exchange(sandbox.url, [post(CREATE, {"data": "x" * 5000})])
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["errorCode"] == 32001


def test_creates_sent_side_by_side_are_each_made_once(served_sandbox: ServedSandbox) -> None:
    ids: list[str] = []
    codes: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        wire = Wire(served_sandbox.url, served_sandbox.corp)
        for i in range(25):
            source = "no-such-source" if i == 7 else "1"  # refused: its create is undone alone
            answer = wire.call(CREATE, {"object_data": {"dataObjectApiName": "LeadsObj", "name": f"人{n}-{i}",
                                                        "mobile": f"139{n:02d}{i:06d}", "source": source}})
            with lock:
                codes.append(answer["errorCode"])
                if answer["errorCode"] == 0:
                    ids.append(answer["dataId"])
        wire.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(ids) == len(set(ids)) == 8 * 24 and codes.count(32000) == 8
    with served_sandbox.store.reading() as db:
        stored = db.execute("SELECT id FROM records WHERE api_name = 'LeadsObj'").fetchall()
    assert sorted(r["id"] for r in stored) == sorted(ids), "each answered create is stored, and only those"


def front_door(tmp_path: Path) -> tuple[Store, Any, Any, dict[str, Any]]:
    """A sandbox store, its default corp, the front door answering the platform's paths, and a token."""
    store = Store(tmp_path / "sandbox.db")
    corp = store.default_corp()
    door = create_app(store).door
    assert door is not None
    token = json.loads(door.answer(TOKEN_PATH, json.dumps({"appId": corp.app_id, "appSecret": corp.app_secret,
                                                           "permanentCode": corp.permanent_code}).encode(), {}))
    return store, corp, door, token


class _Recorder:
    """Stands for a connection: records the answer each call gets."""

    def __init__(self) -> None:
        self.answers: list[bytes | None] = []

    def answer_call(self, call: _Call, answer: bytes | None) -> None:
        self.answers.append(answer)


def test_a_group_answers_each_call_and_one_that_breaks_loses_only_its_own_change(tmp_path: Path) -> None:
    store, corp, door, token = front_door(tmp_path)

    def create(name: str) -> bytes:
        return json.dumps({"corpAccessToken": token["corpAccessToken"], "corpId": corp.corp_id,
                           "currentOpenUserId": corp.admin_open_user_id,
                           "data": {"object_data": {"dataObjectApiName": "LeadsObj", "name": name}}}).encode()

    def broken(ctx: Any) -> dict[str, Any]:
        with store.transaction() as db:
            db.execute("INSERT INTO meta VALUES ('half-done', 'x')")
            raise RuntimeError("a bug in a handler")

    door.handlers = {**door.handlers, "/cgi/crm/v2/data/broken": broken}
    loop = asyncio.new_event_loop()
    group = _Group(door, loop)
    recorder = _Recorder()
    for path, name in ((CREATE, "甲"), ("/cgi/crm/v2/data/broken", ""), (CREATE, "乙")):
        group.add(_Call(recorder, path, {}, True, bytearray(create(name))))  # type: ignore[arg-type]
    leads = "SELECT count(*) FROM records WHERE api_name = 'LeadsObj'"
    other = sqlite3.connect(tmp_path / "sandbox.db")
    try:
        assert other.execute(leads).fetchone()[0] == 0
        loop.run_until_complete(asyncio.sleep(0))  # the end of the event loop's turn: the group is answered
        assert other.execute(leads).fetchone()[0] == 2
        assert other.execute("SELECT count(*) FROM meta WHERE key = 'half-done'").fetchone()[0] == 0
    finally:
        other.close()
        loop.close()

    first, failed, second = recorder.answers
    assert failed is None, "answered HTTP 500"
    assert json.loads(first or b"")["errorCode"] == 0 and json.loads(second or b"")["errorCode"] == 0
    store.close()


def test_a_group_that_cannot_write_answers_every_call_500(tmp_path: Path) -> None:
    store = Store(tmp_path / "sandbox.db")
    store.default_corp()
    door = create_app(store).door
    assert door is not None
    blocker = sqlite3.connect(tmp_path / "sandbox.db", timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the file: the group cannot begin
    store._db.execute("PRAGMA busy_timeout = 50")
    loop = asyncio.new_event_loop()
    group = _Group(door, loop)
    recorder = _Recorder()
    for _ in range(2):
        group.add(_Call(recorder, TOKEN_PATH, {}, True, bytearray(b"{}")))  # type: ignore[arg-type]
    try:
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
        blocker.rollback()
        blocker.close()
    assert recorder.answers == [None, None]
    store.close()


def test_what_a_group_keeps_of_its_callers_is_dropped_by_a_call_that_may_change_them(tmp_path: Path) -> None:
    """Within a group the token's corp, the acting employee and the owner's department are looked up once;
    a call outside object data (here: stopping the employee) drops them, so the next create sees the change."""
    store, corp, door, token = front_door(tmp_path)
    auth = {"corpAccessToken": token["corpAccessToken"], "corpId": corp.corp_id}
    added = json.loads(door.answer("/cgi/user/add", json.dumps({**auth, "user": {"name": "甲"}}).encode(), {}))
    user = added["openUserId"]

    def create(name: str) -> bytearray:
        return bytearray(json.dumps({**auth, "currentOpenUserId": user, "data": {
            "object_data": {"dataObjectApiName": "LeadsObj", "name": name}}}).encode())

    loop = asyncio.new_event_loop()
    group = _Group(door, loop)
    recorder = _Recorder()
    stop = bytearray(json.dumps({**auth, "openUserId": user, "status": 2}).encode())
    for path, body in ((CREATE, create("一")), ("/cgi/user/setStatus", stop), (CREATE, create("二"))):
        group.add(_Call(recorder, path, {}, True, body))  # type: ignore[arg-type]
    try:
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
    assert [json.loads(answer or b"")["errorCode"] for answer in recorder.answers] == [0, 0, 20012]
    store.close()
