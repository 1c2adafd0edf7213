"""Test files: the format, failures with their position and explanation, and broken files reported like
broken playbooks (every problem at once, file:line:col, did-you-mean)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mktctl.errors import MktctlError, PlaybookError
from mktctl.rules.compile import Rules
from mktctl.rules.testing import TestReport, load_tests, run_tests
from tests.rules.helpers import rules_of

PLAYBOOK = """\
scoring_models:
  - name: 线索评分
    behaviour_rules:
      - {behaviour: 下载文件, content: 产品白皮书, points: 5, cap: 10}
      - {behaviour: 观看直播, points: 10}
    thresholds: [{name: MQL, score: 20}]
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1"]}]
lead_follow_up_sla:
  - {name: 线索跟进提醒, idle_days: 3}
tags:
  - name: 兴趣
    values: [白皮书]
    rules: [{value: 白皮书, conditions: [{behaviour: 下载文件}]}]
"""


def write_test(folder: Path, text: str, name: str = "scoring.yaml") -> None:
    (folder / "tests").mkdir(parents=True, exist_ok=True)
    (folder / "tests" / name).write_text(textwrap.dedent(text), encoding="utf-8")


def run_folder(tmp_path: Path, text: str) -> tuple[Rules, TestReport]:
    rules = rules_of(tmp_path, PLAYBOOK)
    write_test(tmp_path, text)
    return rules, run_tests(rules, load_tests(tmp_path, rules))


WANG = """\
    name: 评分
    start: 2026-03-02
    people:
      - id: wang
        lead: {姓名: 王芳, 公司名称: 远航科技有限公司, 手机号: "13912340001"}
        events:
          - {day: 0, time: "10:00", behaviour: 下载文件, content: 产品白皮书}
          - {day: 1, behaviour: 下载文件, content: 产品白皮书}
          - {day: 2, behaviour: 下载文件, content: 产品白皮书}
          - {day: 3, time: "14:00", behaviour: 观看直播}
    expect:
"""


def test_a_passing_test_file(tmp_path) -> None:
    _, report = run_folder(tmp_path, WANG + """\
          - {person: wang, day: 3, score: 20, grade: MQL, owner: S1, tags: [兴趣:白皮书]}
          - {person: wang, day: 3, time: "13:59", score: {线索评分: 10}}
          - {person: wang, reminders: [{sla: 线索跟进提醒, day: 3}], not_reminders: [{sla: 线索跟进提醒, day: 2}]}
        """)

    assert report.passed
    assert report.counts == {"tests": 1, "failed_tests": 0, "checks": 7, "failed_checks": 0}


def test_a_failure_is_positioned_and_explained(tmp_path) -> None:
    _, report = run_folder(tmp_path, WANG + """\
          - {person: wang, day: 3, score: 25}
        """)

    (failure,) = report.results[0].failures
    assert failure.message == "tests/scoring.yaml:12:39: wang day 3: score want 25, got 20"
    assert failure.explanation == ["下载文件 产品白皮书 +5 ×3, capped at 10; 观看直播 +10"]


def test_a_day_without_a_time_is_the_end_of_that_day(tmp_path) -> None:
    _, report = run_folder(tmp_path, WANG + """\
          - {person: wang, day: 3, time: "09:00", score: 10}
          - {person: wang, day: 3, score: 20}
        """)

    assert report.passed


def test_list_expectations_include_and_not_expectations_exclude(tmp_path) -> None:
    _, report = run_folder(tmp_path, WANG + """\
          - {person: wang, tags: [兴趣:白皮书, 白皮书], not_tags: [兴趣:白皮书]}
        """)

    (failure,) = report.results[0].failures
    assert failure.message == "tests/scoring.yaml:12:55: wang: not_tags want none of 兴趣:白皮书, got 兴趣:白皮书"
    assert failure.explanation[0].startswith("day 0 10:00 tag + 兴趣:白皮书  ← tags/兴趣 rule 1: 下载文件 ✓")


def test_a_broken_test_file_gets_every_problem_at_its_position(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)
    write_test(tmp_path, """\
        name: 坏的
        start: 2026-03-02
        peeple: []
        people:
          - id: wang
            lead: {姓名: 王芳}
            events:
              - {day: 1, behaviour: 下载文档}
              - {day: 2, time: "25:00", behaviour: 观看直播}
              - {day: x, follow_up: true}
        expect:
          - {person: wnag, score: 5}
          - {person: wang, reminders: [{sla: 线索跟进}], tags: [兴趣:白皮]}
          - {person: wang, scroe: 5}
        """)

    with pytest.raises(PlaybookError) as raised:
        load_tests(tmp_path, rules)

    assert [str(p) for p in raised.value.problems] == [
        "tests/scoring.yaml:3:1: unknown key 'peeple' in a test file; did you mean 'people'?",
        "tests/scoring.yaml:8:29: unknown behaviour '下载文档'; did you mean '下载文件'?",
        "tests/scoring.yaml:9:24: '25:00' is not a time of day such as 09:30",
        "tests/scoring.yaml:10:15: day is a whole number ≥ 0, not 'x'",
        "tests/scoring.yaml:12:14: unknown test person 'wnag'; did you mean 'wang'?",
        "tests/scoring.yaml:13:38: unknown reminder '线索跟进'; did you mean '线索跟进提醒'?",
        "tests/scoring.yaml:13:53: unknown 兴趣 value '白皮'; did you mean '白皮书'?",
        "tests/scoring.yaml:14:20: unknown key 'scroe' in an expectation; did you mean 'score'?",
    ]


def test_an_expectation_without_anything_to_check_says_what_it_can_check(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)
    write_test(tmp_path, WANG + "      - {person: wang, day: 2}\n")

    with pytest.raises(PlaybookError) as raised:
        load_tests(tmp_path, rules)

    assert [str(p) for p in raised.value.problems] == [
        "tests/scoring.yaml:12:5: an expectation needs something to check: score, grade, mql, owner, pool, tags, "
        "not_tags, segments, not_segments, stage, received, not_received, rejected, merged_into, reminders, "
        "not_reminders, attribution, fields"]


def test_a_yaml_syntax_error_is_positioned(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)
    write_test(tmp_path, "name: x\npeople: [\n")

    with pytest.raises(PlaybookError) as raised:
        load_tests(tmp_path, rules)

    assert str(raised.value.problems[0]).startswith("tests/scoring.yaml:3:1: YAML syntax error")


def test_no_tests_folder_is_an_error_with_a_hint(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)

    with pytest.raises(MktctlError) as raised:
        load_tests(tmp_path / "playbook", rules)

    assert str(raised.value).startswith("no tests in ")
    assert raised.value.hint is not None and "`mktctl init` writes a starter test" in raised.value.hint


def test_one_test_is_chosen_by_name_or_file_with_did_you_mean(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)
    write_test(tmp_path, WANG + "      - {person: wang, score: 20}\n")

    assert [c.name for c in load_tests(tmp_path, rules, "评分")] == ["评分"]
    assert [c.name for c in load_tests(tmp_path, rules, "scoring")] == ["评分"]
    with pytest.raises(MktctlError, match="no test named 'scorng'") as raised:
        load_tests(tmp_path, rules, "scorng")
    assert raised.value.hint == "did you mean 'scoring'?"
