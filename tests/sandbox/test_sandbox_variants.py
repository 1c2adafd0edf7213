"""The shapes published clients send for the same call: what the platform documents is accepted in every
spelling those clients use, and what it does not take is refused with its error, not half-done."""

from __future__ import annotations

from typing import Any

from tests.helpers.served import Wire

CRM = "/cgi/crm/v2/data"


def test_change_owner_takes_owner_id_as_a_list_or_a_single_id(wire: Wire) -> None:
    colleague = wire.call("/cgi/user/add", user={"name": "销售己", "mobile": "13000130000"})["openUserId"]
    first, second = wire.create("LeadsObj", name="甲"), wire.create("LeadsObj", name="乙")
    answer = wire.call(f"{CRM}/changeOwner", {"dataObjectApiName": "LeadsObj", "Data": [
        {"objectDataId": first, "ownerId": [colleague]}, {"objectDataId": second, "ownerId": colleague}]})
    assert answer["errorCode"] == 0
    assert wire.names("LeadsObj", [{"field_name": "owner", "field_values": [colleague], "operator": "IN"}]) == [
        "甲", "乙"]


def test_change_owner_with_the_v1_key_is_refused(wire: Wire) -> None:
    record = wire.create("LeadsObj", name="丙")
    answer = wire.call(f"{CRM}/changeOwner", {"dataObjectApiName": "LeadsObj", "dataList": [
        {"objectDataId": record, "ownerId": [wire.corp.admin_open_user_id]}]})
    assert answer["errorMessage"] == "data.Data must be a non-empty list of {objectDataId, ownerId}"


def test_create_needs_the_api_name_inside_object_data(wire: Wire) -> None:
    outside = wire.call(f"{CRM}/create", {"dataObjectApiName": "LeadsObj", "object_data": {"name": "丁"},
                                          "triggerWorkFlow": False, "hasSpecifyTime": False})
    assert (outside["errorCode"], outside["errorMessage"]) == (32000, "dataObjectApiName is required")
    inside = wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "丁"},
                                         "details": {}}, triggerWorkFlow=False, triggerApprovalFlow=False)
    assert inside["errorCode"] == 0


def test_query_ignores_keys_it_does_not_know_and_needs_data_object_api_name(wire: Wire) -> None:
    wire.create("LeadsObj", name="戊")
    info: dict[str, Any] = {"limit": 10, "offset": 0, "filters": [], "order": [{"fieldName": "name"}],
                            "find_explicit_total_num": False}
    answer = wire.call(f"{CRM}/query", {"dataObjectApiName": "LeadsObj", "search_query_info": info})
    assert [r["name"] for r in answer["data"]["dataList"]] == ["戊"]
    top_level = wire.call(f"{CRM}/query", objectApiName="LeadsObj", pageSize=10)
    assert top_level["errorMessage"] == "dataObjectApiName is required"


def test_describe_takes_the_api_name_inside_data_or_at_the_top_level(wire: Wire) -> None:
    for answer in (wire.call("/cgi/crm/v2/object/describe", {"apiName": "LeadsObj", "includeDetail": True}),
                   wire.call("/cgi/crm/v2/object/describe", None, apiName="LeadsObj", includeDetail=True)):
        assert answer["data"]["describe"]["api_name"] == "LeadsObj"
