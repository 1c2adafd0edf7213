"""The settings kept by mktctl's extension API (the sandbox's ``/mktctl/ext/v1``): list, upsert, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.tenant.connect import EXTENSION_PREFIX

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant


@dataclass(frozen=True)
class Setting:
    id: str
    key: str
    spec: dict[str, Any]


def list_settings(tenant: Tenant, kind: str) -> dict[str, Setting]:
    answer = tenant.client.call(f"{EXTENSION_PREFIX}/settings/{kind}/list", {"data": {}})
    items = (answer.get("data") or {}).get("items", [])
    return {item["key"]: Setting(str(item["id"]), item["key"], item["spec"]) for item in items}


def upsert_setting(tenant: Tenant, kind: str, key: str, spec: dict[str, Any]) -> str:
    answer = tenant.client.call(f"{EXTENSION_PREFIX}/settings/{kind}/upsert", {"data": {"key": key, "spec": spec}})
    return str((answer.get("data") or {}).get("id"))


def delete_setting(tenant: Tenant, kind: str, key: str) -> None:
    tenant.client.call(f"{EXTENSION_PREFIX}/settings/{kind}/delete", {"data": {"key": key}})
