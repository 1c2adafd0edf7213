"""``leads link --match OBJECT:FIELD``: an object matched on the fields a tenant really has (its own custom
fields, by api name or label) instead of the names mktctl assumes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from mktctl.errors import SettingsError
from mktctl.leads.link import LinkOptions, link_leads, parse_match
from mktctl.tenant.definitions import upsert_field


def results(out: Path) -> dict[tuple[str, str], dict[str, str]]:
    with (out / "link_results.csv").open(encoding="utf-8-sig") as handle:
        return {(r["lead_id"], r["object"]): r for r in csv.DictReader(handle)}


@pytest.fixture
def crm(tenant: Any) -> dict[str, str]:
    """A tenant whose opportunities keep the contact's phone and email in its own fields, and whose contacts
    have a second email field of plain text."""
    upsert_field(tenant, "NewOpportunityObj", {"api_name": "field_8dk2s__c", "label": "联系人电话",
                                               "type": "phone_number"})
    upsert_field(tenant, "NewOpportunityObj", {"api_name": "field_m41lq__c", "label": "联系人邮箱", "type": "email"})
    upsert_field(tenant, "ContactObj", {"api_name": "field_other__c", "label": "其他联系方式", "type": "text"})
    client = tenant.client
    account = client.crm_create("AccountObj", {"name": "Acme"})
    ids = {
        "deal": client.crm_create("NewOpportunityObj", {"name": "Acme 年度采购", "account_id": account,
                                                        "field_8dk2s__c": "13912345670"}),
        "deal_mail": client.crm_create("NewOpportunityObj", {"name": "Beta 试点", "account_id": account,
                                                             "field_m41lq__c": "buyer@beta.cn"}),
        "assumed": client.crm_create("NewOpportunityObj", {"name": "旧字段商机", "account_id": account,
                                                           "contact_mobile__c": "13912345679"}),
        "contact": client.crm_create("ContactObj", {"name": "孙八", "field_other__c": "sun@gamma.cn"}),
        "lead_zhang": client.crm_create("LeadsObj", {"name": "张三", "company": "Acme", "mobile": "13912345670"}),
        "lead_wang": client.crm_create("LeadsObj", {"name": "王五", "company": "Beta", "email": "buyer@beta.cn"}),
        "lead_zhao": client.crm_create("LeadsObj", {"name": "赵六", "company": "Acme", "mobile": "13912345679"}),
        "lead_sun": client.crm_create("LeadsObj", {"name": "孙八", "company": "Gamma", "email": "SUN@gamma.cn"}),
    }
    return ids


def test_match_names_fields_by_api_name_or_label_per_object() -> None:
    assert parse_match(["opportunities:field_8dk2s__c,联系人邮箱", "contact:field_other__c",
                        "opportunities:field_8dk2s__c"]) == (
        ("opportunities", ("field_8dk2s__c", "联系人邮箱")), ("contacts", ("field_other__c",)))
    with pytest.raises(SettingsError, match="expected OBJECT:FIELD"):
        parse_match(["opportunities"])
    with pytest.raises(SettingsError) as caught:
        parse_match(["oportunities:x__c"])
    assert caught.value.hint == "did you mean 'opportunities'?"


@pytest.mark.parametrize("full_scan", [False, True])
def test_opportunities_are_matched_on_the_tenants_own_fields(tenant: Any, crm: dict[str, str], tmp_path: Path,
                                                             full_scan: bool) -> None:
    options = LinkOptions(objects=("opportunities", "contacts"), full_scan=full_scan,
                          match=parse_match(["opportunities:field_8dk2s__c,联系人邮箱", "contacts:其他联系方式"]))

    result = link_leads(tenant, options, tmp_path / "out")

    got = results(tmp_path / "out")
    assert (got[(crm["lead_zhang"], "opportunities")]["status"], got[(crm["lead_zhang"], "opportunities")]
            ["target_id"]) == ("linked", crm["deal"]), "a mobile in its national spelling is found"
    assert got[(crm["lead_wang"], "opportunities")]["target_id"] == crm["deal_mail"]
    assert got[(crm["lead_zhao"], "opportunities")]["status"] == "no_match", "the assumed field is no longer used"
    assert got[(crm["lead_sun"], "contacts")]["target_id"] == crm["contact"], "a text field matches an email"
    assert tenant.client.crm_get("LeadsObj", crm["lead_zhang"])["new_opportunity_id"] == crm["deal"]
    summary = json.loads((tmp_path / "out" / "link_summary.json").read_text(encoding="utf-8"))
    assert summary["matched_on"]["opportunities"] == {"phones": ["field_8dk2s__c"], "emails": ["field_m41lq__c"]}
    assert summary["matched_on"]["contacts"] == {"phones": ["field_other__c"], "emails": ["field_other__c"]}
    assert result.counts["opportunities"]["linked"] == 2


def test_a_field_the_object_lacks_or_that_holds_no_contact_is_refused_before_any_write(
        tenant: Any, crm: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as missing:
        link_leads(tenant, LinkOptions(match=parse_match(["opportunities:field_8dk2x__c"])), tmp_path / "a")
    assert str(missing.value) == "--match opportunities:field_8dk2x__c: NewOpportunityObj has no field " \
                                 "'field_8dk2x__c'"
    assert missing.value.hint == "did you mean 'field_8dk2s__c'?"
    with pytest.raises(SettingsError, match="amount is a currency field; match on a phone, email or text field"):
        link_leads(tenant, LinkOptions(match=parse_match(["opportunities:商机金额"])), tmp_path / "b")
    assert not (tmp_path / "b" / "link_results.csv").exists()
    assert "new_opportunity_id" not in tenant.client.crm_get("LeadsObj", crm["lead_zhang"])
