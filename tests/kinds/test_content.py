"""Guide 2.5, content and marketing collaboration: the content centre, the 数字展厅, business cards, the
marketing assistant, 全员营销 and member marketing. Every problem is reported where it was written; the
mini-program kinds fall back to the public mini program 客脉 with a warning that says what differs."""

from __future__ import annotations

import pytest

from mktctl.kinds.registry import kind
from tests.kinds.helpers_b import MINI_PROGRAM, PUBLIC, problems, reported, steps_json, write

BROKEN = """\
content_center:
  categories: {articles: [行业洞察], files: [白皮书]}
  review_required: false
  articles:
    - {title: 客户案例, source: 外部链接}
  posters:
    - {title: 峰会海报, links_to: 活动报名页}
  files:
    - {title: 白皮书, category: 白皮书, file: 白皮书.key}
micro_site:
  title: 数字展厅
  mini_program: 客脉
  products: [营销通旗舰版]
business_cards:
  mini_program: 示例小成序
  departments: [市场部]
employee_marketing:
  address_book: 企业微信通讯簿
  incentives:
    - {behaviour: 转发内容, points: 5, daily_cap: 3}
member_marketing:
  mini_program: 客脉
  tiers:
    - {name: 普通会员, growth_min: 0}
    - {name: 金卡会员, growth_min: 2000}
    - {name: 银卡会员, growth_min: 500}
  kol: {min_tier: 钻石会员}
"""


@pytest.mark.e2e
def test_validate_reports_every_problem_of_the_content_kinds_at_its_place(tmp_path, mktctl) -> None:
    write(tmp_path, BROKEN, MINI_PROGRAM)

    run = mktctl("validate")

    assert run.code == 1
    assert reported(run) == [
        "mktctl.yaml:7:7: error: content_center: articles.0: an article from 外部链接 needs its url",
        "mktctl.yaml:9:31: error: content_center: posters.0.links_to: Input should be '微页面', '文章', '产品', "
        "'活动报名', '员工名片' or '公众号关注'; did you mean '活动报名'?",
        "mktctl.yaml:11:7: error: content_center: files.0: file '白皮书.key': the content centre takes .pdf, .doc, "
        ".docx, .ppt, .pptx, .xls, .xlsx, .mp4, .zip, .jpg, .png",
        "mktctl.yaml:15:14: error: '营销通旗舰版' is not a product of content_center; none is declared",
        "mktctl.yaml:17:17: error: '示例小成序' is not a mini program of wechat_accounts (type 小程序); did you mean "
        "'示例小程序'?",
        "mktctl.yaml:18:17: error: business_cards 'business_cards' refers to unknown departments '市场部'",
        "mktctl.yaml:20:17: error: employee_marketing: address_book: Input should be '纷享通讯录' or '企业微信通讯录'; "
        "did you mean '企业微信通讯录'?",
        "mktctl.yaml:22:7: error: employee_marketing: incentives.0: daily_cap 3 is below the 5 points of one 转发内容",
        "mktctl.yaml:28:32: error: tier '银卡会员' needs more growth than '金卡会员' (2000); list tiers from lowest to "
        "highest",
        "mktctl.yaml:29:19: error: '钻石会员' is not one of the tiers; known: 普通会员, 金卡会员, 银卡会员",
    ]


def test_content_items_name_declared_categories_once(tmp_path) -> None:
    write(tmp_path, """\
        content_center:
          categories: {articles: [行业洞察, 行业洞察], products: [营销云]}
          review_required: false
          articles:
            - {title: 五个阶段, category: 行业洞擦}
            - {title: 五个阶段}
          products:
            - {name: 营销通, category: 营销云}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:4:33: error: category '行业洞察' is listed twice",
        "mktctl.yaml:7:31: error: '行业洞擦' is not one of categories.articles; did you mean '行业洞察'?",
        "mktctl.yaml:8:15: error: articles: '五个阶段' is declared twice",
    ]


SITE = """\
micro_site:
  title: 数字展厅
business_cards:
  fields: [姓名, 职位, 手机]
marketing_assistant:
  workbench: [推广任务, 我的名片]
"""
KEMAI = ("the client has no mini program of its own (no wechat_accounts item of type 小程序), so it falls back "
         "to FxiaoKe's public mini program 客脉: customers see the name and logo of 客脉 instead of the client's "
         "brand, visitors cannot be matched with the client's 公众号 followers and WeCom contacts (no UnionID "
         "through the client's open platform), and 客脉 cannot be linked from the client's 公众号 menu or use the "
         "client's subscription messages; tell the client, or write mini_program: 客脉 to record that they agreed")


def test_without_a_mini_program_of_its_own_each_mini_program_kind_warns_what_differs(tmp_path) -> None:
    write(tmp_path, SITE)

    assert problems(tmp_path) == [
        f"mktctl.yaml:4:3: warning: 数字展厅: {KEMAI}",
        f"mktctl.yaml:6:3: warning: 员工名片: {KEMAI}",
        f"mktctl.yaml:8:3: warning: 营销助手: {KEMAI}",
    ]


@pytest.mark.e2e
def test_strict_makes_the_kemai_fallback_an_error(tmp_path, mktctl) -> None:
    write(tmp_path, "business_cards:\n  fields: [姓名, 职位]\n")

    run = mktctl("validate", "--strict")

    assert run.code == 1
    assert reported(run) == [f"mktctl.yaml:4:3: error: 员工名片: {KEMAI} (an error with --strict)"]


def test_the_clients_mini_program_or_an_acknowledged_kemai_needs_no_warning(tmp_path) -> None:
    write(tmp_path / "own", SITE, MINI_PROGRAM)
    write(tmp_path / "agreed", SITE.replace("数字展厅\n", "数字展厅\n  mini_program: 客脉\n")
          .replace("[姓名, 职位, 手机]\n", "[姓名, 职位, 手机]\n  mini_program: 客脉\n")
          .replace("[推广任务, 我的名片]\n", "[推广任务, 我的名片]\n  mini_program: 客脉\n"))

    write(tmp_path / "two", SITE, MINI_PROGRAM + "  - {name: 会员小程序, type: 小程序, app_id: wx0123456789abcdee}\n")

    assert problems(tmp_path / "own") == []
    assert problems(tmp_path / "agreed") == []
    assert problems(tmp_path / "two")[0] == ("mktctl.yaml:4:3: error: 数字展厅: the client has several mini programs "
                                             "(示例小程序, 会员小程序); say which with mini_program:")


def test_card_fields_the_showroom_products_and_wecom_notifications_are_checked(tmp_path) -> None:
    write(tmp_path, MINI_PROGRAM, """\
        content_center:
          review_required: false
          products: [{name: 营销通}]
        micro_site:
          title: 展厅
          sections: [轮播图, 企业介绍, 轮播图]
          products: [营销同]
        business_cards:
          fields: [职位, 手机]
        marketing_assistant:
          notifications:
            - {event: 客户提交表单, via: [企业微信]}
            - {event: 客户提交表单, via: [纷享消息]}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:10:25: error: section '轮播图' is listed twice",
        "mktctl.yaml:11:13: error: products are shown in the 产品中心 section; add it to sections",
        "mktctl.yaml:11:14: error: '营销同' is not a product of content_center; did you mean '营销通'?",
        "mktctl.yaml:13:11: error: a business card always shows 姓名; add it to fields",
        "mktctl.yaml:17:7: error: this event and recipient are already configured above",
        "mktctl.yaml:16:28: warning: notifying through 企业微信 needs WeCom connected (declare wecom:)",
    ]


def test_member_marketing_tiers_start_at_zero_and_registration_asks_consent(tmp_path) -> None:
    write(tmp_path, MINI_PROGRAM, """\
        member_marketing:
          registration_fields: [手机号, 生日]
          privacy_consent: false
          tiers:
            - {name: 银卡, growth_min: 100}
            - {name: 银卡, growth_min: 500}
          earn:
            - {behaviour: 每日签到, points: 5}
            - {behaviour: 每日签到, points: 10}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:9:30: error: the first tier starts at 0, so that every new member has one",
        "mktctl.yaml:10:14: error: tier '银卡' is declared twice",
        "mktctl.yaml:13:7: error: a points rule for 每日签到 is declared twice",
        "mktctl.yaml:7:20: warning: registration collects 手机号、生日 without the privacy consent box (PIPL: collect "
        "personal information with consent)",
    ]


def test_switching_to_the_wecom_address_book_is_a_step_for_the_product_consultant(tmp_path) -> None:
    write(tmp_path, "employee_marketing:\n  address_book: 企业微信通讯录\n  scope: [全公司]\n")
    employee_marketing = kind("employee_marketing")

    step = employee_marketing.manual_step("employee_marketing", {"address_book": "企业微信通讯录",
                                                                 "scope": ["全公司"], "ranking": True})

    assert problems(tmp_path) == ["mktctl.yaml:4:17: warning: 企业微信通讯录 needs WeCom connected (declare wecom:)"]
    assert step.menu_path == "营销通 > 系统设置 > 营销插件 > 员工营销"
    assert step.values[0] == ("通讯录", "企业微信通讯录：不可自行切换，请联系纷享销客产品顾问切换（默认是纷享通讯录）")
    assert step.who == "纷享销客产品顾问，然后实施顾问与客户营销管理员"
    assert employee_marketing.manual_step("employee_marketing", {"address_book": "纷享通讯录"}).values == [
        ("通讯录", "纷享通讯录")]


PLAYBOOK = """\
departments:
  - name: 市场部
roles:
  - name: 市场经理
content_center:
  categories: {files: [白皮书], products: [营销云]}
  reviewer_role: 市场经理
  files: [{title: 产品白皮书, category: 白皮书, file: 产品白皮书.pdf}]
  products: [{name: 营销通, category: 营销云}]
micro_site: {title: 数字展厅, mini_program: 客脉, products: [营销通]}
business_cards: {mini_program: 客脉, departments: [市场部]}
marketing_assistant:
  mini_program: 客脉
  notifications: [{event: 获得新线索, recipient: 线索负责人}]
employee_marketing:
  incentives: [{behaviour: 带来线索, points: 20}]
member_marketing:
  mini_program: 客脉
  tiers: [{name: 普通会员, growth_min: 0}, {name: 金卡会员, growth_min: 1000}]
  kol: {min_tier: 金卡会员}
"""
STEPS = ["content_center/content_center", "micro_site/micro_site", "business_cards/business_cards",
         "marketing_assistant/marketing_assistant", "employee_marketing/employee_marketing",
         "member_marketing/member_marketing"]


@pytest.mark.e2e
@pytest.mark.slow
def test_content_kinds_apply_to_the_sandbox_and_are_manual_steps_on_the_public_api(tmp_path, mktctl) -> None:
    write(tmp_path, PLAYBOOK)

    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    assert applied.code == 0, applied.output
    assert "Apply complete: 9 created" in applied.stdout  # a department, a role (+ its settings), six settings
    assert again.code == 0, again.output

    # the same playbook against a tenant with only the public API: the extension settings are manual steps
    assert mktctl(*PUBLIC, "apply", "--yes").code == 0
    pending = mktctl(*PUBLIC, "plan", "--detailed-exitcode")
    steps = steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))
    assert pending.code == 3, pending.output
    assert [s for s in steps if s.split("/")[0] != "roles"] == STEPS
    assert steps["micro_site/micro_site"]["menu_path"] == "营销通 > 小程序微站 > 数字展厅"
    assert ["展示产品", "营销通"] in steps["micro_site/micro_site"]["values"]
    assert steps["employee_marketing/employee_marketing"]["menu_path"] == "营销通 > 系统设置 > 营销插件 > 员工营销"

    confirmed = mktctl(*PUBLIC, "confirm", "employee_marketing/employee_marketing", "--by", "顾问张三")
    left = steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))
    assert confirmed.code == 0, confirmed.output
    assert "employee_marketing/employee_marketing" not in left

    write(tmp_path, PLAYBOOK.replace("points: 20", "points: 30"))
    changed = steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))
    assert changed["employee_marketing/employee_marketing"]["status"] == "changed"
