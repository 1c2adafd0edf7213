"""A corp's objects as its tenant has them: the preset objects with the tenant's own fields (and its
relabelled or required standard fields), and the tenant's custom objects (api names ending in ``__c``).

The definitions live in the store (``custom_objects``, ``custom_fields``); they are made through the
extension API (``mktctl.sandbox.definitions``), since the public API has no call that defines a field
or an object. Every CRM call reads the object it names through ``resolve``, so ``object/describe``,
create, update and query all see the same fields.
"""

from __future__ import annotations

import enum
import json
import sqlite3
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.objects import CUSTOM_OBJECT_FIELDS, OBJECTS, FieldDef, ObjectDef

CUSTOM_SUFFIX = "__c"


class Route(enum.Enum):
    """Which objects an interface serves."""

    PRESET = "preset"  # /cgi/crm/v2/data/*: preset objects (…Obj)
    CUSTOM = "custom"  # /cgi/crm/custom/v2/data/*: custom objects (…__c) only
    ANY = "any"  # findOne / findSimple (their documented example queries AccountObj) and object/describe


def field_from_definition(definition: dict[str, Any]) -> FieldDef:
    return FieldDef(
        api_name=definition["api_name"], label=definition["label"], type=definition["type"],
        required=bool(definition.get("is_required")),
        options=tuple((o["value"], o["label"]) for o in definition.get("options") or ()),
        target=definition.get("target_api_name"), help_text=definition.get("help_text", ""),
        define_type=definition.get("define_type", "custom"),
    )


def definition_of(fdef: FieldDef) -> dict[str, Any]:
    """A field as the store keeps it, and as the extension API lists it (the describe shape)."""
    return fdef.describe()


def _tenant_fields(db: sqlite3.Connection, corp_id: str, api_name: str) -> tuple[FieldDef, ...]:
    rows = db.execute("SELECT definition FROM custom_fields WHERE corp_id = ? AND object_api_name = ? ORDER BY ord",
                      (corp_id, api_name)).fetchall()
    return tuple(field_from_definition(json.loads(r["definition"])) for r in rows)


def _custom_object(row: sqlite3.Row) -> ObjectDef:
    return ObjectDef(row["api_name"], row["display_name"], CUSTOM_OBJECT_FIELDS, define_type="custom",
                     duplicate_keys=("name",))


def object_def(db: sqlite3.Connection, corp_id: str, api_name: str) -> ObjectDef | None:
    """The object as this corp has it, or None when the corp has no such object."""
    base = OBJECTS.get(api_name)
    if base is None:
        row = db.execute("SELECT * FROM custom_objects WHERE corp_id = ? AND api_name = ?",
                         (corp_id, api_name)).fetchone()
        if row is None:
            return None
        base = _custom_object(row)
    return base.with_fields(_tenant_fields(db, corp_id, api_name))


def object_defs(db: sqlite3.Connection, corp_id: str) -> list[ObjectDef]:
    """Every object of the corp: the preset ones, then its custom objects by api name."""
    rows = db.execute("SELECT * FROM custom_objects WHERE corp_id = ? ORDER BY api_name", (corp_id,)).fetchall()
    bases = [*OBJECTS.values(), *(_custom_object(r) for r in rows)]
    return [b.with_fields(_tenant_fields(db, corp_id, b.api_name)) for b in bases]


def resolve(ctx: CallContext, api_name: Any, route: Route) -> ObjectDef:
    """The object a call names, or the platform's error: no name, no such object, or an object the
    interface does not serve (a custom object on the preset paths, a preset one on the custom paths)."""
    if not isinstance(api_name, str) or not api_name:
        raise p.SandboxError(p.PARAMETER_ERROR, "dataObjectApiName is required", "缺少参数dataObjectApiName")
    with ctx.store.reading() as db:
        obj = ctx.store.remembered(("object", ctx.corp_id, api_name), lambda: object_def(db, ctx.corp_id, api_name))
    if obj is None:
        raise p.SandboxError(p.PARAMETER_ERROR, f"object {api_name} does not exist or is not enabled",
                             "对象不存在或未启用")
    if route is Route.PRESET and obj.custom:
        raise p.SandboxError(p.PARAMETER_ERROR, f"{api_name} is a custom object: call /cgi/crm/custom/v2/data/*",
                             "自定义对象请使用自定义对象接口")
    if route is Route.CUSTOM and not obj.custom:
        raise p.SandboxError(p.PARAMETER_ERROR, f"{api_name} is not a custom object: this interface serves only "
                                                f"objects whose api name ends in {CUSTOM_SUFFIX}",
                             "本接口只适用于自定义对象")
    return obj
