"""A playbook says each thing once, or its places agree: one opt-out wording (consent's, at the end of every
marketing SMS), one list of competitors' domains (lead_cleaning's), one MQL threshold (mql_definition,
the scoring model's grade and the hand-off rules). Where two places disagree, validate names both."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from mktctl.playbook.load import load_playbook
from mktctl.playbook.starter import templates
from tests.kinds.helpers_a import problems, write_playbook

FRAGMENTS = Path(str(resources.files("mktctl") / "playbooks" / "fragments"))

CONSENT = """\
consent:
  privacy_policy_url: https://www.example.cn/privacy
  collect_at: [表单]
  purposes:
    - {name: 营销推广, channels: [短信, 邮件]}
  unsubscribe: {sms_keyword: 回T退订}
"""


# ---- one opt-out wording ------------------------------------------------------------------------------


def test_every_marketing_sms_ends_with_consent_s_opt_out_and_a_template_that_differs_is_named_at_its_line(
        tmp_path) -> None:
    write_playbook(tmp_path, CONSENT, """\
        sms_channel:
          signature: 示例科技
          templates:
            - {name: 新品, type: 营销推广, content: "新品上市 {链接} 回T退订"}
            - {name: 邀请, type: 营销推广, content: "诚邀参加发布会 {链接} 拒收请回复R"}
            - {name: 中间, type: 营销推广, content: "回T退订 新品上市 {链接}"}
            - {name: 提醒, type: 通知, content: "活动明天开始, 退订回TD"}
            - {name: 报名, type: 通知, content: "您已报名成功。"}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:14:39: error: template '邀请' offers the opt-out '拒收请回复R', but consent tells people to "
        "unsubscribe with '回T退订' (mktctl.yaml:9:30): end every marketing SMS with 回T退订",
        "mktctl.yaml:15:39: error: template '中间' does not end with the opt-out, but consent tells people to "
        "unsubscribe with '回T退订' (mktctl.yaml:9:30): end every marketing SMS with 回T退订",
        "mktctl.yaml:16:37: error: template '提醒' offers the opt-out '退订回TD', but consent tells people to "
        "unsubscribe with '回T退订' (mktctl.yaml:9:30): end every marketing SMS with 回T退订",
    ]


def test_a_playbook_that_words_the_opt_out_otherwise_uses_its_own_words_everywhere(tmp_path) -> None:
    write_playbook(tmp_path, CONSENT.replace("回T退订", "拒收请回复R"), """\
        sms_channel:
          signature: 示例科技
          templates:
            - {name: 新品, type: 营销推广, content: "新品上市 {链接} 拒收请回复R。"}
        """)

    assert problems(tmp_path) == []


# ---- one list of competitors ---------------------------------------------------------------------------


CLEANING = """\
lead_cleaning:
  required_fields: [name, mobile]
  duplicate_rules: [{match: [mobile]}]
  competitor_domains: [rival-tech.cn]
"""


def test_an_import_that_names_a_competitor_lead_cleaning_does_not_is_an_error_naming_both_places(tmp_path) -> None:
    write_playbook(tmp_path, CLEANING, """\
        imports:
          - file: leads.csv
            competitor_domains: [other-rival.cn, mail.rival-tech.cn]
        """, leads__csv="姓名,手机\n张三,13911110001\n")

    assert problems(tmp_path) == [
        "mktctl.yaml:10:26: error: competitor domain 'other-rival.cn' is not in "
        "lead_cleaning.competitor_domains (mktctl.yaml:7:23): this import would reject its people, but leads from "
        "the channels, the MQL and `mktctl test` would not; declare competitors once, in lead_cleaning",
        "mktctl.yaml:10:42: warning: competitor domain 'mail.rival-tech.cn' is already in "
        "lead_cleaning.competitor_domains (mktctl.yaml:7:23), which every import uses: remove it here",
    ]


def test_without_lead_cleaning_an_import_s_own_competitors_are_the_list(tmp_path) -> None:
    write_playbook(tmp_path, """\
        imports:
          - file: leads.csv
            competitor_domains: [rival-tech.cn]
        """, leads__csv="姓名,手机\n张三,13911110001\n")

    assert problems(tmp_path) == []


# ---- one MQL threshold ---------------------------------------------------------------------------------


def _with_fragments(folder: Path, *names: str) -> Path:
    write_playbook(folder, "include: [org.yaml, " + ", ".join(f"fragments/{n}" for n in names) + "]\n")
    (folder / "mktctl.yaml").write_text((folder / "mktctl.yaml").read_text(encoding="utf-8")
                                        .replace("include: [org.yaml]\n", ""), encoding="utf-8")
    (folder / "fragments").mkdir()
    for name in names:
        shutil.copy(FRAGMENTS / name, folder / "fragments" / name)
    return folder


def test_the_shared_lead_rules_and_scoring_fragments_agree_on_the_mql(tmp_path) -> None:
    _with_fragments(tmp_path, "lead-rules.yaml", "scoring-lead-nurture.yaml")

    assert [p for p in problems(tmp_path) if ": error: " in p] == []


def test_fragments_that_disagree_on_the_mql_cannot_be_included_together(tmp_path) -> None:
    _with_fragments(tmp_path, "lead-rules.yaml", "scoring-lead-nurture.yaml")
    scoring = tmp_path / "fragments" / "scoring-lead-nurture.yaml"
    scoring.write_text(scoring.read_text(encoding="utf-8").replace("name: MQL\n        score: 30",
                                                                    "name: MQL\n        score: 40"), encoding="utf-8")
    grade = next(n for n, line in enumerate(scoring.read_text(encoding="utf-8").splitlines(), 1) if "score: 40" in line)
    mql = next(n for n, line in enumerate((FRAGMENTS / "lead-rules.yaml").read_text(encoding="utf-8").splitlines(), 1)
               if line.startswith("  min_score: 30"))

    errors = [p for p in problems(tmp_path) if ": error: " in p]

    assert errors == [
        f"fragments/lead-rules.yaml:{mql}:14: error: two MQL thresholds disagree: leads qualify as MQL at 30 points "
        f"here, but scoring model '线索培育评分' grades MQL from 40 (fragments/scoring-lead-nurture.yaml:{grade}:16); "
        "make them the same"]


# ---- the ready playbooks -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(templates()))
def test_each_ready_playbook_says_each_thing_once(name: str) -> None:
    playbook, warnings = load_playbook(templates()[name], strict=True)
    assert warnings == []

    consent = playbook.of("consent")
    keyword = consent[0].spec.unsubscribe.sms_keyword if consent else None
    for channel in playbook.of("sms_channel"):
        for template in channel.spec.templates:
            if template.type == "营销推广":
                assert template.content.endswith(keyword), (template.name, keyword)

    for entry in playbook.of("imports"):
        assert entry.spec.competitor_domains == [], f"{entry.key}: competitors belong to lead_cleaning"

    for mql in playbook.of("mql_definition"):
        thresholds = {("mql_definition", mql.spec.min_score)}
        for model in playbook.of("scoring_models"):
            thresholds |= {("grade", t.score) for t in model.spec.thresholds if t.name == mql.spec.stage_label}
        for rules in playbook.of("lead_assignment"):
            if rules.key == mql.spec.hand_off:
                thresholds |= {("hand-off rule", r.when.min_score) for r in rules.spec.rules if r.when.min_score}
        assert len({score for _where, score in thresholds}) == 1, thresholds
