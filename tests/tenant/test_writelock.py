"""The tenant's write lock: one key per tenant whichever folder a command runs from, taken again freely by the
process that holds it, refused to any other, kept in a private per-user folder."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mktctl.base.userdirs import UnsafeFolderError, private_state_dir, state_home
from mktctl.errors import LockedError
from mktctl.tenant.settings import TenantSettings
from mktctl.tenant.writelock import key_lock, sandbox_key, tenant_key


def other_process_can_take(key: str) -> bool:
    done = subprocess.run([sys.executable, "-c", (
        "import sys\nfrom mktctl.errors import LockedError\nfrom mktctl.tenant.writelock import key_lock\n"
        f"lock = key_lock({key!r}, 't', 'probe')\n"
        "try:\n    lock.acquire()\nexcept LockedError:\n    sys.exit(7)\nlock.release()\n")],
        capture_output=True, text=True, check=False)
    assert done.returncode in (0, 7), done.stderr
    return done.returncode == 0


def test_one_tenant_has_one_key_whichever_folder_the_command_runs_from(tmp_path) -> None:
    served = TenantSettings(name="a", url="http://127.0.0.1:8765")
    same = TenantSettings(name="b", url="http://127.0.0.1:8765")
    embedded = TenantSettings(name="sandbox", sandbox_data=tmp_path / "x" / ".mktctl" / "sandbox.db")
    relative = TenantSettings(name="sandbox", sandbox_data=Path(os.path.relpath(embedded.sandbox_data)))

    assert tenant_key(served, "FSCID_1") == tenant_key(same, "FSCID_1") != tenant_key(served, "FSCID_2")
    assert tenant_key(embedded) == tenant_key(relative) == sandbox_key(embedded.sandbox_data)
    assert tenant_key(embedded) != sandbox_key(tmp_path / "y" / ".mktctl" / "sandbox.db")


def test_the_holder_may_take_it_again_and_keeps_it_until_the_outermost_release() -> None:
    outer = key_lock("k1", "t", "mktctl apply")
    inner = key_lock("k1", "t", "mktctl leads import")
    with outer:
        with inner:
            assert not other_process_can_take("k1")
        assert not other_process_can_take("k1"), "released by the inner holder only"
    assert other_process_can_take("k1")


def test_another_process_is_refused_with_who_holds_it() -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time\nfrom mktctl.tenant.writelock import key_lock\n"
        "lock = key_lock('k2', 'prod', 'mktctl leads import'); lock.acquire()\n"
        "print('held', flush=True); time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError) as refused:
            key_lock("k2", "prod", "mktctl apply").acquire()
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()

    message = str(refused.value)
    assert message.startswith("another mktctl run is writing to tenant 'prod': ")
    assert f"(pid {holder.pid}, mktctl leads import) since " in message
    assert refused.value.hint is not None and "run this command again" in refused.value.hint
    with key_lock("k2", "prod", "mktctl apply"):  # the holder was killed: the system released its lock
        pass


def test_locks_live_in_a_private_folder_of_the_user(isolated_environment) -> None:
    with key_lock("k3", "t", "mktctl apply") as lock:
        folder = lock.path.parent

    assert folder == isolated_environment / ".local" / "state" / "mktctl" / "locks"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600


def test_the_state_folder_follows_xdg_state_home_and_falls_back_to_the_home(tmp_path) -> None:
    assert state_home({"XDG_STATE_HOME": str(tmp_path / "s"), "HOME": "/nowhere"}) == tmp_path / "s" / "mktctl"
    assert state_home({"XDG_STATE_HOME": "relative/ignored", "HOME": str(tmp_path)}) == \
        tmp_path / ".local" / "state" / "mktctl"
    assert state_home({"HOME": str(tmp_path)}) == tmp_path / ".local" / "state" / "mktctl"


def test_a_state_folder_others_can_read_is_made_private(tmp_path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    (tmp_path / "mktctl").mkdir(mode=0o755)
    (tmp_path / "mktctl").chmod(0o755)

    private_state_dir("locks", environ=env)

    assert stat.S_IMODE((tmp_path / "mktctl").stat().st_mode) == 0o700


def test_a_state_folder_planted_as_a_link_or_by_another_user_is_refused(tmp_path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "mktctl").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafeFolderError, match="is a symbolic link"):
        private_state_dir("locks", environ={"XDG_STATE_HOME": str(tmp_path / "linked")})

    (tmp_path / "file").mkdir()
    (tmp_path / "file" / "mktctl").write_text("x", encoding="utf-8")
    with pytest.raises(UnsafeFolderError, match="is not a folder"):
        private_state_dir(environ={"XDG_STATE_HOME": str(tmp_path / "file")})

    if os.geteuid() != 0:
        pytest.skip("planting a folder owned by another user needs root")
    planted = tmp_path / "shared" / "mktctl"
    planted.mkdir(parents=True)
    os.chown(planted, 54321, 54321)
    with pytest.raises(UnsafeFolderError, match=r"belongs to another user \(uid 54321\)"):
        private_state_dir("crash", environ={"XDG_STATE_HOME": str(tmp_path / "shared")})
