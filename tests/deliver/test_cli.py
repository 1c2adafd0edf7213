"""The commands themselves: help, exit codes, messages."""

from __future__ import annotations

import stat
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import RunMktctl
from tests.deliver.conftest import texts

pytestmark = pytest.mark.e2e


def test_the_commands_are_registered_and_documented(mktctl: RunMktctl) -> None:
    top = mktctl("--help")
    assert top.code == 0
    for name in ("workbook", "tenant", "report"):
        assert name in top.stdout
    for args in (("workbook", "survey"), ("workbook", "export"), ("workbook", "import"), ("tenant", "export"),
                 ("report",)):
        shown = mktctl(*args, "--help")
        assert shown.code == 0 and "--" in shown.stdout, args
    docs = Path(__file__).parents[2] / "docs"
    assert "mktctl workbook import" in (docs / "workbooks.md").read_text(encoding="utf-8")
    assert "mktctl report" in (docs / "report.md").read_text(encoding="utf-8")


def test_export_import_round_trip_through_the_cli(mktctl: RunMktctl, tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    assert mktctl("init", str(folder)).code == 0
    before = texts(folder)
    book = tmp_path / "config.xlsx"
    run = mktctl("workbook", "export", str(folder), "--out", str(book))
    assert run.code == 0 and "playbook digest" in run.stdout, run.output
    assert stat.S_IMODE(book.stat().st_mode) == 0o600
    same = mktctl("workbook", "import", str(book), "--into", str(folder))
    assert same.code == 0 and "No changes." in same.stdout, same.output
    assert texts(folder) == before
    workbook = openpyxl.load_workbook(book)
    workbook["角色权限"]["C5"] = "veiw"
    workbook.save(tmp_path / "bad.xlsx")
    bad = mktctl("workbook", "import", str(tmp_path / "bad.xlsx"), "--into", str(folder))
    assert bad.code == 1
    assert "角色权限!C5: unknown action 'veiw'; did you mean 'view'?" in bad.stderr
    assert "Traceback" not in bad.output and texts(folder) == before
    new = tmp_path / "new"
    run = mktctl("workbook", "import", str(book), "--into", str(new))
    assert run.code == 0 and "wrote a new playbook" in run.stdout, run.output
    assert mktctl("validate", str(new)).code == 0


def test_survey_in_english(mktctl: RunMktctl, tmp_path: Path) -> None:
    out = tmp_path / "survey.xlsx"
    run = mktctl("workbook", "survey", "--out", str(out), "--lang", "en", "--name", "ACME")
    assert run.code == 0 and "en" in run.stdout, run.output
    assert "Channels" in openpyxl.load_workbook(out).sheetnames
    missing = mktctl("workbook", "import", str(tmp_path / "nope.xlsx"), "--into", str(tmp_path / "x"))
    assert missing.code == 1 and "nope.xlsx: file not found" in missing.stderr
