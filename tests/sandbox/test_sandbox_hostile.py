"""Hostile or careless request values never crash the sandbox: every answer is the platform's envelope
(HTTP 200 and a non-zero errorCode), never an HTTP 500. A list where an id belongs, a number over 64 bits,
a lone surrogate, a deeply nested body: all are the caller's mistake and answered as one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.sandbox.embedded import EmbeddedSandbox
from tests.helpers.served import TOKEN_PATH, Wire

TOO_BIG = 10**30


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/cgi/user/setStatus", {"openUserId": ["FSUID_A"], "status": 2},
     "a parameter has a value of the wrong type (a list or an object where a single value belongs)"),
    ("/cgi/department/detail", {"departmentId": TOO_BIG}, "a number in the request is too large"),
    ("/cgi/department/update", {"department": {"id": 999999, "name": None}},
     "department.name must be a non-empty text"),
    ("/cgi/user/add", {"user": {"name": "x", "attachingDepartmentIds": 1}},
     "user.attachingDepartmentIds must be a list of department ids"),
    ("/cgi/crm/v2/data/create", {"hasSpecifyTime": True, "data": {"object_data": {
        "dataObjectApiName": "LeadsObj", "name": "x", "create_time": "yesterday"}}},
     "create_time must be epoch milliseconds"),
    ("/cgi/crm/v2/data/query", {"data": {"dataObjectApiName": "LeadsObj",
                                         "search_query_info": {"fieldProjection": [{"name": 1}]}}},
     "fieldProjection must be a list of field api names"),
])
def test_a_value_of_the_wrong_kind_is_a_parameter_error(wire: Wire, path: str, body: dict[str, Any],
                                                        message: str) -> None:
    answer = wire.call(path, body.pop("data", None), **body)
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, message)


def test_hasanyof_on_a_field_that_is_not_a_list_matches_its_value(wire: Wire) -> None:
    wire.create("LeadsObj", name="张三")
    assert wire.names("LeadsObj", [{"field_name": "name", "field_values": ["张三", "李四"],
                                    "operator": "HASANYOF"}]) == ["张三"]


@pytest.mark.parametrize("content", [
    b'{"name": "\\udcff"}',  # a lone surrogate, escaped: valid JSON, impossible text
    b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than any parser should follow
    b'{"data": {"object_data": {"dataObjectApiName": "MarketingEventObj", "name": "x", "budget": 1e400}}}',
    b'{"data": {"object_data": {"dataObjectApiName": "MarketingEventObj", "name": "x", "budget": NaN}}}',
])
def test_bodies_that_parse_but_cannot_be_text_are_refused(wire: Wire, content: bytes) -> None:
    response = wire.http.post("/cgi/crm/v2/data/create", content=content)
    assert response.status_code == 200
    assert response.json()["errorMessage"] == "the body is not valid JSON in UTF-8"


JSON = st.recursive(st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=6)
SLOTS = [
    ("/cgi/crm/v2/data/create", lambda v: {"data": {"object_data": {"dataObjectApiName": "LeadsObj", "name": "x",
                                                                    "account_id": v, "remark": v}}}),
    ("/cgi/crm/v2/data/create", lambda v: {"hasSpecifyTime": v, "data": {"object_data": {
        "dataObjectApiName": "MarketingEventObj", "name": "x", "budget": v, "create_time": v}}}),
    ("/cgi/crm/v2/data/query", lambda v: {"data": {"dataObjectApiName": "LeadsObj", "search_query_info": {
        "limit": 10, "filters": [{"field_name": "name", "field_values": v, "operator": "HASANYOF"}], "orders": v}}}),
    ("/cgi/crm/v2/data/query", lambda v: {"data": {"dataObjectApiName": "MarketingEventObj", "search_query_info": {
        "filters": [{"field_name": "budget", "field_values": [v], "operator": "GT"}], "fieldProjection": v}}}),
    ("/cgi/crm/v2/data/changeOwner", lambda v: {"data": {"dataObjectApiName": "LeadsObj", "Data": v}}),
    ("/cgi/department/add", lambda v: {"department": {"name": v, "parentId": v}}),
    ("/cgi/department/update", lambda v: {"department": {"id": 999999, "order": v}}),
    ("/cgi/user/add", lambda v: {"user": {"name": "x", "mobile": v, "leaderId": v, "attachingDepartmentIds": v}}),
    ("/cgi/user/list", lambda v: {"departmentId": v, "fetchChild": v}),
    ("/cgi/crm/v2/special/batchAddUserRole", lambda v: {"data": {"userIds": v, "roleCodes": v, "majorRole": v}}),
]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, dict[str, Any]]]:
    sandbox = EmbeddedSandbox(Path(tmp_path_factory.mktemp("hostile")) / "sandbox.db")
    corp = sandbox.corp
    token = sandbox.http.post(TOKEN_PATH, json={"appId": corp.app_id, "appSecret": corp.app_secret,
                                                "permanentCode": corp.permanent_code}).json()
    identity = {"corpAccessToken": token["corpAccessToken"], "corpId": corp.corp_id,
                "currentOpenUserId": corp.admin_open_user_id}
    yield sandbox.http, identity
    sandbox.close()


@pytest.mark.parametrize(("path", "slot"), SLOTS, ids=[f"{path}#{n}" for n, (path, _) in enumerate(SLOTS)])
def test_any_json_value_in_any_slot_gets_an_envelope(embedded: tuple[httpx.Client, dict[str, Any]], path: str,
                                                     slot: Any) -> None:
    http, identity = embedded

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=JSON)
    def check(value: Any) -> None:
        response = http.post(path, json={**identity, **slot(value)})
        assert response.status_code == 200, response.text
        assert isinstance(response.json()["errorCode"], int)

    check()
