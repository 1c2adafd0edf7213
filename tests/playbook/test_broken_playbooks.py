"""Every broken playbook of the corpus is reported with the exact message, file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from mktctl.cli.main import main
from tests.conftest import RunMktctl
from tests.playbook.broken_corpus import CASES, Case


def write_case(case: Case, folder: Path) -> None:
    for name, text in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_reports_each_problem_at_its_position(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The command's own entry point, in this process: the corpus is about what is reported, and a process per
    case would mostly measure Python starting up (the real command runs below)."""
    write_case(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    for name, value in {"NO_COLOR": "1", "COLUMNS": "160", **case.env}.items():
        monkeypatch.setenv(name, value)

    code = main(["validate", *case.args])

    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert [line for line in err.splitlines() if "error:" in line] == case.expected
    assert "Traceback" not in out + err


@pytest.mark.e2e
@pytest.mark.parametrize("case", [CASES[0], next(c for c in CASES if c.files.keys() - {"mktctl.yaml"})],
                         ids=lambda c: c.name)
def test_the_real_command_reports_the_same_problems(case: Case, tmp_path: Path, mktctl: RunMktctl) -> None:
    write_case(case, tmp_path)

    run = mktctl("validate", *case.args, cwd=tmp_path, env=case.env)

    assert run.code == 1, run.output
    assert [line for line in run.stderr.splitlines() if "error:" in line] == case.expected
    assert "Traceback" not in run.output


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20
