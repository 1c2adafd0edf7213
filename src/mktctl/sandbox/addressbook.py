"""The address book: departments (``/cgi/department/*``), employees (``/cgi/user/*``, parameters at the
top level of the body) and CRM roles (``/cgi/crm/v2/special/*``, parameters under ``data``).

Where the public sources do not give a request shape (department and user status, role add/update/
delete), the sandbox uses the shape documented in docs/sandbox.md and marks it inferred there. The root
department (999999, 全公司) has no parent; the platform reports its parent as 0, and a ``parentId`` of 0
names the root. Every change is mirrored into the PersonnelObj and DepartmentObj views
(``mktctl.sandbox.views``).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox import views
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.crm import Handler
from mktctl.sandbox.limits import MAX_IDS, bounded
from mktctl.sandbox.store import WHOLE_COMPANY_DEPARTMENT, dumps

STOPPED = 2  # setStatus: 1 = in use, 2 = stopped
ROOT_PARENT = 0  # the platform's parent id of the root department
MAX_PAGE_SIZE = 1000  # batchByUpdTime pageSize (default 20)
_USER_FIELDS = ("account", "name", "fullName", "nickName", "position", "gender", "mobile", "email",
                "mainDepartmentId", "attachingDepartmentIds", "employeeNumber", "hireDate", "birthDate",
                "startWorkDate", "leaderId")


# ---- departments -----------------------------------------------------------------------------------


def _department(row: sqlite3.Row) -> dict[str, Any]:
    parent = row["parent_id"] if row["parent_id"] is not None else ROOT_PARENT
    return {"id": row["id"], "name": row["name"], "parentId": parent,
            "isStop": bool(row["is_stop"]), "order": row["ord"], "principalId": row["principal_id"]}


def _dept_row(db: sqlite3.Connection, ctx: CallContext, dept_id: Any) -> sqlite3.Row:
    try:
        ident = int(dept_id)
    except (TypeError, ValueError, OverflowError):
        raise p.SandboxError(11009, "the parameter departmentId is illegal", "部门ID不合法") from None
    row = db.execute("SELECT * FROM departments WHERE corp_id = ? AND id = ?",
                     (ctx.corp_id, ident)).fetchone()
    if row is None:
        raise p.SandboxError(p.DEPARTMENT_NOT_FOUND, f"department {dept_id} not found")
    return row  # type: ignore[no-any-return]


def department_list(ctx: CallContext) -> dict[str, Any]:
    with ctx.store.reading() as db:
        rows = db.execute("SELECT * FROM departments WHERE corp_id = ? ORDER BY id",
                          (ctx.corp_id,)).fetchall()
    return {"departments": [_department(r) for r in rows]}


def department_detail(ctx: CallContext) -> dict[str, Any]:
    with ctx.store.reading() as db:
        row = _dept_row(db, ctx, ctx.body.get("departmentId"))
        ancestors, parent = [], row["parent_id"]
        while parent is not None:
            ancestors.append(parent)
            parent = _dept_row(db, ctx, parent)["parent_id"]
    dept = _department(row)
    return {"department": {"departmentId": dept["id"], "parentDepartmentId": dept["parentId"],
                           "name": dept["name"], "isStop": dept["isStop"], "principalId": dept["principalId"],
                           "ancestors": ancestors, "status": STOPPED if dept["isStop"] else 1}}


def _parent(value: Any) -> Any:
    """A ``parentId`` as a department id: 0 (the root's parent, as the platform reports it) is the root."""
    return WHOLE_COMPANY_DEPARTMENT if value in (ROOT_PARENT, str(ROOT_PARENT)) else value


def department_add(ctx: CallContext) -> dict[str, Any]:
    spec = ctx.body.get("department")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"].strip():
        raise p.SandboxError(p.PARAMETER_ERROR, "department.name is required")
    parent = _parent(spec.get("parentId", WHOLE_COMPANY_DEPARTMENT))
    with ctx.store.transaction() as db:
        parent_row = _dept_row(db, ctx, parent)
        clash = db.execute("SELECT 1 FROM departments WHERE corp_id = ? AND parent_id = ? AND name = ? AND "
                           "is_stop = 0", (ctx.corp_id, parent_row["id"], spec["name"])).fetchone()
        if clash:
            raise p.SandboxError(p.PARAMETER_ERROR, f"a department named {spec['name']} already exists there",
                                 "同级部门名称重复")
        dept_id = ctx.store.next_value(db, ctx.corp_id, "department", 1000)
        order = ctx.store.next_value(db, ctx.corp_id, f"order:{parent_row['id']}", 0)
        db.execute("INSERT INTO departments VALUES (?, ?, ?, ?, 0, ?, ?)",
                   (ctx.corp_id, dept_id, spec["name"], parent_row["id"], order,
                    spec.get("principalOpenUserId")))
        views.sync_department(db, ctx.corp_id, dept_id, ctx.store.now_ms())
    return {"departmentId": dept_id, "order": order}


def department_update(ctx: CallContext) -> dict[str, Any]:
    spec = ctx.body.get("department")
    if not isinstance(spec, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "department is required")
    if "name" in spec and (not isinstance(spec["name"], str) or not spec["name"].strip()):
        raise p.SandboxError(p.PARAMETER_ERROR, "department.name must be a non-empty text")
    if "order" in spec and (not isinstance(spec["order"], int) or isinstance(spec["order"], bool)):
        raise p.SandboxError(p.PARAMETER_ERROR, "department.order must be a whole number")
    with ctx.store.transaction() as db:
        row = _dept_row(db, ctx, spec.get("id"))
        root = row["id"] == WHOLE_COMPANY_DEPARTMENT
        if root and "parentId" in spec and spec["parentId"] not in (ROOT_PARENT, str(ROOT_PARENT)):
            raise p.SandboxError(p.PARAMETER_ERROR, "the whole-company department has no parent")
        parent = row["parent_id"]
        if "parentId" in spec and not root:
            parent = _dept_row(db, ctx, _parent(spec["parentId"]))["id"]
            walk = parent
            while walk is not None:  # refuse a move below itself
                if walk == row["id"]:
                    raise p.SandboxError(p.PARAMETER_ERROR, "a department cannot move below itself")
                walk = _dept_row(db, ctx, walk)["parent_id"]
        db.execute(
            "UPDATE departments SET name = ?, parent_id = ?, ord = ?, principal_id = ?"
            " WHERE corp_id = ? AND id = ?",
            (spec.get("name", row["name"]), parent, spec.get("order", row["ord"]),
             spec.get("principalOpenUserId", row["principal_id"]), ctx.corp_id, row["id"]),
        )
        views.sync_department(db, ctx.corp_id, row["id"], ctx.store.now_ms())
    return {}


def department_set_status(ctx: CallContext) -> dict[str, Any]:
    status = ctx.body.get("status")
    if status not in (1, 2, "1", "2"):
        raise p.SandboxError(p.PARAMETER_ERROR, "status must be 1 (in use) or 2 (stopped)")
    with ctx.store.transaction() as db:
        row = _dept_row(db, ctx, ctx.body.get("departmentId"))
        stop = int(status) == STOPPED
        if stop:
            if row["id"] == WHOLE_COMPANY_DEPARTMENT:
                raise p.SandboxError(p.PARAMETER_ERROR, "the whole-company department cannot be stopped")
            child = db.execute("SELECT 1 FROM departments WHERE corp_id = ? AND parent_id = ?"
                               " AND is_stop = 0", (ctx.corp_id, row["id"])).fetchone()
            if child:
                raise p.SandboxError(p.PARAMETER_ERROR, "stop the sub-departments first", "请先停用子部门")
            for user in _users(db, ctx):
                if not user["isStop"] and row["id"] in _member_of(user):
                    raise p.SandboxError(p.PARAMETER_ERROR, "the department still has active employees",
                                         "部门下还有在职员工")
        db.execute("UPDATE departments SET is_stop = ? WHERE corp_id = ? AND id = ?",
                   (int(stop), ctx.corp_id, row["id"]))
        views.sync_department(db, ctx.corp_id, row["id"], ctx.store.now_ms())
    return {}


# ---- users -----------------------------------------------------------------------------------------


def _users(db: sqlite3.Connection, ctx: CallContext) -> list[dict[str, Any]]:
    rows = db.execute("SELECT * FROM users WHERE corp_id = ? ORDER BY employee_id", (ctx.corp_id,)).fetchall()
    return [_user(r) for r in rows]


def _user(row: sqlite3.Row) -> dict[str, Any]:
    data = json.loads(row["data"])
    data["openUserId"] = row["open_user_id"]
    data["employeeId"] = str(row["employee_id"])
    data["departmentIds"] = _member_of(data)
    data.setdefault("isStop", False)
    return data  # type: ignore[no-any-return]


def _member_of(user: dict[str, Any]) -> list[int]:
    main = user.get("mainDepartmentId")
    ids = [main] if main is not None else []
    ids += [d for d in user.get("attachingDepartmentIds") or [] if d not in ids]
    return ids


def _user_row(db: sqlite3.Connection, ctx: CallContext, open_user_id: Any) -> sqlite3.Row:
    row = db.execute("SELECT * FROM users WHERE corp_id = ? AND open_user_id = ?",
                     (ctx.corp_id, open_user_id)).fetchone()
    if row is None:
        raise p.SandboxError(p.EMPLOYEE_NOT_FOUND, f"employee {open_user_id} not found")
    return row  # type: ignore[no-any-return]


def _check_user(db: sqlite3.Connection, ctx: CallContext, user: dict[str, Any], self_id: str | None) -> None:
    attaching = user.get("attachingDepartmentIds") or []
    if not isinstance(attaching, list):
        raise p.SandboxError(p.PARAMETER_ERROR, "user.attachingDepartmentIds must be a list of department ids")
    if user.get("leaderId") is not None and not isinstance(user["leaderId"], str):
        raise p.SandboxError(p.PARAMETER_ERROR, "user.leaderId must be an openUserId")
    for dept in [user.get("mainDepartmentId"), *attaching]:
        if dept is not None:
            _dept_row(db, ctx, dept)
    if user.get("leaderId"):
        _user_row(db, ctx, user["leaderId"])
    mobile = user.get("mobile")
    if mobile:
        for other in _users(db, ctx):
            if other["openUserId"] != self_id and other.get("mobile") == mobile and not other["isStop"]:
                raise p.SandboxError(p.PARAMETER_ERROR, "the mobile number is used by another employee",
                                     "手机号已被其他员工使用")


def user_add(ctx: CallContext) -> dict[str, Any]:
    spec = ctx.body.get("user")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"].strip():
        raise p.SandboxError(p.PARAMETER_ERROR, "user.name is required")
    user = {k: spec[k] for k in _USER_FIELDS if k in spec}
    user.setdefault("mainDepartmentId", WHOLE_COMPANY_DEPARTMENT)
    user["isStop"] = False
    user["createTime"] = user["updateTime"] = ctx.store.now_ms()
    open_user_id = "FSUID_" + secrets.token_hex(16).upper()
    with ctx.store.transaction() as db:
        _check_user(db, ctx, user, None)
        employee_id = ctx.store.next_value(db, ctx.corp_id, "employee", 1000)
        db.execute("INSERT INTO users VALUES (?, ?, ?, ?)",
                   (ctx.corp_id, open_user_id, employee_id, dumps(user)))
        views.sync_user(db, ctx.corp_id, open_user_id)
    return {"openUserId": open_user_id}


def user_update(ctx: CallContext) -> dict[str, Any]:
    spec = ctx.body.get("user")
    if not isinstance(spec, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "user is required")
    with ctx.store.transaction() as db:
        row = _user_row(db, ctx, spec.get("openUserId"))
        user = json.loads(row["data"])
        user.update({k: spec[k] for k in _USER_FIELDS if k in spec})
        user["updateTime"] = ctx.store.now_ms()
        _check_user(db, ctx, user, row["open_user_id"])
        db.execute("UPDATE users SET data = ? WHERE corp_id = ? AND open_user_id = ?",
                   (dumps(user), ctx.corp_id, row["open_user_id"]))
        views.sync_user(db, ctx.corp_id, row["open_user_id"])
    return {}


def user_get(ctx: CallContext) -> dict[str, Any]:
    with ctx.store.reading() as db:
        return _user(_user_row(db, ctx, ctx.body.get("openUserId")))


def user_list(ctx: CallContext) -> dict[str, Any]:
    dept = ctx.body.get("departmentId", WHOLE_COMPANY_DEPARTMENT)
    fetch_child = bool(ctx.body.get("fetchChild", False))
    with ctx.store.reading() as db:
        root = _dept_row(db, ctx, dept)["id"]
        wanted = {root}
        if fetch_child or root == WHOLE_COMPANY_DEPARTMENT:
            rows = db.execute("SELECT id, parent_id FROM departments WHERE corp_id = ?",
                              (ctx.corp_id,)).fetchall()
            children: dict[int, list[int]] = {}
            for r in rows:
                children.setdefault(r["parent_id"], []).append(r["id"])
            stack = [root]
            while stack:
                for child in children.get(stack.pop(), []):
                    wanted.add(child)
                    stack.append(child)
        users = [u for u in _users(db, ctx) if wanted & set(_member_of(u))]
    return {"userList": users}


def user_simple_list(ctx: CallContext) -> dict[str, Any]:
    users = user_list(ctx)["userList"]
    return {"userList": [{"openUserId": u["openUserId"], "name": u["name"], "nickName": u.get("nickName")}
                         for u in users]}


def _employee(user: dict[str, Any]) -> dict[str, Any]:
    """The full employee record: the user's fields with ``status`` (1 in use, 2 stopped), the main
    department as a list (``mainDepartmentIds``), and no internal bookkeeping."""
    record = {k: v for k, v in user.items() if k not in ("updateTime",) and v is not None}
    main = user.get("mainDepartmentId")
    record["mainDepartmentIds"] = [main] if main is not None else []
    record["status"] = STOPPED if user["isStop"] else 1
    return record


def user_get_by_mobile(ctx: CallContext) -> dict[str, Any]:
    mobile = ctx.body.get("mobile")
    if not mobile:
        raise p.SandboxError(p.PARAMETER_ERROR, "mobile is required")
    with ctx.store.reading() as db:
        found = [u for u in _users(db, ctx) if u.get("mobile") == mobile]
    return {"empList": [_employee(u) for u in found]}


def _page_number(value: Any, name: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise p.SandboxError(p.PARAMETER_ERROR, f"{name} must be a positive whole number")
    return int(value)


def user_batch_by_update_time(ctx: CallContext) -> dict[str, Any]:
    """Employees changed within [startTime, endTime] (epoch ms, both optional), oldest change first,
    paged by ``pageNumber`` (from 1) and ``pageSize`` (default 20, at most 1000)."""
    size = _page_number(ctx.body.get("pageSize"), "pageSize", 20)
    number = _page_number(ctx.body.get("pageNumber"), "pageNumber", 1)
    if not 1 <= size <= MAX_PAGE_SIZE or number < 1:
        raise p.SandboxError(p.PARAMETER_ERROR, f"pageSize is 1 to {MAX_PAGE_SIZE} and pageNumber starts at 1")
    start = _page_number(ctx.body.get("startTime"), "startTime", 0)
    end = _page_number(ctx.body.get("endTime"), "endTime", 2**63 - 1)
    with ctx.store.reading() as db:
        changed = [u for u in _users(db, ctx)
                   if start <= int(u.get("updateTime") or u.get("createTime") or 0) <= end]
    changed.sort(key=lambda u: (int(u.get("updateTime") or u.get("createTime") or 0), int(u["employeeId"])))
    last = max((int(u.get("updateTime") or u.get("createTime") or 0) for u in changed), default=0)
    page = changed[(number - 1) * size:number * size]
    return {"pageNumber": number, "pageSize": size, "totalCount": len(changed),
            "pageCount": (len(changed) + size - 1) // size, "lastChangedTime": last,
            "employees": [_employee(u) for u in page]}


def user_set_status(ctx: CallContext) -> dict[str, Any]:
    status = ctx.body.get("status")
    if status not in (1, 2, "1", "2"):
        raise p.SandboxError(p.PARAMETER_ERROR, "status must be 1 (in use) or 2 (stopped)")
    with ctx.store.transaction() as db:
        row = _user_row(db, ctx, ctx.body.get("openUserId"))
        if row["open_user_id"] == ctx.corp.admin_open_user_id:
            raise p.SandboxError(p.PARAMETER_ERROR, "the system administrator cannot be stopped")
        user = json.loads(row["data"])
        user["isStop"] = int(status) == STOPPED
        user["updateTime"] = ctx.store.now_ms()
        db.execute("UPDATE users SET data = ? WHERE corp_id = ? AND open_user_id = ?",
                   (dumps(user), ctx.corp_id, row["open_user_id"]))
        views.sync_user(db, ctx.corp_id, row["open_user_id"])
    return {}


# ---- roles -----------------------------------------------------------------------------------------


def role_list(ctx: CallContext) -> dict[str, Any]:
    with ctx.store.reading() as db:
        rows = db.execute("SELECT * FROM roles WHERE corp_id = ? ORDER BY role_code",
                          (ctx.corp_id,)).fetchall()
    return {"data": [{"roleCode": r["role_code"], "roleName": r["role_name"], "groupName": "CRM角色",
                      "roleType": r["role_type"], "appId": "CRM", "description": r["description"],
                      "delFlag": False} for r in rows]}


def _role_row(db: sqlite3.Connection, ctx: CallContext, role_code: Any) -> sqlite3.Row:
    row = db.execute("SELECT * FROM roles WHERE corp_id = ? AND role_code = ?",
                     (ctx.corp_id, role_code)).fetchone()
    if row is None:
        raise p.SandboxError(p.PARAMETER_ERROR, f"role {role_code} not found", "角色不存在")
    return row  # type: ignore[no-any-return]


def role_add(ctx: CallContext) -> dict[str, Any]:
    name = ctx.data.get("roleName")
    if not isinstance(name, str) or not name.strip():
        raise p.SandboxError(p.PARAMETER_ERROR, "data.roleName is required")
    with ctx.store.transaction() as db:
        if db.execute("SELECT 1 FROM roles WHERE corp_id = ? AND role_name = ?",
                      (ctx.corp_id, name)).fetchone():
            raise p.SandboxError(p.PARAMETER_ERROR, f"a role named {name} already exists", "角色名称重复")
        code = f"{ctx.store.next_value(db, ctx.corp_id, 'role', 100):032d}"
        db.execute("INSERT INTO roles VALUES (?, ?, ?, ?, 2)",
                   (ctx.corp_id, code, name, str(ctx.data.get("description") or "")))
    return {"data": {"roleCode": code}}


def role_update(ctx: CallContext) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        row = _role_row(db, ctx, ctx.data.get("roleCode"))
        if row["role_type"] == 1:
            raise p.SandboxError(p.PARAMETER_ERROR, "a preset role cannot be changed", "预置角色不能修改")
        db.execute("UPDATE roles SET role_name = ?, description = ? WHERE corp_id = ? AND role_code = ?",
                   (ctx.data.get("roleName", row["role_name"]),
                    ctx.data.get("description", row["description"]), ctx.corp_id, row["role_code"]))
    return {}


def role_delete(ctx: CallContext) -> dict[str, Any]:
    with ctx.store.transaction() as db:
        row = _role_row(db, ctx, ctx.data.get("roleCode"))
        if row["role_type"] == 1:
            raise p.SandboxError(p.PARAMETER_ERROR, "a preset role cannot be deleted", "预置角色不能删除")
        db.execute("DELETE FROM user_roles WHERE corp_id = ? AND role_code = ?",
                   (ctx.corp_id, row["role_code"]))
        db.execute("DELETE FROM roles WHERE corp_id = ? AND role_code = ?", (ctx.corp_id, row["role_code"]))
    return {}


def _string_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise p.SandboxError(p.PARAMETER_ERROR, f"data.{name} must be a list of strings")
    return bounded(value, f"data.{name}", MAX_IDS)


def batch_add_user_role(ctx: CallContext) -> dict[str, Any]:
    users = _string_list(ctx.data.get("userIds"), "userIds")
    codes = _string_list(ctx.data.get("roleCodes"), "roleCodes")
    major = ctx.data.get("majorRole")
    with ctx.store.transaction() as db:
        for code in codes:
            _role_row(db, ctx, code)
        for user in users:
            _user_row(db, ctx, user)
            for code in codes:
                db.execute("INSERT OR IGNORE INTO user_roles VALUES (?, ?, ?, 0)", (ctx.corp_id, user, code))
            if ctx.data.get("updateMajorRole") and major:
                db.execute("UPDATE user_roles SET major = (role_code = ?)"
                           " WHERE corp_id = ? AND open_user_id = ?", (major, ctx.corp_id, user))
    return {}


def delete_by_user_ids(ctx: CallContext) -> dict[str, Any]:
    users = _string_list(ctx.data.get("userIds"), "userIds")
    with ctx.store.transaction() as db:
        code = _role_row(db, ctx, ctx.data.get("roleCode"))["role_code"]
        db.executemany("DELETE FROM user_roles WHERE corp_id = ? AND open_user_id = ? AND role_code = ?",
                       [(ctx.corp_id, u, code) for u in users])
    return {}


def get_roles_by_users(ctx: CallContext) -> dict[str, Any]:
    users = _string_list(ctx.data.get("userIds"), "userIds")
    marks = ", ".join("?" * len(users))
    with ctx.store.reading() as db:
        rows = db.execute(
            f"SELECT * FROM user_roles WHERE corp_id = ? AND open_user_id IN ({marks})"
            " ORDER BY open_user_id, role_code", (ctx.corp_id, *users)).fetchall() if users else []
    return {"data": [{"appId": "CRM", "userId": r["open_user_id"], "roleCode": r["role_code"],
                      "majorRole": bool(r["major"])} for r in rows]}


HANDLERS: dict[str, Handler] = {
    "/cgi/department/list": department_list,
    "/cgi/department/detail": department_detail,
    "/cgi/department/add": department_add,
    "/cgi/department/update": department_update,
    "/cgi/department/setStatus": department_set_status,
    "/cgi/user/add": user_add,
    "/cgi/user/update": user_update,
    "/cgi/user/get": user_get,
    "/cgi/user/list": user_list,
    "/cgi/user/simpleList": user_simple_list,
    "/cgi/user/getByMobile": user_get_by_mobile,
    "/cgi/user/get/batchByUpdTime": user_batch_by_update_time,
    "/cgi/user/setStatus": user_set_status,
    "/cgi/crm/v2/special/roleGetRoleList": role_list,
    "/cgi/crm/v2/special/roleAdd": role_add,
    "/cgi/crm/v2/special/roleUpdate": role_update,
    "/cgi/crm/v2/special/roleDelete": role_delete,
    "/cgi/crm/v2/special/batchAddUserRole": batch_add_user_role,
    "/cgi/crm/v2/special/deleteByUserIds": delete_by_user_ids,
    "/cgi/crm/v2/special/getRolesByUsers": get_roles_by_users,
}
