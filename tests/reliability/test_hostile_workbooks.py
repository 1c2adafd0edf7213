"""Every reader of workbooks goes through the one guard (``mktctl.base.workbook_guard``): the lead reader
(``leads check``/``import``, ``leads link --resolve``, the exports ``mktctl migrate`` reads, the lead and
events files of ``mktctl simulate``) and the
configuration workbook reader (``workbook import`` of a filled-in configuration workbook or survey). The hostile
workbooks of ``hostile.py`` are given to each; ``workbook import`` is also run as the real command under the
memory ceiling of test_security.py, and ``migrate`` in process.

The probe that found the gap: the client sends back a 60 KB configuration workbook with one cell typed in
XFD1048576; ``workbook import`` ran for a minute and exhausted memory.
"""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from mktctl.deliver.workbook_read import read_workbook
from mktctl.errors import DataFileError
from mktctl.leads.link import read_ambiguity_workbook
from mktctl.leads.read import open_source
from tests.reliability.hostile import HOSTILE, WORKBOOK_HOSTILE
from tests.reliability.support import base_env, in_process, mktctl_command, record_figures
from tests.reliability.test_security import TIME_CEILING_S, _ceiling


def exported_workbook(folder: Path) -> Path:
    """A configuration workbook as `mktctl workbook export` writes it, of a small playbook."""
    from mktctl.deliver.workbook_export import Content, write_workbook

    path = folder / "配置.xlsx"
    write_workbook(Content(name="回传", language="zh-CN"), path, lang="zh-CN", generated_at="2026-01-01T00:00:00",
                   generator="test", survey=None)
    return path


def with_far_cell(path: Path, sheet_index: int = 2) -> Path:
    """The workbook with one more cell, in XFD1048576 of its ``sheet_index``-th sheet part."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    target = path.with_name("far-" + path.name)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == f"xl/worksheets/sheet{sheet_index}.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
                                                     b"</is></c></row></sheetData>")
            archive.writestr(name, data)
    return target


def sheet_name(path: Path, index: int) -> str:
    import openpyxl

    return openpyxl.load_workbook(path).sheetnames[index - 1]


def read_events(path: Path) -> None:
    """The reader of ``mktctl simulate``'s behaviour events."""
    from mktctl.rules.history import read_events as read

    read(path)


def read_export(path: Path) -> None:
    """The reader of ``mktctl migrate``: an old system's export file as its people."""
    from mktctl.migrate.exports import read_entity
    from mktctl.migrate.mapfile import preset_map

    read_entity(path, "people", preset_map(None))


@pytest.mark.parametrize("name", list(WORKBOOK_HOSTILE))
def test_every_reader_refuses_each_hostile_workbook(tmp_path: Path, name: str) -> None:
    build, message = WORKBOOK_HOSTILE[name]
    path = build(tmp_path)
    with pytest.raises(DataFileError) as form:
        read_workbook(path)
    assert str(form.value).startswith(f"{path}: ") and message in str(form.value), str(form.value)
    if name in HOSTILE:  # the others are within the lead reader's limits, which are higher
        with pytest.raises(DataFileError) as lead:
            for _ in open_source(path).chunks(1000):
                pass
        assert str(lead.value).startswith(f"{path}: ") and HOSTILE[name][1] in str(lead.value), str(lead.value)
        with pytest.raises(DataFileError) as export:
            read_export(path)
        assert str(export.value) == str(lead.value)
        with pytest.raises(DataFileError) as events:
            read_events(path)
        assert str(events.value) == str(lead.value)


def test_an_exported_workbook_with_one_far_cell_is_refused_naming_its_sheet(tmp_path: Path) -> None:
    clean = exported_workbook(tmp_path)
    far = with_far_cell(clean)
    assert far.stat().st_size < 100_000
    started = time.monotonic()

    with pytest.raises(DataFileError) as caught:
        read_workbook(far)

    assert time.monotonic() - started < TIME_CEILING_S
    assert f"sheet {sheet_name(clean, 2)!r} (part xl/worksheets/sheet2.xml) spans 1,048,576 rows by 16,384 " \
           "columns" in str(caught.value)
    assert "Ctrl+End" in (caught.value.hint or "")
    assert read_workbook(clean).tables, "the same workbook without the far cell is read"


def test_an_ambiguities_workbook_is_guarded_like_every_lead_file(tmp_path: Path) -> None:
    path = HOSTILE["a cell in XFD1048576"][0](tmp_path)
    with pytest.raises(DataFileError, match="17,179,869,184 cells"):
        read_ambiguity_workbook(path)
    path = HOSTILE["a billion laughs (DTD entities)"][0](tmp_path)
    with pytest.raises(DataFileError, match="declares a DTD"):
        read_ambiguity_workbook(path)


def test_migrate_refuses_an_export_with_a_far_cell_or_a_dtd_before_writing_a_result(tmp_path: Path) -> None:
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 迁移\n", encoding="utf-8")
    for name, build in (("a cell in XFD1048576", HOSTILE["a cell in XFD1048576"][0]),
                        ("a billion laughs (DTD entities)", HOSTILE["a billion laughs (DTD entities)"][0])):
        exports = tmp_path / "exports"
        exports.mkdir()
        build(exports).rename(exports / "people.xlsx")
        started = time.monotonic()
        code, output = in_process("migrate", "--from", str(exports), "--out", str(tmp_path / "out"), "--dry-run",
                               str(tmp_path))
        seconds = time.monotonic() - started

        assert code == 1, output
        assert f"error: {exports / 'people.xlsx'}: " in output and HOSTILE[name][1] in output, output
        assert "Traceback" not in output
        assert [p.name for p in (tmp_path / "out").iterdir()] == ["migrate.lock"], "no result before the refusal"
        record_figures("hostile workbook import", {"input": f"migrate: {name}", "seconds": round(seconds, 2),
                                                   "exit": code, "message": first_line(output)})
        for path in exports.iterdir():
            path.unlink()
        exports.rmdir()


def first_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("error:"))[:160]


def run_import(folder: Path, path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(mktctl_command("workbook", "import", path.name, "--into", "out"), cwd=folder,
                          env=base_env(folder), capture_output=True, text=True, encoding="utf-8",
                          timeout=TIME_CEILING_S * 2, check=False, preexec_fn=_ceiling)
    return done, time.monotonic() - started


@pytest.mark.e2e
@pytest.mark.parametrize("name", [*WORKBOOK_HOSTILE, "the client's workbook with a far cell"])
def test_workbook_import_refuses_hostile_workbooks_within_the_ceilings(tmp_path: Path, name: str) -> None:
    if name in WORKBOOK_HOSTILE:
        build, message = WORKBOOK_HOSTILE[name]
        path = build(tmp_path)
    else:
        path, message = with_far_cell(exported_workbook(tmp_path)), "17,179,869,184 cells"
    done, seconds = run_import(tmp_path, path)

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith(f"error: {path.name}: ") and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert seconds < TIME_CEILING_S
    assert not (tmp_path / "out").exists()
    record_figures("hostile workbook import", {"input": name, "bytes": path.stat().st_size,
                                               "seconds": round(seconds, 2), "exit": done.returncode,
                                               "message": done.stderr.splitlines()[0][:160]})
