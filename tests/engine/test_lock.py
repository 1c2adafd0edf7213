"""One run at a time per playbook folder: the lock says who holds it; a dead holder's lock is taken over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from mktctl.base.lock import RunLock
from mktctl.errors import LockedError


def test_a_second_run_is_refused_and_told_who_holds_the_lock(tmp_path) -> None:
    with RunLock(tmp_path, "apply", "mktctl apply"), pytest.raises(LockedError) as refused:
        RunLock(tmp_path, "apply", "mktctl apply").acquire()

    assert f"pid {os.getpid()}" in str(refused.value)
    assert "mktctl apply" in str(refused.value)


def test_the_lock_is_released_when_the_run_ends(tmp_path) -> None:
    with RunLock(tmp_path, "apply", "mktctl apply"):
        pass

    with RunLock(tmp_path, "apply", "mktctl apply"):
        assert json.loads((tmp_path / "apply.lock").read_text())["pid"] == os.getpid()
    assert (tmp_path / "apply.lock").read_text() == ""


def test_a_lock_held_by_another_live_process_is_respected(tmp_path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from mktctl.base.lock import RunLock\n"
        f"lock = RunLock(Path({str(tmp_path)!r}), 'apply', 'mktctl apply'); lock.acquire()\n"
        "print('held', flush=True); time.sleep(30)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError, match=f"pid {holder.pid}"):
            RunLock(tmp_path, "apply", "mktctl apply").acquire()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()

    with RunLock(tmp_path, "apply", "mktctl apply"):  # killed: the OS released its lock
        pass


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    (tmp_path / "apply.lock").write_text(json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(),
                                                     "who": "someone", "since": "earlier", "command": "apply"}))

    with RunLock(tmp_path, "apply", "mktctl apply"):
        holder = json.loads((tmp_path / "apply.lock").read_text())

    assert holder["pid"] == os.getpid()


def test_a_lock_held_on_another_host_is_not_taken_over(tmp_path) -> None:
    (tmp_path / "apply.lock").write_text(json.dumps({"pid": 1, "host": "another-host", "who": "li@another-host",
                                                     "since": "09:00", "command": "mktctl apply"}))

    with pytest.raises(LockedError, match="li@another-host"):
        RunLock(tmp_path, "apply", "mktctl apply").acquire()
