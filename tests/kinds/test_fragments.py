"""The playbook fragments of guide 2.5-2.8 (src/mktctl/playbooks/fragments/), which the ready playbooks
include: each validates with what its header says it needs, together they apply to the sandbox and plan
nothing more, and the seed fragments carry the seeds' figures."""

from __future__ import annotations

import shutil

import pytest

from mktctl.playbook.load import load_playbook
from tests.kinds.helpers_b import FRAGMENTS, MINI_PROGRAM, problems, reported, write

NEEDS = {
    "roles-marketing-team.yaml": [],
    "scoring-lead-nurture.yaml": [],
    "lifecycle-stages.yaml": [],
    "consent-pipl.yaml": [],
    "events.yaml": [],
    "content.yaml": ["roles-marketing-team.yaml"],
    "audience.yaml": ["consent-pipl.yaml"],
    "nurture-english.yaml": ["consent-pipl.yaml"],
    "wecom-private-domain-audience.yaml": ["consent-pipl.yaml"],
    "reports.yaml": ["roles-marketing-team.yaml"],
}  # the fragments of guide 2.5-2.8 (others in the folder belong to guide 1.1-2.4)


def with_fragments(folder, names, *sections):
    write(folder, "include:\n" + "".join(f"  - fragments/{name}\n" for name in names), *sections)
    shutil.copytree(FRAGMENTS, folder / "fragments")
    return folder


def test_the_fragments_of_guide_2_5_to_2_8_are_shipped() -> None:
    assert set(NEEDS) <= {p.name for p in FRAGMENTS.glob("*.yaml")}


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_each_fragment_validates_with_what_it_says_it_needs(tmp_path, name) -> None:
    with_fragments(tmp_path, [*NEEDS[name], name], MINI_PROGRAM)

    errors = [line for line in problems(tmp_path) if ": error: " in line]

    assert errors == []
    lines = (FRAGMENTS / name).read_text(encoding="utf-8").splitlines()
    header = " ".join(line for line in lines[:next(i for i, line in enumerate(lines) if not line.startswith("#"))])
    for need in NEEDS[name]:
        assert need in header


@pytest.mark.e2e
@pytest.mark.slow
def test_all_fragments_together_apply_to_the_sandbox_and_plan_nothing_more(tmp_path, mktctl) -> None:
    with_fragments(tmp_path, list(NEEDS), MINI_PROGRAM)

    validated = mktctl("validate")
    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")

    assert validated.code == 0, validated.output
    assert reported(validated) == [
        "fragments/reports.yaml:6:11: warning: the ad report package shows data of bound ad accounts, and none is "
        "declared (ad_accounts:)",
        "fragments/wecom-private-domain-audience.yaml:98:42: warning: step '短信提醒' sends the SMS template "
        "'会员召回', but no sms_channel is declared: declare the signature and the template there"]
    assert applied.code == 0, applied.output
    assert "Apply complete: 62 created" in applied.stdout
    assert again.code == 0, again.output


def test_the_seed_001_fragments_carry_the_seeds_figures(tmp_path) -> None:
    with_fragments(tmp_path, list(NEEDS), MINI_PROGRAM)
    playbook, _ = load_playbook(tmp_path)

    scoring = playbook.find("scoring_models", "线索培育评分").spec
    stages = {r.key: r.spec for r in playbook.of("lifecycle_stages")}
    alerts = {r.key: (r.spec.metric, r.spec.when, r.spec.threshold) for r in playbook.of("alerts")}

    assert [(r.behaviour, r.content, r.points, r.weight) for r in scoring.behaviour_rules] == [
        ("下载文件", "产品白皮书", 5, 20), ("观看直播", "线上研讨会", 10, 30), ("点击邮件链接", "价格方案", 8, 25),
        ("咨询客服", None, 15, 25)]
    assert list(stages) == ["新客期", "成长期", "稳定期", "沉睡期"]
    assert (stages["新客期"].registered_within_days, stages["新客期"].purchases_max) == (30, 0)
    assert (stages["成长期"].purchases_min, stages["成长期"].purchases_max) == (1, 2)
    assert stages["稳定期"].purchases_min == 3
    assert stages["沉睡期"].inactive_days == 90
    assert [r.key for r in playbook.of("roles")] == ["市场部经理", "运营专员", "数据分析师"]
    assert alerts["邮件送达率过低"] == ("送达率", "低于", 90)
    assert alerts["邮件退回率过高"] == ("退回率", "高于", 5)
    assert playbook.find("report_packages", "广告数据报表").spec.code == "99e3cdc7-286c-4357-8d78-bcdf8d8932a4"


def test_the_seed_004_fragment_has_tiers_points_tags_and_kol(tmp_path) -> None:
    with_fragments(tmp_path, ["consent-pipl.yaml", "wecom-private-domain-audience.yaml"], MINI_PROGRAM)
    playbook, _ = load_playbook(tmp_path)

    members = playbook.find("member_marketing", "member_marketing").spec

    assert [t.name for t in members.tiers] == ["小白用户", "粉丝用户", "银卡客户", "金卡客户", "白金客户", "资深用户"]
    assert all(rule.growth > 0 for rule in members.earn)  # two tracks: points to redeem, growth for the tier
    assert (members.kol.name, members.kol.min_tier) == ("口碑领袖", "金卡客户")
    assert [r.key for r in playbook.of("tags")] == ["用户来源", "会员等级", "KOL", "私域活跃度"]
    assert {r.spec.object for r in playbook.of("nurture_flows")} == {"企业微信客户", "会员"}
