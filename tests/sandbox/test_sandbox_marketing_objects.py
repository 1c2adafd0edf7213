"""The objects a marketing rollout touches: event members (CampaignMembersObj), the address book as
PersonnelObj and DepartmentObj, high seas and lead pools with ``data/choose`` and ``data/return``, the
duplicate check on create, and ``/cgi/message/send`` for assignment notifications."""

from __future__ import annotations

from typing import Any

from tests.helpers.served import Wire

CRM = "/cgi/crm/v2/data"


def get(wire: Wire, api_name: str, record_id: str) -> dict[str, Any]:
    return dict(wire.call(f"{CRM}/get", {"dataObjectApiName": api_name, "objectDataId": record_id})["data"])


def test_event_members_belong_to_an_event(wire: Wire) -> None:
    event = wire.create("MarketingEventObj", name="2026 年度峰会")
    lead = wire.create("LeadsObj", name="参会人", mobile="13800001111")
    member = wire.create("CampaignMembersObj", name="参会人", marketing_event_id=event, leads_id=lead,
                         campaign_members_status="registered")
    assert wire.names("CampaignMembersObj", [{"field_name": "marketing_event_id", "field_values": [event],
                                              "operator": "EQ"}]) == ["参会人"]
    assert get(wire, "CampaignMembersObj", member)["leads_id"] == lead
    missing = wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "CampaignMembersObj", "name": "x"}})
    assert missing["errorMessage"] == "field marketing_event_id (市场活动) is required"


def test_personnel_and_departments_mirror_the_address_book(wire: Wire) -> None:
    sales = wire.call("/cgi/department/add", department={"name": "销售部", "parentId": 999999})["departmentId"]
    open_user_id = wire.call("/cgi/user/add", user={"name": "赵销售", "mobile": "13900001234",
                                                    "mainDepartmentId": sales})["openUserId"]
    people = wire.query("PersonnelObj", [{"field_name": "main_department", "field_values": [str(sales)],
                                          "operator": "IN"}])["data"]["dataList"]
    assert [(p["name"], p["phone"], p["status"], p["main_department"]) for p in people] == [
        ("赵销售", "13900001234", "0", [str(sales)])]
    wire.call("/cgi/user/setStatus", openUserId=open_user_id, status=2)
    assert get(wire, "PersonnelObj", people[0]["_id"])["status"] == "1"
    departments = {d["_id"]: d for d in wire.query("DepartmentObj")["data"]["dataList"]}
    assert departments[str(sales)]["parent_id"] == ["999999"] and departments["999999"]["name"] == "全公司"
    refused = wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "PersonnelObj", "name": "x"}})
    assert refused["errorDescription"] == "该对象不支持此操作"


def test_a_pooled_lead_is_claimed_then_returned(wire: Wire) -> None:
    pool = wire.create("LeadsPoolObj", name="市场线索池", limit_count=1)
    first = wire.create("LeadsObj", name="池中一", leads_pool_id=pool)
    second = wire.create("LeadsObj", name="池中二", leads_pool_id=pool)
    colleague = wire.call("/cgi/user/add", user={"name": "销售丁", "mobile": "13200132000"})["openUserId"]
    blocked = wire.call(f"{CRM}/changeOwner", {"dataObjectApiName": "LeadsObj", "Data": [
        {"objectDataId": first, "ownerId": [colleague]}]})
    assert blocked["errorMessage"] == f"record {first} is in a pool: claim it with data/choose first"
    assert wire.call(f"{CRM}/choose", {"apiName": "LeadsObj", "objectIds": [first]})["errorCode"] == 0
    claimed = get(wire, "LeadsObj", first)
    assert (claimed["owner"], claimed["biz_status"]) == ([wire.corp.admin_open_user_id], "un_processed")
    over = wire.call(f"{CRM}/choose", {"apiName": "LeadsObj", "objectIds": [second]})
    assert (over["errorMessage"], over["errorDescription"]) == (
        "the pool's claim limit of 1 is reached", "超过领取上限")
    again = wire.call(f"{CRM}/choose", {"apiName": "LeadsObj", "objectIds": [first]})
    assert again["errorMessage"] == f"record {first} is not waiting in a pool"
    back = wire.call(f"{CRM}/return", {"apiName": "LeadsObj", "objectIds": [first], "objectPoolId": pool,
                                       "backReason": "other", "backReason__o": "客户暂无预算"})
    assert back["errorCode"] == 0
    returned = get(wire, "LeadsObj", first)
    assert "owner" not in returned
    assert (returned["biz_status"], returned["back_reason"], returned["back_reason__o"]) == (
        "un_assigned", "other", "客户暂无预算")


def test_accounts_wait_in_high_seas(wire: Wire) -> None:
    seas = wire.create("HighSeasObj", name="华南公海")
    account = wire.create("AccountObj", name="公海客户", high_seas_id=seas)
    assert "owner" not in get(wire, "AccountObj", account)
    assert wire.call(f"{CRM}/choose", {"apiName": "AccountObj", "objectIds": [account]})["errorCode"] == 0
    assert get(wire, "AccountObj", account)["owner"] == [wire.corp.admin_open_user_id]
    wrong = wire.call(f"{CRM}/choose", {"apiName": "ContactObj", "objectIds": [account]})
    assert wrong["errorDescription"] == "仅支持线索和客户"


def test_the_duplicate_check_is_asked_for_with_option_info(wire: Wire) -> None:
    def create(mobile: str, duplicate_search: bool) -> dict[str, Any]:
        return wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", "name": "查重",
                                                           "mobile": mobile},
                                           "optionInfo": {"isDuplicateSearch": duplicate_search,
                                                          "skipFuncValidate": False, "useValidationRule": True}})
    first = create("13800009999", True)
    assert first["errorCode"] == 0
    duplicate = create("13800009999", True)
    assert (duplicate["errorCode"], duplicate["errorMessage"], duplicate["errorDescription"]) == (
        32003, f"duplicate data: LeadsObj record {first['dataId']} has the same mobile", "数据重复：已有相同手机的数据")
    assert create("13800009999", False)["errorCode"] == 0, "without the check the platform creates it"


def test_assignment_messages_are_recorded_and_listed_by_the_extension_api(wire: Wire) -> None:
    colleague = wire.call("/cgi/user/add", user={"name": "销售戊", "mobile": "13100131000"})["openUserId"]
    sent = wire.call("/cgi/message/send", toUser=[colleague], msgType="text",
                     text={"content": "新线索已分配给你：张三"})
    assert (sent["errorCode"], sent["errorMessage"]) == (0, "success")
    messages = wire.call("/mktctl/ext/v1/messages/list", {"toUser": colleague})["data"]["messages"]
    assert [(m["toUser"], m["msgType"], m["content"]) for m in messages] == [
        ([colleague], "text", {"content": "新线索已分配给你：张三"})]
    assert wire.call("/mktctl/ext/v1/messages/list", {"toUser": wire.corp.admin_open_user_id})["data"][
        "messages"] == []
    unknown = wire.call("/cgi/message/send", toUser=["FSUID_NOBODY"], msgType="text", text={"content": "x"})
    assert unknown["errorCode"] == 30027
    empty = wire.call("/cgi/message/send", toUser=[colleague], msgType="text", text={"content": ""})
    assert empty["errorCode"] == 12005
