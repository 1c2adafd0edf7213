"""The outcome of `mktctl test` in the deliverables: kept with the playbook's digest, it makes the checklist's
3.1 tests of the rules done (passed), failed (with the failing count) or pending (not run for the playbook
as it is), and the delivery report shows the tests, their checks and each failure with its explanation, in
both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from mktctl.deliver import report
from mktctl.deliver.checklist import open_checklist, rules_tests_item, to_markdown
from mktctl.deliver.test_results import read_test_results
from mktctl.engine.session import execute, open_session
from mktctl.playbook.load import load_playbook
from mktctl.rules.testing import record, run_playbook_tests
from tests.conftest import RunMktctl
from tests.deliver.conftest import GENERATOR, NOW
from tests.kinds.helpers_a import write_playbook

LEADS = """\
lead_pools:
  - {name: 市场线索池, admins: [M001], members: {departments: [销售部]}}
lead_cleaning:
  duplicate_rules: [{match: [mobile]}]
lead_assignment:
  - name: 分配
    rules:
      - {name: 华东, when: {regions: [上海]}, owners: [S001]}
      - {name: 其他, pool: 市场线索池}
"""
TEST = """\
# 分配: a lead from 上海 goes to S001, one from 广东 to the pool
name: 线索分配
start: 2026-03-02
people:
  - id: wang
    lead: {姓名: 王芳, 公司名称: 远航科技有限公司, 手机号: "13912340001", 省份: 上海}
  - id: zhou
    lead: {姓名: 周杰, 公司名称: 南方制造有限公司, 手机号: "13912340002", 省份: 广东}
expect:
  - {person: wang, day: 0, owner: S001}
  - {person: zhou, day: 0, owner: null, pool: 市场线索池}
"""


def playbook_with_tests(folder: Path, test: str = TEST) -> Path:
    write_playbook(folder, LEADS)
    (folder / "tests").mkdir()
    (folder / "tests" / "分配.yaml").write_text(test, encoding="utf-8")
    return folder


def run_tests(folder: Path, only: str | None = None) -> None:
    """What `mktctl test` does: run the tests and keep the outcome with the playbook's digest."""
    record(folder, run_playbook_tests(folder, only), NOW)


def digest(folder: Path) -> str:
    return load_playbook(folder)[0].digest()


def apply(folder: Path) -> None:
    session = open_session(folder)
    try:
        execute(session)
    finally:
        session.close()


# ---- the kept outcome ----------------------------------------------------------------------------------------


def test_without_tests_or_before_the_first_run_there_is_no_outcome(tmp_path) -> None:
    bare = write_playbook(tmp_path / "bare", LEADS)
    tested = playbook_with_tests(tmp_path / "tested")

    assert read_test_results(bare, digest(bare)).state == "no_tests"
    assert read_test_results(tested, digest(tested)).state == "not_run"


def test_a_passing_run_speaks_for_the_playbook_until_it_changes(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path)
    run_tests(folder)

    passed = read_test_results(folder, digest(folder))
    (folder / "mktctl.yaml").write_text((folder / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "regions: [上海]", "regions: [上海, 江苏]"), encoding="utf-8")
    changed = read_test_results(folder, digest(folder))

    assert (passed.state, passed.when, passed.tests, passed.checks, passed.failed_checks) == ("passed", NOW, 1, 3, 0)
    assert passed.current and passed.runs[0].file == "tests/分配.yaml"
    assert changed.state == "stale" and not changed.current


def test_a_run_of_some_of_the_tests_does_not_speak_for_all_of_them(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path)
    (folder / "tests" / "另一个.yaml").write_text(TEST.replace("name: 线索分配", "name: 另一个"), encoding="utf-8")
    run_tests(folder, only="另一个")

    assert read_test_results(folder, digest(folder)).state == "stale"


def test_a_failing_run_keeps_each_failure_with_its_explanation_and_personal_data_masked(tmp_path) -> None:
    failing = TEST.replace("{person: wang, day: 0, owner: S001}",
                           "{person: wang, day: 0, owner: S002, fields: {手机号: \"13912349999\"}}")
    folder = playbook_with_tests(tmp_path, failing)
    run_tests(folder)

    failed = read_test_results(folder, digest(folder))

    assert (failed.state, failed.checks, failed.failed_checks, failed.failed_tests) == ("failed", 4, 2, 1)
    first, second = failed.failures
    assert first.message == "tests/分配.yaml:10:35: wang day 0: owner want S002, got S001"
    assert first.explanation == ("day 0 09:00 owner S001  ← lead_assignment/分配 rule 华东 (轮流分配: turn 1)",)
    assert "13912349999" not in second.message and "139****9999" in second.message


def test_an_unreadable_outcome_counts_as_not_run(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path)
    (folder / ".mktctl").mkdir()
    (folder / ".mktctl" / "test-results.json").write_text("[1, 2", encoding="utf-8")

    assert read_test_results(folder, digest(folder)).state == "not_run"


# ---- the checklist -----------------------------------------------------------------------------------------------


RULES = rules_tests_item("zh-CN")


def rule_items(folder: Path) -> dict[str, tuple[str, str]]:
    checklist = open_checklist(folder)
    return {i.item: (i.status, i.detail) for i in checklist.section("test")
            if i.item == RULES or i.item.startswith("分配规则集")}


def test_the_checklist_follows_mktctl_test_for_the_playbook_as_it_is(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path)
    apply(folder)

    before = rule_items(folder)
    run_tests(folder)
    passed = rule_items(folder)
    (folder / "tests" / "分配.yaml").write_text(TEST.replace("owner: S001", "owner: S002"), encoding="utf-8")
    run_tests(folder)
    failed = rule_items(folder)

    assert {status for status, _ in before.values()} == {"pending"}
    assert before[RULES][1] == "运行 mktctl test（1 个测试文件）"
    assert passed[RULES] == ("done", f"mktctl test 通过（{NOW}）：1 个测试，3 项检查")
    assert {status for status, _ in passed.values()} == {"done"} and len(passed) == 3
    assert failed[RULES] == ("failed", f"mktctl test（{NOW}）：3 项检查中 1 项未通过；第一项："
                                       "tests/分配.yaml:10:35: wang day 0: owner want S002, got S001")
    assert {status for status, _ in failed.values()} == {"failed"}


def test_a_rule_not_yet_configured_waits_for_its_configuration_even_when_the_tests_pass(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path)
    run_tests(folder)

    items = rule_items(folder)

    assert items.pop(RULES)[0] == "done"
    assert set(items.values()) == {("pending", "待配置完成后进行")}


def test_a_failed_checklist_item_is_counted_and_shown_in_markdown(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path, TEST.replace("owner: S001", "owner: S002"))
    run_tests(folder)

    checklist = open_checklist(folder)

    assert checklist.count("failed") == 1
    assert checklist.summary().endswith(", 1 failed")
    assert f"| {RULES} | 3.1 | 失败 | 实施顾问 | mktctl test（{NOW}）：3 项检查中 1 项未通过" in \
        to_markdown(checklist).replace("\\|", "|")


# ---- the delivery report -----------------------------------------------------------------------------------------


def build(folder: Path, lang: str = "zh-CN") -> report.Report:
    playbook, warnings = load_playbook(folder)
    return report.build(playbook, warnings, lang=lang, generated_at=NOW, generator=GENERATOR)


def test_the_report_shows_passing_tests_and_ticks_their_checks(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path)
    run_tests(folder)

    built = build(folder)
    markdown = report.render(built, "markdown")

    assert built.tests.state == "passed"
    checks = {item.text: item.status for _title, items in built.checklist for item in items}
    assert checks["规则测试全部通过（mktctl test，方案指纹一致）"] == "done"
    assert checks["测试线索按分配规则进入正确的线索池和负责人"] == "done"
    assert "## 7. 规则测试（mktctl test）" in markdown and "## 8. 交付检查清单（指南第三章）" in markdown
    assert f"1 个测试、3 项检查全部通过（运行于 {NOW}，方案指纹一致）。" in markdown
    assert "| 线索分配 | tests/分配.yaml | 3 | 通过 |" in markdown
    assert not [text for _severity, text in built.issues if "mktctl test" in text]


@pytest.mark.parametrize(("lang", "summary", "heading", "issue"), [
    ("zh-CN", "1/3 项检查未通过", "### 未通过的检查及原因", ("error", "mktctl test：1/3 项检查未通过")),
    ("en", "1 of 3 checks failed", "### Failed checks and why", ("error", "mktctl test: 1 of 3 checks failed")),
])
def test_the_report_shows_each_failure_with_its_explanation(tmp_path, lang, summary, heading, issue) -> None:
    folder = playbook_with_tests(tmp_path, TEST.replace("owner: S001", "owner: S002"))
    run_tests(folder)

    built = build(folder, lang)
    markdown = report.render(built, "markdown")
    html = report.render(built, "html")

    assert issue in built.issues
    assert summary in markdown and heading in markdown
    assert "- `tests/分配.yaml:10:35: wang day 0: owner want S002, got S001`" in markdown
    assert "  day 0 09:00 owner S001  ← lead_assignment/分配 rule 华东 (轮流分配: turn 1)" in markdown
    assert "<code>tests/分配.yaml:10:35: wang day 0: owner want S002, got S001</code>" in html
    assert '<section id="tests">' in html and 'href="#tests"' in html


def test_the_report_says_when_the_results_are_out_of_date(tmp_path) -> None:
    folder = playbook_with_tests(tmp_path)
    run_tests(folder)
    (folder / "mktctl.yaml").write_text((folder / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "regions: [上海]", "regions: [上海, 江苏]"), encoding="utf-8")

    built = build(folder, "en")

    assert ("warning", f"the playbook changed since mktctl test last ran ({NOW}): the results are out of date") \
        in built.issues
    assert "The playbook or its tests changed since the last run" in report.render(built, "markdown")


@pytest.mark.e2e
def test_mktctl_test_then_checklist_and_report_through_the_real_commands(tmp_path, mktctl: RunMktctl) -> None:
    folder = playbook_with_tests(tmp_path)

    tested = mktctl("test", cwd=folder)
    checklist = mktctl("checklist", cwd=folder)
    written = mktctl("report", "--format", "markdown", "--out", "report.md", cwd=folder)

    assert tested.code == 0, tested.output
    assert checklist.code == 0, checklist.output
    assert f"| {RULES} | 3.1 | 完成 | 实施顾问 | mktctl test 通过（" in checklist.stdout
    assert written.code == 0, written.output
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "| 线索分配 | tests/分配.yaml | 3 | 通过 |" in text
    assert text.count("## 7. 规则测试（mktctl test）") == 1
