"""The client on a tenant's own fields and objects, against a served sandbox: custom objects go to the custom
paths as published clients route them, describe lists the tenant's fields typed, and the platform's answers
for a missing acting employee (10010) and a duplicate (32003) are typed errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mktctl import errors as e
from mktctl.sandbox.server import ServedSandbox
from mktctl.tenant.client import CallRecord, Credentials, FxiaokeClient, data_path, is_preset_object
from tests.helpers.served import Wire, client_for

EXT = "/mktctl/ext/v1"


@pytest.fixture
def wire(served_sandbox: ServedSandbox) -> Iterator[Wire]:
    wire = Wire(served_sandbox.url, served_sandbox.corp)
    assert wire.call(f"{EXT}/objects/upsert", {"object": {"api_name": "object_pc7Xy__c",
                                                          "display_name": "渠道伙伴"}})["errorCode"] == 0
    assert wire.call(f"{EXT}/fields/upsert", {"objectApiName": "object_pc7Xy__c", "field": {
        "api_name": "field_lv1Ab__c", "label": "伙伴等级", "type": "select_one",
        "options": [{"label": "金牌", "value": "gold"}, {"label": "银牌", "value": "silver"}]}})["errorCode"] == 0
    assert wire.call(f"{EXT}/fields/upsert", {"objectApiName": "LeadsObj", "field": {
        "api_name": "field_a1B2c__c", "label": "预算", "type": "number"}})["errorCode"] == 0
    yield wire
    wire.close()


@pytest.fixture
def calls() -> list[CallRecord]:
    return []


@pytest.fixture
def client(served_sandbox: ServedSandbox, wire: Wire, calls: list[CallRecord]) -> Iterator[FxiaokeClient]:
    client = client_for(served_sandbox, on_call=calls.append)
    yield client
    client.close()


def test_preset_objects_end_in_obj_and_every_other_object_is_custom() -> None:
    assert is_preset_object("LeadsObj") and is_preset_object("NewOpportunityObj")
    assert not is_preset_object("object_pc7Xy__c")
    assert data_path("LeadsObj", "create") == "/cgi/crm/v2/data/create"
    assert data_path("object_pc7Xy__c", "query") == "/cgi/crm/custom/v2/data/query"


def test_a_custom_objects_record_lives_its_life_on_the_custom_paths(client: FxiaokeClient,
                                                                    calls: list[CallRecord]) -> None:
    record_id = client.crm_create("object_pc7Xy__c", {"name": "华东伙伴", "field_lv1Ab__c": "gold"})
    assert client.crm_get("object_pc7Xy__c", record_id)["field_lv1Ab__c"] == "gold"
    client.crm_update("object_pc7Xy__c", record_id, {"field_lv1Ab__c": "silver"})
    rows, total = client.crm_query("object_pc7Xy__c", [{"field_name": "field_lv1Ab__c", "field_values": ["silver"],
                                                        "operator": "EQ"}], fields=["name"])
    assert (rows, total) == ([{"_id": record_id, "name": "华东伙伴"}], 1)
    assert [r["name"] for r in client.crm_iter("object_pc7Xy__c")] == ["华东伙伴"]
    client.crm_invalid("object_pc7Xy__c", record_id)
    client.crm_delete("object_pc7Xy__c", [record_id])
    assert client.crm_query("object_pc7Xy__c")[1] == 0
    data_calls = [c.path for c in calls if "/data/" in c.path]
    assert data_calls and all(p.startswith("/cgi/crm/custom/v2/data/") for p in data_calls)


def test_a_preset_object_with_a_tenant_field_stays_on_the_preset_paths(client: FxiaokeClient,
                                                                       calls: list[CallRecord]) -> None:
    record_id = client.crm_create("LeadsObj", {"name": "展会线索", "field_a1B2c__c": 120000})
    assert client.crm_get("LeadsObj", record_id)["field_a1B2c__c"] == 120000
    assert {c.path for c in calls if "/data/" in c.path} == {"/cgi/crm/v2/data/create", "/cgi/crm/v2/data/get"}


def test_describe_lists_the_tenants_own_fields_typed_beside_the_preset_ones(client: FxiaokeClient) -> None:
    leads = client.crm_object("LeadsObj")
    budget = leads.fields["field_a1B2c__c"]
    assert (budget.label, budget.type, budget.custom) == ("预算", "number", True)
    assert not leads.fields["mobile"].custom
    assert [f.api_name for f in leads.custom_fields] == ["field_a1B2c__c"]
    assert leads.field("预算") is budget, "a field is found by its label too"
    partner = client.crm_object("object_pc7Xy__c")
    level = partner.fields["field_lv1Ab__c"]
    assert (partner.display_name, level.option_labels) == ("渠道伙伴", ["金牌", "银牌"])
    assert (level.option_value("金牌"), level.option_value("silver"), level.option_value("铜牌")) == (
        "gold", "silver", None)


def test_a_duplicate_refused_by_the_platforms_check_is_a_duplicate_record_naming_the_record(
        client: FxiaokeClient) -> None:
    first = client.crm_create("LeadsObj", {"name": "张三", "mobile": "13912345678"})
    with pytest.raises(e.DuplicateRecord) as caught:
        client.crm_create("LeadsObj", {"name": "张三", "mobile": "13912345678"}, duplicate_search=True)
    assert (caught.value.code, caught.value.record_id) == (32003, first)
    assert isinstance(caught.value, e.InvalidRequest), "a duplicate is a refused request, never retried"
    partner = client.crm_create("object_pc7Xy__c", {"name": "华东伙伴"})
    with pytest.raises(e.DuplicateRecord) as again:
        client.crm_create("object_pc7Xy__c", {"name": "华东伙伴"}, duplicate_search=True)
    assert again.value.record_id == partner
    assert client.crm_create("LeadsObj", {"name": "张三", "mobile": "13912345678"}), \
        "without the switch the platform checks nothing"


def test_a_crm_call_without_an_acting_employee_is_acting_user_missing(served_sandbox: ServedSandbox) -> None:
    corp = served_sandbox.corp
    nobody = Credentials(app_id=corp.app_id, app_secret=corp.app_secret, permanent_code=corp.permanent_code,
                         open_user_id="")
    client = client_for(served_sandbox)
    client.credentials = nobody
    try:
        with pytest.raises(e.ActingUserMissing) as caught:
            client.call("/cgi/crm/v2/data/query", {"data": {"dataObjectApiName": "LeadsObj"}},
                        with_user=False)
    finally:
        client.close()
    assert caught.value.code == 10010 and isinstance(caught.value, e.AuthError)
    assert "MKTCTL_OPEN_USER_ID" in (caught.value.hint or "")
