"""File options given something that is not a regular file: a device that reads forever (``/dev/zero``,
``/dev/urandom``), a FIFO that blocks whoever opens it, a folder, a name with a NUL. Every option that
names a file to read goes through :mod:`mktctl.base.inputs`, which checks the type and bounds the size;
each command below answers at once with exit 1 and the file named, instead of hanging or reading forever.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from mktctl.base.inputs import file_problem, read_bounded, regular_file
from mktctl.errors import DataFileError
from tests.reliability.support import base_env, record_figures, run

SECONDS = 60  # each command answers in about a second; a hang is cut here and fails the test


def fifo(folder: Path) -> Path:
    path = folder / "pipe.yaml"
    os.mkfifo(path)
    return path


# ---- the helper ----------------------------------------------------------------------------------------


def test_a_regular_file_is_read_whole_and_its_size_returned(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"columns: {}\n")
    assert regular_file(path) == 12
    assert read_bounded(path, limit=12) == b"columns: {}\n"
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    assert read_bounded(link, limit=100) == b"columns: {}\n"


@pytest.mark.parametrize(("make", "why"), [
    (lambda folder: Path("/dev/zero"), "is a device, not a mapping file"),
    (lambda folder: Path("/dev/urandom"), "is a device, not a mapping file"),
    (fifo, "is a FIFO (named pipe), not a mapping file"),
    (lambda folder: folder, "is a folder, not a mapping file"),
    (lambda folder: folder / "missing.yaml", "file not found"),
])
def test_anything_but_a_regular_file_is_refused_without_opening_it(tmp_path: Path, make, why: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(DataFileError) as caught:
        read_bounded(path, what="mapping file", limit=1000)
    assert str(caught.value) == f"{path}: {why}" and caught.value.file == str(path)
    assert file_problem(path, what="mapping file") == why


def test_a_link_to_a_fifo_and_a_socket_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "innocent.csv"
    link.symlink_to(fifo(tmp_path))
    with pytest.raises(DataFileError, match="is a FIFO"):
        regular_file(link, what="lead file")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.sock"))
        with pytest.raises(DataFileError, match="is a socket, not a lead file"):
            regular_file(tmp_path / "s.sock", what="lead file")
    finally:
        server.close()


def test_a_nul_in_a_name_and_a_file_over_the_limit_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"a file name cannot contain a NUL character"):
        regular_file(f"{tmp_path}/a\x00b.csv", what="lead file")
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(DataFileError, match=r"the plan file is 2,000 bytes; mktctl reads at most 1,000"):
        read_bounded(big, what="plan file", limit=1000)


# ---- every command that reads a file -------------------------------------------------------------------

PLAYBOOK = "version: 1\nname: 文件\n"


def commands(hostile: str) -> dict[str, list[str]]:
    """The file options of the CLI, each given ``hostile``."""
    return {
        "leads check FILE": ["leads", "check", hostile, "--out", "out"],
        "leads check --mapping": ["leads", "check", "leads.csv", "--mapping", hostile, "--out", "out"],
        "leads link --resolve": ["leads", "link", "--resolve", hostile, "--out", "out"],
        "workbook import FILE": ["workbook", "import", hostile, "--into", "new"],
        "apply PLAN_FILE": ["apply", hostile],
        "sandbox credentials --data": ["sandbox", "credentials", "--data", hostile],
        "sandbox serve --catalog": ["sandbox", "serve", "--port", "0", "--catalog", hostile],
    }


@pytest.mark.parametrize("kind", ["/dev/zero", "/dev/urandom", "a FIFO"])
def test_every_file_option_refuses_a_device_or_a_fifo_at_once(tmp_path: Path, kind: str) -> None:
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    (tmp_path / "leads.csv").write_text("姓名,手机号码\n张三,13912345678\n", encoding="utf-8")
    hostile = str(fifo(tmp_path)) if kind == "a FIFO" else kind
    for name, args in commands(hostile).items():
        done = run(args, tmp_path, base_env(tmp_path), timeout=SECONDS)
        assert done.code == 1, (name, done.output)
        assert f"{hostile}: is a " in done.stderr or f"{hostile}: is a " in done.stdout, (name, done.output)
        assert "Traceback" not in done.output, name
        record_figures("hostile file", {"input": kind, "command": name, "seconds": round(done.seconds, 2),
                                        "exit": done.code, "message": done.stderr.splitlines()[0][:120]})


def test_an_import_whose_file_is_a_fifo_is_a_validation_error(tmp_path: Path) -> None:
    fifo(tmp_path)
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK + "imports:\n  - file: pipe.yaml\n    mapping: pipe.yaml\n",
                                          encoding="utf-8")
    done = run(["validate"], tmp_path, base_env(tmp_path), timeout=SECONDS)

    assert done.code == 1, done.output
    assert "file 'pipe.yaml': is a FIFO (named pipe), not a file to import" in done.stderr
    assert "mapping 'pipe.yaml': is a FIFO (named pipe), not a mapping file" in done.stderr
