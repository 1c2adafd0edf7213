"""`mktctl test` end to end, through the real command: the starter test of `mktctl init` passes; a failing
expectation exits 1 with its position and explanation; --timeline, --output json and junit, --out; a
broken test file is reported like a broken playbook."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import RunMktctl

pytestmark = pytest.mark.e2e

FAILING = """\
name: 一个会失败的测试
start: 2026-03-02
people:
  - id: wang
    lead: {姓名: 王芳, 公司名称: 远航科技有限公司, 手机号: "13912340001", 省份: 上海, 线索来源: 官网}
    events:
      - {day: 0, time: "10:00", behaviour: 下载文件, content: 产品白皮书}
      - {day: 1, behaviour: 下载文件, content: 产品白皮书}
      - {day: 2, behaviour: 下载文件, content: 产品白皮书}
      - {day: 3, behaviour: 观看直播, content: 线上研讨会}
      - {day: 3, time: "11:00", set: {手机号: "13912349999"}}
expect:
  - {person: wang, day: 3, score: 25}
"""


@pytest.fixture
def playbook(tmp_path: Path, mktctl: RunMktctl) -> Path:
    """The playbook `mktctl init` writes, with only its starter test (the others: test_ready_playbook_tests.py)."""
    folder = tmp_path / "acme"
    assert mktctl("init", str(folder)).code == 0
    for test in (folder / "tests").glob("*.yaml"):
        if test.name != "starter.yaml":
            test.unlink()
    return folder


def test_the_starter_test_of_init_passes(playbook: Path, mktctl: RunMktctl) -> None:
    run = mktctl("test", str(playbook))

    assert run.code == 0, run.output
    assert run.stdout.splitlines() == ["✓ 白皮书下载后的培育路径 (tests/starter.yaml): 12 checks passed",
                                       "1 test(s), 12 checks: all passed"]
    recorded = json.loads((playbook / ".mktctl" / "test-results.json").read_text(encoding="utf-8"))
    assert recorded["passed"] is True and len(recorded["digest"]) > 10


def test_a_failing_expectation_exits_1_with_its_position_and_explanation(playbook: Path, mktctl: RunMktctl) -> None:
    (playbook / "tests" / "failing.yaml").write_text(FAILING, encoding="utf-8")

    run = mktctl("test", "--test", "failing", cwd=playbook)

    assert run.code == 1, run.output
    assert run.stdout.splitlines() == [
        "✗ 一个会失败的测试 (tests/failing.yaml): 1 of 1 checks failed",
        "tests/failing.yaml:13:35: wang day 3: score want 25, got 20",
        "    下载文件 产品白皮书 +5 ×3, capped at 10; 观看直播 线上研讨会 +10",
        "1 of 1 test(s) failed (1 of 1 checks)",
    ]


def test_the_timeline_shows_a_person_day_by_day_with_personal_data_masked(playbook: Path, mktctl: RunMktctl) -> None:
    (playbook / "tests" / "failing.yaml").write_text(FAILING, encoding="utf-8")

    run = mktctl("test", str(playbook), "--test", "一个会失败的测试", "--timeline", "wang")

    lines = run.stdout.splitlines()
    assert lines[0] == "wang in 一个会失败的测试 (tests/failing.yaml), day 0 = 2026-03-02"
    assert "  day 3 (2026-03-05)" in lines
    assert "    09:00  score 线索培育评分 10 → 20: 观看直播 线上研讨会 +10  ← scoring_models/线索培育评分" in lines
    assert "    11:00  field mobile = +861****9999  ← day 3 11:00 set mobile=139****9999" in lines
    assert "13912349999" not in run.output


def test_json_and_junit_outputs_for_ci(playbook: Path, mktctl: RunMktctl) -> None:
    (playbook / "tests" / "failing.yaml").write_text(FAILING, encoding="utf-8")

    as_json = mktctl("test", str(playbook), "--output", "json")
    junit = mktctl("test", str(playbook), "--output", "junit", "--out", "report.xml", cwd=playbook)

    report = json.loads(as_json.stdout)
    assert as_json.code == 1 and report["passed"] is False
    assert report["checks"] == 13 and report["failed_checks"] == 1
    failed = [c for t in report["tests"] for c in t["checks"] if not c["passed"]]
    assert [(c["file"], c["line"], c["want"], c["got"]) for c in failed] == [("tests/failing.yaml", 13, "25", "20")]
    assert junit.code == 1 and junit.stdout.strip() == "1 of 2 test(s) failed (1 of 13 checks)"
    suites = ET.parse(playbook / "report.xml").getroot()
    assert suites.get("tests") == "13" and suites.get("failures") == "1"
    failure = suites.find(".//failure")
    assert failure is not None and failure.get("message") == \
        "tests/failing.yaml:13:35: wang day 3: score want 25, got 20"


def test_a_broken_test_file_is_reported_like_a_broken_playbook(playbook: Path, mktctl: RunMktctl) -> None:
    (playbook / "tests" / "broken.yaml").write_text(
        "name: 坏\nstart: 2026-03-02\npeople:\n  - {id: wang, events: [{day: 1, behaviour: 下载文档}]}\n",
        encoding="utf-8")

    run = mktctl("test", str(playbook))

    assert run.code == 1
    assert run.stderr.splitlines() == [
        "tests/broken.yaml:4:45: error: unknown behaviour '下载文档'; did you mean '下载文件'?", "1 error found"]


def test_an_unknown_test_or_person_gets_a_suggestion(playbook: Path, mktctl: RunMktctl) -> None:
    run = mktctl("test", str(playbook), "--timeline", "wnag")

    assert run.code == 1
    assert run.stderr.splitlines() == ["error: no test person 'wnag'", "hint: did you mean 'wang'?"]


def test_its_help_imports_no_more_heavy_libraries_than_validates() -> None:
    import subprocess
    import sys

    from tests.cli.test_startup import HEAVY

    def heavy(command: str) -> tuple[str, set[str]]:
        probe = (f"import sys\nfrom mktctl.cli.main import main\nmain([{command!r}, '--help'])\n"
                 "print(','.join(sorted({m.split('.')[0] for m in sys.modules})))")
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        return done.stdout, set(done.stdout.strip().splitlines()[-1].split(",")) & HEAVY

    help_text, imported = heavy("test")

    assert "--timeline" in help_text and "--output" in help_text
    assert imported <= heavy("validate")[1]


def test_output_takes_table_json_or_junit_and_nothing_else(capsys, tmp_path, monkeypatch) -> None:
    from mktctl.cli.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["test", "--help"]) == 0
    assert "-o, --output <table|json|junit>" in capsys.readouterr().out

    assert main(["test", "--output", "markdown"]) == 2
    assert "'markdown' is not one of 'table', 'json', 'junit'." in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
