"""The one guard every reader of workbooks (xlsx, xls, ods) calls before its parser sees the file.

``check_workbook(path, kind, limits)`` raises :class:`~mktctl.errors.DataFileError` with a clear message when
a workbook would cost unbounded time or memory to read, is not a whole workbook, or carries what no
spreadsheet needs; each reader passes the :class:`WorkbookLimits` of its parser (the lead reader streams
millions of rows through calamine; the configuration workbook reader holds every cell as an openpyxl object).

* the file is a regular file (never a device or a FIFO: :mod:`mktctl.base.inputs`) no bigger than
  ``file_bytes``;
* an xlsx/ods (a zip archive) is damaged or truncated, has more than ``parts`` parts, expands to more than
  ``expanded_bytes``, or has a part compressed more than ``ratio`` to 1 (a zip bomb); every part is
  decompressed once, as a stream, so a header that lies about a part's size is caught by its length and CRC
  before the parser ever sees it;
* a part declares a DTD (``<!DOCTYPE``, ``<!ENTITY``): a spreadsheet never needs one, and entities expand
  (billion laughs) or reach outside (external entities) in parsers that honour them;
* an xlsx has more than ``sheets`` sheets, a sheet spans more than ``sheet_cells`` cells from its first to
  its last cell (one cell in XFD1048576 spans 17 billion), all sheets together more than ``cells_spanned``,
  more than ``cells_written`` cells are written, or the shared string table holds more than
  ``shared_strings`` strings (every parser keeps it whole in memory). The extents are read from the cell
  references in the same streaming pass (:mod:`mktctl.base.sheet_extent`).

Legacy .xls (OLE) files are not compressed: their cost is bounded by the file size (at most 65,536 rows of
256 columns). ODS sheets are bounded by the parser itself (100 million cells) and by the zip checks.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from mktctl.base.inputs import regular_file
from mktctl.base.sheet_extent import GridScan
from mktctl.errors import DataFileError

_BLOCK = 4 * 1024 * 1024
_KEPT_BYTES = 4 * 1024 * 1024  # the workbook part and its relationships are kept to name the sheets
_EXTENT_HINT = "delete the empty rows and columns far below or right of the data (Ctrl+End shows the last cell)"
# a DTD in UTF-8 or in UTF-16 (either byte order): expat reads all three
_DTD = re.compile(b"|".join(re.escape(word.encode(encoding)) for word in ("<!DOCTYPE", "<!ENTITY")
                            for encoding in ("utf-8", "utf-16-le", "utf-16-be")), re.IGNORECASE)
_DTD_CARRY = 32
_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".ico", ".webp")
_STRING_TABLE = re.compile(rb"<([A-Za-z_][\w.-]*:)?sst[\s>]")


@dataclass(frozen=True)
class WorkbookLimits:
    """What one reader of workbooks accepts (see the module's docstring for each bound)."""

    file_bytes: int
    expanded_bytes: int
    sheets: int
    sheet_cells: int
    cells_spanned: int
    shared_strings: int
    cells_written: int | None = None  # None: the parser does not keep a cell as an object
    parts: int = 10_000
    ratio: int = 200
    ratio_floor_bytes: int = 16 * 1024 * 1024  # parts smaller than this expanded are never a bomb worth refusing
    hint: str = "open it in Excel or WPS and save it again, or split it"  # what to do with a workbook too large


@dataclass
class WorkbookScan:
    """What the guard found in a workbook it let through."""

    parts: int = 0
    expanded: int = 0
    sheets: int = 0
    cells_spanned: int = 0
    cells_written: int = 0
    shared_strings: int = 0
    extents: dict[str, GridScan] = field(default_factory=dict)  # sheet part -> its extent


def _mb(size: float) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_workbook(path: Path, kind: str, limits: WorkbookLimits) -> WorkbookScan:
    """Refuse a workbook that is too big, a zip bomb, damaged, declares a DTD, or has too many or too large
    sheets for a reader with ``limits``; ``kind`` is xlsx, xls or ods."""
    size = regular_file(path, what="workbook")
    if size > limits.file_bytes:
        raise DataFileError(f"{path}: the workbook is {_mb(size)}; mktctl reads workbooks up to "
                            f"{_mb(limits.file_bytes)}", file=str(path), hint=limits.hint)
    if kind == "xls":
        return WorkbookScan()
    return _Zip(path, kind, limits).check()


def _damaged(path: Path, why: str) -> DataFileError:
    return DataFileError(f"{path}: the workbook is damaged or incomplete ({why})", file=str(path),
                         hint="open it in Excel or WPS and save it again, or ask for the file once more")


class _Zip:
    def __init__(self, path: Path, kind: str, limits: WorkbookLimits) -> None:
        self.path, self.kind, self.limits = path, kind, limits
        self.scan = WorkbookScan()
        self.kept: dict[str, bytes] = {}

    def refuse(self, message: str, hint: str | None = None) -> DataFileError:
        return DataFileError(f"{self.path}: {message}", file=str(self.path), hint=hint)

    def check(self) -> WorkbookScan:
        try:
            archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
            raise _damaged(self.path, str(exc) or type(exc).__name__) from None
        with archive:
            parts = archive.infolist()
            self._check_declared(parts)
            for part in parts:
                if not part.is_dir():
                    self._read_part(archive, part)
        self._check_sheets()
        return self.scan

    def _check_declared(self, parts: list[zipfile.ZipInfo]) -> None:
        limits = self.limits
        self.scan.parts = len(parts)
        if len(parts) > limits.parts:
            raise self.refuse(f"the workbook has {len(parts):,} parts (at most {limits.parts:,}); it is not a "
                              "spreadsheet mktctl can read")
        declared = sum(p.file_size for p in parts)
        if declared > limits.expanded_bytes:
            raise self.refuse(f"the workbook expands to {_mb(declared)} (at most {_mb(limits.expanded_bytes)}); "
                              "refused as too large or a zip bomb", limits.hint)
        for part in parts:
            if part.file_size > limits.ratio_floor_bytes and part.file_size > limits.ratio * max(part.compress_size, 1):
                ratio = part.file_size // max(part.compress_size, 1)
                raise self.refuse(f"part {part.filename} expands {ratio:,} times (to {_mb(part.file_size)}); "
                                  "refused as a zip bomb")

    def _read_part(self, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
        name = part.filename
        grid = GridScan() if self.kind == "xlsx" else None
        strings = _Count(_STRING_TABLE, b"si") if self.kind == "xlsx" else None
        dtd = not name.lower().endswith(_MEDIA)
        keep = name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels") and part.file_size <= _KEPT_BYTES
        tail, kept = b"", bytearray()
        try:
            with archive.open(part) as stream:
                while block := stream.read(_BLOCK):
                    self.scan.expanded += len(block)
                    if self.scan.expanded > self.limits.expanded_bytes:  # headers lied; zipfile stops at them
                        raise self.refuse(f"the workbook expands to more than {_mb(self.limits.expanded_bytes)}; "
                                          "refused as too large or a zip bomb", self.limits.hint)
                    if dtd and _DTD.search(tail + block):
                        raise self.refuse(f"part {name} declares a DTD (<!DOCTYPE or <!ENTITY); no spreadsheet "
                                          "needs one, and its entities can expand without bound; refused",
                                          "open it in Excel or WPS and save it again as .xlsx")
                    tail = block[-_DTD_CARRY:]
                    for scan in (grid, strings):
                        if scan is not None:
                            scan.feed(block)
                    if keep and len(kept) + len(block) <= _KEPT_BYTES:
                        kept += block
                for scan in (grid, strings):
                    if scan is not None:
                        scan.finish()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            # a bad CRC or a length that differs from the header, a cut-off stream, an unknown method, encryption
            raise _damaged(self.path, f"{name}: {exc}") from None
        except OSError as exc:
            raise self.refuse(f"cannot read the file: {exc.strerror or exc}") from None
        if keep:
            self.kept[name] = bytes(kept)
        if grid is not None and grid.is_sheet:
            self.scan.extents[name] = grid
        if strings is not None:
            self.scan.shared_strings += strings.count
            if self.scan.shared_strings > self.limits.shared_strings:
                raise self.refuse(f"the workbook's shared string table holds more than "
                                  f"{self.limits.shared_strings:,} strings; refused", self.limits.hint)

    def _check_sheets(self) -> None:
        scan, limits = self.scan, self.limits
        scan.sheets = len(scan.extents)
        if scan.sheets > limits.sheets:
            raise self.refuse(f"the workbook has {scan.sheets:,} sheets (at most {limits.sheets:,})", limits.hint)
        names = _sheet_names(self.kept)
        for part, grid in scan.extents.items():
            cells = grid.cells()
            scan.cells_spanned += cells
            scan.cells_written += grid.written
            if cells > limits.sheet_cells:
                raise self.refuse(f"{_sheet(part, names)} spans {grid.rows:,} rows by {grid.width:,} columns "
                                  f"({cells:,} cells, at most {limits.sheet_cells:,}); refused",
                                  f"{_EXTENT_HINT}, or {limits.hint}")
        if scan.cells_spanned > limits.cells_spanned:
            raise self.refuse(f"the sheets span {scan.cells_spanned:,} cells together (at most "
                              f"{limits.cells_spanned:,}); refused", f"{_EXTENT_HINT}, or {limits.hint}")
        if limits.cells_written is not None and scan.cells_written > limits.cells_written:
            raise self.refuse(f"the workbook has {scan.cells_written:,} cells (at most {limits.cells_written:,}); "
                              "refused", limits.hint)


def _sheet(part: str, names: dict[str, str]) -> str:
    name = names.get(part)
    return f"sheet {name!r} (part {part})" if name else f"sheet part {part}"


def _sheet_names(kept: dict[str, bytes]) -> dict[str, str]:
    """Sheet part -> the sheet's name, from the workbook part and its relationships (for messages only)."""
    workbook, rels = kept.get("xl/workbook.xml", b""), kept.get("xl/_rels/workbook.xml.rels", b"")
    targets: dict[bytes, str] = {}
    for tag in re.finditer(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels):
        ident = re.search(rb'\sId="([^"]*)"', tag.group())
        target = re.search(rb'\sTarget="([^"]*)"', tag.group())
        if ident and target:
            where = target.group(1).decode("utf-8", "replace")
            targets[ident.group(1)] = where.lstrip("/") if where.startswith("/") else f"xl/{where}"
    names: dict[str, str] = {}
    for tag in re.finditer(rb"<(?:[\w.-]+:)?sheet\b[^>]*>", workbook):
        name = re.search(rb'\sname="([^"]*)"', tag.group())
        ident = re.search(rb'\s[\w.-]+:id="([^"]*)"', tag.group())
        if name and ident and ident.group(1) in targets:
            names[targets[ident.group(1)]] = html.unescape(name.group(1).decode("utf-8", "replace"))
    return names


class _Count:
    """Counts the ``element`` children of a part whose root is ``root`` (the strings of a shared string table),
    as the bytes stream past."""

    def __init__(self, root: re.Pattern[bytes], element: bytes) -> None:
        self.root, self.element = root, element
        self.count = 0
        self._pattern: re.Pattern[bytes] | None = None
        self._carry = b""

    def feed(self, block: bytes) -> None:
        data = self._carry + block
        cut = data.rfind(b">") + 1
        self._carry = data[cut:][-1024:]
        self._scan(data[:cut])

    def finish(self) -> None:
        self._scan(self._carry)
        self._carry = b""

    def _scan(self, data: bytes) -> None:
        if self._pattern is None:
            found = self.root.search(data)
            if found is None:
                return
            self._pattern = re.compile(b"<" + re.escape(found.group(1) or b"") + re.escape(self.element) + rb"[\s>/]")
        self.count += len(self._pattern.findall(data))
