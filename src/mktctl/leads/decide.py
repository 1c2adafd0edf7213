"""What each matched row of an import needs: a create, an update, or nothing.

``decide_chunk`` turns a chunk of rows, with the leads found for them (:mod:`mktctl.leads.match`), into the
writes to make (:class:`~mktctl.leads.writes.WriteTask`); the rows that need no write (found and unchanged,
found several times, created before a crash) are settled there and journalled. :class:`Settled` keeps every
attempted row's outcome, record id and error beside the journal, and records each write's result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from mktctl.leads.journal import Journal
from mktctl.leads.match import Existing
from mktctl.leads.writes import STOPPING, WriteTask, Written

OnExisting = Literal["skip", "fill-empty", "overwrite"]


@dataclass
class Settled:
    """Every attempted row's outcome, record id and error, kept with the journal."""

    rows: Any
    outcome: Any
    record_id: Any
    error: Any
    journal: Journal
    position: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.position = {int(r): i for i, r in enumerate(self.rows)}

    def settle(self, i: int, key: str, outcome: str, record_id: str) -> None:
        self.outcome[i], self.record_id[i], self.error[i] = outcome, record_id, ""
        self.journal.done(key, outcome, record_id)

    def fail(self, i: int, key: str, error: str) -> None:
        self.outcome[i], self.error[i] = "failed", error
        self.journal.failed(key, error)

    def finish(self, written: Written) -> str | None:
        """Record a write's result; say why the import must stop, if it must."""
        task, i = written.task, self.position[written.task.row]
        if written.failure is None:
            self.settle(i, task.key, written.outcome, written.record_id)
            return None
        self.outcome[i], self.record_id[i], self.error[i] = "failed", task.record_id, str(written.failure)
        stopping = isinstance(written.failure, STOPPING)
        if not (stopping and task.op == "create"):
            # a create cut short may have reached the tenant: its start line stays, so that the next run
            # looks the person up before creating them
            self.journal.failed(task.key, str(written.failure))
        return str(written.failure) if stopping else None


def decide_chunk(chunk: list[int], keys: list[str], rows: Any, lookups: list[tuple[str, str, str, str]],
                 columns: list[str], matrix: Any, existing: Existing, journal: Journal, on_existing: OnExisting,
                 settled: Settled, lookup: Callable[[tuple[str, str, str, str]], str | None]) -> list[WriteTask]:
    """The writes a matched chunk needs; the rows that need none are settled (and journalled) here."""
    tasks: list[WriteTask] = []
    for i in chunk:
        record = {c: v for c, v in zip(columns, matrix[i], strict=True) if v != ""}
        specify = "create_time" in record
        if specify:
            record["create_time"] = int(record["create_time"])
        mobile, email = lookups[i][0], lookups[i][1]
        found = sorted(existing.ids_for([mobile, email]))
        entry = journal.entries.get(keys[i])
        if not found and not mobile and not email and entry is not None and entry.state == "start" \
                and entry.op == "create":
            # a landline-only person whose create a crash left unknown: the matching above cannot find
            # them (a landline is no identity), so look them up by landline and name before creating
            again = lookup(lookups[i])
            found = [again] if again else []
        if not found:
            tasks.append(WriteTask(int(rows[i]), keys[i], "create", record, specify_time=specify,
                                   lookup=lookups[i]))
            continue
        if entry is not None and entry.state == "start" and entry.op == "create" and len(found) == 1:
            settled.settle(i, keys[i], "created", found[0])  # created before a crash
            continue
        if len(found) > 1:
            if on_existing == "skip":
                settled.settle(i, keys[i], "unchanged", found[0])
            else:
                settled.fail(i, keys[i], f"matches {len(found)} existing leads ({', '.join(found[:5])}); "
                                         "merge them in the CRM, then run again")
            continue
        target = found[0]
        changes = changes_for(record, existing.records[target], on_existing)
        if not changes:
            settled.settle(i, keys[i], "unchanged", target)
            continue
        tasks.append(WriteTask(int(rows[i]), keys[i], "update", changes, record_id=target))
    journal.sync()
    return tasks


def changes_for(new: dict[str, Any], old: dict[str, Any], mode: OnExisting) -> dict[str, Any]:
    """What an existing lead needs written: nothing (``skip``), its empty fields (``fill-empty``), or every field that
    differs, phones and emails compared normalised (``overwrite``)."""
    from mktctl.leads.emails import normalise_email
    from mktctl.leads.phones import to_e164

    if mode == "skip":
        return {}
    changes: dict[str, Any] = {}
    for name, value in new.items():
        if name == "create_time":
            continue  # set by the platform when the lead was made; not changed afterwards
        current = old.get(name)
        current_text = "" if current in (None, "", []) else str(current)
        if mode == "fill-empty":
            if not current_text:
                changes[name] = value
            continue
        same = current_text == str(value)
        if not same and current_text and name in ("mobile", "tel"):
            same = to_e164(current_text) == str(value).split(";", 1)[0]
        if not same and current_text and name == "email":
            same = normalise_email(current_text) == value
        if not same:
            changes[name] = value
    return changes
