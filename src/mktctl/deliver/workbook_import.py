"""Read a filled-in survey or configuration workbook back into playbook YAML.

Every problem is collected and reported at once as ``sheet!cell: message``. Into a folder that already
holds a playbook, only what changed is written (see :class:`mktctl.playbook.write.Merge`); otherwise a
new playbook is written. The result is loaded again before anything is written to the target, so an
import never leaves a playbook that does not load.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.files import make_folders
from mktctl.deliver import i18n, layout
from mktctl.deliver.fields import MISSING, CellError, from_cell
from mktctl.deliver.workbook_read import Matrix as MatrixSheet
from mktctl.deliver.workbook_read import Table, Workbook, read_workbook
from mktctl.errors import MktctlError, PlaybookError, Problem
from mktctl.playbook.merge import Merge
from mktctl.playbook.write import ENTRY, Item, PlaybookText, fresh, playbook_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mktctl.kinds.base import Kind, Matrix, Playbook


class WorkbookError(PlaybookError):
    """A workbook's values are not a valid playbook; every problem carries its ``sheet!cell``."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__([Problem(None, f"{where}: {message}") for where, message in problems])
        self.cells = list(problems)


@dataclass
class ImportResult:
    target: Path
    created: bool
    files: list[tuple[Path, int, int, int]] = field(default_factory=list)  # (path, added, changed, removed)
    warnings: list[str] = field(default_factory=list)
    digest: str = ""
    workbook_digest: str | None = None
    survey: bool = False
    resources: int = 0

    @property
    def unchanged(self) -> bool:
        return not self.files


@dataclass
class _Decoded:
    items: dict[str, list[Item]] = field(default_factory=dict)
    present: list[str] = field(default_factory=list)  # kinds the workbook has a table for
    settings: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def import_workbook(file: Path, into: Path, *, note: str, force: bool = False,
                    environ: Mapping[str, str] | None = None) -> ImportResult:
    """Read ``file`` into the playbook in ``into``. A cell may hold secret references (``${env:NAME}``, also
    inside a longer text): they are written to the playbook as references, and resolved from ``environ``
    (default: the process environment) only to check the values, like the playbook loader does."""
    workbook = read_workbook(file)
    decoded = decode(workbook, into.resolve(), environ)
    problems = workbook.problems + decoded.problems
    if problems:
        raise WorkbookError(_unique(problems))
    warnings = [f"{where}: {message}" for where, message in workbook.warnings + decoded.warnings]
    into = into.resolve()
    result = ImportResult(target=into, created=not (into / ENTRY).is_file(), warnings=warnings,
                          workbook_digest=workbook.meta.get("digest") or None, survey=workbook.is_survey)
    if result.created:
        texts = _fresh_texts(into, decoded, note=note, force=force)
    else:
        texts = _merged_texts(into, decoded, workbook, result, environ)
    playbook = _verify(into, texts, environ)
    result.digest = playbook.digest()
    result.resources = len(playbook.resources)
    _write(into, texts, playbook, result)
    return result


def _unique(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(problems))


# ---- cells -> items ---------------------------------------------------------------------------------


def decode(workbook: Workbook, root: Path | None = None, environ: Mapping[str, str] | None = None) -> _Decoded:
    decoded = _Decoded()
    kinds = {k.name: k for k in layout.registry()}
    _settings(workbook, decoded)
    rows: dict[str, list[tuple[dict[str, Any], dict[str, str], str]]] = {}
    for table in workbook.tables:
        kind = kinds[table.kind]
        if table.kind not in decoded.present:
            decoded.present.append(table.kind)
        rows.setdefault(table.kind, []).extend(_rows(kind, table, decoded))
    sheet = workbook.matrix
    owner = kinds.get(sheet.kind) if sheet is not None else None
    matrix = layout.matrix_of(owner) if owner is not None else None
    if sheet is not None and owner is not None and matrix is not None:
        _matrix(sheet, owner, matrix, rows.setdefault(owner.name, []), decoded)
        if owner.name not in decoded.present:
            decoded.present.append(owner.name)
    for name in [k for k in kinds if k in rows]:
        _validate(kinds[name], rows[name], decoded, environ)
    _check(decoded, kinds, root or Path.cwd())
    if workbook.is_survey:  # a survey's empty tables are questions not answered yet, not deletions
        decoded.present = [k for k in decoded.present if decoded.items.get(k)]
    return decoded


def _settings(workbook: Workbook, decoded: _Decoded) -> None:
    for name, cell in workbook.settings.items():
        if name not in layout.PLAYBOOK_FIELDS:
            decoded.warnings.append((cell.ref, f"unknown playbook setting {name!r}; ignored"))
            continue
        text = cell.text.strip()
        if not text:
            continue
        if name == "language":
            try:
                text = i18n.resolve_lang(text)
            except MktctlError as error:
                decoded.problems.append((cell.ref, str(error) + f" ({', '.join(i18n.LANGUAGES)})"))
                continue
        decoded.settings[name] = cell.text if name != "language" else text


def _rows(kind: Kind[Any], table: Table, decoded: _Decoded) -> list[tuple[dict[str, Any], dict[str, str], str]]:
    block = layout.block_for(kind, [])
    columns = {c.name: c for c in block.columns}
    for name, ref in table.code_ref.items():
        if name not in columns:
            decoded.warnings.append((ref, f"{kind.name} has no field {name!r}; the column was ignored"))
    result = []
    for row in table.rows:
        raw: dict[str, Any] = {}
        refs: dict[str, str] = {}
        for name, cell in row.cells.items():
            column = columns.get(name)
            if column is None:
                continue
            refs[name] = cell.ref
            try:
                value = from_cell(column, cell.text)
            except CellError as error:
                decoded.problems.append((cell.ref, str(error)))
                continue
            if value is not MISSING:
                raw[name] = _with_references(value)
        result.append((raw, refs, row.ref))
    if kind.singleton and len(result) > 1:
        decoded.problems.append((result[1][2], f"{kind.name} is one setting: fill in one row only"))
        result = result[:1]
    return result


def _matrix(matrix: MatrixSheet, kind: Kind[Any], vocabulary: Matrix,
            roles: list[tuple[dict[str, Any], dict[str, str], str]], decoded: _Decoded) -> None:
    """Read the matrix sheet into the ``vocabulary.field`` of the items (roles) read from their table."""
    from mktctl.base.suggest import did_you_mean

    modules, actions = vocabulary.rows, vocabulary.values
    module_by_label = {label: code for code, label in modules.items()}
    action_by_label = {label: code for code, label in actions.items()}
    by_name = {str(raw.get(kind.key_field)): raw for raw, _refs, _ref in roles}
    columns: list[dict[str, Any] | None] = []
    for cell in matrix.roles:
        raw = by_name.get(cell.text)
        if raw is None:
            hint = did_you_mean(cell.text, by_name)
            decoded.problems.append((cell.ref, f"unknown role {cell.text!r}" + (
                f"; {hint}" if hint else "; add it to the roles table first")))
        columns.append(raw)
    seen_modules: set[str] = set()
    for module_cell, cells in matrix.rows:
        text = module_cell.text.strip()
        module = text if text in modules else module_by_label.get(text) or next(
            (code for code in modules if code.replace("_", " ") == text), None)
        if module is None:
            hint = did_you_mean(text, [*modules, *module_by_label])
            decoded.problems.append((module_cell.ref, f"unknown module {text!r}" + (f"; {hint}" if hint else "")))
            continue
        if module in seen_modules:
            decoded.problems.append((module_cell.ref, f"module {module!r} is listed twice"))
            continue
        seen_modules.add(module)
        for raw, cell in zip(columns, cells, strict=True):
            value = cell.text.strip()
            if raw is None or not value:
                continue
            chosen: list[str] = []
            if value != layout.NO_ACTIONS:
                for token in _tokens(value):
                    action = token if token in actions else action_by_label.get(token) or next(
                        (code for code in actions if code.casefold() == token.casefold()), None)
                    if action is None:
                        hint = did_you_mean(token, [*actions, *action_by_label])
                        decoded.problems.append((cell.ref, f"unknown action {token!r}" + (
                            f"; {hint}" if hint else f"; actions are: {', '.join(actions)}")))
                        continue
                    chosen.append(action)
            raw.setdefault(vocabulary.field, {})[module] = chosen
    headers = {id(raw): cell.ref for raw, cell in zip(columns, matrix.roles, strict=True) if raw is not None}
    for raw, refs, row_ref in roles:
        if id(raw) in headers:
            refs.setdefault(vocabulary.field, headers[id(raw)])
        elif matrix.roles:
            decoded.warnings.append((row_ref, f"role {raw.get('name')!r} has no column in the permission matrix "
                                              f"({matrix.sheet}); it gets no permissions"))


def _tokens(text: str) -> list[str]:
    import re

    return [t for t in (part.strip() for part in re.split(r"[,，、;；/\s]+", text)) if t]


def _with_references(value: Any) -> Any:
    """A cell's value with its secret references found (see :func:`mktctl.secrets.parse_references`): a text
    that holds one becomes a :class:`PlaybookText`, written to the playbook as it is; other text is
    literal."""
    from mktctl.secrets import Reference, parse_references

    if isinstance(value, str):
        parts = parse_references(value)
        if any(isinstance(p, Reference) for p in parts):
            return playbook_text(parts)
        return "".join(str(p) for p in parts)
    if isinstance(value, list):
        return [_with_references(v) for v in value]
    if isinstance(value, dict):
        return {k: _with_references(v) for k, v in value.items()}
    return value


_PLAYBOOK_SECRET = re.compile(r"\$\$\{|\$\{(?:env|keyring):[^}]+\}")


def _resolved(value: Any, environ: Mapping[str, str] | None) -> Any:
    """The value a :class:`PlaybookText` stands for, as the playbook loader resolves it (raises SecretError)."""
    from mktctl.secrets import resolve

    if isinstance(value, PlaybookText):
        return _PLAYBOOK_SECRET.sub(lambda m: "${" if m.group(0) == "$${" else resolve(m.group(0), environ=environ),
                                    value)
    if isinstance(value, list):
        return [_resolved(v, environ) for v in value]
    if isinstance(value, dict):
        return {k: _resolved(v, environ) for k, v in value.items()}
    return value


def _validate(kind: Kind[Any], rows: list[tuple[dict[str, Any], dict[str, str], str]], decoded: _Decoded,
              environ: Mapping[str, str] | None = None) -> None:
    from pydantic import ValidationError

    from mktctl.errors import SecretError

    items: list[Item] = []
    for raw, refs, row_ref in rows:
        resolved: dict[str, Any] = {}
        for name, value in raw.items():
            try:
                resolved[name] = _resolved(value, environ)
            except SecretError as error:
                decoded.problems.append((refs.get(name, row_ref), str(error)))
        if len(resolved) < len(raw):
            continue
        try:
            spec = kind.model.model_validate(resolved)
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                loc = [p for p in problem["loc"]]
                where = refs.get(str(loc[0]), row_ref) if loc else row_ref
                message = str(problem["msg"]).removeprefix("Value error, ")
                if problem["type"] == "missing":
                    message = f"{kind.name}: missing required field {'.'.join(map(str, loc))!r}"
                elif len(loc) > 1:
                    message = f"{'.'.join(str(p) for p in loc[1:])}: {message}"
                decoded.problems.append((where, message))
            continue
        key = kind.name if kind.singleton else kind.key(spec)
        item = Item(kind=kind, key=key, raw=raw, spec=spec)
        item.raw["__refs__"] = (refs, row_ref)
        items.append(item)
    decoded.items[kind.name] = items


def _check(decoded: _Decoded, kinds: dict[str, Kind[Any]], root: Path) -> None:
    """The loader's checks across resources, with cell addresses: duplicates, references, lints."""
    from mktctl.base.suggest import did_you_mean
    from mktctl.base.yamlload import Document
    from mktctl.errors import Mark
    from mktctl.kinds.base import Origin, Playbook, Resource

    document = Document(file="workbook", data=None, marks={(): Mark("workbook", 1, 1)})
    resources: list[Resource[Any]] = []
    where: dict[int, tuple[dict[str, str], str]] = {}
    for name in kinds:
        for item in decoded.items.get(name, []):
            refs = item.raw.pop("__refs__")
            resource = Resource(kind=item.kind, key=item.key, spec=item.spec, origin=Origin(((document, ()),)))
            where[id(resource)] = refs
            resources.append(resource)
    playbook = Playbook(root=root, name="workbook", language="zh-CN", resources=resources)

    def cell(resource: Resource[Any], path: tuple[Any, ...]) -> str:
        refs, row_ref = where[id(resource)]
        return refs.get(str(path[0]), row_ref) if path else row_ref

    seen: dict[tuple[str, str], Resource[Any]] = {}
    for resource in resources:
        address = (resource.kind.name, resource.key)
        if address in seen and not resource.kind.singleton:
            first = cell(seen[address], (resource.kind.key_field,))
            decoded.problems.append((cell(resource, (resource.kind.key_field,)),
                                     f"duplicate {resource.kind.name} {resource.key!r} (first at {first})"))
            continue
        seen[address] = resource
    for resource in resources:
        for reference in resource.kind.references(resource.spec):
            if (reference.kind, reference.key) in seen:
                continue
            target = kinds.get(reference.kind)
            if target is not None and reference.key in target.builtin_keys:
                continue
            options = [key for (kind, key) in seen if kind == reference.kind]
            hint = did_you_mean(reference.key, options)
            decoded.problems.append((cell(resource, reference.path),
                                     f"unknown {reference.kind} {reference.key!r}" + (f"; {hint}" if hint else "")))
        for finding in resource.kind.check(resource, playbook):
            _finding(decoded, cell(resource, finding.path), finding.message, finding.severity)
    for kind in kinds.values():
        members = playbook.of(kind.name)
        if members:
            for resource, finding in kind.check_all(members, playbook):
                _finding(decoded, cell(resource, finding.path), finding.message, finding.severity)


def _finding(decoded: _Decoded, where: str, message: str, severity: str) -> None:
    (decoded.problems if severity == "error" else decoded.warnings).append((where, message))


# ---- items -> files ---------------------------------------------------------------------------------


def _fresh_texts(into: Path, decoded: _Decoded, *, note: str, force: bool) -> dict[Path, str]:
    kinds = layout.registry()
    settings = {"name": decoded.settings.get("name") or into.name, "language": decoded.settings.get("language"),
                "description": decoded.settings.get("description")}
    texts = {into / name: text for name, text in fresh(settings, decoded.items, kinds, note=note).items()}
    clashes = [p for p in texts if p.exists()]
    if clashes and not force:
        raise MktctlError(f"{into} already has {', '.join(p.name for p in clashes[:3])} but no {ENTRY}",
                          hint="import into an empty folder or a playbook folder, or pass --force")
    return texts


def _merged_texts(into: Path, decoded: _Decoded, workbook: Workbook, result: ImportResult,
                  environ: Mapping[str, str] | None = None) -> dict[Path, str]:
    from mktctl.playbook.load import load_playbook

    try:
        playbook, _warnings = load_playbook(into, environ=environ)
    except PlaybookError as error:
        raise MktctlError(f"the playbook in {into} does not load ({error}); fix it before importing into it",
                          hint="or import into a new folder with --into NEW_DIR") from None
    if result.workbook_digest and result.workbook_digest != playbook.digest():
        result.warnings.append(f"the playbook changed since this workbook was made (workbook digest "
                               f"{result.workbook_digest}, playbook now {playbook.digest()}); the workbook's "
                               "values replace the playbook's where they differ")
    merge = Merge(playbook)
    merge.settings(decoded.settings)
    for kind in layout.registry():
        if kind.name in decoded.present:
            merge.kind(kind, decoded.items.get(kind.name, []))
    result.warnings.extend(merge.changes.warnings)
    texts = merge.texts()
    for path in texts:
        change = merge.changes.of(path)
        result.files.append((path, change.added, change.changed, change.removed))
    return texts


def _verify(into: Path, texts: dict[Path, str], environ: Mapping[str, str] | None = None) -> Playbook:
    """Load the playbook as it will be, from a copy, before anything is written to ``into``."""
    from mktctl.playbook.load import load_playbook

    with tempfile.TemporaryDirectory(prefix="mktctl-import-") as temp:
        copy = Path(temp) / "playbook"
        copy.mkdir()
        if into.is_dir():
            for path in into.rglob("*.y*ml"):
                relative = path.relative_to(into)
                if relative.parts[0].startswith("."):
                    continue
                make_folders((copy / relative).parent)
                shutil.copyfile(path, copy / relative)
        for path, text in texts.items():
            target = copy / path.relative_to(into)
            make_folders(target.parent)
            target.write_text(text, encoding="utf-8")
        try:
            playbook, _warnings = load_playbook(copy, environ=environ)
        except PlaybookError as error:
            problems = [Problem(p.mark and type(p.mark)(p.mark.file.replace(str(copy), str(into)), p.mark.line,
                                                        p.mark.column), p.message, p.path, p.severity)
                        for p in error.problems]
            raise PlaybookError(problems) from None
    playbook.root = into
    return playbook


def _write(into: Path, texts: dict[Path, str], playbook: Playbook, result: ImportResult) -> None:
    from mktctl.base.files import write_atomic

    personal = {k.name for k in layout.registry() if k.pii_fields}
    make_folders(into)
    for path, text in texts.items():
        sensitive = any(f"\n{name}:" in f"\n{text}" for name in personal)
        mode = 0o600 if sensitive else (path.stat().st_mode & 0o777 if path.exists() else 0o644)
        write_atomic(path, text, mode=mode)
        if result.created:
            result.files.append((path, 0, 0, 0))
    if result.created:
        ignore = into / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# mktctl's local state: the sandbox data, the journal, result files\n.mktctl/\n",
                              encoding="utf-8")
