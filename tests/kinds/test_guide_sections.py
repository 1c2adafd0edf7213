"""Every kind sits under the section of the implementation guide (实施操作指南) where it is configured: each
section a kind names is one of the guide's headings, the heading speaks of what the kind is, and an item of a
kind that spans sections is filed under its own (overseas ad platforms are 2.4.2, domestic ones 2.4.1)."""

from __future__ import annotations

from typing import Any

import pytest

from mktctl.deliver.checklist import build_checklist
from mktctl.engine.plan import Plan
from mktctl.kinds import registry
from mktctl.kinds.ads import OVERSEAS_PLATFORMS, AdAccount
from mktctl.kinds.guide import SECTIONS, family_of
from mktctl.kinds.registry import KINDS
from tests.kinds.helpers_a import load, write_playbook

# What the heading of each kind's section speaks of: a word of the guide's own heading.
HEADING_WORDS = {
    "products": "产品", "departments": "账号", "users": "账号", "roles": "角色权限", "role_assignments": "角色权限",
    "basic_settings": "基础配置", "lead_fields": "线索", "lead_pools": "线索", "lead_cleaning": "线索",
    "lead_assignment": "线索", "lead_follow_up_sla": "线索", "mql_definition": "线索", "imports": "历史数据",
    "ad_accounts": "广告平台", "wechat_open_platform": "微信", "wechat_accounts": "微信", "wecom": "微信",
    "website_forms": "官网", "sms_channel": "短信", "email_channel": "邮件", "content_center": "内容管理",
    "micro_site": "营销协同", "business_cards": "营销协同", "marketing_assistant": "营销协同",
    "employee_marketing": "营销协同", "member_marketing": "营销协同", "live_platforms": "市场活动",
    "event_types": "市场活动", "event_layouts": "市场活动", "page_templates": "市场活动", "event_sop": "市场活动",
    "consent": "用户管理", "marketing_objects": "用户管理", "identity_rules": "用户管理", "tags": "用户管理",
    "segments": "用户管理", "scoring_models": "用户管理", "lifecycle_stages": "用户管理",
    "nurture_flows": "用户管理", "report_packages": "报表", "dashboards": "首页报表", "menus": "菜单栏",
    "alerts": "数据管理",
}


def test_the_headings_are_the_guide_s_numbered_sections_each_under_its_parent() -> None:
    numbers = list(SECTIONS)
    assert numbers == sorted(numbers, key=lambda n: [int(p) for p in n.split(".")])
    for number in numbers:
        parent = number.rsplit(".", 1)[0]
        assert "." not in parent or parent in SECTIONS, f"{number} has no parent heading {parent}"
    assert SECTIONS["2.4.1"] == "国内数字广告平台对接" and SECTIONS["2.4.2"] == "海外数据广告平台对接"


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_each_kind_names_guide_headings_that_speak_of_it(kind: Any) -> None:
    assert kind.name in HEADING_WORDS, f"{kind.name}: say under which guide heading it is configured"
    for number in kind.sections:
        assert number in SECTIONS, f"{kind.name}: {number} is not a section of the guide"
        assert HEADING_WORDS[kind.name] in SECTIONS[number], f"{kind.name}: {number} {SECTIONS[number]}"
    assert len(set(kind.sections)) == len(kind.sections)
    assert {family_of(n) for n in kind.sections} == {family_of(kind.guide)}  # one sheet, one chapter


def _account(platform: str) -> AdAccount:
    return AdAccount(name=f"{platform}-1", platform=platform, account_id="acc-123",  # type: ignore[arg-type]
                     postback={"events": ["线索"]} if platform in OVERSEAS_PLATFORMS else None)


@pytest.mark.parametrize("platform", ["百度", "巨量引擎", "腾讯广告", "知乎", "小红书"])
def test_a_domestic_ad_account_is_configured_under_2_4_1(platform: str) -> None:
    assert registry.kind("ad_accounts").section_of(_account(platform)) == "2.4.1"


@pytest.mark.parametrize("platform", OVERSEAS_PLATFORMS)
def test_an_overseas_ad_account_is_configured_under_2_4_2(platform: str) -> None:
    kind = registry.kind("ad_accounts")

    assert kind.section_of(_account(platform)) == "2.4.2"
    assert kind.sections == ("2.4.1", "2.4.2")


def test_every_item_of_every_kind_is_filed_under_one_of_its_kind_s_sections() -> None:
    for kind in KINDS:
        example = kind.example()
        if isinstance(example, dict) and kind.model is not None:
            try:
                spec = kind.model.model_validate(example)
            except ValueError:
                continue  # an example written differently (a tree) is checked by its kind's own tests
            assert kind.section_of(spec) in kind.sections, kind.name


def test_the_checklist_files_each_ad_account_under_its_own_section(tmp_path) -> None:
    write_playbook(tmp_path, """\
        ad_accounts:
          - {name: 百度-品牌, platform: 百度, account_id: "10001"}
          - {name: Google-Search, platform: Google, account_id: "123-456-7890", postback: {events: [有效线索]}}
        """)
    playbook = load(tmp_path)

    checklist = build_checklist(playbook, Plan(playbook={}, tenant={}, actions=[]))

    sections = {item.address: item.guide for item in checklist.items if item.address.startswith("ad_accounts/")}
    assert sections == {"ad_accounts/百度-品牌": "2.4.1", "ad_accounts/Google-Search": "2.4.2"}
