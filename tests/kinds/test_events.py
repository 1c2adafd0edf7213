"""Guide 2.6, marketing events: live platforms, event types mapped to the three marketing scenarios, the
new-record layout per type, micro-page templates (landing pages, registration forms, check-in) and the
default SOP of each type with tasks before, during and after the event."""

from __future__ import annotations

import pytest

from mktctl.kinds.registry import kind
from tests.kinds.helpers_b import PUBLIC, ROLES, problems, reported, steps_json, write


@pytest.mark.e2e
def test_validate_reports_every_problem_of_the_event_kinds_at_its_place(tmp_path, mktctl) -> None:
    write(tmp_path, ROLES, """\
        live_platforms:
          - {platform: 保力威, account_id: a1}
          - {platform: 微吼, account_id: v1, default: true}
          - {platform: 小鹅通, account_id: x1, default: true}
        event_types:
          - {name: 线上研讨会}
          - {name: 客户沙龙, scenario: 会议营销, live_platform: 微吼}
          - {name: 会议营销, scenario: 直播营销}
        event_layouts:
          - event_type: 客户沙竜
            fields: [{field: 活动名称, required: true}, {field: 活动地址}]
        page_templates:
          - {name: 签到, type: 签到页, check_in: 人脸签到}
          - {name: 报名, type: 报名表单, sections: [活动海报]}
        event_sop:
          - event_type: 客户沙龙
            tasks:
              - {name: 发布报名页, phase: 活动前, days: 14, owner: 市场专元}
              - {name: 复盘, phase: 活动后, days: -2}
        """)

    run = mktctl("validate")

    assert run.code == 1
    assert reported(run) == [
        "mktctl.yaml:7:16: error: live_platforms: platform: Input should be '保利威', '微吼', '小鹅通' or '目睹'; "
        "did you mean '保利威'?",
        "mktctl.yaml:9:46: error: only one live platform can be the default; 微吼 already is",
        "mktctl.yaml:11:12: error: event type '线上研讨会' needs scenario: one of 活动营销, 直播营销, 会议营销",
        "mktctl.yaml:12:49: error: live_platform is for types of the 直播营销 scenario",
        "mktctl.yaml:13:28: error: 会议营销 is a scenario itself; remove scenario:",
        "mktctl.yaml:15:17: error: event_layouts '客户沙竜' refers to unknown event_types '客户沙竜'; did you mean "
        "'客户沙龙'?",
        "mktctl.yaml:16:53: error: '活动地址' is not a standard field of 市场活动; did you mean '活动地点'? (write "
        "custom: true for the client's own field)",
        "mktctl.yaml:18:37: error: page_templates: check_in: Input should be '扫码签到', '手机号签到' or '签到码签到'",
        "mktctl.yaml:19:5: error: page_templates: a 报名表单 needs fields",
        "mktctl.yaml:23:41: error: task '发布报名页' is 活动前, so days counts back from the start: write -14",
        "mktctl.yaml:23:52: error: event_sop '客户沙龙' refers to unknown roles '市场专元'; did you mean '市场专员'?",
        "mktctl.yaml:24:38: error: task '复盘' is 活动后: days must be 0 or more (or make it 活动前)",
    ]


def test_a_layout_needs_the_event_name_and_names_each_field_once(tmp_path) -> None:
    write(tmp_path, """\
        event_layouts:
          - event_type: 会议营销
            fields:
              - {field: 开始时间, required: true}
              - {field: 开始时间}
              - {field: 合作伙伴等级, custom: true}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:6:7: error: the layout needs 活动名称 with required: true",
        "mktctl.yaml:7:17: error: field '开始时间' is in the layout twice",
    ]


def test_a_registration_form_collecting_a_mobile_without_consent_is_a_lint(tmp_path) -> None:
    write(tmp_path, """\
        page_templates:
          - name: 报名表单
            type: 报名表单
            fields:
              - {label: 手机, type: 手机号, required: true}
              - {label: 邮箱, type: 邮箱}
              - {label: 议题, type: 多选}
          - name: 报名表单2
            type: 报名表单
            event_types: [线上研讨会]
            fields: [{label: 手机, type: 手机号}]
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:9:9: error: page_templates: fields.2: a 多选 field needs options",
        "mktctl.yaml:12:19: error: page_templates '报名表单2' refers to unknown event_types '线上研讨会'",
        "mktctl.yaml:13:13: warning: the form collects 手机号 without the privacy consent box; add privacy_consent: "
        "true (PIPL: personal information only with consent)",
    ]
    write(tmp_path, """\
        page_templates:
          - name: 报名表单
            type: 报名表单
            fields: [{label: 手机, type: 手机号, required: true}, {label: 邮箱, type: 邮箱}]
        """)
    assert problems(tmp_path) == [
        "mktctl.yaml:6:13: warning: the form collects 手机号、邮箱 without the privacy consent box; add "
        "privacy_consent: true (PIPL: personal information only with consent)",
    ]


def test_sop_tasks_out_of_order_are_a_lint(tmp_path) -> None:
    write(tmp_path, """\
        event_sop:
          - event_type: 直播营销
            tasks:
              - {name: 彩排, phase: 活动前, days: -1}
              - {name: 发布报名页, phase: 活动前, days: -14}
              - {name: 发送回放, phase: 活动后, days: 1, owner: 活动成员}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:7:9: warning: task '发布报名页' is due before '彩排'; list the tasks in the order they are due",
    ]


def test_the_live_platform_step_asks_the_client_for_the_secret_and_keeps_none() -> None:
    step = kind("live_platforms").manual_step("微吼", {"account_id": "v1", "sync": ["报名数据"], "default": False})

    assert step.menu_path == "营销通 > 系统设置 > 营销插件 > 直播对接 > 微吼"
    assert step.values == [("账号ID", "v1"), ("同步数据", "报名数据"), ("默认直播平台", "否"),
                           ("SecretKey", "由客户管理员从微吼后台复制后填入（mktctl 不保存密钥）")]
    assert step.who == "客户直播平台管理员"


PLAYBOOK = """\
roles:
  - name: 市场专员
live_platforms:
  - {platform: 保利威, account_id: a1b2c3, default: true}
event_types:
  - {name: 线上研讨会, scenario: 直播营销, live_platform: 保利威}
  - {name: 客户沙龙, scenario: 会议营销}
event_layouts:
  - event_type: 客户沙龙
    fields: [{field: 活动名称, required: true}, {field: 开始时间, required: true}, {field: 活动地点}]
page_templates:
  - {name: 沙龙签到, type: 签到页, event_types: [客户沙龙], check_in: 扫码签到}
event_sop:
  - event_type: 客户沙龙
    tasks:
      - {name: 发布报名页, phase: 活动前, days: -14, owner: 市场专员}
      - {name: 导入线索, phase: 活动后, days: 1}
"""


@pytest.mark.e2e
@pytest.mark.slow
def test_event_kinds_apply_to_the_sandbox_and_are_manual_steps_on_the_public_api(tmp_path, mktctl) -> None:
    write(tmp_path, PLAYBOOK)

    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    assert applied.code == 0, applied.output
    assert "Apply complete: 8 created" in applied.stdout
    assert again.code == 0, again.output

    assert mktctl(*PUBLIC, "apply", "--yes").code == 0
    pending = mktctl(*PUBLIC, "plan", "--detailed-exitcode")
    steps = mktctl(*PUBLIC, "steps")
    assert pending.code == 3, pending.output
    for line in ("! live_platforms/保利威", "菜单路径：营销通 > 系统设置 > 营销插件 > 直播对接 > 保利威",
                 "! event_types/线上研讨会", "菜单路径：营销通 > 系统设置 > 市场活动设置 > 活动类型 > 线上研讨会",
                 "菜单路径：管理后台 > 对象管理 > 市场活动 > 布局管理 > 客户沙龙",
                 "菜单路径：营销通 > 微页面 > 创建微页面模版 > 沙龙签到",
                 "菜单路径：营销通 > 系统设置 > 市场活动设置 > 营销场景默认SOP设置 > 客户沙龙",
                 "SOP任务[1] > 相对天数：-14", "7 个人工配置步骤待完成。"):
        assert line in steps.stdout

    confirmed = mktctl(*PUBLIC, "confirm", "event_sop/客户沙龙", "--by", "顾问张三", "--note", "已按SOP配置")
    left = steps_json(mktctl(*PUBLIC, "steps", "--output", "json", "--all"))
    assert confirmed.code == 0, confirmed.output
    assert left["event_sop/客户沙龙"]["status"] == "confirmed"
    assert left["event_sop/客户沙龙"]["confirmed_by"] == "顾问张三"

    write(tmp_path, PLAYBOOK.replace("days: -14", "days: -21"))
    assert steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))["event_sop/客户沙龙"]["status"] == "changed"
