"""The extent of an xlsx sheet (first to last cell), found in one streaming pass over its XML, without parsing it.

A spreadsheet parser may hold a sheet as a dense grid (calamine: 32 bytes a cell), so a file of a few KB with one
cell in A1 and one in XFD1048576 asks it for 550 GB. :class:`GridScan` reads the ``r`` references of rows and
cells (ECMA-376 §18.3.1.73 and §18.3.1.4), and the positions of those that have none, as the bytes stream past;
:mod:`mktctl.base.workbook_guard` feeds it every part of a workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CARRY_LIMIT = 64 * 1024


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
class GridScan:
    """The extent of a sheet's cells from the ``r`` references of its rows and cells (ECMA-376 §18.3.1.73
    and §18.3.1.4) or, for those that have none, from their positions.

    Cheap to run on a sheet of a million cells: the counts are ``bytes.count``; a row reference is read
    per row; cells are searched only for a reference below the lowest row seen so far or right of column
    Z, which a well-formed sheet does not have, so those searches find (almost) nothing. A block with cells
    whose reference is missing or not their first attribute is walked cell by cell."""

    height: int = 0
    width: int = 0
    written: int = 0  # cells written (``<c>`` elements), whatever their place
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
        """The cells the sheet spans, first to last: what a dense parser allocates."""
        return (self.height + self._rows_without_ref) * self.width

    @property
    def is_sheet(self) -> bool:
        """Whether the part's root is a worksheet (a part that is none spans nothing)."""
        return self._prefix is not None

    @property
    def rows(self) -> int:
        return self.height + self._rows_without_ref

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
        self.written += cells
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
