"""Every ``imports:`` entry has its own result folder, the same on every run: entries whose files share a name
(``a/leads.csv``, ``b/leads.csv``) no longer overwrite each other's results, summary and journal, and a result
folder of an older mktctl is moved to the new name so that its journal keeps resuming."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mktctl.leads.importer import ImportOptions, import_leads
from mktctl.leads.spec import ImportSpec, adopt_legacy_out_dir, default_out_dir
from tests.reliability.support import record_figures

SAME_NAME = ("a/leads.csv", "b/leads.csv", "a/sub/leads.csv", "a/leads.xlsx", "leads.csv", "a_b/x.csv", "a/b_x.csv")


def summary(folder: Path) -> dict[str, object]:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_each_entry_has_its_own_folder_and_keeps_it(tmp_path) -> None:
    folders = [default_out_dir(tmp_path, ImportSpec(file=f)) for f in SAME_NAME]

    assert len(set(folders)) == len(SAME_NAME)
    assert all(f.parent == tmp_path / ".mktctl" / "imports" for f in folders)
    assert folders[0].name.startswith("leads-") and folders[5].name.startswith("x-")
    assert default_out_dir(tmp_path / "moved", ImportSpec(file="./a//leads.csv")).name == folders[0].name, \
        "the same entry, spelt otherwise or in a moved playbook folder, keeps its folder"


@pytest.mark.e2e
def test_two_entries_with_one_file_name_keep_their_own_results(tmp_path, mktctl) -> None:
    files = {"a": ("张三,甲公司,13911110001", "李四,乙公司,13911110002"), "b": ("王五,丙公司,13911110003",)}
    for part, people in files.items():
        (tmp_path / part).mkdir()
        (tmp_path / part / "leads.csv").write_text("姓名,公司,手机\n" + "\n".join(people) + "\n", encoding="utf-8")
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 同名\nimports:\n  - file: a/leads.csv\n"
                                          "  - file: b/leads.csv\n", encoding="utf-8")

    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    report = mktctl("report", "--out", "report.md", "--format", "markdown")

    assert applied.code == 0 and again.code == 0, applied.output + again.output
    a, b = (default_out_dir(tmp_path, ImportSpec(file=f"{p}/leads.csv")) for p in "ab")
    assert summary(a)["counts"]["accepted"] == 2 and summary(b)["counts"]["accepted"] == 1  # type: ignore[index]
    assert summary(a)["outcomes"]["created"] == 2 and summary(b)["outcomes"]["created"] == 1  # type: ignore[index]
    assert (a / "journal.jsonl").read_text(encoding="utf-8").count('"t":"done"') == 2
    assert (b / "journal.jsonl").read_text(encoding="utf-8").count('"t":"done"') == 1
    assert report.code == 0, report.output
    record_figures("imports: with one file name", {"entries": 2, "result_folders": 2,
                                                  "created": [2, 1]})


def test_a_result_folder_of_an_older_mktctl_is_moved_and_resumes(tmp_path) -> None:
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leads.csv").write_text("姓名,公司,手机\n张三,甲公司,13911110001\n李四,乙公司,13911110002\n",
                                                 encoding="utf-8")
    spec = ImportSpec(file="data/leads.csv")
    legacy = tmp_path / ".mktctl" / "imports" / "leads"
    with open_tenant(resolve(tmp_path, None, environ={})) as tenant:
        import_leads(tenant, spec.path(tmp_path), ImportOptions(), legacy)  # as an older mktctl did

        other = ImportSpec(file="other/leads.csv")  # the other file of a same-named pair: not its folder
        assert not adopt_legacy_out_dir(tmp_path, other, default_out_dir(tmp_path, other))
        from mktctl.leads.rules import NO_RULES
        from mktctl.leads.spec import run_import_spec

        resumed = run_import_spec(tenant, tmp_path, spec, rules=NO_RULES)

    assert not legacy.exists() and resumed.out_dir == default_out_dir(tmp_path, spec)
    assert resumed.outcomes["created"] == 2 and resumed.report.write_calls == 0, "the journal came along"
    assert (resumed.out_dir / "journal.jsonl").read_text(encoding="utf-8").count('"t":"run"') == 2
