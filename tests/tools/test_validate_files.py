"""`mktctl validate-files FILE...`, the command behind the pre-commit hook: each playbook that the files belong
to is validated once, with each of its envs/ overlays; files outside any playbook are skipped; every problem
is shown at its file:line:col, and any error exits 1."""

from __future__ import annotations

import re
from pathlib import Path

from mktctl.playbook.starter import write_starter
from tests.conftest import RunMktctl


def test_each_playbook_of_the_files_is_validated_once(mktctl: RunMktctl, tmp_path: Path) -> None:
    write_starter(tmp_path / "acme", "standard")
    write_starter(tmp_path / "clients" / "beta", "overseas-ads")
    (tmp_path / "notes.yaml").write_text("not: a playbook\n", encoding="utf-8")

    run = mktctl("validate-files", "acme/leads.yaml", "clients/beta/email.yaml", "notes.yaml", "acme/mktctl.yaml")

    assert run.code == 0, run.output
    acme, beta = run.stdout.splitlines()
    assert re.fullmatch(r"✓ acme: 示例科技 营销通实施, \d+ resources in 11 file\(s\); overlays production", acme)
    assert re.fullmatch(r"✓ clients/beta: Example Tech overseas ads \(示例科技 海外广告获客\), \d+ resources in "
                        r"12 file\(s\)", beta)


def test_a_broken_playbook_and_a_broken_overlay_are_refused_with_their_positions(mktctl: RunMktctl,
                                                                                  tmp_path: Path) -> None:
    folder = write_starter(tmp_path / "acme", "standard").folder
    leads = folder / "leads.yaml"
    leads.write_text(leads.read_text(encoding="utf-8").replace("lead_pools:", "lead_pool:", 1), encoding="utf-8")
    (folder / "envs" / "production.yaml").write_text("variables:\n  sales_region: 华南\nrols: []\n", encoding="utf-8")
    line = next(i for i, text in enumerate(leads.read_text(encoding="utf-8").splitlines(), 1) if "lead_pool:" in text)

    run = mktctl("validate-files", "acme/leads.yaml")

    assert run.code == 1
    assert f"acme/leads.yaml:{line}:1: error: unknown section 'lead_pool'; did you mean 'lead_pools'?" in run.stderr
    assert "acme/envs/production.yaml:3:1: error: unknown section 'rols' in an overlay; did you mean 'roles'?" \
        in run.stderr
    assert "✗ acme: not valid" in run.stderr and "✗ acme --env production: not valid" in run.stderr
    assert "Traceback" not in run.output


def test_files_outside_any_playbook_pass_with_a_note(mktctl: RunMktctl, tmp_path: Path) -> None:
    (tmp_path / "ci.yaml").write_text("stages: [test]\n", encoding="utf-8")

    run = mktctl("validate-files", "ci.yaml")

    assert run.code == 0 and "no playbook among these files" in run.stderr
