"""Read what the tenant has now, for every kind a plan may touch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mktctl.kinds.base import Index, Observed, digest

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

    def state_digest(self) -> str:
        """Changes whenever anything a plan depends on changes on the tenant."""
        return digest({
            "api": {k: {key: [o.id, o.state] for key, o in v.items()} for k, v in self.api.items()},
            "settings": {k: {key: [s.id, s.spec] for key, s in v.items()} for k, v in self.settings.items()},
            "extension": sorted(self.extension_kinds),
        })


def observe(tenant: Tenant, kinds: list[Kind]) -> Observation:
    """Observe ``kinds`` (in dependency order: references resolve through the index as it fills)."""
    from mktctl.tenant.extension import list_settings

    observation = Observation(extension_kinds=tenant.extension_kinds())
    for kind in kinds:
        if kind.has_api:
            observation.api[kind.name] = kind.observe(tenant, observation.index)
        if kind.name in observation.extension_kinds:
            observation.settings[kind.name] = list_settings(tenant, kind.name)
    return observation
