"""Reading a client's lead file: xlsx / xls / ods / csv / tsv, every cell as text, in chunks.

``open_source(path, sheet=None, header_row=None) -> Source``; ``source.info`` says what was found
(format, encoding, delimiter, sheet, header row and headers) and ``source.chunks(rows)`` yields
:class:`Chunk` objects: a frame of text columns ``c0..cN`` and the spreadsheet row number of each row
(the header is row 1 when it is the first row; blank lines and title rows above the header count, as
in Excel).

* The format comes from the file's first bytes, not its name (an .xls that is really HTML or CSV is
  read as what it is; an xlsx renamed .csv too).
* CSV encodings: a BOM says UTF-8 or UTF-16; otherwise the whole file must decode as UTF-8, or else
  as GB18030 (a superset of GBK and GB2312), or it is refused.
* CSV files stream through pyarrow's reader (bounded memory); a row with too few or too many cells is
  padded or cut, never dropped; a quote left open (which would make the rest of the file one cell) is refused
  first, naming its line (:mod:`mktctl.leads.quotes`).
* xlsx and xls go through python-calamine; cells typed by Excel become text as Excel shows them
  (``13912345678`` not ``13912345678.0``, dates as ``2024-05-01 10:30:00``).
* The header row is the first of the first 30 rows with the most recognised headers; a title row
  above it (``2023年展会线索``) is skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.inputs import regular_file
from mktctl.base.workbook_guard import check_workbook
from mktctl.errors import DataFileError
from mktctl.leads import guard
from mktctl.leads.fields import recognise
from mktctl.leads.guard import MAX_ROWS, check_rows, check_width, lead_workbooks
from mktctl.leads.quotes import check_quotes

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

HEADER_SCAN_ROWS = 30
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_DELIMITERS = (",", "\t", ";", "|")
_VALIDATE_BLOCK = 16 * 1024 * 1024
_HEAD_CHARS = 256 * 1024
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et")


@dataclass
class SourceInfo:
    path: Path
    format: str  # csv, xlsx, xls, ods
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1  # 1-based
    headers: list[str] = field(default_factory=list)
    ragged_rows: list[int] = field(default_factory=list)  # rows padded or cut to the header's width
    max_rows: int = MAX_ROWS  # data rows read at most (a lead file's limit; an events file has its own)

    def describe(self) -> dict[str, Any]:
        return {"file": str(self.path), "format": self.format, "encoding": self.encoding,
                "delimiter": self.delimiter, "sheet": self.sheet, "header_row": self.header_row,
                "ragged_rows": self.ragged_rows[:100], "ragged_row_count": len(self.ragged_rows)}


@dataclass
class Chunk:
    frame: pd.DataFrame  # columns c0..cN, str, "" for empty
    rows: np.ndarray  # int64 spreadsheet row numbers


class Source:
    def __init__(self, info: SourceInfo, reader: Any) -> None:
        self.info = info
        self._reader = reader

    def chunks(self, rows: int = 200_000) -> Iterator[Chunk]:
        yield from self._reader(rows)


def open_source(path: Path, *, sheet: str | None = None, header_row: int | None = None,
                prefer_sheet: str | None = None, max_rows: int | None = None) -> Source:
    """Open a lead file for reading in chunks; ``prefer_sheet`` is read when the workbook has a sheet of that
    name (else the sheet is found as without it); ``max_rows`` bounds its data rows (default: a lead file's
    limit, read when the file is opened; an events file has its own)."""
    source = _open_source(Path(path), sheet, header_row, prefer_sheet)
    source.info.max_rows = guard.MAX_ROWS if max_rows is None else max_rows
    return source


def _open_source(path: Path, sheet: str | None, header_row: int | None, prefer_sheet: str | None) -> Source:
    regular_file(path, what="lead file")  # never a device, a FIFO or a folder: they read forever or hang
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read the file: {exc.strerror or exc}", file=str(path)) from None
    if not head:
        raise DataFileError(f"{path}: the file is empty", file=str(path))
    if head.startswith(_XLSX_MAGIC) or head.startswith(_OLE_MAGIC) or path.suffix.lower() == ".ods":
        return _open_workbook(path, sheet, header_row, "xls" if head.startswith(_OLE_MAGIC) else
                              "ods" if path.suffix.lower() == ".ods" else "xlsx", prefer_sheet)
    if sheet:
        raise DataFileError(f"{path}: --sheet {sheet!r} was given but the file is a CSV file", file=str(path),
                            hint="leave out --sheet for CSV files")
    try:
        return _open_csv(path, header_row)
    except DataFileError as error:
        if path.suffix.lower() in _WORKBOOK_SUFFIXES and "neither UTF-8 nor GBK" in error.message:
            raise DataFileError(f"{path}: the file is neither a workbook (it does not start as an xlsx, xls or ods "
                                "file does) nor UTF-8 or GBK text: it is damaged, or another kind of file",
                                file=str(path), hint="open it in Excel or WPS and save it again as .xlsx") from None
        raise


# ---- text files ------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 by BOM, else utf-8 if the whole file decodes, else gb18030 if it does."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise DataFileError(f"{path}: the file is neither UTF-8 nor GBK/GB18030 text; it cannot be read",
                        file=str(path), hint="save it from Excel as 'CSV UTF-8' or as an .xlsx workbook")


def _decodes(path: Path, encoding: str) -> bool:
    if encoding in ("utf-8", "utf-8-sig"):
        return _utf8(path)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while block := handle.read(_VALIDATE_BLOCK):
                text = decoder.decode(block)
                if "\x00" in text:
                    return False  # binary data, not text
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf8(path: Path) -> bool:
    """Whether the file is UTF-8 text (no NUL), checked by Arrow's validator block by block: decoding it into
    Python strings only to throw them away took three times as long (a BOM is valid UTF-8 too)."""
    carry = b""
    with path.open("rb") as handle:
        while block := handle.read(_VALIDATE_BLOCK):
            if b"\x00" in block:
                return False  # binary data, not text (in UTF-8 a NUL byte is the NUL character and nothing else)
            block = carry + block if carry else block
            end = _last_character(block)  # a character cut by the block's end is checked with the next block
            carry = block[end:]
            if not _valid_utf8(memoryview(block)[:end]):
                return False
    return _valid_utf8(memoryview(carry))


def _last_character(block: bytes) -> int:
    """Where the block's last character starts, when it may be cut by the block's end: at its lead byte,
    before the continuation bytes that end the block (no UTF-8 character is longer than 4 bytes)."""
    start = len(block)
    while start > 0 and len(block) - start < 3 and block[start - 1] & 0xC0 == 0x80:
        start -= 1
    return start - 1 if start > 0 and block[start - 1] >= 0xC0 else start


def _valid_utf8(data: memoryview) -> bool:
    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<ii", 0, len(data)))
    text = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _sniff_delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines[:20])
    counts = {d: sample.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(path: Path, header_row: int | None) -> Source:
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as handle:
        head_text = handle.read(_HEAD_CHARS)
    lines = head_text.splitlines()
    delimiter = _sniff_delimiter(lines)
    check_quotes(path, encoding, delimiter)  # a quote left open would swallow the rest of the file into one cell
    reader = csv.reader(io.StringIO(head_text, newline=""), delimiter=delimiter)  # \r alone ends a line too
    records: list[list[str]] = []
    ends: list[int] = []  # physical lines read up to the end of each record (a quoted cell may span lines)
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
            if len(records) == HEADER_SCAN_ROWS:
                break
        more = next(reader, None) is not None or len(head_text) >= _HEAD_CHARS
    except csv.Error as exc:  # a field longer than 128 KB, a NUL byte
        raise DataFileError(f"{path}: cannot parse the CSV file near its start: {exc}", file=str(path)) from None
    index = _header_index(records, header_row, path)
    headers = [h.strip() for h in records[index]]  # empty trailing headers keep the file's width
    if not any(headers):
        raise DataFileError(f"{path}: no header row found", file=str(path))
    check_width(path, len(headers), cut=len(head_text) >= _HEAD_CHARS and index == len(records) - 1)
    info = SourceInfo(path=path, format="csv", encoding=encoding, delimiter=delimiter, header_row=index + 1,
                      headers=headers)
    if index + 1 == len(records) and not more:  # a header and nothing after it
        return Source(info, lambda rows: iter(()))
    return Source(info, lambda rows: _csv_chunks(info, index + 1, ends[index], rows))


def _csv_chunks(info: SourceInfo, skip: int, skip_lines: int, rows: int) -> Iterator[Chunk]:
    """The data rows after the ``skip`` records of title and header (``skip_lines`` physical lines: pyarrow
    skips lines, and numbers the rows after them from there)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    width = len(info.headers)
    names = [f"c{i}" for i in range(width)]
    odd: dict[int, list[str]] = {}

    def handler(row: Any) -> str:
        try:
            fields = next(csv.reader([row.text], delimiter=info.delimiter or ","), [])
        except csv.Error:  # a field longer than 128 KB: cut at the delimiters, as the row is odd anyway
            fields = row.text.split(info.delimiter or ",")
        if row.number is None:  # pragma: no cover - pyarrow always numbers rows when single-threaded
            return "error"
        odd[int(row.number) - (skip_lines - skip)] = (fields + [""] * width)[:width]
        return "skip"

    encoding = "utf8" if info.encoding in ("utf-8", "utf-8-sig") else info.encoding
    try:
        reader = pacsv.open_csv(
            str(info.path),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip_lines, block_size=8 << 20,
                                           use_threads=False, encoding=encoding or "utf8"),
            parse_options=pacsv.ParseOptions(delimiter=info.delimiter or ",", newlines_in_values=True,
                                             ignore_empty_lines=False, invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataFileError(f"{info.path}: cannot parse the CSV file: {exc}", file=str(info.path)) from None
    next_row = skip + 1  # spreadsheet row number of the next data row
    pending: list[pa.Table] = []
    pending_rows: list[np.ndarray] = []
    count = total = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise DataFileError(f"{info.path}: cannot parse the CSV file near row {next_row}: {exc}",
                                file=str(info.path)) from None
        numbers, inserted, next_row = _number_rows(batch.num_rows, next_row, odd)
        table = pa.Table.from_batches([batch])
        if inserted:
            table, numbers = _with_inserted(batch, numbers, inserted, odd, names)
        pending.append(table)
        pending_rows.append(numbers)
        count += table.num_rows
        total += table.num_rows
        check_rows(info.path, total, info.max_rows)
        while count >= rows:
            whole = pa.concat_tables(pending)
            numbers_all = np.concatenate(pending_rows)
            yield _chunk([whole.slice(0, rows)], [numbers_all[:rows]])
            pending, pending_rows = [whole.slice(rows)], [numbers_all[rows:]]
            count -= rows
    tail = sorted(n for n in odd if n >= next_row)
    if tail:
        pending.append(pa.table({n: pa.array([odd[r][i] for r in tail], type=pa.string())
                                 for i, n in enumerate(names)}))
        pending_rows.append(np.asarray(tail, dtype=np.int64))
    info.ragged_rows = sorted(odd)
    if count or any(len(n) for n in pending_rows):
        yield _chunk(pending, pending_rows)


def _number_rows(count: int, start: int, odd: dict[int, list[str]]) -> tuple[Any, list[int], int]:
    """Row numbers of ``count`` parsed rows from ``start``, skipping the numbers of rows the handler
    took out (which come back in at their place)."""
    import numpy as np

    numbers = np.arange(start, start + count, dtype=np.int64)
    if not odd or max(odd) < start:
        return numbers, [], start + count
    taken = np.asarray(sorted(n for n in odd if n >= start), dtype=np.int64)
    # the i-th parsed row is the i-th number from start that is not taken (vectorised: a file where every
    # other row is ragged has as many taken numbers as parsed rows)
    candidates = np.arange(start, start + count + len(taken), dtype=np.int64)
    free = candidates[~np.isin(candidates, taken)][:count]
    last = int(free[-1]) if count else start - 1
    inserted = [int(n) for n in taken if n <= last]
    row = last + 1
    while row in odd:  # odd rows right after the batch's last row belong to it too
        inserted.append(row)
        row += 1
    return free, inserted, row


def _with_inserted(batch: Any, numbers: Any, inserted: list[int], odd: dict[int, list[str]],
                   names: list[str]) -> tuple[Any, Any]:
    """The batch with the handler's rows put back at their place, and the sorted row numbers."""
    import numpy as np
    import pyarrow as pa

    extra = pa.table({n: pa.array([odd[r][i] for r in inserted], type=pa.string()) for i, n in enumerate(names)})
    table = pa.concat_tables([pa.Table.from_batches([batch], schema=extra.schema), extra])
    every = np.concatenate([numbers, np.asarray(inserted, dtype=np.int64)])
    order = np.argsort(every, kind="stable")
    return table.take(pa.array(order)), every[order]


def _chunk(tables: list[Any], numbers: list[Any]) -> Chunk:
    import numpy as np
    import pyarrow as pa

    from mktctl.leads.arrow import frame_from_arrow

    table = pa.concat_tables(tables).combine_chunks()
    frame = frame_from_arrow(table)
    return Chunk(frame=frame, rows=np.concatenate(numbers) if numbers else np.empty(0, dtype=np.int64))


# ---- workbooks -------------------------------------------------------------------------------------


def _open_workbook(path: Path, sheet: str | None, header_row: int | None, kind: str,
                   prefer_sheet: str | None = None) -> Source:
    from python_calamine import CalamineError, CalamineWorkbook

    check_workbook(path, kind, lead_workbooks())
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except (CalamineError, OSError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot open the workbook: {exc}", file=str(path),
                            hint="is it password-protected or damaged? save it again from Excel") from None
    if not names:
        raise DataFileError(f"{path}: the workbook has no sheets", file=str(path))
    if sheet is not None and sheet not in names:
        from mktctl.base.suggest import did_you_mean

        raise DataFileError(f"{path}: no sheet named {sheet!r}", file=str(path),
                            hint=did_you_mean(sheet, names) or f"its sheets are: {', '.join(names)}")
    if sheet is None and prefer_sheet in names:
        sheet = prefer_sheet
    candidates = [sheet] if sheet else names
    chosen: tuple[str, Any, list[list[Any]], int] | None = None
    best_score = -1
    for name in candidates:
        grid = _sheet(book, name, path)
        rows = list(itertools.islice(_sheet_rows(grid, path, name), HEADER_SCAN_ROWS))
        if not rows:
            continue
        texts = [[_cell_text(v) for v in row] for row in rows]
        index = _header_index(texts, header_row, path, strict=bool(sheet))
        score = sum(1 for h in texts[index] if recognise(h)) if index < len(texts) else 0
        if score > best_score:
            chosen, best_score = (name, grid, rows, index), score
        if score >= 2:
            break
    if chosen is None:
        raise DataFileError(f"{path}: the workbook has no data" if not sheet else
                            f"{path}: sheet {sheet!r} is empty", file=str(path))
    name, grid, rows, index = chosen
    headers = [_cell_text(v).strip() for v in rows[index]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise DataFileError(f"{path}: no header row found in sheet {name!r}", file=str(path))
    check_width(path, len(headers))
    info = SourceInfo(path=path, format=kind, sheet=name, sheets=names, header_row=index + 1, headers=headers)
    return Source(info, lambda chunk_rows: _workbook_chunks(info, grid, index, chunk_rows))


def _sheet(book: Any, name: str, path: Path) -> Any:
    from python_calamine import CalamineError

    try:
        return book.get_sheet_by_name(name)
    except (CalamineError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot read sheet {name!r}: {exc}", file=str(path)) from None


def _sheet_rows(grid: Any, path: Path, name: str) -> Iterator[list[Any]]:
    """The sheet's rows from row 1 and column A (the parser starts at the first used column)."""
    from python_calamine import CalamineError

    pad = [""] * int(grid.start[1]) if grid.start else []
    try:
        for row in grid.iter_rows():
            yield pad + row if pad else row
    except (CalamineError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot read sheet {name!r}: {exc}", file=str(path)) from None


def _workbook_chunks(info: SourceInfo, grid: Any, index: int, chunk_rows: int) -> Iterator[Chunk]:
    import numpy as np

    width = len(info.headers)
    rows = _sheet_rows(grid, info.path, info.sheet or "")
    first = index + 2  # spreadsheet row number of the first data row
    for _ in itertools.islice(rows, index + 1):
        pass
    read = 0
    while part := list(itertools.islice(rows, chunk_rows)):
        read += len(part)
        check_rows(info.path, read, info.max_rows)
        frame = _typed_cells_to_text(part, width)
        yield Chunk(frame=frame, rows=np.arange(first, first + len(part), dtype=np.int64))
        first += len(part)


def _typed_cells_to_text(rows: list[list[Any]], width: int) -> pd.DataFrame:
    """Cells as Excel shows them, column by column: integral floats without ``.0``, dates in ISO."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    padded = [(row + [""] * width)[:width] if len(row) != width else row for row in rows]
    columns: dict[str, pd.Series] = {}
    array = np.empty((len(padded), width), dtype=object)
    if padded:
        array[:, :] = padded
    for i in range(width):
        values = pd.Series(array[:, i], dtype=object)
        kinds = values.map(type)
        text = pd.Series("", index=values.index, dtype="str")
        is_str = kinds.eq(str).to_numpy()
        text[is_str] = values[is_str].astype("str")
        is_float = kinds.eq(float).to_numpy()
        if is_float.any():
            numbers = values[is_float].astype(float).to_numpy()
            integral = np.isfinite(numbers) & (np.floor(numbers) == numbers) & (np.abs(numbers) < 1e16)
            rendered = np.where(integral, np.char.mod("%d", np.where(integral, numbers, 0).astype(np.int64)),
                                np.char.mod("%.15g", numbers))
            text[is_float] = rendered.astype(str)
        is_int = kinds.eq(int).to_numpy()
        if is_int.any():
            text[is_int] = values[is_int].astype("str")
        is_bool = kinds.eq(bool).to_numpy()
        if is_bool.any():
            text[is_bool] = values[is_bool].map({True: "TRUE", False: "FALSE"}).astype("str")
        is_time = kinds.isin([dt.datetime, dt.date, dt.time, dt.timedelta]).to_numpy()
        if is_time.any():
            text[is_time] = values[is_time].map(_time_text).astype("str")
        columns[f"c{i}"] = text
    return pd.DataFrame(columns) if columns else pd.DataFrame(index=range(len(padded)))


def _time_text(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, str):
        return value
    return _time_text(value)


# ---- header ----------------------------------------------------------------------------------------


def _header_index(records: list[list[str]], header_row: int | None, path: Path, *, strict: bool = True) -> int:
    if header_row is not None:
        if header_row < 1 or header_row > len(records):
            raise DataFileError(f"{path}: header row {header_row} is not among the first {len(records)} rows",
                                file=str(path))
        return header_row - 1
    best, best_score = None, 0
    for i, record in enumerate(records):
        score = sum(1 for cell in record if recognise(cell))
        if score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    for i, record in enumerate(records):  # nothing recognised: the first non-empty row
        if any(str(c).strip() for c in record):
            return i
    if strict:
        raise DataFileError(f"{path}: the file has no rows", file=str(path))
    return 0
