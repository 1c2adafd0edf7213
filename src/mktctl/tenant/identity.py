"""What identifies a tenant, and what files alone tell of one.

A tenant is its address and its corp: the fingerprint that keys its entry in the ledger and that a saved plan
records. Several profiles may point at one tenant (the embedded sandbox is both ``sandbox`` and
``sandbox-public``: one data file, served with the whole API or only the public one); they share its entry.

Commands that read files only (``mktctl report``) find a profile's tenant without calling it: an embedded
sandbox's data file holds its corp id, and its profile says whether it serves the extension API. A tenant at
a URL tells its corp id only when asked, so for it these say nothing (None).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktctl.tenant.settings import TenantSettings


def fingerprint_of(settings: TenantSettings, corp_id: str) -> str:
    """The tenant at ``settings``' address with ``corp_id`` (not its state): a plan made for one tenant cannot
    be applied to another, and the ledger keeps one entry per tenant."""
    where = settings.shown_url or "embedded"  # never a password in a URL: it would be hashed
    return hashlib.sha256(f"{where}|{corp_id}".encode()).hexdigest()[:16]


def offline_fingerprint(settings: TenantSettings) -> str | None:
    """The fingerprint of an embedded sandbox from its data file (None before its first use), or None for a
    tenant at a URL."""
    if not settings.embedded or settings.sandbox_data is None:
        return None
    from mktctl.sandbox.store import first_corp_id

    corp_id = first_corp_id(settings.sandbox_data)
    return None if corp_id is None else fingerprint_of(settings, corp_id)


def offline_extension_kinds(settings: TenantSettings) -> frozenset[str] | None:
    """The kinds an embedded sandbox takes through its extension API (none with ``api: public``), or None for
    a tenant at a URL (the real platform has no extension API; a served sandbox has one)."""
    if not settings.embedded:
        return None
    if settings.sandbox_api != "full":
        return frozenset()
    from mktctl.sandbox.catalog import default_catalog

    return frozenset(default_catalog().names())
