"""CRM object data on the wire: create, get, update, invalid, delete, recover and changeOwner under
``/cgi/crm/v2/data/``, with the platform's placement rules (``dataObjectApiName`` inside ``object_data``
for create/update, directly in ``data`` otherwise) and life cycle (delete only after invalid)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.served import Wire

CRM = "/cgi/crm/v2/data"


def get(wire: Wire, record_id: str, api_name: str = "LeadsObj", **top: Any) -> dict[str, Any]:
    return wire.call(f"{CRM}/get", {"dataObjectApiName": api_name, "objectDataId": record_id}, **top)


def test_create_answers_a_data_id_at_the_top_level_and_get_returns_the_record(wire: Wire) -> None:
    answer = wire.call(f"{CRM}/create", {"object_data": {
        "dataObjectApiName": "LeadsObj", "name": "张三", "company": "示例科技", "mobile": "13800138000",
        "source": "4"}})
    assert answer["errorCode"] == 0 and answer["errorMessage"] == "OK"
    record_id = answer["dataId"]
    assert len(record_id) == 24

    record = get(wire, record_id)
    assert record["errorCode"] == 0
    data = record["data"]
    assert {k: data[k] for k in ("_id", "name", "company", "mobile", "source")} == {
        "_id": record_id, "name": "张三", "company": "示例科技", "mobile": "13800138000", "source": "4"}
    assert data["object_describe_api_name"] == "LeadsObj"
    assert data["owner"] == data["created_by"] == [wire.corp.admin_open_user_id]
    assert data["life_status"] == "normal" and data["record_type"] == "default__c"
    assert isinstance(data["create_time"], int) and data["create_time"] > 1_600_000_000_000  # epoch ms
    assert "tel" not in data, "empty fields are left out"
    assert get(wire, record_id, includeNull=True)["data"]["tel"] is None, "unless includeNull"


def test_every_emulated_object_takes_records(wire: Wire) -> None:
    account = wire.create("AccountObj", name="示例科技有限公司", account_type="1")
    wire.create("ContactObj", name="李四", account_id=account, mobile1="13900139000")
    wire.create("NewOpportunityObj", name="年度框架", account_id=account, amount="100000.00", sales_stage="2")
    event = wire.create("MarketingEventObj", name="2026 春季发布会", event_type="3")
    wire.create("LeadsObj", name="王五", marketing_event_id=event)
    for api_name in ("AccountObj", "ContactObj", "NewOpportunityObj", "MarketingEventObj", "LeadsObj"):
        assert wire.query(api_name)["data"]["total"] == 1, api_name


@pytest.mark.parametrize(("object_data", "message"), [
    ({"dataObjectApiName": "LeadsObj"}, "field name (姓名) is required"),
    ({"dataObjectApiName": "LeadsObj", "name": ""}, "field name (姓名) is required"),
    ({"dataObjectApiName": "LeadsObj", "name": "x", "nickname": "y"}, "field nickname does not exist on LeadsObj"),
    ({"dataObjectApiName": "LeadsObj", "name": "x", "source": "99"}, "value '99' is not an option of source"),
    ({"dataObjectApiName": "LeadsObj", "name": 5}, "field name takes a string"),
    ({"dataObjectApiName": "LeadsObj", "name": "x", "record_type": "partner__c"},
     "record type partner__c does not exist on this object"),
    ({"dataObjectApiName": "LeadsObj", "name": "x", "object_describe_api_name": "AccountObj"},
     "object_describe_api_name 'AccountObj' does not match dataObjectApiName LeadsObj"),
    ({"dataObjectApiName": "MarketingEventObj", "name": "x", "budget": "lots"}, "field budget takes a number"),
    ({"dataObjectApiName": "LeadsObj", "name": "x", "account_id": "nope"},
     "account_id: AccountObj record nope not found"),
    ({"dataObjectApiName": "LeadsObj", "name": "x", "owner": ["FSUID_NOBODY"]}, "employee FSUID_NOBODY not found"),
    ({"dataObjectApiName": "NoSuchObj", "name": "x"}, "object NoSuchObj does not exist or is not enabled"),
    ({"name": "x"}, "dataObjectApiName is required"),
])
def test_create_refuses_what_the_platform_refuses(wire: Wire, object_data: dict[str, Any], message: str) -> None:
    answer = wire.call(f"{CRM}/create", {"object_data": object_data})
    assert answer["errorMessage"] == message
    assert answer["errorCode"] == (30027 if "employee" in message else 32000)
    assert wire.query("LeadsObj")["data"]["total"] == 0


def test_dataobjectapiname_must_sit_inside_object_data_on_create(wire: Wire) -> None:
    answer = wire.call(f"{CRM}/create", {"dataObjectApiName": "LeadsObj", "object_data": {"name": "x"}})
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, "dataObjectApiName is required")
    assert wire.call(f"{CRM}/create", {})["errorMessage"] == "data.object_data is required"


def test_create_honours_create_time_only_with_hasspecifytime(wire: Wire) -> None:
    then = 1_600_000_000_000
    plain = wire.create("LeadsObj", name="a", create_time=then)
    assert get(wire, plain)["data"]["create_time"] > then, "create_time is ignored ..."
    kept = wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "b",
                                                       "create_time": then}}, hasSpecifyTime=True)
    assert get(wire, kept["dataId"])["data"]["create_time"] == then, "... unless the caller specifies the time"


def test_create_takes_the_fields_every_object_has(wire: Wire) -> None:
    record_id = wire.create("ContactObj", name="李四", record_type="default__c")
    assert get(wire, record_id, api_name="ContactObj")["data"]["record_type"] == "default__c"


def test_get_of_an_unknown_record(wire: Wire) -> None:
    answer = get(wire, "0" * 24)
    assert (answer["errorCode"], answer["errorMessage"]) == (32002, f"LeadsObj record {'0' * 24} not found")


def test_update_changes_only_the_given_fields(wire: Wire) -> None:
    record_id = wire.create("LeadsObj", name="张三", company="旧公司", mobile="13800138000")
    answer = wire.call(f"{CRM}/update", {"object_data": {"dataObjectApiName": "LeadsObj", "_id": record_id,
                                                         "company": "新公司", "biz_status": "processed"}})
    assert answer["errorCode"] == 0
    data = get(wire, record_id)["data"]
    assert (data["name"], data["company"], data["mobile"], data["biz_status"]) == (
        "张三", "新公司", "13800138000", "processed")


def test_update_cannot_change_the_owner_that_takes_changeowner(wire: Wire, module_sandbox: Any) -> None:
    record_id = wire.create("LeadsObj", name="张三")
    colleague = wire.call("/cgi/user/add", user={"name": "销售甲", "mobile": "13700137000"})["openUserId"]
    refused = wire.call(f"{CRM}/update", {"object_data": {"dataObjectApiName": "LeadsObj", "_id": record_id,
                                                          "owner": [colleague]}})
    assert refused["errorMessage"] == "owner cannot be changed by update; use data/changeOwner"
    sent_back = wire.call(f"{CRM}/update", {"object_data": {"dataObjectApiName": "LeadsObj", "_id": record_id,
                                                            "owner": [wire.corp.admin_open_user_id], "name": "张三丰"}})
    assert sent_back["errorCode"] == 0, "the unchanged owner of a record sent back whole is no change"
    answer = wire.call(f"{CRM}/changeOwner", {"dataObjectApiName": "LeadsObj",
                                              "Data": [{"objectDataId": record_id, "ownerId": [colleague]}]})
    assert answer["errorCode"] == 0
    assert get(wire, record_id)["data"]["owner"] == [colleague]


def test_invalid_moves_a_record_to_the_recycle_bin_and_recover_brings_it_back(wire: Wire) -> None:
    record_id = wire.create("LeadsObj", name="张三")
    assert wire.call(f"{CRM}/invalid", {"dataObjectApiName": "LeadsObj",
                                        "object_data_id": record_id})["errorCode"] == 0
    assert get(wire, record_id)["data"]["life_status"] == "invalid"
    assert wire.names("LeadsObj") == [], "queries leave invalid records out ..."
    assert wire.names("LeadsObj", [{"field_name": "life_status", "field_values": ["invalid"],
                                    "operator": "EQ"}]) == ["张三"], "... unless they ask for them"
    edit = wire.call(f"{CRM}/update", {"object_data": {"dataObjectApiName": "LeadsObj", "_id": record_id,
                                                       "company": "x"}})
    assert edit["errorMessage"] == "the record is invalid and cannot be edited"

    assert wire.call(f"{CRM}/recover", {"dataObjectApiName": "LeadsObj", "idList": [record_id]})["errorCode"] == 0
    assert wire.names("LeadsObj") == ["张三"]


def test_delete_only_takes_invalidated_records(wire: Wire) -> None:
    record_id = wire.create("LeadsObj", name="张三")
    refused = wire.call(f"{CRM}/delete", {"dataObjectApiName": "LeadsObj", "idList": [record_id]})
    assert (refused["errorCode"], refused["errorMessage"]) == (32000, f"record {record_id} must be invalidated first")
    wire.call(f"{CRM}/invalid", {"dataObjectApiName": "LeadsObj", "object_data_id": record_id})
    assert wire.call(f"{CRM}/delete", {"dataObjectApiName": "LeadsObj", "idList": [record_id]})["errorCode"] == 0
    assert get(wire, record_id)["errorCode"] == 32002
    assert wire.call(f"{CRM}/recover", {"dataObjectApiName": "LeadsObj", "idList": [record_id]})["errorCode"] == 32002


@pytest.mark.parametrize("id_list", [[], "abc", [1], None])
def test_id_lists_must_be_lists_of_ids(wire: Wire, id_list: Any) -> None:
    answer = wire.call(f"{CRM}/delete", {"dataObjectApiName": "LeadsObj", "idList": id_list})
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, "idList must be a non-empty list of ids")
