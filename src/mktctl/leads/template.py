"""``leads template``: the import template a client fills in.

``write_template(path)`` writes an xlsx with a 线索 sheet (Chinese headers of the standard fields,
required ones marked ``*``, every column formatted as text so that phone numbers keep their digits,
drop-down lists where the platform has picklists: 线索来源, 行业, and 省份), a 填写说明 sheet with each
field's meaning, format and an example, and a hidden 选项 sheet holding the lists. ``leads check``
recognises the template's headers as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mktctl.base.files import make_folders
from mktctl.leads.fields import FIELDS
from mktctl.leads.picklists import PRESET
from mktctl.leads.regions import PROVINCES

DATA_ROWS = 5000  # rows that get the drop-downs and the text format
TEMPLATE_FIELDS = tuple(f for f in FIELDS if f.api_name is not None)


def header(field_key: str) -> str:
    spec = next(f for f in TEMPLATE_FIELDS if f.key == field_key)
    return f"{spec.label}*" if spec.required else spec.label


def write_template(path: Path) -> Path:
    import xlsxwriter

    from mktctl.leads.cells import TextCells

    make_folders(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    book = xlsxwriter.Workbook(str(tmp), TextCells.OPTIONS)
    cells = TextCells(book)
    text: dict[str, Any] = {"num_format": "@"}
    head: dict[str, Any] = {"bold": True, "bg_color": "#DDEBF7", "num_format": "@", "border": 1}
    required: dict[str, Any] = {"bold": True, "bg_color": "#FCE4D6", "num_format": "@", "border": 1}
    wrap: dict[str, Any] = {"text_wrap": True, "valign": "top"}

    sheet = book.add_worksheet("线索")
    options = book.add_worksheet("选项")
    lists = {"source": [label for _, label in PRESET["source"]],
             "industry": [label for _, label in PRESET["industry"]],
             "province": [full for full, _, _ in PROVINCES]}
    ranges: dict[str, str] = {}
    for column, (name, values) in enumerate(lists.items()):
        cells.write(options, 0, column, name, bold=True)
        for row, value in enumerate(values, start=1):
            cells.write(options, row, column, value)
        letter = chr(ord("A") + column)
        ranges[name] = f"='选项'!${letter}$2:${letter}${len(values) + 1}"
    options.hide()

    for column, spec in enumerate(TEMPLATE_FIELDS):
        width = 30 if spec.key in ("remark", "company", "email", "url") else 16
        sheet.set_column(column, column, width, cells.format(**text))
        cells.write(sheet, 0, column, header(spec.key), **(required if spec.required else head))
        if spec.help:
            sheet.write_comment(0, column, spec.help, {"x_scale": 2})
        source = ranges.get(spec.picklist or ("province" if spec.key == "province" else ""))
        if source:
            sheet.data_validation(1, column, DATA_ROWS, column, {
                "validate": "list", "source": source, "ignore_blank": True,
                "error_type": "warning", "error_title": spec.label,
                "error_message": "不在选项中；仍可保留，导入时归为“其他”"})
    sheet.freeze_panes(1, 0)

    guide = book.add_worksheet("填写说明")
    guide.set_column(0, 0, 14)
    guide.set_column(1, 1, 8)
    guide.set_column(2, 2, 60)
    guide.set_column(3, 3, 28)
    for column, name in enumerate(["字段", "必填", "说明", "示例"]):
        cells.write(guide, 0, column, name, **head)
    for row, spec in enumerate(TEMPLATE_FIELDS, start=1):
        cells.write(guide, row, 0, spec.label)
        cells.write(guide, row, 1, "是" if spec.required else "")
        cells.write(guide, row, 2, spec.help or "", **wrap)
        cells.write(guide, row, 3, spec.example)
    notes = [
        "每行一条线索；第一行是表头，请勿修改或删除。",
        "姓名和公司名称必填；手机、座机、邮箱至少填一项有效的。",
        "同一手机号或邮箱视为同一人，只导入一次（最早的一行，并用其他行补全空字段）。",
        "手机号请填为文本（本模板已设为文本格式），避免 Excel 把号码变成 1.39E+10。",
        "名称或公司含“测试/test”、example.com 邮箱、13800138000 等占位号码的行会被视为测试数据。",
        "检查: mktctl leads check 本文件.xlsx --out 结果目录 ；导入: mktctl leads import 本文件.xlsx --out 结果目录",
    ]
    start = len(TEMPLATE_FIELDS) + 2
    cells.write(guide, start, 0, "注意事项", bold=True)
    for offset, note in enumerate(notes, start=1):
        cells.write(guide, start + offset, 0, f"{offset}. {note}")
    sheet.activate()
    book.close()
    tmp.replace(path)
    return path
