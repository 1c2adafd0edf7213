"""``/cgi/crm/v2/object/list`` and ``object/describe``: which preset objects the sandbox has and their
fields, with the platform's api names (shared/reference §5)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.served import Wire

MARKETING_OBJECTS = ["LeadsObj", "AccountObj", "ContactObj", "NewOpportunityObj", "MarketingEventObj"]
FIELDS_SEEN_IN_SOURCES = {
    "LeadsObj": {"name", "company", "mobile", "tel", "url", "remark", "source", "marketing_event_id",
                 "leads_pool_id", "biz_status", "leads_stage", "close_reason", "account_id", "contact_id",
                 "new_opportunity_id", "is_duplicated"},
    "AccountObj": {"name", "account_type", "tel"},
    "ContactObj": {"name", "account_id", "mobile1", "mobile2", "mobile3"},
    "NewOpportunityObj": {"name", "amount", "close_date", "account_id", "sales_stage", "probability",
                          "sales_status"},
    "MarketingEventObj": {"name"},
}
COMMON = {"_id", "owner", "record_type", "created_by", "create_time", "last_modified_by", "last_modified_time",
          "life_status", "lock_status", "is_deleted", "version", "object_describe_api_name"}


def test_object_list_names_the_marketing_objects_as_preset_objects(wire: Wire) -> None:
    answer = wire.call("/cgi/crm/v2/object/list", {})
    assert answer["errorCode"] == 0 and answer["errorMessage"] == "OK"
    objects = {o["describeApiName"]: o for o in answer["data"]["objects"]}
    assert set(MARKETING_OBJECTS) <= set(objects)
    assert objects["LeadsObj"]["describeDisplayName"] == "销售线索"
    assert objects["MarketingEventObj"]["describeDisplayName"] == "市场活动"
    assert {o["defineType"] for o in objects.values()} == {"package"}
    assert all(o["isActive"] for o in objects.values())


@pytest.mark.parametrize("api_name", MARKETING_OBJECTS)
def test_describe_gives_each_objects_fields_by_api_name(wire: Wire, api_name: str) -> None:
    answer = wire.call("/cgi/crm/v2/object/describe", {"apiName": api_name, "includeDetail": True})
    assert answer["errorCode"] == 0
    describe = answer["data"]["describe"]
    assert describe["api_name"] == api_name
    fields: dict[str, dict[str, Any]] = describe["fields"]
    assert FIELDS_SEEN_IN_SOURCES[api_name] | COMMON <= set(fields)
    assert fields["name"]["is_required"] is True
    for name, field in fields.items():
        assert field["api_name"] == name
        assert {"label", "type", "is_required", "is_active", "define_type"} <= set(field)


def test_describe_shows_options_and_reference_targets(wire: Wire) -> None:
    fields = wire.call("/cgi/crm/v2/object/describe", {"apiName": "LeadsObj"})["data"]["describe"]["fields"]
    assert {"value": "4", "label": "官网表单"} in fields["source"]["options"]
    assert fields["source"]["type"] == "select_one"
    assert fields["marketing_event_id"]["target_api_name"] == "MarketingEventObj"
    assert fields["mobile"]["type"] == "phone_number"


def test_describe_takes_apiname_at_the_top_level_as_older_clients_send_it(wire: Wire) -> None:
    answer = wire.call("/cgi/crm/v2/object/describe", {}, apiName="AccountObj")
    assert answer["data"]["describe"]["api_name"] == "AccountObj"


def test_describe_of_an_unknown_object(wire: Wire) -> None:
    answer = wire.call("/cgi/crm/v2/object/describe", {"apiName": "Leads"})
    assert (answer["errorCode"], answer["errorMessage"], answer["errorDescription"]) == (
        32000, "object Leads does not exist or is not enabled", "对象不存在或未启用")
