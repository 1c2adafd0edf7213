"""The client's corp access token: fetched once and shared by every call and thread, refreshed shortly
before it expires, and refreshed once - with the call repeated - when the tenant answers 20016."""

from __future__ import annotations

import threading

import pytest

from mktctl import errors as e
from mktctl.sandbox.server import ServedSandbox
from mktctl.tenant.client import TOKEN_MARGIN_S, CallRecord
from tests.helpers.served import client_for
from tests.tenant.scripted import TOKEN_PATH, Script, error, ok, scripted_client

LIST = "/cgi/department/list"


def test_one_token_serves_many_calls(served_sandbox: ServedSandbox) -> None:
    calls: list[CallRecord] = []
    client = client_for(served_sandbox, on_call=calls.append)
    for _ in range(5):
        assert client.call(LIST, {})["errorCode"] == 0
    assert [c.path for c in calls] == [TOKEN_PATH] + [LIST] * 5
    assert all(c.trace_id and c.error_code == 0 for c in calls)
    client.close()


def test_every_call_carries_the_token_corp_and_acting_user() -> None:
    script = Script([ok(), ok()])
    client, _ = scripted_client(script)
    client.call(LIST, {"departmentId": 1})
    client.call("/cgi/user/list", {}, with_user=False)
    first, second = script.calls(LIST)[0], script.calls("/cgi/user/list")[0]
    assert first == {"departmentId": 1, "corpAccessToken": "TOKEN1", "corpId": "FSCID_TEST",
                     "currentOpenUserId": "FSUID_ADMIN"}
    assert "currentOpenUserId" not in second
    assert script.calls(TOKEN_PATH) == [{"appId": "FSAID_test", "appSecret": "s3cr3t-app-secret-value",
                                         "permanentCode": "PERMANENT-CODE-VALUE"}]


def test_the_token_is_refreshed_shortly_before_it_expires() -> None:
    script = Script([ok(), ok(), ok()])
    client, clock = scripted_client(script)
    client.call(LIST, {})
    clock.now += 7200 - TOKEN_MARGIN_S - 1
    client.call(LIST, {})
    assert script.token_count == 1
    clock.now += 1
    client.call(LIST, {})
    assert script.token_count == 2
    assert [body["corpAccessToken"] for body in script.calls(LIST)] == ["TOKEN1", "TOKEN1", "TOKEN2"]


def test_an_expired_token_is_refreshed_once_and_the_call_repeated(served_sandbox: ServedSandbox) -> None:
    calls: list[CallRecord] = []
    client = client_for(served_sandbox, on_call=calls.append)
    client.call(LIST, {})
    with served_sandbox.store.transaction() as db:
        db.execute("DELETE FROM tokens")  # the tenant forgets the token: the next call answers 20016
    assert client.call(LIST, {})["errorCode"] == 0
    assert [(c.path, c.error_code) for c in calls] == [(TOKEN_PATH, 0), (LIST, 0), (LIST, 20016),
                                                       (TOKEN_PATH, 0), (LIST, 0)]
    client.close()


def test_a_second_20016_in_a_row_is_an_auth_error() -> None:
    script = Script([error(20016, "the cropId,cropAccessToken or authorization is error")] * 2)
    client, _ = scripted_client(script)
    with pytest.raises(e.AuthError) as caught:
        client.call(LIST, {})
    assert caught.value.code == 20016 and script.token_count == 2
    assert caught.value.hint == "check the tenant's app id, app secret, permanent code and open user id"


def test_wrong_credentials_are_an_auth_error_with_the_platforms_code(served_sandbox: ServedSandbox) -> None:
    from dataclasses import replace

    from mktctl.tenant.client import FxiaokeClient

    good = client_for(served_sandbox)
    client = FxiaokeClient(good.http, replace(good.credentials, app_secret="0" * 32), sleep=lambda s: None)
    with pytest.raises(e.AuthError) as caught:
        client.call(LIST, {})
    assert (caught.value.code, caught.value.path) == (10006, TOKEN_PATH)
    assert caught.value.message == "the parameter appSecret is missing or illegal (缺少参数或参数不合法)"
    client.close()


def test_threads_share_one_token(served_sandbox: ServedSandbox) -> None:
    calls: list[CallRecord] = []
    client = client_for(served_sandbox, on_call=calls.append)
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            client.call(LIST, {})
        except e.TenantError as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [c.path for c in calls].count(TOKEN_PATH) == 1
    assert [c.path for c in calls].count(LIST) == 8
    client.close()
