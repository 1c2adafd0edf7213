"""The quoted cells of a CSV file, checked before it is read: every line is a row or part of a cell that says so.

A quote that opens a cell and is never closed makes every CSV parser read the rest of the file as that one
cell: a file of 1,002 rows became one row, without an error. :func:`check_quotes` walks the quotes of the
file once as it streams past (in UTF-8 and GB18030 over the bytes, decoding only the blocks that hold a
quote; lines of plain and one-line quoted cells are matched by one regular expression, only cells of several
lines are walked quote by quote), and refuses, naming the line where the quote opened:

* a quoted cell still open at the end of the file;
* a quoted cell whose closing quote is followed by anything but the delimiter or the end of the line (a
  stray quote closed by the next one further down, or a quote missing);
* a quoted cell of more than :data:`MAX_CELL_LINE_BREAKS` line breaks, which no spreadsheet writes (a stray
  quote closed by another one far below).

A quote inside an unquoted cell (``5" screen``) is text, as in Excel.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from mktctl.errors import DataFileError

#: Excel keeps at most 253 line feeds in a cell ("Excel specifications and limits"); WPS the same
MAX_CELL_LINE_BREAKS = 253
_BLOCK_CHARS = 4 * 1024 * 1024
_QUOTE = '"'
_REPEAT = 4096
_ASCII_COMPATIBLE = ("utf-8", "utf-8-sig", "gb18030")  # encodings walked as bytes


def check_quotes(path: Path, encoding: str, delimiter: str) -> None:
    """Raise :class:`DataFileError` naming the line of the first quoted cell that swallows rows or is broken."""
    _Walk(path, delimiter).run(encoding)


def _plain(delimiter: str) -> re.Pattern[str]:
    """Text that needs no walking, matched in one go: anything but a quote; a quoted cell that starts a cell
    and ends on the same line, before a delimiter or the line's end; a quote inside an unquoted cell. It stops
    at a quote that opens a cell that is not that simple (a cell of several lines, or a broken one)."""
    start = f"[{re.escape(delimiter)}\\r\\n]"  # what comes before a cell's start and after its end
    other = f"[^{re.escape(delimiter)}\\r\\n]"
    one_line_cell = f'(?<!{other})"[^"\\r\\n]*(?:""[^"\\r\\n]*)*"(?={start}|\\Z)'
    # a bounded repeat: the regex engine keeps a mark per repetition, which a long line would make hundreds of MB
    return re.compile(f'(?:[^"]+|{one_line_cell}|(?<={other})"){{0,{_REPEAT}}}')


class _Walk:
    def __init__(self, path: Path, delimiter: str) -> None:
        self.path = path
        self.starts = (delimiter, "\n", "\r")  # what may come before a quote that opens a cell, or after its close
        self.plain = _plain(delimiter)
        self.inside = False
        self.opened_line = 0  # the line of the quote that opened the cell we are in
        self.breaks = 0  # line breaks in that cell so far
        self.line = 1  # the line at the start of the block
        self.newline = "\n"

    def run(self, encoding: str) -> None:
        if not (encoding in _ASCII_COMPATIBLE and self._run_bytes(encoding)):
            self._run_text(encoding)
        if self.inside:
            raise self._error(f"line {self.opened_line}: a quote opens a cell here and is never closed, so the rest "
                              f"of the file ({self.line - self.opened_line:,} lines) would be read as that one cell",
                              "add the closing quote, or delete this one (a quote opens a quoted cell only at the "
                              "start of a cell)")

    def _run_text(self, encoding: str) -> None:
        with self.path.open("r", encoding=encoding, newline="") as stream:
            while block := stream.read(_BLOCK_CHARS):
                if not block.endswith(("\n", "\r")):  # blocks end at a line's end: a quote never ends one
                    block += stream.readline()
                if self.line == 1 and "\n" not in block and "\r" in block:
                    self.newline = "\r"  # old Mac line endings
                self._block(block)
                self.line += block.count(self.newline)

    def _run_bytes(self, encoding: str) -> bool:
        """As :meth:`_run_text`, over the bytes: in these encodings a quote and a line's end are single bytes
        that are never part of another character, so a block without a quote (most of a file) is only
        counted, never decoded. A block ends at a line feed, which no character is cut by. False, having
        walked nothing, when the first block holds no line feed: lines that end in a carriage return alone
        (old Mac) or a first line longer than a block are walked as text, which ends a block at either."""
        decode = codecs.getdecoder("utf-8" if encoding == "utf-8-sig" else encoding)
        with self.path.open("rb") as stream:
            block = stream.read(_BLOCK_CHARS)
            if block and b"\n" not in block:
                return False
            if encoding == "utf-8-sig" and block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8):]
            while block:
                if not block.endswith(b"\n"):
                    block += stream.readline()
                if self.inside or b'"' in block:
                    self._block(decode(block)[0])
                self.line += block.count(b"\n")
                block = stream.read(_BLOCK_CHARS)
        return True

    def _block(self, block: str) -> None:
        if not self.inside and _QUOTE not in block:
            return
        i, size = 0, len(block)
        counted, lines = 0, self.line  # the line at position ``counted`` of the block (counted as we go)
        while i < size:
            if not self.inside:
                while (end := self._plain_end(block, i)) > i:
                    i = end
                if i >= size:
                    return
                # a quote at the start of a cell that does not end on its line: walked quote by quote
                lines += block.count(self.newline, counted, i)
                counted = i
                self.inside, self.breaks, self.opened_line = True, 0, lines
                i += 1
                continue
            j = block.find(_QUOTE, i)
            self.breaks += block.count(self.newline, i, size if j < 0 else j)
            if j < 0:
                return
            after = block[j + 1] if j + 1 < size else "\n"  # blocks end at a line's end
            if after == _QUOTE:  # "" is a quote inside the cell
                i = j + 2
            elif after in self.starts:
                self.inside = False
                i = j + 1
                if self.breaks > MAX_CELL_LINE_BREAKS:
                    raise self._error(
                        f"line {self.opened_line}: the quoted cell that starts here runs over {self.breaks:,} line "
                        f"breaks, to line {self.opened_line + self.breaks}; a closing quote is probably missing",
                        f"a spreadsheet cell holds at most {MAX_CELL_LINE_BREAKS} line breaks: close the quote "
                        "where the cell ends, or delete it")
            else:
                closed = self.line + block.count(self.newline, 0, j)
                where = "on the same line" if closed == self.opened_line else f"on line {closed}"
                raise self._error(f"line {self.opened_line}: the quoted cell that starts here is closed {where} by a "
                                  f"quote followed by {block[j + 1:j + 11]!r}, not by a delimiter or the line's "
                                  "end; a quote is missing or one too many",
                                  'inside a quoted cell, write a quote as two quotes (""); a quoted cell ends with a '
                                  "quote and the delimiter or the line's end")

    def _plain_end(self, block: str, start: int) -> int:
        match = self.plain.match(block, start)  # it always matches, if only the empty text
        return match.end() if match is not None else start

    def _error(self, message: str, hint: str) -> DataFileError:
        return DataFileError(f"{self.path}: {message}", file=str(self.path), hint=hint)
