"""CRM records in the store: reading one, rendering it as the platform answers it, changing its status."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.limits import MAX_IDS, bounded
from mktctl.sandbox.objects import ObjectDef
from mktctl.sandbox.store import dumps


def row(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, record_id: Any) -> sqlite3.Row:
    if not isinstance(record_id, str) or not record_id:
        raise p.SandboxError(p.PARAMETER_ERROR, "the record id is required")
    found = db.execute("SELECT * FROM records WHERE corp_id = ? AND api_name = ? AND id = ?",
                       (ctx.corp_id, obj.api_name, record_id)).fetchone()
    if found is None:
        raise p.SandboxError(p.DATA_NOT_FOUND, f"{obj.api_name} record {record_id} not found")
    return found  # type: ignore[no-any-return]


def id_list(value: Any, name: str = "idList") -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(i, str) for i in value):
        raise p.SandboxError(p.PARAMETER_ERROR, f"{name} must be a non-empty list of ids")
    return bounded(value, name, MAX_IDS)


def render(found: sqlite3.Row, obj: ObjectDef, *, include_null: bool) -> dict[str, Any]:
    """The record as data/get answers it: empty fields left out unless ``includeNull``."""
    data = json.loads(found["data"])
    out: dict[str, Any] = {
        "_id": found["id"],
        "object_describe_api_name": obj.api_name,
        "create_time": found["create_time"],
        "last_modified_time": found["last_modified_time"],
        "life_status": found["life_status"],
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


def project(record: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Only the named fields and ``_id``; an empty projection keeps every field."""
    if not names:
        return record
    keep = set(names) | {"_id"}
    return {k: v for k, v in record.items() if k in keep}


def set_status(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, record_id: str, status: str) -> None:
    db.execute("UPDATE records SET life_status = ?, last_modified_time = ? WHERE corp_id = ? AND api_name = ?"
               " AND id = ?", (status, ctx.store.now_ms(), ctx.corp_id, obj.api_name, record_id))


def write(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, record_id: str, data: dict[str, Any]) -> None:
    """Store a record's changed data; empty values are dropped, as the platform leaves them out."""
    clean = {k: v for k, v in data.items() if v is not None}
    db.execute("UPDATE records SET data = ?, last_modified_time = ? WHERE corp_id = ? AND api_name = ? AND id = ?",
               (dumps(clean), ctx.store.now_ms(), ctx.corp_id, obj.api_name, record_id))


def new_id(db: sqlite3.Connection, ctx: CallContext) -> str:
    """A 24-hex id of the platform's shape: seconds since the epoch, then a per-corp sequence."""
    seq = ctx.store.next_value(db, ctx.corp_id, "record_id", 0)
    return f"{ctx.store.now_ms() // 1000:08x}{seq:016x}"


def writable(obj: ObjectDef) -> None:
    if not obj.writable:
        raise p.SandboxError(p.PARAMETER_ERROR, f"{obj.api_name} mirrors the address book: change employees and "
                                                "departments with /cgi/user/* and /cgi/department/*",
                             "该对象不支持此操作")


def epoch_ms(value: Any, name: str) -> int:
    problem = p.SandboxError(p.PARAMETER_ERROR, f"{name} must be epoch milliseconds")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise problem
    try:
        return int(value)
    except (ValueError, OverflowError):
        raise problem from None
