"""Which column of the file feeds which lead field.

``map_columns(headers, mapping_file=None, fields=NO_CUSTOM_FIELDS) -> ColumnMap``: headers are recognised by
name in Chinese or English (see :mod:`mktctl.leads.fields`), else by the label or api name of a custom field
the playbook declares (a field only the tenant has is fed through a mapping); a mapping file overrides or
completes that::

    # MAP.yaml
    sheet: 线索            # optional: the sheet to read
    header_row: 2          # optional: the header's row number when it is not found by itself
    columns:
      客户名称: company       # header in the file: field (name, company, mobile, tel, email, contact,
      手机号码2: mobile       #   province, city, industry, job_title, source, create_time, remark, url)
      预算金额: budget__c     # a custom field of 销售线索, by its api name
      参展国家: 国家          # or by its label
      内部编号: ignore        # or ignore

A custom field is named as the playbook's ``lead_fields`` declares it or as the tenant's ``describe``
reports it (``fields``); a mapping is resolved to api names. Several columns may feed one field (手机 and
手机2): the first non-empty value in column order wins. Mistakes in the mapping file are reported
together, each with its file:line:column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.errors import Mark, PlaybookError, Problem
from mktctl.leads.fields import (
    BY_KEY,
    IGNORE,
    MAPPABLE_TYPES,
    NO_CUSTOM_FIELDS,
    CustomField,
    CustomFields,
    fold_header,
    recognise,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class MappingFile:
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # header → field key, custom api name or "ignore"
    marks: dict[str, Mark] = field(default_factory=dict)
    file: str | None = None

    def with_columns(self, columns: MappingFile) -> MappingFile:
        """This mapping with ``columns`` added, theirs winning for a header both name."""
        ours = {fold_header(h): h for h in self.columns}
        merged, marks = dict(self.columns), dict(self.marks)
        for header, target in columns.columns.items():
            merged.pop(ours.get(fold_header(header), header), None)
            merged[header] = target
            if header in columns.marks:
                marks[header] = columns.marks[header]
        return MappingFile(sheet=self.sheet, header_row=self.header_row, columns=merged, marks=marks, file=self.file)


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str | None  # None: ignored
    why: str  # "recognised", "custom field", "mapping file", "not recognised", "mapping file: ignore", "empty header"


@dataclass(frozen=True)
class ColumnMap:
    columns: tuple[Column, ...]

    @property
    def mapped(self) -> dict[str, list[Column]]:
        out: dict[str, list[Column]] = {}
        for column in self.columns:
            if column.field:
                out.setdefault(column.field, []).append(column)
        return out

    @property
    def ignored(self) -> list[Column]:
        return [c for c in self.columns if not c.field and c.why != "empty header"]

    def custom_fields(self, fields: CustomFields) -> list[CustomField]:
        """The custom fields of ``fields`` the columns feed, in column order."""
        found = [fields.find(key) for key in self.mapped if key not in BY_KEY]
        return [f for f in found if f is not None]

    def describe(self) -> dict[str, Any]:
        return {
            "mapped": {key: [c.header for c in cols] for key, cols in self.mapped.items()},
            "ignored": [{"header": c.header, "why": c.why} for c in self.ignored],
        }

    def fields_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The raw text of each mapped field (several columns coalesced left to right)."""
        import pandas as pd

        out: dict[str, pd.Series] = {}
        for key, columns in self.mapped.items():
            value = frame[f"c{columns[0].index}"].fillna("")
            for extra in columns[1:]:
                more = frame[f"c{extra.index}"].fillna("")
                value = value.where(value.str.strip() != "", more)
            out[key] = value.astype("str")
        return pd.DataFrame(out, index=frame.index)


def load_mapping_file(path: Path, fields: CustomFields = NO_CUSTOM_FIELDS) -> MappingFile:
    """The mapping file at ``path``; its targets are lead fields, ``ignore`` or custom fields of ``fields``
    (by api name or label, resolved to the api name)."""
    from mktctl.base.suggest import did_you_mean
    from mktctl.base.yamlload import load_yaml_file

    document = load_yaml_file(path)
    data = document.data or {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise PlaybookError([Problem(document.mark(()), "a mapping file is a mapping with a 'columns:' key")])
    allowed = {"sheet", "header_row", "columns"}
    for key in data:
        if key not in allowed:
            hint = did_you_mean(str(key), allowed)
            problems.append(Problem(document.mark((key,), key=True), f"unknown key {key!r}"
                                    + (f" ({hint})" if hint else f"; keys are {', '.join(sorted(allowed))}")))
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problems.append(Problem(document.mark(("sheet",)), "sheet must be a sheet name"))
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or isinstance(header_row, bool)
                                   or header_row < 1):
        problems.append(Problem(document.mark(("header_row",)), "header_row must be a row number (1 or more)"))
    columns_raw = data.get("columns") or {}
    if not isinstance(columns_raw, dict):
        problems.append(Problem(document.mark(("columns",)), "columns must map a header to a field"))
        columns_raw = {}
    marks = {str(header).strip(): document.mark(("columns", header)) for header in columns_raw}
    try:
        columns = resolve_columns(columns_raw, fields, marks)
    except PlaybookError as error:
        problems.extend(error.problems)
        columns = MappingFile()
    if problems:
        raise PlaybookError(problems)
    return MappingFile(sheet=sheet, header_row=header_row, columns=columns.columns, marks=columns.marks,
                       file=str(path))


def resolve_columns(columns: dict[Any, Any], fields: CustomFields = NO_CUSTOM_FIELDS,
                    marks: dict[str, Mark] | None = None, *, where: str = "columns") -> MappingFile:
    """``header → target`` (a lead field, ``ignore``, or a custom field of ``fields`` by api name or label),
    with the targets resolved: a custom field's to its api name. Every unknown target is reported at once
    (at its mark, when ``marks`` has one)."""
    from mktctl.base.suggest import did_you_mean

    marks = marks or {}
    resolved: dict[str, str] = {}
    problems: list[Problem] = []
    choices = sorted([*BY_KEY, IGNORE]) + fields.names()
    for header, target in columns.items():
        text = str(header).strip()
        name = IGNORE if target is None else str(target).strip()
        custom = None if name in BY_KEY or name == IGNORE else fields.find(name)
        if custom is not None and custom.type not in MAPPABLE_TYPES:
            problems.append(Problem(marks.get(text), f"{where}.{header}: {custom.api_name} ({custom.label}) is a "
                                                     f"{custom.type} field; a column can feed text, number, date, "
                                                     "picklist and yes/no fields"))
            continue
        if name not in BY_KEY and name != IGNORE and custom is None:
            hint = did_you_mean(name, choices)
            problems.append(Problem(marks.get(text), f"{where}.{header}: unknown field {name!r}"
                                    + (f" ({hint})" if hint else _unknown_hint(name, fields))))
            continue
        resolved[text] = custom.api_name if custom is not None else name
    if problems:
        raise PlaybookError(problems)
    return MappingFile(columns=resolved, marks={h: m for h, m in marks.items() if h in resolved})


def _unknown_hint(name: str, fields: CustomFields) -> str:
    standard = f"; fields are {', '.join(sorted([*BY_KEY, IGNORE]))}"
    if name.endswith("__c") or not fields:
        return (standard + ", or a custom field of 销售线索 (by api name or label) that the playbook's lead_fields "
                "declares or the tenant has")
    return standard + f", and the custom fields {', '.join(c.api_name for c in fields)}"


def map_columns(headers: list[str], mapping: MappingFile | None = None,
                fields: CustomFields = NO_CUSTOM_FIELDS) -> ColumnMap:
    explicit = {fold_header(k): v for k, v in (mapping.columns if mapping else {}).items()}
    columns: list[Column] = []
    for index, header in enumerate(headers):
        text = str(header).strip()
        if not text:
            columns.append(Column(index, text, None, "empty header"))
            continue
        folded = fold_header(text)
        if folded in explicit:
            target = explicit[folded]
            columns.append(Column(index, text, None if target == IGNORE else target,
                                  "mapping file: ignore" if target == IGNORE else "mapping file"))
            continue
        key = recognise(text)
        custom = fields.find(text) if key is None else None
        if custom is not None and custom.declared and custom.type in MAPPABLE_TYPES:
            columns.append(Column(index, text, custom.api_name, "custom field"))
            continue
        columns.append(Column(index, text, key, "recognised" if key else "not recognised"))
    if mapping is not None:
        _check_headers_exist(headers, mapping)
    return ColumnMap(tuple(columns))


def _check_headers_exist(headers: list[str], mapping: MappingFile) -> None:
    from mktctl.base.suggest import did_you_mean

    present = {fold_header(h) for h in headers}
    problems = []
    for header in mapping.columns:
        if fold_header(header) not in present:
            hint = did_you_mean(header, [h for h in headers if h])
            problems.append(Problem(mapping.marks.get(header), f"columns.{header}: the file has no column "
                                    f"{header!r}" + (f" ({hint})" if hint else "")))
    if problems:
        raise PlaybookError(problems)
