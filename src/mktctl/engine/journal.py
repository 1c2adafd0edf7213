"""The journal: an append-only JSONL record of every step of every apply, fsync'd line by line.

It doubles as the audit log of changes made to a tenant (who, when, what, the platform's trace id) and
lets the next run finish what a killed run started: a create that reached the tenant but not the ledger
is recognised as mktctl's own. It holds addresses and field names, never values.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mktctl.base.clock import now_iso
from mktctl.base.files import append_synced, make_folders
from mktctl.secrets import redacted_json

JOURNAL_FILE = "journal.jsonl"


class Journal:
    def __init__(self, state_dir: Path, *, command: str) -> None:
        self.path = state_dir / JOURNAL_FILE
        self.run = now_iso().replace(":", "")[:17] + "-" + secrets.token_hex(3)
        self.command = command
        self._lock = threading.Lock()
        make_folders(state_dir)

    def write(self, event: str, **fields: Any) -> None:
        record = {"at": now_iso(), "run": self.run, "event": event, **fields}
        line = redacted_json(record, ensure_ascii=False, sort_keys=True, default=str) + "\n"
        with self._lock:
            append_synced(self.path, line)


def read(state_dir: Path) -> Iterator[dict[str, Any]]:
    path = state_dir / JOURNAL_FILE
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:  # a line cut short by a kill: everything before it stands
                continue


def unfinished_creates(state_dir: Path, fingerprint: str) -> set[tuple[str, str, str]]:
    """(kind, key, part) of creates that started but never finished, on this tenant: their result may
    exist on the tenant without the ledger knowing, and is then mktctl's own."""
    started: set[tuple[str, str, str]] = set()
    for record in read(state_dir):
        if record.get("tenant") != fingerprint or record.get("op") != "create":
            continue
        address = (str(record.get("kind")), str(record.get("key")), str(record.get("part")))
        if record.get("event") == "start":
            started.add(address)
        elif record.get("event") in ("done", "failed"):
            started.discard(address)
    return started
