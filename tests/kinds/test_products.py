"""products (guide 1.1): the edition and what was ordered, and the preflight rules that check the rest of
the playbook against it at validate time, naming what to order at the place that needs it."""

from __future__ import annotations

import json
import re

import pytest

from mktctl.kinds.registry import kind
from mktctl.kinds.wording import Words
from tests.kinds.helpers_a import load, problems, write_playbook

STANDARD = """\
products:
  edition: 标准版
  ordered: [营销一体化应用, 行为积分]
"""
FLAGSHIP = """\
products:
  edition: 旗舰版
  ordered: [营销一体化应用, 行为积分]
"""
POOL = """\
lead_pools:
  - name: 市场线索池
    admins: [M001]
    members: {departments: [销售部]}
"""


def test_a_misspelt_edition_and_a_product_ordered_twice_are_errors_at_their_place(tmp_path) -> None:
    write_playbook(tmp_path, """\
        products:
          edition: 旗舰板
          ordered: [营销一体化应用, 行为积分, 行为积分]
          member_accounts: -1
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:12: error: products: edition: Input should be '标准版' or '旗舰版'; did you mean '旗舰版'?",
        "mktctl.yaml:6:12: error: products: ordered: '行为积分' is listed twice",
        "mktctl.yaml:7:20: error: products: member_accounts: Input should be greater than or equal to 0",
    ]


def test_the_flagship_spelling_of_a_connector_means_the_same_product(tmp_path) -> None:
    write_playbook(tmp_path, """\
        products:
          edition: 旗舰版
          ordered: [小红书广告连接器, 行为积分, 营销一体化应用]
        """)

    spec = load(tmp_path).find("products", "products").spec

    assert spec.ordered == ["营销一体化应用", "行为积分", "小红书广告线索连接器"]  # canonical order


def test_ad_accounts_on_the_standard_edition_need_the_ad_plug_in(tmp_path) -> None:
    write_playbook(tmp_path, STANDARD, POOL, """\
        ad_accounts:
          - name: 百度-品牌推广
            platform: 百度
            account_id: "30012345"
            lead_sync: {pool: 市场线索池}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:13:15: error: ad_accounts '百度-品牌推广': 百度 ad account needs 【营销通-广告营销插件】 "
        "(插件费 39800 元/年) on 标准版; order it in CRM and add it to products.ordered"]


def test_the_flagship_edition_includes_the_ad_plug_in_but_not_the_integration_app(tmp_path) -> None:
    write_playbook(tmp_path, """\
        products:
          edition: 旗舰版
          ordered: [行为积分]
        ad_accounts:
          - name: 巨量-信息流
            platform: 头条
            account_id: "1700000001"
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:9:15: error: ad_accounts '巨量-信息流': 巨量引擎 ad account needs 【营销一体化应用】 (0 元) on "
        "旗舰版; order it in CRM and add it to products.ordered"]


def test_xiaohongshu_lead_sync_needs_its_connector(tmp_path) -> None:
    write_playbook(tmp_path, FLAGSHIP, POOL, """\
        ad_accounts:
          - name: 小红书-种草
            platform: 小红书
            account_id: "5f0c1a2b"
            lead_sync: {pool: 市场线索池, source: 小红书}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:15:16: error: ad_accounts '小红书-种草': 小红书 lead sync needs 【小红书广告线索连接器】 (0 元) "
        "on 旗舰版; "
        "order it in CRM and add it to products.ordered"]

    text = (tmp_path / "mktctl.yaml").read_text(encoding="utf-8")
    (tmp_path / "mktctl.yaml").write_text(text.replace("行为积分]", "行为积分, 小红书广告连接器]"), encoding="utf-8")
    assert problems(tmp_path) == []


def test_micro_page_landing_pages_need_the_custom_domain_product(tmp_path) -> None:
    write_playbook(tmp_path, FLAGSHIP, POOL, """\
        ad_accounts:
          - name: 腾讯-朋友圈
            platform: 腾讯广告
            account_id: "2400001"
            lead_sync: {pool: 市场线索池}
            landing_page: 营销通微页面
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:16:19: error: ad_accounts '腾讯-朋友圈': micro-page (营销通微页面) ad landing pages needs "
        "【企业专属域名】 on 旗舰版; order it in CRM and add it to products.ordered"]


def test_attribution_needs_the_gray_release_and_score_rules_need_behaviour_points(tmp_path) -> None:
    write_playbook(tmp_path, """\
        products:
          edition: 旗舰版
          ordered: [营销一体化应用]
        basic_settings:
          company: {name: 示例科技有限公司}
          plugins: [营销归因]
          attribution: {model: 首次触点}
        mql_definition:
          min_score: 60
        """)

    assert problems(tmp_path) == [  # 行为积分 is an error here, so not also the recommendation warning
        "mktctl.yaml:10:16: error: basic_settings 'basic_settings': attribution needs the 营销归因 gray release; apply "
        "for it (申请【营销归因】产品灰度使用) and add 营销归因 to products.gray_release",
        "mktctl.yaml:12:14: error: mql_definition 'mql_definition': an MQL score threshold needs 【行为积分】 on "
        "旗舰版; "
        "order it in CRM and add it to products.ordered",
        "mktctl.yaml:12:14: warning: no scoring model is declared: every score stays 0 and no lead reaches "
        "min_score 60; add scoring_models",
    ]


def test_wecom_needs_the_wecom_interface_or_scrm_seats(tmp_path) -> None:
    write_playbook(tmp_path, FLAGSHIP, """\
        wecom:
          corp_name: 示例科技
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:8:3: error: wecom 'wecom': the WeCom connection needs the 企微接口 or SCRM销售账号; buy one and "
        "set "
        "products.wecom_interface or products.scrm_seats"]

    (tmp_path / "mktctl.yaml").write_text((tmp_path / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "  edition: 旗舰版\n", "  edition: 旗舰版\n  scrm_seats: 20\n"), encoding="utf-8")
    assert problems(tmp_path) == []


def test_without_a_products_section_nothing_is_assumed(tmp_path) -> None:
    write_playbook(tmp_path, POOL, """\
        ad_accounts:
          - name: 小红书-种草
            platform: 小红书
            account_id: "5f0c1a2b"
            lead_sync: {pool: 市场线索池}
        """)

    assert problems(tmp_path) == []


@pytest.mark.parametrize(("section", "needs"), [
    ("scoring_models", "scoring needs 【行为积分】"),
    ("nurture_flows", "marketing automation needs 【行为积分】"),
    ("event_sop", "SOP automation needs 【行为积分】"),
    ("member_marketing", "member marketing needs 会员营销 accounts; buy 会员型营销账号 and set "
                         "products.member_accounts"),
])
def test_sections_of_guide_2_5_to_2_7_are_checked_against_the_products(tmp_path, section, needs) -> None:
    target = kind(section)
    example = json.dumps(target.example() if target.singleton else [target.example()], ensure_ascii=False)
    write_playbook(tmp_path, "products:\n  edition: 旗舰版\n  ordered: [营销一体化应用]\n"
                             f"{section}: {example}\n")

    found = [line for line in problems(tmp_path) if needs in line]

    assert found and found[0].startswith("mktctl.yaml:7:") and ": error: " in found[0], problems(tmp_path)


def test_validate_reports_every_rule_at_once_and_strict_turns_the_lint_into_an_error(tmp_path, mktctl) -> None:
    write_playbook(tmp_path, STANDARD.replace("行为积分", "企业专属域名") + POOL, """\
        ad_accounts:
          - name: 小红书-种草
            platform: 小红书
            account_id: "5f0c1a2b"
            lead_sync: {pool: 市场线索池}
            landing_page: 营销通微页面
        """)

    run = mktctl("validate")
    strict = mktctl("validate", "--strict")

    assert run.code == 1
    assert run.stderr.splitlines() == [  # errors first, then warnings
        "mktctl.yaml:13:15: error: ad_accounts '小红书-种草': 小红书 ad account needs 【营销通-广告营销插件】 "
        "(插件费 39800 "
        "元/年) on 标准版; order it in CRM and add it to products.ordered",
        "mktctl.yaml:15:16: error: ad_accounts '小红书-种草': 小红书 lead sync needs 【小红书广告线索连接器】 (0 元) "
        "on 标准版; "
        "order it in CRM and add it to products.ordered",
        "mktctl.yaml:6:12: warning: the guide recommends ordering 【行为积分】 for every client (1.1.1); add it to "
        "products.ordered once ordered",
        "2 errors found",
    ]
    assert strict.code == 1
    assert "mktctl.yaml:6:12: error: the guide recommends ordering 【行为积分】" in strict.stderr
    assert "(an error with --strict)" in strict.stderr


def test_a_plug_in_switched_on_in_basic_settings_must_have_been_bought(tmp_path) -> None:
    write_playbook(tmp_path, STANDARD, """\
        basic_settings:
          company: {name: 示例科技有限公司}
          plugins: [广告营销, 会员营销]
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:9:13: error: basic_settings 'basic_settings': the 广告营销 plug-in needs 【营销通-广告营销插件】 "
        "(插件费 39800 元/年) on 标准版; order it in CRM and add it to products.ordered",
        "mktctl.yaml:9:19: error: basic_settings 'basic_settings': the 会员营销 plug-in needs 会员营销 accounts; buy "
        "会员型营销账号 and set products.member_accounts",
    ]


MY_KINDS = ("products", "basic_settings", "lead_pools", "lead_fields", "lead_cleaning", "lead_assignment",
            "lead_follow_up_sla", "mql_definition", "ad_accounts", "wechat_open_platform", "wechat_accounts", "wecom",
            "website_forms", "sms_channel", "email_channel")


@pytest.mark.parametrize("name", MY_KINDS)
def test_every_kind_has_an_example_the_sandbox_accepts_and_a_manual_step(name) -> None:
    from mktctl.kinds.catalog import extension_catalog
    from mktctl.sandbox.catalog import Catalog

    target = kind(name)
    spec = target.model.model_validate(target.example())
    state = target.settings_state(spec)
    catalog = Catalog.from_dict(extension_catalog([target]))

    assert name in catalog
    catalog.check(name, state)  # raises ValueError when the sandbox would refuse it
    step = target.manual_step(target.name if target.singleton else target.key(spec), state)
    assert step.menu_path and step.values and step.verify and step.who
    assert step.menu_path.startswith(("营销通 > ", "管理后台 > ", "纷享销客 CRM > ", "微信开放平台（"))
    english = target.manual_step(target.name if target.singleton else target.key(spec), state, Words(lang="en"))
    assert english.menu_path.startswith(("FxiaoKe Marketing > ", "Admin console > ", "FxiaoKe CRM > ",
                                         "WeChat Open Platform "))
    assert not re.search(r"[\u3400-\u9fff]", english.who), english.who
