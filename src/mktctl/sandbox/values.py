"""Field values of a create or an update, checked against the object's fields as the platform checks them.

What a tenant may set is checked by the field's type (shared/reference §4.4): text fields take text;
number, currency and percentile fields a number or a numeric text; time fields epoch milliseconds; a
picklist an option's value (a list of them for a multi-select); employee and department fields a list of
ids; a reference the id of a record that exists. The system fields a client sends back (the common fields
of §4.5: ``object_describe_api_name``, ``life_status``, ``version``, ...) and the derived keys (``…__r``,
``…__l``) are not the tenant's to set and are left out, never refused: published clients send them.
Unknown fields, read-only fields the tenant cannot write, missing required fields and values of the
wrong kind are refused with 32000 and the platform-style message.
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.objects import NUMERIC_TYPES, SYSTEM_FIELDS, TEXT_TYPES, FieldDef, ObjectDef

DERIVED_SUFFIXES = ("__r", "__l", "__relation_ids")
DEFAULT_RECORD_TYPE = "default__c"


def writable_values(obj: ObjectDef, object_data: dict[str, Any]) -> dict[str, Any]:
    """The values of ``object_data`` a tenant sets: without the api name, the system fields and the
    derived keys. An ``object_describe_api_name`` naming another object is a mistake worth refusing."""
    named = object_data.get("object_describe_api_name")
    if named not in (None, "", obj.api_name):
        raise p.SandboxError(p.PARAMETER_ERROR, f"object_describe_api_name {named!r} does not match "
                                                f"dataObjectApiName {obj.api_name}", "对象不匹配")
    return {k: v for k, v in object_data.items()
            if k != "dataObjectApiName" and k not in SYSTEM_FIELDS and not k.endswith(DERIVED_SUFFIXES)}


def _refuse(name: str, what: str) -> p.SandboxError:
    return p.SandboxError(p.PARAMETER_ERROR, f"field {name} takes {what}", f"字段 {name} 的值不合法")


def _number(fdef: FieldDef, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _refuse(fdef.api_name, "a number")
    try:
        number = float(value)
    except ValueError:
        raise _refuse(fdef.api_name, "a number") from None
    if not math.isfinite(number):
        raise _refuse(fdef.api_name, "a finite number")


def _ids(value: Any) -> list[str]:
    """An id list as the platform takes it: a list (a single id is taken as a list of one)."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in items):
        raise p.SandboxError(p.PARAMETER_ERROR, "ids must be texts")
    return [str(i) for i in items]


def employees(db: sqlite3.Connection, ctx: CallContext, value: Any, name: str) -> list[str]:
    """Employees by open user id or employee id, as the open user ids the sandbox stores."""
    found = []
    for ident in _ids(value):
        row = db.execute("SELECT open_user_id FROM users WHERE corp_id = ?"
                         " AND (open_user_id = ? OR CAST(employee_id AS TEXT) = ?)",
                         (ctx.corp_id, ident, ident)).fetchone()
        if row is None:
            raise p.SandboxError(p.EMPLOYEE_NOT_FOUND, f"employee {ident} not found")
        found.append(row["open_user_id"])
    return found


def _value(db: sqlite3.Connection, ctx: CallContext, fdef: FieldDef, value: Any) -> Any:
    """The value as stored, or the error that refuses it."""
    name, kind = fdef.api_name, fdef.type
    if kind in TEXT_TYPES or kind == "record_type":
        if not isinstance(value, str):
            raise _refuse(name, "a string")
        if kind == "record_type" and value != DEFAULT_RECORD_TYPE:
            raise p.SandboxError(p.PARAMETER_ERROR, f"record type {value} does not exist on this object",
                                 "业务类型不存在")
        return value
    if kind in NUMERIC_TYPES:
        _number(fdef, value)
        return value
    if kind == "true_or_false":
        if not isinstance(value, bool):
            raise _refuse(name, "true or false")
        return value
    if kind in ("select_one", "select_many"):
        chosen = value if kind == "select_many" else [value]
        if not isinstance(chosen, list):
            raise _refuse(name, "a list of option values")
        options = {v for v, _ in fdef.options}
        for item in chosen:
            if str(item) not in options:
                raise p.SandboxError(p.PARAMETER_ERROR, f"value {item!r} is not an option of {name}",
                                     f"{fdef.label}的选项值不合法")
        return [str(i) for i in chosen] if kind == "select_many" else str(value)
    if kind == "employee":
        return employees(db, ctx, value, name)
    if kind == "department":
        ids = _ids(value)
        for ident in ids:
            if not ident.isdigit() or db.execute("SELECT 1 FROM departments WHERE corp_id = ? AND id = ?",
                                                 (ctx.corp_id, int(ident))).fetchone() is None:
                raise p.SandboxError(p.DEPARTMENT_NOT_FOUND, f"department {ident} not found")
        return ids
    if kind == "object_reference":
        if not isinstance(value, str):
            raise _refuse(name, "a record id")
        target = db.execute("SELECT 1 FROM records WHERE corp_id = ? AND api_name = ? AND id = ?",
                            (ctx.corp_id, fdef.target, value)).fetchone()
        if target is None:
            raise p.SandboxError(p.PARAMETER_ERROR, f"{name}: {fdef.target} record {value} not found")
        return value
    return value


def check(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, values: dict[str, Any], *,
          creating: bool) -> dict[str, Any]:
    """The values as stored, after checking each against its field; required fields on a create."""
    stored: dict[str, Any] = {}
    for name, value in values.items():
        fdef = obj.field(name)
        if fdef is None:
            raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} does not exist on {obj.api_name}",
                                 f"字段 {name} 不存在")
        if not fdef.writable:
            raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} is read-only", f"字段 {name} 只读")
        if value is None or value == "" or value == []:
            if fdef.required:
                raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} ({fdef.label}) is required",
                                     f"{fdef.label}为必填项")
            stored[name] = None
            continue
        stored[name] = _value(db, ctx, fdef, value)
    if creating:
        for fdef in obj.fields:
            if fdef.required and values.get(fdef.api_name) in (None, "", []):
                raise p.SandboxError(p.PARAMETER_ERROR, f"field {fdef.api_name} ({fdef.label}) is required",
                                     f"{fdef.label}为必填项")
    return stored


def owner_fields(db: sqlite3.Connection, ctx: CallContext, owners: list[str]) -> dict[str, Any]:
    """``owner`` and the owner's main department, which the platform keeps beside it."""
    if not owners:
        return {"owner": [], "owner_department": None, "owner_department_id": None}

    def department() -> tuple[Any, Any]:
        row = db.execute("SELECT json_extract(users.data, '$.mainDepartmentId') AS main, departments.name AS name"
                         " FROM users LEFT JOIN departments ON departments.corp_id = users.corp_id"
                         " AND departments.id = json_extract(users.data, '$.mainDepartmentId')"
                         " WHERE users.corp_id = ? AND users.open_user_id = ?", (ctx.corp_id, owners[0])).fetchone()
        return (row["main"], row["name"]) if row else (None, None)

    main, name = ctx.store.remembered(("owner_department", ctx.corp_id, owners[0]), department)
    return {"owner": owners, "owner_department": name, "owner_department_id": str(main) if main is not None else None}
