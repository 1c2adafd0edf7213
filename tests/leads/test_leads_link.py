"""Linking leads to accounts, contacts and opportunities; the ambiguity sheet and --resolve."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mktctl.errors import DataFileError, SettingsError
from mktctl.leads.link import LinkOptions, link_leads, parse_objects, resolve_ambiguities


def lead(tenant: Any, name: str, **fields: str) -> str:
    return str(tenant.client.crm_create("LeadsObj", {"name": name, "company": "公司", **fields}))


def make(tenant: Any, api: str, name: str, **fields: str) -> str:
    return str(tenant.client.crm_create(api, {"name": name, **fields}))


@pytest.fixture
def crm(tenant: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    ids["acme"] = make(tenant, "AccountObj", "Acme", tel="010-62345678", email="info@acme.cn")
    ids["beta"] = make(tenant, "AccountObj", "Beta", email="hello@beta.cn")
    ids["beta2"] = make(tenant, "AccountObj", "Beta 分公司", email="hello@beta.cn")
    ids["zhang"] = make(tenant, "ContactObj", "张三", mobile2="13912345670", account_id=ids["acme"])
    ids["li"] = make(tenant, "ContactObj", "李四", email="li@beta.cn", account_id=ids["beta"])
    ids["li_copy"] = make(tenant, "ContactObj", "李四(重复)", mobile1="13912345671", account_id=ids["beta2"])
    ids["odd"] = make(tenant, "ContactObj", "赵六", mobile3="+86 139-1234-5679")  # found by a full scan only
    ids["deal"] = make(tenant, "NewOpportunityObj", "Acme 年度采购", account_id=ids["acme"],
                       contact_mobile__c="13912345670")
    ids["lead_zhang"] = lead(tenant, "张三", mobile="+8613912345670")
    ids["lead_li"] = lead(tenant, "李四", mobile="13912345671", email="LI@beta.cn")
    ids["lead_beta"] = lead(tenant, "王五", email="hello@beta.cn")
    ids["lead_none"] = lead(tenant, "赵六", mobile="13912345679")
    ids["lead_linked"] = lead(tenant, "钱七", tel="(010)62345678")
    tenant.client.crm_update("LeadsObj", ids["lead_linked"], {"account_id": ids["beta"]})
    return ids


def results(out: Path, name: str = "link_results.csv") -> dict[tuple[str, str], dict[str, str]]:
    with (out / name).open(encoding="utf-8-sig") as handle:
        return {(r["lead_id"], r["object"]): r for r in csv.DictReader(handle)}


@pytest.mark.parametrize("full_scan", [False, True])
def test_one_match_links_several_go_to_the_ambiguity_sheet(tenant: Any, crm: dict[str, str], tmp_path: Path,
                                                           full_scan: bool) -> None:
    out = tmp_path / "out"
    result = link_leads(tenant, LinkOptions(full_scan=full_scan), out)
    got = results(out)
    assert got[(crm["lead_zhang"], "contacts")]["status"] == "linked"
    assert got[(crm["lead_zhang"], "contacts")]["target_id"] == crm["zhang"]
    assert got[(crm["lead_zhang"], "opportunities")]["target_id"] == crm["deal"]
    assert got[(crm["lead_zhang"], "accounts")]["matched_on"] == "contact"  # via its contact
    assert got[(crm["lead_zhang"], "accounts")]["target_id"] == crm["acme"]
    assert got[(crm["lead_li"], "contacts")]["status"] == "ambiguous"  # by email and by mobile: two contacts
    assert got[(crm["lead_beta"], "accounts")]["status"] == "ambiguous"  # two accounts share the email
    assert got[(crm["lead_none"], "contacts")]["status"] == ("linked" if full_scan else "no_match")
    assert got[(crm["lead_linked"], "accounts")]["status"] == "already_linked"
    assert result.summary["invariants"] == {f"{o}: leads = linked + ambiguous + no_match + already_linked + failed":
                                            True for o in ("accounts", "contacts", "opportunities")}
    zhang = tenant.client.crm_get("LeadsObj", crm["lead_zhang"])
    assert (zhang["contact_id"], zhang["account_id"], zhang["new_opportunity_id"]) == (
        crm["zhang"], crm["acme"], crm["deal"])
    assert "contact_id" not in tenant.client.crm_get("LeadsObj", crm["lead_li"])
    sheet = openpyxl.load_workbook(out / "ambiguities.xlsx")["待确认 Ambiguous"]
    candidates = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted((r[1], r[6], r[7]) for r in candidates) == sorted([
        (crm["lead_li"], "contacts", crm["li"]), (crm["lead_li"], "contacts", crm["li_copy"]),
        (crm["lead_beta"], "accounts", crm["beta"]), (crm["lead_beta"], "accounts", crm["beta2"])])
    assert sheet.data_validations.dataValidation


def test_a_rerun_finds_the_links_in_place(tenant: Any, crm: dict[str, str], tmp_path: Path) -> None:
    link_leads(tenant, LinkOptions(), tmp_path / "a")
    again = link_leads(tenant, LinkOptions(objects=("contacts",)), tmp_path / "b")
    assert again.counts["contacts"]["already_linked"] == 1 and again.counts["contacts"]["linked"] == 0


def test_resolve_applies_one_mark_and_refuses_two(tenant: Any, crm: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    link_leads(tenant, LinkOptions(), out)
    book = openpyxl.load_workbook(out / "ambiguities.xlsx")
    sheet = book["待确认 Ambiguous"]
    for row in sheet.iter_rows(min_row=2):
        if row[7].value == crm["li_copy"]:
            row[0].value = "x"
        if row[6].value == "accounts":
            row[0].value = "x"  # both candidates of lead_beta: refused
    book.save(out / "ambiguities.xlsx")
    result = resolve_ambiguities(tenant, out / "ambiguities.xlsx", tmp_path / "resolved")
    got = results(tmp_path / "resolved", "resolve_results.csv")
    assert got[(crm["lead_li"], "contacts")]["status"] == "linked"
    assert got[(crm["lead_beta"], "accounts")]["status"] == "failed"
    assert "mark one" in got[(crm["lead_beta"], "accounts")]["error"]
    assert tenant.client.crm_get("LeadsObj", crm["lead_li"])["contact_id"] == crm["li_copy"]
    assert "account_id" not in tenant.client.crm_get("LeadsObj", crm["lead_beta"])
    assert result.counts["contacts"]["linked"] == 1


def test_resolve_refuses_a_workbook_that_is_not_an_ambiguity_sheet(tenant: Any, tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机"])
    book.save(path)
    with pytest.raises(DataFileError, match="not an ambiguities workbook"):
        resolve_ambiguities(tenant, path, tmp_path / "out")


def test_objects_option() -> None:
    assert parse_objects("accounts,contact,NewOpportunityObj") == ("accounts", "contacts", "opportunities")
    with pytest.raises(SettingsError, match="unknown object 'acounts'") as caught:
        parse_objects("acounts")
    assert "accounts" in (caught.value.hint or "")
