"""A tenant that dies in the middle of a command: the command gives up at its deadline, counted across all its
calls, says what did not answer since when and that running it again continues; run again once the tenant is
back, it finishes the job exactly once. Ctrl-C ends a command at once, even while it waits between retries or
inside a connection that never completes.

The real ``mktctl`` runs in a subprocess against a served sandbox, which is stopped (its port then refuses
connections) once the command is busy; the time measured is from the moment the server is gone to the exit.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.served import Wire
from tests.reliability.outage import Command, SilentTenant, UnconnectableTenant, journal_lines
from tests.reliability.support import (
    base_env,
    check_import_exactly_once,
    profile_env,
    record_figures,
    run,
    write_messy_csv,
)
from tests.reliability.test_apply_faults import assert_tenant_has_everything_exactly_once, big_playbook

pytestmark = [pytest.mark.e2e, pytest.mark.served, pytest.mark.slow]

DEADLINE = 5.0
MARGIN = 5.0  # start-up of the exit, a call in flight, a loaded machine: still far below what it was (minutes)
ENV_TENANT = ("MKTCTL_TENANT_URL", "MKTCTL_APP_ID", "MKTCTL_APP_SECRET", "MKTCTL_PERMANENT_CODE",
              "MKTCTL_OPEN_USER_ID")
COMMANDS = {
    "plan": ["--tenant", "served", "plan"],
    "apply": ["--tenant", "served", "apply", "--yes"],
    "leads import": ["--tenant", "served", "leads", "import", "leads.csv", "--out", "out", "--workers", "4"],
    "leads link": ["--tenant", "served", "leads", "link", "--out", "link", "--workers", "4"],
}


def workload(name: str, folder: Path, sandbox: Any, env: dict[str, str]) -> None:
    """A playbook of 12 departments, 30 users and 3 roles, and 1,500 messy lead rows; for ``leads link``, those
    leads on the tenant and a contact for each of the first 200 of them."""
    big_playbook(folder)
    write_messy_csv(folder / "leads.csv", 1500, seed=8)
    if name != "leads link":
        return
    done = run(["--tenant", "served", "leads", "import", "leads.csv", "--out", "out", "--workers", "8"], folder, env)
    assert done.code == 0, done.output[-2000:]
    with (folder / "out" / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        mobiles = [r["mobile_e164"] for r in csv.DictReader(handle) if r["status"] == "accepted" and r["mobile_e164"]]
    wire = Wire(sandbox.url, sandbox.corp)
    for i, mobile in enumerate(mobiles[:200]):
        wire.create("ContactObj", name=f"联系人{i}", mobile1=mobile.removeprefix("+86"))
    wire.close()


def busy(name: str, folder: Path, sandbox: Any) -> bool:
    """The command is in the middle of its work on the tenant."""
    if name == "apply":
        return journal_lines(folder / ".mktctl" / "journal.jsonl", '"event": "done"') >= 3
    if name == "leads import":
        return journal_lines(folder / "out" / "journal.jsonl", '"t":"done"') >= 100
    return sandbox.faults.report()["calls"] >= 4


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_stops_at_its_deadline_when_the_tenant_dies_and_a_rerun_finishes(tmp_path, served_sandbox_factory,
                                                                                   name: str) -> None:
    data = tmp_path / "tenant.db"
    sandbox = served_sandbox_factory(data)
    env = {**base_env(tmp_path), **profile_env(sandbox, tmp_path), "MKTCTL_DEADLINE": str(DEADLINE)}
    workload(name, tmp_path, sandbox, env)
    port = sandbox.port
    sandbox.stop()
    slow = served_sandbox_factory(data, port=port, faults="latency=40ms..60ms,seed=4")  # slow enough to catch

    command = Command(COMMANDS[name], tmp_path, env)
    command.wait_until(lambda: busy(name, tmp_path, slow))
    slow.stop()
    died = time.monotonic()
    ended = command.ended(died)

    assert ended.code == 1, ended.output[-3000:]
    assert "has not answered since" in ended.stderr, ended.stderr[-2000:]
    assert "run the same command again" in ended.stderr
    assert f"127.0.0.1:{port}" in ended.stderr
    assert "Traceback" not in ended.output and "internal error" not in ended.output
    assert ended.seconds < DEADLINE + MARGIN, ended.seconds

    back = served_sandbox_factory(data, port=port)
    again = run(COMMANDS[name], tmp_path, env)
    assert again.code == 0, again.output[-3000:]
    if name == "apply":
        assert_tenant_has_everything_exactly_once(back)
    if name == "leads import":
        check = check_import_exactly_once(back, tmp_path / "out")
        assert not check.problems, check.problems[:20]
    record_figures(f"{name}: tenant died mid-run", {
        "deadline_s": DEADLINE, "seconds_from_death_to_exit": round(ended.seconds, 2),
        "message": ended.stderr.strip()[-500:], "rerun_exit": again.code})


def test_the_default_deadline_ends_a_plan_when_its_tenant_dies(tmp_path, served_sandbox_factory) -> None:
    slow = served_sandbox_factory(faults="latency=40ms..60ms,seed=6")
    env = {**base_env(tmp_path), **profile_env(slow, tmp_path)}
    big_playbook(tmp_path)

    command = Command(COMMANDS["plan"], tmp_path, env)
    command.wait_until(lambda: busy("plan", tmp_path, slow))
    slow.stop()
    ended = command.ended(time.monotonic())

    assert ended.code == 1, ended.output
    assert "has not answered since" in ended.stderr, ended.stderr
    assert ended.seconds < 30 + MARGIN
    record_figures("plan: tenant died mid-run, default deadline", {
        "deadline_s": 30, "seconds_from_death_to_exit": round(ended.seconds, 2),
        "message": ended.stderr.strip()[-400:]})


def test_a_tenant_that_never_answers_is_given_up_on_at_the_deadline_not_the_timeout(tmp_path) -> None:
    silent = SilentTenant()
    try:
        big_playbook(tmp_path)
        env = {**base_env(tmp_path), "MKTCTL_TENANT_URL": silent.url, "MKTCTL_APP_ID": "FSAID_1",
               "MKTCTL_APP_SECRET": "silent-secret", "MKTCTL_PERMANENT_CODE": "silent-code",
               "MKTCTL_OPEN_USER_ID": "FSUID_1", "MKTCTL_DEADLINE": "3"}
        command = Command(["plan"], tmp_path, env)  # without a profile, a call's timeout is 30 s
        command.wait_until(lambda: silent.first_at is not None)
        assert silent.first_at is not None
        ended = command.ended(silent.first_at)
    finally:
        silent.close()

    assert ended.code == 1, ended.output
    assert "has not answered since" in ended.stderr and "the deadline is 3 s" in ended.stderr, ended.stderr
    assert "timed out" in ended.stderr
    assert ended.seconds < 3 + MARGIN
    record_figures("plan: a tenant that accepts and never answers", {
        "deadline_s": 3, "timeout_per_call_s": 30, "seconds_from_first_call_to_exit": round(ended.seconds, 2)})


# ---- Ctrl-C ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["retry-wait", "connect"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_ctrl_c_ends_a_command_at_once_even_while_it_waits_for_the_tenant(tmp_path, served_sandbox_factory,
                                                                          name: str, where: str) -> None:
    data = tmp_path / "tenant.db"
    sandbox = served_sandbox_factory(data)
    env = {**base_env(tmp_path), **profile_env(sandbox, tmp_path), "MKTCTL_DEADLINE": "600"}
    workload(name, tmp_path, sandbox, env)
    port = sandbox.port
    sandbox.stop()
    blocker: UnconnectableTenant | None = None
    if where == "connect":  # every call waits inside connect: the tenant's host has vanished
        blocker = UnconnectableTenant()
        assert blocker.connect_hangs()
        profile = (tmp_path / "mktctl.tenants.yaml").read_text(encoding="utf-8")
        (tmp_path / "mktctl.tenants.yaml").write_text(
            profile.replace(f"127.0.0.1:{port}", blocker.url.removeprefix("http://"))
            .replace("timeout_seconds: 10", "timeout_seconds: 300"), encoding="utf-8")
    try:
        command = Command(COMMANDS[name], tmp_path, env)
        if where == "retry-wait":
            slow = served_sandbox_factory(data, port=port, faults="latency=40ms..60ms,seed=5")
            command.wait_until(lambda: busy(name, tmp_path, slow))
            slow.stop()  # connections refused from now: the command retries, sleeping in between
            time.sleep(4)
        else:
            time.sleep(6)  # start-up, the playbook or the file read, then stuck in its first connect
        assert command.running()
        ended = command.interrupt()
    finally:
        if blocker is not None:
            blocker.close()

    assert ended.code == 130, ended.output[-3000:]
    assert "Traceback" not in ended.output
    assert "interrupted" in ended.stderr or "stopped" in ended.stderr, ended.stderr[-2000:]
    assert ended.seconds < 3.0, ended.seconds  # one second of grace for a call in flight, and the exit
    record_figures(f"{name}: Ctrl-C while waiting ({where})", {"seconds_from_ctrl_c_to_exit": round(ended.seconds, 2),
                                                               "message": ended.stderr.strip()[-300:]})
