"""File options given something that is not a regular file: a device that reads forever (``/dev/zero``,
``/dev/urandom``), a FIFO that blocks whoever opens it, a folder, a name with a NUL. Every option that
names a file to read goes through :mod:`mktctl.base.inputs`, which checks the type and bounds the size;
each command below answers at once with exit 1 and the file named, instead of hanging or reading forever.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from mktctl.base.inputs import file_problem, read_bounded, regular_file
from mktctl.errors import DataFileError, PlaybookError
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
        "migrate --map": ["migrate", "--from", "exports", "--out", "out", "--map", hostile, "--dry-run"],
        "report --imports": ["report", "--imports", hostile, "--out", "r.md"],
    }


@pytest.mark.parametrize("kind", ["/dev/zero", "/dev/urandom", "a FIFO"])
def test_every_file_option_refuses_a_device_or_a_fifo_at_once(tmp_path: Path, kind: str) -> None:
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    (tmp_path / "leads.csv").write_text("姓名,手机号码\n张三,13912345678\n", encoding="utf-8")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "people.csv").write_text("first_name,email\n张三,z@corp.cn\n", encoding="utf-8")
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


@pytest.mark.parametrize("kind", ["a FIFO", "a link to /dev/zero"])
def test_an_export_of_the_old_system_that_is_no_regular_file_is_refused_by_name(tmp_path: Path, kind: str) -> None:
    from mktctl.migrate.exports import find_files
    from mktctl.migrate.mapfile import load_map, preset_map

    (tmp_path / "people.csv").write_text("first_name,email\n张三,z@corp.cn\n", encoding="utf-8")
    opt_outs = tmp_path / "opt_outs.csv"
    if kind == "a FIFO":
        os.mkfifo(opt_outs)
    else:
        opt_outs.symlink_to("/dev/zero")
    what = "a FIFO (named pipe)" if kind == "a FIFO" else "a device"
    with pytest.raises(DataFileError) as caught:  # found by its name: refused, not read, not skipped
        find_files(tmp_path, preset_map(None))
    assert str(caught.value) == f"{opt_outs}: is {what}, not an export file"
    (tmp_path / "map.yaml").write_text("people: {file: opt_outs.csv}\n", encoding="utf-8")
    with pytest.raises(PlaybookError) as named:  # named by the map: refused where the map names it
        find_files(tmp_path, load_map(tmp_path / "map.yaml"))
    assert str(named.value.problems[0]).endswith(f"map.yaml:1:16: people.file: 'opt_outs.csv': is {what}, not an "
                                                 "export file")


def test_a_migrated_content_file_is_read_within_its_bound_and_only_if_it_is_a_file(tmp_path: Path) -> None:
    from mktctl.migrate import content
    from mktctl.migrate.exports import read_entity
    from mktctl.migrate.mapfile import preset_map

    (tmp_path / "big.html").write_bytes(b"<p>" + b"x" * content.MAX_FILE + b"</p>")
    (tmp_path / "ok.html").write_text("<p>欢迎</p>", encoding="utf-8")
    fifo(tmp_path).rename(tmp_path / "pipe.html")
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    (tmp_path / "content.csv").write_text(
        "内容ID,类型,标题,文件\nc1,article,太大的文章,big.html\nc2,email_template,欢迎,ok.html\n"
        "c3,article,管道,pipe.html\nc4,file,设备,zero.pdf\n", encoding="utf-8")
    mapping = preset_map(None)
    table = read_entity(tmp_path / "content.csv", "content", mapping)

    run = content.build(table, tmp_path, mapping, tmp_path / "out", extension=True, dry_run=True)

    outcome = {row["content_id"]: (row["status"], row["detail"]) for row in run.rows}
    assert outcome == {"c1": ("skipped", "larger than 4 MB: upload it in the console"), "c2": ("migrated", ""),
                       "c3": ("rejected", "pipe.html is not a file of the export folder"),
                       "c4": ("rejected", "zero.pdf is not a file of the export folder")}


PLAYBOOK_COMMANDS = {  # each command that works in a playbook folder, given ``folder``
    "validate": lambda folder: ["validate", folder], "plan": lambda folder: ["plan", folder],
    "apply": lambda folder: ["apply", folder, "--yes"], "steps": lambda folder: ["steps", folder],
    "confirm": lambda folder: ["confirm", "--all-pending", "--dir", folder],
    "checklist": lambda folder: ["checklist", folder], "report": lambda folder: ["report", folder],
    "test": lambda folder: ["test", folder],
    "workbook export": lambda folder: ["workbook", "export", folder, "--out", folder + ".xlsx"],
}


@pytest.mark.parametrize("kind", ["a path that does not exist", "a file", "a FIFO"])
def test_a_playbook_folder_that_is_not_one_is_refused_before_anything_is_written(tmp_path: Path, kind: str) -> None:
    from tests.reliability.support import in_process

    given = {"a path that does not exist": tmp_path / ("a/" * 1500 + "b"), "a file": tmp_path / "mktctl.yaml",
             "a FIFO": fifo(tmp_path)}[kind]
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    why = {"a path that does not exist": "no such folder", "a file": "is a file, not a playbook folder",
           "a FIFO": "is a FIFO (named pipe), not a playbook folder"}[kind]
    before = sorted(tmp_path.rglob("*"))
    for name, args in PLAYBOOK_COMMANDS.items():
        code, output = in_process(*args(str(given)))
        assert code == 1, (name, output)
        if name == "apply" and kind != "a path that does not exist":  # a file given to apply is a saved plan
            assert "not a plan file" in output, output
            continue
        assert f"error: {given}: {why}" in output, (name, output)
    assert sorted(tmp_path.rglob("*")) == before, "nothing created: no .mktctl/, no lock, no folder"


def test_an_output_path_of_any_depth_is_created_as_asked(tmp_path: Path) -> None:
    from mktctl.base.files import make_folders
    from tests.reliability.support import in_process

    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    (tmp_path / "leads.csv").write_text("姓名,手机号码\n张三,13912345678\n", encoding="utf-8")
    chain = [tmp_path / ("d/" * level) for level in range(1, 1101)]  # past the recursion limit (1,000)
    deep = chain[-1]
    try:
        for args in (["leads", "check", str(tmp_path / "leads.csv"), "--out", str(deep / "out")],
                     ["report", str(tmp_path), "--out", str(deep / "r.md")],
                     ["workbook", "export", str(tmp_path), "--out", str(deep / "w.xlsx")]):
            code, output = in_process(*args)
            assert code == 0, (args, output)
        assert {p.name for p in deep.iterdir()} == {"out", "r.md", "w.xlsx"}
    finally:  # removed here, one folder at a time: a tree this deep breaks any recursive removal (pytest's too)
        if deep.exists():
            shutil.rmtree(deep)
        for folder in reversed(chain[:-1]):
            if folder.exists():
                folder.rmdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError):  # what is in the way is said as pathlib says it
        make_folders(tmp_path / "file" / "a" / "b")
    with pytest.raises(FileExistsError):
        make_folders(tmp_path / "file")
