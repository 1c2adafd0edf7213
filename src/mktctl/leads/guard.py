"""The bounds of a lead file: what the workbook guard lets through to the lead reader, and the rows and columns
of any file, CSV included, checked as it is read.

Workbooks go through :func:`mktctl.base.workbook_guard.check_workbook` with :data:`LEAD_WORKBOOKS`: calamine
holds the sheet it reads as a dense grid (32 bytes a cell), so a sheet may span at most 20,000,000 cells;
``check_rows`` and ``check_width`` bound any file as it is read: 2,000,000 data rows and 2,000 columns.
"""

from __future__ import annotations

from pathlib import Path

from mktctl.base.workbook_guard import WorkbookLimits
from mktctl.errors import DataFileError

MAX_WORKBOOK_BYTES = 256 * 1024 * 1024
MAX_EXPANDED_BYTES = 512 * 1024 * 1024
MAX_CELLS = 20_000_000  # cells one sheet spans, first to last (640 MB of calamine's grid)
MAX_ROWS = 2_000_000  # data rows in one file: far more than one import should hold (5 creates a second: 4.6 days)
MAX_COLUMNS = 2_000
CSV_HINT = "save it from Excel as 'CSV UTF-8' (CSV files are read as a stream), or split it"


def lead_workbooks() -> WorkbookLimits:
    """The limits of a lead workbook (read when a file is opened, so that a test may lower one)."""
    return WorkbookLimits(file_bytes=MAX_WORKBOOK_BYTES, expanded_bytes=MAX_EXPANDED_BYTES, sheets=1_000,
                          sheet_cells=MAX_CELLS, cells_spanned=3 * MAX_CELLS, shared_strings=20_000_000,
                          hint=CSV_HINT)


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
