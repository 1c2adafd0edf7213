"""System fields on create, as real clients send them: what a tenant may set is taken, the fields the
platform keeps for itself are left out (never refused), and a record created into a pool waits there."""

from __future__ import annotations

from typing import Any

from tests.helpers.served import Wire

CRM = "/cgi/crm/v2/data"


def create(wire: Wire, top: dict[str, Any] | None = None, **object_data: Any) -> dict[str, Any]:
    return wire.call(f"{CRM}/create", {"object_data": {"dataObjectApiName": "LeadsObj", **object_data}}, **(top or {}))


def get(wire: Wire, record_id: str) -> dict[str, Any]:
    answer = wire.call(f"{CRM}/get", {"dataObjectApiName": "LeadsObj", "objectDataId": record_id})
    assert answer["errorCode"] == 0, answer
    return dict(answer["data"])


def test_the_system_fields_a_client_sends_are_left_out_not_refused(wire: Wire) -> None:
    answer = create(wire, name="系统字段", object_describe_api_name="LeadsObj", life_status="normal",
                    lock_status="0", is_deleted=False, version="3", last_modified_time=1, owner_department="销售部",
                    owner_department_id="1001", created_by=["FSUID_SOMEONE"], create_time=1_600_000_000_000,
                    owner__r={"name": "x"})
    assert answer["errorCode"] == 0, answer
    record = get(wire, answer["dataId"])
    assert record["created_by"] == [wire.corp.admin_open_user_id], "created_by needs hasSpecifyCreatedBy"
    assert record["create_time"] > 1_600_000_000_000, "create_time needs hasSpecifyTime"
    assert (record["life_status"], record["version"], record["object_describe_api_name"]) == (
        "normal", "1", "LeadsObj")
    assert (record["owner_department"], record["owner_department_id"]) == ("全公司", "999999"), \
        "the owner's main department, kept by the platform"
    assert "owner__r" not in record


def test_what_a_tenant_may_set_is_taken(wire: Wire) -> None:
    colleague = wire.call("/cgi/user/add", user={"name": "销售乙", "mobile": "13600136000"})["openUserId"]
    answer = create(wire, {"hasSpecifyTime": True, "hasSpecifyCreatedBy": True}, name="可设字段",
                    record_type="default__c", biz_status="processed", owner=[colleague], created_by=[colleague],
                    create_time=1_600_000_000_000)
    record = get(wire, answer["dataId"])
    assert (record["record_type"], record["biz_status"], record["owner"], record["created_by"],
            record["create_time"]) == ("default__c", "processed", [colleague], [colleague], 1_600_000_000_000)


def test_an_employee_can_be_named_by_employee_id(wire: Wire) -> None:
    record = get(wire, create(wire, name="员工号", owner=["1000"])["dataId"])
    assert record["owner"] == [wire.corp.admin_open_user_id]


def test_a_lead_created_into_a_pool_waits_there_without_an_owner(wire: Wire) -> None:
    pool = wire.create("LeadsPoolObj", name="华东线索池")
    record = get(wire, create(wire, name="池中线索", leads_pool_id=pool)["dataId"])
    assert record["leads_pool_id"] == pool
    assert "owner" not in record and record["biz_status"] == "un_assigned"


def test_what_a_tenant_cannot_set_is_still_refused(wire: Wire) -> None:
    assert create(wire, name="x", leads_pool_id="643d87b17be47e000190a715")["errorMessage"] == \
        "leads_pool_id: LeadsPoolObj record 643d87b17be47e000190a715 not found"
    assert create(wire, name="x", leads_pools_id="1")["errorMessage"] == \
        "field leads_pools_id does not exist on LeadsObj"
    assert create(wire, name="x", owner=["FSUID_NOBODY"])["errorCode"] == 30027
