"""Every kind, in the order of the implementation guide (which is also a valid dependency order).

Each module below defines the kinds of one section of the guide and lists them in its ``KINDS``.
"""

from __future__ import annotations

from mktctl.kinds.base import Kind

# guide section -> module: 1.1 products, 2.1 organisation and settings, 2.2 leads, 2.3 imports,
# 2.4 channels, 2.5 content, 2.6 events, 2.7 audience, 2.8 reports
MODULES = ("products", "departments", "users", "roles", "role_assignments", "basic_settings", "leads",
           "channels", "content", "events", "audience", "reports", "imports")


def _load() -> list[Kind]:
    import importlib.util

    kinds: list[Kind] = []
    for name in MODULES:
        if importlib.util.find_spec(f"mktctl.kinds.{name}") is None:
            continue
        module = importlib.import_module(f"mktctl.kinds.{name}")
        found = getattr(module, "KINDS", None)
        if found is None:
            raise RuntimeError(f"mktctl.kinds.{name} has no KINDS list")
        kinds.extend(found)
    return kinds


KINDS: list[Kind] = _load()


def kind(name: str) -> Kind:
    for candidate in KINDS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def settings_fields(k: Kind) -> set[str]:
    """The fields kept as a setting (extension API, or a manual step); none for a job such as an import."""
    if k.job:
        return set()
    return set(k.model.model_fields) - set(k.api_fields) - {k.key_field}
