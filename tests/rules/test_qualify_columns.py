"""The qualifying pass in columns (mktctl.rules.qualify_columns) gives each person it takes the qualification
the walk gives (their facts at creation, the MQL moment and the facts then), on generated people under rules
with two scoring models (the MQL names the second: caps, a maximum, a decay), an MQL with required fields,
sources and competitors (or naming no model, or without a score, or none), merges, events before creation,
leads created after the end, and contacts; and leaves to the walk the people whose score can decay or whose
fields a merge changes."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.playbook.load import load_playbook
from mktctl.rules import Clock, clean_people, compile_rules, resolve
from mktctl.rules.batch import _people_of, _sorted_events, history_of
from mktctl.rules.clock import end_of_day
from mktctl.rules.compile import Rules
from mktctl.rules.model import Event, PersonInput
from mktctl.rules.person import qualify_person
from mktctl.rules.qualify_columns import counted_models, qualify_columns
from mktctl.rules.workers import Chunk, Setup, Worker
from tests.rules.helpers import START, rules_of

SCORED = """\
scoring_models:
  - name: 意向
    behaviour_rules:
      - {behaviour: 咨询客服, points: 20}
      - {behaviour: 下载文件, content: 产品白皮书, points: 5, cap: 10}
      - {behaviour: 点击邮件链接, points: 3}
    max_score: 30
    decay: {inactive_days: 4, percent: 50}
identity_rules: {merge_keys: [手机号, 邮箱], auto_merge: true, on_conflict: 保留最新}
lead_cleaning:
  competitor_domains: [rival.cn]
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1", "S2"], method: 轮流分配}]
mql_definition:
  stage_label: MQL
  scoring_model: 意向
  min_score: 20
  required_fields: [industry]
  sources: [官网, 展会]
  exclude_competitors: true
  hand_off: 分配
"""
OTHER_MODEL = """\
scoring_models:
  - name: 兴趣
    behaviour_rules:
      - {behaviour: 下载文件, points: 10, cap: 20}
      - {behaviour: 观看直播, points: 15}
    max_score: 40
"""
DAYS = 9
SETTLE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PLAYBOOKS = Path(__file__).resolve().parents[2] / "src" / "mktctl" / "playbooks"


@cache
def rules(name: str) -> Rules:
    if name == "two models":  # a playbook declares one model; the engine takes several (the MQL names its own)
        folder = Path(tempfile.mkdtemp(prefix="mktctl-columns-"))
        scored, other = rules_of(folder / "scored", SCORED), rules_of(folder / "other", OTHER_MODEL)
        return replace(scored, models=(*other.models, *scored.models))
    if name == "MQL naming no model":  # the facts read the first model; the MQL's score is 0
        return replace(rules("two models"), mql=replace(rules("two models").mql, model=None))
    if name == "MQL without a score":  # fields, source and competitors only
        return replace(rules("two models"), mql=replace(rules("two models").mql, min_score=None))
    if name == "no MQL":
        return replace(rules("two models"), mql=None)
    return compile_rules(load_playbook(PLAYBOOKS / name)[0])


one_event = st.builds(
    lambda day, minute, kind: Event(day * 1440 + minute, **kind), st.integers(-2, DAYS + 1),
    st.sampled_from([0, 540, 600, 1439]),
    st.sampled_from([{"behaviour": "下载文件", "content": "产品白皮书"},
                     {"behaviour": "下载文件", "content": "行业报告"},
                     {"behaviour": "观看直播", "content": "线上研讨会"}, {"behaviour": "咨询客服"},
                     {"behaviour": "点击邮件链接", "content": "价格方案"}, {"behaviour": "打开邮件"},
                     {"follow_up": True}, {"converted": "商机"}]))
person = st.fixed_dictionaries({
    "mobile": st.sampled_from(["13912340001", "13912340002", "13912340003", "13912340004", ""]),
    "email": st.sampled_from(["", "wang@yuanhang.cn", "li@rival.cn"]),
    "industry": st.sampled_from(["", "制造业"]), "source": st.sampled_from(["官网", "百度推广", ""]),
    "object": st.sampled_from(["销售线索", "销售线索", "联系人"]),
    "day": st.sampled_from([0, 1, 3, DAYS + 1]), "minute": st.sampled_from([0, 600]),  # created after the end too
    "events": st.lists(one_event, max_size=12)})


def population(drawn: list[dict]) -> list[PersonInput]:
    return [PersonInput(f"p{i}", {"姓名": f"客户{i}", "公司名称": f"客户{i}科技有限公司", "手机号": p["mobile"],
                                  "邮箱": p["email"], "行业": p["industry"], "省份": "上海", "线索来源": p["source"]},
                        p["day"] * 1440 + p["minute"], tuple(sorted(p["events"], key=lambda e: e.at)),
                        p["object"])
            for i, p in enumerate(drawn)]


def both_ways(rules_: Rules, people: list[PersonInput]) -> list[tuple]:
    """(in columns or None, the walk's) for each survivor."""
    history = history_of(people)
    clock, until = Clock(START), end_of_day(DAYS)
    cleaned = clean_people(rules_.cleaning, rules_.names, history.records)
    survivors, _ = resolve(rules_.identity, rules_.cleaning, history.records, cleaned)
    frame, bounds = _sorted_events(history.events, history.records, _people_of(history.records, survivors),
                                   len(survivors))
    counted = qualify_columns(rules_, survivors, frame, until)
    worker = Worker(Setup(rules_, None, clock, until, (), None), frame.to_arrow())
    worker._attach(Chunk(0, survivors, bounds))
    walked = [qualify_person(rules_, s, clock=clock, until=until) for s in survivors]
    return list(zip(counted, walked, strict=True))


@SETTLE
@given(st.lists(person, min_size=1, max_size=6),
       st.sampled_from(["two models", "MQL naming no model", "MQL without a score", "no MQL", "flagship", "standard"]))
def test_a_qualification_in_columns_is_the_one_the_walk_gives(drawn, playbook) -> None:
    for counted, walked in both_ways(rules(playbook), population(drawn)):
        assert counted is None or counted == walked


def lead_with(*events: Event, mobile: str = "13912340001", **fields: str) -> PersonInput:
    values = {"姓名": "王芳", "公司名称": "远航科技有限公司", "手机号": mobile, "行业": "制造业", "线索来源": "官网",
              **fields}
    return PersonInput(mobile, values, 600, events)


def test_a_lead_that_keeps_busy_is_qualified_in_columns_with_its_mql_moment_and_capped_scores() -> None:
    busy = lead_with(*(Event(day * 1440 + 700, behaviour="咨询客服") for day in range(0, DAYS + 1, 3)),
                     Event(700, 1, behaviour="下载文件", content="产品白皮书"),
                     Event(710, behaviour="下载文件", content="产品白皮书"),
                     Event(720, behaviour="下载文件", content="产品白皮书"))

    ((counted, walked),) = both_ways(rules("two models"), [busy])

    assert counted == walked
    assert counted.mql_at == 700  # 咨询客服 +20 reaches 20 at once
    assert counted.at_mql.score == 25  # the facts read the MQL's model: and 下载文件 产品白皮书 +5 in the same minute
    assert counted.created.score == 0


def test_a_lead_that_may_decay_or_took_in_a_merge_is_left_to_the_walk() -> None:
    quiet = lead_with(Event(700, behaviour="观看直播"), Event(6 * 1440, behaviour="观看直播"), mobile="13912340002")
    merged = [lead_with(Event(800, behaviour="咨询客服"), Event(3 * 1440, behaviour="咨询客服"),
                        Event(6 * 1440, behaviour="咨询客服"), Event(DAYS * 1440, behaviour="咨询客服"),
                        mobile="13912340003"),
              PersonInput("second", {"姓名": "王芳", "公司名称": "远航科技有限公司", "手机号": "13912340003",
                                     "线索来源": "展会"}, 900, ())]

    found = both_ways(rules("two models"), [quiet, *merged])

    assert [counted for counted, _ in found] == [None, None]  # 4 days without a behaviour; a merge at 15:00
    assert all(walked.created is not None for _, walked in found)


def test_a_model_with_profile_rules_or_negative_points_leaves_everyone_to_the_walk(tmp_path) -> None:
    profiled = rules_of(tmp_path / "a", """\
scoring_models:
  - name: 评分
    behaviour_rules: [{behaviour: 下载文件, points: 10}]
    profile_rules: [{field: 行业, op: 等于, value: 制造业, points: 5}]
""")
    negative = rules_of(tmp_path / "b", """\
scoring_models:
  - name: 评分
    behaviour_rules: [{behaviour: 下载文件, points: 10}, {behaviour: 退订, points: -20}]
""")

    assert counted_models(profiled) is None
    assert counted_models(negative) is None
    assert counted_models(rules("two models")) is not None


def test_the_events_frame_read_is_the_one_the_batch_runner_sorts() -> None:
    people = [lead_with(Event(700, behaviour="咨询客服"))]
    history = history_of(people)
    frame, _ = _sorted_events(history.events, history.records, [0], 1)

    assert isinstance(frame, pl.DataFrame)
    assert {"person", "at", "behaviour", "content"} <= set(frame.columns)


def test_events_without_a_content_column_qualify_a_model_whose_rules_name_no_content(tmp_path) -> None:
    rules_ = rules_of(tmp_path, "scoring_models:\n  - name: 评分\n"
                                "    behaviour_rules: [{behaviour: 下载文件, points: 10}]\n"
                                "mql_definition: {stage_label: MQL, min_score: 10}\n")
    people = [lead_with(Event(700, behaviour="下载文件"))]
    history = history_of(people)
    survivors, _ = resolve(rules_.identity, rules_.cleaning, history.records,
                           clean_people(rules_.cleaning, rules_.names, history.records))
    frame = pl.DataFrame({"person": [0], "at": [700], "behaviour": ["下载文件"]})

    (found,) = qualify_columns(rules_, survivors, frame, end_of_day(DAYS))

    assert found is not None and found.mql_at == 700 and found.at_mql.score == 10
