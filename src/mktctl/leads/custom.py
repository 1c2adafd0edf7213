"""Custom field values: the text of a column that feeds a custom field of 销售线索, read by the field's type.
``DataFrame -> DataFrame``, vectorised over the distinct values of each column.

``convert(raw, fields, headers) -> Converted``: for each custom field, its canonical text, and for each row
the first value no field of that type can hold (``problem``, ``""`` where every value is fine) naming the
column, the field and the value. A row with a problem is rejected (``invalid_value``). Canonical texts:

================= =================================================== ================================
type              accepted                                            canonical text
================= =================================================== ================================
text and the like any text (cleaned like the standard text fields)      the cleaned text
number, currency  ``1,200``, ``１２００``, ``¥1200``, ``1200元``, ``-3.5`` ``1200``, ``-3.5``
percentile        as number, with or without ``%``                     ``35``
date, date_time   as ``create_time`` (``2024/5/1``, ``2024年5月1日``...)  ``2024-05-01`` / ``… 10:30:00``
select_one        an option's label (or its value, when known)         the label
select_many       options separated by , ， ; ； 、 | or new lines        labels joined by ``|``
true_or_false     是/否, true/false, yes/no, y/n, 1/0, √/×               ``true`` / ``false``
================= =================================================== ================================

:func:`api_value` turns a canonical text into what the platform takes: a number, epoch milliseconds, an
option value or a list of them, a boolean.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.leads.fields import (
    CHOICE_TYPES,
    DATE_TYPES,
    NUMBER_TYPES,
    TEXT_TYPES,
    CustomField,
    fold_header,
)
from mktctl.leads.text import clean_value

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.tenant.describe import FieldInfo

SEPARATOR = "|"  # between the labels of a multi-select value
_SPLIT = re.compile(r"[,，;；、|\n\r]+")
_NUMBER_NOISE = re.compile(r"[\s,，_'’]|^[¥￥$]|元$|^RMB|^CNY")
_TRUE = {"是", "true", "yes", "y", "1", "√", "✓", "对", "有"}
_FALSE = {"否", "false", "no", "n", "0", "×", "✗", "x", "错", "无"}


@dataclass(frozen=True)
class Converted:
    values: pd.DataFrame  # one column per custom field: its canonical text, "" where empty
    problem: pd.Series  # per row: the first value that is not of its field's type, "" where none
    invalid: dict[str, int]  # per custom field: rows with a value of the wrong type


def convert(raw: pd.DataFrame, fields: list[CustomField], headers: Mapping[str, str]) -> Converted:
    """``raw`` holds the text of each mapped custom field under its api name; ``headers`` says which
    column(s) of the file each one came from, for the problem text."""
    import pandas as pd

    index = raw.index
    values: dict[str, pd.Series] = {}
    problem = pd.Series("", index=index, dtype="str")
    invalid: dict[str, int] = {}
    for custom in fields:
        text = raw[custom.api_name].fillna("").astype("str") if custom.api_name in raw.columns else \
            pd.Series("", index=index, dtype="str")
        codes, distinct = pd.factorize(text)
        canonical, why = _reader(custom)([clean_value(str(v)) for v in distinct])
        values[custom.api_name] = pd.Series(pd.array(canonical or [""], dtype="str")[codes] if len(codes) else [],
                                            index=index, dtype="str")
        wrong = pd.Series(pd.array(why or [""], dtype="str")[codes] if len(codes) else [], index=index, dtype="str")
        bad = wrong != ""
        invalid[custom.api_name] = int(bad.sum())
        if bad.any():
            where = f"列 column {headers.get(custom.api_name, custom.label)!r} ({custom.api_name} {custom.label}): "
            problem = problem.where((problem != "") | ~bad, where + wrong)
    return Converted(values=pd.DataFrame(values, index=index), problem=problem, invalid=invalid)


One = Callable[[str], tuple[str, str]]  # a text -> (its canonical text, why it is wrong or "")
Reader = Callable[[list[str]], tuple[list[str], list[str]]]  # distinct texts -> canonical texts, why wrong


def _reader(custom: CustomField) -> Reader:
    if custom.type in NUMBER_TYPES:
        return _each(_number(custom.type == "percentile"))
    if custom.type in DATE_TYPES:
        return _dates(custom.type == "date")
    if custom.type in CHOICE_TYPES:
        return _each(_choice(custom, many=custom.type == "select_many"))
    if custom.type == "true_or_false":
        return _each(_boolean)
    return lambda texts: (texts, [""] * len(texts))  # TEXT_TYPES: cleaned text


def _each(one: One) -> Reader:
    def read(texts: list[str]) -> tuple[list[str], list[str]]:
        pairs = [one(text) for text in texts]
        return [c for c, _ in pairs], [w for _, w in pairs]

    return read


def _number(percent: bool) -> One:
    def read(text: str) -> tuple[str, str]:
        if not text:
            return "", ""
        plain = _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", text))
        if percent:
            plain = plain.removesuffix("%")
        try:
            number = float(plain)
        except ValueError:
            return "", f"{text!r} 不是数字 is not a number"
        if not math.isfinite(number):
            return "", f"{text!r} 不是数字 is not a number"
        return number_text(number), ""

    return read


def number_text(number: float) -> str:
    """``1200.0`` → ``1200``, ``-3.5`` → ``-3.5``."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _dates(date_only: bool) -> Reader:
    """Dates as ``create_time`` reads them (:func:`mktctl.leads.normalise.parse_times`), all at once."""

    def read(texts: list[str]) -> tuple[list[str], list[str]]:
        import pandas as pd

        from mktctl.leads.normalise import parse_times

        parsed, bad = parse_times(pd.Series(texts, dtype="str"))
        canonical, why = [], []
        for text, value, wrong in zip(texts, parsed.tolist(), bad.tolist(), strict=True):
            if text and (wrong or not value):
                canonical.append("")
                why.append(f"{text!r} 不是日期 is not a date")
            else:
                canonical.append(str(value)[:10] if date_only and value else str(value))
                why.append("")
        return canonical, why

    return read


def _choice(custom: CustomField, *, many: bool) -> One:
    by_label = {fold_header(label): label for _, label in custom.options}
    by_value = {value: label for value, label in custom.options if value}
    shown = "、".join(custom.option_labels)

    def one(part: str) -> str | None:
        return by_label.get(fold_header(part)) or by_value.get(part)

    def read(text: str) -> tuple[str, str]:
        if not text:
            return "", ""
        parts = [p.strip() for p in _SPLIT.split(text)] if many else [text]
        labels: list[str] = []
        for part in (p for p in parts if p):
            label = one(part)
            if label is None:
                return "", f"{part!r} 不是选项 is not an option (选项 options: {shown})"
            if label not in labels:
                labels.append(label)
        return SEPARATOR.join(labels), ""

    return read


def _boolean(text: str) -> tuple[str, str]:
    if not text:
        return "", ""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if folded in _TRUE:
        return "true", ""
    if folded in _FALSE:
        return "false", ""
    return "", f"{text!r} 不是 是/否 is not yes or no"


def api_value(text: str, field: FieldInfo | CustomField, timezone: str = "Asia/Shanghai") -> Any:
    """A canonical text as the platform takes it for ``field`` (the tenant's definition); None when empty."""
    if not text:
        return None
    kind = field.type
    if kind in NUMBER_TYPES:
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind in DATE_TYPES:
        import pandas as pd

        from mktctl.leads.normalise import to_epoch_ms

        stamp = text if len(text) > 10 else f"{text} 00:00:00"
        millis = to_epoch_ms(pd.Series([stamp], dtype="str"), timezone).iloc[0]
        return None if pd.isna(millis) else int(millis)
    if kind in CHOICE_TYPES:
        labels = text.split(SEPARATOR) if kind == "select_many" else [text]
        chosen = [_option_value(field, label) for label in labels]
        return chosen if kind == "select_many" else chosen[0]
    if kind == "true_or_false":
        return text == "true"
    if kind in TEXT_TYPES:
        return text
    return text


def _option_value(field: FieldInfo | CustomField, label: str) -> str:
    for value, option in field.options:
        if option == label and value:
            return value
    return label
