"""Fuzzing the spreadsheet readers: whatever the bytes, they read them or raise DataFileError, nothing else.

Random bytes under every name the lead reader treats differently, random CSV text in the encodings it
accepts, valid workbooks with bytes overwritten, and zips of random parts. Every example is read to the
end (``Source.chunks``), as ``leads check`` does; every workbook is also given to the configuration workbook
reader (``workbook import``), which sits behind the same guard with another parser.
"""

from __future__ import annotations

import codecs
import io
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.errors import DataFileError
from mktctl.leads.read import open_source
from tests.reliability.support import record_figures

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".txt")


@pytest.fixture(scope="module")
def tally() -> Iterator[Counter[str]]:
    counts: Counter[str] = Counter()
    yield counts
    record_figures("reader fuzz", {"examples": sum(counts.values()), **counts,
                                   "refusals": dict(REASONS.most_common(12))})


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mktctl-fuzz-") as name:
        yield Path(name)


REASONS: Counter[str] = Counter()


def read_all(path: Path) -> str:
    """``read`` or ``refused``; any other exception fails the test."""
    try:
        source = open_source(path)
        for chunk in source.chunks(7):
            assert len(chunk.frame) == len(chunk.rows)
    except DataFileError as error:
        assert str(error).startswith(str(path)), str(error)
        REASONS[str(error)[len(str(path)) + 2:][:40]] += 1
        return "refused"
    return "read"


def read_form(path: Path) -> str:
    """The configuration workbook reader: ``read`` or ``refused``; any other exception fails the test."""
    from mktctl.deliver.workbook_read import read_workbook

    try:
        read_workbook(path)
    except DataFileError as error:
        assert str(error).startswith(str(path)), str(error)
        return "refused"
    return "read"


def small_workbook(stored: bool) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("线索")
    sheet.write_row(0, 0, ["姓名", "公司名称", "手机号码", "邮箱"])
    sheet.write_row(1, 0, ["张三", "示例科技", "13912345678", "zhang@corp.cn"])
    sheet.write_number(2, 2, 13912345679)
    book.close()
    if not stored:
        return buffer.getvalue()
    plain = io.BytesIO()  # the same parts stored: overwritten bytes then land in the XML itself
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(plain, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
    return plain.getvalue()


WORKBOOKS = (small_workbook(stored=False), small_workbook(stored=True))


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES),
       magic=st.sampled_from((b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", codecs.BOM_UTF8, codecs.BOM_UTF16_LE)))
def test_random_bytes(folder: Path, tally: Counter[str], data: bytes, suffix: str, magic: bytes) -> None:
    path = folder / f"bytes{suffix}"
    path.write_bytes(magic + data)
    tally[f"random bytes: {read_all(path)}"] += 1


CELL = st.text(alphabet=st.sampled_from([*"ab张三139@.,;|\t\"'\r\n =+-\\", "\u3000", "\ufeff", "\x1a"]),
               max_size=12)


@FUZZ
@given(rows=st.lists(st.lists(CELL, max_size=8), max_size=30), header=st.booleans(),
       delimiter=st.sampled_from(",;\t|"), encoding=st.sampled_from(("utf-8", "utf-8-sig", "gb18030", "utf-16")))
def test_random_csv_text(folder: Path, tally: Counter[str], rows: list[list[str]], header: bool, delimiter: str,
                         encoding: str) -> None:
    lines = ([delimiter.join(["姓名", "手机号码", "邮箱"])] if header else []) + [delimiter.join(r) for r in rows]
    path = folder / "text.csv"
    path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
    tally[f"random CSV text: {read_all(path)}"] += 1


@FUZZ
@given(which=st.sampled_from((0, 1)), edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True),
                                                               st.integers(0, 255)), min_size=1, max_size=12),
       cut=st.one_of(st.none(), st.floats(0.05, 1)))
def test_damaged_workbooks(folder: Path, tally: Counter[str], which: int, edits: list[tuple[float, int]],
                           cut: float | None) -> None:
    data = bytearray(WORKBOOKS[which])
    for where, byte in edits:
        data[int(where * len(data))] = byte
    if cut is not None:
        data = data[: max(1, int(cut * len(data)))]
    path = folder / "damaged.xlsx"
    path.write_bytes(bytes(data))
    tally[f"damaged workbook: {read_all(path)}"] += 1
    tally[f"damaged workbook, configuration reader: {read_form(path)}"] += 1


PARTS = {name: zipfile.ZipFile(io.BytesIO(WORKBOOKS[0])).read(name)
         for name in zipfile.ZipFile(io.BytesIO(WORKBOOKS[0])).namelist()}
XML_BITS = st.sampled_from((b"<", b">", b"/>", b'"', b"&", b"&#0;", b"<row>", b"<c r=\"XFD1\">", b"<c>", b"</c>",
                            b'r="A0"', b'r="ZZZZ99999999"', b't="s"', b"<v>999999</v>", b"\x00", b"\xff", b"]]>",
                            b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"&a;"))


@FUZZ
@given(name=st.sampled_from(sorted(PARTS)),
       edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 40), XML_BITS), min_size=1,
                      max_size=6))
def test_workbooks_with_damaged_xml(folder: Path, tally: Counter[str], name: str,
                                    edits: list[tuple[float, int, bytes]]) -> None:
    """Whole zips (lengths and CRCs right) whose XML was edited: what the parser itself has to survive."""
    content = bytearray(PARTS[name])
    for where, length, bit in edits:
        start = int(where * len(content))
        content[start:start + length] = bit
    path = folder / "xml.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in PARTS.items():
            archive.writestr(part, bytes(content) if part == name else data)
    tally[f"workbook with damaged XML: {read_all(path)}"] += 1
    tally[f"workbook with damaged XML, configuration reader: {read_form(path)}"] += 1


PART_NAMES = st.sampled_from(("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                              "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "content.xml", "mimetype"))


@FUZZ
@given(parts=st.dictionaries(PART_NAMES, st.binary(max_size=512), max_size=6),
       suffix=st.sampled_from((".xlsx", ".ods")))
def test_zips_of_random_parts(folder: Path, tally: Counter[str], parts: dict[str, bytes], suffix: str) -> None:
    path = folder / f"parts{suffix}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    tally[f"zip of random parts: {read_all(path)}"] += 1
    if suffix == ".xlsx":
        tally[f"zip of random parts, configuration reader: {read_form(path)}"] += 1
