"""simulate gives every person what the `mktctl test` engine gives: generated lead files and event files
(keys spelt either way, events by mobile or e-mail, in any order, some of them broken) go through
`simulate`, and the same people and events, built by hand as test people, go through `run_people`; each
person's score, grade, MQL, owner, pool, tags, segments, stage and flows entered are the same, and every
event row is accounted for, a broken one with its row and column."""

from __future__ import annotations

import csv
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.rules import Clock, run_people
from mktctl.rules.clock import DAY, end_of_day
from mktctl.rules.compile import Rules
from mktctl.rules.model import FLOW_ENTERED, Event, PersonInput
from mktctl.rules.simulate import SimulateOptions, simulate
from mktctl.rules.snapshot import snapshot
from tests.rules.helpers import START, rules_of, write_playbook

PLAYBOOK = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, points: 10}
      - {behaviour: 观看直播, points: 15, cap: 30}
      - {behaviour: 打开邮件, points: 2}
    decay: {inactive_days: 3, percent: 50}
    thresholds: [{name: 温, score: 10}, {name: 热, score: 25}]
mql_definition: {stage_label: MQL, min_score: 25, hand_off: 交接}
lead_assignment:
  - name: 分配
    rules:
      - {name: 上海, when: {regions: [上海]}, owners: ["S1", "S2", "S3"], method: 轮流分配}
      - {name: 广东, when: {regions: [广东]}, owners: ["S1", "S2"], method: 按负载分配}
      - {name: 其他, owners: ["S2", "S3"], method: 随机分配}
  - name: 交接
    rules: [{name: 全部, owners: ["S3", "S1"], method: 轮流分配}]
tags:
  - name: 地区
    values: [华东, 华南]
    multiple: false
    rules:
      - {value: 华东, conditions: [{field: 省份, op: 属于, value: [上海, 江苏]}]}
      - {value: 华南, conditions: [{field: 省份, op: 属于, value: [广东]}]}
  - name: 兴趣
    values: [白皮书, 活跃]
    rules:
      - {value: 白皮书, conditions: [{behaviour: 下载文件, content: 产品白皮书}]}
      - {value: 活跃, conditions: [{behaviour: 打开邮件, times: 2, within_days: 3}]}
segments:
  - {name: 下载者, conditions: [{behaviour: 下载文件}], refresh: 每天}
  - {name: 华南, conditions: [{tag: 地区:华南}], refresh: 每小时}
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 2, purchases_max: 0}
  - {name: 成长期, order: 2, purchases_min: 1}
  - {name: 沉睡期, order: 3, inactive_days: 4}
nurture_flows:
  - name: 欢迎
    trigger: {type: 进入人群, segment: 下载者}
    steps:
      - {id: 欢迎邮件, type: 发送邮件, subject: "{客户姓名}，您好", template: 欢迎}
lead_follow_up_sla:
  - {name: 一天未跟进, idle_days: 1, repeat_every_days: 1}
basic_settings:
  company: {name: 示例科技有限公司}
  attribution: {model: 线性, window_days: 10}
"""
DAYS = 6
NAMES = ["王芳", "李雷", "赵敏", "测试"]  # 测试 is test data: rejected by leads check and by the engine
HAPPENINGS = [{"行为": "下载文件", "内容": "产品白皮书"}, {"行为": "下载文件", "内容": "行业报告"},
              {"行为": "观看直播", "内容": "线上研讨会", "来源": "百度推广", "市场活动": "春季投放"},
              {"行为": "打开邮件", "内容": "欢迎"}, {"行为": "退订", "渠道": "邮件"}, {"跟进": "是"},
              {"转化": "商机"}, {"转化": "订单", "来源": "官网"}]
BROKEN = [({"行为": "下载文档"}, "unknown_behaviour", "行为"), ({"time": "昨天"}, "invalid_time", "行为时间"),
          ({"key": ""}, "missing_key", "手机号")]
LEAD_HEADERS = ["姓名", "公司名称", "手机号", "邮箱", "省份", "创建时间"]
EVENT_HEADERS = ["手机号", "邮箱", "行为时间", "行为", "内容", "渠道", "来源", "市场活动", "转化", "跟进"]
SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])

lead = st.fixed_dictionaries({"name": st.sampled_from(NAMES), "province": st.sampled_from(["上海", "广东", "北京"]),
                              "day": st.integers(0, 2), "minute": st.sampled_from([540, 600, 845])})
event = st.fixed_dictionaries({"lead": st.integers(0, 5), "by_email": st.booleans(), "spaced": st.booleans(),
                               "day": st.integers(0, DAYS + 1), "minute": st.sampled_from([0, 600, 601, 1439]),
                               "what": st.sampled_from(HAPPENINGS), "broken": st.sampled_from([None, None, *BROKEN])})


@cache
def rules() -> Rules:
    return rules_of(Path(tempfile.mkdtemp(prefix="mktctl-equivalence-")), PLAYBOOK)


def mobile(index: int, spaced: bool = False) -> str:
    digits = f"1391234{index:04d}"
    return f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}" if spaced else digits


def time_text(day: int, minute: int) -> str:
    return f"2026-03-{START.day + day:02d} {minute // 60:02d}:{minute % 60:02d}"


def event_row(item: dict, leads: int) -> dict[str, str]:
    index = item["lead"]  # past the leads: a person the lead file does not have
    row = {"手机号": "" if item["by_email"] else mobile(index, item["spaced"]),
           "邮箱": f"P{index}@Example-Corp.cn" if item["by_email"] else "",
           "行为时间": time_text(item["day"], item["minute"]), **item["what"]}
    if item["broken"] is not None:
        change = item["broken"][0]
        if "time" in change:
            row["行为时间"] = change["time"]
        elif "key" in change:
            row["手机号"] = row["邮箱"] = ""
        else:
            row.update(change)
    return row


def write(path: Path, headers: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, headers, restval="")
        writer.writeheader()
        writer.writerows(rows)


def as_test_people(leads: list[dict], events: list[dict]) -> list[PersonInput]:
    """The same history as test people: fields as a test file writes them, each person's events in the
    order of the file within a minute."""
    people = []
    for index, item in enumerate(leads):
        mine = [e for e in events if e["lead"] == index and e["broken"] is None]
        happened = [Event(e["day"] * DAY + e["minute"], behaviour=e["what"].get("行为"), content=e["what"].get("内容"),
                          channel=e["what"].get("渠道"), source=e["what"].get("来源"),
                          campaign=e["what"].get("市场活动"), follow_up="跟进" in e["what"],
                          converted=e["what"].get("转化")) for e in mine]
        fields = {"姓名": item["name"], "公司名称": f"公司{index}有限公司", "手机号": mobile(index),
                  "邮箱": f"p{index}@example-corp.cn", "省份": item["province"]}
        people.append(PersonInput(str(index + 2), fields, item["day"] * DAY + item["minute"],
                                  tuple(sorted(happened, key=lambda e: e.at))))
    return people


def final_state(result) -> dict:
    state = snapshot(result, 10**12)
    flows = dict.fromkeys(c.subject for c in result.timeline if c.kind == FLOW_ENTERED)
    return {"score": state.scores.get("评分", 0), "grade": state.grades.get("评分"), "mql": state.mql,
            "owner": state.owner, "pool": state.pool, "tags": "、".join(sorted(state.tags)),
            "segments": "、".join(sorted(state.segments)), "stage": state.stage, "flows": "、".join(sorted(flows))}


@SETTINGS
@given(st.lists(lead, min_size=1, max_size=5), st.lists(event, max_size=14))
def test_simulate_gives_each_person_what_the_test_engine_gives(leads, events) -> None:
    with tempfile.TemporaryDirectory(prefix="mktctl-equivalence-") as scratch:
        folder = Path(scratch)
        write_playbook(folder / "playbook", PLAYBOOK)
        write(folder / "leads.csv", LEAD_HEADERS, [
            {"姓名": item["name"], "公司名称": f"公司{index}有限公司", "手机号": mobile(index),
             "邮箱": f"p{index}@example-corp.cn", "省份": item["province"],
             "创建时间": time_text(item["day"], item["minute"])} for index, item in enumerate(leads)])
        write(folder / "events.csv", EVENT_HEADERS, [event_row(item, len(leads)) for item in events])
        (folder / "work").mkdir()

        simulation = simulate(folder / "playbook", folder / "leads.csv", folder / "events.csv", folder / "work",
                              SimulateOptions(start=START, days=DAYS, processes=0))

    world = run_people(rules(), as_test_people(leads, [e for e in events if e["lead"] < len(leads)]),
                       clock=Clock(START), until=end_of_day(DAYS))
    people = {str(row["row"]): row for row in simulation.people.to_dicts()}
    for person_id, result in world.people.items():
        row = people[person_id]
        if result.rejected:
            assert (row["status"], row["reason"]) == ("rejected", result.rejected)
            continue
        assert row["status"] == "person"
        got = {key: row[key] for key in ("score", "grade", "mql", "owner", "pool", "tags", "segments", "stage",
                                         "flows")}
        assert got == final_state(result), person_id

    rows = simulation.events.sort("row").to_dicts()
    assert [r["row"] for r in rows] == list(range(2, len(events) + 2))  # every row, once
    for item, row in zip(events, rows, strict=True):
        if item["broken"] is not None:
            assert (row["status"], row["reason"], row["column"]) == ("rejected", *item["broken"][1:])
        elif item["lead"] >= len(leads):
            assert row["status"] == "unmatched"
        elif leads[item["lead"]]["name"] == "测试":
            assert row["status"] == "lead_rejected"
        elif item["day"] > DAYS:
            assert row["status"] == "after_period"
        else:
            assert (row["status"], row["person"]) == ("applied", item["lead"] + 2)

