"""Every kind, in the order of the implementation guide (which is also a valid dependency order).

Each module below defines the kinds of one section of the guide and lists them in its ``KINDS``.
"""

from __future__ import annotations

from typing import Any

from mktctl.kinds.base import Kind

# guide section -> module: 1.1 products, 2.1 organisation and settings, 2.2 leads, 2.3 imports,
# 2.4 channels, 2.5 content, 2.6 events, 2.7 audience, 2.8 reports
MODULES = ("products", "departments", "users", "roles", "role_assignments", "basic_settings", "leads",
           "channels", "content", "events", "audience", "reports", "imports")


def _load() -> list[Kind[Any]]:
    import importlib.util

    kinds: list[Kind[Any]] = []
    for name in MODULES:
        if importlib.util.find_spec(f"mktctl.kinds.{name}") is None:
            continue
        module = importlib.import_module(f"mktctl.kinds.{name}")
        found = getattr(module, "KINDS", None)
        if found is None:
            raise RuntimeError(f"mktctl.kinds.{name} has no KINDS list")
        kinds.extend(found)
    return kinds


KINDS: list[Kind[Any]] = _load()


def kind(name: str) -> Kind[Any]:
    for candidate in KINDS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def extension_kinds() -> dict[str, str]:
    """Kind name -> one-line description, for every kind that has settings beyond the public API."""
    return {k.name: k.summary for k in KINDS if settings_fields(k)}


def settings_fields(k: Kind[Any]) -> set[str]:
    """The fields kept as a setting (extension API, or a manual step); none for a job such as an import."""
    if k.job:
        return set()
    return set(k.model.model_fields) - set(k.api_fields) - {k.key_field}


def validate_extension_spec(kind_name: str, spec: dict[str, Any]) -> None:
    """Raise ValueError when ``spec`` is not a valid setting of the kind (checked by the sandbox)."""
    from pydantic import ValidationError

    target = kind(kind_name)
    unknown = set(spec) - settings_fields(target)
    if unknown:
        raise ValueError(f"unknown setting {sorted(unknown)[0]!r}")
    try:
        target.model.model_validate({**_placeholders(target), **spec})
    except ValidationError as error:
        raise ValueError(str(error.errors(include_url=False)[0]["msg"])) from None


def _placeholders(target: Kind) -> dict[str, Any]:
    """Values for the api fields and key, so that a settings-only spec can be validated."""
    example = target.example()
    if not isinstance(example, dict):
        return {}
    return {name: example[name] for name in [*target.api_fields, target.key_field] if name in example}
