"""Every kind, in dependency order (the order a playbook presents them and plans apply them)."""

from __future__ import annotations

from typing import Any

from mktctl.kinds.base import Kind
from mktctl.kinds.departments import Departments
from mktctl.kinds.role_assignments import RoleAssignments
from mktctl.kinds.roles import Roles
from mktctl.kinds.users import Users

KINDS: list[Kind] = [Departments(), Users(), Roles(), RoleAssignments()]


def kind(name: str) -> Kind:
    for candidate in KINDS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def extension_kinds() -> dict[str, str]:
    """Kind name -> one-line description, for every kind that has settings beyond the public API."""
    return {k.name: k.summary for k in KINDS if _has_settings(k)}


def _has_settings(k: Kind) -> bool:
    return set(k.model.model_fields) - set(k.api_fields) - {k.key_field} != set()


def validate_extension_spec(kind_name: str, spec: dict[str, Any]) -> None:
    """Raise ValueError when ``spec`` is not a valid setting of the kind (checked by the sandbox)."""
    from pydantic import ValidationError

    target = kind(kind_name)
    fields = set(target.model.model_fields) - set(target.api_fields) - {target.key_field}
    unknown = set(spec) - fields
    if unknown:
        raise ValueError(f"unknown setting {sorted(unknown)[0]!r}")
    try:
        partial = target.model.model_validate({**_placeholders(target), **spec})
    except ValidationError as error:
        raise ValueError(str(error.errors(include_url=False)[0]["msg"])) from None
    del partial


def _placeholders(target: Kind) -> dict[str, Any]:
    """Values for the required api fields and key, so that a settings-only spec can be validated."""
    values: dict[str, Any] = {}
    example = target.example()
    if isinstance(example, dict):
        for name in [*target.api_fields, target.key_field]:
            if name in example:
                values[name] = example[name]
    return values
