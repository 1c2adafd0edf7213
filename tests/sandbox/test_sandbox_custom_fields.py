"""A tenant's own fields on preset objects, defined through the extension API (``/mktctl/ext/v1/fields/*``):
``object/describe`` lists them with type and options, create, update and query take them, and a field
declared with an api name gets exactly that name."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.served import Wire

EXT = "/mktctl/ext/v1"
CRM = "/cgi/crm/v2/data"
COUNTRY = {"api_name": "field_IT92M__c", "label": "国家", "type": "select_one",
           "options": [{"label": "英国", "value": "IYWea10Fx"}, {"label": "德国", "value": "KsekHd2m8"}]}


def define(wire: Wire, field: dict[str, Any], api_name: str = "LeadsObj") -> dict[str, Any]:
    return wire.call(f"{EXT}/fields/upsert", {"objectApiName": api_name, "field": field})


def describe(wire: Wire, api_name: str = "LeadsObj") -> dict[str, Any]:
    return dict(wire.call("/cgi/crm/v2/object/describe", {"apiName": api_name})["data"]["describe"]["fields"])


def test_a_field_declared_with_an_api_name_gets_exactly_that_name(wire: Wire) -> None:
    answer = define(wire, COUNTRY)
    assert (answer["errorCode"], answer["data"]["api_name"], answer["data"]["created"]) == (
        0, "field_IT92M__c", True)
    field = describe(wire)["field_IT92M__c"]
    assert (field["label"], field["type"], field["define_type"], field["is_required"]) == (
        "国家", "select_one", "custom", False)
    assert field["options"] == [{"value": "IYWea10Fx", "label": "英国"}, {"value": "KsekHd2m8", "label": "德国"}]


def test_a_field_without_an_api_name_gets_one_of_the_platforms_shape(wire: Wire) -> None:
    answer = define(wire, {"label": "意向产品", "type": "select_many", "options": ["营销通", "销售云"]})
    name = answer["data"]["api_name"]
    assert name.startswith("field_") and name.endswith("__c") and len(name) == len("field_a1B2c__c")
    options = describe(wire)[name]["options"]
    assert [o["label"] for o in options] == ["营销通", "销售云"] and all(len(o["value"]) == 9 for o in options)


def test_create_update_and_query_take_custom_fields(wire: Wire) -> None:
    define(wire, COUNTRY)
    define(wire, {"api_name": "budget__c", "label": "预算", "type": "currency"})
    define(wire, {"api_name": "field_team1__c", "label": "协作人", "type": "employee"})
    created = wire.call(f"{CRM}/create", {"object_data": {
        "dataObjectApiName": "LeadsObj", "name": "自定义字段", "field_IT92M__c": "IYWea10Fx", "budget__c": "1200.50",
        "field_team1__c": [wire.corp.admin_open_user_id]}})
    assert created["errorCode"] == 0, created
    record_id = created["dataId"]
    updated = wire.call(f"{CRM}/update", {"object_data": {"dataObjectApiName": "LeadsObj", "_id": record_id,
                                                          "field_IT92M__c": "KsekHd2m8"}})
    assert updated["errorCode"] == 0
    assert wire.names("LeadsObj", [{"field_name": "field_IT92M__c", "field_values": ["KsekHd2m8"], "operator": "EQ"},
                                   {"field_name": "budget__c", "field_values": ["1000"], "operator": "GT"},
                                   {"field_name": "field_team1__c", "field_values": ["1000"], "operator": "IN"}]) \
        == ["自定义字段"]
    refused = wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "x",
                                                          "field_IT92M__c": "英国"}})
    assert refused["errorMessage"] == "value '英国' is not an option of field_IT92M__c", "the value, not the label"


def test_a_required_custom_field_is_required_on_create(wire: Wire) -> None:
    define(wire, {"api_name": "field_must1__c", "label": "行业细分", "type": "text", "is_required": True})
    refused = wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "x"}})
    assert (refused["errorMessage"], refused["errorDescription"]) == (
        "field field_must1__c (行业细分) is required", "行业细分为必填项")


def test_a_standard_field_can_be_relabelled_required_and_given_options_but_keeps_its_type(wire: Wire) -> None:
    answer = define(wire, {"api_name": "source", "label": "来源渠道", "is_required": True,
                           "options": [{"label": "官网表单", "value": "4"}, "抖音"]})
    assert (answer["errorCode"], answer["data"]["created"]) == (0, False)
    field = describe(wire)["source"]
    assert (field["label"], field["is_required"], field["define_type"]) == ("来源渠道", True, "package")
    assert [o["label"] for o in field["options"]] == ["官网表单", "抖音"]
    changed = define(wire, {"api_name": "source", "type": "text"})
    assert changed["errorMessage"] == "source is a select_one field; its type cannot change"


def test_deleting_a_custom_field_takes_its_values_with_it(wire: Wire) -> None:
    define(wire, {"api_name": "field_gone1__c", "label": "临时", "type": "text"})
    record_id = wire.create("LeadsObj", name="删字段", field_gone1__c="值")
    assert wire.call(f"{EXT}/fields/delete", {"objectApiName": "LeadsObj", "api_name": "field_gone1__c"})[
        "errorCode"] == 0
    assert "field_gone1__c" not in describe(wire)
    record = wire.call(f"{CRM}/get", {"dataObjectApiName": "LeadsObj", "objectDataId": record_id})["data"]
    assert "field_gone1__c" not in record
    listed = wire.call(f"{EXT}/fields/list", {"objectApiName": "LeadsObj"})["data"]["fields"]
    assert "field_gone1__c" not in [f["api_name"] for f in listed]


@pytest.mark.parametrize(("field", "message"), [
    ({"api_name": "field_x__c", "label": "x", "type": "formula"}, "type 'formula': one of"),
    ({"api_name": "plain_name", "label": "x", "type": "text"}, "api_name 'plain_name': a custom field's api name"),
    ({"api_name": "field_x__c", "label": "x", "type": "select_one"}, "options must list 1 to 500 options"),
    ({"api_name": "field_x__c", "label": "x", "type": "object_reference", "target_api_name": "NopeObj"},
     "target_api_name 'NopeObj': an object reference names an object that exists"),
    ({"api_name": "field_x__c", "type": "text"}, "label must be a text of 1 to 60 characters"),
])
def test_a_field_definition_the_platform_would_not_take_is_refused(wire: Wire, field: dict[str, Any],
                                                                  message: str) -> None:
    answer = define(wire, field)
    assert answer["errorCode"] == 32000 and answer["errorMessage"].startswith(message), answer
