"""Reading the old system's export folder: which file is which entity, and each file as a table of fields.

``find_files(folder, mapping) -> dict[entity, Path]``: a file the map names, else the preset's file name
patterns (a file is claimed by one entity only; people last, so ``contacts-email-events.csv`` is behaviour).
``read_entity(path, entity, mapping) -> EntityTable``: the file read as the lead pipeline reads files
(xlsx, xls, csv in UTF-8 with or without a BOM, UTF-16 or GB18030; every cell as text; spreadsheet row
numbers), its columns resolved to fields (the map, then the preset, then the generic names), several
columns of one field joined (the first non-empty value; every value for tags and opt-out flags). A column
that is none of these is reported: ``unknown``, or ``known`` with the reason it is not migrated.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.inputs import file_problem, regular_file
from mktctl.errors import DataFileError, PlaybookError, Problem
from mktctl.migrate.fields import ENTITIES, FIELDS, IGNORE
from mktctl.migrate.mapfile import MigrationMap
from mktctl.migrate.presets import GENERIC

if TYPE_CHECKING:
    import pandas as pd

#: the order files are claimed by name pattern: the most specific first, people last
CLAIM_ORDER = ("behaviour", "opt_outs", "tags", "scores", "members", "content", "people")
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".xlsm", ".ods")
JOINED = ("multi", "flag")  # field kinds whose columns are all kept (joined with ;), not coalesced


@dataclass(frozen=True)
class ColumnUse:
    index: int
    header: str
    field: str | None
    why: str  # map | preset | generic | ignored in the map | known: <reason> | unknown | empty header


@dataclass
class EntityTable:
    entity: str
    path: Path
    source: dict[str, Any]  # how the file was read (format, encoding, sheet, header row)
    rows: list[int]  # the spreadsheet row number of each data row
    frame: pd.DataFrame  # one text column per field found
    columns: list[ColumnUse]
    blank_rows: int = 0

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, field: str) -> bool:
        return field in self.frame.columns

    def column(self, field: str) -> pd.Series:
        import pandas as pd

        if field in self.frame.columns:
            return self.frame[field]
        return pd.Series([""] * len(self.frame), index=self.frame.index, dtype="str")

    @property
    def unknown(self) -> list[ColumnUse]:
        return [c for c in self.columns if c.why == "unknown"]

    @property
    def not_migrated(self) -> list[ColumnUse]:
        return [c for c in self.columns if c.why.startswith(("known", "ignored"))]

    def describe(self) -> dict[str, Any]:
        return {"file": self.path.name, **{k: v for k, v in self.source.items() if k != "file"},
                "mapped": {f: [c.header for c in self.columns if c.field == f] for f in self.frame.columns},
                "not_migrated": [{"header": c.header, "why": c.why} for c in self.not_migrated],
                "unknown": [c.header for c in self.unknown]}


def find_files(folder: Path, mapping: MigrationMap) -> dict[str, Path]:
    if not folder.is_dir():
        raise DataFileError(f"{folder}: no such folder (--from names the folder of the old system's exports)",
                            file=str(folder))
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    for entity in ENTITIES:
        source = mapping.source(entity)
        if source.file:
            path = (folder / source.file)
            problem = file_problem(path, what="export file")
            if problem == "file not found":
                from mktctl.base.suggest import did_you_mean

                names = [p.name for p in folder.iterdir() if p.is_file()]
                hint = did_you_mean(source.file, names)
                problems.append(Problem(source.marks.get("file"), f"{entity}.file: {source.file!r} is not a file of "
                                                                  f"{folder}" + (f" ({hint})" if hint else "")))
            elif problem:
                problems.append(Problem(source.marks.get("file"), f"{entity}.file: {source.file!r}: {problem}"))
            found[entity] = path
    if problems:
        raise PlaybookError(problems)
    claimed = {p.resolve() for p in found.values()}
    candidates = sorted(p for p in folder.iterdir() if not p.is_dir() and p.suffix.lower() in SUFFIXES
                        and not p.name.startswith((".", "~$")))
    for entity in CLAIM_ORDER:
        if entity in found:
            continue
        patterns = mapping.preset.files.get(entity, ()) + GENERIC.files.get(entity, ())
        matches = [p for p in candidates if p.resolve() not in claimed
                   and any(fnmatch.fnmatch(p.name.lower(), pattern.lower()) for pattern in patterns)]
        if len(matches) > 1:
            raise DataFileError(f"{folder}: several files could hold {entity}: "
                                f"{', '.join(p.name for p in matches[:5])}",
                                file=str(folder), hint=f"name the file in a migration map ({entity}: {{file: ...}})")
        if matches:
            found[entity] = matches[0]
            claimed.add(matches[0].resolve())
    for path in found.values():  # a FIFO or a device under an export's name is refused, not skipped or read
        regular_file(path, what="export file")
    if not found:
        raise DataFileError(f"{folder}: no export file found (looked for {mapping.preset.system} exports and "
                            "people.csv, opt_outs.csv, ...)", file=str(folder),
                            hint="name the files in a migration map (--map), see docs/migrate.md")
    return {e: found[e] for e in ENTITIES if e in found}


def resolve_columns(entity: str, headers: list[str], mapping: MigrationMap) -> list[ColumnUse]:
    from mktctl.leads.fields import fold_header

    source = mapping.source(entity)
    explicit = {fold_header(h): f for h, f in source.columns.items()}
    preset = _folded(mapping.preset.columns.get(entity, {}))
    generic = _folded(GENERIC.columns.get(entity, {}))
    known = _folded(mapping.preset.known.get(entity, {}))
    uses: list[ColumnUse] = []
    for index, header in enumerate(headers):
        text = str(header).strip()
        folded = fold_header(text)
        if not folded:
            uses.append(ColumnUse(index, text, None, "empty header"))
        elif folded in explicit:
            target = explicit[folded]
            uses.append(ColumnUse(index, text, None if target == IGNORE else target,
                                  "ignored in the map" if target == IGNORE else "map"))
        elif (hit := _lookup(preset, folded)) is not None:
            uses.append(ColumnUse(index, text, hit, f"preset {mapping.preset.name}"))
        elif (hit := _lookup(generic, folded)) is not None:
            uses.append(ColumnUse(index, text, hit, "generic"))
        elif (reason := _lookup(known, folded)) is not None:
            uses.append(ColumnUse(index, text, None, f"known: {reason}"))
        else:
            uses.append(ColumnUse(index, text, None, "unknown"))
    missing = [h for h in source.columns if fold_header(h) not in {fold_header(x) for x in headers}]
    if missing:
        from mktctl.base.suggest import did_you_mean

        problems = []
        for header in missing:
            hint = did_you_mean(header, [h for h in headers if h])
            problems.append(Problem(source.marks.get(header), f"{entity}.columns.{header}: the file has no column "
                                                              f"{header!r}" + (f" ({hint})" if hint else "")))
        raise PlaybookError(problems)
    return uses


def _folded(table: dict[str, str]) -> dict[str, str]:
    from mktctl.leads.fields import fold_header

    return {fold_header(k.removesuffix("*")) + ("*" if k.endswith("*") else ""): v for k, v in table.items()}


def _lookup(table: dict[str, str], folded: str) -> str | None:
    if folded in table:
        return table[folded]
    for key, value in table.items():
        if key.endswith("*") and folded.startswith(key[:-1]):
            return value
    return None


def read_entity(path: Path, entity: str, mapping: MigrationMap) -> EntityTable:
    import numpy as np
    import pandas as pd

    from mktctl.leads.read import open_source

    source = mapping.source(entity)
    opened = open_source(path, sheet=source.sheet, header_row=source.header_row)
    columns = resolve_columns(entity, opened.info.headers, mapping)
    frames, numbers = [], []
    for chunk in opened.chunks(200_000):
        frames.append(chunk.frame)
        numbers.append(chunk.rows)
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    rows = np.concatenate(numbers) if numbers else np.empty(0, dtype=np.int64)
    raw = raw.fillna("").astype("str") if len(raw.columns) else raw
    filled = np.zeros(len(raw), dtype=bool)
    for name in raw.columns:
        filled |= (raw[name].str.strip() != "").to_numpy()
    blank = int((~filled).sum())
    raw = raw.loc[filled].reset_index(drop=True)
    rows = rows[filled]
    frame = pd.DataFrame(index=raw.index)
    kinds = FIELDS[entity]
    for field_key in kinds:
        used = [c for c in columns if c.field == field_key and f"c{c.index}" in raw.columns]
        if not used:
            continue
        value = raw[f"c{used[0].index}"].str.strip()
        for extra in used[1:]:
            more = raw[f"c{extra.index}"].str.strip()
            if kinds[field_key].kind in JOINED:
                value = value.where(more == "", value.where(value == "", value + ";") + more)
            else:
                value = value.where(value != "", more)
        frame[field_key] = value.astype("str")
    return EntityTable(entity=entity, path=path, source=opened.info.describe(), rows=[int(r) for r in rows],
                       frame=frame, columns=columns, blank_rows=blank)
