"""Marketo's export and the generic format migrate too; a real tenant (the sandbox with only the public API)
gets the files in the platform's import format and manual steps; --write-playbook keeps the comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.migrate.conftest import Migrate, leads_on, reachable, rows
from tests.migrate.makers import MARKETO_HEADERS, email, marketo_person, mobile, write_csv


def _marketo(folder: Path) -> Path:
    folder.mkdir()
    people = [marketo_person(i) for i in range(1, 6)]
    people[0].update({"Marketing Suspended": "TRUE"})  # every channel
    people[1].update({"Unsubscribed": "TRUE", "Unsubscribed Reason": "too many emails"})
    people[2].update({"Black Listed": "1"})
    write_csv(folder / "Marketo-leads-export.csv", MARKETO_HEADERS, people, encoding="gb18030")
    activities = [{"leadId": "5004", "activityDate": "2024-06-01T01:00:00Z", "activityTypeId": "2",
                   "primaryAttributeValue": "试用申请", "marketoGUID": "g1"},
                  {"leadId": "5004", "activityDate": "2024-06-01T01:00:00Z", "activityTypeId": "2",
                   "primaryAttributeValue": "试用申请", "marketoGUID": "g1"},
                  {"leadId": "5005", "activityDate": "2024-06-02T01:00:00Z", "activityTypeId": "9",
                   "primaryAttributeValue": "月刊", "marketoGUID": "g2"},
                  {"leadId": "5004", "activityDate": "2024-06-02T01:00:00Z", "activityTypeId": "46",
                   "primaryAttributeValue": "x", "marketoGUID": "g3"}]
    write_csv(folder / "activities.csv", ["marketoGUID", "leadId", "activityDate", "activityTypeId",
                                          "primaryAttributeValue"], activities)
    return folder


def test_a_marketo_export_keeps_suspended_blocklisted_and_unsubscribed_people_unreachable(
        migrate: Migrate, tmp_path: Path, tenant: Any) -> None:
    result = migrate(_marketo(tmp_path / "marketo"), preset="marketo", scores="recompute")

    assert result.broken == [] and result.reports["people"].counts["migrated"] == 5
    assert reachable(tenant, "邮件", [email(i) for i in range(1, 6)]) == [email(4)]
    assert reachable(tenant, "短信", ["+86" + mobile(i) for i in range(1, 6)]) == ["+86" + mobile(2),
                                                                                  "+86" + mobile(4),
                                                                                  "+86" + mobile(5)]
    consent = rows(result.out_dir / "consent.csv")
    assert {(r["channel"], r["from"]) for r in consent} == {("全部", "people"), ("邮件", "people"),
                                                           ("邮件", "behaviour")}
    behaviour = [(r["activity"], r["status"], r["behaviour"]) for r in rows(result.out_dir / "behaviour.csv")]
    assert behaviour == [("2", "migrated", "提交表单"), ("2", "duplicate", "提交表单"), ("9", "migrated", "退订"),
                         ("46", "skipped", "")]
    leads = {lead["source_system_id__c"]: lead for lead in leads_on(tenant, "source_system_id__c", "model_score__c")}
    assert float(leads["5004"]["model_score__c"]) == 10


def test_the_generic_format_needs_no_map(migrate: Migrate, tmp_path: Path, tenant: Any) -> None:
    folder = tmp_path / "generic"
    folder.mkdir()
    write_csv(folder / "people.csv", ["source_id", "name", "company", "mobile", "email", "tags", "opt_out_sms"],
              [{"source_id": "g1", "name": "王五", "company": "丙公司", "mobile": mobile(1), "email": email(1),
                "tags": "客户等级:VIP;客户等级:普通", "opt_out_sms": "是"},
               {"source_id": "g2", "name": "赵六", "company": "丁公司", "mobile": mobile(2), "email": email(2)}])
    write_csv(folder / "opt_outs.csv", ["mobile", "channel", "opted_out_at"],
              [{"mobile": "139 0000 0009", "channel": "短信", "opted_out_at": "2023/1/5"}])

    result = migrate(folder)

    assert result.broken == []
    assert reachable(tenant, "短信", ["+86" + mobile(1), "+86" + mobile(9), "+86" + mobile(2)]) == \
        ["+86" + mobile(2)]
    lead = next(lead for lead in leads_on(tenant, "migrated_tags__c") if lead["name"] == "王五")
    assert lead["migrated_tags__c"] == "客户等级:VIP;客户等级:普通"


def test_a_tenant_without_the_extension_api_gets_files_and_manual_steps(migrate: Migrate, exports: Path,
                                                                        playbook: Path, tmp_path: Path) -> None:
    (playbook / "mktctl.tenants.yaml").write_text("tenants:\n  sandbox-public:\n    sandbox: {api: public}\n",
                                                  encoding="utf-8")

    result = migrate(exports, tenant_name="sandbox-public")

    out = result.out_dir
    assert (out / "退订名单.xlsx").is_file() and (out / "会员导入.xlsx").is_file()
    assert result.invariants["no opted-out person is reachable on a channel they opted out of"] is None
    assert result.broken == []
    consent = {r["status"] for r in rows(out / "consent.csv") if r["reason"] != "no_address"}
    assert consent == {"skipped"}
    wheres = [step["where"] for step in result.manual_steps]
    assert "营销通 > 系统设置 > 隐私合规设置" in wheres
    assert "管理后台 > 对象管理 > 销售线索 > 字段管理 > 新建自定义字段" in wheres
    assert result.reports["people"].counts["migrated"] == 6  # leads go through the public API
    tags = {r["reason"] for r in rows(out / "tags.csv") if r["status"] == "skipped"}
    assert "field_missing" in tags
    from openpyxl import load_workbook

    sheet = load_workbook(out / "退订名单.xlsx").active
    assert [c.value for c in sheet[1]] == ["退订渠道", "手机号", "邮箱", "退订时间", "退订原因", "来源", "原系统ID"]


def test_write_playbook_adds_the_missing_tag_values_and_keeps_the_comments(migrate: Migrate, exports: Path,
                                                                          playbook: Path) -> None:
    entry = playbook / "mktctl.yaml"
    before = entry.read_text(encoding="utf-8")

    result = migrate(exports, write_playbook=True)

    after = entry.read_text(encoding="utf-8")
    assert "# 标签: the groups the old system's tags map onto" in after
    assert "  - name: 客户等级          # VIP and the like" in after
    assert "原系统标签" in after and "展会" in after and "老客户" in after
    assert result.summary["playbook"]["written"] is True
    assert after.startswith(before.split("lifecycle_stages:")[0].rstrip().rsplit("\n", 1)[0])
    from mktctl.playbook.load import load_playbook

    reloaded, _ = load_playbook(playbook)
    group = next(r for r in reloaded.of("tags") if r.key == "原系统标签")
    assert group.spec.values == ["展会", "老客户"]
    again = migrate(exports, write_playbook=True, out="out-again")
    assert again.summary["missing_tag_values"] == {} and again.summary["playbook"]["written"] is False
