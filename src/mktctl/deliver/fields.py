"""Fields as spreadsheet columns: what shape a field's values have, and how a value becomes a cell and a
cell becomes a value again, exactly.

Shapes come from the kinds' pydantic models: ``text``, ``int``, ``float``, ``bool``, ``choice`` (an Enum or
a Literal: a picklist), ``list`` (a list of one of those: its items separated by 、 in a Chinese workbook and
by commas in an English one; a cell may separate them by any of ``、，,；;`` or a new line) and ``json``
(anything nested: JSON text in one cell, read back as YAML so a person may also type YAML's flow style).

Reading is text first: every cell arrives here as text and is converted explicitly, so phone numbers and
codes keep their leading zeros and nothing is guessed from how a spreadsheet program stored it.
"""

from __future__ import annotations

import enum
import json
import math
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticUndefined

from mktctl.base.language import LIST, is_chinese
from mktctl.deliver import i18n
from mktctl.kinds.base import field_description

MISSING: Any = object()  # an empty cell: the field is not set and takes its default

_SEPARATORS = re.compile(r"[,，、;；\n]")
_BOOL_TRUE = {"是", "yes", "y", "true", "1", "√", "✓", "on", "对"}
_BOOL_FALSE = {"否", "no", "n", "false", "0", "×", "✗", "off", "不"}


class CellError(ValueError):
    """A cell's text is not a value of its column; the message says what was expected."""


@dataclass(frozen=True)
class Shape:
    kind: str  # text | int | float | bool | choice | list | json
    options: tuple[Any, ...] = ()  # choice: the allowed values
    item: Shape | None = None  # list: the shape of each item
    nullable: bool = False


@dataclass
class Column:
    """One field of a kind as a column of its table."""

    name: str
    shape: Shape
    description: str
    required: bool
    default: Any  # the JSON form of the default, or MISSING when there is none
    labels: dict[str, str] = field(default_factory=dict)  # choice value -> label shown in the cell
    reference: str | None = None  # the kind whose keys this field names
    is_key: bool = False
    description_zh: str = ""  # what the field means in Chinese (the model's ``descriptions_zh``)

    def header(self, lang: str) -> str:
        return i18n.field_label(self.name, self.description, lang)

    def meaning(self, lang: str) -> str:
        """What the field means, in ``lang``: its description, in Chinese the Chinese one."""
        return (self.description_zh or self.description) if is_chinese(lang) else self.description


# ---- shapes from annotations -------------------------------------------------------------------------


def shape_of(annotation: Any) -> Shape:
    nullable = False
    annotation = _strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            inner = shape_of(args[0])
            return Shape(inner.kind, inner.options, inner.item, nullable)
        return Shape("json", nullable=nullable)
    base = _scalar(annotation)
    if base is not None:
        return base
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple, set):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        if origin is tuple and len(args) > 1:
            return Shape("json")
        item = _scalar(_strip_annotated(args[0])) if args else None
        if item is not None and origin in (list, tuple):
            return Shape("list", item=item)
        return Shape("json")
    return Shape("json")


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _scalar(annotation: Any) -> Shape | None:
    if annotation is str:
        return Shape("text")
    if annotation is bool:
        return Shape("bool")
    if annotation is int:
        return Shape("int")
    if annotation is float:
        return Shape("float")
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return Shape("choice", options=tuple(member.value for member in annotation))
    if typing.get_origin(annotation) is typing.Literal:
        values = typing.get_args(annotation)
        if all(isinstance(v, str) for v in values):
            return Shape("choice", options=tuple(values))
        return None
    if isinstance(annotation, type) and issubclass(annotation, str) and not issubclass(annotation, enum.Enum):
        return Shape("text")
    return None


def columns_of(model: Any, *, key_field: str | None = None, labels: dict[str, dict[str, str]] | None = None,
               references: dict[str, str] | None = None) -> list[Column]:
    columns = []
    for name, info in model.model_fields.items():
        default: Any = MISSING
        if info.default_factory is not None:
            default = _jsonable(info.default_factory())  # type: ignore[call-arg]
        elif info.default is not PydanticUndefined:
            default = _jsonable(info.default)
        columns.append(Column(name=name, shape=shape_of(info.annotation), description=info.description or "",
                              required=info.is_required(), default=default,
                              labels=dict((labels or {}).get(name, {})),
                              reference=(references or {}).get(name), is_key=name == key_field,
                              description_zh=field_description(model, name, "zh-CN")))
    return columns


def _jsonable(value: Any) -> Any:
    from pydantic import TypeAdapter

    try:
        return TypeAdapter(Any).dump_python(value, mode="json")
    except (TypeError, ValueError):  # pragma: no cover - a default pydantic cannot dump
        return value


# ---- value -> cell ----------------------------------------------------------------------------------


def to_cell(column: Column, value: Any, lang: str) -> str | int | float | None:
    """The cell for a value (the JSON form of a spec's field). None means an empty cell."""
    shape = column.shape
    if value is None or value == "" or value == [] or value == {}:
        if column.default is not MISSING and _same(value, column.default):
            return None  # an empty cell gives the default, which is this value
        return "null" if value is None else json.dumps(value)
    if shape.kind == "text":
        text = str(value)
        return f'"{text}"' if text in ('""', "null") else text
    if shape.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2**53 else str(value)
    if shape.kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value) if isinstance(value, float) else value
        if isinstance(number, float) and (not math.isfinite(number) or float(f"{number:.16G}") != number):
            return repr(number)
        return number
    if shape.kind == "bool" and isinstance(value, bool):
        return i18n.t("yes" if value else "no", lang)
    if shape.kind == "choice" and value in shape.options:
        return column.labels.get(str(value), str(value)) if lang == "zh-CN" else str(value)
    if shape.kind == "list" and isinstance(value, list) and shape.item is not None:
        items = [_item_text(shape.item, column, v, lang) for v in value]
        joined = LIST.say(lang).join(items) if all(text is not None for text in items) else None  # type: ignore[arg-type]
        if joined is not None and joined != "null":  # a lone "null" would read back as no list at all
            return joined
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _item_text(shape: Shape, column: Column, value: Any, lang: str) -> str | None:
    """A list item as text that splits back unchanged, or None when it would not."""
    if shape.kind == "choice" and value in shape.options:
        text = column.labels.get(str(value), str(value)) if lang == "zh-CN" else str(value)
    elif shape.kind == "text" and isinstance(value, str):
        text = value
    elif shape.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        return None
    if not text or text != text.strip() or _SEPARATORS.search(text) or text[0] in "[{\"'":
        return None
    return text


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


# ---- cell -> value ----------------------------------------------------------------------------------


def from_cell(column: Column, text: str) -> Any:
    """The value of a cell's text; MISSING for an empty cell. Raises CellError."""
    shape = column.shape
    if text.strip() == "":
        return MISSING
    if shape.kind == "text":
        if text == '""':
            return ""
        if text == "null" and (shape.nullable or column.default is None):
            return None
        if text in ('""""', '"null"'):
            return text[1:-1]
        return text
    stripped = text.strip()
    if stripped == "null" and shape.kind != "json":
        return None
    if stripped in ('""', "[]", "{}") and shape.kind not in ("json",):
        return json.loads(stripped)
    if shape.kind == "list":
        assert shape.item is not None
        if stripped.startswith("["):
            value = parse_structured(stripped)
            if not isinstance(value, list):
                raise CellError("expected a list")
            return value
        return [_scalar_from_text(shape.item, column, part.strip())
                for part in _SEPARATORS.split(stripped) if part.strip()]
    if shape.kind == "json":
        return parse_structured(stripped)
    return _scalar_from_text(shape, column, stripped)


def _scalar_from_text(shape: Shape, column: Column, text: str) -> Any:
    from mktctl.base.suggest import did_you_mean

    if shape.kind == "int":
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise CellError(f"expected a whole number, not {text!r}") from None
            if number.is_integer():
                return int(number)
            raise CellError(f"expected a whole number, not {text!r}") from None
    if shape.kind == "float":
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"expected a number, not {text!r}") from None
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if shape.kind == "bool":
        folded = text.casefold()
        if folded in _BOOL_TRUE:
            return True
        if folded in _BOOL_FALSE:
            return False
        raise CellError(f"expected 是/否 (yes/no), not {text!r}")
    if shape.kind == "choice":
        by_label = {label: code for code, label in column.labels.items()}
        for candidate in shape.options:
            if text == str(candidate):
                return candidate
        if text in by_label:
            return _option(shape, by_label[text])
        for candidate in shape.options:
            if text.casefold() == str(candidate).casefold():
                return candidate
        names = [str(o) for o in shape.options] + list(by_label)
        hint = did_you_mean(text, names)
        raise CellError(f"unknown value {text!r}; " + (hint or f"choose one of: {', '.join(map(str, shape.options))}"))
    return text


def _option(shape: Shape, code: str) -> Any:
    for candidate in shape.options:
        if str(candidate) == code:
            return candidate
    return code


def parse_structured(text: str) -> Any:
    """JSON, or YAML's flow style, read by mktctl's safe YAML loader (no tags, bounded size)."""
    from mktctl.base.yamlload import load_yaml_text
    from mktctl.errors import PlaybookError

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return load_yaml_text(text, "cell").data
    except PlaybookError as error:
        message = error.problems[0].message if error.problems else str(error)
        raise CellError(f"not valid JSON or YAML: {message}") from None


def cell_text(value: Any) -> str:
    """Any cell value, as read from a workbook, as text."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value)
    return _CONTROL.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


# control characters as OOXML writes them (_x000D_); openpyxl hands them over still escaped
_CONTROL = re.compile(r"_x(00[01][0-9A-Fa-f])_")

