"""Custom objects (api names ending in ``__c``), defined through the extension API and served under
``/cgi/crm/custom/v2/data/*`` with ``findOne`` and ``findSimple``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.served import Wire

EXT = "/mktctl/ext/v1"
CUSTOM = "/cgi/crm/custom/v2/data"
PARTNER = "partner_contact__c"


@pytest.fixture
def partner(wire: Wire) -> Wire:
    """The ``marketing_objects`` example: a custom object with a phone and an email field."""
    answer = wire.call(f"{EXT}/objects/upsert", {"object": {"api_name": PARTNER, "display_name": "渠道伙伴联系人"}})
    assert (answer["errorCode"], answer["data"]) == (0, {"api_name": PARTNER, "created": True})
    for field in ({"api_name": "mobile__c", "label": "手机", "type": "phone_number"},
                  {"api_name": "email__c", "label": "邮箱", "type": "email"}):
        assert wire.call(f"{EXT}/fields/upsert", {"objectApiName": PARTNER, "field": field})["errorCode"] == 0
    return wire


def create(wire: Wire, top: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return wire.call(f"{CUSTOM}/create", {"object_data": {"dataObjectApiName": PARTNER, **fields}}, **(top or {}))


def test_a_custom_object_is_listed_and_described(partner: Wire) -> None:
    objects = {o["describeApiName"]: o for o in partner.call("/cgi/crm/v2/object/list", {})["data"]["objects"]}
    assert (objects[PARTNER]["describeDisplayName"], objects[PARTNER]["defineType"]) == ("渠道伙伴联系人", "custom")
    described = partner.call("/cgi/crm/v2/object/describe", {"apiName": PARTNER})["data"]["describe"]
    assert described["define_type"] == "custom"
    assert {"name", "owner", "mobile__c", "email__c"} <= set(described["fields"])
    listed = partner.call(f"{EXT}/objects/list", {})["data"]["objects"]
    assert [(o["api_name"], [f["api_name"] for f in o["fields"]]) for o in listed] == [
        (PARTNER, ["name", "mobile__c", "email__c"])]


def test_every_record_verb_works_on_the_custom_paths(partner: Wire) -> None:
    created = create(partner, name="王伙伴", mobile__c="13500135000")
    assert created["errorCode"] == 0, created
    record_id = created["dataId"]
    got = partner.call(f"{CUSTOM}/get", {"dataObjectApiName": PARTNER, "objectDataId": record_id})["data"]
    assert (got["name"], got["mobile__c"], got["object_describe_api_name"]) == ("王伙伴", "13500135000", PARTNER)
    assert partner.call(f"{CUSTOM}/update", {"object_data": {"dataObjectApiName": PARTNER, "_id": record_id,
                                                             "email__c": "wang@example.com"}})["errorCode"] == 0
    page = partner.call(f"{CUSTOM}/query", {"dataObjectApiName": PARTNER, "search_query_info": {
        "limit": 10, "offset": 0, "filters": [{"field_name": "email__c", "field_values": ["wang@example.com"],
                                               "operator": "EQ"}]}})["data"]
    assert (page["total"], [r["_id"] for r in page["dataList"]]) == (1, [record_id])
    colleague = partner.call("/cgi/user/add", user={"name": "渠道经理", "mobile": "13400134000"})["openUserId"]
    assert partner.call(f"{CUSTOM}/changeOwner", {"dataObjectApiName": PARTNER, "Data": [
        {"objectDataId": record_id, "ownerId": [colleague]}]})["errorCode"] == 0
    assert partner.call(f"{CUSTOM}/invalid", {"dataObjectApiName": PARTNER, "object_data_id": record_id})[
        "errorCode"] == 0
    assert partner.call(f"{CUSTOM}/recover", {"dataObjectApiName": PARTNER, "idList": [record_id]})["errorCode"] == 0
    assert partner.call("/cgi/crm/custom/data/invalid", {"dataObjectApiName": PARTNER, "idList": [record_id]})[
        "errorCode"] == 0, "the v1 batch invalidate"
    assert partner.call(f"{CUSTOM}/delete", {"dataObjectApiName": PARTNER, "idList": [record_id]})["errorCode"] == 0


def test_each_kind_of_object_has_its_own_paths(partner: Wire) -> None:
    on_preset_path = partner.call("/cgi/crm/v2/data/create", {"object_data": {"dataObjectApiName": PARTNER,
                                                                              "name": "x"}})
    assert on_preset_path["errorMessage"] == f"{PARTNER} is a custom object: call /cgi/crm/custom/v2/data/*"
    on_custom_path = partner.call(f"{CUSTOM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "x"}})
    assert on_custom_path["errorDescription"] == "本接口只适用于自定义对象"


def test_find_one_answers_data_object_data_for_any_object(partner: Wire) -> None:
    create(partner, name="李伙伴", email__c="li@example.com")
    lead = partner.create("LeadsObj", name="找一条", email="one@example.com")
    for api_name, field, value in ((PARTNER, "email__c", "li@example.com"), ("LeadsObj", "email", "one@example.com")):
        found = partner.call(f"{CUSTOM}/findOne", {"dataObjectApiName": api_name, "search_query_info": {
            "filters": [{"field_name": field, "field_values": [value], "operator": "EQ"}]},
            "field_projection": ["name", field]})
        assert found["errorCode"] == 0, found
        assert set(found["data"]["objectData"]) == {"_id", "name", field}
    by_id = partner.call(f"{CUSTOM}/findOne", {"dataObjectApiName": "LeadsObj", "search_query_info": {
        "filters": [{"field_name": "_id", "field_values": [lead], "operator": "EQ"}]}, "field_projection": []})
    assert by_id["data"]["objectData"]["name"] == "找一条"
    none = partner.call(f"{CUSTOM}/findOne", {"dataObjectApiName": PARTNER, "search_query_info": {
        "filters": [{"field_name": "name", "field_values": ["没有"], "operator": "EQ"}]}})
    assert (none["errorCode"], none["data"]) == (0, {})


def test_find_simple_pages_like_query_with_its_own_projection_key(partner: Wire) -> None:
    for number in range(3):
        create(partner, name=f"伙伴{number}")
    page = partner.call(f"{CUSTOM}/findSimple", {"dataObjectApiName": PARTNER, "find_explicit_total_num": True,
                                                 "search_query_info": {"limit": 2, "offset": 0, "orders": [
                                                     {"fieldName": "name", "isAsc": False}]},
                                                 "field_projection": ["name"]})["data"]
    assert (page["total"], page["limit"], [r["name"] for r in page["dataList"]]) == (3, 2, ["伙伴2", "伙伴1"])
    assert all(set(r) == {"_id", "name"} for r in page["dataList"])


def test_custom_create_checks_duplicates_with_check_duplicate_search(partner: Wire) -> None:
    assert create(partner, name="重复伙伴")["errorCode"] == 0
    assert create(partner, name="重复伙伴")["errorCode"] == 0, "no check unless asked"
    duplicate = create(partner, {"checkDuplicateSearch": True}, name="重复伙伴")
    assert (duplicate["errorCode"], duplicate["errorDescription"]) == (32003, "数据重复：已有相同主属性的数据")


def test_an_object_with_records_cannot_be_deleted(partner: Wire) -> None:
    create(partner, name="留下")
    refused = partner.call(f"{EXT}/objects/delete", {"api_name": PARTNER})
    assert refused["errorMessage"] == f"{PARTNER} still has records: delete them first"


def test_a_custom_object_gets_a_generated_api_name_when_none_is_given(wire: Wire) -> None:
    answer = wire.call(f"{EXT}/objects/upsert", {"object": {"display_name": "会员卡"}})
    name = answer["data"]["api_name"]
    assert name.startswith("object_") and name.endswith("__c")
    assert wire.call(f"{EXT}/objects/delete", {"api_name": name})["errorCode"] == 0
    assert wire.call("/cgi/crm/v2/object/describe", {"apiName": name})["errorCode"] == 32000
