"""The import journal: an append-only JSON-lines file in the out folder, fsynced after every batch.

Each accepted person has an external key, a hash of their normalised mobile and email, so the journal
still applies when rows move in the file. Lines::

    {"t": "run", "tenant": "<fingerprint>", "at": "...", "file": "...", "options": {...}}
    {"t": "start", "k": "<key>", "op": "create", "row": 17}
    {"t": "done", "k": "<key>", "outcome": "created", "id": "<record id>"}
    {"t": "failed", "k": "<key>", "error": "..."}

A ``start`` is written and synced before its call is made, so after a crash every key is either done,
failed, or started with an unknown result; the importer then looks the person up on the tenant by
mobile and email before it creates anything, and a started create that is found there is recorded as
created. A journal of another tenant is set aside (renamed) instead of being reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from mktctl.leads.private import FILE_MODE, private_file
from mktctl.secrets import redacted_json
from mktctl.secrets import redacted_json_string as _string

JOURNAL = "journal.jsonl"


def person_key(mobile: str, email: str, *, tel: str = "", name: str = "", company: str = "") -> str:
    """The external id of a person: stable across runs and row order. A person is their mobile and email;
    one with neither (a landline only: not an identity, so never merged with another row) is their
    landline, name and company, so that two such people never share a key."""
    if not mobile and not email:
        return hashlib.sha256(f"t:{tel}|n:{name}|c:{company}".encode()).hexdigest()[:24]
    return hashlib.sha256(f"m:{mobile}|e:{email}".encode()).hexdigest()[:24]


@dataclass
class Entry:
    state: str  # start, done, failed
    op: str = ""
    outcome: str = ""
    record_id: str = ""
    error: str = ""


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Entry] = {}
        self._handle: TextIO | None = None

    @classmethod
    def open(cls, out_dir: Path, tenant: str, header: dict[str, Any]) -> Journal:
        path = out_dir / JOURNAL
        journal = cls(path)
        if path.exists():
            previous = journal._load()
            if previous is not None and previous != tenant:
                stamp = time.strftime("%Y%m%d-%H%M%S")
                path.replace(out_dir / f"journal-{stamp}.other-tenant.jsonl")
                journal.entries = {}
        if not path.exists():
            private_file(path)
        path.chmod(FILE_MODE)
        journal._handle = path.open("a", encoding="utf-8")
        journal._append({"t": "run", "tenant": tenant, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **header})
        journal.sync()
        return journal

    def _load(self) -> str | None:
        tenant = None
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by a crash: the call it announced is looked up on the tenant
                kind = item.get("t")
                if kind == "run":
                    tenant = item.get("tenant")
                elif kind == "start":
                    self.entries[item["k"]] = Entry("start", op=item.get("op", ""))
                elif kind == "done":
                    self.entries[item["k"]] = Entry("done", outcome=item.get("outcome", ""),
                                                    record_id=item.get("id", ""))
                elif kind == "failed":
                    self.entries[item["k"]] = Entry("failed", error=item.get("error", ""))
        return tenant

    def _append(self, item: dict[str, Any]) -> None:
        self._write(redacted_json(item, ensure_ascii=False, separators=(",", ":")) + "\n")

    def _write(self, line: str) -> None:
        assert self._handle is not None
        self._handle.write(line)

    # start and done lines are written once per row and per call: built around their values, each value
    # redacted and encoded as redacted_json would (the fixed keys hold nothing to redact)

    def started(self, key: str, op: str, row: int) -> None:
        self._write(f'{{"t":"start","k":{_string(key)},"op":{_string(op)},"row":{int(row)}}}\n')
        self.entries[key] = Entry("start", op=op)

    def done(self, key: str, outcome: str, record_id: str) -> None:
        self._write(f'{{"t":"done","k":{_string(key)},"outcome":{_string(outcome)},"id":{_string(record_id)}}}\n')
        self.entries[key] = Entry("done", outcome=outcome, record_id=record_id)

    def failed(self, key: str, error: str) -> None:
        self._append({"t": "failed", "k": key, "error": error})
        self.entries[key] = Entry("failed", error=error)

    def sync(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self.sync()
            self._handle.close()
            self._handle = None
