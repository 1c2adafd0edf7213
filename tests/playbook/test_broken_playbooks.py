"""Every broken playbook of the corpus is reported with the exact message, file, line and column."""

from __future__ import annotations

import pytest

from tests.playbook.broken_corpus import CASES, Case


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_reports_each_problem_at_its_position(case: Case, tmp_path, mktctl) -> None:
    for name, text in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    run = mktctl("validate", *case.args, cwd=tmp_path, env=case.env)

    assert run.code == 1, run.output
    reported = [line for line in run.stderr.splitlines() if "error:" in line]
    assert reported == case.expected
    assert "Traceback" not in run.output


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20
