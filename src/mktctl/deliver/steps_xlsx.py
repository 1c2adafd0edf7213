"""The steps sheet as an xlsx workbook to print and sign: one sheet, A4 landscape and one page wide, the
header row repeated on every page, text wrapped in columns sized for it, a font that has Chinese, and room
to sign on each row. Every text cell comes from :class:`mktctl.leads.cells.TextCells`."""

from __future__ import annotations

import io
import math
import unicodedata
from typing import TYPE_CHECKING, Any

from mktctl.deliver.qr import QrImage, qr_png
from mktctl.leads.cells import TextCells
from mktctl.secrets import REDACTOR

if TYPE_CHECKING:
    from mktctl.deliver.step_rows import Row, StepsSheet

FONT = "Microsoft YaHei"  # 微软雅黑: on every Windows with Office or WPS; other systems use their own CJK font
WIDTHS = {"number": 5, "step": 18, "menu_path": 28, "values": 44, "verify": 34, "who": 16, "status": 20,
          "scan": 22, "sign": 18}
"""Column widths in characters (a Chinese character takes two)."""
HEADER_ROW = 4
LINE_POINTS = 14.0  # the height of a line of 10 pt text
SIGN_POINTS = 42.0  # the least height of a row: room to sign
STATUS_COLOURS = {"done": "#E2EFDA", "pending": "#FFF2CC", "changed": "#FCE4D6"}


def xlsx_bytes(sheet: StepsSheet) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {**TextCells.OPTIONS, "in_memory": True})
    try:
        _write(book, TextCells(book), sheet)
    finally:
        book.close()
    return buffer.getvalue()


def _write(book: Any, cells: TextCells, sheet: StepsSheet) -> None:
    base: dict[str, Any] = {"font_name": FONT, "font_size": 10}
    text = {**base, "text_wrap": True, "valign": "top", "border": 1}
    columns = list(sheet.headings)
    images = {row.number: qr_png(row.scan.url) for row in sheet.rows if row.scan is not None and row.scan.url}
    widths = dict(WIDTHS)
    if images:  # wide enough for the largest code (a column is 7 pixels a character and 5 more)
        widths["scan"] = max(widths["scan"], math.ceil((max(i.pixels for i in images.values()) + 8 - 5) / 7))
    title = sheet.word("title")
    ws = book.add_worksheet(title)
    cells.write(ws, 0, 0, f"{title} · {sheet.playbook}", **{**base, "bold": True, "font_size": 14})
    cells.write(ws, 1, 0, sheet.meta(), **base)
    cells.write(ws, 2, 0, sheet.word("how") if sheet.rows else sheet.word("none"), **{**base, "italic": True})
    for col, column in enumerate(columns):
        ws.set_column(col, col, widths[column])
        cells.write(ws, HEADER_ROW, col, sheet.headings[column],
                    **{**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                       "valign": "vcenter"})
    for offset, row in enumerate(sheet.rows, start=1):
        line = HEADER_ROW + offset
        height = SIGN_POINTS
        for col, column in enumerate(columns):
            if column == "scan":
                height = max(height, _scan(ws, cells, line, col, row, images.get(row.number), widths, text))
            else:
                height = max(height, _cell(ws, cells, line, col, column, row, sheet, text))
        ws.set_row(line, height)
    last = HEADER_ROW + max(len(sheet.rows), 1)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last, len(columns) - 1)
    _print_layout(ws, sheet, last, len(columns))


def _cell(ws: Any, cells: TextCells, line: int, col: int, column: str, row: Row, sheet: StepsSheet,
          text: dict[str, Any]) -> float:
    """Write one cell of a step's row; returns the height in points the cell needs."""
    if column == "number":
        ws.write_number(line, col, row.number, cells.format(**{**text, "align": "center"}))
        return 0.0
    if column == "sign":
        ws.write_blank(line, col, None, cells.format(**text))
        return 0.0
    value = {"step": row.step, "menu_path": row.fields.menu_path, "values": sheet.values_text(row),
             "verify": row.fields.verify, "who": row.fields.who, "status": row.status_text}[column]
    style = {**text, "bg_color": STATUS_COLOURS[row.status]} if column == "status" else text
    cells.write(ws, line, col, value, **style)
    return _lines(value, WIDTHS[column]) * LINE_POINTS + 4


def _scan(ws: Any, cells: TextCells, line: int, col: int, row: Row, image: QrImage | None,
          widths: dict[str, int], text: dict[str, Any]) -> float:
    """The QR code of an authorisation step, or the line that says where to get it."""
    if row.scan is not None and row.scan.url is None:
        cells.write(ws, line, col, row.scan.instead, **{**text, "font_size": 9})
        return _lines(row.scan.instead, widths["scan"]) * LINE_POINTS * 0.9 + 4
    if image is None:
        ws.write_blank(line, col, None, cells.format(**text))
        return 0.0
    ws.write_blank(line, col, None, cells.format(**text))
    ws.insert_image(line, col, f"qr-{row.number}.png", {
        "image_data": io.BytesIO(image.png), "x_offset": 4, "y_offset": 4, "object_position": 2,
        "description": REDACTOR.redact(f"QR {row.step}")})
    return image.pixels * 0.75 + 8  # pixels at 96 dpi to points


def _lines(value: str, width: int) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide."""
    count = 0
    for part in value.split("\n"):
        wide = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in part)
        count += max(1, math.ceil(wide / max(width - 1, 1)))
    return count


def _print_layout(ws: Any, sheet: StepsSheet, last: int, columns: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as it takes
    ws.repeat_rows(HEADER_ROW)
    ws.print_area(0, 0, last, columns - 1)
    name = REDACTOR.redact(f"{sheet.word('title')} · {sheet.playbook}")[:80].replace("&", "&&")
    ws.set_footer(f"&L{name}&R{sheet.word('page')}")
