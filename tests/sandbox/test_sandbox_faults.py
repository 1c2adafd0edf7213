"""Fault injection (``mktctl sandbox serve --faults SPEC``): the SPEC grammar, determinism by seed, the
counts it reports, and what each fault looks like on the wire to a client."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from mktctl.errors import SettingsError
from mktctl.sandbox import protocol as p
from mktctl.sandbox.app import create_app
from mktctl.sandbox.embedded import EmbeddedTransport
from mktctl.sandbox.faults import FaultInjector, FaultSpec, parse_spec
from mktctl.sandbox.server import ServedSandbox
from mktctl.sandbox.store import Store
from tests.helpers.served import TOKEN_PATH, StartSandbox, Wire

CREATE = "/cgi/crm/v2/data/create"
LEAD = {"object_data": {"dataObjectApiName": "LeadsObj", "name": "张三"}}

# ---- the SPEC grammar ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("", FaultSpec()),
    ("none", FaultSpec()),
    ("5xx=0.05", FaultSpec(rates={"5xx": 0.05}, text="5xx=0.05")),
    ("5xx=5%, throttle=10%", FaultSpec(rates={"5xx": 0.05, "throttle": 0.1}, text="5xx=5%,throttle=10%")),
    ("drop=0.02", FaultSpec(rates={"drop-after-commit": 0.02}, text="drop=0.02")),
    ("5xx=0.5,drop-before-commit=0.5,drop-after-commit=1", FaultSpec(
        rates={"5xx": 0.5, "drop-before-commit": 0.5, "drop-after-commit": 1.0},
        text="5xx=0.5,drop-before-commit=0.5,drop-after-commit=1")),
    ("latency=50ms", FaultSpec(latency_ms=(50.0, 50.0), text="latency=50ms")),
    ("latency=0.2s", FaultSpec(latency_ms=(200.0, 200.0), text="latency=0.2s")),
    ("latency=10..30", FaultSpec(latency_ms=(10.0, 30.0), text="latency=10..30")),
    ("quota=100,retry-after=3,seed=7", FaultSpec(quota=100, retry_after_s=3, seed=7,
                                                 text="quota=100,retry-after=3,seed=7")),
    ("paths=/cgi/crm|/cgi/user,token=on", FaultSpec(paths=("/cgi/crm", "/cgi/user"), token=True,
                                                    text="paths=/cgi/crm|/cgi/user,token=on")),
])
def test_the_spec_grammar(text: str, expected: FaultSpec) -> None:
    assert parse_spec(text) == expected


# A dropped connection reaches the client as a protocol error, or as a reset when the close outruns the read.
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError)


def test_the_example_of_the_docs() -> None:
    spec = parse_spec("5xx=0.05,throttle=0.1,drop-after-commit=0.02,latency=50ms,seed=7")
    assert spec.rates == {"5xx": 0.05, "throttle": 0.1, "drop-after-commit": 0.02}
    assert (spec.latency_ms, spec.seed, spec.token, spec.active) == ((50.0, 50.0), 7, False, True)


@pytest.mark.parametrize(("text", "message"), [
    ("5xx", "fault spec '5xx': '5xx': expected KEY=VALUE"),
    ("5xx=", "fault spec '5xx=': '5xx=': expected KEY=VALUE"),
    ("timeout=0.1", "fault spec 'timeout=0.1': 'timeout=0.1': unknown fault 'timeout'; known: 5xx, throttle, 429, "
                    "drop-before-commit, drop-after-commit, latency, quota, retry-after, seed, paths, token"),
    ("5xx=1.5", "fault spec '5xx=1.5': '5xx=1.5': a rate is between 0 and 1 (or 0% and 100%)"),
    ("5xx=often", "fault spec '5xx=often': '5xx=often': expected a rate such as 0.05 or 5%"),
    ("5xx=0.1,5xx=0.2", "fault spec '5xx=0.1,5xx=0.2': '5xx=0.2': 5xx is given twice"),
    ("5xx=0.6,throttle=0.6,drop=1", "fault spec '5xx=0.6,throttle=0.6,drop=1': '5xx=0.6,throttle=0.6': 5xx, "
                                    "throttle, 429 and drop-before-commit are exclusive outcomes of one draw and "
                                    "must add up to at most 1"),
    ("latency=fast", "fault spec 'latency=fast': 'latency=fast': expected a duration such as 50ms or 0.2s"),
    ("latency=50..10", "fault spec 'latency=50..10': 'latency=50..10': the range must go from low to high"),
    ("seed=-1", "fault spec 'seed=-1': 'seed=-1': expected a whole number"),
    ("paths=cgi", "fault spec 'paths=cgi': 'paths=cgi': each path prefix starts with '/'"),
    ("token=yes", "fault spec 'token=yes': 'token=yes': expected on or off"),
])
def test_a_wrong_spec_names_the_item_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_spec(text)
    assert caught.value.message == message
    assert caught.value.hint == "example: --faults 5xx=0.05,throttle=0.1,drop-after-commit=0.02,latency=50ms,seed=7"


# ---- the injector, called directly -----------------------------------------------------------------


def outcomes(injector: FaultInjector, calls: int, path: str = CREATE) -> list[str]:
    """What each of ``calls`` calls to ``path`` would meet, as a word."""
    seen = []
    for _ in range(calls):
        try:
            early = injector.before(path)
        except p.SandboxError as error:
            seen.append(str(error.code))
            continue
        if early is not None:
            seen.append(type(early).__name__ if early.status_code == 200 else str(early.status_code))
        elif injector.after(path, {}) is not None:
            seen.append("dropped-after")
        else:
            seen.append("ok")
    return seen


def test_one_seed_and_one_sequence_of_calls_give_the_same_faults() -> None:
    spec = "5xx=0.1,throttle=0.1,429=0.1,drop-before-commit=0.1,drop-after-commit=0.1,seed=42"
    first, second = outcomes(FaultInjector(spec), 200), outcomes(FaultInjector(spec), 200)
    assert first == second
    assert first != outcomes(FaultInjector(spec.replace("seed=42", "seed=43")), 200)
    assert set(first) == {"ok", "500", "14001", "30004", "429", "DroppedResponse", "dropped-after"}


def test_the_rates_are_honoured_and_counted() -> None:
    injector = FaultInjector("5xx=0.05,throttle=0.1,drop-after-commit=0.2,seed=1")
    seen = outcomes(injector, 4000)
    report = injector.report()
    assert report["calls"] == 4000
    assert report["injected"]["5xx"] == seen.count("500")
    assert report["injected"]["throttle"] == seen.count("14001") + seen.count("30004")
    assert report["throttle_codes"] == {"14001": seen.count("14001"), "30004": seen.count("30004")}
    assert report["injected"]["drop-after-commit"] == seen.count("dropped-after")
    assert report["total"] == sum(report["injected"].values())
    assert 0.035 < report["injected"]["5xx"] / 4000 < 0.065
    assert 0.08 < report["injected"]["throttle"] / 4000 < 0.12
    answered = 4000 - report["injected"]["5xx"] - report["injected"]["throttle"]
    assert 0.17 < report["injected"]["drop-after-commit"] / answered < 0.23


def test_the_token_endpoints_are_spared_unless_token_is_on() -> None:
    assert outcomes(FaultInjector("5xx=1"), 3, TOKEN_PATH) == ["ok"] * 3
    assert outcomes(FaultInjector("5xx=1"), 1, "/oauth2.0/token") == ["ok"]
    assert outcomes(FaultInjector("5xx=1,token=on"), 3, TOKEN_PATH) == ["500"] * 3
    assert FaultInjector("5xx=1").report()["calls"] == 0


def test_paths_limit_the_faults_to_some_interfaces() -> None:
    injector = FaultInjector("5xx=1,paths=/cgi/crm/v2/data/create|/cgi/user/")
    assert outcomes(injector, 1, CREATE) == ["500"]
    assert outcomes(injector, 1, "/cgi/user/add") == ["500"]
    assert outcomes(injector, 1, "/cgi/crm/v2/data/query") == ["ok"]
    assert injector.report()["calls"] == 2


def test_after_the_quota_every_call_is_30002() -> None:
    injector = FaultInjector("quota=3")
    assert outcomes(injector, 5) == ["ok", "ok", "ok", "30002", "30002"]
    assert injector.report()["injected"]["quota"] == 2


def test_latency_is_added_to_every_call() -> None:
    slept: list[float] = []
    injector = FaultInjector("latency=20ms..40ms,seed=3", sleep=slept.append)
    outcomes(injector, 50)
    assert len(slept) == 50 and all(0.020 <= s <= 0.040 for s in slept)
    report = injector.report()
    assert report["delayed_calls"] == 50
    assert report["added_latency_ms"] == pytest.approx(sum(slept) * 1000, abs=0.01)


# ---- on the wire, against a served sandbox ---------------------------------------------------------


def records(sandbox: ServedSandbox) -> int:
    with sandbox.store.reading() as db:
        return int(db.execute("SELECT count(*) FROM records WHERE corp_id = ? AND api_name = 'LeadsObj'",
                              (sandbox.corp.corp_id,)).fetchone()[0])


def served(factory: StartSandbox, spec: str) -> tuple[ServedSandbox, Wire]:
    sandbox = factory(faults=spec)
    wire = Wire(sandbox.url, sandbox.corp)
    wire.token()  # spared by default: a client gets its token whatever the spec
    return sandbox, wire


def body(wire: Wire) -> dict[str, Any]:
    return {"corpAccessToken": wire.token()["corpAccessToken"], "corpId": wire.corp.corp_id,
            "currentOpenUserId": wire.corp.admin_open_user_id, "data": LEAD}


def test_5xx_is_an_http_500_before_anything_is_done(served_sandbox_factory: StartSandbox) -> None:
    sandbox, wire = served(served_sandbox_factory, "5xx=1")
    response = wire.http.post(CREATE, json=body(wire))
    assert (response.status_code, response.text) == (500, "Internal Server Error (fault injection)")
    assert records(sandbox) == 0
    wire.close()


def test_throttling_answers_are_the_platforms_envelopes(served_sandbox_factory: StartSandbox) -> None:
    sandbox, wire = served(served_sandbox_factory, "throttle=1,seed=5")
    answers = [wire.post(CREATE, body(wire)) for _ in range(12)]
    assert {a["errorCode"] for a in answers} == {14001, 30004}
    by_code = {a["errorCode"]: (a["errorMessage"], a["errorDescription"]) for a in answers}
    assert by_code == {14001: ("interface call limit exceeded", "接口调用超过限制"),
                       30004: ("call frequency per second exceeded", "每秒调用频率超过限制")}
    assert records(sandbox) == 0
    wire.close()


def test_429_carries_retry_after(served_sandbox_factory: StartSandbox) -> None:
    sandbox, wire = served(served_sandbox_factory, "429=1,retry-after=2")
    response = wire.http.post(CREATE, json=body(wire))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.json()["errorCode"] == 30004
    assert records(sandbox) == 0
    wire.close()


def test_drop_after_commit_loses_the_answer_of_a_write_that_happened(served_sandbox_factory: StartSandbox) -> None:
    sandbox, wire = served(served_sandbox_factory, f"drop-after-commit=1,paths={CREATE}")
    with pytest.raises(DROPPED):
        wire.http.post(CREATE, json=body(wire))
    assert records(sandbox) == 1, "the client saw a broken connection, yet the lead exists"
    assert wire.names("LeadsObj") == ["张三"]
    wire.close()


def test_drop_before_commit_breaks_the_connection_with_nothing_done(served_sandbox_factory: StartSandbox) -> None:
    sandbox, wire = served(served_sandbox_factory, f"drop-before-commit=1,paths={CREATE}")
    with pytest.raises(DROPPED):
        wire.http.post(CREATE, json=body(wire))
    assert records(sandbox) == 0
    wire.close()


def test_a_dropped_connection_logs_no_traceback(served_sandbox_factory: StartSandbox,
                                                caplog: pytest.LogCaptureFixture) -> None:
    _, wire = served(served_sandbox_factory, "drop-after-commit=1")
    with caplog.at_level(logging.DEBUG, logger="uvicorn.error"), pytest.raises(DROPPED):
        wire.http.post("/cgi/department/list", json=body(wire))
    assert not [r for r in caplog.records if r.exc_info], caplog.text
    wire.close()


def test_the_counts_are_served_at_get_mktctl_faults(served_sandbox_factory: StartSandbox) -> None:
    sandbox, wire = served(served_sandbox_factory, "5xx=1,seed=9")
    for _ in range(3):
        wire.http.post(CREATE, json=body(wire))
    report = wire.http.get("/mktctl/faults").json()
    assert (report["spec"], report["seed"], report["calls"], report["total"]) == ("5xx=1,seed=9", 9, 3, 3)
    assert report["injected"] == {"5xx": 3, "throttle": 0, "429": 0, "drop-before-commit": 0,
                                  "drop-after-commit": 0, "quota": 0}
    assert sandbox.faults is not None and sandbox.faults.report() == report
    wire.close()


def test_without_faults_there_is_no_fault_report(served_sandbox: ServedSandbox) -> None:
    assert httpx.get(served_sandbox.url + "/mktctl/faults").status_code == 404


def test_latency_delays_the_answer(served_sandbox_factory: StartSandbox) -> None:
    _, wire = served(served_sandbox_factory, "latency=60ms")
    response = wire.http.post("/cgi/department/list", json=body(wire))
    assert response.json()["errorCode"] == 0
    assert response.elapsed.total_seconds() >= 0.06
    wire.close()


def test_the_embedded_sandbox_shows_a_dropped_answer_as_httpx_does(tmp_path: Any) -> None:
    store = Store(tmp_path / "embedded.db")
    corp = store.default_corp()
    app = create_app(store, faults=FaultInjector(f"drop-after-commit=1,paths={CREATE}"))
    http = httpx.Client(transport=EmbeddedTransport(app), base_url="http://sandbox.embedded")
    token = http.post(TOKEN_PATH, json={"appId": corp.app_id, "appSecret": corp.app_secret,
                                        "permanentCode": corp.permanent_code}).json()
    with pytest.raises(DROPPED):
        http.post(CREATE, json={"corpAccessToken": token["corpAccessToken"], "corpId": corp.corp_id,
                                "currentOpenUserId": corp.admin_open_user_id, "data": LEAD})
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM records WHERE api_name = 'LeadsObj'").fetchone()[0] == 1
    http.close()
    store.close()
