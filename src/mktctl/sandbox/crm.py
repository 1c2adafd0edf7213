"""CRM object data: object list and describe, and the record verbs create, get, query, update, invalid,
delete, recover and changeOwner - under ``/cgi/crm/v2`` for preset objects and ``/cgi/crm/custom/v2`` for
custom ones (``…__c``), with ``findOne`` and ``findSimple`` beside them.

The platform's placement rules: ``dataObjectApiName`` inside ``object_data`` for create and update and
directly in ``data`` otherwise; delete only after invalid; the owner only through changeOwner; switches
(``hasSpecifyTime``, ``hasSpecifyCreatedBy``, ``includeNull``, custom ``checkDuplicateSearch``) at the top
level of the body and ``optionInfo`` inside ``data``. Paging and filters are in ``mktctl.sandbox.query``,
value checks in ``mktctl.sandbox.values``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox import query as q
from mktctl.sandbox import records as r
from mktctl.sandbox import values as v
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.limits import MAX_IDS, bounded
from mktctl.sandbox.objects import ObjectDef
from mktctl.sandbox.schema import Route, object_defs, resolve
from mktctl.sandbox.store import dumps

Handler = Callable[[CallContext], dict[str, Any]]
PRESET_PREFIX = "/cgi/crm/v2/data"
CUSTOM_PREFIX = "/cgi/crm/custom/v2/data"


def object_list(ctx: CallContext) -> dict[str, Any]:
    with ctx.store.reading() as db:
        objects = [o.listing() for o in object_defs(db, ctx.corp_id)]
    return {"data": {"objects": objects}}


def object_describe(ctx: CallContext) -> dict[str, Any]:
    api_name = ctx.data.get("apiName", ctx.body.get("apiName"))
    return {"data": {"describe": resolve(ctx, api_name, Route.ANY).describe()}}


def _switch(ctx: CallContext, name: str) -> bool:
    return ctx.body.get(name) is True


def _duplicate_search(ctx: CallContext, route: Route) -> bool:
    """Preset objects: ``data.optionInfo.isDuplicateSearch``; custom objects: top-level ``checkDuplicateSearch``."""
    if route is Route.CUSTOM:
        return _switch(ctx, "checkDuplicateSearch")
    option_info = ctx.data.get("optionInfo")
    return isinstance(option_info, dict) and option_info.get("isDuplicateSearch") is True


def _duplicate_of(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, stored: dict[str, Any]) -> None:
    """Refuse a create that matches a normal record of the object on one of its duplicate keys."""
    for key in obj.duplicate_keys:
        value = stored.get(key)
        if value in (None, "", []):
            continue
        found = db.execute("SELECT id FROM records WHERE corp_id = ? AND api_name = ? AND life_status = 'normal'"
                           " AND json_extract(data, ?) = ? LIMIT 1",
                           (ctx.corp_id, obj.api_name, f"$.{key}", value)).fetchone()
        if found is not None:
            field = obj.field(key)
            label = field.label if field else key
            raise p.SandboxError(p.DUPLICATE_DATA, f"duplicate data: {obj.api_name} record {found['id']} has the "
                                                   f"same {key}", f"数据重复：已有相同{label}的数据")


def create(ctx: CallContext, route: Route) -> dict[str, Any]:
    object_data = ctx.data.get("object_data")
    if not isinstance(object_data, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "data.object_data is required")
    obj = resolve(ctx, object_data.get("dataObjectApiName"), route)
    r.writable(obj)
    values = v.writable_values(obj, object_data)
    create_time, created_by = values.pop("create_time", None), values.pop("created_by", None)
    owner = values.pop("owner", None)
    with ctx.store.transaction() as db:
        stored = v.check(db, ctx, obj, values, creating=True)
        if _duplicate_search(ctx, route):
            _duplicate_of(db, ctx, obj, stored)
        record_id = r.new_id(db, ctx)
        user = ctx.open_user_id or ctx.corp.admin_open_user_id
        in_pool = obj.pool_field is not None and stored.get(obj.pool_field)
        # a record created into a pool without an owner waits there until it is claimed
        given = owner not in (None, "", [])
        owners = v.employees(db, ctx, owner, "owner")[:1] if given else [] if in_pool else [user]
        stored.update(v.owner_fields(db, ctx, owners))
        if in_pool and not owners and obj.field("biz_status") is not None:
            stored.setdefault("biz_status", "un_assigned")
        creator = v.employees(db, ctx, created_by, "created_by")[:1] \
            if _switch(ctx, "hasSpecifyCreatedBy") and created_by not in (None, "", []) else [user]
        stored["created_by"] = creator
        stored["last_modified_by"] = [user]
        stored["record_type"] = stored.get("record_type") or v.DEFAULT_RECORD_TYPE
        now = ctx.store.now_ms()
        created = r.epoch_ms(create_time, "create_time") \
            if _switch(ctx, "hasSpecifyTime") and create_time is not None else now
        db.execute(
            "INSERT INTO records (corp_id, api_name, id, data, life_status, create_time, last_modified_time)"
            " VALUES (?, ?, ?, ?, 'normal', ?, ?)",
            (ctx.corp_id, obj.api_name, record_id, dumps({k: x for k, x in stored.items() if x is not None}),
             created, now),
        )
    return {"dataId": record_id}


def get(ctx: CallContext, route: Route) -> dict[str, Any]:
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), route)
    with ctx.store.reading() as db:
        found = r.row(db, ctx, obj, ctx.data.get("objectDataId"))
    return {"data": r.render(found, obj, include_null=_switch(ctx, "includeNull"))}


def query(ctx: CallContext, route: Route) -> dict[str, Any]:
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), route)
    info = ctx.data.get("search_query_info") or {}
    if not isinstance(info, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "search_query_info must be an object")
    limit, offset = q.page(info)
    names = q.projection(info.get("fieldProjection"), "fieldProjection")
    rows, total = q.search(ctx, obj, info, limit=limit, offset=offset,
                           want_total=ctx.data.get("find_explicit_total_num", True) is not False)
    include_null = _switch(ctx, "includeNull")
    records = [r.project(r.render(row, obj, include_null=include_null), names) for row in rows]
    return {"data": {"dataList": records, "total": total, "offset": offset, "limit": limit}}


def find_simple(ctx: CallContext) -> dict[str, Any]:
    """A query without computed fields; the returned fields in ``data.field_projection`` (empty: all)."""
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), Route.ANY)
    info = ctx.data.get("search_query_info") or {}
    if not isinstance(info, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "search_query_info must be an object")
    limit, offset = q.page(info)
    names = q.projection(ctx.data.get("field_projection"), "field_projection")
    rows, total = q.search(ctx, obj, info, limit=limit, offset=offset,
                           want_total=ctx.data.get("find_explicit_total_num", True) is not False)
    include_null = _switch(ctx, "includeNull")
    records = [r.project(r.render(row, obj, include_null=include_null), names) for row in rows]
    return {"data": {"dataList": records, "total": total, "offset": offset, "limit": limit}}


def find_one(ctx: CallContext) -> dict[str, Any]:
    """The first record the conditions match, as ``data.objectData``; ``data`` is empty when none does."""
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), Route.ANY)
    info = ctx.data.get("search_query_info") or {}
    names = q.projection(ctx.data.get("field_projection"), "field_projection")
    rows, _ = q.search(ctx, obj, info, limit=1, offset=0, want_total=False)
    if not rows:
        return {"data": {}}
    record = r.render(rows[0], obj, include_null=_switch(ctx, "includeNull"))
    return {"data": {"objectData": r.project(record, names)}}


def update(ctx: CallContext, route: Route) -> dict[str, Any]:
    object_data = ctx.data.get("object_data")
    if not isinstance(object_data, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "data.object_data is required")
    obj = resolve(ctx, object_data.get("dataObjectApiName"), route)
    r.writable(obj)
    values = {k: x for k, x in v.writable_values(obj, object_data).items()
              if k not in ("create_time", "created_by")}
    owner = values.pop("owner", None)
    with ctx.store.transaction() as db:
        found = r.row(db, ctx, obj, object_data.get("_id"))
        if found["life_status"] != "normal":
            raise p.SandboxError(p.PARAMETER_ERROR, "the record is invalid and cannot be edited", "数据已作废")
        data = json.loads(found["data"])
        if owner is not None and v.employees(db, ctx, owner, "owner")[:1] != data.get("owner", []):
            raise p.SandboxError(p.PARAMETER_ERROR, "owner cannot be changed by update; use data/changeOwner",
                                 "负责人不能通过编辑修改")
        data.update(v.check(db, ctx, obj, values, creating=False))
        data["last_modified_by"] = [ctx.open_user_id or ctx.corp.admin_open_user_id]
        r.write(db, ctx, obj, found["id"], data)
    return {}


def invalid(ctx: CallContext, route: Route) -> dict[str, Any]:
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), route)
    r.writable(obj)
    with ctx.store.transaction() as db:
        found = r.row(db, ctx, obj, ctx.data.get("object_data_id"))
        r.set_status(db, ctx, obj, found["id"], "invalid")
    return {}


def invalid_batch(ctx: CallContext) -> dict[str, Any]:
    """``/cgi/crm/custom/data/invalid`` (no v2): custom objects' batch invalidate, ``data.idList``."""
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), Route.CUSTOM)
    with ctx.store.transaction() as db:
        for record_id in r.id_list(ctx.data.get("idList")):
            r.row(db, ctx, obj, record_id)
            r.set_status(db, ctx, obj, record_id, "invalid")
    return {}


def delete(ctx: CallContext, route: Route) -> dict[str, Any]:
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), route)
    r.writable(obj)
    ids = r.id_list(ctx.data.get("idList"))
    with ctx.store.transaction() as db:
        for record_id in ids:
            if r.row(db, ctx, obj, record_id)["life_status"] != "invalid":
                raise p.SandboxError(p.PARAMETER_ERROR, f"record {record_id} must be invalidated first",
                                     "请先作废再删除")
        db.executemany("DELETE FROM records WHERE corp_id = ? AND api_name = ? AND id = ?",
                       [(ctx.corp_id, obj.api_name, i) for i in ids])
    return {}


def recover(ctx: CallContext, route: Route) -> dict[str, Any]:
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), route)
    with ctx.store.transaction() as db:
        for record_id in r.id_list(ctx.data.get("idList")):
            r.row(db, ctx, obj, record_id)
            r.set_status(db, ctx, obj, record_id, "normal")
    return {}


def change_owner(ctx: CallContext, route: Route) -> dict[str, Any]:
    """``data.Data[]`` of ``{objectDataId, ownerId}`` (``ownerId`` a list of one employee, or the id alone).
    A record waiting in a pool without an owner must be claimed first (``data/choose``)."""
    obj = resolve(ctx, ctx.data.get("dataObjectApiName"), route)
    r.writable(obj)
    changes = bounded(ctx.data.get("Data"), "Data", MAX_IDS)
    if not changes:
        raise p.SandboxError(p.PARAMETER_ERROR, "data.Data must be a non-empty list of {objectDataId, ownerId}")
    with ctx.store.transaction() as db:
        for change in changes:
            if not isinstance(change, dict):
                raise p.SandboxError(p.PARAMETER_ERROR, "each item of data.Data must be an object")
            found = r.row(db, ctx, obj, change.get("objectDataId"))
            data = json.loads(found["data"])
            if obj.pool_field and data.get(obj.pool_field) and not data.get("owner"):
                raise p.SandboxError(p.PARAMETER_ERROR, f"record {found['id']} is in a pool: claim it with "
                                                        "data/choose first", "公海/线索池中的数据请先领取")
            owners = v.employees(db, ctx, change.get("ownerId"), "ownerId")
            if len(owners) != 1:
                raise p.SandboxError(p.PARAMETER_ERROR, "ownerId must be a list with one employee id")
            data.update(v.owner_fields(db, ctx, owners))
            r.write(db, ctx, obj, found["id"], data)
    return {}


def _verbs(prefix: str, route: Route) -> dict[str, Handler]:
    verbs: dict[str, Callable[[CallContext, Route], dict[str, Any]]] = {
        "create": create, "get": get, "query": query, "update": update, "invalid": invalid, "delete": delete,
        "recover": recover, "changeOwner": change_owner}
    return {f"{prefix}/{name}": partial(verb, route=route) for name, verb in verbs.items()}


HANDLERS: dict[str, Handler] = {
    "/cgi/crm/v2/object/list": object_list,
    "/cgi/crm/v2/object/describe": object_describe,
    **_verbs(PRESET_PREFIX, Route.PRESET),
    **_verbs(CUSTOM_PREFIX, Route.CUSTOM),
    f"{CUSTOM_PREFIX}/findOne": find_one,
    f"{CUSTOM_PREFIX}/findSimple": find_simple,
    "/cgi/crm/custom/data/invalid": invalid_batch,
}
