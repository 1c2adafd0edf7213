"""Where a sandbox is served: a small JSON file beside its data file while ``mktctl sandbox serve`` runs.

``sandbox.db`` served at ``http://127.0.0.1:8765`` by process 4242 leaves ``sandbox.db.served.json``::

    {"url": "http://127.0.0.1:8765", "pid": 4242, "data": "/work/acme/.mktctl/sandbox.db", "startedAt": 1757...}

The server removes it when it stops. A record whose process is gone (the server was killed) is stale and
read as no record, so ``mktctl sandbox credentials --output env`` finds the URL of a running server and
falls back to the default otherwise.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from mktctl.base.files import write_atomic

SUFFIX = ".served.json"


@dataclass(frozen=True)
class ServedRecord:
    url: str
    pid: int
    data: str
    started_at: int


def record_path(data: Path | str) -> Path:
    where = Path(data)
    return where.with_name(where.name + SUFFIX)


def write_record(data: Path | str, url: str, pid: int | None = None) -> Path:
    path = record_path(data)
    record = {"url": url, "pid": pid if pid is not None else os.getpid(), "data": str(Path(data).resolve()),
              "startedAt": int(time.time() * 1000)}
    write_atomic(path, json.dumps(record, ensure_ascii=False) + "\n", mode=0o600)
    return path


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def read_record(data: Path | str) -> ServedRecord | None:
    """The record of a server running on ``data``; None when there is none, it is unreadable, or its
    process is gone."""
    try:
        raw = json.loads(record_path(data).read_text(encoding="utf-8"))
        record = ServedRecord(url=str(raw["url"]), pid=int(raw["pid"]), data=str(raw.get("data", "")),
                              started_at=int(raw.get("startedAt", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if _alive(record.pid) else None


def remove_record(data: Path | str, pid: int | None = None) -> None:
    """Remove the record if it is this process's (another server may have taken the file over)."""
    path = record_path(data)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(raw, dict) and raw.get("pid") == (pid if pid is not None else os.getpid()):
        path.unlink(missing_ok=True)
