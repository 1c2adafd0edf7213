"""Loading, phase 3: resources. Each kind's sections become items (a kind may expand one item into several,
like a department tree), references are interpolated, an overlay's items are merged over the base by key,
and each item is validated by its kind's model; pydantic's errors become problems at the value's position.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from mktctl import secrets
from mktctl.base.suggest import did_you_mean
from mktctl.base.yamlload import Document
from mktctl.errors import Mark
from mktctl.kinds.base import ExpandError, Kind, Origin, Path_, Resource
from mktctl.kinds.values import model_in
from mktctl.playbook.problems import Problems
from mktctl.playbook.sources import Section
from mktctl.playbook.variables import Interpolator

RENAMED_FROM = "renamed_from"  # on any item: its previous key, so that the tenant's item is renamed


def build_resources(sections: list[Section], overlay: Document | None, kinds: dict[str, Kind[Any]],
                    interpolator: Interpolator, problems: Problems) -> list[Resource[Any]]:
    """Every valid resource of ``sections`` (with ``overlay`` merged), in the order of ``kinds``."""
    return _Builder(kinds, interpolator, problems).build(sections, overlay)


class _Builder:
    def __init__(self, kinds: dict[str, Kind[Any]], interpolator: Interpolator, problems: Problems) -> None:
        self.kinds = kinds
        self.interpolator = interpolator
        self.problems = problems

    def error(self, mark: Mark | None, message: str, severity: str = "error") -> None:
        self.problems.error(mark, message, severity)

    def build(self, sections: list[Section], overlay: Document | None) -> list[Resource[Any]]:
        overlay_items = self._overlay_items(overlay)
        resources: list[Resource] = []
        used_overlay: set[tuple[str, str]] = set()
        for kind_name in self.kinds:
            kind = self.kinds[kind_name]
            for section in sections:
                if section.kind != kind_name:
                    continue
                document, path = section.document, section.path
                for raw, item_path, derived in self._items(kind, document, path, section.raw):
                    before = len(self.problems)
                    raw = self.interpolator.interpolate(raw, document, item_path)
                    if len(self.problems) > before:
                        continue  # the value is unknown; checking it further would only repeat the problem
                    sources = [(document, item_path)]
                    item_key = raw_key(kind, raw)
                    extra = overlay_items.get((kind_name, item_key)) if item_key is not None else None
                    if extra is not None and overlay is not None:
                        extra_raw, extra_path = extra
                        raw = deep_merge(raw, self.interpolator.interpolate(extra_raw, overlay, extra_path))
                        sources.insert(0, (overlay, extra_path))
                        used_overlay.add((kind_name, item_key or ""))
                    resource = self._validate(kind, raw, derived, Origin(tuple(sources)))
                    if resource is not None:
                        resources.append(resource)
            for (o_kind, o_key), (raw, o_path) in overlay_items.items():
                if o_kind == kind_name and (o_kind, o_key) not in used_overlay and overlay is not None:
                    for item, item_path, derived in kind.expand(raw, o_path):
                        item = self.interpolator.interpolate(item, overlay, item_path)
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
                key = raw_key(kind, raw)
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
                options = field_names(kind.model, loc[:-1])
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


def raw_key(kind: Kind[Any], raw: Any) -> str | None:
    if kind.singleton:
        return kind.name
    if isinstance(raw, dict) and raw.get(kind.key_field) is not None:
        return str(raw[kind.key_field])
    return None


def deep_merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = deep_merge(base.get(key), value) if key in base else value
        return merged
    return extra


def field_names(model: Any, loc: tuple[Any, ...]) -> list[str]:
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
