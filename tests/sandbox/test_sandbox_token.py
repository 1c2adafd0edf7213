"""The token call and caller identity, on the wire, against a served sandbox.

The platform's rules: ``/cgi/corpAccessToken/get/V2`` issues a token that lives 7200 s; asking again in
its first 6600 s returns the same token, later a new one while the old one stays valid to its end. Later
calls carry identity in the body (legacy) or as ``authorization: Bearer`` + ``x-fs-ea`` + ``x-fs-userid``
headers (current). Every answer is HTTP 200 with the envelope ``errorCode/errorMessage/errorDescription/
traceId``.
"""

from __future__ import annotations

import re

import pytest

from mktctl.sandbox.server import ServedSandbox
from tests.helpers.served import TOKEN_PATH, StartSandbox, Wire


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def token_body(sandbox: ServedSandbox, **changes: str) -> dict[str, str]:
    corp = sandbox.corp
    body = {"appId": corp.app_id, "appSecret": corp.app_secret, "permanentCode": corp.permanent_code}
    body.update(changes)
    return body


def test_a_token_answer_has_the_platforms_shape(wire: Wire) -> None:
    answer = wire.post(TOKEN_PATH, {"appId": wire.corp.app_id, "appSecret": wire.corp.app_secret,
                                    "permanentCode": wire.corp.permanent_code})
    assert answer["errorCode"] == 0
    assert answer["errorMessage"] == "success"
    assert answer["errorDescription"] == "success"
    assert re.fullmatch(r"[0-9A-F]{32}", answer["corpAccessToken"])
    assert answer["corpId"] == wire.corp.corp_id and re.fullmatch(r"FSCID_[0-9A-F]{32}", answer["corpId"])
    assert answer["expiresIn"] == 7200
    assert answer["traceId"].startswith("E-O.")


def test_the_same_token_comes_back_within_6600_s_and_a_new_one_after(
        served_sandbox_factory: StartSandbox) -> None:
    clock = FakeClock()
    sandbox = served_sandbox_factory(clock=clock)
    wire = Wire(sandbox.url, sandbox.corp)
    first = wire.post(TOKEN_PATH, token_body(sandbox))

    clock.now += 6599
    again = wire.post(TOKEN_PATH, token_body(sandbox))
    assert again["corpAccessToken"] == first["corpAccessToken"]
    assert again["expiresIn"] == 7200 - 6599

    clock.now += 2  # 6601 s after the first token
    fresh = wire.post(TOKEN_PATH, token_body(sandbox))
    assert fresh["corpAccessToken"] != first["corpAccessToken"]
    assert fresh["expiresIn"] == 7200

    def department_list(token: str) -> int:
        body = {"corpAccessToken": token, "corpId": sandbox.corp.corp_id}
        return int(wire.post("/cgi/department/list", body)["errorCode"])

    assert department_list(first["corpAccessToken"]) == 0, "the old token stays valid to its 7200 s"
    clock.now += 7200 - 6601
    assert department_list(first["corpAccessToken"]) == 20016, "and not a second longer"
    assert department_list(fresh["corpAccessToken"]) == 0
    wire.close()


@pytest.mark.parametrize(("changes", "code", "message"), [
    ({"appSecret": "wrong"}, 10006, "the parameter appSecret is missing or illegal"),
    ({"appSecret": ""}, 10006, "the parameter appSecret is missing or illegal"),
    ({"appId": "FSAID_unknown"}, 10006, "the parameter appSecret is missing or illegal"),
    ({"appId": ""}, 10001, "the parameter appId is missing or illegal"),
    ({"permanentCode": "WRONG"}, 20015, "permanent code is wrong"),
])
def test_wrong_credentials_get_the_platforms_error_code(
        module_sandbox: ServedSandbox, changes: dict[str, str], code: int, message: str) -> None:
    wire = Wire(module_sandbox.url, module_sandbox.corp)
    answer = wire.post(TOKEN_PATH, token_body(module_sandbox, **changes))
    wire.close()
    assert (answer["errorCode"], answer["errorMessage"]) == (code, message)
    assert "corpAccessToken" not in answer
    assert answer["errorDescription"] == ("永久授权码错误" if code == 20015 else "缺少参数或参数不合法")


def test_the_current_style_token_call_answers_access_token_and_ea(wire: Wire) -> None:
    answer = wire.post("/oauth2.0/token", {"appId": wire.corp.app_id, "appSecret": wire.corp.app_secret,
                                           "permanentCode": wire.corp.permanent_code, "grantType": "app_secret"})
    assert answer["errorCode"] == 0
    assert answer["accessToken"] == wire.token()["corpAccessToken"]
    assert answer["ea"] == wire.corp.ea
    assert answer["appId"] == wire.corp.app_id
    assert answer["openUserId"] == wire.corp.corp_id  # a corp id, despite its name, as the docs show


def test_identity_in_the_body_the_legacy_style(wire: Wire) -> None:
    answer = wire.call("/cgi/department/list")
    assert answer["errorCode"] == 0
    assert answer["departments"][0]["id"] == 999999
    assert re.fullmatch(rf"E-O\.{wire.corp.ea}\.{wire.corp.admin_open_user_id}-[0-9a-f]{{16}}", answer["traceId"])


def test_identity_in_headers_the_current_style(wire: Wire) -> None:
    """Bearer token, the enterprise account in x-fs-ea, the employee id ("1000" is the admin) in x-fs-userid."""
    created = wire.bearer("/cgi/crm/v2/data/create",
                          {"object_data": {"dataObjectApiName": "LeadsObj", "name": "王五"}})
    assert created["errorCode"] == 0
    record = wire.bearer("/cgi/crm/v2/data/get", {"dataObjectApiName": "LeadsObj",
                                                  "objectDataId": created["dataId"]})
    assert record["data"]["created_by"] == [wire.corp.admin_open_user_id]
    assert wire.bearer("/cgi/department/list", user="1234")["errorCode"] == 20012  # no such employee


@pytest.mark.parametrize(("body", "code", "message"), [
    ({}, 20017, "corpAccessToken为必填项，不能为空"),
    ({"corpAccessToken": "F" * 32}, 20016, "the cropId,cropAccessToken or authorization is error"),
])
def test_a_call_without_a_valid_token_is_refused(wire: Wire, body: dict[str, str], code: int,
                                                  message: str) -> None:
    answer = wire.post("/cgi/crm/v2/data/query", {**body, "data": {"dataObjectApiName": "LeadsObj"}})
    assert (answer["errorCode"], answer["errorMessage"]) == (code, message)
    assert answer["traceId"].startswith("E-O.null.-1000-")


def test_a_fake_bearer_token_is_20016(wire: Wire) -> None:
    answer = wire.post("/cgi/department/list", {}, headers={"authorization": "Bearer NOPE", "x-fs-ea": "x"})
    assert answer["errorCode"] == 20016


def test_a_token_is_only_good_for_its_own_corp(wire: Wire, module_sandbox: ServedSandbox) -> None:
    other = module_sandbox.store.create_corp("别的企业")
    body = {"corpAccessToken": wire.token()["corpAccessToken"], "corpId": other.corp_id}
    assert wire.post("/cgi/department/list", body)["errorCode"] == 20016
    headers = {"authorization": f"Bearer {wire.token()['corpAccessToken']}", "x-fs-ea": other.ea}
    assert wire.post("/cgi/department/list", {}, headers=headers)["errorCode"] == 20016


def test_an_unknown_acting_user_is_20012(wire: Wire) -> None:
    answer = wire.call("/cgi/department/list", currentOpenUserId="FSUID_" + "0" * 32)
    assert answer["errorCode"] == 20012


@pytest.mark.parametrize("authenticated", [True, False])
def test_an_unknown_path_is_10006_before_credentials_are_looked_at(wire: Wire, authenticated: bool) -> None:
    body = {"corpAccessToken": wire.token()["corpAccessToken"], "corpId": wire.corp.corp_id} if authenticated \
        else {"x": 1}
    answer = wire.post("/cgi/crm/v2/data/nothing", body)
    assert answer["errorCode"] == 10006
    assert answer["errorMessage"] == "the request uri=[/cgi/crm/v2/data/nothing], apiName=[null] is not exists"


def test_a_path_outside_the_api_is_a_plain_404(wire: Wire) -> None:
    assert wire.http.post("/index.html", json={}).status_code == 404


@pytest.mark.parametrize(("content", "code"), [
    (b"", 12004),
    (b"   ", 12004),
    (b"{not json", 32000),
    (b"[1, 2]", 32000),
    ("{\"a\": \"\udcff\"}".encode("utf-8", "surrogatepass"), 32000),
])
def test_a_body_that_is_not_a_json_object_is_refused(wire: Wire, content: bytes, code: int) -> None:
    response = wire.http.post("/cgi/department/list", content=content,
                              headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json()["errorCode"] == code
