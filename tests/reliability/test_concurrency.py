"""Two writers to one tenant at once: the second is refused, told who holds the tenant, and nothing is made twice.

Before, the lock covered one result folder: two ``leads import`` runs of one file into one tenant (or an
``apply`` with ``imports:`` beside a ``leads import``) both looked each person up, found nothing yet, and
both created them. Now every command that writes to a tenant holds the tenant's lock (keyed like the ledger:
its URL and corp, or the embedded sandbox's data file); these tests run real concurrent ``mktctl`` processes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.outage import Command, journal_lines
from tests.reliability.support import (
    base_env,
    check_import_exactly_once,
    leads_on,
    profile_env,
    read_results,
    record_figures,
    run,
    write_messy_csv,
)

pytestmark = [pytest.mark.e2e]

IMPORT = ["--tenant", "served", "leads", "import", "leads.csv", "--workers", "4", "--out"]


def slow_tenant(tmp_path: Path, served_sandbox_factory: Any, rows: int = 1200) -> tuple[Any, dict[str, str]]:
    sandbox = served_sandbox_factory(faults="latency=10ms..20ms,seed=9")
    env = {**base_env(tmp_path), **profile_env(sandbox, tmp_path)}
    write_messy_csv(tmp_path / "leads.csv", rows, seed=12)
    return sandbox, env


def writing(folder: Path, out: str) -> bool:
    return journal_lines(folder / out / "journal.jsonl", '"t":"start"') > 0


@pytest.mark.served
@pytest.mark.slow
@pytest.mark.parametrize("second_out", ["out", "elsewhere"])
def test_a_second_import_of_the_same_file_is_refused_and_nothing_is_doubled(tmp_path, served_sandbox_factory,
                                                                            second_out: str) -> None:
    sandbox, env = slow_tenant(tmp_path, served_sandbox_factory)
    first = Command([*IMPORT, "out"], tmp_path, env)
    first.wait_until(lambda: writing(tmp_path, "out"))

    second = run([*IMPORT, second_out], tmp_path, env)
    ended = first.ended(time.monotonic())

    assert ended.code == 0, ended.output[-2000:]
    assert second.code == 1, second.output[-2000:]
    assert f"pid {first.process.pid}" in second.stderr and "mktctl leads import" in second.stderr
    if second_out != "out":  # the same result folder was refused by its own lock already, before this change
        assert "another mktctl run is writing to tenant 'served'" in second.stderr
        assert "run this command again: it continues where it stopped" in second.stderr
    assert "Traceback" not in second.output
    check = check_import_exactly_once(sandbox, tmp_path / "out")
    assert not check.problems, check.problems[:20]
    again = run([*IMPORT, "out"], tmp_path, env)  # afterwards: everything done, nothing created
    assert again.code == 0, again.output[-2000:]
    assert len(leads_on(sandbox)) == check.accepted
    record_figures(f"two imports at once ({'same' if second_out == 'out' else 'another'} result folder)", {
        "rows": 1200, "accepted": check.accepted, "leads_on_tenant": len(leads_on(sandbox)),
        "second_run_exit": second.code, "message": second.stderr.strip()[-400:]})


@pytest.mark.served
@pytest.mark.slow
def test_an_import_beside_an_apply_that_imports_the_same_file_is_refused(tmp_path, served_sandbox_factory) -> None:
    sandbox, env = slow_tenant(tmp_path, served_sandbox_factory)
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 并发\nimports:\n  - file: leads.csv\n", encoding="utf-8")
    apply = Command(["--tenant", "served", "apply", "--yes"], tmp_path, env)
    apply.wait_until(lambda: any(journal_lines(p / "journal.jsonl", '"t":"start"') for p in
                                 (tmp_path / ".mktctl" / "imports").glob("*")))

    beside = run([*IMPORT, "out"], tmp_path, env)
    applied = apply.ended(time.monotonic())
    write_messy_csv(tmp_path / "more.csv", 3000, seed=31)  # other people: a long import
    importing = Command(["--tenant", "served", "leads", "import", "more.csv", "--workers", "4", "--out", "more"],
                        tmp_path, env)
    importing.wait_until(lambda: writing(tmp_path, "more"))
    apply_beside = run(["--tenant", "served", "apply", "--yes"], tmp_path, env)
    imported = importing.ended(time.monotonic())

    assert applied.code == 0, applied.output[-2000:]
    assert beside.code == 1 and "is writing to tenant 'served'" in beside.stderr, beside.output[-2000:]
    assert "mktctl apply" in beside.stderr
    assert imported.code == 0, imported.output[-2000:]
    assert apply_beside.code == 1 and "is writing to tenant 'served'" in apply_beside.stderr, apply_beside.output
    assert "mktctl leads import" in apply_beside.stderr and "Traceback" not in apply_beside.output
    imports = next((tmp_path / ".mktctl" / "imports").glob("*"))
    created = [r["record_id"] for out in (imports, tmp_path / "more") for r in read_results(out)
               if r["outcome"] == "created"]
    assert len(created) == len(set(created)) == len(leads_on(sandbox)), "every lead made once, by one row"
    record_figures("apply with imports: beside a leads import", {
        "leads_on_tenant": len(created), "import_refused_beside_apply": beside.code == 1,
        "apply_refused_beside_import": apply_beside.code == 1})


def hold(env: dict[str, str], key_code: str) -> subprocess.Popen[str]:
    """A process that holds a tenant's write lock until it is killed."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time\nfrom pathlib import Path\nfrom mktctl.tenant import writelock\n"
        f"lock = writelock.key_lock({key_code}, 'held', 'mktctl leads import')\nlock.acquire()\n"
        "print('held', flush=True)\ntime.sleep(120)\n")], env=env, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_every_command_that_writes_is_refused_while_another_writes_and_readers_are_not(tmp_path, mktctl,
                                                                                     isolated_environment) -> None:
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 锁\ndepartments:\n  - name: 市场部\n", encoding="utf-8")
    (tmp_path / "leads.csv").write_text("姓名,手机\n张三,13911110001\n", encoding="utf-8")
    mktctl("leads", "link", "--out", "link0")  # the embedded sandbox exists
    (tmp_path / "decisions.xlsx").write_bytes((tmp_path / "link0" / "ambiguities.xlsx").read_bytes())
    data = tmp_path / ".mktctl" / "sandbox.db"
    holder = hold({**base_env(tmp_path), "XDG_STATE_HOME": str(isolated_environment / ".local" / "state")},
                  f"writelock.sandbox_key(Path({str(data)!r}))")
    try:
        writers = {
            "apply": mktctl("apply", "--yes"),
            "leads import": mktctl("leads", "import", "leads.csv", "--out", "out"),
            "leads link": mktctl("leads", "link", "--out", "link"),
            "leads link --resolve": mktctl("leads", "link", "--resolve", "decisions.xlsx", "--out", "link"),
            "sandbox reset": mktctl("sandbox", "reset", "--yes"),
        }
        readers = {"plan": mktctl("plan"), "steps": mktctl("steps"), "checklist": mktctl("checklist"),
                   "tenant export": mktctl("tenant", "export", "--out", "exported")}
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()

    for name, done in writers.items():
        assert done.code == 1, (name, done.output)
        assert "another mktctl run is writing to tenant" in done.stderr, (name, done.stderr)
        assert f"pid {holder.pid}" in done.stderr, (name, done.stderr)
    for name, done in readers.items():
        assert done.code == 0, (name, done.output)
    assert mktctl("apply", "--yes").code == 0, "the holder is gone: its lock with it"
    record_figures("writers refused while a tenant is held", {"writers": sorted(writers), "readers": sorted(readers)})


def test_confirm_is_refused_while_an_apply_holds_the_ledger(tmp_path, mktctl) -> None:
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 确认\n", encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time\nfrom pathlib import Path\nfrom mktctl.base.lock import RunLock\n"
        f"lock = RunLock(Path({str(tmp_path / '.mktctl')!r}), 'apply', 'mktctl apply'); lock.acquire()\n"
        "print('held', flush=True); time.sleep(120)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        refused = mktctl("confirm", "--all-pending")
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()

    assert refused.code == 1 and "mktctl apply" in refused.stderr, refused.output
    assert mktctl("confirm", "--all-pending").code == 0
