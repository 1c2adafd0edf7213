"""Every kind, in the order of the implementation guide (the planner orders them by their dependencies).

Each module below defines the kinds of one section of the guide and lists them in its ``KINDS``. The
modules are imported by name, so a missing one fails at import; :func:`checked` fails as loudly on a kind
that is misnamed, named twice, or depends on a kind that does not exist.
"""

from __future__ import annotations

import re
from typing import Any

from mktctl.kinds import (
    ads,
    basic_settings,
    collaboration,
    consent,
    content,
    departments,
    events,
    imports,
    lead_fields,
    lead_pools,
    lead_rules,
    marketing_objects,
    members,
    messaging,
    nurture,
    products,
    reports,
    role_assignments,
    roles,
    scoring,
    segments,
    tags,
    users,
    web_forms,
    wechat,
)
from mktctl.kinds.base import Kind

_SECTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def checked(kinds: list[Kind[Any]]) -> list[Kind[Any]]:
    """``kinds``, or a RuntimeError naming the first kind that is misnamed, named twice or depends on a kind
    that is not in ``kinds``."""
    seen: set[str] = set()
    for each in kinds:
        name = getattr(each, "name", None)
        if not isinstance(name, str) or not _SECTION_NAME.match(name):
            raise RuntimeError(f"{type(each).__name__} has no valid section name (lower-case words joined by _): "
                               f"{name!r}")
        if name in seen:
            raise RuntimeError(f"two kinds are named {name!r}")
        seen.add(name)
    for each in kinds:
        unknown = [d for d in each.depends_on if d not in seen]
        if unknown:
            raise RuntimeError(f"kind {each.name!r} depends on {unknown[0]!r}, which is not a kind")
    return kinds


# in the order of the guide: 1.1 products; 2.1 organisation and settings; 2.2 leads; 2.4 channels; 2.5 content
# and collaboration; 2.6 events; 2.7 marketing users; 2.8 data management; and 2.3 imports, a job, last
KINDS: list[Kind[Any]] = checked([
    *products.KINDS,
    *departments.KINDS, *users.KINDS, *roles.KINDS, *role_assignments.KINDS, *basic_settings.KINDS,
    *lead_pools.KINDS, *lead_fields.KINDS, *lead_rules.KINDS,
    *ads.KINDS, *wechat.KINDS, *web_forms.KINDS, *messaging.KINDS,
    *content.KINDS, *collaboration.KINDS, *members.KINDS,
    *events.KINDS,
    *marketing_objects.KINDS, *consent.KINDS, *tags.KINDS, *scoring.KINDS, *segments.KINDS, *nurture.KINDS,
    *reports.KINDS,
    *imports.KINDS,
])


def kind(name: str) -> Kind[Any]:
    for candidate in KINDS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def settings_fields(k: Kind[Any]) -> set[str]:
    """The fields kept as a setting (extension API, or a manual step); none for a job such as an import."""
    if k.job:
        return set()
    return set(k.model.model_fields) - set(k.api_fields) - {k.key_field}
