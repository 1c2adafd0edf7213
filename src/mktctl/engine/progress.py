"""How far a tenant is with a playbook, as its ledger entry records it: the one reading that ``mktctl plan``
and ``mktctl report`` share, so that for one profile they agree on what is pending.

* :func:`settings_progress`: the settings of one resource on a tenant: where a person sets them (no extension
  API for the kind: a manual step), ``confirmed`` for these values; where the extension API does,
  ``applied``; ``changed`` when done for other values, else ``pending``. The planner makes a tenant's manual
  steps from it, the report its statuses and its manual steps.
* :func:`job_progress`: whether a job (an import) ran for its input as it is now.
* :func:`profile_tenant`: the ledger entry a profile's plan uses, found from files only (the report calls
  no tenant): the entry whose tenant the profile's files identify (an embedded sandbox's data file holds its
  corp), else the one the profile has written to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.errors import MktctlError, SecretError

if TYPE_CHECKING:
    from mktctl.engine.ledger import Confirmation, Entry, Ledger, TenantLedger
    from mktctl.kinds.base import Kind, Playbook, Resource


def step_id(kind: str, key: str) -> str:
    """The name of a resource's manual step, as ``mktctl steps`` shows it and ``mktctl confirm`` takes it."""
    return f"{kind}/{key}"


@dataclass(frozen=True)
class SettingsProgress:
    status: str  # "applied" or "confirmed" (done for these values), "changed" (done for others) or "pending"
    entry: Entry | None = None
    confirmation: Confirmation | None = None


def settings_progress(playbook: Playbook, ledger: TenantLedger | None, kind: Kind[Any], key: str,
                      state: dict[str, Any], *, by_person: bool) -> SettingsProgress:
    """How far the settings ``state`` of ``kind``/``key`` are on the tenant of ``ledger`` (None: nothing
    recorded). ``by_person``: the profile has no extension API for the kind, so a person sets them (a manual
    step) and they are done when confirmed for these values; otherwise the extension API sets them, and they
    are done when it applied these values (an entry adopted without a digest had values to change)."""
    if ledger is None:
        return SettingsProgress("pending")
    if by_person:
        confirmation = ledger.confirmations.get(step_id(kind.name, key))
        if confirmation is None:
            return SettingsProgress("pending")
        done = playbook.digest_matches(confirmation.digest, state)
        return SettingsProgress("confirmed" if done else "changed", confirmation=confirmation)
    entry = ledger.entry(kind.name, key, "settings")
    if entry is None:
        return SettingsProgress("pending")
    done = bool(entry.digest) and playbook.digest_matches(entry.digest, state)
    return SettingsProgress("applied" if done else "changed", entry=entry)


def job_progress(playbook: Playbook, ledger: TenantLedger | None, resource: Resource[Any]) -> tuple[str, str]:
    """Whether a job (an import) has run on the tenant for exactly its input (``done``), ran for another input
    (``changed``: the file, its options or the cleaning rules changed since) or never ran (``pending``); and
    the digest of its input."""
    wanted = resource.kind.job_digest(resource.spec, playbook)
    entry = ledger.entry(resource.kind.name, resource.key) if ledger is not None else None
    if entry is None:
        return "pending", wanted
    return ("done" if entry.digest == wanted else "changed"), wanted


@dataclass(frozen=True)
class ProfileTenant:
    """A profile's tenant as the files tell it."""

    profile: str  # ``--tenant``, or the profile plan takes without it
    fingerprint: str | None
    ledger: TenantLedger | None  # None: nothing recorded for any tenant yet
    # the kinds the profile's tenant takes through the extension API; None when the files do not tell (a
    # tenant at a URL: the real platform has none)
    extension_kinds: frozenset[str] | None


def profile_tenant(root: Path, ledger: Ledger, tenant: str | None, *,
                   environ: Mapping[str, str] | None = None) -> ProfileTenant:
    """The entry of ``ledger`` that ``mktctl plan`` for ``tenant`` (``--tenant``; None: the default profile)
    would use. Raises when the ledger has tenants but none of this profile, naming them."""
    from mktctl.tenant import settings as tenant_settings
    from mktctl.tenant.identity import offline_extension_kinds, offline_fingerprint

    name = tenant_settings.profile_name(tenant, environ=environ)
    problem: MktctlError | None = None
    try:
        settings = tenant_settings.resolve(root, tenant, environ=environ)
    except SecretError:
        settings = None  # a profile whose secrets are not set here: found by its name in the ledger
    except MktctlError as error:
        settings, problem = None, error  # unknown here: only the ledger may still know the name
    fingerprint = offline_fingerprint(settings) if settings is not None else None
    kinds = offline_extension_kinds(settings) if settings is not None else None
    if fingerprint is not None and fingerprint in ledger.tenants:
        return ProfileTenant(name, fingerprint, ledger.tenants[fingerprint], kinds)
    found = ledger.of_profile(name)
    if len(found) == 1:
        return ProfileTenant(name, found[0][0], found[0][1], kinds)
    if len(found) > 1:
        raise MktctlError(f"profile {name!r} has written to {len(found)} tenants of the ledger "
                          f"({', '.join(f for f, _e in found)}): it was pointed at another tenant since",
                          hint="remove the old tenant's entry from mktctl.lock.yaml, or give it another profile")
    if problem is not None:
        raise problem
    if not ledger.tenants:
        return ProfileTenant(name, fingerprint, None, kinds)
    known = "; ".join(", ".join(e.profiles) for e in ledger.tenants.values())
    raise MktctlError(f"the ledger has no tenant of profile {name!r}" + ("" if tenant else " (the default)"),
                      hint=f"profiles in the ledger: {known}" + ("" if tenant else "; name one with --tenant"))
