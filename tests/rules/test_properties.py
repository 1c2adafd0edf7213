"""Properties over generated people: the same inputs give the same timeline; the order of events within
one minute does not change scores; every change is in time order and carries a cause."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.rules.compile import Rules
from mktctl.rules.model import GRADE, SCORE, Event, PersonInput
from tests.rules.helpers import lead, rules_of, run

PLAYBOOK = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, content: 产品白皮书, points: 5, cap: 10}
      - {behaviour: 下载文件, points: 2, cap: 6}
      - {behaviour: 观看直播, points: 10, cap: 30}
      - {behaviour: 退订, points: -15, cap: 30}
    profile_rules:
      - {field: 企业规模, op: 属于, value: [200-500人, 500人以上], points: 10}
    decay: {inactive_days: 3, percent: 30}
    max_score: 45
    thresholds: [{name: MQL, score: 20}, {name: 高价值, score: 40}]
tags:
  - name: 兴趣
    values: [白皮书, 直播]
    rules:
      - {value: 白皮书, conditions: [{behaviour: 下载文件, within_days: 2}]}
      - {value: 直播, conditions: [{behaviour: 观看直播, times: 2}]}
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1", "S2"], method: 随机分配}]
lead_follow_up_sla:
  - {name: 两天未跟进, idle_days: 2, repeat_every_days: 1}
"""
SETTLE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def rules() -> Rules:
    return rules_of(Path(tempfile.mkdtemp(prefix="mktctl-rules-")), PLAYBOOK)


behaviours = st.sampled_from(["下载文件", "观看直播", "退订", "打开邮件"])
contents = st.sampled_from([None, "产品白皮书", "价格表"])
minutes = st.sampled_from([9 * 60, 9 * 60 + 30, 14 * 60])  # few distinct minutes, so that events share them
one_event = st.builds(lambda day, minute, behaviour, content, size: Event(
    day * 1440 + minute, behaviour=behaviour, content=content, channel="邮件" if behaviour == "退订" else None,
    changes=(("企业规模", size),) if size else ()),
    st.integers(0, 8), minutes, behaviours, contents, st.sampled_from([None, "500人以上", "50人以下"]))
events = st.lists(one_event, max_size=14)


def person(items: list[Event], pid: str = "wang") -> PersonInput:
    return lead(pid, *sorted(items, key=lambda e: e.at))


def score_changes(world, pid: str = "wang") -> list[tuple[int, str, object]]:
    return [(c.at, c.kind, c.value) for c in world.people[pid].timeline if c.kind in (SCORE, GRADE)]


@SETTLE
@given(events, events, st.integers(0, 5))
def test_the_same_inputs_give_the_same_timeline(first, second, seed) -> None:
    people = [person(first), person(second, "li")]

    one, two = run(rules(), *people, seed=seed), run(rules(), *people, seed=seed)

    assert {p: r.timeline for p, r in one.people.items()} == {p: r.timeline for p, r in two.people.items()}


@SETTLE
@given(events.filter(lambda e: all(not x.changes for x in e)), st.randoms(use_true_random=False))
def test_the_order_of_events_within_a_minute_does_not_change_scores(items, random) -> None:
    shuffled = list(items)
    random.shuffle(shuffled)

    assert score_changes(run(rules(), person(items))) == score_changes(run(rules(), person(shuffled)))


@SETTLE
@given(events)
def test_every_change_is_in_time_order_and_carries_a_cause(items) -> None:
    world = run(rules(), person(items))

    timeline = world.people["wang"].timeline
    assert [c.at for c in timeline] == sorted(c.at for c in timeline)
    assert all(c.cause.kind and c.cause.ref for c in timeline)

