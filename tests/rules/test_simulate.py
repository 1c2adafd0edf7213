"""mktctl simulate's core over a small history computed by hand: the per-person results, every lead row and
event row accounted for, rejected event rows with their row and column, and the summary's numbers."""

from __future__ import annotations

import polars as pl
import pytest

from mktctl.errors import DataFileError
from mktctl.rules.simulate import SimulateOptions, simulate
from tests.rules.helpers import write_playbook

PLAYBOOK = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 下载文件, points: 10}
      - {behaviour: 观看直播, points: 25}
    thresholds: [{name: 温, score: 10}, {name: 热, score: 30}]
mql_definition: {stage_label: MQL, min_score: 30}
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1", "S2"], method: 轮流分配}]
segments:
  - {name: 下载者, conditions: [{behaviour: 下载文件}], refresh: 每天}
nurture_flows:
  - name: 欢迎
    trigger: {type: 进入人群, segment: 下载者}
    steps:
      - {id: 欢迎邮件, type: 发送邮件, subject: "{客户姓名}，您好", template: 欢迎}
lead_follow_up_sla:
  - {name: 两天未跟进, idle_days: 2}
basic_settings:
  company: {name: 示例科技有限公司}
  attribution: {model: 线性, window_days: 30}
"""
LEADS = """\
姓名,公司名称,手机号,省份,创建时间
王芳,远航科技有限公司,13912340001,上海,2026-03-02 09:00
李雷,星河制造有限公司,13912340002,广东,2026-03-02 10:00
赵敏,蓝海零售有限公司,13912340003,北京,2026/3/3 09:00
测试,测试公司,13912340004,上海,2026-03-02 09:00
王芳,远航科技有限公司,139 1234 0001,上海,2026-03-04 09:00
"""
EVENTS = """\
手机号,邮箱,行为时间,行为,内容,来源,市场活动,转化
13912340001,,2026-03-02 10:00,下载文件,产品白皮书,官网,白皮书推广,
+86 139 1234 0001,,2026-03-02 11:00,观看直播,线上研讨会,百度推广,春季投放,
13912340002,,2026-03-03 10:00,下载文件,,,,
13912340001,,2026-03-05 10:00,,,,,商机
13712345678,,2026-03-03 10:00,下载文件,,,,
13912340004,,2026-03-03 10:00,下载文件,,,,
13912340002,,昨天,下载文件,,,,
13912340003,,2026-03-03 10:00,下载文档,,,,
"""


@pytest.fixture(scope="module")
def simulation(tmp_path_factory):
    folder = tmp_path_factory.mktemp("simulate")
    write_playbook(folder / "playbook", PLAYBOOK)
    (folder / "leads.csv").write_text(LEADS, encoding="utf-8")
    (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
    work = folder / "work"
    work.mkdir()
    return simulate(folder / "playbook", folder / "leads.csv", folder / "events.csv", work,
                    SimulateOptions(processes=0))


def person(simulation, row: int) -> dict:
    return simulation.people.filter(pl.col("row") == row).to_dicts()[0]


def test_the_clock_runs_from_the_first_day_of_the_history_to_its_last(simulation) -> None:
    assert simulation.start.isoformat() == "2026-03-02"
    assert simulation.days == 3
    assert simulation.summary["end"] == "2026-03-05"


def test_each_person_ends_with_the_state_the_rules_give_them(simulation) -> None:
    wang, li, zhao = person(simulation, 2), person(simulation, 3), person(simulation, 4)

    assert (wang["score"], wang["grade"], wang["mql"], wang["mql_day"]) == (35, "热", True, 0)
    assert (li["score"], li["grade"], li["mql"]) == (10, "温", False)
    assert (zhao["score"], zhao["grade"]) == (0, None)
    assert [wang["owner"], li["owner"], zhao["owner"]] == ["S1", "S2", "S1"]  # round robin in creation order
    assert wang["segments"] == "下载者" and wang["flows"] == "欢迎" and wang["messages_sent"] == 1
    assert zhao["segments"] == "" and zhao["messages_sent"] == 0
    assert (wang["reminders"], wang["converted"]) == (1, "商机")


def test_every_lead_row_is_accounted_for_with_its_status_and_person(simulation) -> None:
    statuses = {r["row"]: (r["status"], r["reason"], r["person"]) for r in simulation.people.to_dicts()}

    assert statuses == {2: ("person", "", 2), 3: ("person", "", 3), 4: ("person", "", 4),
                        5: ("rejected", "test_data", None), 6: ("duplicate", "duplicate", 2)}


def test_every_event_row_is_accounted_for_and_a_rejected_row_names_its_column(simulation) -> None:
    events = {r["row"]: r for r in simulation.events.to_dicts()}

    assert sorted(events) == list(range(2, 10))
    assert {row: events[row]["status"] for row in events} == {
        2: "applied", 3: "applied", 4: "applied", 5: "applied", 6: "unmatched", 7: "lead_rejected", 8: "rejected",
        9: "rejected"}
    assert [events[row]["person"] for row in (2, 3, 4, 5)] == [2, 2, 3, 2]  # +86 139 1234 0001 is 王芳's mobile
    assert (events[8]["reason"], events[8]["column"]) == ("invalid_time", "行为时间")
    assert (events[9]["reason"], events[9]["column"]) == ("unknown_behaviour", "行为")
    assert "did you mean '下载文件'?" in events[9]["detail"]


def test_the_summary_counts_what_the_thresholds_do(simulation) -> None:
    s = simulation.summary

    assert s["leads"] | {"file": None} == {"rows": 5, "person": 3, "duplicate": 1, "merged": 0, "rejected": 1,
                                           "people": 3, "reasons": {"test_data": 1}, "file": None}
    assert {k: s["events"][k] for k in ("rows", "applied", "rejected", "unmatched", "lead_rejected")} == {
        "rows": 8, "applied": 4, "rejected": 2, "unmatched": 1, "lead_rejected": 1}
    assert s["events"]["reasons"] == {"invalid_time": 1, "unknown_behaviour": 1}
    assert [(b["from"], b["people"]) for b in s["scores"]["histogram"]] == [(0, 1), (10, 1), (20, 0), (30, 1)]
    assert s["thresholds"] == [
        {"name": "温", "score": 10, "reached": 2, "rate": 0.6667, "within_10_below": 1},
        {"name": "热", "score": 30, "reached": 1, "rate": 0.3333, "within_10_below": 0}]
    assert {g["name"]: g["people"] for g in s["grades"]} == {"(none)": 1, "温": 1, "热": 1}
    assert (s["mql"]["people"], s["mql"]["rate"]) == (1, 0.3333)
    assert [(o["owner"], o["leads"]) for o in s["owners"]] == [("S1", 2), ("S2", 1)]
    assert s["segments"] == [{"name": "下载者", "people": 2, "rate": 0.6667}]


def test_the_summary_counts_flow_steps_reminders_and_attribution_credit(simulation) -> None:
    s = simulation.summary

    (flow,) = s["flows"]
    assert (flow["flow"], flow["entries"], flow["people"]) == ("欢迎", 2, 2)
    assert flow["steps"] == [{"step": "欢迎邮件", "visits": 2, "people": 2, "sent": 2, "not_sent": 0}]
    assert s["reminders"] == [{"sla": "两天未跟进", "reminders": 3, "people": 3, "recycled": 0}]
    attribution = s["attribution"]
    assert attribution["conversions"] == {"商机": 1}
    assert attribution["by_source"] == [{"name": "官网", "credit": 0.5}, {"name": "百度推广", "credit": 0.5}]
    assert attribution["by_campaign"] == [{"name": "春季投放", "credit": 0.5}, {"name": "白皮书推广", "credit": 0.5}]


def test_english_headers_are_read_and_an_event_without_a_person_is_rejected_at_its_key_column(tmp_path) -> None:
    write_playbook(tmp_path / "playbook", PLAYBOOK)
    (tmp_path / "leads.csv").write_text(LEADS, encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "Mobile,Email,Time,Behaviour,Content,Conversion\n"
        "13912340001,,2026-03-02 10:00,下载文件,,\n"
        ",,2026-03-02 10:00,下载文件,,\n"
        "13912340002,,2026-03-02 12:00,,,成交\n", encoding="utf-8")
    (tmp_path / "work").mkdir()

    result = simulate(tmp_path / "playbook", tmp_path / "leads.csv", tmp_path / "events.csv", tmp_path / "work",
                      SimulateOptions(processes=0))

    rows = {r["row"]: (r["status"], r["reason"], r["column"]) for r in result.events.to_dicts()}
    assert rows == {2: ("applied", "", ""), 3: ("rejected", "missing_key", "Mobile"),
                    4: ("rejected", "unknown_conversion", "Conversion")}


def test_an_events_file_without_a_time_column_is_refused_with_its_headers(tmp_path) -> None:
    write_playbook(tmp_path / "playbook", PLAYBOOK)
    (tmp_path / "leads.csv").write_text(LEADS, encoding="utf-8")
    (tmp_path / "events.csv").write_text("手机号,行为\n13912340001,下载文件\n", encoding="utf-8")
    (tmp_path / "work").mkdir()

    with pytest.raises(DataFileError, match="行为时间"):
        simulate(tmp_path / "playbook", tmp_path / "leads.csv", tmp_path / "events.csv", tmp_path / "work",
                 SimulateOptions(processes=0))


def test_when_both_files_are_broken_the_lead_file_is_reported_first(tmp_path) -> None:
    write_playbook(tmp_path / "playbook", PLAYBOOK)
    (tmp_path / "leads.csv").write_text("备注\n无关\n", encoding="utf-8")  # the events are read meanwhile
    (tmp_path / "events.csv").write_text("手机号,行为\n13912340001,下载文件\n", encoding="utf-8")
    (tmp_path / "work").mkdir()

    with pytest.raises(DataFileError) as refused:
        simulate(tmp_path / "playbook", tmp_path / "leads.csv", tmp_path / "events.csv", tmp_path / "work",
                 SimulateOptions(processes=0))

    assert "leads.csv" in str(refused.value) and "行为时间" not in str(refused.value)


def test_an_events_file_with_its_header_only_simulates_the_leads_alone(tmp_path) -> None:
    write_playbook(tmp_path / "playbook", PLAYBOOK)
    (tmp_path / "leads.csv").write_text(LEADS, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS.splitlines()[0] + "\n", encoding="utf-8")
    (tmp_path / "work").mkdir()

    result = simulate(tmp_path / "playbook", tmp_path / "leads.csv", tmp_path / "events.csv", tmp_path / "work",
                      SimulateOptions(processes=0))

    assert result.events.height == 0 and result.summary["events"]["rows"] == 0
    assert result.summary["leads"]["people"] == 3 and result.summary["mql"]["people"] == 0


def test_a_history_whose_every_lead_is_rejected_is_accounted_for_row_by_row(tmp_path) -> None:
    write_playbook(tmp_path / "playbook", PLAYBOOK)
    (tmp_path / "leads.csv").write_text(LEADS.splitlines()[0] + "\n" + LEADS.splitlines()[4] + "\n",
                                        encoding="utf-8")  # 测试: test data
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    (tmp_path / "work").mkdir()

    result = simulate(tmp_path / "playbook", tmp_path / "leads.csv", tmp_path / "events.csv", tmp_path / "work",
                      SimulateOptions(processes=0))

    assert result.people.select("row", "status", "reason").rows() == [(2, "rejected", "test_data")]
    assert result.summary["leads"]["people"] == 0 and result.summary["mql"]["rate"] == 0
    assert result.events.height == 8


def test_the_cycle_collector_is_paused_for_the_run_and_resumes_after_it(tmp_path, monkeypatch) -> None:
    import gc

    from mktctl.rules import simulate as module

    seen = []
    real = module.run_batch
    monkeypatch.setattr(module, "run_batch", lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    write_playbook(tmp_path / "playbook", PLAYBOOK)
    (tmp_path / "leads.csv").write_text(LEADS, encoding="utf-8")
    (tmp_path / "bad.csv").write_text("没有时间\n1\n", encoding="utf-8")

    simulate(tmp_path / "playbook", tmp_path / "leads.csv", None, tmp_path, SimulateOptions(processes=0))
    assert seen == [False]
    assert gc.isenabled()
    with pytest.raises(DataFileError):
        simulate(tmp_path / "playbook", tmp_path / "leads.csv", tmp_path / "bad.csv", tmp_path,
                 SimulateOptions(processes=0))
    assert gc.isenabled()


def test_identities_follow_the_first_day_of_the_events_when_it_comes_before_the_leads(tmp_path) -> None:
    # a lead without 创建时间 is created at 09:00 of day 0: when the events start two days before the leads,
    # that is before 李雷's 08:00, and 李雷 (the same company) merges into 王芳, not the other way round
    write_playbook(tmp_path / "playbook",
                   "lead_cleaning:\n  duplicate_rules: [{match: [company], action: 合并到已有线索}]\n")
    (tmp_path / "leads.csv").write_text("姓名,公司名称,手机号,创建时间\n王芳,远航科技有限公司,13912340001,\n"
                                        "李雷,远航科技有限公司,13912340002,2026-03-03 08:00\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text("手机号,行为时间,行为\n13912340002,2026-03-01 10:00,下载文件\n",
                                         encoding="utf-8")
    options = SimulateOptions(processes=0)

    later = simulate(tmp_path / "playbook", tmp_path / "leads.csv", None, tmp_path, options)
    earlier = simulate(tmp_path / "playbook", tmp_path / "leads.csv", tmp_path / "events.csv", tmp_path, options)

    assert later.start.isoformat() == "2026-03-03"  # the leads alone: 王芳 at 09:00, after 李雷
    assert later.people.select("row", "status").rows() == [(2, "merged"), (3, "person")]
    assert earlier.start.isoformat() == "2026-03-01"
    assert earlier.people.select("row", "status").rows() == [(2, "person"), (3, "merged")]
