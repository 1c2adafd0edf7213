"""Nurture flows: entry once or with allow_reentry, waits, branches, personalised subjects and bodies,
consent per channel and stop_flows, exits, and the triggers."""

from __future__ import annotations

import pytest

from mktctl.errors import PlaybookError
from mktctl.rules.model import FLOW_ENTERED, FLOW_LEFT
from tests.rules.helpers import at, event, kinds, lead, rules_of, run, state

CONSENT = """\
consent:
  privacy_policy_url: https://www.example.cn/privacy
  collect_at: [表单]
  purposes:
    - {name: 营销推广, channels: [邮件, 短信]}
    - {name: 仅邮件, channels: [邮件]}
  unsubscribe: {stop_flows: false}
sms_channel:
  signature: 示例科技
  templates:
    - {name: 提醒, type: 营销推广, content: "{客户姓名}您好, {负责人}已为您准备资料 {链接} 回T退订"}
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1"]}]
"""
FLOW = """\
nurture_flows:
  - name: 培育
    purpose: 营销推广
    trigger: {type: 提交表单, form: 官网咨询表单}
    steps:
      - {id: 欢迎, type: 发送邮件, subject: "{客户姓名}，您的专属方案已备好", template: 欢迎邮件}
      - {id: 等三天, type: 等待, days: 3}
      - id: 打开了吗
        type: 条件分支
        condition: {behaviour: 打开邮件, content: 欢迎邮件, within_days: 3}
        then: 推荐
        otherwise: 短信提醒
      - {id: 推荐, type: 发送邮件, subject: "{公司名称}的同行都在用", template: 推荐, next: end}
      - {id: 短信提醒, type: 发送短信, template: 提醒}
    exits: [转为商机]
"""


def submitted(*events, **fields):
    return lead("wang", event(0, "10:00", behaviour="提交表单", content="官网咨询表单"), *events,
                姓名="王芳", 公司名称="远航科技有限公司", **fields)


def sent(world, person="wang"):
    return [(m.step, m.at, m.subject, m.body) for m in state(world, person, 30).messages if m.sent]


def test_the_trigger_enters_the_person_and_sends_the_first_step_at_once(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW)

    world = run(rules, submitted())

    assert sent(world)[0] == ("欢迎", at(0, "10:00"), "王芳，您的专属方案已备好", None)


def test_a_branch_after_a_wait_looks_at_that_moment(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW)

    opened = run(rules, submitted(event(2, behaviour="打开邮件", content="欢迎邮件")))
    silent = run(rules, submitted(event(3, "10:01", behaviour="打开邮件", content="欢迎邮件")))

    assert [s[:2] for s in sent(opened)] == [("欢迎", at(0, "10:00")), ("推荐", at(3, "10:00"))]
    assert sent(opened)[1][2] == "远航科技有限公司的同行都在用"
    assert [s[:2] for s in sent(silent)] == [("欢迎", at(0, "10:00")), ("短信提醒", at(3, "10:00"))]
    assert kinds(silent, "wang", FLOW_LEFT) == ["finished"]


def test_an_sms_body_is_its_template_rendered_with_the_signature(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW)

    world = run(rules, submitted())

    assert sent(world)[1][3] == "【示例科技】王芳您好, 张一已为您准备资料 {链接} 回T退订"


def test_an_empty_field_renders_as_nothing(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW.replace("{客户姓名}，", "{职位}{客户姓名}，"))

    world = run(rules, submitted(职位="市场总监"), lead("li", event(0, behaviour="提交表单", content="官网咨询表单")))

    assert sent(world)[0][2] == "市场总监王芳，您的专属方案已备好"
    assert sent(world, "li")[0][2] == "客户li，您的专属方案已备好"


def test_an_unknown_variable_is_an_error_at_its_position(tmp_path) -> None:
    with pytest.raises(PlaybookError) as raised:
        rules_of(tmp_path, CONSENT, FLOW.replace("{客户姓名}", "{客户名称}"))

    (problem,) = [p for p in raised.value.problems if p.severity == "error"]  # `validate` finds it too
    assert problem.message == "unknown personalisation variable {客户名称}; did you mean '客户姓名'?"
    assert problem.mark is not None and (problem.mark.line, problem.mark.column) == (27, 39)  # the subject


def test_a_person_enters_a_flow_once_unless_it_allows_reentry(tmp_path) -> None:
    twice = (event(5, behaviour="提交表单", content="官网咨询表单"),)
    once = run(rules_of(tmp_path / "a", CONSENT, FLOW), submitted(*twice))
    again = run(rules_of(tmp_path / "b", CONSENT, FLOW + "    allow_reentry: true\n"), submitted(*twice))

    assert kinds(once, "wang", FLOW_ENTERED) == [1]
    assert kinds(again, "wang", FLOW_ENTERED) == [1, 2]


def test_no_reentry_while_still_in_the_flow(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW + "    allow_reentry: true\n")

    world = run(rules, submitted(event(1, behaviour="提交表单", content="官网咨询表单")))

    assert kinds(world, "wang", FLOW_ENTERED) == [1]


def test_nothing_is_sent_on_a_channel_the_person_unsubscribed_from(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW)

    world = run(rules, submitted(event(1, behaviour="退订", channel="短信")))

    messages = state(world, "wang", 10).messages
    assert [(m.step, m.sent, m.reason) for m in messages] == [("欢迎", True, ""),
                                                              ("短信提醒", False, "unsubscribed from 短信")]


def test_a_channel_the_flows_consent_purpose_does_not_cover_is_not_sent(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW.replace("purpose: 营销推广", "purpose: 仅邮件"))

    world = run(rules, submitted())

    assert [(m.step, m.sent) for m in state(world, "wang", 10).messages] == [("欢迎", True), ("短信提醒", False)]


def test_stop_flows_takes_an_unsubscribed_person_out_of_every_flow(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT.replace("stop_flows: false", "stop_flows: true"), FLOW)

    world = run(rules, submitted(event(1, behaviour="退订", channel="邮件")))

    assert [m.step for m in state(world, "wang", 10).messages] == ["欢迎"]
    assert kinds(world, "wang", FLOW_LEFT) == ["unsubscribed: consent.unsubscribe.stop_flows takes them out of "
                                               "every flow"]


def test_all_channels_makes_one_unsubscribe_stop_every_channel(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT.replace("stop_flows: false", "stop_flows: false, all_channels: true"), FLOW)

    world = run(rules, submitted(event(1, behaviour="退订", channel="邮件")))

    assert state(world, "wang", 1).unsubscribed == {"邮件", "短信", "公众号", "企业微信"}


def test_an_exit_takes_the_person_out_at_once(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW)

    world = run(rules, submitted(event(2, converted="商机")))

    assert [m.step for m in state(world, "wang", 10).messages] == ["欢迎"]
    assert kinds(world, "wang", FLOW_LEFT) == ["exit 转为商机"]


def test_an_exit_that_holds_at_entry_lets_nothing_run(tmp_path) -> None:
    rules = rules_of(tmp_path, CONSENT, FLOW.replace("exits: [转为商机]", "exits: [分配给销售]"))

    world = run(rules, submitted())

    assert state(world, "wang", 10).messages == []
    assert kinds(world, "wang", FLOW_LEFT) == ["exit 分配给销售: owner S1"]


TRIGGERS = """\
tags:
  - {name: 兴趣, values: [白皮书]}
scoring_models:
  - name: 评分
    behaviour_rules: [{behaviour: 观看直播, points: 20}]
nurture_flows:
  - name: 打标签后
    trigger: {type: 添加标签, tag: 兴趣:白皮书}
    steps: [{id: 通知, type: 通知销售, notify: 线索负责人}]
  - name: 高分
    trigger: {type: 评分达到, scoring_model: 评分, score: 30}
    steps: [{id: 加标签, type: 添加标签, tag: 兴趣:白皮书}]
  - name: 每周一
    trigger: {type: 定时, schedule: 每周一 10:00}
    allow_reentry: true
    steps: [{id: 记一笔, type: 通知销售, notify: 市场负责人}]
"""


def test_triggers_chain_within_one_moment(tmp_path) -> None:
    rules = rules_of(tmp_path, TRIGGERS)

    world = run(rules, lead("wang", event(1, behaviour="观看直播"), event(2, behaviour="观看直播")))

    entered = [(c.at, c.subject) for c in world.people["wang"].timeline if c.kind == FLOW_ENTERED]
    assert (at(2), "高分") in entered and (at(2), "打标签后") in entered


def test_a_schedule_enters_everyone_at_its_moments(tmp_path) -> None:
    rules = rules_of(tmp_path, TRIGGERS)

    world = run(rules, lead("wang", day=1), days=14)

    entered = [c.at for c in world.people["wang"].timeline if c.kind == FLOW_ENTERED and c.subject == "每周一"]
    assert entered == [at(7, "10:00"), at(14, "10:00")]  # day 0 (a Monday) was before the person existed


MORE_TRIGGERS = """\
event_types:
  - {name: 线上直播, scenario: 直播营销}
segments:
  - {name: 下载过, refresh: 每天, conditions: [{behaviour: 下载文件, within_days: 2}]}
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 30}
nurture_flows:
  - name: 报名后
    trigger: {type: 报名活动, event_type: 线上直播}
    steps: [{id: 提醒, type: 通知销售}]
  - name: 新客
    trigger: {type: 进入生命周期阶段, stage: 新客期}
    steps: [{id: 欢迎, type: 通知销售}]
  - name: 人群培育
    trigger: {type: 进入人群, segment: 下载过}
    steps: [{id: 等着, type: 等待, days: 5}, {id: 通知, type: 通知销售}]
    exits: [退出人群]
"""


def test_an_event_registration_and_a_stage_trigger_their_flows(tmp_path) -> None:
    rules = rules_of(tmp_path, MORE_TRIGGERS)

    world = run(rules, lead("wang", event(2, behaviour="报名活动", content="三月发布会", event_type="线上直播")))

    entered = [(c.subject, c.at) for c in world.people["wang"].timeline if c.kind == FLOW_ENTERED]
    assert entered == [("新客", at(1, "00:00")), ("报名后", at(2))]


def test_leaving_the_trigger_segment_is_an_exit(tmp_path) -> None:
    rules = rules_of(tmp_path, MORE_TRIGGERS)

    world = run(rules, lead("wang", event(0, "10:00", behaviour="下载文件")))

    left = [(c.value, c.at) for c in world.people["wang"].timeline if c.kind == FLOW_LEFT and c.subject == "人群培育"]
    assert left == [("exit 退出人群: left 下载过", at(3, "00:00"))]
