"""Every change made to a tenant is in the audit log: who, when, what, the trace id; no values."""

from __future__ import annotations

import json
import stat

from tests.engine.helpers import apply, write


def test_apply_writes_one_audit_line_per_change_without_personal_data(tmp_path) -> None:
    apply(write(tmp_path))

    log = tmp_path / ".mktctl" / "audit.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]

    calls = [line["call"] for line in lines]
    assert calls.count("/cgi/department/add") == 3
    assert calls.count("/cgi/user/add") == 2
    assert all(line["trace"] and line["who"] and line["at"] and line["acting_user"] for line in lines)
    assert not any(call.endswith(("/list", "/query", "/get")) for call in calls)  # reads are not logged
    text = log.read_text(encoding="utf-8")
    for personal in ("13900001111", "zhangsan@example.cn", "张三"):
        assert personal not in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_the_embedded_sandbox_data_is_readable_by_its_owner_only(tmp_path) -> None:
    apply(write(tmp_path))

    for name in ("sandbox.db", "journal.jsonl", "audit.jsonl"):
        assert stat.S_IMODE((tmp_path / ".mktctl" / name).stat().st_mode) == 0o600, name
