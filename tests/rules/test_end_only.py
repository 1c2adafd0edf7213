"""A person no flow can start for may run for their end state only (mktctl.rules.reach, run_person's
``end_only``): what simulate keeps of them is what it keeps of the full run, and the judgement that no flow
can start is never wrong (generated people on playbooks with windows on tags and segments, tags reading tags,
hourly and daily segments, stages, decay, MQL hand-off, reminders, merges, and flows started by segments, by
a tag and by a form, a stage's tag read by a tag rule, a flow's step setting a tag of a group with rules)."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.playbook.load import load_playbook
from mktctl.rules import Assigner, Clock, assign_all, clean_people, compile_rules, resolve, run_person
from mktctl.rules.clock import end_of_day
from mktctl.rules.compile import Rules
from mktctl.rules.model import FLOW_ENTERED, TAG_ADDED, Event
from mktctl.rules.person import _Runner
from mktctl.rules.reach import (
    FOREVER,
    FlowReach,
    end_only_after_flows_allowed,
    end_only_allowed,
    may_start_flow,
)
from mktctl.rules.simulate import UNREAD, summarise
from tests.rules.helpers import START, lead, rules_of
from tests.rules.test_ticks import survivors_of

END_ONLY = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, points: 10, cap: 30}
      - {behaviour: 观看直播, points: 15}
    decay: {inactive_days: 2, percent: 50}
    thresholds: [{name: MQL, score: 20}]
mql_definition: {stage_label: MQL, min_score: 20, hand_off: 分配}
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 2, purchases_max: 0}
  - {name: 活跃期, order: 2, interaction: 中}
  - {name: 沉睡期, order: 3, inactive_days: 3, tag: "阶段：沉睡"}
tags:
  - name: 阶段
    values: [沉睡]
  - name: 唤醒
    values: [待唤醒]
    rules:
      - {value: 待唤醒, conditions: [{tag: 阶段:沉睡}, {behaviour: 浏览微页面, within_days: 4}]}
  - name: 阅读
    values: [常读, 偶读]
    multiple: false
    rules:
      - {value: 常读, conditions: [{behaviour: 打开邮件, within_days: 2, times: 2}]}
      - {value: 偶读, conditions: [{behaviour: 打开邮件, within_days: 4}]}
  - name: 地区
    values: [华东]
    rules:
      - {value: 华东, conditions: [{field: 省份, op: 属于, value: [上海, 江苏]}]}
  - name: 客群
    values: [华东常读]
    rules:
      - {value: 华东常读, conditions: [{tag: 地区:华东}, {tag: 阅读:常读}]}
  - name: 兴趣
    values: [方案]
    rules:
      - {value: 方案, conditions: [{behaviour: 点击邮件链接, content: 产品介绍, within_days: 1}]}
  - name: 跟进
    values: [已发资料]
segments:
  - {name: 华东常读者, conditions: [{tag: 客群:华东常读}], refresh: 每天}
  - {name: 刚看直播, conditions: [{behaviour: 观看直播, within_days: 1}], refresh: 每小时}
  - {name: 刚下载, conditions: [{behaviour: 下载文件, within_days: 1}], refresh: 每小时}
  - name: 偶读者
    conditions: [{tag: 阅读:偶读}, {field: 线索状态, op: 不等于, value: 已转换}]
    refresh: 每天
  - {name: 已发资料, conditions: [{tag: 跟进:已发资料}], refresh: 每天}
nurture_flows:
  - name: 直播跟进
    trigger: {type: 进入人群, segment: 刚看直播}
    steps:
      - {id: 资料, type: 发送邮件, subject: 资料, template: 资料}
      - {id: 标记, type: 添加标签, tag: 跟进:已发资料}
  - name: 资料回访
    trigger: {type: 进入人群, segment: 已发资料}
    steps:
      - {id: 等待, type: 等待, days: 1}
      - {id: 回访, type: 通知销售}
  - name: 方案
    trigger: {type: 添加标签, tag: 兴趣:方案}
    steps:
      - {id: 通知, type: 通知销售}
  - name: 咨询
    trigger: {type: 提交表单, form: 官网咨询表单}
    allow_reentry: true
    steps:
      - {id: 回复, type: 发送邮件, subject: 回复, template: 回复}
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1", "S2"], method: 轮流分配}]
lead_follow_up_sla:
  - {name: 一天未跟进, idle_days: 1, repeat_every_days: 2}
"""
# a stage's tag, written with a full-width colon, in a single-choice group whose rule sets another value
STAGE_TAG_IN_A_RULED_GROUP = """\
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 30, tag: "等级：新"}
tags:
  - name: 等级
    values: [新, 活跃]
    multiple: false
    rules:
      - {value: 活跃, conditions: [{behaviour: 打开邮件, within_days: 30}]}
"""
PLAYBOOKS = Path(__file__).resolve().parents[2] / "src" / "mktctl" / "playbooks"
DAYS = 8
SETTLE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def rules(name: str) -> Rules:
    if name == "end_only":
        return rules_of(Path(tempfile.mkdtemp(prefix="mktctl-end-only-")), END_ONLY)
    return compile_rules(load_playbook(PLAYBOOKS / name)[0])


minutes = st.sampled_from([0, 1, 59, 60, 9 * 60, 10 * 60 + 20, 23 * 60 + 59])
one_event = st.builds(
    lambda day, minute, kind: Event(day * 1440 + minute, **kind), st.integers(0, DAYS), minutes,
    st.sampled_from([{"behaviour": "下载文件"}, {"behaviour": "下载文件", "content": "产品白皮书"},
                     {"behaviour": "观看直播"}, {"behaviour": "观看直播", "content": "线上研讨会"},
                     {"behaviour": "打开邮件"}, {"behaviour": "点击邮件链接", "content": "产品介绍"},
                     {"behaviour": "点击邮件链接", "content": "价格方案"}, {"behaviour": "咨询客服"},
                     {"behaviour": "浏览文章", "source": "百度推广"}, {"behaviour": "浏览微页面"},
                     {"behaviour": "提交表单", "content": "官网咨询表单"}, {"behaviour": "添加企业微信"},
                     {"follow_up": True}, {"converted": "商机"}, {"converted": "订单"},
                     {"behaviour": "退订", "channel": "邮件"}, {"changes": (("省份", "上海"),)},
                     {"changes": (("国家/地区", "美国"),)}, {"changes": (("最近互动天数", "90"),)}]))
one_person = st.fixed_dictionaries({
    "day": st.integers(0, 4), "minute": minutes, "events": st.lists(one_event, max_size=10),
    "fields": st.fixed_dictionaries({"省份": st.sampled_from(["上海", "广东", "江苏"]),
                                     "手机号": st.sampled_from(["13912340001", "13912340002", None]),
                                     "行业": st.sampled_from(["科技互联网", "制造业"])})})
people = st.lists(one_person, min_size=1, max_size=3)


def survivors(rules_: Rules, drawn: list[dict]) -> list:
    """The people drawn, cleaned and resolved (people with one mobile merge)."""
    inputs = [lead(f"p{i}", *sorted(p["events"], key=lambda e: e.at), day=p["day"],
                   time=f"{p['minute'] // 60:02d}:{p['minute'] % 60:02d}", **p["fields"])
              for i, p in enumerate(drawn)]
    cleaned = clean_people(rules_.cleaning, rules_.names, inputs)
    return resolve(rules_.identity, rules_.cleaning, inputs, cleaned)[0]


def test_the_playbooks_here_let_people_run_for_their_end_state() -> None:
    assert all(end_only_allowed(rules(name)) for name in ("end_only", "flagship", "standard"))


@SETTLE
@given(people, st.sampled_from(["end_only", "flagship", "standard"]))
def test_a_person_no_flow_can_start_for_ends_as_the_full_run_ends(drawn, playbook) -> None:
    rules_ = rules(playbook)
    clock, until = Clock(START), end_of_day(DAYS)

    for survivor, plan in with_plans(rules_, survivors(rules_, drawn)):
        full = run_person(rules_, survivor, clock=clock, until=until, plan=plan, detailed=False, leave_out=UNREAD)[0]
        if may_start_flow(rules_, survivor):
            continue
        end = run_person(rules_, survivor, clock=clock, until=until, plan=plan, detailed=False, leave_out=UNREAD,
                         end_only=True)[0]

        assert not [c for c in full.timeline if c.kind == FLOW_ENTERED]  # the judgement holds
        assert summarise(end, survivor) == summarise(full, survivor)


@SETTLE
@given(people, st.sampled_from(["end_only", "flagship", "standard"]))
def test_a_person_whose_flows_are_over_ends_as_the_full_run_ends(drawn, playbook) -> None:
    rules_ = rules(playbook)
    reach = FlowReach(rules_)
    clock, until = Clock(START), end_of_day(DAYS)

    for survivor, plan in with_plans(rules_, survivors(rules_, drawn)):
        full = run_person(rules_, survivor, clock=clock, until=until, plan=plan, detailed=False, leave_out=UNREAD)[0]
        after = run_person(rules_, survivor, clock=clock, until=until, plan=plan, detailed=False, leave_out=UNREAD,
                           reach=reach)[0]

        assert summarise(after, survivor) == summarise(full, survivor)


@SETTLE
@given(people, st.sampled_from(["end_only", "flagship", "standard"]))
def test_a_walk_for_the_end_state_until_a_flow_may_start_ends_as_the_full_run_ends(drawn, playbook) -> None:
    rules_ = rules(playbook)
    reach = FlowReach(rules_)
    clock, until = Clock(START), end_of_day(DAYS)

    for survivor, plan in with_plans(rules_, survivors(rules_, drawn)):
        full = run_person(rules_, survivor, clock=clock, until=until, plan=plan, detailed=False, leave_out=UNREAD)[0]
        first = reach.earliest_start(survivor)
        if first is None:
            continue
        walked = run_person(rules_, survivor, clock=clock, until=until, plan=plan, detailed=False, leave_out=UNREAD,
                            reach=reach, full_from=first)[0]

        assert all(c.at >= first for c in full.timeline if c.kind == FLOW_ENTERED)  # the judgement holds
        assert summarise(walked, survivor) == summarise(full, survivor)


def with_plans(rules_: Rules, found: list) -> list[tuple]:
    """Each of ``found`` with their assignments to day DAYS (qualified, then assigned across them all)."""
    clock, until = Clock(START), end_of_day(DAYS)
    qualified = [run_person(rules_, s, clock=clock, until=until, qualify_only=True)[1] for s in found]
    plans = assign_all(rules_, Assigner(0), found, qualified)
    return [(survivor, plans.get(survivor.id, ())) for survivor in found]


def runner(rules_: Rules, person, **options) -> _Runner:
    """The walk of ``person`` (to day DAYS), run, to look at how it went."""
    clock, until = Clock(START), end_of_day(DAYS)
    ((_, plan),) = with_plans(rules_, [person])
    walk = _Runner(rules_, person, clock, until, plan, (), False, detailed=False, **options)
    walk.result = walk.run()[0]  # type: ignore[attr-defined]
    return walk


def test_the_walk_goes_on_for_the_end_state_once_the_flows_are_over_for_good() -> None:
    rules_ = rules("end_only")
    watched = [Event(1440 + 600, behaviour="观看直播"), Event(4 * 1440 + 600, behaviour="打开邮件")]
    (watcher,) = survivors_of(rules_, [(0, 600, watched)])
    (asker,) = survivors_of(rules_, [(0, 600, [Event(1440 + 600, behaviour="提交表单", content="官网咨询表单")])])

    # 直播跟进 tags the person, which puts them in 已发资料 the next day and so into 资料回访: only once that
    # is over (day 3) can no flow start again
    watching = runner(rules_, watcher, reach=FlowReach(rules_))
    assert watching.end_only and watching.asked[0] == {"直播跟进", "资料回访"}
    # 咨询 may start again with every form: the walk stays in full up to the last form, and the second form
    # starts it again
    forms = [Event(day * 1440 + 600, behaviour="提交表单", content="官网咨询表单") for day in (1, 3)]
    (twice,) = survivors_of(rules_, [(0, 600, forms)])
    steps = summarise(runner(rules_, twice, reach=FlowReach(rules_)).result, twice)[1]
    assert steps == summarise(runner(rules_, twice).result, twice)[1]
    assert [step for step in steps if step[2] == "entered"] == [("咨询", "", "entered")] * 2
    assert FlowReach(rules_).may_start(twice, {"咨询"}, after=1440 + 600)
    assert not FlowReach(rules_).may_start(twice, {"咨询"}, after=3 * 1440 + 600)
    assert FlowReach(rules_).latest_start(asker, {"咨询"}) == 1440 + 600
    assert runner(rules_, asker, reach=FlowReach(rules_)).end_only  # after its only form
    assert not FlowReach(rules_).may_start(watcher, {"直播跟进", "资料回访"})
    assert FlowReach(rules_).may_start(watcher, {"直播跟进"})  # the tag its step set may start 资料回访


def test_a_step_that_sets_a_tag_of_a_group_with_rules_keeps_the_walk_in_full(tmp_path) -> None:
    tagging = rules_of(tmp_path, """\
        tags:
          - name: 意向
            values: [高, 低]
            multiple: false
            rules:
              - {value: 高, conditions: [{behaviour: 咨询客服}]}
        segments:
          - {name: 咨询过, conditions: [{behaviour: 咨询客服}], refresh: 每天}
        nurture_flows:
          - name: 降温
            trigger: {type: 进入人群, segment: 咨询过}
            steps:
              - {id: 标记, type: 添加标签, tag: 意向:低}
          - name: 欢迎
            trigger: {type: 提交表单, form: 官网咨询表单}
            steps:
              - {id: 回复, type: 发送邮件, subject: 回复, template: 回复}
        """)

    assert end_only_allowed(tagging)
    assert not end_only_after_flows_allowed(tagging)
    assert not end_only_after_flows_allowed(tagging, {"降温"})
    assert end_only_after_flows_allowed(tagging, {"欢迎"})
    assert end_only_after_flows_allowed(rules("end_only"))
    # whom 降温 tagged stays in full to the end; whom only 欢迎 greeted goes on for the end state
    (asker,) = survivors_of(tagging, [(0, 600, [Event(1440 + 600, behaviour="咨询客服")])])
    walk = runner(tagging, asker, reach=FlowReach(tagging))
    assert walk.state.flows["降温"].entries == 1 and not walk.end_only
    (writer,) = survivors_of(tagging, [(0, 600, [Event(1440 + 600, behaviour="提交表单", content="官网咨询表单")])])
    walk = runner(tagging, writer, reach=FlowReach(tagging))
    assert walk.state.flows["欢迎"].entries == 1 and walk.end_only
    assert summarise(walk.result, writer) == summarise(runner(tagging, writer).result, writer)


def test_a_flow_can_start_for_whoever_has_what_its_trigger_needs() -> None:
    rules_ = rules("end_only")
    (reader,) = survivors_of(rules_, [(0, 600, [Event(1440 + 600, behaviour="打开邮件")])])
    (watcher,) = survivors_of(rules_, [(0, 600, [Event(1440 + 600, behaviour="观看直播")])])
    (clicker,) = survivors_of(rules_, [(0, 600, [Event(1440 + 600, behaviour="点击邮件链接", content="产品介绍")])])
    (asker,) = survivors_of(rules_, [(0, 600, [Event(1440 + 600, behaviour="提交表单", content="官网咨询表单")])])

    assert not may_start_flow(rules_, reader)  # 打开邮件 starts no flow: segments and tags without one
    assert may_start_flow(rules_, watcher)  # 刚看直播 -> 直播跟进
    assert may_start_flow(rules_, clicker)  # the tag 兴趣:方案 -> 方案
    assert may_start_flow(rules_, asker)  # the form -> 咨询


def test_a_flow_can_start_only_while_what_its_trigger_needs_may_hold() -> None:
    rules_ = rules("end_only")
    # 刚看直播 holds for a day after a live stream and is refreshed on the full hour: the last refresh that may
    # put the person in it, and so start 直播跟进, is the last full hour of that day
    (watcher,) = survivors_of(rules_, [(0, 600, [Event(1440 + 620, behaviour="观看直播")])])
    assert FlowReach(rules_).latest_start(watcher) == 2 * 1440 + 600
    assert FlowReach(rules_).earliest_start(watcher) == 1440 + 660  # and the first, the next full hour
    # up to it the walk goes for the end state only, and in full from it: as the full walk ends
    walk = runner(rules_, watcher, reach=FlowReach(rules_), full_from=1440 + 660)
    assert summarise(walk.result, watcher) == summarise(runner(rules_, watcher).result, watcher)
    # (直播跟进 at that hour; its step's tag puts the person in 已发资料 at 00:00, and so into 资料回访)
    assert [(c.subject, c.at) for c in walk.result.timeline if c.kind == FLOW_ENTERED] == \
        [("直播跟进", 1440 + 660), ("资料回访", 2 * 1440)]
    # a live stream two days before the person was created starts nothing, nor a 产品介绍 clicked then
    # (兴趣:方案 holds for a day after it, and no tag is set before the person exists)
    (watched_before,) = survivors_of(rules_, [(3, 600, [Event(1440 + 620, behaviour="观看直播")])])
    clicked = Event(1440 + 620, behaviour="点击邮件链接", content="产品介绍")
    (clicked_before,) = survivors_of(rules_, [(3, 600, [clicked])])
    for person in (watched_before, clicked_before):
        assert not may_start_flow(rules_, person)
        assert not [c for c in runner(rules_, person).result.timeline if c.kind == FLOW_ENTERED]

    # 购买阶段:高意向客户 needs an opened e-mail and a click on 产品介绍 within the same 7 days
    flagship = rules("flagship")
    opened = Event(600, behaviour="打开邮件")
    (weeks_apart,) = survivors_of(flagship, [(0, 540, [opened, Event(8 * 1440 + 600, behaviour="点击邮件链接",
                                                                        content="产品介绍")])])
    (days_apart,) = survivors_of(flagship, [(0, 540, [opened, Event(6 * 1440 + 600, behaviour="点击邮件链接",
                                                                       content="产品介绍")])])
    assert not may_start_flow(flagship, weeks_apart)
    assert not [c for c in runner(flagship, weeks_apart).result.timeline if c.kind == FLOW_ENTERED]
    assert may_start_flow(flagship, days_apart)
    assert [c.subject for c in runner(flagship, days_apart).result.timeline if c.kind == FLOW_ENTERED] == \
        ["线索培育邮件序列"]
    # on the way: once the window has closed only a tag the person still has may start it
    reach = FlowReach(flagship)
    assert reach.latest_start(days_apart, since=8 * 1440) is None
    assert reach.latest_start(days_apart, since=8 * 1440, held={"购买阶段:高意向客户"}) == FOREVER
    assert reach.latest_start(days_apart, since=8 * 1440, held={"行业:科技"}) is None


def test_tags_and_segments_of_an_end_only_run_are_those_at_the_end() -> None:
    rules_ = rules("end_only")
    opens = [Event(day * 1440 + 600, behaviour="打开邮件") for day in (1, 1, 5)]
    (person,) = survivors_of(rules_, [(0, 600, opens)])
    clock, until = Clock(START), end_of_day(DAYS)
    ((_, plan),) = with_plans(rules_, [person])

    full = run_person(rules_, person, clock=clock, until=until, plan=plan, detailed=False)[0]
    end = run_person(rules_, person, clock=clock, until=until, plan=plan, detailed=False, end_only=True)[0]

    def added(result) -> list[str]:
        return [c.subject for c in result.timeline if c.kind == TAG_ADDED]

    # the full run has 常读 on day 1 (two opens within 2 days), then 偶读 from day 4 (the stage changes at
    # 00:00); the end-only run evaluates the tags at day 5's open only, and keeps the end
    assert "阅读:常读" in added(full) and "阅读:常读" not in added(end)
    facts = summarise(end, person)[0]
    assert "阅读:偶读" in facts[6].split("、") and "偶读者" in facts[7].split("、")
    assert summarise(end, person) == summarise(full, person)


def test_a_stage_tag_in_any_spelling_can_start_the_flow_it_triggers(tmp_path) -> None:
    rules_ = rules_of(tmp_path, """\
        lifecycle_stages:
          - {name: 新客期, order: 1, registered_within_days: 30, tag: "兴趣：新客"}
        tags:
          - name: 兴趣
            values: [新客]
        nurture_flows:
          - name: 欢迎
            trigger: {type: 添加标签, tag: 兴趣:新客}
            steps:
              - {id: 通知, type: 通知销售}
        """)
    (person,) = survivors(rules_, [{"day": 0, "minute": 600, "events": [], "fields": {}}])

    assert may_start_flow(rules_, person)


def test_a_playbook_whose_tags_depend_on_more_than_the_moment_runs_everyone_in_full(tmp_path) -> None:
    stage_tag_in_a_ruled_group = rules_of(tmp_path / "stage", STAGE_TAG_IN_A_RULED_GROUP)
    groups = "\n".join(f"""\
          - name: g{i:02d}
            values: [是]
            rules:
              - {{value: 是, conditions: [{{tag: "g{i + 1:02d}:是"}}]}}""" for i in range(22))
    long_chain = rules_of(tmp_path / "chain", f"""\
        tags:
{groups}
          - name: g22
            values: [是]
            rules:
              - {{value: 是, conditions: [{{behaviour: 打开邮件}}]}}
        """)
    on_the_status = rules_of(tmp_path / "status", """\
        tags:
          - name: 状态
            values: [已跟进]
            rules:
              - {value: 已跟进, conditions: [{field: 线索状态, op: 等于, value: 已处理}]}
        """)

    assert not end_only_allowed(stage_tag_in_a_ruled_group)
    assert not end_only_allowed(long_chain)
    assert not end_only_allowed(on_the_status)


def test_a_stage_tag_written_with_a_full_width_colon_replaces_the_value_of_its_single_choice_group(tmp_path) -> None:
    rules_ = rules_of(tmp_path, STAGE_TAG_IN_A_RULED_GROUP)
    (person,) = survivors(rules_, [{"day": 0, "minute": 600, "fields": {},
                                    "events": [Event(600, behaviour="打开邮件")]}])

    result = run_person(rules_, person, clock=Clock(START), until=end_of_day(DAYS))[0]

    assert summarise(result, person)[0][6] == "等级:活跃"  # one value of the group, not two
