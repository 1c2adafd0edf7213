"""A HubSpot export migrated into the sandbox: every row of every entity accounted for, people through the lead
pipeline, opt-outs kept, tags and stages mapped, scores carried and recomputed, members with their points,
content uploaded; a rerun changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.migrate.conftest import Migrate, leads_on, reachable, rows
from tests.migrate.makers import email, mobile


def _state(playbook: Path) -> tuple[Any, ...]:
    """Everything the sandbox holds for the tenant, with the times things last changed."""
    db = sqlite3.connect(playbook / ".mktctl" / "sandbox.db")
    try:
        return (db.execute("SELECT api_name, id, data, last_modified_time FROM records ORDER BY id").fetchall(),
                db.execute("SELECT collection, key, data, updated_at FROM ext_records ORDER BY key").fetchall(),
                db.execute("SELECT api_name, definition FROM custom_fields ORDER BY api_name").fetchall())
    finally:
        db.close()


def test_every_entity_is_reconciled_and_every_invariant_holds(migrate: Migrate, exports: Path) -> None:
    result = migrate(exports)

    counts = {name: report.counts for name, report in result.reports.items()}
    assert set(counts) == {"people", "consent", "tags", "lifecycle_stages", "scores", "behaviour", "members",
                           "content"}
    for name, count in counts.items():
        assert count["source"] == sum(count[s] for s in ("migrated", "rejected", "duplicate", "skipped", "failed")), \
            name
    assert counts["people"] == {"source": 8, "migrated": 6, "rejected": 1, "duplicate": 1, "skipped": 0, "failed": 0}
    assert result.broken == []
    assert all(result.invariants.values())


def test_people_go_through_the_lead_pipeline_with_its_results_contract(migrate: Migrate, exports: Path,
                                                                        tenant: Any, tmp_path: Path) -> None:
    migrate(exports)

    lead_rows = rows(tmp_path / "out" / "people" / "results.csv")
    assert [r["source_row"] for r in lead_rows] == [str(n) for n in range(2, 10)]
    assert {r["status"] for r in lead_rows} == {"accepted", "duplicate", "rejected"}
    people = {r["source_id"]: r for r in rows(tmp_path / "out" / "people.csv")}
    assert people["901"]["status"] == "duplicate" and people["901"]["target"] == people["101"]["target"]
    assert people["999"]["reason"] == "test_data"
    assert people["101"]["old_owner"] == "owner@acme.com"
    leads = leads_on(tenant, "source_system_id__c")
    assert sorted(lead["source_system_id__c"] for lead in leads) == [str(100 + i) for i in range(1, 7)]
    assert {lead["name"] for lead in leads} >= {"张1三", "张2三"}  # 姓 + 名, the Chinese order


def test_no_opted_out_address_is_reachable_whether_imported_or_not(migrate: Migrate, exports: Path,
                                                                    tenant: Any) -> None:
    result = migrate(exports)

    # 102 unsubscribed from all email, 103 from the newsletter, 105 by an unsubscribe event, 999 is rejected as
    # test data, gone@old.cn is only on the unsubscribe list
    opted_out = [email(2), email(3), email(5), "test@example.com", "gone@old.cn"]
    assert reachable(tenant, "邮件", opted_out) == []
    assert reachable(tenant, "邮件", [email(1), email(4)]) == [email(1), email(4)]
    consent = {(r["from"], r["source_row"]): r for r in rows(result.out_dir / "consent.csv")}
    assert consent[("opt_outs", "3")]["reason"] == "no_address"  # an sms opt-out without a number: loud
    assert result.summary["consent"]["check"]["reachable_count"] == 0
    assert any("no_address" in step["step"] for step in result.manual_steps)


def test_tags_and_stages_are_mapped_and_unknown_values_counted(migrate: Migrate, exports: Path,
                                                              tenant: Any) -> None:
    result = migrate(exports)

    leads = {lead["source_system_id__c"]: lead for lead in leads_on(tenant, "source_system_id__c",
                                                                    "migrated_tags__c", "lifecycle_stage__c")}
    assert leads["101"]["migrated_tags__c"].split(";") == ["客户等级:VIP", "原系统标签:展会", "购买阶段:意向客户"]
    assert leads["102"]["migrated_tags__c"].split(";") == ["客户等级:VIP", "原系统标签:老客户", "购买阶段:意向客户"]
    assert leads["101"]["lifecycle_stage__c"] == "新客期"
    assert not leads["104"].get("lifecycle_stage__c")  # Evangelist has no mapping
    assert result.summary["unmapped_values"]["lifecycle_stages"] == {"Evangelist": 1}
    assert result.summary["unmapped_values"]["behaviours"] == {"BOUNCE": 1}
    assert result.summary["missing_tag_values"] == {"原系统标签": {"展会": 4, "老客户": 3}}


def test_scores_are_carried_and_recomputed_with_both_distributions(migrate: Migrate, exports: Path,
                                                                   tenant: Any) -> None:
    result = migrate(exports, scores="recompute")

    leads = {lead["source_system_id__c"]: lead for lead in leads_on(tenant, "source_system_id__c", "source_score__c",
                                                                    "model_score__c")}
    assert float(leads["103"]["source_score__c"]) == 3
    # 101 opened (2) and clicked once (5; the same click twice in a minute is a duplicate); 103 sent a form (10)
    assert float(leads["101"]["model_score__c"]) == 7
    assert float(leads["103"]["model_score__c"]) == 10
    scores = result.summary["scores"]
    assert scores["mode"] == "recompute" and scores["model"] == "线索培育评分"
    assert scores["old"]["count"] == 6 and scores["new"]["count"] == 6
    assert sum(scores["new"]["bins"].values()) == 6


def test_members_keep_their_tier_and_points(migrate: Migrate, exports: Path, tenant: Any) -> None:
    result = migrate(exports)

    answer = tenant.client.call("/mktctl/ext/v1/members/list", {"data": {}})
    members = {m["member_no"]: m for m in answer["data"]["items"]}
    assert members["M1"]["tier"] == "金卡会员" and members["M1"]["points"] == 1200
    assert members["M1"]["lead_id"]  # 101 is a person: the member is linked to their lead
    assert "M3" not in members  # Platinum has no mapping
    assert result.summary["members"]["points_source"] == result.summary["members"]["points_tenant"] == 1230
    statuses = [r["status"] for r in rows(result.out_dir / "members.csv")]
    assert statuses == ["migrated", "migrated", "duplicate", "skipped"]


def test_content_is_uploaded_rewritten_and_the_rest_listed(migrate: Migrate, exports: Path, tenant: Any) -> None:
    result = migrate(exports)

    items = {i["key"]: i for i in tenant.client.call("/mktctl/ext/v1/content/list", {"data": {}})["data"]["items"]}
    assert set(items) == {"c1", "c2"}
    assert items["c2"]["size"] == len(b"%PDF-1.4 whitepaper")
    template = (result.out_dir / "content" / "c1.html").read_text(encoding="utf-8")
    assert "尊敬的{客户姓名}, {公司名称}" in template
    assert "https://acme.fxiaoke.cn/webinar?utm=1" in template and "{退订链接}" in template
    inventory = {r["content_id"]: r for r in rows(result.out_dir / "content.csv")}
    assert inventory["c1"]["unresolved"] == "{{ my.event_date }};https://acme.hs-sites.com/old"
    assert (inventory["c3"]["status"], inventory["c4"]["status"]) == ("skipped", "rejected")
    steps = " ".join(s["step"] for s in result.manual_steps)
    assert "Webinar LP" in steps and "{{ my.event_date }}" in steps


def test_unknown_columns_are_reported_and_known_ones_explained(migrate: Migrate, exports: Path) -> None:
    result = migrate(exports)

    assert {"entity": "people", "file": "hubspot-crm-exports-all-contacts-2024-06-01.csv",
            "header": "Favourite Colour"} in result.summary["unknown_columns"]
    not_migrated = result.summary["files"]["people"]["not_migrated"]
    assert {"header": "Country/Region", "why": "known: a lead has province and city, not country"} in not_migrated


def test_a_rerun_changes_nothing(migrate: Migrate, exports: Path, playbook: Path) -> None:
    first = migrate(exports)
    before = _state(playbook)

    again = migrate(exports)

    assert _state(playbook) == before
    assert again.summary["people"]["outcomes"]["created"] == first.summary["people"]["outcomes"]["created"] == 6
    assert again.summary["people"]["lead_values"]["leads_written"] == 0
    assert again.summary["consent"]["written"]["new"] == 0


def test_a_rerun_into_another_folder_matches_people_by_their_old_id(migrate: Migrate, exports: Path,
                                                                     playbook: Path, tenant: Any) -> None:
    migrate(exports)
    # the old system changed a person's email and mobile since: only the old id says who they are
    contacts = next(exports.glob("*contacts*"))
    text = contacts.read_bytes().decode("utf-8-sig").replace(email(6), "new6@corp.cn").replace(mobile(6),
                                                                                                "13900009999")
    contacts.write_bytes(text.encode("utf-8-sig"))
    before = _state(playbook)

    again = migrate(exports, out="out-again")

    assert again.summary["people"]["seeded_by_old_id"] == 6
    assert again.summary["people"]["outcomes"] == {"created": 0, "updated": 0, "unchanged": 6, "failed": 0,
                                                   "not_attempted": 0}
    assert len(leads_on(tenant)) == 6
    assert _state(playbook)[0] == before[0]


def test_a_dry_run_touches_neither_tenant_nor_playbook(migrate: Migrate, exports: Path, playbook: Path) -> None:
    before = {p: p.read_bytes() for p in playbook.rglob("*") if p.is_file()}

    result = migrate(exports, dry_run=True, write_playbook=True)

    assert {p: p.read_bytes() for p in playbook.rglob("*") if p.is_file()} == before
    assert not (playbook / ".mktctl").exists()
    assert result.summary["dry_run"] is True
    assert result.reports["people"].counts["migrated"] == 6
    assert result.invariants["no opted-out person is reachable on a channel they opted out of"] is None
    assert result.summary["playbook"]["written"] is False and result.summary["playbook"]["new_groups"] == ["原系统标签"]


def test_the_summary_is_kept_for_the_report_without_personal_data(migrate: Migrate, exports: Path,
                                                                  playbook: Path) -> None:
    migrate(exports)

    kept = (playbook / ".mktctl" / "migration.json").read_text(encoding="utf-8")
    assert json.loads(kept)["kind"] == "mktctl-migration"
    for i in range(1, 7):
        assert email(i) not in kept and mobile(i) not in kept
