"""A tag group is evaluated again only when something its rules read has changed (mktctl.rules.tags,
TagGroup.reader): over generated people on a playbook whose tag rules read fields, behaviours, other tags,
the stage and scores, with windows, single-choice groups and tags that flows set by hand, every timeline is
the one that evaluating every group at every change gives. A behaviour window is read as the count inside it
at the moment."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.rules import Assigner, Clock, assign_all, clean_people, resolve, run_person
from mktctl.rules.clock import end_of_day
from mktctl.rules.compile import Rules
from mktctl.rules.model import Event
from mktctl.rules.state import PersonState
from tests.rules.helpers import START, lead, rules_of

TAGS_READ_EVERYTHING = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, points: 10}
      - {behaviour: 观看直播, points: 15}
    decay: {inactive_days: 2, percent: 50}
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 1, purchases_max: 0}
  - {name: 成长期, order: 2, purchases_min: 1}
  - {name: 沉睡期, order: 3, inactive_days: 3}
tags:
  - name: 行业
    values: [制造业, 零售业]
    multiple: false
    rules:
      - {value: 制造业, conditions: [{field: 行业, op: 等于, value: 制造业}]}
      - {value: 零售业, conditions: [{field: 行业, op: 等于, value: 零售业}]}
  - name: 兴趣
    values: [白皮书, 直播, 常读]
    rules:
      - {value: 白皮书, conditions: [{behaviour: 下载文件, content: 产品白皮书}]}
      - {value: 直播, conditions: [{behaviour: 观看直播, times: 2}]}
      - {value: 常读, conditions: [{behaviour: 打开邮件, times: 2, within_days: 2}]}
  - name: 意向
    values: [高, 低]
    multiple: false
    rules:
      - {value: 高, conditions: [{scoring_model: 评分, min_score: 20}]}
      - {value: 低, conditions: [{stage: 沉睡期}]}
  - name: 客户群
    values: [制造业白皮书]
    rules:
      - {value: 制造业白皮书, conditions: [{tag: 行业:制造业}, {tag: 兴趣:白皮书}]}
nurture_flows:
  - name: 直播后
    trigger: {type: 添加标签, tag: 兴趣:直播}
    steps:
      - {id: 标记, type: 添加标签, tag: 意向:低}
      - {id: 等一天, type: 等待, days: 1}
      - {id: 去掉, type: 移除标签, tag: 兴趣:白皮书}
"""
DAYS = 8
SETTLE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def rules(reading: bool) -> Rules:
    compiled = rules_of(Path(tempfile.mkdtemp(prefix="mktctl-tags-")), TAGS_READ_EVERYTHING)
    if not reading:
        for group in compiled.tags:
            group.__dict__["reader"] = None  # evaluated at every change
    return compiled


minutes = st.sampled_from([0, 9 * 60, 10 * 60 + 20, 23 * 60 + 59])
one_event = st.builds(
    lambda day, minute, kind: Event(day * 1440 + minute, **kind), st.integers(0, DAYS), minutes,
    st.sampled_from([{"behaviour": "下载文件", "content": "产品白皮书"}, {"behaviour": "下载文件"},
                     {"behaviour": "观看直播"}, {"behaviour": "打开邮件"}, {"converted": "订单"},
                     {"changes": (("行业", "制造业"),)}, {"changes": (("行业", "零售业"),)}]))
people = st.lists(st.tuples(st.integers(0, 3), minutes, st.lists(one_event, max_size=10)), min_size=1, max_size=3)


@SETTLE
@given(people)
def test_evaluating_a_tag_group_only_when_what_it_reads_changed_gives_the_timeline_of_evaluating_it_always(
        drawn) -> None:
    timelines = {}
    for reading in (True, False):
        rules_ = rules(reading)
        inputs = [lead(f"p{i}", *sorted(events, key=lambda e: e.at), day=day,
                       time=f"{minute // 60:02d}:{minute % 60:02d}") for i, (day, minute, events) in enumerate(drawn)]
        clock, until = Clock(START), end_of_day(DAYS)
        cleaned = clean_people(rules_.cleaning, rules_.names, inputs)
        survivors, _ = resolve(rules_.identity, rules_.cleaning, inputs, cleaned)
        qualified = [run_person(rules_, s, clock=clock, until=until, qualify_only=True)[1] for s in survivors]
        plans = assign_all(rules_, Assigner(0), survivors, qualified)
        timelines[reading] = [run_person(rules_, s, clock=clock, until=until, plan=plans.get(s.id, ()))[0].timeline
                              for s in survivors]

    assert timelines[True] == timelines[False]


def test_a_group_reads_the_behaviours_inside_its_windows_at_the_moment() -> None:
    interest = next(group for group in rules(True).tags if group.name == "兴趣")  # 常读: 打开邮件 ×2 within 2 days
    state = PersonState("wang", 0, 0, None)
    state.behaviours["打开邮件"] = [600, 1200]
    assert interest.reader is not None

    inside, one_left = interest.reader(state, 1300), interest.reader(state, 2 * 1440 + 700)

    assert inside != one_left  # the e-mail opened at 10:00 on day 0 has left the window
    assert interest.reader(state, 1300) == interest.reader(state, 1400)
