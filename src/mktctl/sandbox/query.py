"""``search_query_info`` as SQL over the records table: filters, orders, paging and projection.

Filters are ANDed. A field's type decides how it compares: number, currency, percentile and time fields as
numbers (whether the value is written ``"100.01"`` or ``100.01``); list fields - employees (``owner``,
``created_by``, ...), departments and multi-select picklists - by membership, so ``owner IN [id, ...]``
matches a record whose owner list holds one of the ids, as on the platform. Employees may be named by
open user id (``FSUID_…``) or by employee id (``"1000"``). A filter the sandbox cannot evaluate (an unknown
field or operator, an operator the field's type does not take) is refused with a parameter error, never
answered with an empty page. Every list is bounded (``mktctl.sandbox.limits``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.limits import MAX_FILTER_VALUES, MAX_FILTERS, MAX_ORDERS, MAX_PROJECTION, bounded
from mktctl.sandbox.objects import NUMERIC_TYPES, ObjectDef

MAX_LIMIT = 100
MAX_OFFSET = 10000
DEFAULT_LIMIT = 20
MAX_QUERY_VALUES = 2000  # all filters' values together (SQLite binds each one as a variable)
_COLUMNS = {"_id": "id", "create_time": "create_time", "last_modified_time": "last_modified_time",
            "life_status": "life_status"}
_NEEDS = {"EQ": 1, "N": 1, "GT": 1, "GTE": 1, "LT": 1, "LTE": 1, "LIKE": 1, "NLIKE": 1, "STARTWITH": 1,
          "ENDWITH": 1, "IN": 1, "NIN": 1, "BETWEEN": 2, "NBETWEEN": 2, "HASANYOF": 1, "NHASANYOF": 1,
          "CONTAINS": 1, "IS": 0, "ISN": 0}
_LIST_OPERATORS = {"EQ", "IN", "HASANYOF", "CONTAINS", "N", "NIN", "NHASANYOF", "IS", "ISN"}
_COMPARISONS = {"GT": ">", "GTE": ">=", "LT": "<", "LTE": "<="}


class Column:
    """How a field is read in SQL: a column, a JSON value, a number, or a list."""

    def __init__(self, sql: str, kind: str, path: str = "", field_type: str = "") -> None:
        self.sql, self.kind, self.path, self.field_type = sql, kind, path, field_type


def column(obj: ObjectDef, name: Any) -> Column:
    if not isinstance(name, str) or not name:
        raise p.SandboxError(p.PARAMETER_ERROR, "field_name is required in every filter")
    if name in _COLUMNS:
        kind = "number" if name in ("create_time", "last_modified_time") else "column"
        return Column(_COLUMNS[name], kind)
    fdef = obj.field(name)
    if fdef is None:
        raise p.SandboxError(p.PARAMETER_ERROR, f"field {name} does not exist on {obj.api_name}",
                             f"字段 {name} 不存在")
    if not all(c.isalnum() or c == "_" for c in name):
        raise p.SandboxError(p.PARAMETER_ERROR, f"illegal field name {name}")
    path = f"'$.{name}'"
    value = f"json_extract(data, {path})"
    if fdef.is_list:
        return Column(value, "list", path, fdef.type)
    if fdef.type in NUMERIC_TYPES:
        # numbers are written as text ("100.01"); compare and sort them as numbers, never as text
        return Column(f"CAST(NULLIF({value}, '') AS REAL)", "number", path, fdef.type)
    return Column(value, "text", path, fdef.type)


def _coerce(value: Any, numeric: bool) -> Any:
    if numeric and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _like(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _employees(db: sqlite3.Connection, ctx: CallContext, values: list[Any]) -> list[Any]:
    """Employee ids (``"1000"``) as the open user ids the records hold; open user ids as they are."""
    numbers = [str(v) for v in values if isinstance(v, (str, int)) and str(v).isdigit()]
    if not numbers:
        return values
    marks = ", ".join("?" * len(numbers))
    rows = db.execute(f"SELECT employee_id, open_user_id FROM users WHERE corp_id = ? AND employee_id IN ({marks})",
                      (ctx.corp_id, *numbers)).fetchall()
    by_number = {str(r["employee_id"]): r["open_user_id"] for r in rows}
    return [by_number.get(str(v), v) for v in values]


def filter_sql(db: sqlite3.Connection, ctx: CallContext, obj: ObjectDef, flt: Any) -> tuple[str, list[Any]]:
    if not isinstance(flt, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "each filter must be an object")
    col = column(obj, flt.get("field_name"))
    op = str(flt.get("operator", "EQ")).upper()
    if op not in _NEEDS:
        raise p.SandboxError(p.PARAMETER_ERROR, f"unknown operator {op}", "不支持的操作符")
    raw = flt.get("field_values", [])
    values = bounded(raw if isinstance(raw, list) else [raw], "field_values", MAX_FILTER_VALUES)
    if len(values) < _NEEDS[op]:
        raise p.SandboxError(p.PARAMETER_ERROR, f"operator {op} needs {_NEEDS[op]} value(s) in field_values")
    if col.kind == "list":
        if op not in _LIST_OPERATORS:
            raise p.SandboxError(p.PARAMETER_ERROR, f"operator {op} cannot filter {flt['field_name']}, a "
                                                    f"{col.field_type} field (use IN, NIN, HASANYOF, IS or ISN)",
                                 "该字段类型不支持此操作符")
        return _list_sql(db, ctx, col, op, values)
    values = [_coerce(v, col.kind == "number") for v in values]
    first = values[0] if values else None
    marks = ", ".join("?" * len(values))
    sql = col.sql
    if op == "EQ":
        return f"{sql} = ?", [first]
    if op == "N":
        return f"({sql} IS NULL OR {sql} != ?)", [first]
    if op in _COMPARISONS:
        return f"{sql} {_COMPARISONS[op]} ?", [first]
    if op in ("LIKE", "NLIKE", "STARTWITH", "ENDWITH"):
        shape = {"LIKE": "%{}%", "NLIKE": "%{}%", "STARTWITH": "{}%", "ENDWITH": "%{}"}[op]
        pattern = shape.format(_like(first))
        if op == "NLIKE":
            return f"({sql} IS NULL OR {sql} NOT LIKE ? ESCAPE '\\')", [pattern]
        return f"{sql} LIKE ? ESCAPE '\\'", [pattern]
    if op == "IS":
        return f"({sql} IS NULL OR {sql} = '')", []
    if op == "ISN":
        return f"({sql} IS NOT NULL AND {sql} != '')", []
    if op in ("IN", "HASANYOF", "CONTAINS"):
        return f"{sql} IN ({marks})", values
    if op in ("NIN", "NHASANYOF"):
        return f"({sql} IS NULL OR {sql} NOT IN ({marks}))", values
    if op == "BETWEEN":
        return f"{sql} BETWEEN ? AND ?", values[:2]
    return f"({sql} IS NULL OR {sql} NOT BETWEEN ? AND ?)", values[:2]  # NBETWEEN


def _list_sql(db: sqlite3.Connection, ctx: CallContext, col: Column, op: str,
              values: list[Any]) -> tuple[str, list[Any]]:
    """Membership in a list field; json_each also reads a single value stored where a list belongs."""
    if op == "IS":
        return f"NOT EXISTS (SELECT 1 FROM json_each(data, {col.path}))", []
    if op == "ISN":
        return f"EXISTS (SELECT 1 FROM json_each(data, {col.path}))", []
    if col.field_type == "employee":
        values = _employees(db, ctx, values)
    values = [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]
    marks = ", ".join("?" * len(values))
    exists = f"EXISTS (SELECT 1 FROM json_each(data, {col.path}) WHERE CAST(value AS TEXT) IN ({marks}))"
    return (f"NOT {exists}" if op in ("N", "NIN", "NHASANYOF") else exists), values


def order_sql(obj: ObjectDef, orders: Any) -> str:
    parts = []
    for order in bounded(orders, "orders", MAX_ORDERS):
        if not isinstance(order, dict):
            raise p.SandboxError(p.PARAMETER_ERROR, "each order must be an object")
        col = column(obj, order.get("fieldName"))
        parts.append(f"{col.sql} {'ASC' if order.get('isAsc', True) else 'DESC'}")
    parts.append("id ASC")
    return ", ".join(parts)


def projection(value: Any, name: str) -> list[str]:
    names = bounded(value, name, MAX_PROJECTION)
    if not all(isinstance(n, str) for n in names):
        raise p.SandboxError(p.PARAMETER_ERROR, f"{name} must be a list of field api names")
    return names


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise p.SandboxError(p.PARAMETER_ERROR, f"{name} must be an integer") from None


def page(info: dict[str, Any]) -> tuple[int, int]:
    """``limit`` 1-100 (default 20) and ``offset``, a multiple of it, at most 10000 (10013 beyond)."""
    limit = _int(info.get("limit", DEFAULT_LIMIT), "limit")
    offset = _int(info.get("offset", 0), "offset")
    if not 1 <= limit <= MAX_LIMIT:
        raise p.SandboxError(p.PARAMETER_ERROR, f"limit must be between 1 and {MAX_LIMIT}")
    if offset > MAX_OFFSET:
        raise p.SandboxError(p.OFFSET_OUT_OF_RANGE, "offset out of range 10000")
    if offset < 0 or offset % limit:
        raise p.SandboxError(p.PARAMETER_ERROR, "offset must be a non-negative multiple of limit")
    return limit, offset


def search(ctx: CallContext, obj: ObjectDef, info: Any, *, limit: int, offset: int,
           want_total: bool) -> tuple[list[sqlite3.Row], int]:
    """The rows of one page and the total (0 when not wanted). Invalid records are left out unless a
    filter asks for ``life_status``."""
    if not isinstance(info, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "search_query_info must be an object")
    filters = bounded(info.get("filters"), "filters", MAX_FILTERS)
    count = sum(len(f["field_values"]) for f in filters
                if isinstance(f, dict) and isinstance(f.get("field_values"), list))
    if count > MAX_QUERY_VALUES:
        raise p.SandboxError(p.PARAMETER_ERROR, f"filters are too large: {count} values, at most "
                                                f"{MAX_QUERY_VALUES} in one query", "查询条件过多")
    where, params = ["corp_id = ?", "api_name = ?"], [ctx.corp_id, obj.api_name]
    if not any(f.get("field_name") == "life_status" for f in filters if isinstance(f, dict)):
        where.append("life_status = 'normal'")
    with ctx.store.reading() as db:
        for flt in filters:
            clause, values = filter_sql(db, ctx, obj, flt)
            where.append(clause)
            params.extend(values)
        order = order_sql(obj, info.get("orders"))
        sql_where = " AND ".join(where)
        rows = db.execute(f"SELECT * FROM records WHERE {sql_where} ORDER BY {order} LIMIT ? OFFSET ?",
                          (*params, limit, offset)).fetchall()
        total = db.execute(f"SELECT count(*) FROM records WHERE {sql_where}", params).fetchone()[0] \
            if want_total else 0
    return rows, int(total)
