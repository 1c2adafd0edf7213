"""Hostile and broken spreadsheets, built in a few milliseconds each (no gigabytes written to disk).

``HOSTILE`` maps a name to ``(builder, expected message)``; a builder writes the file into a folder and
returns its path. ``zip_archive`` writes a zip from raw (already deflated) parts, so a part can claim
any size: the way to make a zip bomb of gigabytes in a file of two megabytes.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 b'spreadsheetml.sheet.main+xml"/>'
                 b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                 b'officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c>'  # 姓名
              b'<c r="B1" t="inlineStr"><is><t>\xe6\x89\x8b\xe6\x9c\xba</t></is></c></row>')  # 手机
SHEET_TAIL = b"</sheetData></worksheet>"
# one row of data without references: a parser that expands the bomb makes a cell of each
BOMB_ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


@dataclass(frozen=True)
class Part:
    name: str
    data: bytes  # raw deflate stream, or the plain bytes when stored
    size: int  # uncompressed size
    crc: int
    deflated: bool = True


def deflated(name: str, content: bytes) -> Part:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Part(name, packer.compress(content) + packer.flush(), len(content), zlib.crc32(content))


def repeated(name: str, head: bytes, unit: bytes, total: int, tail: bytes) -> Part:
    """A part of ``head``, then ``unit`` repeated to about ``total`` bytes, then ``tail``: the repeated
    middle is deflated once per 16 MiB and the blocks are concatenated (each ends on a byte boundary)."""
    block = unit * max(1, (16 << 20) // len(unit))
    copies = max(1, total // len(block))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return Part(name, start + middle * copies + end, len(head) + len(block) * copies + len(tail), crc)


def zip_archive(path: Path, parts: list[Part], *, claimed: dict[str, int] | None = None) -> Path:
    """Write ``parts`` as a zip; ``claimed`` overrides the uncompressed size a part's headers state."""
    claimed = claimed or {}
    body, directory = bytearray(), bytearray()
    for part in parts:
        size = claimed.get(part.name, part.size)
        method = 8 if part.deflated else 0
        name = part.name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, part.crc, len(part.data),
                            size & 0xFFFFFFFF, len(name), 0) + name + part.data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, part.crc,
                                 len(part.data), size & 0xFFFFFFFF, len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def workbook(path: Path, sheet: Part, *, claimed: dict[str, int] | None = None) -> Path:
    parts = [deflated("[Content_Types].xml", CONTENT_TYPES), deflated("_rels/.rels", ROOT_RELS),
             deflated("xl/workbook.xml", WORKBOOK), deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), sheet]
    return zip_archive(path, parts, claimed=claimed)


def sheet_xml(rows: bytes) -> Part:
    return deflated("xl/worksheets/sheet1.xml", SHEET_HEAD + rows + SHEET_TAIL)


# ---- the hostile files -----------------------------------------------------------------------------


def zip_bomb(folder: Path) -> Path:
    """6 MB on disk, 2 GiB of rows (45 million cells) when expanded."""
    return workbook(folder / "bomb.xlsx", repeated("xl/worksheets/sheet1.xml", SHEET_HEAD, BOMB_ROW, 2 << 30,
                                                   SHEET_TAIL))


def lying_zip_bomb(folder: Path) -> Path:
    """A 1 GiB bomb (3 MB) whose headers claim the sheet is 1 KB: only reading it tells."""
    return workbook(folder / "liar.xlsx", repeated("xl/worksheets/sheet1.xml", SHEET_HEAD, BOMB_ROW, 1 << 30,
                                                   SHEET_TAIL), claimed={"xl/worksheets/sheet1.xml": 1024})


def dense_bomb(folder: Path) -> Path:
    """Under the size limit but 400 MB from 400 KB: a ratio no spreadsheet has."""
    return workbook(folder / "dense.xlsx", repeated("xl/worksheets/sheet1.xml", SHEET_HEAD, b" ", 400 << 20,
                                                    SHEET_TAIL))


def far_cell(folder: Path) -> Path:
    """Two cells: A1 and XFD1048576. 1 KB; a dense grid of 17 billion cells to a naive parser."""
    return workbook(folder / "far.xlsx", sheet_xml(
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'))


def far_cell_hidden(folder: Path) -> Path:
    """The far cell without a leading reference, in a row that says it is row 2."""
    return workbook(folder / "far2.xlsx", sheet_xml(
        b'<row r="2"><c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row>'))


def many_rows(folder: Path) -> Path:
    """1,048,576 rows (every row Excel has), a million of them empty: read, and the blank rows skipped."""
    body = b'<row r="2"><c r="A2" t="inlineStr"><is><t>\xe5\xbc\xa0\xe4\xb8\x89</t></is></c>' \
           b'<c r="B2" t="inlineStr"><is><t>13912345678</t></is></c></row>' \
           b'<row r="1048576"><c r="B1048576" t="inlineStr"><is><t>13912345679</t></is></c></row>'
    return workbook(folder / "tall.xlsx", sheet_xml(body))


def truncated(folder: Path) -> Path:
    whole = workbook(folder / "whole.xlsx", sheet_xml(
        b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>n%d</t></is></c></row>' % (i, i, i)
                 for i in range(2, 2000))))
    data = whole.read_bytes()
    whole.unlink()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) * 3 // 5])
    return path


def corrupt_part(folder: Path) -> Path:
    """A whole zip whose sheet's bytes were damaged in transit: its CRC no longer matches."""
    part = sheet_xml(b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>')
    damaged = bytearray(part.data)
    damaged[len(damaged) // 2] ^= 0xFF
    return workbook(folder / "corrupt.xlsx", Part(part.name, bytes(damaged), part.size, part.crc))


def broken_xml(folder: Path) -> Path:
    return workbook(folder / "broken.xlsx", deflated("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c"))


def not_a_workbook_zip(folder: Path) -> Path:
    return zip_archive(folder / "photos.xlsx", [deflated("DCIM/0001.jpg", b"\xff\xd8\xff\xe0" + bytes(500))])


def junk(name: str, seed: int) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(random.Random(seed).randbytes(64 * 1024))
        return path
    return build


def ole_junk(folder: Path) -> Path:
    path = folder / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(5).randbytes(8192))
    return path


def utf16_without_bom(folder: Path) -> Path:
    path = folder / "utf16.csv"
    path.write_bytes("姓名,手机\n张三,13912345678\n".encode("utf-16-le"))
    return path


def latin1(folder: Path) -> Path:
    path = folder / "latin1.csv"
    path.write_bytes("nom,téléphone,société\nHélène,+33 6 12 34 56 78,Crème Brûlée SARL\n".encode("latin-1"))
    return path


def shift_jis(folder: Path) -> Path:
    path = folder / "sjis.csv"
    path.write_bytes("氏名,電話,メール\nヤマダ,090-1234-5678,ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ\n".encode("shift_jis"))
    return path


def nul_bytes(folder: Path) -> Path:
    path = folder / "nul.csv"
    path.write_bytes(b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x89\x8b\xe6\x9c\xba\n\x00\x00\x00,139\x00\n")
    return path


def endless_line(folder: Path) -> Path:
    """40 MB and not one line break."""
    path = folder / "oneline.csv"
    path.write_bytes("姓名,手机,".encode() + b"a" * (40 << 20))
    return path


def endless_field(folder: Path) -> Path:
    """A quoted field of 1 MB right at the start."""
    path = folder / "field.csv"
    path.write_bytes(b'"' + b"x" * (1 << 20) + "\",手机\n张三,139\n".encode())
    return path


def wide_header(folder: Path) -> Path:
    path = folder / "wide.csv"
    path.write_bytes(("姓名,手机," + ",".join(f"c{i}" for i in range(100_000)) + "\n张三,139\n").encode())
    return path


def only_bom(folder: Path) -> Path:
    path = folder / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    return path


def _with_prolog(name: str, prolog: bytes, body: bytes) -> Part:
    return deflated(name, prolog + body)


def package(path: Path, *parts: Part) -> Path:
    """A workbook of ``parts`` (sheets, a string table) beside the workbook part and its relationships."""
    return zip_archive(path, [deflated("[Content_Types].xml", CONTENT_TYPES), deflated("_rels/.rels", ROOT_RELS),
                              deflated("xl/workbook.xml", WORKBOOK),
                              deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), *parts])


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY a0 "ha">'
          + b"".join(b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)) + b"]>")


def billion_laughs(folder: Path) -> Path:
    """Ten levels of entities, each ten of the one before: 2 GB of text from a 1 KB sheet."""
    body = SHEET_HEAD.split(b"\n", 1)[1].replace(b"<t>", b"<t>&a9;", 1) + SHEET_TAIL
    return workbook(folder / "laughs.xlsx", _with_prolog("xl/worksheets/sheet1.xml", LAUGHS, body))


def external_entity(folder: Path) -> Path:
    """An entity that names a file of the machine reading the workbook."""
    prolog = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    body = SHEET_HEAD.split(b"\n", 1)[1].replace(b"<t>", b"<t>&x;", 1) + SHEET_TAIL
    return workbook(folder / "xxe.xlsx", _with_prolog("xl/worksheets/sheet1.xml", prolog, body))


def utf16_dtd(folder: Path) -> Path:
    """The same DTD in a UTF-16 part: invisible to a search for the UTF-8 bytes."""
    prolog = b'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE worksheet [<!ENTITY a "x">]>'
    body = SHEET_HEAD.split(b"\n", 1)[1] + SHEET_TAIL
    part = deflated("xl/worksheets/sheet1.xml", b"\xff\xfe" + (prolog + body).decode().encode("utf-16-le"))
    return workbook(folder / "utf16dtd.xlsx", part)


def many_sheets(folder: Path, count: int = 1_001) -> Path:
    """``count`` sheet parts of one cell each (the parser reads each sheet it is asked for whole)."""
    sheets = [deflated(f"xl/worksheets/sheet{i}.xml", SHEET_HEAD + SHEET_TAIL) for i in range(1, count + 1)]
    return package(folder / "sheets.xlsx", *sheets)


def many_strings(folder: Path, count: int = 500_001) -> Path:
    """A shared string table of ``count`` one-letter strings (8.5 MB expanded: under every size limit)."""
    table = (b'<?xml version="1.0"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + b"<si><t>a</t></si>" * count + b"</sst>")
    return package(folder / "strings.xlsx", sheet_xml(b""), deflated("xl/sharedStrings.xml", table))


def many_cells(folder: Path, rows: int = 125_001) -> Path:
    """Two sheets of 250,004 written cells each (a header of two, then two a row), under the extent limits:
    500,008 cells for a parser that keeps each as an object."""
    def sheet(number: int) -> Part:
        body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c></row>' % (r, r, r)
                        for r in range(2, rows + 2))
        return deflated(f"xl/worksheets/sheet{number}.xml", SHEET_HEAD + body + SHEET_TAIL)

    return package(folder / "cells.xlsx", sheet(1), sheet(2))


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "zip bomb (6 MB → 2 GiB)": (zip_bomb, "expands to 2,048 MB"),
    "zip bomb with lying headers": (lying_zip_bomb, "damaged or incomplete"),
    "400 MB of padding at 1000:1": (dense_bomb, "refused as a zip bomb"),
    "a cell in XFD1048576": (far_cell, "17,179,869,184 cells"),
    "a far cell behind a false row number": (far_cell_hidden, "cells, at most 20,000,000"),
    "truncated xlsx": (truncated, "damaged or incomplete"),
    "xlsx with a damaged part": (corrupt_part, "damaged or incomplete"),
    "xlsx with broken XML": (broken_xml, "cannot"),
    "a zip that is no workbook": (not_a_workbook_zip, "cannot open the workbook"),
    "binary junk named .csv": (junk("junk.csv", 1), "is neither"),
    "binary junk named .xlsx": (junk("junk.xlsx", 2), "is neither"),
    "OLE header and junk named .xls": (ole_junk, "cannot open the workbook"),
    "UTF-16 without BOM": (utf16_without_bom, "is neither"),
    "Latin-1 text": (latin1, "is neither"),
    "Shift-JIS text": (shift_jis, ""),
    "NUL bytes in a CSV": (nul_bytes, "is neither"),
    "40 MB without a line break": (endless_line, "cannot parse the CSV file"),
    "a 1 MB field": (endless_field, "cannot parse the CSV file"),
    "100,000 columns": (wide_header, "(at most 2,000)"),
    "a BOM and nothing else": (only_bom, "no "),
    "a billion laughs (DTD entities)": (billion_laughs, "declares a DTD"),
    "an external entity": (external_entity, "declares a DTD"),
    "a DTD in a UTF-16 part": (utf16_dtd, "declares a DTD"),
    "1,001 sheets": (many_sheets, "1,001 sheets (at most 1,000)"),
}

# the same workbooks given to `mktctl workbook import`, whose reader keeps every cell as an object: the guard's
# messages are the same, and its limits lower
WORKBOOK_HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    **{name: HOSTILE[name] for name in ("zip bomb (6 MB → 2 GiB)", "zip bomb with lying headers",
                                        "a cell in XFD1048576", "truncated xlsx", "xlsx with a damaged part",
                                        "a billion laughs (DTD entities)", "an external entity",
                                        "a DTD in a UTF-16 part")},
    "a far cell behind a false row number": (far_cell_hidden, "cells, at most 500,000"),
    "400 MB of padding at 1000:1": (dense_bomb, "zip bomb"),
    "xlsx with broken XML": (broken_xml, "cannot read the workbook"),
    "a zip that is no workbook": (not_a_workbook_zip, "cannot read the workbook"),
    "binary junk named .xlsx": (junk("junk.xlsx", 2), "not an xlsx workbook"),
    "257 sheets": (lambda folder: many_sheets(folder, 257), "257 sheets (at most 256)"),
    "500,001 shared strings": (many_strings, "more than 500,000 strings"),
    "500,008 cells written": (many_cells, "500,008 cells (at most 500,000)"),
}
