"""Carry out a plan, one action at a time, in order.

Every action is journalled before and after it runs, and the ledger is saved after each success, so a run
that is stopped (Ctrl-C: after the current call) or killed (any moment) leaves a state the next apply
continues from. Creates that may have reached the tenant without an answer are recovered by the tenant
client's lookup by natural key, never repeated blindly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mktctl.base.clock import who
from mktctl.engine.journal import Journal, unfinished_creates
from mktctl.engine.ledger import Entry, Ledger, TenantLedger
from mktctl.errors import ApplyInterrupted, Interrupted, MktctlError, TenantError
from mktctl.kinds.base import Index, JobFailed
from mktctl.tenant.client import CallRecord

if TYPE_CHECKING:
    from pathlib import Path

    from mktctl.engine.observe import Observation
    from mktctl.engine.plan import Action, Plan
    from mktctl.kinds.base import Playbook
    from mktctl.tenant.connect import Tenant


class ApplyFailed(MktctlError):
    """An action failed on the tenant; what ran before it is done and recorded."""

    def __init__(self, message: str, *, done: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.done = done


@dataclass
class ApplyResult:
    done: list[Action] = field(default_factory=list)
    skipped_manual: list[Action] = field(default_factory=list)

    def count(self, op: str) -> int:
        return sum(1 for a in self.done if a.op == op)


Progress = Callable[[str, "Action", int, int], None]


@dataclass
class Executor:
    tenant: Tenant
    playbook: Playbook
    ledger: Ledger
    tenant_ledger: TenantLedger
    fingerprint: str
    state_dir: Path
    stop: threading.Event = field(default_factory=threading.Event)
    on_progress: Progress | None = None
    on_estimate: Callable[[Action, Any], None] | None = None  # a job's estimate before it starts (an import's)

    def run(self, plan: Plan, observation: Observation) -> ApplyResult:
        index: Index = observation.index
        journal = Journal(self.state_dir, command="apply")
        self.adopt(plan, journal)
        result = ApplyResult(skipped_manual=plan.pending_manual)
        steps = plan.changes
        traces: list[str] = []
        previous_hook = self.tenant.client.on_call

        def hook(record: CallRecord) -> None:
            if record.trace_id:
                traces.append(record.trace_id)
            if previous_hook is not None:
                previous_hook(record)

        self.tenant.client.on_call = hook
        journal.write("run-start", tenant=self.fingerprint, who=who(), steps=len(steps),
                      playbook=self.playbook.name)
        try:
            for position, action in enumerate(steps, start=1):
                if self.stop.is_set():
                    journal.write("run-interrupted", tenant=self.fingerprint, done=len(result.done))
                    raise ApplyInterrupted(
                        f"stopped after {len(result.done)} of {len(steps)} steps; run apply again to continue")
                self._progress("start", action, position, len(steps))
                record = {"tenant": self.fingerprint, "kind": action.kind, "key": action.key, "part": action.part,
                          "op": action.op, "fields": [c.field for c in action.changes]}
                journal.write("start", **record)
                traces.clear()
                try:
                    remote_id = self._one(action, index)
                except (Interrupted, TenantError, LookupError, JobFailed) as error:
                    if isinstance(error, Interrupted) or self.stop.is_set():
                        journal.write("run-interrupted", tenant=self.fingerprint, done=len(result.done))
                        self.ledger.save()
                        raise ApplyInterrupted(
                            f"stopped during {action.symbol} {action.address} after {len(result.done)} of "
                            f"{len(steps)} steps; run apply again to continue") from error
                    journal.write("failed", **record, error=str(error), trace=list(traces))
                    self.ledger.save()
                    done = f"{len(result.done)} of {len(steps)} steps were done and recorded"
                    cause = getattr(error, "hint", None) or "fix the cause and run apply again to continue"
                    raise ApplyFailed(f"{action.symbol} {action.address} failed: {error}", done=len(result.done),
                                      hint=f"{done}; {cause}") from error
                journal.write("done", **record, id=remote_id, trace=list(traces), who=who())
                self.ledger.save()
                result.done.append(action)
                self._progress("done", action, position, len(steps))
        finally:
            self.tenant.client.on_call = previous_hook
        journal.write("run-end", tenant=self.fingerprint, done=len(result.done),
                      manual_pending=len(result.skipped_manual))
        return result

    def _progress(self, event: str, action: Action, position: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(event, action, position, total)

    def adopt(self, plan: Plan, journal: Journal) -> None:
        """Record in the ledger every declared resource the tenant already has (unchanged or to update):
        adopted ones are not owned, unless a killed run of ours created them."""
        ours = unfinished_creates(self.state_dir, self.fingerprint)
        changed = False
        for action in plan.actions:
            if action.op not in ("noop", "update") or action.remote_id is None:
                continue
            entry = self.tenant_ledger.entry(action.kind, action.key, action.part)
            if entry is not None and entry.id == action.remote_id:
                if action.op == "noop" and entry.digest != action.digest:
                    entry.digest = action.digest
                    changed = True
                continue
            owned = (action.kind, action.key, action.part) in ours or (entry is not None and entry.owned)
            digest = action.digest if action.op == "noop" else ""
            self.tenant_ledger.record(action.kind, action.key, action.part, Entry(action.remote_id, owned, digest))
            changed = True
            if owned and entry is None:
                journal.write("recovered", tenant=self.fingerprint, kind=action.kind, key=action.key,
                              part=action.part, op="create", id=action.remote_id)
        for action in plan.actions:  # a confirmation recorded with a digest of an older form keeps its word
            confirmation = self.tenant_ledger.confirmations.get(action.manual.step) if action.manual else None
            if (action.manual is not None and confirmation is not None and action.manual.status == "confirmed"
                    and confirmation.digest != action.digest):
                confirmation.digest = action.digest
                changed = True
        if changed:
            self.ledger.save()

    def _one(self, action: Action, index: Index) -> str | None:
        resource = self.playbook.find(action.kind, action.key)
        kind = resource.kind if resource is not None else _kind(action.kind)
        ledger = self.tenant_ledger
        if kind.job:
            assert resource is not None
            on_estimate = self.on_estimate
            counts = kind.run(self.tenant, resource.spec, self.playbook,
                              on_estimate=None if on_estimate is None else lambda eta: on_estimate(action, eta))
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()) if n)
            ledger.record(action.kind, action.key, "api", Entry(summary or "done", False, action.digest))
            return summary
        if action.part == "settings":
            if action.op == "delete":
                kind.remove_setting(self.tenant, action.key)
                ledger.forget(action.kind, action.key, "settings")
                return action.remote_id
            assert resource is not None
            state = kind.settings_state(resource.spec) or {}
            remote_id = kind.write_setting(self.tenant, action.key, state)
            previous = ledger.entry(action.kind, action.key, "settings")
            if action.renamed_from is not None:  # the new key holds it now; the old one goes
                kind.remove_setting(self.tenant, action.renamed_from)
                previous = ledger.entry(action.kind, action.renamed_from, "settings")
                ledger.forget(action.kind, action.renamed_from, "settings")
            owned = action.op == "create" or (previous is not None and previous.owned)
            ledger.record(action.kind, action.key, "settings", Entry(remote_id, owned, action.digest))
            return remote_id
        if action.op == "delete":
            assert action.remote_id is not None
            kind.delete(self.tenant, action.remote_id, index)
            index.forget(action.kind, action.key)
            ledger.forget(action.kind, action.key, "api")
            return action.remote_id
        assert resource is not None
        if action.op == "create":
            remote_id = kind.create(self.tenant, resource.spec, index)
            index.remember(action.kind, action.key, remote_id)
            ledger.record(action.kind, action.key, "api", Entry(remote_id, True, action.digest))
            return remote_id
        assert action.remote_id is not None
        kind.update(self.tenant, action.remote_id, resource.spec, {c.field for c in action.changes}, index)
        previous = ledger.entry(action.kind, action.key, "api")
        if action.renamed_from is not None:
            previous = ledger.entry(action.kind, action.renamed_from, "api")
            ledger.forget(action.kind, action.renamed_from, "api")
            index.forget(action.kind, action.renamed_from)
            index.remember(action.kind, action.key, action.remote_id)
        ledger.record(action.kind, action.key, "api",
                      Entry(action.remote_id, previous.owned if previous else False, action.digest))
        return action.remote_id


def _kind(name: str):  # type: ignore[no-untyped-def]
    from mktctl.kinds.registry import kind

    return kind(name)
