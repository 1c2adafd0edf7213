"""Loading, phase 1: the files. The entry file, the files it includes (relative to the including file and
never outside the playbook folder), and an environment overlay; each file's sections by kind."""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.base.suggest import did_you_mean
from mktctl.base.yamlload import Document, load_yaml_file
from mktctl.errors import Mark, PlaybookError
from mktctl.kinds.base import Path_
from mktctl.playbook.problems import Problems

ENTRY_FILE = "mktctl.yaml"
ENV_FOLDER = "envs"
SETTINGS_KEYS = ("version", "name", "language", "variables", "include", "description")
MAX_INCLUDES = 200


@dataclass(frozen=True)
class Section:
    """One kind's section in one file: where it is and its raw value."""

    document: Document
    path: Path_
    kind: str
    raw: Any


@dataclass
class Sources:
    """Every file of a playbook as read: the entry file, the sections of all files, the overlay if any."""

    main: Document
    sections: list[Section] = field(default_factory=list)
    overlay: Document | None = None
    documents: list[Document] = field(default_factory=list)


def read_sources(root: Path, env: str | None, kind_names: Collection[str], problems: Problems) -> Sources:
    """Read the entry file in ``root``, its includes and, with ``env``, the overlay ``envs/ENV.yaml``."""
    reader = _Reader(root, kind_names, problems)
    entry = root / ENTRY_FILE
    sources = Sources(main=reader.read(entry), documents=reader.documents)
    reader.collect(sources.main, sources.sections, seen={entry.resolve()})
    if env:
        sources.overlay = reader.overlay(env)
    return sources


class _Reader:
    def __init__(self, root: Path, kind_names: Collection[str], problems: Problems) -> None:
        self.root = root
        self.kinds = kind_names
        self.problems = problems
        self.documents: list[Document] = []

    def error(self, mark: Mark | None, message: str, severity: str = "error") -> None:
        self.problems.error(mark, message, severity)

    def read(self, path: Path) -> Document:
        display = os.path.relpath(path, Path.cwd()) if path.is_relative_to(Path.cwd()) else str(path)
        document = load_yaml_file(path, display=display)
        self.documents.append(document)
        return document


    def collect(self, document: Document, sections: list[Section],
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
            sections.append(Section(document, (name,), name, value))
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
                child = self.read(target)
            except PlaybookError as error:
                self.problems.extend(error.problems)
                continue
            self.collect(child, sections, seen)


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


    def overlay(self, env: str) -> Document | None:
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
            document = self.read(target)
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
