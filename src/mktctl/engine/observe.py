"""Read what the tenant has now, for every kind a plan may touch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mktctl.base.digest import digest
from mktctl.kinds.base import Index, Observed

if TYPE_CHECKING:
    from mktctl.kinds.base import Kind
    from mktctl.tenant.connect import Tenant
    from mktctl.tenant.extension import Setting


@dataclass
class Observation:
    index: Index = field(default_factory=Index)
    api: dict[str, dict[str, Observed]] = field(default_factory=dict)
    settings: dict[str, dict[str, Setting]] = field(default_factory=dict)
    extension_kinds: set[str] = field(default_factory=set)
    renamed: set[tuple[str, str, str]] = field(default_factory=set)  # (kind, new key, part) found under the old key

    def state_digest(self, secrets: Mapping[str, str] | None = None) -> str:
        """Changes whenever anything a plan depends on changes on the tenant. A value equal to one of
        ``secrets`` (value -> reference, the playbook's) counts as its reference, as in the ledger."""
        from mktctl.secrets import mark_references

        return digest(mark_references({
            "api": {k: {key: [o.id, o.state] for key, o in v.items()} for k, v in self.api.items()},
            "settings": {k: {key: [s.id, s.spec] for key, s in v.items()} for k, v in self.settings.items()},
            "extension": sorted(self.extension_kinds),
        }, secrets or {}))


def observe(tenant: Tenant, kinds: list[Kind[Any]], renames: dict[str, dict[str, str]] | None = None) -> Observation:
    """Observe ``kinds`` (in dependency order: references resolve through the index as it fills).

    ``renames`` (kind -> old key -> new key, from ``renamed_from:``) files what the tenant has under an old
    key under the new one, before later kinds are observed: they then refer to it by its new name too.
    """
    observation = Observation(extension_kinds=tenant.extension_kinds())
    for kind in kinds:
        moves = (renames or {}).get(kind.name, {})
        if kind.has_api:
            found = kind.observe(tenant, observation.index)
            for old, new in moves.items():
                if old in found and new not in found:
                    found[new] = found.pop(old)
                    observation.index.forget(kind.name, old)
                    observation.index.remember(kind.name, new, found[new].id)
                    observation.renamed.add((kind.name, new, "api"))
            observation.api[kind.name] = found
        if kind.name in observation.extension_kinds:
            settings = kind.read_settings(tenant)
            for old, new in moves.items():
                if old in settings and new not in settings:
                    settings[new] = settings.pop(old)
                    observation.renamed.add((kind.name, new, "settings"))
            observation.settings[kind.name] = settings
    return observation
