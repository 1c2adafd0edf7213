"""Two corps in one sandbox never see each other's data: every table is keyed by corp, and a record id,
user or department of one corp is unknown to the other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mktctl.sandbox.server import ServedSandbox
from tests.helpers.served import Wire

CRM = "/cgi/crm/v2/data"


@pytest.fixture
def other(module_sandbox: ServedSandbox) -> Iterator[Wire]:
    w = Wire(module_sandbox.url, module_sandbox.store.create_corp("另一家企业"))
    yield w
    w.close()


def test_records_of_one_corp_are_invisible_to_the_other(wire: Wire, other: Wire) -> None:
    account = wire.create("AccountObj", name="示例科技有限公司")
    lead = wire.create("LeadsObj", name="张三", account_id=account, mobile="13800138000")

    assert other.query("LeadsObj")["data"] == {"dataList": [], "total": 0, "offset": 0, "limit": 100}
    assert other.names("LeadsObj", [{"field_name": "mobile", "field_values": ["13800138000"],
                                     "operator": "EQ"}]) == []
    for path, data in [
        ("get", {"dataObjectApiName": "LeadsObj", "objectDataId": lead}),
        ("update", {"object_data": {"dataObjectApiName": "LeadsObj", "_id": lead, "name": "改"}}),
        ("invalid", {"dataObjectApiName": "LeadsObj", "object_data_id": lead}),
        ("recover", {"dataObjectApiName": "LeadsObj", "idList": [lead]}),
        ("delete", {"dataObjectApiName": "LeadsObj", "idList": [lead]}),
        ("changeOwner", {"dataObjectApiName": "LeadsObj",
                         "Data": [{"objectDataId": lead, "ownerId": [other.corp.admin_open_user_id]}]}),
    ]:
        assert other.call(f"{CRM}/{path}", data)["errorCode"] == 32002, path
    refers = other.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "李四",
                                                          "account_id": account}})
    assert refers["errorMessage"] == f"account_id: AccountObj record {account} not found"

    record = wire.call(f"{CRM}/get", {"dataObjectApiName": "LeadsObj", "objectDataId": lead})["data"]
    assert (record["name"], record["life_status"]) == ("张三", "normal"), "untouched by the other corp"


def test_the_address_book_of_one_corp_is_invisible_to_the_other(wire: Wire, other: Wire) -> None:
    department = wire.call("/cgi/department/add", department={"name": "市场部"})["departmentId"]
    user = wire.call("/cgi/user/add", user={"name": "张敏", "mobile": "13900139000"})["openUserId"]
    role = wire.call("/cgi/crm/v2/special/roleAdd", {"roleName": "市场专员"})["data"]["roleCode"]

    assert [d["name"] for d in other.call("/cgi/department/list")["departments"]] == ["全公司"]
    assert other.call("/cgi/department/detail", departmentId=department)["errorCode"] == 30007
    assert other.call("/cgi/user/get", openUserId=user)["errorCode"] == 30027
    assert other.call("/cgi/user/getByMobile", mobile="13900139000")["empList"] == []
    assert [u["name"] for u in other.call("/cgi/user/list")["userList"]] == ["系统管理员"]
    assert other.call("/cgi/crm/v2/special/roleUpdate", {"roleCode": role, "roleName": "x"})["errorCode"] == 32000
    assert other.call("/cgi/crm/v2/special/getRolesByUsers", {"userIds": [user]})["data"] == []
    assert other.call("/cgi/user/add", user={"name": "同号", "mobile": "13900139000"})["errorCode"] == 0, \
        "a mobile is unique within a corp, not across corps"


def test_a_corp_cannot_act_as_another_corps_user(wire: Wire, other: Wire) -> None:
    answer = other.call("/cgi/department/list", currentOpenUserId=wire.corp.admin_open_user_id)
    assert answer["errorCode"] == 20012


def test_ids_and_counters_are_per_corp(wire: Wire, other: Wire) -> None:
    first = wire.call("/cgi/department/add", department={"name": "甲部"})["departmentId"]
    second = other.call("/cgi/department/add", department={"name": "乙部"})["departmentId"]
    assert first == second == 1001, "each corp numbers its own departments"
