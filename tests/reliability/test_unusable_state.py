"""State or output that cannot be used is the user's to fix: exit 1 with the path and what to do, never an
internal error (exit 3) with a crash log.

One place does it for every command (``mktctl.base.fileerrors``, called where errors become messages): an
``OSError`` about the user's files - ``.mktctl/``, an ``--out`` file or folder, the playbook folder - becomes
a ``FileAccessError``. The tests run as root, which no permission stops, so the real commands meet what does
stop root: a file where a folder is expected, a folder where a file is expected, a path through a file; and
in process, the operating system's own errors (permission denied, a read-only or full disk) are raised where
mktctl calls it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from mktctl.base import fileerrors
from mktctl.base.fileerrors import file_access_error
from mktctl.cli.main import main
from mktctl.errors import FileAccessError
from tests.reliability.support import record_figures

PLAYBOOK = "version: 1\nname: 状态\ndepartments:\n  - name: 市场部\nroles:\n  - name: 市场经理\n    permissions:\n" \
           "      leads: [view]\n"
LEADS = "姓名,公司,手机\n张三,甲公司,13911110001\n"

# (what is in the way, the command): "state" makes .mktctl a file; "file" makes ./f a file and the command
# writes under it; "folder" makes ./d a folder and the command writes a file named d (each is named so in
# the test ids, and renamed in the folder to something the message cannot contain by chance)
CASES = [
    ("state", ["plan"]), ("state", ["apply", "--yes"]), ("state", ["steps"]), ("state", ["confirm", "--all-pending"]),
    ("state", ["checklist"]), ("state", ["leads", "import", "leads.csv", "--out", "out"]),
    ("state", ["leads", "link", "--out", "out"]), ("state", ["tenant", "export", "--out", ".mktctl/exported"]),
    ("file", ["report", "--out", "f/report.html"]), ("file", ["checklist", "-o", "xlsx", "--out", "f/c.xlsx"]),
    ("file", ["checklist", "--out", "f/c.md"]), ("file", ["tenant", "export", "--out", "f/exported"]),
    ("file", ["workbook", "export", "--out", "f/w.xlsx"]), ("file", ["workbook", "survey", "--out", "f/s.xlsx"]),
    ("file", ["test", "--out", "f/junit.xml"]), ("file", ["init", "f/new"]),
    ("file", ["leads", "template", "-o", "f/t.xlsx"]), ("file", ["leads", "check", "leads.csv", "--out", "f"]),
    ("file", ["leads", "check", "leads.csv", "--out", "f/o"]),
    ("file", ["leads", "import", "leads.csv", "--out", "f/o"]), ("file", ["leads", "link", "--out", "f/o"]),
    ("file", ["plan", "--out", "f/plan.json"]),
    ("folder", ["report", "--out", "d"]), ("folder", ["checklist", "-o", "xlsx", "--out", "d"]),
    ("folder", ["checklist", "--out", "d"]), ("folder", ["workbook", "export", "--out", "d"]),
    ("folder", ["leads", "template", "-o", "d"]), ("folder", ["plan", "--out", "d"]),
]


NAMES = {"f": "in-the-way.txt", "d": "a-folder"}


def prepare(folder: Path, blocker: str, args: list[str], mktctl: object) -> tuple[str, list[str]]:
    """The folder with what is in the way; returns its name and the command's arguments naming it."""
    if args[0] == "test":  # the starter playbook has a test to run
        assert mktctl("init", "--force", str(folder)).code == 0  # type: ignore[operator]
    else:
        (folder / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    (folder / "leads.csv").write_text(LEADS, encoding="utf-8")
    args = [NAMES["f"] + a[1:] if a == "f" or a.startswith("f/") else NAMES["d"] if a == "d" else a for a in args]
    if blocker == "state":
        (folder / ".mktctl").write_text("a file where mktctl keeps its state folder", encoding="utf-8")
        return ".mktctl", args
    if blocker == "file":
        (folder / NAMES["f"]).write_text("a file where a folder is expected", encoding="utf-8")
        return NAMES["f"], args
    (folder / NAMES["d"]).mkdir()
    return NAMES["d"], args


@pytest.mark.e2e
@pytest.mark.parametrize(("blocker", "args"), CASES, ids=[f"{b}:{' '.join(a)}" for b, a in CASES])
def test_a_command_meeting_unusable_state_or_output_says_where_and_exits_1(tmp_path, mktctl, blocker: str,
                                                                            args: list[str]) -> None:
    name, args = prepare(tmp_path, blocker, args, mktctl)

    done = mktctl(*args)

    assert done.code == 1, done.output
    assert "internal error" not in done.output and "Traceback" not in done.output
    assert "error: " in done.stderr and name in done.stderr.split("error: ", 1)[1], done.stderr
    assert "Errno" not in done.stderr, "told in words, not as the system's error number"
    record_figures("unusable state or output", {"command": " ".join(args), "in the way": blocker,
                                                "message": done.stderr.strip().splitlines()[-2:]})


def crash_free(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def test_permission_denied_on_the_state_folder_names_it(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    real_mkdir = os.mkdir

    def refused(path: object, *args: object, **kwargs: object) -> None:
        if str(path).endswith(".mktctl"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        real_mkdir(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "mkdir", refused)
    code, err = crash_free(["plan"], capsys)

    assert code == 1, err
    assert f"error: permission denied: {tmp_path / '.mktctl'}" in err
    assert "hint: give your user access to" in err and "internal error" not in err


@pytest.mark.parametrize(("code", "said"), [(errno.ENOSPC, "no space left on the disk for"),
                                            (errno.EROFS, "is on a read-only file system")])
def test_a_full_or_read_only_disk_names_the_file_being_written(tmp_path, monkeypatch, capsys, code: int,
                                                               said: str) -> None:
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def full(fd: int) -> None:
        raise OSError(code, os.strerror(code))  # as the system says it: no file named

    monkeypatch.setattr(os, "fsync", full)
    exit_code, err = crash_free(["report", "--out", "report.html"], capsys)

    assert exit_code == 1, err
    assert said in err and "report.html" in err, err
    assert "internal error" not in err
    assert not list(tmp_path.glob(".report.html.*")), "the half-written temporary file is gone"


def test_an_error_about_mktctls_own_files_is_still_a_bug(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    template = Path(fileerrors.__file__).parents[1] / "templates" / "report" / "missing.html"

    def broken(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(template))

    import mktctl.deliver.report as report

    monkeypatch.setattr(report, "build", broken)
    exit_code, err = crash_free(["report", "--out", "report.html"], capsys)

    assert exit_code == 3 and "internal error: FileNotFoundError" in err and "this is a bug in mktctl" in err


@pytest.mark.parametrize("error", [
    OSError(errno.EBADF, "Bad file descriptor"),  # no file, not the disk: a bug
    ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
    TimeoutError("timed out"),
])
def test_errors_that_are_not_about_the_users_files_are_left_alone(error: OSError) -> None:
    assert file_access_error(error) is None


def test_an_os_error_wrapped_by_a_writer_or_given_as_the_cause_is_found(tmp_path) -> None:
    target = tmp_path / "out.xlsx"
    denied = PermissionError(errno.EACCES, "Permission denied", str(target))

    class FileCreateError(Exception):  # what a spreadsheet writer raises, with the OSError as its argument
        pass

    wrapped = FileCreateError(denied)
    caused = RuntimeError("could not save")
    caused.__cause__ = denied
    renamed = IsADirectoryError(errno.EISDIR, "Is a directory", str(tmp_path / ".out.xlsx.tmp1"), None, str(target))

    for error in (wrapped, caused, renamed):
        found = file_access_error(error)
        assert isinstance(found, FileAccessError) and found.path == str(target), error
    assert file_access_error(renamed).message == f"{target} is a folder where a file is expected"  # type: ignore[union-attr]


def test_a_path_through_a_file_names_that_file(tmp_path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    try:
        (tmp_path / "f" / "out" / "x.csv").parent.mkdir(parents=True)
    except OSError as error:
        found = file_access_error(error)
    assert found is not None
    assert found.message == f"cannot use {tmp_path / 'f' / 'out'}: {tmp_path / 'f'} is a file, not a folder"
    assert found.hint == f"move {tmp_path / 'f'} away, or choose another folder"
