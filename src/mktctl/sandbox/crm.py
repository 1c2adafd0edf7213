"""CRM object data under ``/cgi/crm/v2``: object list and describe, and the record verbs create, get,
query, update, invalid, delete, recover and changeOwner, with the platform's placement rules:
``dataObjectApiName`` inside ``object_data`` for create/update and directly in ``data`` otherwise;
delete only after invalid; the owner only through changeOwner; ``limit`` at most 100; ``offset`` a
multiple of the limit and at most 10000; empty fields left out unless ``includeNull``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.objects import OBJECTS, ObjectDef
from mktctl.sandbox.store import dumps

MAX_LIMIT = 100
MAX_OFFSET = 10000
DEFAULT_LIMIT = 20
_COLUMNS = {"_id": "id", "create_time": "create_time", "last_modified_time": "last_modified_time",
            "life_status": "life_status"}
_NUMERIC_TYPES = {"number", "currency", "percentile", "date", "date_time", "time"}

Handler = Callable[[CallContext], dict[str, Any]]


def _object(api_name: Any) -> ObjectDef:
    if not isinstance(api_name, str) or not api_name:
        raise p.SandboxError(p.PARAMETER_ERROR, "dataObjectApiName is required")
    obj = OBJECTS.get(api_name)
    if obj is None:
        raise p.SandboxError(p.PARAMETER_ERROR, f"object {api_name} does not exist or is not enabled",
                             "对象不存在或未启用")
    return obj


def object_list(ctx: CallContext) -> dict[str, Any]:
    objects = [
        {"describeApiName": o.api_name, "describeDisplayName": o.display_name, "defineType": "package",
         "isActive": True, "iconPath": "", "iconIndex": 0, "hideButton": False, "publicObject": False}
        for o in OBJECTS.values()
    ]
    return {"data": {"objects": objects}}


def object_describe(ctx: CallContext) -> dict[str, Any]:
    api_name = ctx.data.get("apiName", ctx.body.get("apiName"))
    return {"data": {"describe": _object(api_name).describe()}}


def create(ctx: CallContext) -> dict[str, Any]:
    object_data = ctx.data.get("object_data")
    if not isinstance(object_data, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "data.object_data is required")
    obj = _object(object_data.get("dataObjectApiName"))
    values = {k: v for k, v in object_data.items() if k != "dataObjectApiName"}
    honour_time = bool(ctx.body.get("hasSpecifyTime"))
    create_time = values.pop("create_time", None)
    owner = values.pop("owner", None)
    with ctx.store.transaction() as db:
        _check_values(db, ctx, obj, values, creating=True)
        now = ctx.store.now_ms()
        seq = ctx.store.next_value(db, ctx.corp_id, "record_id", 0)
        record_id = f"{now // 1000:08x}{seq:016x}"
        user = ctx.open_user_id or ctx.corp.admin_open_user_id
        values["owner"] = _owner_list(db, ctx, owner) if owner is not None else [user]
        values["created_by"] = [user]
        values["last_modified_by"] = [user]
        values.setdefault("record_type", "default__c")
        created = _epoch_ms(create_time, "create_time") if honour_time and create_time is not None else now
        db.execute(
            "INSERT INTO records (corp_id, api_name, id, data, life_status, create_time, last_modified_time)"
            " VALUES (?, ?, ?, ?, 'normal', ?, ?)",
            (ctx.corp_id, obj.api_name, record_id, dumps(values), created, now),
        )
    return {"dataId": record_id}


def get(ctx: CallContext) -> dict[str, Any]:
    obj = _object(ctx.data.get("dataObjectApiName"))
    record_id = ctx.data.get("objectDataId")
    with ctx.store.reading() as db:
        row = _row(db, ctx, obj, record_id)
    return {"data": _render(row, obj, include_null=bool(ctx.body.get("includeNull")))}


def query(ctx: CallContext) -> dict[str, Any]:
    obj = _object(ctx.data.get("dataObjectApiName"))
    info = ctx.data.get("search_query_info") or {}
    if not isinstance(info, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "search_query_info must be an object")
    limit = _int(info.get("limit", DEFAULT_LIMIT), "limit")
    offset = _int(info.get("offset", 0), "offset")
    if not 1 <= limit <= MAX_LIMIT:
        raise p.SandboxError(p.PARAMETER_ERROR, f"limit must be between 1 and {MAX_LIMIT}")
    if offset > MAX_OFFSET:
        raise p.SandboxError(p.OFFSET_OUT_OF_RANGE, "offset out of range 10000")
    if offset < 0 or offset % limit:
        raise p.SandboxError(p.PARAMETER_ERROR, "offset must be a non-negative multiple of limit")
    where, params = ["corp_id = ?", "api_name = ?"], [ctx.corp_id, obj.api_name]
    filters = info.get("filters") or []
    if not any(f.get("field_name") == "life_status" for f in filters if isinstance(f, dict)):
        where.append("life_status = 'normal'")
    for flt in info.get("filters") or []:
        clause, values = _filter_sql(obj, flt)
        where.append(clause)
        params.extend(values)
    order = _order_sql(obj, info.get("orders") or [])
    projection = info.get("fieldProjection")
    if projection is not None and (not isinstance(projection, list)
                                   or not all(isinstance(name, str) for name in projection)):
        raise p.SandboxError(p.PARAMETER_ERROR, "fieldProjection must be a list of field api names")
    sql_where = " AND ".join(where)
    with ctx.store.reading() as db:
        rows = db.execute(
            f"SELECT * FROM records WHERE {sql_where} ORDER BY {order} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        want_total = ctx.data.get("find_explicit_total_num", True) is not False
        total = db.execute(f"SELECT count(*) FROM records WHERE {sql_where}", params).fetchone()[0] \
            if want_total else 0
    include_null = bool(ctx.body.get("includeNull"))
    records = [_render(r, obj, include_null=include_null) for r in rows]
    if isinstance(projection, list) and projection:
        keep = set(projection) | {"_id"}
        records = [{k: v for k, v in r.items() if k in keep} for r in records]
    return {"data": {"dataList": records, "total": total, "offset": offset, "limit": limit}}


def update(ctx: CallContext) -> dict[str, Any]:
    object_data = ctx.data.get("object_data")
    if not isinstance(object_data, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "data.object_data is required")
    obj = _object(object_data.get("dataObjectApiName"))
    values = {k: v for k, v in object_data.items() if k not in ("dataObjectApiName", "_id")}
    if "owner" in values:
        raise p.SandboxError(p.PARAMETER_ERROR, "owner cannot be changed by update; use data/changeOwner",
                             "负责人不能通过编辑修改")
    with ctx.store.transaction() as db:
        row = _row(db, ctx, obj, object_data.get("_id"))
        if row["life_status"] != "normal":
            raise p.SandboxError(p.PARAMETER_ERROR, "the record is invalid and cannot be edited",
                                 "数据已作废")
        _check_values(db, ctx, obj, values, creating=False)
        data = json.loads(row["data"])
        data.update(values)
        data["last_modified_by"] = [ctx.open_user_id or ctx.corp.admin_open_user_id]
        db.execute(
            "UPDATE records SET data = ?, last_modified_time = ?"
            " WHERE corp_id = ? AND api_name = ? AND id = ?",
            (dumps(data), ctx.store.now_ms(), ctx.corp_id, obj.api_name, row["id"]),
        )
    return {}


def invalid(ctx: CallContext) -> dict[str, Any]:
    obj = _object(ctx.data.get("dataObjectApiName"))
    with ctx.store.transaction() as db:
        row = _row(db, ctx, obj, ctx.data.get("object_data_id"))
        _set_status(db, ctx, obj, row["id"], "invalid")
    return {}


def delete(ctx: CallContext) -> dict[str, Any]:
    obj = _object(ctx.data.get("dataObjectApiName"))
    ids = _id_list(ctx.data.get("idList"))
    with ctx.store.transaction() as db:
        for record_id in ids:
            row = _row(db, ctx, obj, record_id)
            if row["life_status"] != "invalid":
                raise p.SandboxError(p.PARAMETER_ERROR, f"record {record_id} must be invalidated first",
                                     "请先作废再删除")
        db.executemany("DELETE FROM records WHERE corp_id = ? AND api_name = ? AND id = ?",
                       [(ctx.corp_id, obj.api_name, i) for i in ids])
    return {}


def recover(ctx: CallContext) -> dict[str, Any]:
    obj = _object(ctx.data.get("dataObjectApiName"))
    with ctx.store.transaction() as db:
        for record_id in _id_list(ctx.data.get("idList")):
            _row(db, ctx, obj, record_id)
            _set_status(db, ctx, obj, record_id, "normal")
    return {}


def change_owner(ctx: CallContext) -> dict[str, Any]:
    obj = _object(ctx.data.get("dataObjectApiName"))
    changes = ctx.data.get("Data")
    if not isinstance(changes, list) or not changes:
        raise p.SandboxError(p.PARAMETER_ERROR, "data.Data must be a non-empty list")
    with ctx.store.transaction() as db:
        for change in changes:
            if not isinstance(change, dict):
                raise p.SandboxError(p.PARAMETER_ERROR, "each item of data.Data must be an object")
            row = _row(db, ctx, obj, change.get("objectDataId"))
            data = json.loads(row["data"])
            data["owner"] = _owner_list(db, ctx, change.get("ownerId"))
            db.execute("UPDATE records SET data = ?, last_modified_time = ?"
                       " WHERE corp_id = ? AND api_name = ? AND id = ?",
                       (dumps(data), ctx.store.now_ms(), ctx.corp_id, obj.api_name, row["id"]))
    return {}


HANDLERS: dict[str, Handler] = {
    "/cgi/crm/v2/object/list": object_list,
    "/cgi/crm/v2/object/describe": object_describe,
    "/cgi/crm/v2/data/create": create,
    "/cgi/crm/v2/data/get": get,
    "/cgi/crm/v2/data/query": query,
    "/cgi/crm/v2/data/update": update,
    "/cgi/crm/v2/data/invalid": invalid,
    "/cgi/crm/v2/data/delete": delete,
    "/cgi/crm/v2/data/recover": recover,
    "/cgi/crm/v2/data/changeOwner": change_owner,
}


# ---- helpers ---------------------------------------------------------------------------------------


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise p.SandboxError(p.PARAMETER_ERROR, f"{name} must be an integer") from None


def _epoch_ms(value: Any, name: str) -> int:
    problem = p.SandboxError(p.PARAMETER_ERROR, f"{name} must be epoch milliseconds")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise problem
    try:
        return int(value)
    except (ValueError, OverflowError):
        raise problem from None


def _id_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(i, str) for i in value):
        raise p.SandboxError(p.PARAMETER_ERROR, "idList must be a non-empty list of ids")
    return value


def _row(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, record_id: Any) -> sqlite3.Row:
    if not isinstance(record_id, str) or not record_id:
        raise p.SandboxError(p.PARAMETER_ERROR, "the record id is required")
    row = db.execute("SELECT * FROM records WHERE corp_id = ? AND api_name = ? AND id = ?",
                     (ctx.corp_id, obj.api_name, record_id)).fetchone()
    if row is None:
        raise p.SandboxError(p.DATA_NOT_FOUND, f"{obj.api_name} record {record_id} not found")
    return row  # type: ignore[no-any-return]


def _set_status(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, record_id: str,
                status: str) -> None:
    db.execute("UPDATE records SET life_status = ?, last_modified_time = ? WHERE corp_id = ? AND api_name = ?"
               " AND id = ?", (status, ctx.store.now_ms(), ctx.corp_id, obj.api_name, record_id))


def _owner_list(db: sqlite3.Connection, ctx: CallContext, owner: Any) -> list[str]:
    owners = owner if isinstance(owner, list) else [owner]
    if len(owners) != 1 or not isinstance(owners[0], str):
        raise p.SandboxError(p.PARAMETER_ERROR, "owner must be a list with one employee id")
    found = db.execute("SELECT 1 FROM users WHERE corp_id = ?"
                       " AND (open_user_id = ? OR CAST(employee_id AS TEXT) = ?)",
                       (ctx.corp_id, owners[0], owners[0])).fetchone()
    if found is None:
        raise p.SandboxError(p.EMPLOYEE_NOT_FOUND, f"employee {owners[0]} not found")
    return [owners[0]]


def _check_values(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, values: dict[str, Any],
                  *, creating: bool) -> None:
    for name, value in values.items():
        fdef = obj.field(name)
        if fdef is None:
            raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} does not exist on {obj.api_name}",
                                 f"字段 {name} 不存在")
        if not fdef.writable:
            raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} is read-only")
        if value is None or value == "":
            if fdef.required:
                raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} ({fdef.label}) is required",
                                     f"{fdef.label}为必填项")
            continue
        if fdef.type == "select_one" and str(value) not in {v for v, _ in fdef.options}:
            raise p.SandboxError(p.PARAMETER_ERROR, f"value {value!r} is not an option of {name}",
                                 f"{fdef.label}的选项值不合法")
        if fdef.type in ("text", "long_text", "phone_number", "email", "url") and not isinstance(value, str):
            raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} takes a string")
        if fdef.type == "object_reference":
            target = db.execute("SELECT 1 FROM records WHERE corp_id = ? AND api_name = ? AND id = ?",
                                (ctx.corp_id, fdef.target, value)).fetchone()
            if target is None:
                raise p.SandboxError(p.PARAMETER_ERROR, f"{name}: {fdef.target} record {value} not found")
    if creating:
        for fdef in obj.fields:
            if fdef.required and values.get(fdef.api_name) in (None, ""):
                raise p.SandboxError(p.PARAMETER_ERROR, f"field {fdef.api_name} ({fdef.label}) is required",
                                     f"{fdef.label}为必填项")


def _render(row: sqlite3.Row, obj: ObjectDef, *, include_null: bool) -> dict[str, Any]:
    data = json.loads(row["data"])
    out: dict[str, Any] = {
        "_id": row["id"],
        "object_describe_api_name": obj.api_name,
        "create_time": row["create_time"],
        "last_modified_time": row["last_modified_time"],
        "life_status": row["life_status"],
        "lock_status": "0",
        "is_deleted": False,
        "version": "1",
        **data,
    }
    if include_null:
        for fdef in obj.fields:
            out.setdefault(fdef.api_name, None)
        return out
    return {k: v for k, v in out.items() if v not in (None, "", [])}


def _column(obj: ObjectDef, name: Any) -> tuple[str, bool]:
    if not isinstance(name, str) or not name:
        raise p.SandboxError(p.PARAMETER_ERROR, "field_name is required in every filter")
    if name in _COLUMNS:
        return _COLUMNS[name], name in ("create_time", "last_modified_time")
    fdef = obj.field(name)
    if fdef is None and name not in ("owner", "created_by", "record_type"):
        raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} does not exist on {obj.api_name}")
    if not all(c.isalnum() or c == "_" for c in name):
        raise p.SandboxError(p.PARAMETER_ERROR, f"illegal field name {name}")
    value = f"json_extract(data, '$.{name}')"
    if fdef is not None and fdef.type in _NUMERIC_TYPES:
        # numbers are written as text ("100.01"); compare and sort them as numbers, never as text
        return f"CAST(NULLIF({value}, '') AS REAL)", True
    return value, False


def _coerce(value: Any, numeric: bool) -> Any:
    if numeric and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _like(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filter_sql(obj: ObjectDef, flt: Any) -> tuple[str, list[Any]]:
    if not isinstance(flt, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "each filter must be an object")
    col, numeric = _column(obj, flt.get("field_name"))
    op = str(flt.get("operator", "EQ")).upper()
    raw = flt.get("field_values", [])
    values = [_coerce(v, numeric) for v in (raw if isinstance(raw, list) else [raw])]
    first = values[0] if values else None
    needs = {"EQ": 1, "N": 1, "GT": 1, "GTE": 1, "LT": 1, "LTE": 1, "LIKE": 1, "NLIKE": 1, "STARTWITH": 1,
             "ENDWITH": 1, "IN": 1, "NIN": 1, "BETWEEN": 2, "NBETWEEN": 2, "HASANYOF": 1, "NHASANYOF": 1,
             "CONTAINS": 1}
    if op in needs and len(values) < needs[op]:
        raise p.SandboxError(p.PARAMETER_ERROR, f"operator {op} needs {needs[op]} value(s) in field_values")
    comparisons = {"GT": ">", "GTE": ">=", "LT": "<", "LTE": "<="}
    marks = ", ".join("?" * len(values))
    if op == "EQ":
        return f"{col} = ?", [first]
    if op == "N":
        return f"({col} IS NULL OR {col} != ?)", [first]
    if op in comparisons:
        return f"{col} {comparisons[op]} ?", [first]
    if op in ("LIKE", "NLIKE", "STARTWITH", "ENDWITH"):
        shape = {"LIKE": "%{}%", "NLIKE": "%{}%", "STARTWITH": "{}%", "ENDWITH": "%{}"}[op]
        pattern = shape.format(_like(first))
        if op == "NLIKE":
            return f"({col} IS NULL OR {col} NOT LIKE ? ESCAPE '\\')", [pattern]
        return f"{col} LIKE ? ESCAPE '\\'", [pattern]
    if op == "IS":
        return f"({col} IS NULL OR {col} = '')", []
    if op == "ISN":
        return f"({col} IS NOT NULL AND {col} != '')", []
    if op == "IN":
        return f"{col} IN ({marks})", values
    if op == "NIN":
        return f"({col} IS NULL OR {col} NOT IN ({marks}))", values
    if op == "BETWEEN":
        return f"{col} BETWEEN ? AND ?", values[:2]
    if op == "NBETWEEN":
        return f"({col} IS NULL OR {col} NOT BETWEEN ? AND ?)", values[:2]
    if op in ("HASANYOF", "CONTAINS", "NHASANYOF"):
        if not col.startswith("json_extract(data, "):
            return (f"{col} NOT IN ({marks})" if op == "NHASANYOF" else f"{col} IN ({marks})"), values
        # json_each over the field's path: the items of a list, or the value itself when it is not a list
        path = col.removeprefix("json_extract(data, ").removesuffix(")")
        exists = f"EXISTS (SELECT 1 FROM json_each(data, {path}) WHERE value IN ({marks}))"
        return (f"NOT {exists}" if op == "NHASANYOF" else exists), values
    raise p.SandboxError(p.PARAMETER_ERROR, f"unknown operator {op}")


def _order_sql(obj: ObjectDef, orders: Any) -> str:
    if not isinstance(orders, list):
        raise p.SandboxError(p.PARAMETER_ERROR, "orders must be a list")
    parts = []
    for order in orders:
        if not isinstance(order, dict):
            raise p.SandboxError(p.PARAMETER_ERROR, "each order must be an object")
        col, _ = _column(obj, order.get("fieldName"))
        parts.append(f"{col} {'ASC' if order.get('isAsc', True) else 'DESC'}")
    parts.append("id ASC")
    return ", ".join(parts)
