"""The walk visits a 00:00 or a full hour only when the stage or a refreshed segment can change then
(mktctl.rules.ticks): over generated people on a playbook where time alone changes things (stages by age,
inactivity and interaction, segments and tags with windows, decay, waits, reminders, flows entered from
segments and stages), the timelines are the ones of a walk that visits every tick."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mktctl.playbook.load import load_playbook
from mktctl.rules import Assigner, Clock, assign_all, clean_people, compile_rules, resolve, run_person
from mktctl.rules.clock import end_of_day
from mktctl.rules.compile import Rules
from mktctl.rules.model import Event
from mktctl.rules.person import qualify_person, run_person_every_tick
from tests.rules.helpers import START, lead, rules_of

TIME_PASSES = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, points: 10, cap: 40}
      - {behaviour: 观看直播, points: 15}
    decay: {inactive_days: 2, percent: 50}
    thresholds: [{name: MQL, score: 20}]
mql_definition: {stage_label: MQL, min_score: 20, hand_off: 分配}
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 2, purchases_max: 0}
  - {name: 高活跃, order: 2, interaction: 高}
  - {name: 活跃期, order: 3, interaction: 中}
  - {name: 沉睡期, order: 4, inactive_days: 3, tag: 状态:沉睡}
tags:
  - name: 状态
    values: [沉睡, 常读]
    rules:
      - {value: 常读, conditions: [{behaviour: 打开邮件, within_days: 2, times: 2}]}
segments:
  - {name: 刚下载, conditions: [{behaviour: 下载文件, within_days: 1}], refresh: 每小时}
  - {name: 常读者, conditions: [{tag: 状态:常读}], refresh: 每天}
  - {name: 两次直播, conditions: [{behaviour: 观看直播, within_days: 3, times: 2}], refresh: 每天}
nurture_flows:
  - name: 下载跟进
    trigger: {type: 进入人群, segment: 刚下载}
    allow_reentry: true
    steps:
      - {id: 资料, type: 发送邮件, subject: "{客户姓名}，资料已发送", template: 资料}
      - {id: 等一天, type: 等待, days: 1}
      - id: 还在读吗
        type: 条件分支
        condition: {behaviour: 打开邮件, within_days: 1}
        then: 通知
      - {id: 通知, type: 通知销售}
    exits: [退出人群]
  - name: 唤醒
    trigger: {type: 进入生命周期阶段, stage: 沉睡期}
    steps:
      - {id: 召回, type: 发送短信, template: 召回}
  - name: 咨询回复
    trigger: {type: 提交表单, form: 官网咨询表单}
    steps:
      - {id: 回复, type: 发送邮件, subject: "{客户姓名}，已收到您的咨询", template: 回复}
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1", "S2"], method: 轮流分配}]
lead_follow_up_sla:
  - {name: 一天未跟进, idle_days: 1, repeat_every_days: 2}
"""
DAILY_ONLY = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, points: 10}
      - {behaviour: 打开邮件, points: 5, cap: 15}
    decay: {inactive_days: 1, percent: 30}
    thresholds: [{name: 热, score: 15}]
lifecycle_stages:
  - {name: 成长期, order: 1, purchases_min: 1, interaction: 中}
  - {name: 沉睡期, order: 2, inactive_days: 2}
  - {name: 新客期, order: 3, registered_within_days: 1}
tags:
  - name: 兴趣
    values: [下载, 沉睡]
    rules:
      - {value: 下载, conditions: [{behaviour: 下载文件, within_days: 3}]}
      - {value: 沉睡, conditions: [{stage: 沉睡期}, {behaviour: 打开邮件, within_days: 1}], match: 任一满足}
segments:
  - name: 热线索
    match: 任一满足
    conditions: [{scoring_model: 评分, min_score: 15}, {behaviour: 打开邮件, within_days: 2, times: 2}]
  - {name: 沉睡者, conditions: [{stage: 沉睡期}, {tag: 兴趣:沉睡}]}
nurture_flows:
  - name: 热线索培育
    trigger: {type: 进入人群, segment: 热线索}
    allow_reentry: true
    steps:
      - {id: 等两天, type: 等待, days: 2}
      - {id: 方案, type: 发送邮件, subject: 方案, template: 方案}
    exits: [退出人群, 进入沉睡期]
  - name: 分数到了
    trigger: {type: 评分达到, scoring_model: 评分, score: 15}
    steps:
      - {id: 标记, type: 添加标签, tag: 兴趣:下载}
  - name: 每天早上
    trigger: {type: 定时, schedule: 每天 09:00}
    steps:
      - id: 看看
        type: 条件分支
        condition: {behaviour: 下载文件, within_days: 2}
        then: 提醒
      - {id: 提醒, type: 通知销售}
"""
PLAYBOOKS = {"hourly": TIME_PASSES, "daily": DAILY_ONLY}
DAYS = 12
SETTLE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def rules(name: str = "hourly") -> Rules:
    return rules_of(Path(tempfile.mkdtemp(prefix="mktctl-ticks-")), PLAYBOOKS[name])


# minutes that hit the boundaries: midnight, full hours, and the minutes around them
minutes = st.sampled_from([0, 1, 59, 60, 9 * 60, 10 * 60 + 20, 23 * 60 + 59])
one_event = st.builds(
    lambda day, minute, kind: Event(day * 1440 + minute, **kind), st.integers(0, DAYS), minutes,
    st.sampled_from([{"behaviour": "下载文件"}, {"behaviour": "打开邮件"}, {"behaviour": "观看直播"},
                     {"follow_up": True}, {"converted": "订单"}, {"behaviour": "退订", "channel": "短信"},
                     {"behaviour": "浏览文章"}, {"behaviour": "访问官网", "source": "百度推广"},  # read by nothing
                     {"behaviour": "下载文件", "content": "行业报告"},
                     {"behaviour": "点击邮件链接", "content": "产品介绍"},
                     # acted on where a flow starts on the form or the event type (the hourly playbook: the form)
                     {"behaviour": "提交表单", "content": "官网咨询表单"},
                     {"behaviour": "报名活动", "content": "线上研讨会"},
                     {"behaviour": "添加企业微信"}]))
person_events = st.lists(one_event, max_size=12)
people = st.lists(st.tuples(st.integers(0, 4), minutes, person_events), min_size=1, max_size=3)


def survivors_of(rules_: Rules, drawn: list) -> list:
    """The people drawn (creation day, minute, events), cleaned and resolved."""
    inputs = [lead(f"p{i}", *sorted(events, key=lambda e: e.at), day=day, time=f"{minute // 60:02d}:{minute % 60:02d}")
              for i, (day, minute, events) in enumerate(drawn)]
    cleaned = clean_people(rules_.cleaning, rules_.names, inputs)
    return resolve(rules_.identity, rules_.cleaning, inputs, cleaned)[0]


@SETTLE
@given(people, st.sampled_from(sorted(PLAYBOOKS)))
def test_visiting_only_the_ticks_that_can_change_a_person_gives_the_timeline_of_every_tick(drawn, playbook) -> None:
    rules_ = rules(playbook)
    survivors = survivors_of(rules_, drawn)
    clock, until = Clock(START), end_of_day(DAYS)
    qualified = [run_person(rules_, s, clock=clock, until=until, qualify_only=True)[1] for s in survivors]
    plans = assign_all(rules_, Assigner(0), survivors, qualified)

    for survivor in survivors:
        plan = plans.get(survivor.id, ())
        jumping = run_person(rules_, survivor, clock=clock, until=until, plan=plan)[0]
        every_tick = run_person_every_tick(rules_, survivor, clock=clock, until=until, plan=plan)

        assert jumping.timeline == every_tick.timeline
        assert jumping.ledger == every_tick.ledger


def test_a_quiet_person_is_visited_at_their_moments_and_the_ticks_where_time_changes_them() -> None:
    person = lead("wang", Event(1440 + 600, behaviour="下载文件"))  # created day 0 09:00, downloads day 1 10:00
    cleaned = clean_people(rules().cleaning, rules().names, [person])
    (survivor,), _ = resolve(rules().identity, rules().cleaning, [person], cleaned)
    visited: list[int] = []

    from mktctl.rules import person as walk

    class Counting(walk._Runner):
        def moment(self, at: int, taken=None) -> None:
            visited.append(at)
            super().moment(at, taken)

    Counting(rules(), survivor, Clock(START), end_of_day(DAYS), (), (), False).run()

    every_hour = DAYS * 24
    assert len(visited) < 20 < every_hour
    assert {540, 1440, 2040, 3480, 5760, 7200} <= set(visited)  # created; 新客期 at the first 00:00; the download
    # (joins the hourly segment at once); 24 hours later it leaves the segment; 新客期 ends at the 00:00 of day 4;
    # 沉睡期 at the 00:00 after 3 full days without behaviour



FLAGSHIP = Path(__file__).resolve().parents[2] / "src" / "mktctl" / "playbooks" / "flagship"


@cache
def ready(name: str) -> Rules:
    return rules(name) if name in PLAYBOOKS else compile_rules(load_playbook(FLAGSHIP)[0])


@SETTLE
@given(people, st.sampled_from([*sorted(PLAYBOOKS), "flagship"]))
# a lazy moment's decay fell due at the next event's moment, which was queued twice and scored twice
@example([(1, 1, [Event(0, behaviour="观看直播"), Event(1440, behaviour="下载文件")])], "daily")
def test_taking_in_events_nothing_reads_without_visiting_their_moment_gives_the_same_timeline(drawn, playbook) -> None:
    from mktctl.rules import person as walk

    rules_ = ready(playbook)
    survivors = survivors_of(rules_, drawn)
    clock, until = Clock(START), end_of_day(DAYS)
    qualified = [walk._Runner(rules_, s, clock, until, (), (), True, folding=False).run()[1] for s in survivors]
    plans = assign_all(rules_, Assigner(0), survivors, qualified)

    for survivor, reference in zip(survivors, qualified, strict=True):
        assert qualify_person(rules_, survivor, clock=clock, until=until) == reference
        assert walk._Runner(rules_, survivor, clock, until, (), (), True).run()[1] == reference
        plan = plans.get(survivor.id, ())
        folded = walk._Runner(rules_, survivor, clock, until, plan, (), False).run()[0]
        visited = walk._Runner(rules_, survivor, clock, until, plan, (), False, folding=False).run()[0]
        assert folded.timeline == visited.timeline
        assert folded.ledger == visited.ledger


def test_an_event_nothing_reads_is_still_a_change_at_which_a_tag_whose_window_closed_goes() -> None:
    from mktctl.rules import person as walk
    from mktctl.rules.model import TAG_REMOVED

    # 常读: 打开邮件 twice within 2 days; the second at day 5 10:30, so the window closes at day 7 10:30
    person = lead("wang", Event(5 * 1440 + 600, behaviour="打开邮件"), Event(5 * 1440 + 630, behaviour="打开邮件"),
                  Event(7 * 1440 + 740, behaviour="浏览文章"))  # read by nothing, at day 7 12:20
    cleaned = clean_people(rules().cleaning, rules().names, [person])
    (survivor,), _ = resolve(rules().identity, rules().cleaning, [person], cleaned)

    folded = walk._Runner(rules(), survivor, Clock(START), end_of_day(DAYS), (), (), False).run()[0]
    visited = walk._Runner(rules(), survivor, Clock(START), end_of_day(DAYS), (), (), False, folding=False).run()[0]

    assert [c.at for c in folded.timeline if c.kind == TAG_REMOVED and c.subject == "状态:常读"] == [7 * 1440 + 740]
    assert folded.timeline == visited.timeline


def test_a_form_or_an_event_registration_is_acted_on_only_where_a_flow_starts_on_one() -> None:
    assert rules("hourly").acted_on == {"退订", "提交表单"}  # 咨询回复 starts on 官网咨询表单
    assert rules("daily").acted_on == {"退订"}
    assert ready("flagship").acted_on == {"退订", "添加企业微信"}  # it tags new WeCom contacts

    form = Event(2 * 1440 + 620, behaviour="提交表单", content="官网咨询表单")
    assert not rules("hourly").read.inert(form)
    assert rules("daily").read.inert(form)
