"""The audit log: one JSONL line for every change made to a tenant, whichever command made it.

Who (the local user and the acting open user id), when, what (the interface, the object and record ids:
never field values or personal data) and the platform's trace id, to look the call up with FxiaoKe support.
Reads are not logged. Lines are appended and fsync'd; the file is readable by its owner only.
"""

from __future__ import annotations

import threading
from pathlib import Path

from mktctl.secrets import redacted_json
from mktctl.tenant.client import CallRecord

AUDIT_FILE = "audit.jsonl"
_WRITES = ("/create", "/update", "/invalid", "/delete", "/recover", "/changeOwner", "/add", "/setStatus",
           "/roleAdd", "/roleUpdate", "/roleDelete", "/batchAddUserRole", "/deleteByUserIds", "/upsert")


def is_write(path: str) -> bool:
    return path.endswith(_WRITES)


class AuditLog:
    def __init__(self, path: Path, *, tenant: str, acting_user: str) -> None:
        from mktctl.base.clock import who

        self.path = path
        self.tenant = tenant
        self.acting_user = acting_user
        self.who = who()
        self._lock = threading.Lock()

    def __call__(self, record: CallRecord) -> None:
        if record.error_code != 0 or not is_write(record.path):
            return
        from mktctl.base.clock import now_iso
        from mktctl.base.files import append_synced, make_folders

        line = {"at": now_iso(), "who": self.who, "acting_user": self.acting_user, "tenant": self.tenant,
                "call": record.path, "target": record.target, "trace": record.trace_id,
                "ms": round(record.seconds * 1000, 1)}
        text = redacted_json(line, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            make_folders(self.path.parent)
            append_synced(self.path, text)
