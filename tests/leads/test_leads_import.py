"""Import into the embedded sandbox: create, match, on-existing modes, the journal and resuming."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mktctl.errors import SettingsError
from mktctl.leads.check import CheckOptions
from mktctl.leads.importer import ImportOptions, import_leads
from mktctl.leads.journal import person_key
from mktctl.leads.rules import NO_RULES
from mktctl.leads.spec import ImportSpec, default_out_dir, run_import_spec
from tests.leads.conftest import leads_on, person, read_results, write_csv


def run(tenant: Any, path: Path, out: Path, **options: Any) -> Any:
    return import_leads(tenant, path, ImportOptions(**options), out)


def test_import_creates_accepted_rows_and_a_rerun_changes_nothing(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1), person(2), person(3, 姓名=""), person(4, 邮箱="P1@corp.cn")])
    out = tmp_path / "out"
    first = run(tenant, path, out, source="线下展会")
    assert first.outcomes == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0, "not_attempted": 0}
    assert first.summary.invariants == {"input = accepted + duplicate + rejected": True,
                                         "accepted = created + updated + unchanged + failed + not_attempted": True}
    rows = read_results(out)
    assert list(rows[0]) == ["source_row", "status", "reason", "duplicate_of", "mobile_e164", "email", "outcome",
                             "record_id", "error"]
    by_row = {r["source_row"]: r for r in rows}
    assert by_row["2"]["outcome"] == "created" and by_row["2"]["record_id"]
    assert by_row["4"]["outcome"] == "" and by_row["4"]["status"] == "rejected"
    assert by_row["5"]["status"] == "duplicate" and by_row["5"]["record_id"] == by_row["2"]["record_id"]
    leads = {lead["mobile"]: lead for lead in leads_on(tenant)}
    assert set(leads) == {"+8615900000001", "+8615900000002"}
    lead = leads["+8615900000001"]
    assert (lead["name"], lead["email"], lead["province"], lead["city"], lead["source"]) == (
        "客户1", "p1@corp.cn", "广东省", "广州市", "8")
    second = run(tenant, path, out, source="线下展会")
    assert second.outcomes["created"] == 2  # what the journal says was done
    assert second.report.write_calls == 0
    assert len(leads_on(tenant)) == 2


def test_without_the_journal_existing_leads_are_matched_not_duplicated(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1), person(2)])
    run(tenant, path, tmp_path / "a")
    again = run(tenant, path, tmp_path / "b")
    assert again.outcomes["unchanged"] == 2
    assert len(leads_on(tenant)) == 2


def test_leads_typed_in_by_hand_are_found_by_their_national_number(tenant: Any, tmp_path: Path) -> None:
    existing = tenant.client.crm_create("LeadsObj", {"name": "老客户", "company": "老公司", "mobile": "15900000001"})
    path = write_csv(tmp_path / "l.csv", [person(1, 备注="展会")])
    result = run(tenant, path, tmp_path / "out", on_existing="fill-empty")
    assert result.outcomes["updated"] == 1
    lead = tenant.client.crm_get("LeadsObj", existing)
    assert (lead["name"], lead["remark"], lead["email"]) == ("老客户", "展会", "p1@corp.cn")  # only empty fields filled


def test_overwrite_writes_what_differs_and_skip_writes_nothing(tenant: Any, tmp_path: Path) -> None:
    existing = tenant.client.crm_create("LeadsObj", {"name": "旧名", "company": "公司1有限公司",
                                                     "mobile": "+8615900000001", "email": "p1@corp.cn"})
    path = write_csv(tmp_path / "l.csv", [person(1)])
    skipped = run(tenant, path, tmp_path / "skip")
    assert skipped.outcomes["unchanged"] == 1
    assert tenant.client.crm_get("LeadsObj", existing)["name"] == "旧名"
    overwritten = run(tenant, path, tmp_path / "overwrite", on_existing="overwrite")
    assert overwritten.outcomes["updated"] == 1
    assert tenant.client.crm_get("LeadsObj", existing)["name"] == "客户1"
    again = run(tenant, path, tmp_path / "overwrite2", on_existing="overwrite")
    assert again.outcomes["unchanged"] == 1


def test_several_existing_matches_are_not_guessed(tenant: Any, tmp_path: Path) -> None:
    tenant.client.crm_create("LeadsObj", {"name": "甲", "company": "x", "mobile": "+8615900000001"})
    tenant.client.crm_create("LeadsObj", {"name": "乙", "company": "y", "email": "p1@corp.cn"})
    path = write_csv(tmp_path / "l.csv", [person(1)])
    result = run(tenant, path, tmp_path / "out", on_existing="overwrite")
    assert result.outcomes["failed"] == 1
    assert "matches 2 existing leads" in read_results(tmp_path / "out")[0]["error"]


def test_event_and_pool_by_name(tenant: Any, tmp_path: Path) -> None:
    event = tenant.client.crm_create("MarketingEventObj", {"name": "2023 上海工业展"})
    pool = tenant.client.crm_create("LeadsPoolObj", {"name": "华东线索池"})
    path = write_csv(tmp_path / "l.csv", [person(1)])
    run(tenant, path, tmp_path / "out", event="2023 上海工业展", pool="华东线索池")
    lead = leads_on(tenant)[0]
    assert (lead["marketing_event_id"], lead["leads_pool_id"]) == (event, pool)
    with pytest.raises(SettingsError, match="--event '没有的活动': no MarketingEventObj"):
        run(tenant, path, tmp_path / "out2", event="没有的活动")
    with pytest.raises(SettingsError, match="--source '路边' is not a lead source"):
        run(tenant, path, tmp_path / "out3", source="路边")


def test_create_time_is_kept(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["张三", "示例", "15900000001", "2023-03-01 09:00"]],
                     headers=["姓名", "公司", "手机", "创建时间"])
    run(tenant, path, tmp_path / "out")
    assert leads_on(tenant)[0]["create_time"] == 1677632400000


def test_a_crash_after_a_create_is_recorded_as_created_not_repeated(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1), person(2)])
    out = tmp_path / "out"
    out.mkdir()
    made = tenant.client.crm_create("LeadsObj", {"name": "客户1", "company": "公司1有限公司",
                                                 "mobile": "+8615900000001", "email": "p1@corp.cn"})
    from mktctl.leads.importer import tenant_identity

    key = person_key("+8615900000001", "p1@corp.cn")
    journal = [{"t": "run", "tenant": tenant_identity(tenant)}, {"t": "start", "k": key, "op": "create", "row": 2}]
    (out / "journal.jsonl").write_text("\n".join(json.dumps(j) for j in journal) + "\n{\"t\": \"do", encoding="utf-8")
    result = run(tenant, path, out)
    assert result.outcomes["created"] == 2
    assert {r["record_id"] for r in read_results(out) if r["source_row"] == "2"} == {made}
    assert len(leads_on(tenant)) == 2


def test_retry_failed_attempts_only_the_failed_rows(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1), person(2), person(3)])
    out = tmp_path / "out"
    out.mkdir()
    from mktctl.leads.importer import tenant_identity

    failed = person_key("+8615900000002", "p2@corp.cn")
    journal = [{"t": "run", "tenant": tenant_identity(tenant)}, {"t": "failed", "k": failed, "error": "boom"}]
    (out / "journal.jsonl").write_text("\n".join(json.dumps(j) for j in journal) + "\n", encoding="utf-8")
    result = run(tenant, path, out, retry_failed=True)
    assert result.outcomes == {"created": 1, "updated": 0, "unchanged": 0, "failed": 0, "not_attempted": 2}
    assert [lead["mobile"] for lead in leads_on(tenant)] == ["+8615900000002"]
    rest = run(tenant, path, out)
    assert rest.outcomes["created"] == 3


def test_a_journal_of_another_tenant_is_set_aside(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1)])
    out = tmp_path / "out"
    out.mkdir()
    key = person_key("+8615900000001", "p1@corp.cn")
    lines = [{"t": "run", "tenant": "another"}, {"t": "done", "k": key, "outcome": "created", "id": "x"}]
    (out / "journal.jsonl").write_text("\n".join(json.dumps(j) for j in lines) + "\n", encoding="utf-8")
    result = run(tenant, path, out)
    assert result.outcomes["created"] == 1 and len(leads_on(tenant)) == 1
    assert len(list(out.glob("journal-*.other-tenant.jsonl"))) == 1


def test_an_unreachable_tenant_stops_the_import_and_a_rerun_completes_it(tmp_path: Path) -> None:
    from mktctl.tenant.client import RetryPolicy
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    path = write_csv(tmp_path / "l.csv", [person(i) for i in range(1, 8)])
    out = tmp_path / "out"
    settings = resolve(tmp_path, None, environ={})
    with open_tenant(settings, retry=RetryPolicy(attempts=1)) as tenant:
        original = tenant.client.crm_create
        calls = {"n": 0}

        def flaky(*args: Any, **kwargs: Any) -> str:
            calls["n"] += 1
            if calls["n"] > 3:
                from mktctl.errors import TenantUnreachable

                raise TenantUnreachable("no answer from the tenant")
            return original(*args, **kwargs)

        tenant.client.crm_create = flaky  # type: ignore[method-assign]
        result = import_leads(tenant, path, ImportOptions(batch_size=2, workers=1), out)
        assert result.stopped and "no answer" in result.stopped
        assert result.outcomes["created"] == 3 and result.outcomes["not_attempted"] >= 1
        assert result.summary.invariants["accepted = created + updated + unchanged + failed + not_attempted"]
        tenant.client.crm_create = original  # type: ignore[method-assign]
        done = import_leads(tenant, path, ImportOptions(), out)
        assert done.outcomes["created"] == 7 and done.stopped is None
        assert len(leads_on(tenant)) == 7


def test_import_spec_runs_from_a_playbook_folder(tenant: Any, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write_csv(tmp_path / "data" / "展会.csv", [person(1), person(2, 邮箱="a@rival.cn")])
    spec = ImportSpec.model_validate({"file": "data/展会.csv", "competitor_domains": ["Rival.CN"],
                                      "source": "线下展会"})
    result = run_import_spec(tenant, tmp_path, spec, rules=NO_RULES)
    assert result.out_dir == default_out_dir(tmp_path, spec)
    assert result.out_dir.parent == tmp_path / ".mktctl" / "imports" and result.out_dir.name.startswith("展会-")
    assert result.outcomes["created"] == 1 and result.summary.reasons["competitor"] == 1
    with pytest.raises(ValueError, match="not a domain"):
        ImportSpec.model_validate({"file": "x.csv", "competitor_domains": ["rival"]})
    with pytest.raises(ValueError):
        ImportSpec.model_validate({"file": "x.csv", "on_existing": "merge"})


def test_check_options_pass_through(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1), person(2, 手机号码="15900000001")])
    result = import_leads(tenant, path, ImportOptions(check=CheckOptions(keep="last")), tmp_path / "out")
    assert [r["status"] for r in read_results(tmp_path / "out")] == ["duplicate", "accepted"]
    assert result.outcomes["created"] == 1


def test_full_scan_finds_leads_stored_in_odd_spellings(tenant: Any, tmp_path: Path) -> None:
    tenant.client.crm_create("LeadsObj", {"name": "手工录入", "company": "x", "mobile": "159-0000-0001",
                                          "email": "P1@Corp.CN"})
    path = write_csv(tmp_path / "l.csv", [person(1)])
    assert run(tenant, path, tmp_path / "in", full_scan=True).outcomes["unchanged"] == 1
    assert len(leads_on(tenant)) == 1
