"""Read an existing tenant into playbook YAML and a ledger, so that a rollout started by hand continues as
code: right after the export, ``mktctl plan`` against the same tenant has nothing to do.

Each kind is observed the way a plan observes it (the public API part by ``Kind.observe``, the settings
part by the extension API where the tenant has it); the two parts are joined by natural key, empty values
and defaults are left out, and every exported resource is recorded in the ledger as adopted
(``owned: false``: ``--prune`` never deletes what mktctl did not create).

No secret is written in clear: a value that holds one is written as a reference (see
:mod:`mktctl.deliver.export_secrets`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.deliver import layout
from mktctl.errors import MktctlError
from mktctl.playbook.write import ENTRY, Item, fresh

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mktctl.deliver.export_secrets import SecretGuard
    from mktctl.engine.observe import Observation
    from mktctl.kinds.base import Kind
    from mktctl.tenant.connect import Tenant


@dataclass
class ExportedKind:
    kind: str
    count: int
    part: str  # "api", "settings" or "api + settings"


@dataclass
class TenantExport:
    target: Path
    tenant: str
    fingerprint: str
    kinds: list[ExportedKind] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    digest: str = ""

    @property
    def resources(self) -> int:
        return sum(k.count for k in self.kinds)


def select_kinds(names: list[str] | None, kinds: list[Kind[Any]]) -> tuple[list[Kind[Any]], list[str]]:
    """The kinds asked for, plus the kinds they depend on (a playbook must declare what it refers to)."""
    from mktctl.base.suggest import did_you_mean

    by_name = {k.name: k for k in kinds}
    if not names:
        return list(kinds), []
    unknown = [n for n in names if n not in by_name]
    if unknown:
        hint = did_you_mean(unknown[0], by_name)
        raise MktctlError(f"unknown kind {unknown[0]!r}", hint=hint or f"kinds are: {', '.join(by_name)}")
    wanted = set(names)
    notes = []
    changed = True
    while changed:
        changed = False
        for name in sorted(wanted):
            for dependency in by_name[name].depends_on:
                if dependency in by_name and dependency not in wanted:
                    wanted.add(dependency)
                    notes.append(f"also exporting {dependency}: {name} refers to it")
                    changed = True
    return [k for k in kinds if k.name in wanted], notes


def export_tenant(tenant: Tenant, target: Path, *, kinds: list[str] | None, name: str | None, language: str,
                  note: str, force: bool = False, environ: Mapping[str, str] | None = None) -> TenantExport:
    """Export the tenant into ``target``. ``environ`` (default: the process environment) resolves the
    references of a playbook written over, and tells which tenant values came from ``${env:...}``."""
    import os

    from mktctl.deliver.export_secrets import SecretGuard, learn_references
    from mktctl.engine.observe import observe
    from mktctl.engine.planner import kinds_in_order

    environ = os.environ if environ is None else environ
    if (target / ENTRY).exists() and not force:
        raise MktctlError(f"{target} already has a playbook ({ENTRY})",
                          hint="export into a new folder, or pass --force to overwrite its files")
    if (target / ENTRY).exists():
        learn_references(target, environ)
    ordered = kinds_in_order(layout.registry())
    chosen, notes = select_kinds(kinds, ordered)
    observation = observe(tenant, ordered)
    result = TenantExport(target=target, tenant=tenant.name, fingerprint=tenant.fingerprint(), warnings=notes)
    if not observation.extension_kinds:
        result.warnings.append("the tenant has only the public API: settings beyond it (permissions, channels, "
                               "scoring, ...) cannot be read and were left at their defaults; they show as "
                               "manual steps in the plan")
    guard = SecretGuard(environ)
    items: dict[str, list[Item]] = {}
    for kind in chosen:
        found = _items(kind, observation, result, guard)
        if found:
            items[kind.name] = found
            parts = [p for p, present in (("api", kind.has_api),
                                          ("settings", kind.name in observation.extension_kinds)) if present]
            result.kinds.append(ExportedKind(kind.name, len(found), " + ".join(parts)))
    result.warnings.extend(guard.warnings)
    _drop_dangling(items, result)
    settings = {"name": name or f"{tenant.name} (exported)", "language": language}
    texts = fresh(settings, items, ordered, note=note)
    _write(target, texts, result)
    _ledger(tenant, target, observation, result, {**environ, **guard.placeholders})
    return result


def _items(kind: Kind[Any], observation: Observation, result: TenantExport, guard: SecretGuard) -> list[Item]:
    from pydantic import ValidationError

    from mktctl.pii import mask_text
    from mktctl.playbook.write import compact

    builtin = set(kind.builtin_keys)
    api = observation.api.get(kind.name, {}) if kind.has_api else {}
    settings = observation.settings.get(kind.name, {})
    keys = list(api) + [k for k in settings if k not in api]
    items = []
    for key in keys:
        if key in builtin and key not in settings:
            continue  # the tenant's own (全公司, CRM管理员...): a playbook may not declare it
        raw: dict[str, Any] = {} if kind.singleton else {kind.key_field: key}
        if key in api:
            raw.update(api[key].state)
        if key in settings:
            raw.update(settings[key].spec)
        raw = {k: v for k, v in raw.items() if v not in (None, "", [], {}) and k in kind.model.model_fields}
        raw = kind.playbook_values(raw)
        try:
            spec = kind.model.model_validate(raw)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            result.warnings.append(mask_text(f"{kind.name}/{key}: left out, its tenant values are not valid in a "
                                             f"playbook ({where}: {first['msg']})"))
            continue
        key = kind.name if kind.singleton else kind.key(spec)
        written = guard.item(kind, key, None if kind.singleton else len(items) + 1, raw)
        items.append(Item(kind=kind, key=key, raw=compact(kind, written), spec=spec))
    return items


def _drop_dangling(items: dict[str, list[Item]], result: TenantExport) -> None:
    """Leave out what refers to something not exported (a user in a department that was left out, ...),
    repeatedly, so that the playbook loads."""
    kinds = {k.name: k for k in layout.registry()}
    while True:
        declared = {(name, item.key) for name, members in items.items() for item in members}
        dropped = False
        for name, members in items.items():
            keep = []
            for item in members:
                missing = [r for r in item.kind.references(item.spec) if (r.kind, r.key) not in declared
                           and r.key not in kinds[r.kind].builtin_keys]
                if missing:
                    result.warnings.append(f"{name}/{item.key}: left out, it refers to {missing[0].kind} "
                                           f"{missing[0].key!r}, which was not exported")
                    dropped = True
                else:
                    keep.append(item)
            items[name] = keep
        if not dropped:
            break
    for exported in result.kinds:
        exported.count = len(items.get(exported.kind, []))
    result.kinds = [k for k in result.kinds if k.count]


def _write(target: Path, texts: dict[str, str], result: TenantExport) -> None:
    from mktctl.base.files import make_folders, write_atomic

    personal = [k.name for k in layout.registry() if k.pii_fields]
    make_folders(target)
    for name, text in texts.items():
        path = target / name
        sensitive = any(f"\n{kind}:" in f"\n{text}" for kind in personal)
        write_atomic(path, text, mode=0o600 if sensitive else 0o644)
        result.files.append(path)
    ignore = target / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# mktctl's local state: the sandbox data, the journal, result files\n.mktctl/\n",
                          encoding="utf-8")


def _ledger(tenant: Tenant, target: Path, observation: Observation, result: TenantExport,
            environ: Mapping[str, str]) -> None:
    """Record every exported resource as adopted, with the digest of the values it has now (a secret's
    value counting as its reference, as always in the ledger)."""
    from mktctl.base.clock import who
    from mktctl.engine.journal import Journal
    from mktctl.engine.ledger import Entry, Ledger
    from mktctl.playbook.load import load_playbook
    from mktctl.tenant.settings import state_dir

    playbook, _warnings = load_playbook(target, environ=environ)
    result.digest = playbook.digest()
    ledger = Ledger.load(target)
    tenant_ledger = ledger.for_tenant(result.fingerprint, tenant.name)
    adopted = 0
    for resource in playbook.resources:
        kind, key = resource.kind, resource.key
        current = observation.api.get(kind.name, {}).get(key) if kind.has_api else None
        if current is not None:
            tenant_ledger.record(kind.name, key, "api",
                                 Entry(current.id, False, playbook.state_digest(kind.api_state(resource.spec))))
            adopted += 1
        setting = observation.settings.get(kind.name, {}).get(key)
        state = kind.settings_state(resource.spec)
        if setting is not None and state is not None:
            tenant_ledger.record(kind.name, key, "settings", Entry(setting.id, False, playbook.state_digest(state)))
            adopted += 1
    ledger.save()
    Journal(state_dir(target), command="tenant export").write(
        "tenant-export", tenant=result.fingerprint, who=who(), resources=len(playbook.resources), adopted=adopted,
        kinds=[k.kind for k in result.kinds])
