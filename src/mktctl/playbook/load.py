"""Load a playbook folder: the entry file, its includes, an environment overlay, variables, and every
resource validated by its kind's model, with all problems reported at once and each at its position.

Layout::

    DIR/mktctl.yaml          the entry file
    DIR/*.yaml, DIR/**/      files named by ``include:`` (never outside DIR)
    DIR/envs/NAME.yaml       an overlay selected with ``--env NAME``
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mktctl import secrets
from mktctl.base.suggest import did_you_mean
from mktctl.base.yamlload import Document, load_yaml_file
from mktctl.errors import Mark, MktctlError, PlaybookError, Problem
from mktctl.kinds.base import ExpandError, Finding, Kind, Origin, Path_, Playbook, Resource
from mktctl.kinds.values import model_in

ENTRY_FILE = "mktctl.yaml"
ENV_FOLDER = "envs"
LANGUAGES = ("zh-CN", "en")
SETTINGS_KEYS = ("version", "name", "language", "variables", "include", "description")
_INTERPOLATION = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_INCLUDES = 200
RENAMED_FROM = "renamed_from"  # on any item: its previous key, so that the tenant's item is renamed


def load_playbook(directory: Path, *, env: str | None = None, variables: Mapping[str, str] | None = None,
                  environ: Mapping[str, str] | None = None, strict: bool = False) -> tuple[Playbook, list[Problem]]:
    """Load and check the playbook in ``directory``.

    Returns the playbook and its warnings; raises :class:`PlaybookError` with every error (and, with
    ``strict``, every warning as an error).
    """
    loader = _Loader(directory.resolve(), os.environ if environ is None else environ)
    playbook = loader.load(env, dict(variables or {}))
    errors = [p for p in loader.problems if p.severity == "error"]
    warnings = [p for p in loader.problems if p.severity == "warning"]
    if strict:
        errors += [Problem(w.mark, w.message + " (an error with --strict)", w.path) for w in warnings]
        warnings = []
    if errors:
        raise PlaybookError(sorted(errors, key=_order) + sorted(warnings, key=_order))
    return playbook, sorted(warnings, key=_order)


def _order(problem: Problem) -> tuple[str, int, int]:
    mark = problem.mark
    return (mark.file, mark.line, mark.column) if mark else ("", 0, 0)


class _Loader:
    def __init__(self, root: Path, environ: Mapping[str, str]) -> None:
        self.root = root
        self.environ = environ
        self.problems: list[Problem] = []
        self.documents: list[Document] = []
        self.kinds = _kinds()

    def error(self, mark: Mark | None, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(mark, message, severity=severity))

    # ---- files --------------------------------------------------------------------------------------

    def load(self, env: str | None, cli_variables: dict[str, str]) -> Playbook:
        entry = self.root / ENTRY_FILE
        if not self.root.is_dir():
            raise PlaybookError([Problem(None, f"{self.root}: no such folder")])
        if not entry.is_file():
            raise MktctlError(f"no {ENTRY_FILE} in {self.root}",
                              hint="run `mktctl init` to start a playbook, or pass the playbook folder")
        main = self._read(entry)
        sections: list[tuple[Document, Path_, str, Any]] = []  # (document, path, kind, raw section)
        self._collect(main, sections, seen={entry.resolve()})
        settings = main.data if isinstance(main.data, dict) else {}
        variables = self._variables(main, settings.get("variables"))
        overlay: Document | None = None
        if env:
            overlay = self._overlay(env)
            if overlay is not None and isinstance(overlay.data, dict):
                variables.update(self._variables(overlay, overlay.data.get("variables")))
        for name, value in cli_variables.items():
            if not _VARIABLE_NAME.match(name):
                self.error(None, f"--var {name}: a variable name is letters, digits and _")
            variables[name] = value
        language = settings.get("language", "zh-CN")
        if language not in LANGUAGES:
            self.error(main.mark(("language",)), f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
            language = "zh-CN"
        version = settings.get("version", 1)
        if version != 1:
            self.error(main.mark(("version",)), f"unsupported playbook version {version!r}; this mktctl reads 1")
        resources = self._resources(sections, overlay, variables)
        playbook = Playbook(root=self.root, name=str(settings.get("name") or self.root.name), language=language,
                            resources=resources, variables=variables,
                            files=[d.file for d in self.documents], env=env, settings=dict(settings))
        self._check(playbook)
        return playbook

    def _read(self, path: Path) -> Document:
        display = os.path.relpath(path, Path.cwd()) if path.is_relative_to(Path.cwd()) else str(path)
        document = load_yaml_file(path, display=display)
        self.documents.append(document)
        return document

    def _collect(self, document: Document, sections: list[tuple[Document, Path_, str, Any]],
                 seen: set[Path]) -> None:
        data = document.data
        if data is None:
            return
        if not isinstance(data, dict):
            self.error(document.mark(()), "a playbook file must be a mapping of sections (kind: items)")
            return
        is_entry = len(self.documents) == 1
        for name, value in data.items():
            if name in SETTINGS_KEYS:
                if name != "include" and not is_entry:
                    self.error(document.mark((name,), key=True), f"{name!r} belongs in {ENTRY_FILE} only")
                continue
            if name not in self.kinds:
                hint = did_you_mean(name, [*self.kinds, *SETTINGS_KEYS])
                self.error(document.mark((name,), key=True),
                           f"unknown section {name!r}" + (f"; {hint}" if hint else ""))
                continue
            sections.append((document, (name,), name, value))
        includes = data.get("include")
        if includes is None:
            return
        if not isinstance(includes, list):
            includes = [includes]
            paths: list[Path_] = [("include",)]
        else:
            paths = [("include", i) for i in range(len(includes))]
        base = self.root / Path(document.file).parent if not Path(document.file).is_absolute() else None
        for item, path in zip(includes, paths, strict=True):
            target = self._include_target(document, path, item, base)
            if target is None:
                continue
            if target in seen:
                self.error(document.mark(path), f"{item!r} is included more than once (or includes itself)")
                continue
            if len(seen) >= MAX_INCLUDES:
                self.error(document.mark(path), f"more than {MAX_INCLUDES} included files")
                return
            seen.add(target)
            try:
                child = self._read(target)
            except PlaybookError as error:
                self.problems.extend(error.problems)
                continue
            self._collect(child, sections, seen)

    def _include_target(self, document: Document, path: Path_, item: Any, base: Path | None) -> Path | None:
        mark = document.mark(path)
        if not isinstance(item, str) or not item.strip():
            self.error(mark, "an include is a file path relative to the including file")
            return None
        if Path(item).is_absolute() or item.startswith("~"):
            self.error(mark, f"include {item!r}: absolute paths are not allowed; use a path inside the playbook folder")
            return None
        including = self._path_of(document)
        target = (including.parent / item).resolve()
        if not target.is_relative_to(self.root):
            self.error(mark, f"include {item!r} points outside the playbook folder")
            return None
        if not target.is_file():
            candidates = [str(p.relative_to(including.parent)) for p in including.parent.glob("**/*.y*ml")]
            hint = did_you_mean(item, candidates)
            self.error(mark, f"include {item!r}: file not found" + (f"; {hint}" if hint else ""))
            return None
        return target

    def _path_of(self, document: Document) -> Path:
        path = Path(document.file)
        return (path if path.is_absolute() else Path.cwd() / path).resolve()

    def _overlay(self, env: str) -> Document | None:
        folder = self.root / ENV_FOLDER
        target = (folder / f"{env}.yaml").resolve()
        if "/" in env or "\\" in env or not target.is_relative_to(self.root):
            self.error(None, f"--env {env}: an environment is a file name in {ENV_FOLDER}/")
            return None
        if not target.is_file():
            known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
            hint = did_you_mean(env, known) or (
                f"known: {', '.join(known)}" if known else f"create {ENV_FOLDER}/{env}.yaml")
            self.error(None, f"--env {env}: no file {ENV_FOLDER}/{env}.yaml; {hint}")
            return None
        try:
            document = self._read(target)
        except PlaybookError as error:
            self.problems.extend(error.problems)
            return None
        if document.data is not None and not isinstance(document.data, dict):
            self.error(document.mark(()), "an environment overlay must be a mapping of sections")
            return None
        for name in (document.data or {}):
            if name not in self.kinds and name != "variables":
                hint = did_you_mean(name, [*self.kinds, "variables"])
                self.error(document.mark((name,), key=True),
                           f"unknown section {name!r} in an overlay" + (f"; {hint}" if hint else ""))
        return document

    # ---- variables and interpolation ----------------------------------------------------------------

    def _variables(self, document: Document, block: Any) -> dict[str, Any]:
        if block is None:
            return {}
        if not isinstance(block, dict):
            self.error(document.mark(("variables",)), "variables must be a mapping of name: value")
            return {}
        result = {}
        for name, value in block.items():
            if not _VARIABLE_NAME.match(name):
                self.error(document.mark(("variables", name), key=True),
                           f"variable name {name!r}: use letters, digits and _")
                continue
            result[name] = value
        return result

    def _interpolate(self, value: Any, document: Document, path: Path_, variables: dict[str, Any]) -> Any:
        if isinstance(value, dict):
            return {k: self._interpolate(v, document, (*path, k), variables) for k, v in value.items()}
        if isinstance(value, list):
            return [self._interpolate(v, document, (*path, i), variables) for i, v in enumerate(value)]
        if not isinstance(value, str) or "$" not in value:
            return value
        whole = _INTERPOLATION.fullmatch(value)
        if whole and whole.group(1) is not None:
            return self._lookup(whole.group(1), document, path, variables)

        def replace(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return "${"
            found = self._lookup(match.group(1), document, path, variables)
            return "" if found is None else str(found)

        return _INTERPOLATION.sub(replace, value)

    def _lookup(self, expression: str, document: Document, path: Path_, variables: dict[str, Any]) -> Any:
        mark = document.mark(path)
        expression = expression.strip()
        if expression.startswith("var."):
            name = expression[4:]
            if name not in variables:
                hint = did_you_mean(name, variables)
                self.error(mark, f"undefined variable {name!r}" + (f"; {hint}" if hint else
                                                                    "; define it under variables: or pass --var"))
                return None
            return variables[name]
        if expression.startswith(("env:", "keyring:")):
            try:
                return secrets.resolve("${" + expression + "}", environ=self.environ)
            except MktctlError as error:
                self.error(mark, str(error))
                return None
        self.error(mark, f"unknown reference ${{{expression}}}; use ${{var.NAME}}, ${{env:NAME}} or "
                         "${keyring:SERVICE:NAME} (write $${ for a literal ${)")
        return None

    # ---- resources ----------------------------------------------------------------------------------

    def _resources(self, sections: list[tuple[Document, Path_, str, Any]], overlay: Document | None,
                   variables: dict[str, Any]) -> list[Resource]:
        overlay_items = self._overlay_items(overlay)
        resources: list[Resource] = []
        used_overlay: set[tuple[str, str]] = set()
        for kind_name in self.kinds:
            kind = self.kinds[kind_name]
            for document, path, name, section in sections:
                if name != kind_name:
                    continue
                for raw, item_path, derived in self._items(kind, document, path, section):
                    before = len(self.problems)
                    raw = self._interpolate(raw, document, item_path, variables)
                    if len(self.problems) > before:
                        continue  # the value is unknown; checking it further would only repeat the problem
                    sources = [(document, item_path)]
                    item_key = _raw_key(kind, raw)
                    extra = overlay_items.get((kind_name, item_key)) if item_key is not None else None
                    if extra is not None and overlay is not None:
                        extra_raw, extra_path = extra
                        raw = _deep_merge(raw, self._interpolate(extra_raw, overlay, extra_path, variables))
                        sources.insert(0, (overlay, extra_path))
                        used_overlay.add((kind_name, item_key or ""))
                    resource = self._validate(kind, raw, derived, Origin(tuple(sources)))
                    if resource is not None:
                        resources.append(resource)
            for (o_kind, o_key), (raw, o_path) in overlay_items.items():
                if o_kind == kind_name and (o_kind, o_key) not in used_overlay and overlay is not None:
                    for item, item_path, derived in kind.expand(raw, o_path):
                        item = self._interpolate(item, overlay, item_path, variables)
                        resource = self._validate(kind, item, derived, Origin(((overlay, item_path),)))
                        if resource is not None:
                            resources.append(resource)
        return resources

    def _overlay_items(self, overlay: Document | None) -> dict[tuple[str, str], tuple[Any, Path_]]:
        items: dict[tuple[str, str], tuple[Any, Path_]] = {}
        if overlay is None or not isinstance(overlay.data, dict):
            return items
        for name, section in overlay.data.items():
            kind = self.kinds.get(name)
            if kind is None:
                continue
            if kind.singleton:
                items[(name, name)] = (section, (name,))
                continue
            if not isinstance(section, list):
                self.error(overlay.mark((name,)), f"{name} must be a list")
                continue
            for index, raw in enumerate(section):
                key = _raw_key(kind, raw)
                if key is None:
                    self.error(overlay.mark((name, index)), f"an overlay item needs its {kind.key_field!r} "
                                                            "to say which item it changes")
                    continue
                items[(name, key)] = (raw, (name, index))
        return items

    def _items(self, kind: Kind, document: Document, path: Path_, section: Any
               ) -> list[tuple[Any, Path_, dict[str, Any]]]:
        if kind.singleton:
            if not isinstance(section, dict):
                self.error(document.mark(path), f"{kind.name} is a mapping of settings, not a list")
                return []
            return list(kind.expand(section, path))
        if section is None:
            return []
        if not isinstance(section, list):
            self.error(document.mark(path), f"{kind.name} must be a list of items (each starting with '- ')")
            return []
        items: list[tuple[Any, Path_, dict[str, Any]]] = []
        for index, raw in enumerate(section):
            if not isinstance(raw, dict):
                self.error(document.mark((*path, index)), f"each item of {kind.name} must be a mapping of fields")
                continue
            try:
                items.extend(kind.expand(raw, (*path, index)))
            except ExpandError as error:
                self.error(document.mark(error.path), error.message)
        return items

    def _validate(self, kind: Kind, raw: Any, derived: dict[str, Any], origin: Origin) -> Resource | None:
        if not isinstance(raw, dict):
            self.error(origin.mark(), f"each item of {kind.name} must be a mapping of fields")
            return None
        raw = dict(raw)
        renamed_from = raw.pop(RENAMED_FROM, None)
        if renamed_from is not None and (kind.singleton or kind.job or not isinstance(renamed_from, str | int)):
            self.error(origin.mark((RENAMED_FROM,)), f"{RENAMED_FROM} takes the item's previous "
                       f"{kind.key_field}" if not (kind.singleton or kind.job) else
                       f"{kind.name} items cannot be renamed")
            return None
        try:
            spec = kind.model.model_validate({**raw, **derived})
        except ValidationError as error:
            self._pydantic_problems(kind, error, origin)
            return None
        key = kind.name if kind.singleton else kind.key(spec)
        if secrets.REDACTOR.redact(key) != key:
            self.error(origin.mark((kind.key_field,)), f"{kind.name}: {kind.key_field} cannot come from a secret "
                       "(${env:...} or ${keyring:...}): keys are written to the ledger and shown in plans")
            return None
        return Resource(kind=kind, key=key, spec=spec, origin=origin,
                        renamed_from=str(renamed_from) if renamed_from is not None else None)

    def _pydantic_problems(self, kind: Kind, error: ValidationError, origin: Origin) -> None:
        for item in error.errors(include_url=False):
            loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and "[" in part and part[0].islower()
                                                             and part.endswith("]")))
            where = ".".join(str(p) for p in loc)
            kind_of = item["type"]
            if kind_of == "extra_forbidden":
                field_name = str(loc[-1])
                options = _field_names(kind.model, loc[:-1])
                hint = did_you_mean(field_name, options)
                self.error(origin.mark(loc, key=True), f"unknown field {field_name!r} in {kind.name}"
                           + (f"; {hint}" if hint else f"; fields are: {', '.join(options)}"))
            elif kind_of == "missing":
                self.error(origin.mark(loc[:-1]), f"{kind.name}: missing required field {where!r}")
            else:
                message = item["msg"]
                if message.startswith("Value error, "):
                    message = message[len("Value error, "):]
                if kind_of in ("enum", "literal_error"):
                    allowed = item.get("ctx", {}).get("expected", "")
                    hint = did_you_mean(str(item.get("input")), re.findall(r"'([^']*)'", allowed))
                    if hint:
                        message = f"{message}; {hint}"
                self.error(origin.mark(loc), f"{kind.name}: {where}: {message}" if where else
                           f"{kind.name}: {message}")

    # ---- checks across resources --------------------------------------------------------------------

    def _check(self, playbook: Playbook) -> None:
        seen: dict[tuple[str, str], Resource] = {}
        for resource in playbook.resources:
            address = (resource.kind.name, resource.key)
            if address in seen:
                first = seen[address].mark()
                if resource.kind.singleton:
                    self.error(resource.mark(), f"{resource.kind.name} is declared twice (first at {first}); "
                                                "it is one mapping: declare it in one file")
                else:
                    self.error(resource.mark((resource.kind.key_field,)),
                               f"duplicate {resource.kind.name} {resource.key!r} (first declared at {first})")
                continue
            seen[address] = resource
        for resource in playbook.resources:
            for reference in resource.kind.references(resource.spec):
                if (reference.kind, reference.key) in seen:
                    continue
                target = self.kinds[reference.kind]
                if reference.key in getattr(target, "builtin_keys", ()):
                    continue
                options = [key for (kind, key) in seen if kind == reference.kind]
                hint = did_you_mean(reference.key, options)
                self.error(resource.mark(reference.path),
                           f"{resource.kind.name} {resource.key!r} refers to unknown {reference.kind} "
                           f"{reference.key!r}" + (f"; {hint}" if hint else ""))
            for finding in resource.kind.check(resource, playbook):
                self._finding(resource, finding)
        for kind in self.kinds.values():
            members = playbook.of(kind.name)
            if members:
                for resource, finding in kind.check_all(members, playbook):
                    self._finding(resource, finding)

    def _finding(self, resource: Resource, finding: Finding) -> None:
        self.error(resource.mark(finding.path), finding.message, finding.severity)


def _kinds() -> dict[str, Kind]:
    from mktctl.kinds.registry import KINDS

    return {kind.name: kind for kind in KINDS}


def _raw_key(kind: Kind, raw: Any) -> str | None:
    if kind.singleton:
        return kind.name
    if isinstance(raw, dict) and raw.get(kind.key_field) is not None:
        return str(raw[kind.key_field])
    return None


def _deep_merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return extra


def _field_names(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) model at ``loc``, for did-you-mean."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = model_in(field.annotation)
        if current is None:
            return []
    return sorted(getattr(current, "model_fields", {}))
