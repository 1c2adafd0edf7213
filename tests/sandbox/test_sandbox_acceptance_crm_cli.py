"""Acceptance: ``crm-cli`` from PyPI - "FXiaoke CRM CLI - Sync leads from JSON/CSV files", a lead sync written
for a real tenant - run as its own ``crm`` command against ``mktctl sandbox serve``.

Its requests go to the served sandbox the way a hosts-file entry would send them (``cloud_redirect``); the
tenant it was written for is mirrored in the sandbox the way a consultant would mirror it: the custom fields
it writes (with the api names and option values hard-coded in the client), a lead pool, and an employee
whose mobile the client looks up to act as. Before the sandbox took system fields, tenant fields and the
``owner_department`` it sends, none of its leads were created.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mktctl.sandbox.store import Corp
from tests.helpers.served import Wire, mktctl_env, served_process

pytestmark = [pytest.mark.e2e, pytest.mark.served]
REDIRECT = Path(__file__).parent / "cloud_redirect"
EXT = "/mktctl/ext/v1"
MOBILE = "19957895939"
#: the tenant fields crm-cli 0.2.1 writes (its FIELD_MAP and option tables), as the tenant has them
TENANT_FIELDS: list[dict[str, Any]] = [
    {"api_name": "field_7dDlL__c", "label": "跟进状态", "type": "select_one",
     "options": [{"label": "S1-待跟进", "value": "7e8T541Vr"}, {"label": "S2-跟进中", "value": "b1LR27thA"}]},
    {"api_name": "field_S737R__c", "label": "联系电话", "type": "phone_number"},
    {"api_name": "field_aw71X__c", "label": "S1时间", "type": "date_time"},
    {"api_name": "field_g60ab__c", "label": "区域", "type": "select_one",
     "options": [{"label": "欧洲", "value": "1dKGudtaC"}, {"label": "亚洲", "value": "5yF9DohVi"}]},
    {"api_name": "field_IT92M__c", "label": "国家", "type": "select_one",
     "options": [{"label": "英国", "value": "IYWea10Fx"}, {"label": "德国", "value": "KsekHd2m8"},
                 {"label": "中国", "value": "kaYz89Lwq"}]},
    {"api_name": "field_q1Vij__c", "label": "备注（投放）", "type": "long_text"},
    {"api_name": "field_xmuU5__c", "label": "公司网址", "type": "url"},
]
LEADS = [
    {"company": "Acme Ltd", "email": "buyer@acme.example", "phone": "+44 20 7946 0000", "country": "GB",
     "source_id": "fb-1", "remarks": "Trade show follow-up", "website": "https://acme.example"},
    {"company": "Beispiel GmbH", "email": "info@beispiel.example", "phone": "+49 30 123456", "country": "DE",
     "source_id": "fb-2"},
    {"company": "示例科技", "email": "sales@shili.example", "country": "CN", "source_id": "fb-3",
     "contact_name": "张三", "job_title": "采购经理"},
]


@dataclass
class Tenant:
    url: str
    wire: Wire
    pool: str
    folder: Path


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tenant]:
    folder = tmp_path_factory.mktemp("crm-cli")
    data = folder / ".mktctl" / "sandbox.db"
    with served_process(data, cwd=folder) as process:
        shown = subprocess.run([sys.executable, "-m", "mktctl", "sandbox", "credentials", "--output", "json"],
                               env=mktctl_env(folder), cwd=folder, capture_output=True, text=True, check=True,
                               timeout=60)
        creds = json.loads(shown.stdout)
        assert creds["url"] == process.url, "credentials find the running server without --url"
        corp = Corp(corp_id=creds["corp_id"], ea=creds["ea"], name=creds["corp_name"], app_id=creds["app_id"],
                    app_secret=creds["app_secret"], permanent_code=creds["permanent_code"],
                    admin_open_user_id=creds["open_user_id"])
        wire = Wire(process.url, corp)
        assert wire.call("/cgi/user/add", user={"name": "王雨檬", "mobile": MOBILE, "email": "wang@orion.example",
                                                "position": "销售运营"})["errorCode"] == 0
        for field in TENANT_FIELDS:
            answer = wire.call(f"{EXT}/fields/upsert", {"objectApiName": "LeadsObj", "field": field})
            assert answer["errorCode"] == 0, answer
        pool = wire.create("LeadsPoolObj", name="【欧洲】线索公海池")
        yield Tenant(process.url, wire, pool, folder)
        wire.close()
        assert process.stop() == 0, process.stderr


def crm(tenant: Tenant, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``crm`` command as pip installed it, configured by environment as its README says."""
    command = str(Path(sys.executable).with_name("crm"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MKTCTL_", "CRM_"))}
    creds = tenant.wire.corp
    env.update({"CRM_APP_ID": creds.app_id, "CRM_APP_SECRET": creds.app_secret,
                "CRM_PERMANENT_CODE": creds.permanent_code, "CRM_USER_MOBILE": MOBILE,
                "FXIAOKE_CLOUD_REDIRECT": tenant.url, "PYTHONPATH": str(REDIRECT), "PYTHONIOENCODING": "utf-8",
                "NO_PROXY": "*"})
    return subprocess.run([command, *args], cwd=tenant.folder, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)


def synced(tenant: Tenant) -> list[dict[str, Any]]:
    answer = tenant.wire.query("LeadsObj", [{"field_name": "leads_pool_id", "field_values": [tenant.pool],
                                             "operator": "EQ"}], orders=[{"fieldName": "name", "isAsc": True}])
    return list(answer["data"]["dataList"])


@pytest.fixture(scope="module")
def first_sync(tenant: Tenant) -> subprocess.CompletedProcess[str]:
    """The sync of the three leads, once per tenant: the tests that read them need it whichever of the module's
    tests a worker runs first."""
    (tenant.folder / "leads.json").write_text(json.dumps(LEADS, ensure_ascii=False), encoding="utf-8")
    return crm(tenant, "sync", "leads.json", "--pool", tenant.pool)


def test_its_lead_sync_creates_every_lead_with_the_tenant_fields(
        tenant: Tenant, first_sync: subprocess.CompletedProcess[str]) -> None:
    done = first_sync
    assert done.returncode == 0, done.stderr
    assert "✓ Sync complete: 3 created, 0 duplicates skipped" in done.stdout, done.stdout + done.stderr
    leads = {lead["email"]: lead for lead in synced(tenant)}
    assert set(leads) == {"buyer@acme.example", "info@beispiel.example", "sales@shili.example"}
    acme = leads["buyer@acme.example"]
    assert (acme["name"], acme["field_7dDlL__c"], acme["field_S737R__c"], acme["field_g60ab__c"],
            acme["field_IT92M__c"], acme["field_q1Vij__c"], acme["field_xmuU5__c"]) == (
        "Acme Ltd", "7e8T541Vr", "442079460000", "1dKGudtaC", "IYWea10Fx", "Trade show follow-up",
        "https://acme.example")
    assert (acme["biz_status"], acme["record_type"], "owner" in acme) == ("un_assigned", "default__c", False), \
        "created into the pool, it waits there without an owner"
    assert leads["sales@shili.example"]["name"] == "张三" and leads["sales@shili.example"]["job_title"] == "采购经理"
    assert leads["sales@shili.example"]["field_g60ab__c"] == "5yF9DohVi"
    assert all(lead["created_by"] == [leads_user(tenant)] for lead in leads.values()), "acting as the looked-up user"


def leads_user(tenant: Tenant) -> str:
    [employee] = tenant.wire.call("/cgi/user/getByMobile", mobile=MOBILE)["empList"]
    return str(employee["openUserId"])


def test_a_second_sync_of_the_same_file_creates_no_duplicates(
        tenant: Tenant, first_sync: subprocess.CompletedProcess[str]) -> None:
    (tenant.folder / "again.json").write_text(json.dumps(LEADS[:1], ensure_ascii=False), encoding="utf-8")
    before = len(synced(tenant))
    done = crm(tenant, "sync", "again.json", "--pool", tenant.pool)
    assert "✓ Sync complete: 0 created" in done.stdout, done.stdout + done.stderr
    assert "数据重复" in done.stderr, "it asked for the duplicate check (optionInfo.isDuplicateSearch)"
    assert len(synced(tenant)) == before


def test_its_query_finds_a_lead_with_find_one(tenant: Tenant, first_sync: subprocess.CompletedProcess[str]) -> None:
    done = crm(tenant, "query", "--email", "info@beispiel.example")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Company:       " in done.stdout and "Phone:         4930123456" in done.stdout


def test_its_describe_lists_the_tenant_fields_with_their_options(tenant: Tenant) -> None:
    done = crm(tenant, "describe", "--object", "LeadsObj", "--field", "field_IT92M__c", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "IYWea10Fx" in done.stdout and "英国" in done.stdout


def test_its_user_lookup_reads_the_full_employee_record(tenant: Tenant) -> None:
    done = crm(tenant, "lookup", "--mobile", MOBILE)
    assert done.returncode == 0, done.stderr
    assert "Name: 王雨檬" in done.stdout and "Email: wang@orion.example" in done.stdout
    assert f"FSUID: {leads_user(tenant)}" in done.stdout


def test_its_user_list_reads_emplist_where_the_platform_answers_employees(tenant: Tenant) -> None:
    """``crm lookup --list-all`` reads ``empList`` from batchByUpdTime; the platform's documentation and other
    clients read ``employees`` (docs/sandbox.md, fidelity table), so it lists none - here as there."""
    done = crm(tenant, "lookup", "--list-all")
    assert done.returncode == 0, done.stderr
    assert "Total users found: 0" in done.stdout
    answer = tenant.wire.call("/cgi/user/get/batchByUpdTime", pageSize=100, pageNumber=1)
    assert answer["totalCount"] == 2 and len(answer["employees"]) == 2
