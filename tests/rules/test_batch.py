"""The batch runner (mktctl.rules.batch) gives every person the result run_people gives: on generated small
populations (look-alikes that merge, test data that is rejected, behaviours, follow-ups and conversions)
under the ready playbooks' rules and a playbook of every assignment method, in chunks of any size, in this
process or in worker processes."""

from __future__ import annotations

import pickle
import tempfile
from dataclasses import FrozenInstanceError, replace
from functools import cache
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.playbook.load import load_playbook
from mktctl.rules import Clock, clean_people, compile_rules, run_people
from mktctl.rules import batch as batch_module
from mktctl.rules.assignment import Assignment
from mktctl.rules.batch import history_of, run_batch
from mktctl.rules.clock import end_of_day
from mktctl.rules.compile import Rules
from mktctl.rules.identity import Absorption, Survivor
from mktctl.rules.model import CONVERTED, EVENT_FIELDS, FLOW_ENTERED, Event, PersonInput, events_of
from mktctl.rules.person import Planned
from mktctl.rules.simulate import END, summarise
from mktctl.rules.snapshot import snapshot
from mktctl.rules.world import outcome_result
from tests.rules.helpers import START, rules_of

PLAYBOOKS = Path(__file__).resolve().parents[2] / "src" / "mktctl" / "playbooks"
ASSIGNING = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, points: 10}
      - {behaviour: 观看直播, points: 15, cap: 30}
    decay: {inactive_days: 3, percent: 50}
    thresholds: [{name: MQL, score: 20}]
identity_rules: {merge_keys: [手机号, 邮箱], auto_merge: true, on_conflict: 保留最新}
lead_cleaning:
  duplicate_rules: [{match: [company, name], action: 不存入}]
lead_assignment:
  - name: 分配
    rules:
      - {name: 上海, when: {regions: [上海]}, owners: ["S1", "S2", "S3"], method: 轮流分配}
      - {name: 广东, when: {regions: [广东]}, owners: ["S1", "S2"], method: 按负载分配}
      - {name: 其他, owners: ["S2", "S3"], method: 随机分配}
  - name: 交接
    rules: [{name: 全部, owners: ["S3", "S1"], method: 轮流分配}]
mql_definition: {stage_label: MQL, min_score: 20, hand_off: 交接, sales_accept_hours: 4}
lead_follow_up_sla:
  - {name: 一天未跟进, idle_days: 1, repeat_every_days: 1}
basic_settings:
  company: {name: 示例科技有限公司}
  attribution: {model: 线性, window_days: 10}
"""
DAYS = 9
SETTLE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def rules(name: str) -> Rules:
    if name == "assigning":
        return rules_of(Path(tempfile.mkdtemp(prefix="mktctl-batch-")), ASSIGNING)
    return compile_rules(load_playbook(PLAYBOOKS / name)[0])


NAMES = ["王芳", "李雷", "测试", "赵敏"]
one_event = st.builds(
    lambda day, minute, kind: Event(day * 1440 + minute, **kind), st.integers(0, DAYS), st.sampled_from([0, 540, 600]),
    st.sampled_from([{"behaviour": "下载文件", "content": "产品白皮书"},
                     {"behaviour": "观看直播", "content": "线上研讨会"}, {"behaviour": "打开邮件"},
                     {"behaviour": "点击邮件链接", "content": "产品介绍"},
                     {"behaviour": "浏览微页面", "source": "百度推广", "campaign": "春季投放"}, {"follow_up": True},
                     {"converted": "商机"}, {"converted": "订单"}, {"behaviour": "退订", "channel": "邮件"}]))
person = st.fixed_dictionaries({
    "name": st.sampled_from(NAMES), "company": st.sampled_from(["远航科技有限公司", "星河制造有限公司"]),
    "mobile": st.sampled_from(["13912340001", "13912340002", "13912340003", ""]),
    "email": st.sampled_from(["", "wang@yuanhang.cn", "li@xinghe.cn"]),
    "province": st.sampled_from(["上海", "广东", "北京"]), "day": st.integers(0, 3),
    "events": st.lists(one_event, max_size=6)})


def population(drawn: list[dict]) -> list[PersonInput]:
    return [PersonInput(f"p{i}", {"姓名": p["name"], "公司名称": p["company"], "手机号": p["mobile"],
                                  "邮箱": p["email"], "省份": p["province"], "线索来源": "官网"},
                        p["day"] * 1440 + 600, tuple(sorted(p["events"], key=lambda e: e.at)))
            for i, p in enumerate(drawn)]


def by_record(batch) -> dict[str, tuple]:
    found = {s.id: (r.timeline, r.ledger) for s, r in zip(batch.survivors, batch.kept, strict=True)}
    for outcome in batch.outcomes:
        result = outcome_result(outcome)
        found[outcome.id] = (result.timeline, result.ledger)
    return found


@SETTLE
@given(st.lists(person, min_size=1, max_size=6), st.sampled_from(["assigning", "flagship", "standard"]),
       st.integers(1, 3), st.integers(0, 3))
def test_the_batch_runner_gives_each_person_what_run_people_gives(drawn, playbook, chunk_size, seed) -> None:
    people = population(drawn)
    clock, until = Clock(START), end_of_day(DAYS)

    world = run_people(rules(playbook), people, clock=clock, until=until, seed=seed)
    batch = run_batch(rules(playbook), history_of(people), clock=clock, until=until, seed=seed, processes=0,
                      chunk_size=chunk_size)

    assert by_record(batch) == {pid: (r.timeline, r.ledger) for pid, r in world.people.items()}
    assert batch.assigner.counters == world.assigner.counters
    assert batch.assigner.loads == world.assigner.loads


def test_worker_processes_give_the_results_of_one_process() -> None:
    drawn = [{"name": NAMES[i % 4], "company": "远航科技有限公司" if i % 3 else "星河制造有限公司",
              "mobile": f"1391234{i % 9:04d}", "email": "", "province": ["上海", "广东", "北京"][i % 3], "day": i % 4,
              "events": [Event((i % 5) * 1440 + 600, behaviour="下载文件", content="产品白皮书"),
                         Event((i % 5 + 1) * 1440 + 540, behaviour="观看直播", content="线上研讨会"),
                         Event((i % 7) * 1440 + 600, converted="商机" if i % 2 else None, follow_up=not i % 2)]}
             for i in range(40)]
    people = population(drawn)
    clock, until = Clock(START), end_of_day(DAYS)

    alone = run_batch(rules("assigning"), history_of(people), clock=clock, until=until, processes=0, chunk_size=7)
    shared = run_batch(rules("assigning"), history_of(people), clock=clock, until=until, processes=2, chunk_size=7)

    assert by_record(shared) == by_record(alone)


def test_chunks_kept_between_the_passes_and_chunks_sent_once_share_the_workers() -> None:
    """A chunk walked in the qualifying pass is run by the worker that kept it; a chunk qualified in columns
    goes to the first worker free. Every third chunk is made to be walked here."""
    drawn = [{"name": NAMES[i % 4], "company": f"远航{i}号科技有限公司", "mobile": f"1391234{i:04d}", "email": "",
              "province": ["上海", "广东", "北京"][i % 3], "day": i % 4,
              "events": [Event((i % 5) * 1440 + 600, behaviour="下载文件", content="产品白皮书")]} for i in range(30)]
    people = population(drawn)
    clock, until = Clock(START), end_of_day(DAYS)
    qualify_columns = batch_module.qualify_columns

    def every_third_chunk_walked(*args):
        return [None if i % 3 == 0 else q for i, q in enumerate(qualify_columns(*args))]

    alone = run_batch(rules("assigning"), history_of(people), clock=clock, until=until, processes=0, chunk_size=1)
    with patch.object(batch_module, "qualify_columns", every_third_chunk_walked):
        shared = run_batch(rules("assigning"), history_of(people), clock=clock, until=until, processes=2,
                           chunk_size=1)

    assert by_record(shared) == by_record(alone)


def test_records_cleaned_beforehand_give_the_results_of_cleaning_in_the_run() -> None:
    drawn = [{"name": NAMES[i % 4], "company": "远航科技有限公司", "mobile": f"1391234{i % 5:04d}", "email": "",
              "province": ["上海", "广东"][i % 2], "day": i % 3, "events": []} for i in range(12)]
    people = population(drawn)
    clock, until = Clock(START), end_of_day(DAYS)
    # cleaning reads no moment: records of the same fields, created at any moment, clean the same
    cleaned = clean_people(rules("assigning").cleaning, rules("assigning").names,
                           [replace(p, created=0, events=()) for p in people])

    given = run_batch(rules("assigning"), history_of(people), clock=clock, until=until, processes=0, cleaned=cleaned)
    cleaning = run_batch(rules("assigning"), history_of(people), clock=clock, until=until, processes=0)

    assert by_record(given) == by_record(cleaning)
    assert [o.rejected for o in given.outcomes] == [o.rejected for o in cleaning.outcomes]
    assert any(o.rejected == "test_data" for o in given.outcomes)  # 测试 is a test name
    with pytest.raises(ValueError, match="11 records cleaned for 12 records"):
        run_batch(rules("assigning"), history_of(people), clock=clock, until=until, processes=0, cleaned=cleaned[1:])


def test_chunks_qualified_in_columns_travel_once_and_give_the_results_of_one_process() -> None:
    without_decay = rules_of(Path(tempfile.mkdtemp(prefix="mktctl-batch-")),
                             ASSIGNING.replace("    decay: {inactive_days: 3, percent: 50}\n", ""))
    drawn = [{"name": NAMES[i % 2], "company": f"远航{i}号有限公司", "mobile": f"1391234{i % 5:04d}", "email": "",
              "province": "上海", "day": i % 4, "events": [Event((i % 5) * 1440 + 600, behaviour="下载文件")]}
             for i in range(8)]  # the last three merge into earlier people: they are walked, the others counted
    people = population(drawn)
    clock, until = Clock(START), end_of_day(DAYS)
    columns = qualify_columns_of(without_decay, people, clock, until)
    assert any(q is None for q in columns) and any(q is not None for q in columns)

    alone = run_batch(without_decay, history_of(people), clock=clock, until=until, processes=0, chunk_size=1)
    shared = run_batch(without_decay, history_of(people), clock=clock, until=until, processes=2, chunk_size=1)

    assert by_record(shared) == by_record(alone)
    assert by_record(alone) == by_record(run_batch(without_decay, history_of(people), clock=clock, until=until,
                                                   processes=0, chunk_size=8))


def qualify_columns_of(rules: Rules, people: list[PersonInput], clock: Clock, until: int) -> list:
    """What the batch runner qualifies in columns (None: walked) of ``people``."""
    found: list = []
    qualify_columns = batch_module.qualify_columns

    def spy(*args):
        found.extend(qualify_columns(*args))
        return found

    with patch.object(batch_module, "qualify_columns", spy):
        run_batch(rules, history_of(people), clock=clock, until=until, processes=0)
    return found


def changes(timeline) -> list[tuple]:
    return [(c.at, c.kind, c.subject, c.value) for c in timeline]


def replayed(result) -> tuple:
    """The facts simulate keeps of a person, from the state that replaying their timeline gives."""
    state = snapshot(result, END)
    entered = {c.subject for c in result.timeline if c.kind == FLOW_ENTERED}
    conversions = dict.fromkeys(c.subject for c in result.timeline if c.kind == CONVERTED)
    return (state.scores, state.grades, state.mql_at, state.owner, state.pool, state.stage,
            "、".join(sorted(state.tags)), "、".join(sorted(state.segments)), "、".join(sorted(entered)),
            sum(m.sent for m in state.messages), len(state.reminders), "、".join(conversions))


@SETTLE
@given(st.lists(person, min_size=1, max_size=6), st.sampled_from(["assigning", "flagship", "standard"]),
       st.integers(1, 3))
def test_a_run_without_details_makes_the_same_changes_and_keeps_what_simulate_keeps(drawn, playbook,
                                                                                    chunk_size) -> None:
    people = population(drawn)
    clock, until = Clock(START), end_of_day(DAYS)

    world = run_people(rules(playbook), people, clock=clock, until=until)
    lean = run_batch(rules(playbook), history_of(people), clock=clock, until=until, processes=0,
                     chunk_size=chunk_size, detailed=False)
    kept = run_batch(rules(playbook), history_of(people), clock=clock, until=until, processes=0,
                     chunk_size=chunk_size, detailed=False, keep=summarise)

    for survivor, result, summed in zip(lean.survivors, lean.kept, kept.kept, strict=True):
        full = world.people[survivor.id]
        assert changes(result.timeline) == changes(full.timeline)
        assert summed == summarise(full, survivor)
        assert summed[0] == replayed(full)


def test_the_people_and_plans_sent_to_workers_arrive_as_they_left() -> None:
    merged = Absorption(900, "9", "手机号 +8613912340001", {"city": "上海市"}, False)
    survivor = Survivor("7", 3, 600, 600, "销售线索", "市场线索池", {"name": "王芳"},
                        [Event(660, behaviour="下载文件")], [merged], "5", [("8", "邮箱")])
    assignment = Assignment("S1", None, "市场线索分配", "华东", "lead_assignment/市场线索分配 rule 华东", ("纷享消息",))
    plan = Planned(600, "creation", assignment)

    assert pickle.loads(pickle.dumps([survivor, plan])) == [survivor, plan]


@given(st.lists(st.builds(lambda e, seq, origin: replace(e, seq=seq, origin=origin), one_event,
                          st.integers(0, 99), st.sampled_from(["", "7", "8"])), max_size=5))
def test_events_built_from_columns_are_the_events_the_constructor_makes(events: list[Event]) -> None:
    columns = [[getattr(e, name) for e in events] for name in EVENT_FIELDS]

    built = events_of(columns)

    assert built == events
    assert [hash(e) for e in built] == [hash(e) for e in events]
    for event in built:
        with pytest.raises(FrozenInstanceError):
            event.at = 0  # type: ignore[misc]


def test_events_are_built_only_from_a_column_per_field() -> None:
    with pytest.raises(ValueError, match="12 fields, not 2"):
        events_of([[1], [0]])
