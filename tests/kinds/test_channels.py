"""The channel kinds of guide 2.4: ad_accounts, wechat_open_platform, wechat_accounts, wecom, website_forms,
sms_channel and email_channel: the platform's own values, the rules of each platform, the lints, and the
whole family applied to the sandbox and turned into manual steps (with QR codes) on a public-API tenant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mktctl
from mktctl.kinds.messaging import EmailChannelSpec, dns_records
from mktctl.kinds.registry import kind
from tests.kinds.helpers_a import PUBLIC, load, problems, write_playbook

POOL = """\
lead_pools:
  - name: 市场线索池
    admins: [M001]
    members: {departments: [销售部]}
"""
CHANNELS = """\
products:
  edition: 旗舰版
  ordered: [营销一体化应用, 行为积分, 小红书广告线索连接器, 企业专属域名]
  scrm_seats: 10
basic_settings:
  company: {name: 示例科技有限公司}
  plugins: [广告营销, 企业专属域名, 官网对接]
  custom_domain: mkt.example.cn
  lead_storage: {default_pool: 市场线索池}
  privacy: {policy_url: "https://www.example.cn/privacy"}
ad_accounts:
  - name: 百度-品牌推广
    platform: 百度
    account_id: "30012345"
    lead_sync: {source: 百度推广, field_mapping: {姓名: name, 电话: mobile}}
    landing_page: 官网表单
    website_form: 官网-联系销售
  - name: 小红书-种草
    platform: 小红书
    account_id: "5f0c1a2b"
    lead_sync: {pool: 市场线索池}
    landing_page: 营销通微页面
  - name: LinkedIn-EMEA
    platform: 领英
    account_id: "508001234"
    lead_sync: {}
    postback: {events: [有效线索, 商机], conversion_name: CRM qualified lead}
wechat_open_platform:
  certified: true
wechat_accounts:
  - name: 示例科技服务号
    type: 服务号
    app_id: wx0123456789abcdef
    authorisation_url: "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx1&pre_auth_code=x"
  - name: 示例科技小程序
    type: 小程序
  - name: 示例科技视频号
    type: 视频号
    channel_id: sphABCdef123
    avatar: "https://www.example.cn/avatar.png"
wecom:
  corp_name: 示例科技
  corp_id: ww0123456789abcdef
  live_codes:
    - name: 官网咨询
      staff: [S001, S002]
      welcome_message: 您好, 我是示例科技的顾问
website_forms:
  - name: 官网-联系销售
    page_url: "https://www.example.cn/contact"
    fields: {姓名: name, 手机: mobile, 公司: company}
    utm: {source: baidu, medium: cpc, campaign: brand}
sms_channel:
  signature: 示例科技
  templates:
    - {name: 活动提醒, type: 通知, content: "您报名的活动明天开始"}
email_channel:
  sender_domains:
    - {domain: mail.example.cn, from_address: news@mail.example.cn, from_name: 示例科技}
  spf_include: sendcloud.net
  dmarc_reports_to: dmarc@example.cn
"""


# ---- ad accounts ---------------------------------------------------------------------------------------


def test_platforms_are_the_platforms_own_names_with_aliases_and_suggestions(tmp_path) -> None:
    write_playbook(tmp_path, POOL, """\
        ad_accounts:
          - {name: 头条-信息流, platform: 头条, account_id: 1700000001, lead_sync: {pool: 市场线索池}}
          - {name: 小红书, platform: 小红薯, account_id: "5f0c1a2b"}
          - {name: Google-Search, platform: google, account_id: "123-456-7890", postback: {events: [赢单]}}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:10:27: error: ad_accounts: platform: Input should be '百度', '巨量引擎', '腾讯广告', '搜狗', "
        "'知乎', "
        "'快手', '神马', '小红书', 'Google', 'LinkedIn' or 'Facebook'; did you mean '小红书'?"]
    toutiao = load_ok(tmp_path, "小红薯", "小红书").find("ad_accounts", "头条-信息流").spec
    assert (toutiao.platform, toutiao.account_id, toutiao.data_sync, toutiao.plan_keyword_sync) == (
        "巨量引擎", "1700000001", True, True)
    assert toutiao.lead_sync.push_plan_keyword is True


def load_ok(folder, old: str, new: str):
    text = (folder / "mktctl.yaml").read_text(encoding="utf-8")
    (folder / "mktctl.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return load(folder)


def test_each_platform_offers_what_it_has(tmp_path) -> None:
    write_playbook(tmp_path, POOL, """\
        ad_accounts:
          - name: 知乎
            platform: 知乎
            account_id: "z001"
            data_sync: true
          - name: Facebook
            platform: Facebook
            account_id: "act_1001"
            plan_keyword_sync: true
          - name: 百度
            platform: 百度
            account_id: "b001"
            postback: {events: [线索]}
          - name: 快手
            platform: 快手
            account_id: "k001"
            lead_sync: {pool: 市场线索池, push_plan_keyword: true}
          - name: 快手二
            platform: 快手
            account_id: "k001"
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:12:16: error: ad_accounts: data_sync: 知乎 connects leads only (线索对接); it has no "
        "impression/click/spend sync",
        "mktctl.yaml:16:24: error: ad_accounts: plan_keyword_sync: plan and keyword sync is for 百度, 巨量引擎 and "
        "腾讯广告, "
        "not Facebook",
        "mktctl.yaml:20:15: error: ad_accounts: postback: conversion postback (广告回传) is set up for Google, "
        "LinkedIn "
        "and Facebook, not 百度",
        "mktctl.yaml:24:49: error: 快手 leads carry no ad plan or keyword; remove push_plan_keyword",
        "mktctl.yaml:27:17: error: 快手 account k001 is already bound as '快手'",
    ]


def test_a_channel_without_a_lead_pool_is_a_lint_unless_there_is_a_default_pool(tmp_path) -> None:
    write_playbook(tmp_path, POOL, """\
        ad_accounts:
          - name: 百度-品牌推广
            platform: 百度
            account_id: "30012345"
            lead_sync: {source: 百度推广}
            landing_page: 官网表单
        website_forms:
          - name: 官网-联系销售
            page_url: "https://www.example.cn/contact"
            fields: {公司: company}
            consent: false
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:12:16: warning: ad account '百度-品牌推广' has no lead pool and basic_settings names no "
        "lead_storage.default_pool: leads from it go nowhere; set pool",
        "mktctl.yaml:13:19: warning: name the website form (website_form:) whose UTM parameters tie its leads to "
        "this account's plans",
        "mktctl.yaml:15:11: warning: website form '官网-联系销售' has no lead pool and basic_settings names no "
        "lead_storage.default_pool: leads from it go nowhere; set pool",
        "mktctl.yaml:17:13: warning: the form collects neither mobile nor email: its leads can be neither "
        "deduplicated nor reached",
        "mktctl.yaml:18:14: warning: the form collects personal data without asking for consent (PIPL)",
    ]

    write_playbook(tmp_path, POOL, """\
        basic_settings:
          company: {name: 示例科技}
          plugins: [广告营销]
          lead_storage: {default_pool: 市场线索池}
          privacy: {policy_url: "https://www.example.cn/privacy"}
        ad_accounts:
          - {name: 百度, platform: 百度, account_id: b001, lead_sync: {}}
        """)
    assert problems(tmp_path) == []


# ---- WeChat and WeCom ------------------------------------------------------------------------------------


def test_a_subscription_account_is_refused_and_a_channel_needs_its_id_and_avatar(tmp_path) -> None:
    write_playbook(tmp_path, """\
        wechat_accounts:
          - {name: 示例资讯, type: 订阅号}
          - {name: 示例公众号, type: 公众号}
          - {name: 示例视频号, type: 视频号, app_id: wx0123456789abcdef}
          - {name: 示例服务号, type: 服务号, app_id: wx123}
          - {name: 示例视频号二, type: 视频号}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:24: error: wechat_accounts: type: a 订阅号 (subscription account) cannot be bound: 营销通 binds "
        "服务号 only; upgrade it to a 服务号 first",
        "mktctl.yaml:6:25: error: wechat_accounts: type: which kind of 公众号? 营销通 binds 服务号 only (a 订阅号 is "
        "refused); write 服务号",
        "mktctl.yaml:7:38: error: wechat_accounts: app_id: a 视频号 has no AppID; give channel_id, avatar and name",
        "mktctl.yaml:8:38: error: wechat_accounts: app_id: 'wx123' is not a WeChat AppID (wx followed by 16 hex "
        "digits)",
        "mktctl.yaml:9:5: error: wechat_accounts: a 视频号 is bound by its channel_id, avatar and name: give "
        "channel_id "
        "and avatar",
    ]


def test_two_of_service_account_mini_program_and_wecom_need_the_open_platform(tmp_path) -> None:
    write_playbook(tmp_path, """\
        wechat_accounts:
          - {name: 示例科技服务号, type: 服务号}
          - {name: 示例科技视频号, type: 视频号, channel_id: sph1, avatar: "https://www.example.cn/a.png"}
        wecom:
          corp_name: 示例科技
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:27: error: 服务号 and 企业微信 are bound: declare wechat_open_platform (微信开放平台, "
        "certified by "
        "the client) so that a person is one user across them"]

    write_playbook(tmp_path, """\
        wechat_accounts:
          - {name: 示例科技服务号, type: 服务号}
          - {name: 示例科技视频号, type: 视频号, channel_id: sph1, avatar: "https://www.example.cn/a.png"}
        wechat_open_platform:
          bind: [示例科技视频号]
        """)
    assert problems(tmp_path) == [  # errors first, then warnings
        "mktctl.yaml:8:10: error: '示例科技视频号' is a 视频号; the open platform binds 服务号 and 小程序",
        "mktctl.yaml:8:3: warning: the open platform must be certified (企业认证, 300 元/年 to Tencent) before "
        "accounts can be bound; set certified: true once done",
    ]


def test_wecom_live_codes_name_real_staff(tmp_path) -> None:
    write_playbook(tmp_path, """\
        wecom:
          corp_name: 示例科技
          corp_id: corp123
          live_codes:
            - {name: 展会, staff: [S001, S003]}
            - {name: 展会, staff: [S002]}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:6:12: error: wecom: corp_id: 'corp123' is not a WeCom CorpID (ww followed by 16 hex digits)"]
    write_playbook(tmp_path, """\
        wecom:
          corp_name: 示例科技
          live_codes:
            - {name: 展会, staff: [S001, S003]}
            - {name: 展会, staff: [S002]}
        """)
    assert problems(tmp_path) == [
        "mktctl.yaml:7:32: error: wecom 'wecom' refers to unknown users 'S003'; did you mean 'S002'?",
        "mktctl.yaml:8:14: error: two live codes are named '展会'",
    ]


# ---- SMS and e-mail --------------------------------------------------------------------------------------


def test_sms_signatures_and_marketing_templates_follow_the_carriers_rules(tmp_path) -> None:
    write_playbook(tmp_path, """\
        sms_channel:
          signature: 【示例科技】
          templates:
            - {name: 新品, type: 营销推广, content: "新品上市, 欢迎选购"}
            - {name: 提醒, type: 通知, content: "【示例科技】活动明天开始"}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:14: error: sms_channel: signature: write the signature without 【】",
        "mktctl.yaml:7:7: error: sms_channel: templates.0: template '新品': a 营销推广 message must offer an "
        "opt-out, e.g. "
        "end with 回T退订",
        "mktctl.yaml:8:7: error: sms_channel: templates.1: template '提醒': leave the 【signature】 out; it is added "
        "to "
        "every message",
    ]


def test_email_senders_are_on_their_domain_and_the_dns_records_are_listed(tmp_path) -> None:
    write_playbook(tmp_path, """\
        email_channel:
          sender_domains:
            - {domain: mail.example.cn, from_address: news@example.cn, from_name: 示例科技}
          spf_include: sendcloud.net
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:6:47: error: email_channel: sender_domains.0.from_address: 'news@example.cn' is not on the "
        "sender domain mail.example.cn"]
    spec = EmailChannelSpec.model_validate(kind("email_channel").example() | {"dmarc_policy": "quarantine"})
    assert dns_records(spec) == [
        ("TXT", "mail.example.cn", "v=spf1 include:sendcloud.net ~all"),
        ("TXT", "default._domainkey.mail.example.cn", "the DKIM public key shown by the mail service"),
        ("TXT", "_dmarc.mail.example.cn", "v=DMARC1; p=quarantine"),
    ]


# ---- end to end ------------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_channels_apply_to_the_sandbox_and_are_manual_steps_with_qr_codes_on_a_public_tenant(
        tmp_path, mktctl) -> None:
    write_playbook(tmp_path, POOL, CHANNELS)

    validated = mktctl("validate")
    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    pending = mktctl(*PUBLIC, "plan", "--detailed-exitcode")
    steps = mktctl(*PUBLIC, "steps")

    assert validated.code == 0 and "0 warning(s)" in validated.stdout, validated.output
    assert applied.code == 0, applied.output
    assert again.code == 0, again.output
    assert pending.code == 3, pending.output
    assert "0 to create, 0 to update, 0 to delete, 14 manual steps pending" in pending.stdout
    lines = steps.stdout.splitlines()
    for line in (
            "! products/products  待完成（纷享销客客户经理）",
            "    菜单路径：纷享销客 CRM > 订单 > 新建订单（为客户下单产品）",
            "    已下单产品：营销一体化应用、行为积分、小红书广告线索连接器、企业专属域名",
            "    SCRM销售账号数：10",
            "    菜单路径：营销通 > 系统设置 > 基础设置",
            "    企业专属域名：mkt.example.cn",
            "! ad_accounts/百度-品牌推广  待完成（客户广告账户管理员）",
            "    菜单路径：营销通 > 广告营销 > 广告账户 > 国内广告 > 绑定百度账户",
            "    菜单路径：营销通 > 广告营销 > 广告账户 > 海外广告 > 绑定LinkedIn账户",
            "    广告回传 > 回传事件：有效线索、商机",
            "! wechat_accounts/示例科技服务号  待完成（客户微信服务号管理员（扫码授权））",
            "    菜单路径：营销通 > 系统设置 > 营销插件 > 微信公众号 > 绑定公众号",
            "    请管理员用手机扫码（https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx1"
            "&pre_auth_code=x）：",
            "    菜单路径：营销通 > 系统设置 > 营销插件 > 视频号 > 对接视频号",
            "    菜单路径：微信开放平台（open.weixin.qq.com） > 管理中心 > 公众帐号 / 小程序 > 绑定",
            "! wecom/wecom  待完成（客户企业微信管理员（扫码授权））",
            "    渠道活码[1] > 接待员工：张伟（S001）、李娜（S002）",
            "    投放地址：https://www.example.cn/contact?utm_source=baidu&utm_medium=cpc&utm_campaign=brand",
            "    短信签名：示例科技",
            "    DNS TXT mail.example.cn：v=spf1 include:sendcloud.net ~all",
            "    DNS TXT _dmarc.mail.example.cn：v=DMARC1; p=none; rua=mailto:dmarc@example.cn",
    ):
        assert line in lines, line
    assert "▀" in steps.stdout or "█" in steps.stdout  # the QR code itself

    confirmed = mktctl(*PUBLIC, "confirm", "wechat_accounts/示例科技服务号", "--by", "客户公众号管理员")
    assert confirmed.code == 0, confirmed.output
    left = [s["step"] for s in json.loads(mktctl(*PUBLIC, "steps", "--output", "json").stdout)]
    assert "wechat_accounts/示例科技服务号" not in left and len(left) == 13

    (tmp_path / "mktctl.yaml").write_text((tmp_path / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "app_id: wx0123456789abcdef", "app_id: wx00000000000000ff"), encoding="utf-8")
    changed = json.loads(mktctl(*PUBLIC, "steps", "--output", "json").stdout)
    assert ("wechat_accounts/示例科技服务号", "changed") in [(s["step"], s["status"]) for s in changed]


TAGS = """\
tags:
  - name: 用户来源
    values: [企微活码, 公众号, 线下活动]
    multiple: false
  - name: 兴趣
    values: [营销自动化, 数据分析]
"""


def test_wecom_auto_tags_are_group_and_value_of_the_declared_tags(tmp_path) -> None:
    write_playbook(tmp_path, TAGS, """\
        wecom:
          corp_name: 示例科技
          new_contact_tags: [用户来原:公众号, 兴趣:营销自动画, 企微新客]
          live_codes:
            - {name: 展会, staff: [S001], tags: [用户来源:线下活动, 用户来源:公众号]}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:12:22: error: wecom 'wecom' refers to unknown tags '用户来原'; did you mean '用户来源'?",
        "mktctl.yaml:12:32: error: '营销自动画' is not a value of tag group '兴趣'; did you mean '营销自动化'?",
        "mktctl.yaml:12:42: error: write a tag as 组:值 with a group and value of the tags section (e.g. "
        "用户来源:企微活码), not '企微新客'",
        "mktctl.yaml:14:51: error: tag group '用户来源' is single-choice (multiple: false): a contact cannot have "
        "both '线下活动' and '公众号'",
    ]


def test_wecom_auto_tags_take_a_full_width_colon_and_are_kept_as_group_colon_value(tmp_path) -> None:
    write_playbook(tmp_path, TAGS, """\
        wecom:
          corp_name: 示例科技
          new_contact_tags: [用户来源：企微活码]
          live_codes:
            - {name: 展会, staff: [S001], tags: [用户来源 ： 线下活动, 兴趣:数据分析]}
        """)

    assert problems(tmp_path) == []
    spec = load(tmp_path).find("wecom", "wecom").spec
    assert spec.new_contact_tags == ["用户来源:企微活码"]
    assert spec.live_codes[0].tags == ["用户来源:线下活动", "兴趣:数据分析"]
    assert "tags" in kind("wecom").depends_on  # the tag groups exist before WeCom puts them on contacts


# ---- fragments ---------------------------------------------------------------------------------------

FRAGMENTS = Path(mktctl.__file__).parent / "playbooks" / "fragments"


@pytest.mark.parametrize("names", [
    ("products-flagship.yaml", "lead-rules.yaml", "channels-b2b.yaml", "wecom.yaml"),
    ("products-standard.yaml", "lead-rules.yaml", "channels-overseas.yaml"),
])
def test_the_fragments_validate_when_included_together(tmp_path, names) -> None:
    files = {name.replace(".", "__"): (FRAGMENTS / name).read_text(encoding="utf-8") for name in names}
    write_playbook(tmp_path, f"include: [org.yaml, {', '.join(names)}]\n", **files)
    (tmp_path / "mktctl.yaml").write_text((tmp_path / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "include: [org.yaml]\n", "", 1), encoding="utf-8")

    found = problems(tmp_path)

    assert not [p for p in found if ": error: " in p], found
    allowed = ("no scoring model is declared", "the guide recommends")
    assert not [p for p in found if not any(a in p for a in allowed)], found
