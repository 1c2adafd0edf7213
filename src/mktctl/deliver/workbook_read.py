"""Read a filled-in workbook back into rows of text, each cell with its ``sheet!cell`` address.

Tables are found by their hidden code rows (``kind.field``), not by sheet names or positions, so sheets
may be renamed and columns moved. Every cell is read as text (see :func:`mktctl.deliver.fields.cell_text`);
a formula is never evaluated: it is reported, since a configuration value is never a formula.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.inputs import regular_file
from mktctl.base.workbook_guard import WorkbookLimits, check_workbook
from mktctl.deliver import layout
from mktctl.deliver.fields import cell_text
from mktctl.errors import DataFileError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mktctl.kinds.base import Kind

MAX_FILE_BYTES = 50 * 1024 * 1024
#: openpyxl keeps every cell as an object (about 400 bytes; and the reader a dense grid of each sheet's extent):
#: a filled-in workbook has thousands of cells, a client's users sheet tens of thousands
FORM_WORKBOOKS = WorkbookLimits(
    file_bytes=MAX_FILE_BYTES, expanded_bytes=256 * 1024 * 1024, sheets=256, sheet_cells=500_000,
    cells_spanned=1_000_000, cells_written=500_000, shared_strings=500_000,
    hint="split it into several workbooks")


@dataclass(frozen=True)
class Text:
    text: str
    ref: str  # 'sheet'!A1 as a person reads it: sheet!A1


@dataclass
class Row:
    ref: str  # the address of the row's first cell
    cells: dict[str, Text]  # field -> text


@dataclass
class Table:
    kind: str
    sheet: str
    code_ref: dict[str, str]  # field -> address of its code cell
    rows: list[Row] = field(default_factory=list)


@dataclass
class Matrix:
    """A kind's matrix sheet (see ``Kind.matrix``): role permissions, modules × roles."""

    kind: str
    sheet: str
    roles: list[Text] = field(default_factory=list)  # header cells naming items (roles), in column order
    rows: list[tuple[Text, list[Text]]] = field(default_factory=list)  # (module cell, one cell per item)


@dataclass
class Workbook:
    path: Path
    meta: dict[str, str] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    matrix: Matrix | None = None
    settings: dict[str, Text] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (address, message), errors
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_survey(self) -> bool:
        return self.meta.get("type") == "survey"

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(t.kind for t in self.tables))


def read_workbook(path: Path) -> Workbook:
    book = _open(path)
    result = Workbook(path)
    known = {k.name: k for k in layout.registry()}
    try:
        for ws in book.worksheets:
            if ws.title == layout.META_SHEET:
                for row in ws.iter_rows(values_only=True):
                    if row and row[0] is not None:
                        result.meta[str(row[0])] = cell_text(row[1] if len(row) > 1 else None)
                continue
            if ws.title == layout.LISTS_SHEET:
                continue
            _read_sheet(ws, result, known)
    finally:
        book.close()
    return result


def _open(path: Path) -> Any:
    import warnings
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    regular_file(path, what="workbook", limit=MAX_FILE_BYTES)
    with path.open("rb") as stream:
        if stream.read(4) != b"PK\x03\x04":  # an xlsx is a zip; a damaged one the guard describes
            hint = "save it as .xlsx (Excel 2007 or later)" if path.suffix.lower() == ".xls" else None
            raise DataFileError(f"{path}: not an xlsx workbook", file=str(path), hint=hint)
    check_workbook(path, "xlsx", FORM_WORKBOOKS)
    try:
        with path.open("rb") as stream, warnings.catch_warnings():  # the stream closed even when openpyxl gives up
            # openpyxl warns of the parts it drops (extensions, data validation, relationships it cannot follow):
            # none holds what this reader reads, and a warning is no message for a person
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
            return load_workbook(stream, read_only=False, data_only=False, keep_links=False)
    except (InvalidFileException, KeyError, ValueError, TypeError, AttributeError, IndexError, ParseError,
            zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        # openpyxl's own errors and those of the XML it could not make sense of (the guard has checked the
        # zip, its size and its sheets' extents; what is left is content no spreadsheet program writes)
        raise DataFileError(f"{path}: cannot read the workbook: {error or type(error).__name__}", file=str(path),
                            hint="open it in Excel or WPS and save it again as .xlsx") from None


def address(sheet: str, row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(col)}{row}"


def _grid(ws: Any, result: Workbook) -> list[list[Text]]:
    grid: list[list[Text]] = []
    for cells in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        line = []
        for cell in cells:
            ref = address(ws.title, cell.row, cell.column)
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type == "f"):
                result.problems.append((ref, "a formula is not a value; type the value itself"))
                line.append(Text("", ref))
                continue
            line.append(Text(cell_text(cell.value), ref))
        grid.append(line)
    return grid


def _code_of(text: str, known: Mapping[str, Kind[Any]]) -> tuple[str, str] | None:
    match = layout.CODE_PATTERN.match(text.strip())
    if match is None:
        return None
    owner, name = match.groups()
    if owner in known or owner == layout.PLAYBOOK:
        return owner, name
    return None


def _read_sheet(ws: Any, result: Workbook, known: Mapping[str, Kind[Any]]) -> None:
    grid = _grid(ws, result)
    code_rows: list[tuple[int, str, dict[int, str]]] = []  # (row index, owner, column -> field)
    for index, line in enumerate(grid):
        codes = {col: _code_of(cell.text, known) for col, cell in enumerate(line)}
        found = {col: c for col, c in codes.items() if c is not None}
        if not found:
            continue
        owners = {owner for owner, _name in found.values()}
        owner = sorted(owners)[0]
        if len(owners) > 1:
            result.warnings.append((line[0].ref, f"one code row names several kinds ({', '.join(sorted(owners))}); "
                                                 f"reading it as {owner}"))
        code_rows.append((index, owner, {col: name for col, (o, name) in found.items() if o == owner}))
    for number, (index, owner, columns) in enumerate(code_rows):
        end = code_rows[number + 1][0] if number + 1 < len(code_rows) else len(grid)
        following = code_rows[number + 1][1] if number + 1 < len(code_rows) else None
        header = index + 1
        body = list(range(header + 1, end))
        if following is not None and body:
            last = grid[body[-1]]
            texts = [c.text for c in last if c.text.strip()]
            if len(texts) == 1 and layout.is_title_of(texts[0], following):
                body = body[:-1]
        matrix = layout.matrix_of(known[owner]) if owner in known else None
        if owner == layout.PLAYBOOK:
            _settings(grid, header, columns, result)
        elif matrix is not None and any(name.startswith(f"{matrix.field}@") for name in columns.values()):
            _matrix(Matrix(kind=owner, sheet=ws.title), matrix.field, grid, header, body, columns, result)
        else:
            _table(ws.title, grid, index, body, owner, columns, result)


def _at(grid: list[list[Text]], row: int, col: int, sheet: str) -> Text:
    if 0 <= row < len(grid) and col < len(grid[row]):
        return grid[row][col]
    return Text("", address(sheet, row + 1, col + 1))


def _settings(grid: list[list[Text]], header: int, columns: dict[int, str], result: Workbook) -> None:
    if not grid:
        return
    sheet = grid[0][0].ref.rsplit("!", 1)[0]
    for col, name in columns.items():
        result.settings[name] = _at(grid, header + 1, col, sheet)


def _table(sheet: str, grid: list[list[Text]], index: int, body: list[int], kind: str, columns: dict[int, str],
           result: Workbook) -> None:
    table = Table(kind=kind, sheet=sheet, code_ref={name: _at(grid, index, col, sheet).ref
                                                    for col, name in columns.items()})
    for row in body:
        cells = {name: _at(grid, row, col, sheet) for col, name in columns.items()}
        if all(not cell.text.strip() for cell in cells.values()):
            continue
        first = min(columns)
        table.rows.append(Row(ref=_at(grid, row, first, sheet).ref, cells=cells))
    result.tables.append(table)


def _matrix(matrix: Matrix, name: str, grid: list[list[Text]], header: int, body: list[int],
            columns: dict[int, str], result: Workbook) -> None:
    sheet = matrix.sheet
    module_col = next((c for c, n in columns.items() if n == f"{name}@{layout.MATRIX_ROW}"), None)
    label_col = next((c for c, n in columns.items() if n == f"{name}@{layout.MATRIX_ROW_LABEL}"), None)
    role_cols = [c for c, n in sorted(columns.items()) if n == f"{name}@{layout.MATRIX_ITEM}"]
    role_cells = [_at(grid, header, col, sheet) for col in role_cols]
    used = [(col, cell) for col, cell in zip(role_cols, role_cells, strict=True) if cell.text.strip()]
    matrix.roles = [cell for _col, cell in used]
    for row in body:
        module = _at(grid, row, module_col, sheet) if module_col is not None else Text("", "")
        if not module.text.strip() and label_col is not None:
            module = _at(grid, row, label_col, sheet)
        cells = [_at(grid, row, col, sheet) for col, _cell in used]
        if not module.text.strip():
            if any(c.text.strip() for c in cells):
                result.problems.append((_at(grid, row, module_col or 0, sheet).ref,
                                        "this row has permissions but no module"))
            continue
        matrix.rows.append((module, cells))
    result.matrix = matrix
