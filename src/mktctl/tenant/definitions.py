"""A tenant's own fields and objects, defined through mktctl's extension API (the sandbox's
``/mktctl/ext/v1/fields/*`` and ``/mktctl/ext/v1/objects/*``).

The real platform defines them only in its admin console (对象管理 > 字段管理, 新建自定义对象); the sandbox
offers these calls so that a playbook's fields and objects exist there as they would on the tenant: in
``object/describe``, and taken by create, update and query. Every definition is in the shape ``describe``
shows a field (``api_name``, ``label``, ``type``, ``is_required``, ``options`` of ``{label, value}``,
``help_text``); a field or object given with its api name gets exactly that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mktctl.tenant.connect import EXTENSION_PREFIX

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant


def list_fields(tenant: Tenant, object_api_name: str) -> list[dict[str, Any]]:
    """The fields the tenant defined on the object: its custom fields and the standard ones it changed."""
    answer = tenant.client.call(f"{EXTENSION_PREFIX}/fields/list", {"data": {"objectApiName": object_api_name}})
    return list((answer.get("data") or {}).get("fields") or [])


def upsert_field(tenant: Tenant, object_api_name: str, field: dict[str, Any]) -> str:
    """Define a custom field, or change one (a standard field's label, required flag or options); returns
    its api name."""
    answer = tenant.client.call(f"{EXTENSION_PREFIX}/fields/upsert",
                                {"data": {"objectApiName": object_api_name, "field": field}})
    return str((answer.get("data") or {}).get("api_name") or field.get("api_name"))


def delete_field(tenant: Tenant, object_api_name: str, api_name: str) -> None:
    """Delete a custom field with its values, or give a standard field its preset definition back."""
    tenant.client.call(f"{EXTENSION_PREFIX}/fields/delete",
                       {"data": {"objectApiName": object_api_name, "api_name": api_name}})


def list_objects(tenant: Tenant) -> list[dict[str, Any]]:
    """The tenant's custom objects, each with its fields (``api_name``, ``display_name``, ``fields``)."""
    answer = tenant.client.call(f"{EXTENSION_PREFIX}/objects/list", {"data": {}})
    return list((answer.get("data") or {}).get("objects") or [])


def upsert_object(tenant: Tenant, api_name: str, display_name: str, description: str = "") -> bool:
    """Define a custom object (or rename it); True when it was created."""
    spec: dict[str, Any] = {"api_name": api_name, "display_name": display_name}
    if description:
        spec["description"] = description
    answer = tenant.client.call(f"{EXTENSION_PREFIX}/objects/upsert", {"data": {"object": spec}})
    return bool((answer.get("data") or {}).get("created"))
