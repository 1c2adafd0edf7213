"""Apply under faults and kills: every resource as declared, nothing doubled, nothing lost.

The served sandbox injects server errors, throttling answers and dropped connections after the write was
committed (the answer is lost); the real `mktctl apply` runs against it in a subprocess. Afterwards the
tenant is checked directly: each department, user and role exists exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.served, pytest.mark.slow]


def big_playbook(folder: Path, departments: int = 12, users: int = 30) -> None:
    lines = ["version: 1", "name: 故障演练", "departments:"]
    lines += [f"  - name: 部门{d:02d}" + (f"\n    parent: 部门{d // 3:02d}" if d >= 3 else "")
              for d in range(departments)]
    lines.append("users:")
    for u in range(users):
        lines += [f"  - employee_number: E{u:03d}", f"    name: 员工{u:03d}", f"    mobile: '1390000{u:04d}'",
                  f"    department: 部门{u % departments:02d}"]
        if u >= 5:
            lines.append(f"    leader: E{u % 5:03d}")
    lines += ["roles:"] + [f"  - name: 角色{r}\n    data_scope: own\n    permissions:\n      leads: [view]"
                           for r in range(3)]
    lines.append("role_assignments:")
    for r in range(3):
        holders = ", ".join(f"E{u:03d}" for u in range(r, users, 3))
        lines.append(f"  - role: 角色{r}\n    users: [{holders}]")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mktctl.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def environment(sandbox) -> dict[str, str]:
    corp = sandbox.corp
    return {"MKTCTL_TENANT_URL": sandbox.url, "MKTCTL_APP_ID": corp.app_id, "MKTCTL_APP_SECRET": corp.app_secret,
            "MKTCTL_PERMANENT_CODE": corp.permanent_code, "MKTCTL_OPEN_USER_ID": corp.admin_open_user_id}


def assert_tenant_has_everything_exactly_once(sandbox, departments: int = 12, users: int = 30) -> None:
    """Read the sandbox's data directly (its API has faults injected)."""
    corp = sandbox.corp.corp_id
    with sandbox.store.reading() as db:
        names = Counter(r["name"] for r in db.execute(
            "SELECT name FROM departments WHERE corp_id = ? AND is_stop = 0", (corp,)))
        people = Counter(json.loads(r["data"]).get("employeeNumber") for r in db.execute(
            "SELECT data FROM users WHERE corp_id = ?", (corp,)))
        roles = Counter(r["role_name"] for r in db.execute("SELECT role_name FROM roles WHERE corp_id = ?", (corp,)))
    assert {f"部门{d:02d}" for d in range(departments)} <= set(names)
    assert max(names.values()) == 1, names
    assert all(people[f"E{u:03d}"] == 1 for u in range(users)), people
    assert [roles[f"角色{r}"] for r in range(3)] == [1, 1, 1]


def test_apply_under_injected_faults_completes_exactly_once(tmp_path, mktctl, served_sandbox_factory) -> None:
    sandbox = served_sandbox_factory(faults="5xx=0.08,throttle=0.08,drop-after-commit=0.08,seed=11")
    big_playbook(tmp_path)

    applied = mktctl("apply", "--yes", env=environment(sandbox), timeout=600)
    again = mktctl("plan", "--detailed-exitcode", env=environment(sandbox), timeout=600)

    assert applied.code == 0, applied.output
    assert again.code == 0, again.output
    assert_tenant_has_everything_exactly_once(sandbox)
    report = sandbox.faults.report()
    assert report["injected"].get("drop-after-commit", 0) > 0 and report["total"] >= 10
    record_figures(tmp_path, "apply under faults", report)


def test_apply_killed_at_any_moment_completes_on_the_next_run(tmp_path, served_sandbox_factory) -> None:
    sandbox = served_sandbox_factory(faults="latency=20ms,seed=3")
    big_playbook(tmp_path)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MKTCTL_")}, **environment(sandbox),
           "NO_COLOR": "1"}
    journal = tmp_path / ".mktctl" / "journal.jsonl"
    kills = 0
    for kill_after in (3, 11, 25, 40):
        process = subprocess.Popen([sys.executable, "-m", "mktctl", "apply", "--yes"], cwd=tmp_path, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if done_steps(journal) >= kill_after:
                process.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.01)
        process.wait()

    finished = subprocess.run([sys.executable, "-m", "mktctl", "apply", "--yes"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
    again = subprocess.run([sys.executable, "-m", "mktctl", "plan", "--detailed-exitcode"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300, check=False)

    assert kills >= 3
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert again.returncode == 0, again.stdout + again.stderr
    assert_tenant_has_everything_exactly_once(sandbox)
    record_figures(tmp_path, "apply killed and resumed", {"kills": kills})


def test_ctrl_c_stops_after_the_current_call_with_exit_130(tmp_path, served_sandbox_factory) -> None:
    sandbox = served_sandbox_factory(faults="latency=30ms,seed=5")
    big_playbook(tmp_path)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MKTCTL_")}, **environment(sandbox),
           "NO_COLOR": "1"}
    journal = tmp_path / ".mktctl" / "journal.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "mktctl", "apply", "--yes"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while done_steps(journal) < 5 and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)

    assert process.returncode == 130, out + err
    assert "stopping after the current call" in err
    assert "run apply again to continue" in err
    assert "Traceback" not in err
    resumed = subprocess.run([sys.executable, "-m", "mktctl", "apply", "--yes"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0
    assert_tenant_has_everything_exactly_once(sandbox)
    record_figures(tmp_path, "apply interrupted by Ctrl-C and resumed", {"exit": process.returncode})


def done_steps(journal: Path) -> int:
    if not journal.exists():
        return 0
    return sum(1 for line in journal.read_text(encoding="utf-8").splitlines() if '"event": "done"' in line)


def record_figures(tmp_path: Path, name: str, figures: dict) -> None:
    """Figures for docs/reliability.md, when MKTCTL_RELIABILITY_FIGURES names a file to append to."""
    target = os.environ.get("MKTCTL_RELIABILITY_FIGURES")
    if target:
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(json.dumps({"test": name, **figures}, ensure_ascii=False) + "\n")
