"""``mktctl tenant export`` against the embedded sandbox: a plan right after the export is empty."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mktctl.engine.ledger import Ledger
from tests.conftest import RunMktctl

pytestmark = pytest.mark.e2e


def profile(folder: Path, source: Path, api: str = "full") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mktctl.tenants.yaml").write_text(
        f"tenants:\n  src:\n    sandbox:\n      data: {source / '.mktctl' / 'sandbox.db'}\n      api: {api}\n",
        encoding="utf-8")


@pytest.fixture
def applied(tmp_path: Path, mktctl: RunMktctl) -> Path:
    source = tmp_path / "by-hand"
    assert mktctl("init", str(source)).code == 0
    done = mktctl("apply", str(source), "--yes")
    assert done.code == 0, done.output
    return source


def test_export_then_plan_is_empty(applied: Path, tmp_path: Path, mktctl: RunMktctl) -> None:
    target = tmp_path / "as-code"
    profile(target, applied)
    run = mktctl("--tenant", "src", "tenant", "export", "--out", str(target))
    assert run.code == 0, run.output
    assert "exported" in run.stdout and "13800000001" not in run.output
    plan = mktctl("--tenant", "src", "plan", str(target), "--detailed-exitcode")
    assert plan.code == 0, plan.output
    assert "0 to create, 0 to update, 0 to delete, 0 manual steps pending" in plan.stdout
    ledger = Ledger.load(target)
    (tenant,) = ledger.tenants.values()
    entries = tenant.entries("api") + tenant.entries("settings")
    assert entries and all(not entry.owned for _kind, _key, entry in entries)
    organisation = target / "organisation.yaml"
    assert "13800000001" in organisation.read_text(encoding="utf-8")  # the file keeps real values
    assert stat.S_IMODE(organisation.stat().st_mode) == 0o600
    again = mktctl("--tenant", "src", "tenant", "export", "--out", str(target))
    assert again.code == 1 and "already has a playbook" in again.stderr


def test_export_of_some_kinds_brings_what_they_refer_to(applied: Path, tmp_path: Path, mktctl: RunMktctl) -> None:
    target = tmp_path / "roles-only"
    profile(target, applied)
    run = mktctl("--tenant", "src", "tenant", "export", "--kinds", "role_assignments", "--out", str(target))
    assert run.code == 0, run.output
    assert "also exporting users" in run.stderr and "also exporting roles" in run.stderr
    text = (target / "organisation.yaml").read_text(encoding="utf-8")
    assert "role_assignments:" in text and "departments:" in text
    assert not (target / "leads.yaml").exists()
    bad = mktctl("--tenant", "src", "tenant", "export", "--kinds", "role", "--out", str(tmp_path / "x"))
    assert bad.code == 1 and "unknown kind 'role'" in bad.stderr


def test_a_public_api_tenant_exports_what_it_can_read(applied: Path, tmp_path: Path, mktctl: RunMktctl) -> None:
    target = tmp_path / "public"
    profile(target, applied, api="public")
    run = mktctl("--tenant", "src", "tenant", "export", "--out", str(target))
    assert run.code == 0, run.output
    assert "only the public API" in run.stderr
    plan = mktctl("--tenant", "src", "plan", str(target))
    assert plan.code == 0, plan.output
    assert "0 to create, 0 to update, 0 to delete" in plan.stdout
