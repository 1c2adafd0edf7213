"""Every ready playbook carries tests of what its rules do (tests/*.yaml), `mktctl init` copies them, and
they pass under the real `mktctl test`; what each tests is in the playbooks' README."""

from __future__ import annotations

import json

import pytest

from mktctl.playbook.starter import templates
from tests.playbooks.test_ready_playbooks import PLAYBOOKS, READY, ok

# what each ready playbook's tests must cover, as the names of its test files
COVERED = {
    "standard": {"starter.yaml", "评分与分级.yaml", "白皮书培育流程.yaml", "高分线索分配与跟进提醒.yaml"},
    "flagship": {"标签规则与培育邮件.yaml", "高分线索分配与跟进提醒.yaml", "线索清洗_MQL与归因.yaml"},
    "overseas-ads": {"lead-sync-and-english-nurture.yaml"},
    "wecom-private-domain": {"企微新客户自动打标签.yaml", "沉默会员唤醒.yaml"},
}


def test_every_ready_playbook_has_tests() -> None:
    assert set(COVERED) == set(READY) == set(templates())
    for name, files in COVERED.items():
        assert {p.name for p in (PLAYBOOKS / name / "tests").glob("*.yaml")} == files, name


@pytest.mark.e2e
@pytest.mark.parametrize("name", READY)
def test_the_tests_of_each_ready_playbook_pass_in_a_new_folder(tmp_path, mktctl, name) -> None:
    folder = tmp_path / name
    ok(mktctl("init", "--template", name, str(folder)))

    run = ok(mktctl("test", cwd=folder))

    copied = sorted(p.name for p in (folder / "tests").glob("*.yaml"))
    assert copied == sorted(COVERED[name])
    assert run.stdout.splitlines()[-1].endswith("checks: all passed"), run.output
    assert run.stdout.count("✓ ") == len(copied), run.output
    recorded = json.loads((folder / ".mktctl" / "test-results.json").read_text(encoding="utf-8"))
    assert recorded["passed"] is True and recorded["tests"] and recorded["failed_checks"] == 0


@pytest.mark.parametrize("name", READY)
def test_the_test_files_speak_the_platforms_words(name) -> None:
    for path in (PLAYBOOKS / name / "tests").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "seed" not in text.lower(), path  # client-facing: the practice, in the platform's words
        assert text.startswith("# "), f"{path}: say what the test shows in a comment first"


def test_the_readme_lists_the_tests_of_each_ready_playbook() -> None:
    readme = (PLAYBOOKS / "README.md").read_text(encoding="utf-8")

    for name, files in COVERED.items():
        for file in files:
            assert f"`{name}/tests/{file}`" in readme, file
