"""PersonnelObj and DepartmentObj: the address book as CRM objects, the way the platform offers it.

The platform documents employees and departments twice: the address-book calls (``/cgi/user/*``,
``/cgi/department/*``) and the preset objects ``PersonnelObj`` and ``DepartmentObj`` read through the
generic object calls (shared/reference §6, SK-org). The sandbox keeps the address book as the truth and
mirrors every employee and department into a read-only record of those objects whenever it changes, so
``data/query`` filters, orders and pages them like any object.

Record ids are the employee id (``"1000"``) and the department id (``"999999"``), as text.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

PERSONNEL = "PersonnelObj"
DEPARTMENT = "DepartmentObj"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _upsert(db: sqlite3.Connection, corp_id: str, api_name: str, record_id: str, data: dict[str, Any],
            created: int, modified: int) -> None:
    clean = {k: v for k, v in data.items() if v not in (None, "", [])}
    db.execute(
        "INSERT INTO records (corp_id, api_name, id, data, life_status, create_time, last_modified_time)"
        " VALUES (?, ?, ?, ?, 'normal', ?, ?) ON CONFLICT (corp_id, api_name, id) DO UPDATE SET"
        " data = excluded.data, last_modified_time = excluded.last_modified_time",
        (corp_id, api_name, record_id, _dumps(clean), created, modified),
    )


def sync_user(db: sqlite3.Connection, corp_id: str, open_user_id: str) -> None:
    """Write the PersonnelObj record of one employee from the address book."""
    row = db.execute("SELECT * FROM users WHERE corp_id = ? AND open_user_id = ?",
                     (corp_id, open_user_id)).fetchone()
    if row is None:
        return
    user = json.loads(row["data"])
    main = user.get("mainDepartmentId")
    vice = [str(d) for d in user.get("attachingDepartmentIds") or [] if d != main]
    created = int(user.get("createTime") or 0)
    data = {
        "name": user.get("name"), "full_name": user.get("fullName") or user.get("name"),
        "phone": user.get("mobile"), "email": user.get("email"), "position": user.get("position"),
        "status": "1" if user.get("isStop") else "0", "user_id": str(row["employee_id"]),
        "main_department": [str(main)] if main is not None else [], "vice_departments": vice,
        "leader": [user["leaderId"]] if user.get("leaderId") else [], "sex": user.get("gender"),
        "owner": [open_user_id], "created_by": [open_user_id], "record_type": "default__c",
    }
    _upsert(db, corp_id, PERSONNEL, str(row["employee_id"]), data, created,
            int(user.get("updateTime") or created))


def sync_department(db: sqlite3.Connection, corp_id: str, department_id: int, now: int) -> None:
    """Write the DepartmentObj record of one department from the address book."""
    row = db.execute("SELECT * FROM departments WHERE corp_id = ? AND id = ?", (corp_id, department_id)).fetchone()
    if row is None:
        return
    data = {
        "name": row["name"], "parent_id": [str(row["parent_id"])] if row["parent_id"] is not None else [],
        "status": "1" if row["is_stop"] else "0", "order": str(row["ord"]),
        "manager_id": [row["principal_id"]] if row["principal_id"] else [], "record_type": "default__c",
    }
    _upsert(db, corp_id, DEPARTMENT, str(row["id"]), data, now, now)


def rebuild(db: sqlite3.Connection, corp_id: str, now: int) -> None:
    """Write every employee's and department's record (a new corp, or a file of an older sandbox)."""
    for (open_user_id,) in db.execute("SELECT open_user_id FROM users WHERE corp_id = ?", (corp_id,)).fetchall():
        sync_user(db, corp_id, open_user_id)
    for (department_id,) in db.execute("SELECT id FROM departments WHERE corp_id = ?", (corp_id,)).fetchall():
        sync_department(db, corp_id, department_id, now)
