"""Write a playbook as a configuration workbook (xlsx) for the client, or an empty one as the survey.

Written with xlsxwriter, which keeps cell types: text is written as text (never as a formula: text that a
spreadsheet program could take for one gets the quote prefix as well), numbers as numbers. Headers carry
notes with each field's meaning, picklists are data validation, and the workbook records the digest of
the playbook it was made from. See :mod:`mktctl.deliver.layout` for the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.files import make_folders
from mktctl.base.language import CLAUSE, COLON, LIST, bracketed
from mktctl.deliver import i18n, layout
from mktctl.deliver.fields import Column, to_cell
from mktctl.errors import DataFileError
from mktctl.kinds import guide
from mktctl.leads.cells import TextCells
from mktctl.leads.sheetwriter import column_letter

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mktctl.kinds.base import Kind, Matrix, Playbook, Spec

Value = str | int | float | None


@dataclass
class Content:
    """What goes into a workbook: the playbook's settings and, per kind, its items (JSON form)."""

    name: str
    language: str
    description: str = ""
    digest: str | None = None
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    specs: dict[str, list[Spec]] = field(default_factory=dict)

    @property
    def resources(self) -> int:
        return sum(len(v) for v in self.items.values())


@dataclass
class ExportResult:
    path: Path
    sheets: list[str]
    resources: int
    digest: str | None
    personal_data: bool


def content_of(playbook: Playbook) -> Content:
    """The playbook's items, a value that came from a secret written as its reference (``${env:NAME}``,
    also inside a longer text and in nested values): a workbook never holds a secret, and
    ``workbook import`` reads the reference back (see :func:`mktctl.secrets.with_references`)."""
    content = Content(name=playbook.name, language=playbook.language,
                      description=str(playbook.settings.get("description") or ""), digest=playbook.digest())
    for resource in playbook.resources:
        item = layout.jsonable(resource.spec)
        lean = resource.spec.model_dump(mode="json", exclude_defaults=True)
        for name in item:
            if isinstance(item[name], dict | list) and name in lean:
                item[name] = lean[name]  # nested values without their defaults: shorter cells, same spec
            item[name] = _as_cell_text(item[name], playbook.secrets)
        content.items.setdefault(resource.kind.name, []).append(item)
        content.specs.setdefault(resource.kind.name, []).append(resource.spec)
    return content


def _as_cell_text(value: Any, known: Mapping[str, str]) -> Any:
    from mktctl.secrets import with_references

    if isinstance(value, str):
        return with_references(value, known)
    if isinstance(value, list):
        return [_as_cell_text(v, known) for v in value]
    if isinstance(value, dict):
        return {k: _as_cell_text(v, known) for k, v in value.items()}
    return value


def export_playbook(playbook: Playbook, out: Path, *, lang: str, generated_at: str, generator: str) -> ExportResult:
    content = content_of(playbook)
    return write_workbook(content, out, lang=lang, generated_at=generated_at, generator=generator, survey=None)


def write_workbook(content: Content, out: Path, *, lang: str, generated_at: str, generator: str,
                   survey: dict[str, list[str]] | None) -> ExportResult:
    """Write ``content``; with ``survey`` (family -> questions) the workbook is the requirements survey."""
    writer = _Writer(out, lang)
    try:
        sheets = writer.write(content, generated_at=generated_at, generator=generator, survey=survey)
    finally:
        writer.close()
    personal = any(content.items.get(k.name) for k in layout.registry() if k.pii_fields)
    if personal:
        out.chmod(0o600)
    return ExportResult(out, sheets, content.resources, content.digest, personal)


class _Writer:
    def __init__(self, path: Path, lang: str) -> None:
        import xlsxwriter

        make_folders(path.parent)
        self.path = path
        self.lang = lang
        self.book = xlsxwriter.Workbook(str(path), TextCells.OPTIONS)
        self.lists_sheet: Any = None
        self.lists: dict[tuple[str, ...], str] = {}
        self.cells = TextCells(self.book)
        self.widths: dict[int, dict[int, float]] = {}
        self.sheet_names: list[str] = []

    def close(self) -> None:
        from xlsxwriter.exceptions import XlsxWriterException

        from mktctl.base.fileerrors import file_access_error

        try:
            self.book.close()
        except (OSError, XlsxWriterException) as error:
            on_disk = file_access_error(error)  # the file system's error, told like every command tells it
            if on_disk is not None:
                raise on_disk from None
            raise DataFileError(f"cannot write {self.path}: {error}", file=str(self.path)) from None

    # ---- formats ------------------------------------------------------------------------------------

    def fmt(self, name: str, *, indent: int = 0) -> Any:
        return self.cells.format(**self._properties(name, indent))

    @staticmethod
    def _properties(name: str, indent: int = 0) -> dict[str, Any]:
        base: dict[str, Any] = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "top"}
        extra: dict[str, dict[str, Any]] = {
            "heading": {"bold": True, "font_size": 16},
            "title": {"bold": True, "font_size": 12, "font_color": "#1F3864", "bottom": 2,
                      "bottom_color": "#1F3864"},
            "code": {"font_size": 8, "font_color": "#808080"},
            "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "border_color": "#9BC2E6",
                       "text_wrap": True},
            "key_header": {"bold": True, "bg_color": "#FCE4D6", "border": 1, "border_color": "#F4B084",
                           "text_wrap": True},
            "text": {"num_format": "@", "border": 1, "border_color": "#D9D9D9", "text_wrap": True},
            "number": {"border": 1, "border_color": "#D9D9D9"},
            "label": {"bold": True, "font_color": "#404040"},
            "note": {"font_color": "#404040", "text_wrap": True},
            "module": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#D9D9D9"},
        }
        options = {**base, **extra[name]}
        if indent:
            options["indent"] = indent
        return options

    # ---- cells --------------------------------------------------------------------------------------

    def text(self, ws: Any, row: int, col: int, value: str, style: str | None = None, *, indent: int = 0) -> str:
        """A text cell (see :class:`mktctl.leads.cells.TextCells`: a string cell, redacted, with the quote
        prefix when it looks like a formula); returns the text written."""
        return self.cells.write(ws, row, col, value, **(self._properties(style, indent) if style else {}))

    def put(self, ws: Any, row: int, col: int, value: Value, *, style: str = "text", indent: int = 0) -> None:
        """Write one cell by its type: text is always a string cell, never a formula."""
        if value is None:
            ws.write_blank(row, col, None, self.fmt(style, indent=indent))
            self._width(ws, col, "")
            return
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int | float):
            ws.write_number(row, col, value, self.fmt("number" if style == "text" else style))
            self._width(ws, col, str(value))
            return
        text = self.text(ws, row, col, str(value), style, indent=indent)
        self._width(ws, col, text, indent)

    def _width(self, ws: Any, col: int, text: str, indent: int = 0) -> None:
        longest = max((len(line) + sum(1 for ch in line if ord(ch) > 0x2E80) for line in text.split("\n")),
                      default=0)
        widths = self.widths.setdefault(id(ws), {})
        widths[col] = max(widths.get(col, 0), longest + 2 * indent)

    def finish_widths(self, ws: Any, *, minimum: float = 10, maximum: float = 48) -> None:
        for col, width in self.widths.get(id(ws), {}).items():
            ws.set_column(col, col, max(minimum, min(maximum, width + 2)))

    def list_source(self, values: list[str]) -> str | None:
        """A reference to a range of the hidden ``_lists`` sheet holding ``values``."""
        if not values:
            return None
        key = tuple(values)
        if key not in self.lists:
            column = len(self.lists)
            for row, value in enumerate(values):
                self.text(self.lists_sheet, row, column, value)
            letter = column_letter(column)
            self.lists[key] = f"='{layout.LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
        return self.lists[key]

    # ---- the workbook -------------------------------------------------------------------------------

    def write(self, content: Content, *, generated_at: str, generator: str,
              survey: dict[str, list[str]] | None) -> list[str]:
        lang = self.lang
        kinds = layout.registry()
        grouped = layout.families(kinds)
        if survey is not None:
            for family in survey:
                grouped.setdefault(family, [])
            grouped = {f: grouped[f] for f in sorted(grouped, key=guide.family_order)}
        about = self._sheet(i18n.t("about", lang))
        family_sheets: list[tuple[Any, str, list[Kind[Any]]]] = []
        for family, members in grouped.items():
            ws = self._sheet(guide.family_name(family, lang))
            family_sheets.append((ws, family, members))
            if any(layout.has_matrix(k) for k in members):
                family_sheets.append((self._sheet(i18n.t("matrix", lang)), "matrix", members))
        self.lists_sheet = self._sheet(layout.LISTS_SHEET)
        meta = self._sheet(layout.META_SHEET)
        self._about(about, content, generated_at=generated_at, generator=generator, survey=survey is not None)
        spare = layout.SURVEY_SPARE_ROWS if survey is not None else layout.SPARE_ROWS
        for ws, family, members in family_sheets:
            if family == "matrix":
                owner, matrix = next((k, m) for k in members if (m := layout.matrix_of(k)) is not None)
                self._matrix(ws, owner, matrix, content.items.get(owner.name, []),
                             spare=3 if survey is not None else 2)
                continue
            row = 0
            if survey is not None:
                row = self._questions(ws, family, survey.get(family, []))
            for kind in members:
                row = self._block(ws, row, kind, content, spare)
            self.finish_widths(ws)
        self._meta(meta, content, generated_at=generated_at, generator=generator, survey=survey is not None)
        self.lists_sheet.hide()
        meta.hide()
        about.activate()
        self.book.set_properties({"title": content.name, "subject": i18n.t(
            "workbook.survey" if survey is not None else "workbook.config", lang), "author": generator,
            "comments": f"playbook digest {content.digest}" if content.digest else ""})
        if content.digest:
            self.book.set_custom_property("mktctl_digest", content.digest)
        return [name for name in self.sheet_names if not name.startswith("_")]

    def _sheet(self, name: str) -> Any:
        name = _sheet_name(name, self.sheet_names)
        self.sheet_names.append(name)
        return self.book.add_worksheet(name)

    def _about(self, ws: Any, content: Content, *, generated_at: str, generator: str, survey: bool) -> None:
        lang = self.lang
        self.text(ws, 0, 0, i18n.t("workbook.survey" if survey else "workbook.config", lang), "heading")
        row = 2
        info = [(i18n.t("generated", lang), generated_at), (i18n.t("generated_by", lang), generator)]
        if content.digest:
            info.insert(0, (i18n.t("digest", lang), content.digest))
        for label, value in info:
            self.text(ws, row, 0, label, "label")
            self.put(ws, row, 1, value, style="note")
            row += 1
        row += 1
        self.text(ws, row, 0, i18n.t("project", lang) + f" · {layout.PLAYBOOK} · ", "title")
        columns = [(name, i18n.t(f"playbook.{name}", lang), i18n.t(f"playbook.{name}.help", lang))
                   for name in layout.PLAYBOOK_FIELDS]
        for col, (name, header, help_text) in enumerate(columns):
            self.text(ws, row + 1, col, layout.code(layout.PLAYBOOK, name), "code")
            self.text(ws, row + 2, col, header, "key_header" if name == "name" else "header")
            ws.write_comment(row + 2, col, help_text, {"x_scale": 2})
        ws.set_row(row + 1, None, None, {"hidden": True})
        values = {"name": content.name, "language": content.language, "description": content.description}
        for col, (name, _h, _x) in enumerate(columns):
            self.put(ws, row + 3, col, values[name] or None)
        source = self.list_source(list(i18n.LANGUAGES))
        ws.data_validation(row + 3, 1, row + 3, 1, {"validate": "list", "source": source})
        row += 5
        self.text(ws, row, 0, i18n.t("how.title", lang), "label")
        for number in range(1, 6):
            row += 1
            self.text(ws, row, 0, f"{number}. " + i18n.t(f"how.{number}", lang), "note")
        row += 2
        self.text(ws, row, 0, i18n.t("signoff", lang), "label")
        for offset, key in enumerate(("signoff.by", "signoff.date"), start=1):
            self.text(ws, row + offset, 0, i18n.t(key, lang) + COLON.say(lang) + "______________", "note")
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 24)
        ws.set_column(2, 2, 40)

    def _questions(self, ws: Any, family: str, questions: list[str]) -> int:
        lang = self.lang
        self.text(ws, 0, 0, f"{family} {guide.family_name(family, lang)} · {i18n.t('questions', lang)}", "title")
        self.text(ws, 1, 0, i18n.t("survey.intro", lang), "note")
        self.text(ws, 2, 0, i18n.t("question", lang), "header")
        self.text(ws, 2, 1, i18n.t("answer", lang), "header")
        row = 3
        for number, question in enumerate(questions, start=1):
            self.text(ws, row, 0, f"{number}. {question}", "text")
            ws.write_blank(row, 1, None, self.fmt("text"))
            self._width(ws, 0, question[:40])
            self._width(ws, 1, " " * 40)
            row += 1
        return row + 1

    def _block(self, ws: Any, row: int, kind: Kind[Any], content: Content, spare: int) -> int:
        lang = self.lang
        items = content.items.get(kind.name, [])
        block = layout.block_for(kind, content.specs.get(kind.name, []))
        examples = layout.example_specs(kind)
        example = layout.jsonable(examples[0]) if examples else {}
        self.text(ws, row, 0, layout.title(kind, lang), "title")
        for col, column in enumerate(block.columns):
            self.text(ws, row + 1, col, layout.code(kind.name, column.name), "code")
            header = column.header(lang) + (" *" if column.required else "")
            self.text(ws, row + 2, col, header, "key_header" if column.is_key else "header")
            self._width(ws, col, header)
            ws.write_comment(row + 2, col, self._note(kind, column, content, example.get(column.name)),
                             {"x_scale": 2.4, "y_scale": 2.2})
        ws.set_row(row + 1, None, None, {"hidden": True})
        first = row + 3
        depths = layout.tree_depths(kind, items)
        count = 1 if kind.singleton else len(items) + spare
        for offset in range(count):
            item = items[offset] if offset < len(items) else None
            for col, column in enumerate(block.columns):
                value = to_cell(column, item.get(column.name), lang) if item is not None else None
                indent = depths.get(str(item.get(kind.key_field)), 0) if item is not None and column.is_key else 0
                self.put(ws, first + offset, col, value, indent=indent)
        last = first + count - 1
        for col, column in enumerate(block.columns):
            self._validation(ws, first, last, col, column, content)
        return last + 2

    def _validation(self, ws: Any, first: int, last: int, col: int, column: Column, content: Content) -> None:
        lang = self.lang
        shape = column.shape
        source: str | None = None
        error_type = "stop"
        if shape.kind == "choice":
            values = [column.labels.get(str(o), str(o)) if lang == "zh-CN" else str(o) for o in shape.options]
            source = self.list_source(values)
        elif shape.kind == "bool":
            source = self.list_source([i18n.t("yes", lang), i18n.t("no", lang)])
        elif column.reference is not None:
            target = next((k for k in layout.registry() if k.name == column.reference), None)
            if target is not None:
                keys = list(target.builtin_keys)
                keys += [_key_text(target, item) for item in content.items.get(target.name, [])]
                source = self.list_source([k for k in dict.fromkeys(keys) if k])
                error_type = "warning"  # a new item may be added in the same workbook
        if source is not None:
            ws.data_validation(first, col, last, col, {"validate": "list", "source": source,
                                                        "error_type": error_type})

    def _note(self, kind: Kind[Any], column: Column, content: Content, example: Any) -> str:
        """The note on a column's header, in ``lang``'s words and punctuation: first the field's name in
        playbook YAML (the import reads the column by it) and what the field means, then what the column
        takes."""
        lang = self.lang
        t = i18n.t
        colon = COLON.say(lang)
        meaning = column.meaning(lang)
        lines = [column.name + colon + meaning if meaning else column.name]
        kind_text = t(f"type.{column.shape.kind}", lang)
        if column.is_key:
            kind_text += CLAUSE.say(lang) + t("key", lang)
        lines.append(t("type", lang) + colon + kind_text)
        lines.append(t("required", lang) if column.required else t("optional", lang))
        if not column.required and column.default not in (None, "", [], {}) and not _missing(column.default):
            lines.append(t("default", lang) + colon + str(to_cell(column, column.default, lang)))
        options = column.shape.options or (column.shape.item.options if column.shape.item else ())
        if options:
            shown = [bracketed(str(o), column.labels[str(o)], lang) if str(o) in column.labels else str(o)
                     for o in options]
            lines.append(t("options", lang) + colon + LIST.say(lang).join(shown))
        if column.reference:
            lines.append(t("references", lang) + colon + layout.kind_name(column.reference, lang))
        if example not in (None, "", [], {}):
            lines.append(t("example", lang) + colon + str(to_cell(column, example, lang)))
        if kind.singleton:
            lines.append(t("singleton", lang))
        return "\n".join(lines)

    def _matrix(self, ws: Any, kind: Kind[Any], matrix: Matrix, items: list[dict[str, Any]], *, spare: int) -> None:
        lang = self.lang
        modules, actions = matrix.rows, matrix.values
        self.text(ws, 0, 0, i18n.t("matrix.title", lang), "title")
        label_code, row_code, item_code = layout.matrix_codes(kind, matrix)
        codes = [label_code, row_code]
        headers = [i18n.t("matrix.module", lang), i18n.t("matrix.code", lang)]
        keys = [str(item.get(kind.key_field)) for item in items] + [""] * spare
        for col, text in enumerate(codes + [item_code] * len(keys)):
            self.text(ws, 1, col, text, "code")
        ws.set_row(1, None, None, {"hidden": True})
        legend = "\n".join(f"{code} = {label}" for code, label in actions.items())
        for col, text in enumerate(headers + keys):
            self.put(ws, 2, col, text or None, style="key_header" if col >= 2 else "header")
            if col >= 2:
                ws.write_comment(2, col, f"{i18n.t('matrix.actions', lang)}{COLON.say(lang).rstrip()}\n{legend}\n"
                                         f"{i18n.t('matrix.none', lang)}", {"x_scale": 1.6, "y_scale": 1.8})
        for offset, (module, label) in enumerate(modules.items()):
            row = 3 + offset
            self.put(ws, row, 0, label if lang == "zh-CN" else module.replace("_", " "), style="module")
            self.put(ws, row, 1, module, style="module")
            for col, item in enumerate(items, start=2):
                chosen = item.get(matrix.field) or {}
                self.put(ws, row, col, _actions_text(chosen.get(module), actions, lang)
                         if module in chosen else None)
            for col in range(2 + len(items), 2 + len(keys)):
                self.put(ws, row, col, None)
        ws.freeze_panes(3, 2)
        self.finish_widths(ws, minimum=12, maximum=40)

    def _meta(self, ws: Any, content: Content, *, generated_at: str, generator: str, survey: bool) -> None:
        rows = [("format", layout.FORMAT), ("type", "survey" if survey else "config"),
                ("digest", content.digest or ""), ("name", content.name), ("language", self.lang),
                ("generated_at", generated_at), ("generator", generator),
                ("kinds", ", ".join(k.name for k in layout.registry()))]
        for row, (key, value) in enumerate(rows):
            self.text(ws, row, 0, key)
            self.text(ws, row, 1, value)


def _actions_text(actions: list[str] | None, labels: Mapping[str, str], lang: str) -> str:
    if not actions:
        return layout.NO_ACTIONS
    if lang == "zh-CN":
        return LIST.say(lang).join(labels.get(a, a) for a in actions)
    return LIST.say(lang).join(actions)


def _key_text(kind: Kind[Any], item: dict[str, Any]) -> str:
    value = item.get(kind.key_field)
    return "" if value is None else str(value)


def _missing(value: Any) -> bool:
    from mktctl.deliver.fields import MISSING

    return value is MISSING


def _sheet_name(name: str, taken: list[str]) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    name = name.strip("'")[:31] or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in (n.lower() for n in taken):
        suffix = f" {number}"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    return candidate
