"""The migration map: which file of the export folder holds which entity, which column is which field, and
the tables that translate the old system's values (lifecycle stages, tags, activity types, tiers).

``load_map(path) -> MigrationMap`` reads a map file; ``preset_map(name) -> MigrationMap`` is a preset with
nothing added. Mistakes are reported together, each at its ``file:line:col``, as the leads mapping does::

    # migration.yaml
    preset: hubspot                 # start from a preset's columns and tables (default: generic)
    system: HubSpot (Acme)          # how the results name the old system
    people:
      file: contacts.csv            # relative to --from; default: the preset's file name patterns
      sheet: Contacts               # optional; header_row: 2 too
      columns:
        Industry Tags: tags         # header: field (see docs/migrate.md), or ignore
        Internal Notes: ignore
    behaviour: {file: activities.csv}
    values:
      lifecycle_stages: {Customer: 稳定期, Lead: 新客期}
      tags: {VIP: 客户等级:VIP}
      lead_status: {Open: 线索状态:跟进中}
      behaviours: {Webinar Attended: 观看直播}
      tiers: {Gold: 金卡会员}
    default_tag_group: 原系统标签     # tags without an entry of the table go to this group
    score_mode: recompute           # or carry (default)
    source_id_field: source_system_id__c
    links:                          # old page (a URL prefix) -> new landing page
      https://info.acme.com/webinar: https://acme.fxiaoke.cn/webinar
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.errors import Mark, PlaybookError, Problem
from mktctl.migrate.fields import ENTITIES, FIELDS, IGNORE, VALUE_TABLES
from mktctl.migrate.presets import PRESETS, Preset

SCORE_MODES = ("carry", "recompute")
DEFAULT_SOURCE_ID_FIELD = "source_system_id__c"
_TOP_KEYS = ("preset", "system", "values", "default_tag_group", "score_mode", "source_id_field", "links",
             *ENTITIES)
_ENTITY_KEYS = ("file", "sheet", "header_row", "columns")


@dataclass(frozen=True)
class EntitySource:
    entity: str
    file: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # header as written -> field or ignore
    marks: dict[str, Mark] = field(default_factory=dict)  # header (and "file") -> its position


@dataclass(frozen=True)
class MigrationMap:
    preset: Preset
    system: str
    entities: dict[str, EntitySource] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> old value -> new value
    value_marks: dict[tuple[str, str], Mark] = field(default_factory=dict)
    default_tag_group: str | None = None
    scores: str = "carry"
    source_id_field: str = DEFAULT_SOURCE_ID_FIELD
    links: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    marks: dict[str, Mark] = field(default_factory=dict)  # top-level key -> position

    def source(self, entity: str) -> EntitySource:
        return self.entities.get(entity) or EntitySource(entity)

    def table(self, name: str) -> dict[str, str]:
        return self.values.get(name, {})

    def describe(self) -> dict[str, Any]:
        return {"preset": self.preset.name, "system": self.system, "file": self.file, "scores": self.scores,
                "source_id_field": self.source_id_field, "default_tag_group": self.default_tag_group}


def preset_map(name: str | None) -> MigrationMap:
    preset = _preset(name or "generic", None, [])
    return MigrationMap(preset=preset, system=preset.system, values={k: dict(v) for k, v in preset.values.items()})


def _preset(name: str, mark: Mark | None, problems: list[Problem]) -> Preset:
    from mktctl.base.suggest import did_you_mean

    if name in PRESETS:
        return PRESETS[name]
    hint = did_you_mean(name, PRESETS)
    message = f"unknown preset {name!r}" + (f" ({hint})" if hint else f"; presets are {', '.join(PRESETS)}")
    if mark is None:
        from mktctl.errors import SettingsError

        raise SettingsError(message)
    problems.append(Problem(mark, message))
    return PRESETS["generic"]


def load_map(path: Path) -> MigrationMap:
    from mktctl.base.suggest import did_you_mean
    from mktctl.base.yamlload import load_yaml_file

    document = load_yaml_file(path)
    data = document.data or {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise PlaybookError([Problem(document.mark(()), "a migration map is a mapping (people:, values:, ...)")])
    for key in data:
        if key not in _TOP_KEYS:
            hint = did_you_mean(str(key), _TOP_KEYS)
            problems.append(Problem(document.mark((key,), key=True), f"unknown key {key!r}"
                                    + (f" ({hint})" if hint else f"; keys are {', '.join(_TOP_KEYS)}")))
    marks = {str(k): document.mark((k,)) for k in data}
    preset = _preset(str(data.get("preset") or "generic"), document.mark(("preset",)), problems)
    system = _text(data, "system", document, problems) or preset.system
    entities = {e: _entity(e, data[e], document, problems) for e in ENTITIES if e in data}
    values = {k: dict(v) for k, v in preset.values.items()}
    value_marks: dict[tuple[str, str], Mark] = {}
    _values(data.get("values"), document, problems, values, value_marks)
    scores = data.get("score_mode", "carry")
    if scores not in SCORE_MODES:
        problems.append(Problem(document.mark(("score_mode",)), f"score_mode must be carry or recompute, not "
                                                                f"{scores!r}"))
    source_id_field = _text(data, "source_id_field", document, problems) or DEFAULT_SOURCE_ID_FIELD
    if not source_id_field.endswith("__c"):
        problems.append(Problem(document.mark(("source_id_field",)), "source_id_field is a custom field's api name, "
                                                                     "ending in __c"))
    links = _links(data.get("links"), document, problems)
    default_tag_group = _text(data, "default_tag_group", document, problems)
    if problems:
        raise PlaybookError(sorted(problems, key=lambda p: (p.mark.line, p.mark.column) if p.mark else (0, 0)))
    return MigrationMap(preset=preset, system=system, entities=entities, values=values, value_marks=value_marks,
                        default_tag_group=default_tag_group,
                        scores=str(scores), source_id_field=source_id_field, links=links, file=str(path), marks=marks)


def _text(data: dict[str, Any], key: str, document: Any, problems: list[Problem]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(document.mark((key,)), f"{key} must be a text"))
        return None
    return value.strip()


def _entity(entity: str, raw: Any, document: Any, problems: list[Problem]) -> EntitySource:
    from mktctl.base.suggest import did_you_mean

    if isinstance(raw, str):  # people: contacts.csv
        return EntitySource(entity, file=raw, marks={"file": document.mark((entity,))})
    if not isinstance(raw, dict):
        problems.append(Problem(document.mark((entity,)), f"{entity} is a file name or a mapping with file: and "
                                                          "columns:"))
        return EntitySource(entity)
    for key in raw:
        if key not in _ENTITY_KEYS:
            hint = did_you_mean(str(key), _ENTITY_KEYS)
            problems.append(Problem(document.mark((entity, key), key=True), f"{entity}: unknown key {key!r}"
                                    + (f" ({hint})" if hint else f"; keys are {', '.join(_ENTITY_KEYS)}")))
    file = raw.get("file")
    if file is not None and (not isinstance(file, str) or not file.strip()):
        problems.append(Problem(document.mark((entity, "file")), f"{entity}.file must be a file name"))
        file = None
    sheet = raw.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problems.append(Problem(document.mark((entity, "sheet")), f"{entity}.sheet must be a sheet name"))
        sheet = None
    header_row = raw.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1):
        problems.append(Problem(document.mark((entity, "header_row")), f"{entity}.header_row must be a row number "
                                                                       "(1 or more)"))
        header_row = None
    columns: dict[str, str] = {}
    marks = {"file": document.mark((entity, "file"))}
    raw_columns = raw.get("columns") or {}
    if not isinstance(raw_columns, dict):
        problems.append(Problem(document.mark((entity, "columns")), f"{entity}.columns maps a header to a field"))
        raw_columns = {}
    choices = sorted([*FIELDS[entity], IGNORE])
    for header, target in raw_columns.items():
        mark = document.mark((entity, "columns", header))
        name = IGNORE if target is None else str(target).strip()
        if name not in FIELDS[entity] and name != IGNORE:
            hint = did_you_mean(name, choices)
            problems.append(Problem(mark, f"{entity}.columns.{header}: unknown field {name!r}"
                                    + (f" ({hint})" if hint else f"; fields are {', '.join(choices)}")))
            continue
        columns[str(header).strip()] = name
        marks[str(header).strip()] = mark
    return EntitySource(entity, file=file.strip() if file else None, sheet=sheet, header_row=header_row,
                        columns=columns, marks=marks)


def _values(raw: Any, document: Any, problems: list[Problem], values: dict[str, dict[str, str]],
            marks: dict[tuple[str, str], Mark]) -> None:
    from mktctl.base.suggest import did_you_mean

    if raw is None:
        return
    if not isinstance(raw, dict):
        problems.append(Problem(document.mark(("values",)), "values maps a table name to its old -> new values"))
        return
    for table, entries in raw.items():
        if table not in VALUE_TABLES:
            hint = did_you_mean(str(table), VALUE_TABLES)
            problems.append(Problem(document.mark(("values", table), key=True), f"values: unknown table {table!r}"
                                    + (f" ({hint})" if hint else f"; tables are {', '.join(VALUE_TABLES)}")))
            continue
        if not isinstance(entries, dict):
            problems.append(Problem(document.mark(("values", table)), f"values.{table} maps old values to new ones"))
            continue
        target = values.setdefault(str(table), {})
        for old, new in entries.items():
            mark = document.mark(("values", table, old))
            if not isinstance(new, str | int) or isinstance(new, bool) or not str(new).strip():
                problems.append(Problem(mark, f"values.{table}.{old}: the new value must be a text"))
                continue
            target[str(old).strip()] = str(new).strip()
            marks[(str(table), str(old).strip())] = mark


def _links(raw: Any, document: Any, problems: list[Problem]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(document.mark(("links",)), "links maps an old page's URL to the new landing page"))
        return {}
    links: dict[str, str] = {}
    for old, new in raw.items():
        mark = document.mark(("links", old))
        if not str(old).startswith(("http://", "https://")) or not isinstance(new, str) or \
                not new.startswith(("http://", "https://")):
            problems.append(Problem(mark, f"links.{old}: both the old and the new page are http(s) URLs"))
            continue
        links[str(old)] = new
    return links
