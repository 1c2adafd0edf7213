"""Guards against hostile or broken workbooks, checked before a workbook reaches the spreadsheet parser.

``check_workbook(path, kind)`` raises :class:`~mktctl.errors.DataFileError` with a clear message when a
workbook would cost unbounded time or memory to read, or is not a whole workbook:

* the file is bigger than :data:`MAX_WORKBOOK_BYTES` (a lead file that large is read faster and in
  bounded memory as CSV, which streams);
* an xlsx/ods (a zip archive) is damaged or truncated, has more than :data:`MAX_PARTS` parts, expands to
  more than :data:`MAX_EXPANDED_BYTES`, or has a part compressed more than :data:`MAX_RATIO` to 1 (a zip
  bomb); every part is decompressed once, as a stream, so a header that lies about a part's size is
  caught by its length and CRC before the parser ever sees it;
* an xlsx sheet spans more than :data:`MAX_CELLS` cells from its first to its last cell. The parser holds a
  sheet as a dense grid (32 bytes a cell), so a 5 KB file with one cell in A1 and one in XFD1048576 would
  ask for 550 GB and abort the process; the cell references are scanned in the same pass.

``check_rows`` and ``check_width`` bound any file, CSV included, as it is read: 2,000,000 data rows and
2,000 columns.

Legacy .xls (OLE) files are not compressed: their cost is bounded by the file size (at most 65,536 rows of
256 columns). ODS sheets are bounded by the parser itself (100 million cells) and by the zip checks.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from mktctl.errors import DataFileError

MAX_WORKBOOK_BYTES = 256 * 1024 * 1024
MAX_EXPANDED_BYTES = 512 * 1024 * 1024
MAX_PARTS = 10_000
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 16 * 1024 * 1024  # parts smaller than this expanded are never a bomb worth refusing
MAX_CELLS = 20_000_000
MAX_ROWS = 2_000_000  # data rows in one file: far more than one import should hold (5 creates a second: 4.6 days)
MAX_COLUMNS = 2_000
_BLOCK = 4 * 1024 * 1024
_CARRY_LIMIT = 64 * 1024
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_CSV_HINT = "save it from Excel as 'CSV UTF-8' (CSV files are read as a stream), or split it"


def _mb(size: float) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_workbook(path: Path, kind: str) -> None:
    """Refuse a workbook that is too big, a zip bomb, damaged, or a sheet whose grid is too large."""
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        raise DataFileError(f"{path}: the workbook is {_mb(size)}; mktctl reads workbooks up to "
                            f"{_mb(MAX_WORKBOOK_BYTES)}", file=str(path), hint=_CSV_HINT)
    if kind == "xls":
        return
    _check_zip(path, kind)


def check_rows(path: Path, rows: int, limit: int = MAX_ROWS) -> None:
    """Called as a file is read: refuse it once it has more than ``limit`` (:data:`MAX_ROWS`) data rows."""
    if rows > limit:
        raise DataFileError(f"{path}: the file has more than {limit:,} data rows; mktctl reads at most "
                            f"{limit:,} in one file", file=str(path), hint="split it into several files and "
                                                                          "import each")


def check_width(path: Path, columns: int, *, cut: bool = False) -> None:
    """Refuse a header row of more than :data:`MAX_COLUMNS` columns (``cut``: counted in the file's start)."""
    if columns > MAX_COLUMNS:
        counted = f"{columns:,} columns or more" if cut else f"{columns:,} columns"
        raise DataFileError(f"{path}: the header row has {counted} (at most {MAX_COLUMNS:,}); is it a lead "
                            "file?", file=str(path), hint="delete the columns that are not lead fields, or give "
                                                          "--header-row if the header is not where it was found")


def _damaged(path: Path, why: str) -> DataFileError:
    return DataFileError(f"{path}: the workbook is damaged or incomplete ({why})", file=str(path),
                         hint="open it in Excel or WPS and save it again, or ask for the file once more")


def _check_zip(path: Path, kind: str) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
        raise _damaged(path, str(exc) or type(exc).__name__) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise DataFileError(f"{path}: the workbook has {len(parts):,} parts (at most {MAX_PARTS:,}); it is "
                                "not a spreadsheet mktctl can read", file=str(path))
        declared = sum(p.file_size for p in parts)
        if declared > MAX_EXPANDED_BYTES:
            raise DataFileError(f"{path}: the workbook expands to {_mb(declared)} (at most "
                                f"{_mb(MAX_EXPANDED_BYTES)}); refused as too large or a zip bomb",
                                file=str(path), hint=_CSV_HINT)
        for part in parts:
            if part.file_size > RATIO_FLOOR_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                ratio = part.file_size // max(part.compress_size, 1)
                raise DataFileError(f"{path}: part {part.filename} expands {ratio:,} times (to "
                                    f"{_mb(part.file_size)}); refused as a zip bomb", file=str(path))
        expanded = 0
        for part in parts:
            if part.is_dir():
                continue
            scan = _GridScan() if kind == "xlsx" and _SHEET_PART.match(part.filename) else None
            expanded = _read_part(path, archive, part, expanded, scan)
            if scan is not None:
                cells = scan.cells()
                if cells > MAX_CELLS:
                    raise DataFileError(
                        f"{path}: sheet part {part.filename} spans {scan.height:,} rows by {scan.width:,} columns "
                        f"({cells:,} cells, at most {MAX_CELLS:,}); refused", file=str(path),
                        hint="delete the empty rows and columns far below or right of the data (Ctrl+End shows "
                             "the last cell), or " + _CSV_HINT)


def _read_part(path: Path, archive: zipfile.ZipFile, part: zipfile.ZipInfo, expanded: int,
               scan: _GridScan | None) -> int:
    try:
        with archive.open(part) as stream:
            while block := stream.read(_BLOCK):
                expanded += len(block)
                if expanded > MAX_EXPANDED_BYTES:  # cannot happen with honest headers; zipfile stops at them
                    raise DataFileError(f"{path}: the workbook expands to more than {_mb(MAX_EXPANDED_BYTES)}; "
                                        "refused as too large or a zip bomb", file=str(path), hint=_CSV_HINT)
                if scan is not None:
                    scan.feed(block)
            if scan is not None:
                scan.finish()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        # a bad CRC or a length that differs from the header, a cut-off stream, an unknown method, encryption
        raise _damaged(path, f"{part.filename}: {exc}") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read the file: {exc.strerror or exc}", file=str(path)) from None
    return expanded


# ---- the grid of an xlsx sheet ---------------------------------------------------------------------


def column_number(letters: bytes) -> int:
    """b"A" → 1, b"Z" → 26, b"AA" → 27, b"XFD" → 16384."""
    number = 0
    for byte in letters.upper():
        number = number * 26 + (byte - 64)
    return number


def greater_than(number: int) -> bytes:
    """A regex of the decimal numbers greater than ``number`` (no leading zeros): ``greater_than(57)`` matches
    58..59, 60..99 and every number of three digits or more."""
    text = str(number)
    options = [rb"[1-9][0-9]{%d,}" % len(text)]
    for i, digit in enumerate(text):
        if digit != "9":
            options.append(text[:i].encode() + b"[%d-9]" % (int(digit) + 1) + b"[0-9]" * (len(text) - i - 1))
    return b"(?:" + b"|".join(options) + b")"


@dataclass
class _GridScan:
    """The extent of a sheet's cells from the ``r`` references of its rows and cells (ECMA-376 §18.3.1.73
    and §18.3.1.4) or, for those that have none, from their positions.

    Cheap to run on a sheet of a million cells: the counts are ``bytes.count``; a row reference is read
    per row; cells are searched only for a reference below the lowest row seen so far or right of column
    Z, which a well-formed sheet does not have, so those searches find (almost) nothing. A block with cells
    whose reference is missing or not their first attribute is walked cell by cell."""

    height: int = 0
    width: int = 0
    _prefix: bytes | None = None
    _carry: bytes = b""
    _rows_without_ref: int = 0
    _position: int = 0  # the column of the last cell seen, in the row the last block ended in

    def feed(self, block: bytes) -> None:
        data = self._carry + block
        cut = data.rfind(b">") + 1
        self._carry = data[cut:][-_CARRY_LIMIT:]
        self._scan(data[:cut])

    def finish(self) -> None:
        if self._carry:
            self._scan(self._carry)
            self._carry = b""

    def cells(self) -> int:
        return (self.height + self._rows_without_ref) * self.width

    def _scan(self, data: bytes) -> None:
        if not data:
            return
        if self._prefix is None:
            root = re.search(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]", data)
            if root is None:
                return  # not yet at the root element
            self._prefix = root.group(1) or b""
        row, cell = b"<" + self._prefix + b"row", b"<" + self._prefix + b"c"
        rows, referenced = data.count(row), re.findall(re.escape(row) + rb' r="0*([0-9]{1,12})"', data)
        if rows != len(referenced):  # <rowBreaks> too, or rows without a leading reference
            rows = len(re.findall(re.escape(row) + rb"[\s>/]", data))
        if referenced:
            self.height = max(self.height, max(int(r) for r in set(referenced)))
        self._rows_without_ref += max(0, rows - len(referenced))
        cells, explicit = data.count(cell), data.count(cell + b' r="')
        if cells != explicit:  # <col>, <cfRule>... too, or cells without a leading reference
            cells = len(re.findall(re.escape(cell) + rb"[\s>/]", data))
        if not cells:
            if rows:
                self._position = 0  # a new row began
            return
        lower = re.findall(re.escape(cell) + rb' r="[A-Za-z]{1,4}0*(' + greater_than(self.height) + rb')"', data)
        if lower:
            self.height = max(int(r) for r in set(lower))
        if self.width <= 26 and re.search(re.escape(cell) + rb' r="[A-Za-z]{2}', data) is None:
            if self.width < 26:  # columns A..Z only: look for those right of the widest so far
                beyond = bytes([65 + self.width])  # the letter after the widest column
                pattern = re.escape(cell) + rb' r="([' + beyond + b"-Z" + beyond.lower() + rb'-z])[0-9]'
                letters = set(re.findall(pattern, data))
                if letters:
                    self.width = max(self.width, max(column_number(c) for c in letters))
        else:
            wide = set(re.findall(re.escape(cell) + rb' r="([A-Za-z]{2,4})[0-9]', data))
            if wide:
                self.width = max(self.width, max(column_number(c) for c in wide))
        if explicit != cells:
            self._walk(data, row, cell)
        else:  # where the next block's cells without a reference would start: after this block's last cell
            last_cell, last_row = data.rfind(cell + b' r="'), data.rfind(row)
            ref = re.match(rb'\s*r="([A-Za-z]{1,4})', data[last_cell + len(cell):]) if last_cell > last_row else None
            self._position = column_number(ref.group(1)) if ref else 0

    def _walk(self, data: bytes, row: bytes, cell: bytes) -> None:
        """Cells whose reference is not their first attribute, or that have none (they take the next
        column). The first segment continues the row the previous block ended in."""
        for n, segment in enumerate(re.split(re.escape(row) + rb"(?=[\s>/])", data)):
            position = self._position if n == 0 else 0
            for tag in re.finditer(re.escape(cell) + rb"(?=[\s>/])([^>]*)>", segment):
                ref = re.search(rb'\sr="([A-Za-z]{1,4})0*([0-9]{1,12})"', tag.group(1))
                if ref is None:
                    position += 1
                else:
                    position = column_number(ref.group(1))
                    self.height = max(self.height, int(ref.group(2)))
                self.width = max(self.width, position)
            self._position = position
