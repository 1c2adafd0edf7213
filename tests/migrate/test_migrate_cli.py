"""The real ``mktctl migrate``: its output and exit codes, its usage errors, and a migration killed part way
(SIGKILL) and run again: nobody twice, no opt-out lost, not even while it was dead."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunMktctl
from tests.migrate.makers import PLAYBOOK, email, mobile, write_csv

pytestmark = pytest.mark.e2e


def _playbook(tmp_path: Path) -> Path:
    folder = tmp_path / "playbook"
    folder.mkdir()
    (folder / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    return folder


def test_the_command_migrates_an_export_and_shows_no_personal_data(mktctl: RunMktctl, tmp_path: Path,
                                                                   exports: Path) -> None:
    playbook = _playbook(tmp_path)

    done = mktctl("migrate", str(playbook), "--from", str(exports), "--map", str(exports / "map.yaml"),
                  "--out", "out")

    assert done.code == 0, done.output
    assert "migrated from HubSpot" in done.stdout
    assert "people           │      8 │        6 │        1 │         1 │       0 │      0 │ yes" in done.stdout
    assert "verified: none of 5 opted-out address(es) is reachable" in done.stdout
    assert "unknown column 'Favourite Colour'" in done.stderr
    assert "manual content: 营销通 > 内容中心: Webinar LP (landing_page)" in done.stdout
    for i in range(1, 7):
        assert email(i) not in done.output and mobile(i) not in done.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert all(summary["invariants"].values())
    assert (tmp_path / "out" / "summary.json").stat().st_mode & 0o777 == 0o600


def test_a_dry_run_of_the_command_creates_no_sandbox(mktctl: RunMktctl, tmp_path: Path, exports: Path) -> None:
    playbook = _playbook(tmp_path)

    done = mktctl("migrate", str(playbook), "--from", str(exports), "--map", str(exports / "map.yaml"),
                  "--out", "out", "--dry-run")

    assert done.code == 0, done.output
    assert "would migrate (dry run) from HubSpot" in done.stdout
    assert "opt-outs: 6 from the old system, 5 consent record(s) (not written: dry run)" in done.stdout
    assert not (playbook / ".mktctl").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--preset", "hubspot", "--map", "map.yaml"], "give --preset or --map, not both"),
    (["--scores", "sometimes"], "--scores 'sometimes': expected carry or recompute"),
])
def test_wrong_options_are_refused(mktctl: RunMktctl, tmp_path: Path, exports: Path, args: list[str],
                                   message: str) -> None:
    playbook = _playbook(tmp_path)

    done = mktctl("migrate", str(playbook), "--from", str(exports), "--out", "out", *args, cwd=exports)

    assert done.code in (1, 2) and message in done.stderr, done.output
    assert not (tmp_path / "out").exists()


def test_a_missing_from_is_a_usage_error(mktctl: RunMktctl, tmp_path: Path) -> None:
    done = mktctl("migrate", str(_playbook(tmp_path)), "--out", "out")

    assert done.code == 2 and "--from" in done.stderr


def test_a_mistake_in_the_map_is_shown_at_its_position(mktctl: RunMktctl, tmp_path: Path, exports: Path) -> None:
    (exports / "map.yaml").write_text("preset: hubspot\npeople:\n  columns:\n    Industry Tags: tag\n",
                                      encoding="utf-8")

    done = mktctl("migrate", str(_playbook(tmp_path)), "--from", str(exports), "--map", str(exports / "map.yaml"),
                  "--out", "out")

    assert done.code == 1
    assert f"{exports / 'map.yaml'}:4:20: error: people.columns.Industry Tags: unknown field 'tag' (did you mean " \
           "'tags'?)" in done.stderr
    assert "Traceback" not in done.output


def _big_export(folder: Path, people: int) -> list[int]:
    """``people`` people in the generic format, every fifth opted out of everything; their numbers."""
    folder.mkdir()
    rows, opted = [], []
    for i in range(1, people + 1):
        out = i % 5 == 0
        rows.append({"source_id": f"s{i}", "name": f"客户{i}", "company": f"公司{i}", "mobile": mobile(i),
                     "email": email(i), "opt_out_all": "true" if out else ""})
        if out:
            opted.append(i)
    write_csv(folder / "people.csv", ["source_id", "name", "company", "mobile", "email", "opt_out_all"], rows)
    return opted


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKTCTL_")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "XDG_CONFIG_HOME": str(tmp_path / ".config")})
    return env


def _tenant(playbook: Path) -> Any:
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    return open_tenant(resolve(playbook, None, environ={}))


def _unreachable(playbook: Path, numbers: list[int]) -> None:
    with _tenant(playbook) as tenant:
        wanted = (("邮件", [email(i) for i in numbers]), ("短信", ["+86" + mobile(i) for i in numbers]))
        for channel, addresses in wanted:
            answer = tenant.client.call("/mktctl/ext/v1/consent/check", {"data": {"channel": channel,
                                                                                   "addresses": addresses}})
            assert answer["data"]["reachable"] == [], channel


@pytest.mark.slow
def test_a_migration_killed_part_way_and_run_again_creates_nobody_twice_and_loses_no_opt_out(
        mktctl: RunMktctl, tmp_path: Path) -> None:
    total = 1200
    playbook = _playbook(tmp_path)
    opted = _big_export(tmp_path / "exports", total)
    command = [sys.executable, "-m", "mktctl", "migrate", str(playbook), "--from", str(tmp_path / "exports"),
               "--out", str(tmp_path / "out"), "--workers", "2"]
    process = subprocess.Popen(command, cwd=tmp_path, env=_env(tmp_path), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    journal = tmp_path / "out" / "people" / "journal.jsonl"
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline:
            if journal.exists() and journal.read_text(encoding="utf-8").count('"t":"done"') >= 150:
                break
            if process.poll() is not None:
                pytest.fail("the migration ended before it could be killed")
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    with _tenant(playbook) as tenant:
        before = len(list(tenant.client.crm_iter("LeadsObj", fields=["_id"])))
    assert 0 < before < total, "killed too late or too early to test a resume"
    _unreachable(playbook, opted)  # the opt-outs were recorded before the first lead

    again = mktctl("migrate", str(playbook), "--from", str(tmp_path / "exports"), "--out", str(tmp_path / "out"),
                   timeout=600)

    assert again.code == 0, again.output
    with _tenant(playbook) as tenant:
        leads = list(tenant.client.crm_iter("LeadsObj", fields=["_id", "mobile", "source_system_id__c"]))
    assert len(leads) == total
    assert len({lead["mobile"] for lead in leads}) == total
    assert sorted(lead["source_system_id__c"] for lead in leads) == sorted(f"s{i}" for i in range(1, total + 1))
    _unreachable(playbook, opted)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert all(summary["invariants"].values()), summary["invariants"]
    assert summary["entities"]["people"]["counts"]["migrated"] == total
    assert summary["entities"]["consent"]["counts"]["migrated"] == len(opted)
