"""A tenant's identity from files alone: the embedded sandbox's fingerprint is read from its data file
without opening (or creating) it, and equals the one the opened tenant reports; a profile with only the
public API shares it; a tenant at a URL tells its corp only when asked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mktctl.tenant.connect import open_tenant
from mktctl.tenant.identity import offline_extension_kinds, offline_fingerprint
from mktctl.tenant.settings import TenantSettings


def test_an_embedded_sandbox_is_known_by_its_data_file_as_the_open_tenant_knows_itself(tmp_path: Path) -> None:
    full = TenantSettings(name="sandbox", sandbox_data=tmp_path / ".mktctl" / "sandbox.db")
    public = dataclasses.replace(full, name="sandbox-public", sandbox_api="public")

    assert offline_fingerprint(full) is None and not (tmp_path / ".mktctl").exists()  # never used: no file made
    with open_tenant(full) as tenant:
        opened = tenant.fingerprint()

    assert offline_fingerprint(full) == offline_fingerprint(public) == opened
    assert "roles" in (offline_extension_kinds(full) or ()) and offline_extension_kinds(public) == frozenset()


def test_a_tenant_at_a_url_is_not_known_offline() -> None:
    settings = TenantSettings(name="production", url="https://open.fxiaoke.com")

    assert offline_fingerprint(settings) is None and offline_extension_kinds(settings) is None
