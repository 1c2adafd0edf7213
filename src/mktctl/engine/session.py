"""The whole of ``plan`` and ``apply`` as a library: load the playbook, open the tenant, observe it, plan,
and execute. The CLI only adds rendering and confirmation."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.engine.apply import ApplyResult, Executor, Progress
from mktctl.engine.ledger import Ledger, TenantLedger
from mktctl.engine.observe import Observation, observe
from mktctl.engine.plan import Action, Plan
from mktctl.engine.planner import kinds_in_order, make_plan
from mktctl.errors import PlanError, StalePlanError
from mktctl.tenant import settings as tenant_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mktctl.base.lock import RunLock
    from mktctl.errors import Problem
    from mktctl.kinds.base import Playbook
    from mktctl.tenant.client import CallRecord
    from mktctl.tenant.connect import Tenant


@dataclass
class Session:
    playbook: Playbook
    warnings: list[Problem]
    tenant: Tenant
    ledger: Ledger
    tenant_ledger: TenantLedger
    observation: Observation
    plan: Plan
    lock: RunLock | None = None  # the tenant's write lock, when the session was opened to write

    @property
    def state_dir(self) -> Path:
        return tenant_settings.state_dir(self.playbook.root)

    def close(self) -> None:
        try:
            self.tenant.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(directory: Path, *, tenant: str | None = None, env: str | None = None,
                 variables: Mapping[str, str] | None = None, prune: bool = False, strict: bool = False,
                 on_call: Callable[[CallRecord], None] | None = None, deadline: float | None = None,
                 write: str | None = None, language: str | None = None) -> Session:
    """Load, open the tenant, observe it and plan. ``write`` (the command, e.g. ``mktctl apply``) holds the
    tenant's write lock from before it is observed until the session is closed (see tenant/writelock.py).
    ``language`` (zh-CN or en; see :func:`mktctl.base.language.resolve_lang`) replaces the playbook's
    ``language:`` for what the session says to a client: its manual steps."""
    from mktctl.base.language import resolve_lang
    from mktctl.kinds.registry import KINDS
    from mktctl.playbook.load import load_playbook
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.writelock import write_lock

    playbook, warnings = load_playbook(directory, env=env, variables=variables, strict=strict)
    playbook.language = resolve_lang(language, playbook.language)
    settings = tenant_settings.resolve(playbook.root, tenant, deadline=deadline)
    opened = open_tenant(settings, on_call=on_call)
    lock = None
    try:
        if write is not None:
            lock = write_lock(opened, write)
            lock.acquire()
        kinds = kinds_in_order(KINDS)
        renames: dict[str, dict[str, str]] = {}
        for resource in playbook.resources:
            if resource.renamed_from:
                renames.setdefault(resource.kind.name, {})[resource.renamed_from] = resource.key
        observation = observe(opened, kinds, renames)
        fingerprint = opened.fingerprint()
        ledger = Ledger.load(playbook.root)
        tenant_ledger = ledger.for_tenant(fingerprint, settings.name)
        plan = make_plan(playbook, observation, tenant_ledger, kinds=kinds, prune=prune,
                         tenant={"name": settings.name, "fingerprint": fingerprint})
    except BaseException:
        opened.close()
        if lock is not None:
            lock.release()
        raise
    return Session(playbook, warnings, opened, ledger, tenant_ledger, observation, plan, lock)


def check_saved_plan(session: Session, saved: Plan) -> None:
    """Refuse a saved plan made for another tenant, another playbook, or a tenant that changed since."""
    if saved.tenant.get("fingerprint") != session.plan.tenant["fingerprint"]:
        raise StalePlanError(f"the plan was made for tenant {saved.tenant.get('name')!r}, not this one "
                             f"({session.plan.tenant['name']!r})", hint="make a new plan against this tenant")
    if saved.playbook.get("digest") != session.plan.playbook["digest"]:
        raise StalePlanError("the playbook changed since the plan was made", hint="run `mktctl plan` again")
    if saved.tenant.get("state_digest") != session.plan.tenant["state_digest"]:
        raise StalePlanError("the tenant changed since the plan was made",
                             hint="run `mktctl plan` again and review the new plan")
    if saved.prune != session.plan.prune:
        made = "with" if saved.prune else "without"
        raise PlanError(f"the plan was made {made} --prune; apply it the same way")


def execute(session: Session, *, stop: threading.Event | None = None, on_progress: Progress | None = None,
            on_estimate: Callable[[Action, Any], None] | None = None) -> ApplyResult:
    """Apply the session's plan, holding the tenant's write lock (already held when the session was opened
    with ``write=``). ``on_estimate`` gets a job's estimate before it starts: an import into a tenant with a
    rate limit (:class:`mktctl.leads.eta.ImportEta`)."""
    from mktctl.tenant.writelock import write_lock

    executor = Executor(tenant=session.tenant, playbook=session.playbook, ledger=session.ledger,
                        tenant_ledger=session.tenant_ledger, fingerprint=session.plan.tenant["fingerprint"],
                        state_dir=session.state_dir, stop=stop or threading.Event(), on_progress=on_progress,
                        on_estimate=on_estimate)
    with write_lock(session.tenant, "mktctl apply"):
        return executor.run(session.plan, session.observation)
