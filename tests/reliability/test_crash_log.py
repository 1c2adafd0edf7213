"""The crash log: a new private file in a private folder of the user, whatever another local user planted and
however many crashes come at once; and when nothing can be written, still exit 3 with the message, no traceback.

Before, it lived in ``$TMPDIR/mktctl-crash`` (0755, anyone's), named by the second and opened without
``O_EXCL``/``O_NOFOLLOW``: a planted link was written through, two crashes in one second overwrote each other,
and an unwritable folder made the handler itself crash with a raw traceback.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mktctl.cli import crashlog
from mktctl.cli.crashlog import CrashLogError, write_crash_log
from tests.reliability.support import base_env, record_figures

NAME = re.compile(r"crash-\d{8}-\d{6}-\d+-[0-9a-f]{8}\.log")
DRIVER = ("import sys\nfrom mktctl.cli import main as cli\n{setup}\n"
          "def boom(*args, **kwargs):\n    raise RuntimeError('a bug')\n"
          "import mktctl.engine.session as session\nsession.open_session = boom\n"
          "sys.exit(cli.main(sys.argv[1:]))\n")


def crash(folder: Path, env: dict[str, str], setup: str = "") -> subprocess.CompletedProcess[str]:
    """``mktctl plan`` in a subprocess, with a bug planted in it."""
    (folder / "mktctl.yaml").write_text("version: 1\nname: 崩溃\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-c", DRIVER.format(setup=setup), "plan"], cwd=folder, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def logged_path(stderr: str) -> Path:
    found = re.search(r"the details are in (\S+\.log)", stderr)
    assert found, stderr
    return Path(found.group(1))


def test_a_crash_is_logged_in_a_private_folder_of_the_user(tmp_path) -> None:
    env = {**base_env(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()

    done = crash(tmp_path, env)

    assert done.returncode == 3, done.stderr
    assert "internal error: RuntimeError: a bug" in done.stderr and "Traceback" not in done.stderr
    log = logged_path(done.stderr)
    assert log.parent == tmp_path / "state" / "mktctl" / "crash" and NAME.fullmatch(log.name)
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700 and stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "RuntimeError: a bug" in log.read_text(encoding="utf-8")
    assert list((tmp_path / "tmp").iterdir()) == [], "nothing in the shared temp folder"


def test_crashes_in_the_same_second_keep_their_own_logs(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(crashlog.time, "strftime", lambda pattern: "20240611-103205")

    logs = [write_crash_log(f"crash {i}") for i in range(20)]

    assert len(set(logs)) == 20
    assert [log.read_text(encoding="utf-8") for log in logs] == [f"crash {i}" for i in range(20)]


def test_a_planted_file_or_link_with_the_logs_name_is_never_written_through(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "state" / "mktctl" / "crash"
    folder.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    tokens = iter(["aaaaaaaa", "bbbbbbbb", "cccccccc"])
    monkeypatch.setattr(crashlog.secrets, "token_hex", lambda n: next(tokens))
    monkeypatch.setattr(crashlog.time, "strftime", lambda pattern: "20240611-103205")
    (folder / f"crash-20240611-103205-{os.getpid()}-aaaaaaaa.log").symlink_to(victim)
    (folder / f"crash-20240611-103205-{os.getpid()}-bbbbbbbb.log").write_text("planted", encoding="utf-8")

    log = write_crash_log("the details")

    assert log.name.endswith("-cccccccc.log") and log.read_text(encoding="utf-8") == "the details"
    assert victim.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("plant", ["link", "file", "other-user", "open-folder"])
def test_a_planted_crash_folder_is_not_used(tmp_path, monkeypatch, plant: str) -> None:
    state = tmp_path / "state"
    target = state / "mktctl" / "crash"
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir()
    target.parent.mkdir(parents=True)
    if plant == "link":
        target.symlink_to(elsewhere)
    elif plant == "file":
        target.write_text("not a folder", encoding="utf-8")
    elif plant == "other-user":
        if os.geteuid() != 0:
            pytest.skip("planting another user's folder needs root")
        target.mkdir()
        os.chown(target, 54321, 54321)
    else:
        target.mkdir(mode=0o777)
        target.chmod(0o777)
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setattr(crashlog.tempfile, "tempdir", str(tmp_path / "tmp"))  # the process's TMPDIR
    (tmp_path / "tmp").mkdir()

    log = write_crash_log("the details")

    assert list(elsewhere.iterdir()) == []
    if plant == "open-folder":  # ours, but readable by others: made private again, then used
        assert log.parent == target and stat.S_IMODE(target.stat().st_mode) == 0o700
    else:  # a new private folder of its own in the temp folder
        assert log.parent.parent == tmp_path / "tmp" and log.parent.name.startswith("mktctl-crash-")
        assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_when_nothing_can_be_written_the_crash_still_ends_with_exit_3_and_no_traceback(tmp_path) -> None:
    (tmp_path / "blocker").write_text("a file where a folder is expected", encoding="utf-8")
    env = {**base_env(tmp_path), "XDG_STATE_HOME": str(tmp_path / "blocker" / "state")}
    setup = ("import tempfile\ndef no_temp(*a, **k):\n    raise OSError(30, 'Read-only file system', '/tmp')\n"
             "tempfile.mkdtemp = no_temp")

    done = crash(tmp_path, env, setup)

    assert done.returncode == 3, done.stderr
    assert "internal error: RuntimeError: a bug" in done.stderr
    assert "its details could not be saved" in done.stderr and "Not a directory" in done.stderr
    assert "Read-only file system" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    record_figures("crash log hardening", {
        "same_second_crashes": 20, "planted": ["link at the name", "file at the name", "folder as a link",
                                               "folder as a file", "folder of another user", "folder 0777"],
        "unwritable": done.stderr.strip()[-300:]})


def test_the_error_when_nothing_can_be_written_names_each_place(tmp_path, monkeypatch) -> None:
    (tmp_path / "blocker").write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "blocker"))
    monkeypatch.setattr(crashlog.tempfile, "mkdtemp",
                        lambda **k: (_ for _ in ()).throw(OSError(28, "No space left on device", "/tmp/x")))

    with pytest.raises(CrashLogError) as failed:
        write_crash_log("text")

    assert len(failed.value.reasons) == 2
    assert "No space left on device" in failed.value.reasons[1]
