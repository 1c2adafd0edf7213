"""Guide 2.8, data management: report packages by their install code, the boards of the CRM home page and
the data cockpit, the marketing head's CRM menu bar, and alerts such as seed 001's delivery rate below 90 %
and bounce rate above 5 %."""

from __future__ import annotations

import pytest

from mktctl.kinds.registry import kind
from tests.kinds.helpers_b import PUBLIC, ROLES, problems, reported, steps_json, write


@pytest.mark.e2e
def test_validate_reports_every_problem_of_the_report_kinds_at_its_place(tmp_path, mktctl) -> None:
    write(tmp_path, ROLES, """\
        report_packages:
          - {name: 广告数据报表, code: 99e3cdc7-286c-4357-8d78-bcdf8d8932a4}
          - {name: 广告报表副本, code: 99e3cdc7-286c-4357-8d78-bcdf8d8932a4}
          - {name: 营销报表, code: 99e3cdc7286c}
        dashboards:
          - name: 市场部首页
            place: CRM首页
            roles: [市场经里]
            widgets:
              - {report: 线索来源分析, chart: 饼图}
          - name: 驾驶舱
            place: 数据驾驶舱
            roles: [市场经理, 市场经理]
            widgets:
              - {report: 广告投放ROI, package: 广告数据表}
              - {report: 广告投放ROI}
          - {name: 销售首页, place: CRM首页, roles: [市场专员], widgets: [{report: 商机漏斗, chart: 饼状图}]}
        menus:
          - name: 市场部负责人菜单
            roles: [市场经理]
            items: [首页, 营销通, 线索, 首页]
            home: 驾驶舱
        alerts:
          - {name: 送达率, metric: 送达率, when: 低于, threshold: 900, notify_roles: [市场经理]}
          - {name: 退回率, metric: 退信率, when: 高于, threshold: 5, notify_roles: [市场经理]}
        """)

    run = mktctl("validate")

    assert run.code == 1
    assert reported(run) == [
        "mktctl.yaml:8:26: error: package code 99e3cdc7-286c-4357-8d78-bcdf8d8932a4 is already installed as "
        "'广告数据报表'",
        "mktctl.yaml:9:24: error: report_packages: code: String should match pattern "
        "'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'",
        "mktctl.yaml:13:13: error: dashboards '市场部首页' refers to unknown roles '市场经里'; did you mean "
        "'市场经理'?",
        "mktctl.yaml:18:19: error: role '市场经理' is listed twice",
        "mktctl.yaml:20:36: error: dashboards '驾驶舱' refers to unknown report_packages '广告数据表'; did you mean "
        "'广告数据报表'?",
        "mktctl.yaml:21:18: error: report '广告投放ROI' is on the board twice",
        "mktctl.yaml:22:79: error: dashboards: widgets.0.chart: Input should be '指标卡', '柱状图', '折线图', '饼图', "
        "'漏斗图' or '表格'; did you mean '饼图'?",
        "mktctl.yaml:26:22: error: menus: items.2: Input should be '首页', '营销通', '市场活动', '销售线索', "
        "'线索池', '客户', '联系人', '商机', '销售订单', '广告营销', '企业微信客户', '微信用户', '会员', '报表', "
        "'数据驾驶舱', '审批', '日程' or '待办'; did you mean '线索池'?",
        "mktctl.yaml:29:51: error: 送达率 is a percentage: the threshold is 0 to 100",
        "mktctl.yaml:30:25: error: alerts: metric: Input should be '送达率', '退回率', '打开率', '点击率', '退订率', "
        "'投诉率', '表单转化率', '线索转化率', '线索量' or '广告消费'; did you mean '退订率'?",
        "mktctl.yaml:7:26: warning: the ad report package shows data of bound ad accounts, and none is declared "
        "(ad_accounts:)",
        "mktctl.yaml:8:26: warning: the ad report package shows data of bound ad accounts, and none is declared "
        "(ad_accounts:)",
    ]


def test_an_alert_on_the_good_side_of_its_metric_is_a_lint(tmp_path) -> None:
    write(tmp_path, ROLES, """\
        alerts:
          - {name: 邮件送达率, metric: 送达率, channel: 邮件, when: 低于, threshold: 90, notify_roles: [市场经理]}
          - {name: 邮件退回率, metric: 退回率, channel: 邮件, when: 低于, threshold: 5, notify_roles: [市场经理]}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:8:51: warning: this alert fires while 退回率 is 低于 5, which is the good side; did you mean "
        "高于?",
    ]


def test_the_ad_report_package_without_ad_accounts_is_a_lint(tmp_path) -> None:
    write(tmp_path, "report_packages:\n  - {name: 广告数据报表, code: 99e3cdc7-286c-4357-8d78-bcdf8d8932a4}\n")

    assert problems(tmp_path) == [
        "mktctl.yaml:4:26: warning: the ad report package shows data of bound ad accounts, and none is declared "
        "(ad_accounts:)",
    ]


def test_a_role_has_one_menu_and_its_home_board_is_on_the_crm_home_page(tmp_path) -> None:
    write(tmp_path, ROLES, """\
        dashboards:
          - {name: 驾驶舱, place: 数据驾驶舱, roles: [市场经理], widgets: [{report: 市场活动ROI}]}
        menus:
          - {name: 菜单一, roles: [市场经理], items: [首页], home: 驾驶舱}
          - {name: 菜单二, roles: [市场专员, 市场经理], items: [首页]}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:9:51: error: the home board must be on the CRM首页, and '驾驶舱' is in the 数据驾驶舱",
        "mktctl.yaml:10:31: error: role '市场经理' already has the menu '菜单一'",
    ]


def test_the_package_step_gives_the_install_code_and_boards_go_where_they_are_shown() -> None:
    package = kind("report_packages").manual_step("广告数据报表", {"code": "99e3cdc7-286c-4357-8d78-bcdf8d8932a4"})
    cockpit = kind("dashboards").manual_step("驾驶舱", {"place": "数据驾驶舱", "roles": ["市场经理"]})
    home = kind("dashboards").manual_step("首页", {"place": "CRM首页", "roles": ["市场经理"]})

    assert package.menu_path == "CRM > 系统设置 > 环境 > 配置包 > 配置包安装"
    assert package.values == [("配置包安装码", "99e3cdc7-286c-4357-8d78-bcdf8d8932a4"), ("配置包", "广告数据报表")]
    assert cockpit.menu_path == "CRM > 数据驾驶舱 > 新建驾驶舱 > 驾驶舱"
    assert home.menu_path == "管理后台 > 首页管理 > 首页布局 > 首页"


PLAYBOOK = """\
roles:
  - name: 市场经理
report_packages:
  - {name: 广告数据报表, code: 99e3cdc7-286c-4357-8d78-bcdf8d8932a4}
dashboards:
  - name: 市场部首页
    place: CRM首页
    roles: [市场经理]
    widgets: [{report: 本月新增线索}, {report: 广告投放ROI, package: 广告数据报表, chart: 柱状图}]
menus:
  - {name: 市场部负责人菜单, roles: [市场经理], items: [首页, 营销通, 市场活动, 销售线索, 报表], home: 市场部首页}
alerts:
  - {name: 邮件送达率过低, metric: 送达率, channel: 邮件, when: 低于, threshold: 90, notify_roles: [市场经理]}
  - {name: 邮件退回率过高, metric: 退回率, channel: 邮件, when: 高于, threshold: 5, notify_roles: [市场经理]}
"""


@pytest.mark.e2e
@pytest.mark.slow
def test_report_kinds_apply_to_the_sandbox_and_are_manual_steps_on_the_public_api(tmp_path, mktctl) -> None:
    write(tmp_path, PLAYBOOK)

    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    assert applied.code == 0, applied.output
    assert "Apply complete: 7 created" in applied.stdout
    assert again.code == 0, again.output

    pending = mktctl(*PUBLIC, "plan", "--detailed-exitcode")
    steps = mktctl(*PUBLIC, "steps", "--output", "markdown")
    assert pending.code == 3, pending.output
    for text in ("## report_packages/广告数据报表（待完成）",
                 "**CRM > 系统设置 > 环境 > 配置包 > 配置包安装** — 客户CRM管理员",
                 "- 配置包安装码：99e3cdc7-286c-4357-8d78-bcdf8d8932a4",
                 "**管理后台 > 首页管理 > 首页布局 > 市场部首页**", "**管理后台 > 菜单管理 > 市场部负责人菜单**",
                 "**营销通 > 系统设置 > 监控预警 > 邮件退回率过高**", "- 触发条件：高于", "- 阈值：5"):
        assert text in steps.stdout

    assert mktctl(*PUBLIC, "confirm", "alerts/邮件退回率过高", "--by", "市场部王芳").code == 0
    assert "alerts/邮件退回率过高" not in steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))

    write(tmp_path, PLAYBOOK.replace("threshold: 5,", "threshold: 3,"))
    assert steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))["alerts/邮件退回率过高"]["status"] == "changed"
