"""A playbook's `imports:` section: `mktctl apply` imports history lead files once per content."""

from __future__ import annotations

import json

import pytest

from mktctl.engine.session import open_session

pytestmark = pytest.mark.e2e

CSV = ("姓名,公司,手机,邮箱,线索来源\n"
       "张三,甲公司,13911110001,a@jia.cn,\n"
       "李四,乙公司,13911110002,,\n"
       "测试,测试公司,13800138000,,\n")


def lead_count(folder) -> int:
    session = open_session(folder)
    try:
        return len(list(session.tenant.client.crm_iter("LeadsObj")))
    finally:
        session.close()


def test_apply_imports_a_file_once_and_again_only_when_it_changes(tmp_path, mktctl) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leads.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "mktctl.yaml").write_text("version: 1\nimports:\n  - file: data/leads.csv\n    source: 线下展会\n",
                                          encoding="utf-8")

    planned = mktctl("plan", "--detailed-exitcode")
    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")

    assert planned.code == 2 and "+ imports/data/leads.csv" in planned.stdout
    assert applied.code == 0, applied.output
    assert again.code == 0, again.output
    assert lead_count(tmp_path) == 2  # the test row was rejected
    summary = json.loads((tmp_path / ".mktctl" / "imports" / "leads" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"input": 3, "accepted": 2, "duplicate": 0, "rejected": 1}
    assert summary["reasons"]["test_data"] == 1
    assert summary["outcomes"]["created"] == 2

    with (tmp_path / "data" / "leads.csv").open("a", encoding="utf-8") as stream:
        stream.write("王五,丙公司,13911110003,,\n")
    changed = mktctl("plan", "--detailed-exitcode")
    reapplied = mktctl("apply", "--yes")

    assert changed.code == 2 and "~ imports/data/leads.csv" in changed.stdout
    assert reapplied.code == 0, reapplied.output
    assert lead_count(tmp_path) == 3
    assert mktctl("plan", "--detailed-exitcode").code == 0


def test_an_import_of_a_missing_file_is_a_validation_error(tmp_path, mktctl) -> None:
    (tmp_path / "mktctl.yaml").write_text("imports:\n  - file: data/missing.csv\n", encoding="utf-8")

    run = mktctl("validate")

    assert run.code == 1
    assert "mktctl.yaml:2:11: error: file 'data/missing.csv': file not found" in run.stderr
