"""One writer per tenant: the lock every command that changes a tenant holds while it does.

Two runs writing to the same tenant at once defeat each other's safety: each looks a lead up, finds nothing
yet, and creates it, so two imports of one file made every lead twice (the lock of a result folder or a
playbook folder does not see a run started from another folder). So ``apply`` (from before it reads the
tenant to plan until it ends), ``leads import``, ``leads link`` (and ``--resolve``) and ``sandbox reset`` take
this lock; a second writer is **refused at once**, told who holds it (user, pid, command, since when) and to
run again when that run has finished (everything it does is resumable). Waiting instead was rejected: a
command in CI would hang without a word, and what the second run would do depends on what the first did.
Reading commands (``plan``, ``steps``, ``tenant export``, ``checklist``) take no lock.

The lock is a file in the per-user state folder (:mod:`mktctl.base.userdirs`),
``locks/tenant-<key>.lock``, keyed like the ledger's tenant fingerprint: the tenant's URL and corp id; for the
embedded sandbox, its data file. It is held per process and may be taken again by the process holding it (an
``apply`` runs its ``imports:``). It serialises the runs of one user on one machine; runs under other
accounts or on other machines are not seen by it (the journals still keep each of them from repeating its
own creates).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from mktctl.base.lock import RunLock
from mktctl.base.userdirs import private_state_dir

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant
    from mktctl.tenant.settings import TenantSettings

LOCKS = "locks"


def tenant_key(settings: TenantSettings, corp_id: str = "") -> str:
    """The key of a tenant's lock: its URL and corp (the ledger's fingerprint), or the sandbox's data file."""
    if settings.embedded:
        assert settings.sandbox_data is not None
        return sandbox_key(settings.sandbox_data)
    assert settings.url is not None
    return url_key(settings.url, corp_id)


def url_key(url: str, corp_id: str) -> str:
    """A tenant at ``url`` (as its settings spell it, without a trailing slash) and ``corp_id``."""
    return hashlib.sha256(f"{url}|{corp_id}".encode()).hexdigest()[:16]


def sandbox_key(data: Path) -> str:
    """The embedded sandbox whose data file is ``data``."""
    return hashlib.sha256(f"embedded:{Path(data).resolve()}".encode()).hexdigest()[:16]


def write_lock(tenant: Tenant, command: str) -> RunLock:
    """The lock of ``tenant`` for ``command`` (use it with ``with``)."""
    corp = "" if tenant.settings.embedded else tenant.client.corp_id
    return key_lock(tenant_key(tenant.settings, corp), tenant.name, command)


def key_lock(key: str, name: str, command: str) -> RunLock:
    return RunLock(private_state_dir(LOCKS), f"tenant-{key}", command, reentrant=True,
                   subject=f"is writing to tenant {name!r}",
                   hint="wait for it to finish, then run this command again: it continues where it stopped. "
                        "If that run is gone on another host, delete the lock file "
                        f"{private_state_dir(LOCKS) / f'tenant-{key}.lock'}")
