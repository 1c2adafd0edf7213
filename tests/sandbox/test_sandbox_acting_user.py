"""CRM calls act as an employee: without ``currentOpenUserId`` (or the ``x-fs-userid`` header) the platform
refuses them (10010, missing openUserId) instead of acting as the administrator. The address book and
messages do not need one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.served import Wire


def anonymous(wire: Wire, path: str, data: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    token = wire.token()
    body = {"corpAccessToken": token["corpAccessToken"], "corpId": token["corpId"], **top}
    if data is not None:
        body["data"] = data
    return wire.post(path, body)


@pytest.mark.parametrize(("path", "data"), [
    ("/cgi/crm/v2/data/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "无人"}}),
    ("/cgi/crm/v2/data/query", {"dataObjectApiName": "LeadsObj", "search_query_info": {"limit": 10, "offset": 0}}),
    ("/cgi/crm/v2/object/describe", {"apiName": "LeadsObj"}),
    ("/cgi/crm/custom/v2/data/findOne", {"dataObjectApiName": "LeadsObj", "search_query_info": {}}),
    ("/cgi/crm/v2/special/roleGetRoleList", {"AuthContext": {"appId": "CRM"}}),
    ("/mktctl/ext/v1/capabilities", {}),
])
def test_a_crm_call_without_an_acting_employee_is_refused(wire: Wire, path: str, data: dict[str, Any]) -> None:
    answer = anonymous(wire, path, data)
    assert (answer["errorCode"], answer["errorMessage"], answer["errorDescription"]) == (
        10010, "currentOpenUserId is required: the acting employee of a CRM call", "缺少参数currentOpenUserId")
    empty = anonymous(wire, path, data, currentOpenUserId="")
    assert empty["errorCode"] == 10010


def test_the_current_style_needs_the_x_fs_userid_header(wire: Wire) -> None:
    headers = {"authorization": f"Bearer {wire.token()['corpAccessToken']}", "x-fs-ea": wire.corp.ea}
    answer = wire.post("/cgi/crm/v2/object/list", {}, headers=headers)
    assert (answer["errorCode"], answer["errorMessage"]) == (
        10010, "the x-fs-userid header is required: the acting employee of a CRM call")
    assert wire.bearer("/cgi/crm/v2/object/list", {})["errorCode"] == 0


def test_nothing_was_created_by_a_refused_call(wire: Wire) -> None:
    anonymous(wire, "/cgi/crm/v2/data/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "无人"}})
    assert wire.names("LeadsObj") == []


def test_the_address_book_and_messages_need_no_acting_employee(wire: Wire) -> None:
    assert anonymous(wire, "/cgi/department/list")["errorCode"] == 0
    assert anonymous(wire, "/cgi/user/getByMobile", mobile="13800000000")["errorCode"] == 0
    sent = anonymous(wire, "/cgi/message/send", toUser=[wire.corp.admin_open_user_id], msgType="text",
                     text={"content": "你好"})
    assert sent["errorCode"] == 0
