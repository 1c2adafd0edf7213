"""A loaded playbook: its resources, each with the kind that understands it and where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.yamlload import Document
from mktctl.errors import Mark

if TYPE_CHECKING:
    from mktctl.kinds.base import Kind, Spec

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Origin:
    """Where a resource's values came from: one or more (document, path) pairs, the first wins."""

    sources: tuple[tuple[Document, Path_], ...]

    def mark(self, sub: Path_ = (), *, key: bool = False) -> Mark:
        for document, base in self.sources:
            path = (*base, *sub)
            table = document.key_marks if key else document.marks
            if path in table:
                return table[path]
        document, base = self.sources[0]
        return document.mark((*base, *sub), key=key)


@dataclass
class Resource:
    kind: Kind
    key: str
    spec: Spec
    origin: Origin
    renamed_from: str | None = None  # the key this resource had before; the tenant's item is renamed, not recreated

    @property
    def address(self) -> str:
        return f"{self.kind.name}/{self.key}"

    def mark(self, sub: Path_ = (), *, key: bool = False) -> Mark:
        return self.origin.mark(sub, key=key)


@dataclass
class Playbook:
    root: Path
    name: str
    language: str
    resources: list[Resource]
    variables: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    env: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def of(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.kind.name == kind]

    def find(self, kind: str, key: str) -> Resource | None:
        for resource in self.resources:
            if resource.kind.name == kind and resource.key == key:
                return resource
        return None

    def kinds(self) -> list[str]:
        seen: list[str] = []
        for resource in self.resources:
            if resource.kind.name not in seen:
                seen.append(resource.kind.name)
        return seen

    def digest(self) -> str:
        from mktctl.base.digest import digest

        return digest([[r.kind.name, r.key, r.spec.model_dump(mode="json")] for r in self.resources])
