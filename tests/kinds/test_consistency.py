"""A playbook says each thing once, or its places agree: one opt-out wording (consent's, at the end of every
marketing SMS), one list of competitors' domains (lead_cleaning's), one MQL threshold (mql_definition,
the scoring model's grade and the hand-off rules). Where two places disagree, validate names both."""

from __future__ import annotations

from tests.kinds.helpers_a import problems, write_playbook

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
