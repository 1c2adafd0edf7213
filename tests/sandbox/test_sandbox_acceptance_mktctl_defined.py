"""Acceptance: mktctl defines the tenant, independent clients use it. ``mktctl apply`` of a playbook that mirrors
the tenant ``crm-cli`` was written for - its custom lead fields with exactly their api names and option values,
the employee it acts as, its lead pool - and a custom marketing object, against ``mktctl sandbox serve``; then
``crm-cli``'s lead sync writes those fields and ``fxiaoke-python`` writes records of that object, unchanged.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mktctl.sandbox.store import Corp
from tests.helpers.served import Wire, mktctl_env, served_process
from tests.sandbox.test_sandbox_acceptance import fxiaoke_api
from tests.sandbox.test_sandbox_acceptance_crm_cli import LEADS, MOBILE, TENANT_FIELDS, Tenant, crm

pytestmark = [pytest.mark.e2e, pytest.mark.served]
POOL = "【欧洲】线索公海池"
TYPES = {"select_one": "单选", "phone_number": "手机", "date_time": "日期时间", "long_text": "多行文本", "url": "网址"}


def playbook() -> dict[str, Any]:
    """The mirrored tenant as a consultant declares it: crm-cli's fields in the playbook's words."""
    fields = []
    for field in TENANT_FIELDS:
        declared: dict[str, Any] = {"api_name": field["api_name"], "label": field["label"],
                                    "type": TYPES[field["type"]]}
        if field.get("options"):
            declared["options"] = [o["label"] for o in field["options"]]
            declared["option_values"] = {o["label"]: o["value"] for o in field["options"]}
        fields.append(declared)
    return {"version": 1, "name": "Orion 欧洲站",
            "departments": [{"name": "销售运营部"}],
            "users": [{"employee_number": "E001", "name": "王雨檬", "mobile": MOBILE, "email": "wang@orion.example",
                       "department": "销售运营部", "position": "销售运营"}],
            "lead_pools": [{"name": POOL, "admins": ["E001"], "members": {"users": ["E001"]}}],
            "lead_fields": fields,
            "marketing_objects": [{"name": "渠道伙伴联系人", "api_name": "partner_contact__c",
                                   "channels": ["短信", "邮件"], "phone_field": "mobile__c",
                                   "email_field": "email__c"}]}


def mktctl(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mktctl", *args], cwd=folder, env={**mktctl_env(folder),
                                                                                     **(env or {})},
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tenant]:
    folder = tmp_path_factory.mktemp("mktctl-defined")
    # JSON is YAML: the playbook written as the tenant's data
    (folder / "mktctl.yaml").write_text(json.dumps(playbook(), ensure_ascii=False, indent=1), encoding="utf-8")
    with served_process(folder / ".mktctl" / "sandbox.db", cwd=folder) as process:
        shown = mktctl(folder, "sandbox", "credentials", "--output", "env")
        env = {}
        for line in shown.stdout.splitlines():  # export NAME=VALUE;
            name, _, value = line.removeprefix("export ").rstrip(";").partition("=")
            env[name] = shlex.split(value)[0]
        applied = mktctl(folder, "apply", "--yes", env=env)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        creds = json.loads(mktctl(folder, "sandbox", "credentials", "--output", "json").stdout)
        wire = Wire(process.url, Corp(corp_id=creds["corp_id"], ea=creds["ea"], name=creds["corp_name"],
                                      app_id=creds["app_id"], app_secret=creds["app_secret"],
                                      permanent_code=creds["permanent_code"],
                                      admin_open_user_id=creds["open_user_id"]))
        [pool] = wire.query("LeadsPoolObj", [{"field_name": "name", "field_values": [POOL], "operator": "EQ"}]
                            )["data"]["dataList"]
        yield Tenant(process.url, wire, str(pool["_id"]), folder)
        wire.close()
        assert process.stop() == 0, process.stderr


def test_crm_cli_syncs_its_leads_into_the_fields_mktctl_defined(tenant: Tenant) -> None:
    (tenant.folder / "leads.json").write_text(json.dumps(LEADS, ensure_ascii=False), encoding="utf-8")

    done = crm(tenant, "sync", "leads.json", "--pool", tenant.pool)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ Sync complete: 3 created, 0 duplicates skipped" in done.stdout, done.stdout + done.stderr
    answer = tenant.wire.query("LeadsObj", [{"field_name": "leads_pool_id", "field_values": [tenant.pool],
                                             "operator": "EQ"}])
    leads = {lead["email"]: lead for lead in answer["data"]["dataList"]}
    acme = leads["buyer@acme.example"]
    assert (acme["field_7dDlL__c"], acme["field_S737R__c"], acme["field_g60ab__c"], acme["field_IT92M__c"],
            acme["field_q1Vij__c"], acme["field_xmuU5__c"]) == (
        "7e8T541Vr", "442079460000", "1dKGudtaC", "IYWea10Fx", "Trade show follow-up", "https://acme.example")
    assert leads["sales@shili.example"]["field_IT92M__c"] == "kaYz89Lwq"


def test_crm_cli_describes_the_fields_as_mktctl_defined_them(tenant: Tenant) -> None:
    done = crm(tenant, "describe", "--object", "LeadsObj", "--field", "field_IT92M__c", "--format", "json")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "IYWea10Fx" in done.stdout and "英国" in done.stdout


def test_fxiaoke_python_writes_records_of_the_custom_object_mktctl_defined(tenant: Tenant) -> None:
    from fxiaoke.baseObj import baseObj
    from fxiaoke.op_create import createObj
    from fxiaoke.op_get import getObj

    creds = tenant.wire.corp
    api = fxiaoke_api((tenant.url, {"app_id": creds.app_id, "app_secret": creds.app_secret,
                                    "permanent_code": creds.permanent_code,
                                    "open_user_id": creds.admin_open_user_id}))
    try:
        created = createObj(api).execute(object_data={"name": "华东伙伴", "mobile__c": "13912345678",
                                                      "email__c": "li@partner.example"},
                                         dataObjectApiName="partner_contact__c")
        record = getObj(api).execute(created["dataId"], dataObjectApiName="partner_contact__c")
        fields = baseObj(api).describe("partner_contact__c")["describe"]["fields"]
    finally:
        api._session.requests.close()
    assert (record["mobile__c"], record["email__c"]) == ("13912345678", "li@partner.example")
    assert (fields["mobile__c"]["type"], fields["email__c"]["type"]) == ("phone_number", "email")
