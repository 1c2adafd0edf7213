"""Profiles of one tenant: the embedded sandbox is ``sandbox`` (the whole API), ``local`` (the whole API
again) and ``sandbox-public`` (the public API only: its settings are manual steps, as on a real tenant). They
share the tenant's ledger entry: none renames it, what one applied is known to the others with the same API,
and a confirmation is kept for every profile. ``mktctl report`` finds the tenant of a profile from the files
alone and agrees with ``mktctl plan`` for that profile on what is pending."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from mktctl.deliver.report import Report, build
from mktctl.engine.ledger import LEDGER_FILE, Ledger
from mktctl.engine.plan import Plan
from mktctl.engine.session import execute, open_session
from mktctl.engine.steps import confirm_steps
from mktctl.errors import ApplyInterrupted, MktctlError
from mktctl.playbook.load import load_playbook
from tests.engine.helpers import BASE, apply, plan, write

PROFILES = "tenants:\n  sandbox-public:\n    sandbox: {api: public}\n  local:\n    sandbox: {}\n"
PLAYBOOK = BASE + """\
lead_pools:
  - name: 市场线索池
    admins: [E1]
tags:
  - name: 行业
    values: [制造业, 零售业]
"""
AT = "2026-03-02T09:00:00+08:00"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, PROFILES, "mktctl.tenants.yaml")
    return write(tmp_path, PLAYBOOK)


def tenants(folder: Path) -> list[tuple[str, list[str]]]:
    return [(t.name, t.profiles) for t in Ledger.load(folder).tenants.values()]


def confirm(folder: Path, *steps: str) -> None:
    with open_session(folder, tenant="sandbox-public") as session:
        confirm_steps(session, list(steps), by="王芳", at=AT)


def test_two_profiles_of_one_tenant_take_turns_without_renaming_its_entry_and_find_nothing_left(folder) -> None:
    apply(folder)
    written = (folder / LEDGER_FILE).read_text(encoding="utf-8")

    for profile in ("local", None, "local", None):
        again = plan(folder, tenant=profile)
        assert again.changes == [] and again.pending_manual == [], (profile, again.summary())
        apply(folder, tenant=profile)
        assert (folder / LEDGER_FILE).read_text(encoding="utf-8") == written, profile

    assert tenants(folder) == [("sandbox", ["sandbox"])]


def test_a_profile_that_writes_is_listed_and_the_entry_keeps_its_first_name(folder) -> None:
    apply(folder)
    write(folder, PLAYBOOK.replace("leads: [view, create, edit, assign]", "leads: [view, edit]"))

    apply(folder, tenant="local")
    written = (folder / LEDGER_FILE).read_text(encoding="utf-8")
    assert plan(folder).changes == [] and plan(folder, tenant="local").changes == []
    apply(folder)

    assert tenants(folder) == [("sandbox", ["local", "sandbox"])]
    assert (folder / LEDGER_FILE).read_text(encoding="utf-8") == written


def test_the_public_profile_shares_the_entry_and_its_confirmations_stay_manual_steps(folder) -> None:
    apply(folder, tenant="sandbox-public")
    confirm(folder, "roles/市场经理")
    apply(folder)  # the whole API sets the settings through the extension

    public = plan(folder, tenant="sandbox-public")

    assert tenants(folder) == [("sandbox-public", ["sandbox", "sandbox-public"])]
    assert public.changes == [] and plan(folder).changes == []
    pending = {a.manual.step for a in public.pending_manual if a.manual is not None}
    assert "roles/市场经理" not in pending and {"lead_pools/市场线索池", "tags/行业"} <= pending  # still for a person


# ---- report and plan agree ---------------------------------------------------------------------------


def partly_applied(folder: Path) -> None:
    """Three api steps applied on the public API, then stopped; one manual step confirmed, one confirmed for
    values that changed since."""
    stop = threading.Event()

    def stop_after_three(event, action, position, total) -> None:  # type: ignore[no-untyped-def]
        if event == "done" and position == 3:
            stop.set()

    with open_session(folder, tenant="sandbox-public") as session, pytest.raises(ApplyInterrupted):
        execute(session, stop=stop, on_progress=stop_after_three)
    confirm(folder, "roles/市场经理", "tags/行业")
    write(folder, PLAYBOOK.replace("values: [制造业, 零售业]", "values: [制造业, 零售业, 教育]"))


def report_of(folder: Path, tenant: str | None) -> Report:
    playbook, warnings = load_playbook(folder)
    return build(playbook, warnings, lang="en", generated_at=AT, generator="test", tenant=tenant, environ={})


def plan_pending(current: Plan) -> tuple[set[str], dict[str, str]]:
    manual = {a.manual.step: a.manual.status for a in current.pending_manual if a.manual is not None}
    return {f"{a.kind}/{a.key}" for a in current.changes} | set(manual), manual


def report_pending(report: Report) -> tuple[set[str], dict[str, str]]:
    rows = {f"{k.name}/{row.key}" for f in report.families for k in f.kinds for row in k.rows
            if row.status not in ("applied", "confirmed")}
    return rows, {m.step: m.status for m in report.manual if m.status != "confirmed"}


@pytest.mark.parametrize("profile", ["sandbox-public", None, "local"])
def test_report_and_plan_of_a_profile_agree_on_what_is_pending_in_a_partly_applied_playbook(folder,
                                                                                            profile) -> None:
    partly_applied(folder)

    planned = plan_pending(plan(folder, tenant=profile))
    reported = report_pending(report_of(folder, profile))

    assert reported == planned
    resources, manual = planned
    if profile == "sandbox-public":
        assert manual["tags/行业"] == "changed" and manual["lead_pools/市场线索池"] == "pending"
        assert "roles/市场经理" not in manual  # confirmed
        assert "users/E2" in resources and "departments/市场部" not in resources  # stopped after three
    else:  # the extension sets what a person confirmed on the public profile: it is not there yet
        assert manual == {} and {"roles/市场经理", "tags/行业", "lead_pools/市场线索池"} <= resources


def test_after_a_full_apply_report_and_plan_still_agree_for_each_profile(folder) -> None:
    partly_applied(folder)
    apply(folder)

    assert plan_pending(plan(folder)) == report_pending(report_of(folder, None)) == (set(), {})
    public = plan_pending(plan(folder, tenant="sandbox-public"))
    assert report_pending(report_of(folder, "sandbox-public")) == public
    assert public[1] == {step: "pending" for step in public[1]} | {"tags/行业": "changed"}


def test_the_report_without_tenant_is_the_default_profile_s_and_names_the_others_when_it_has_none(tmp_path) -> None:
    write(tmp_path, PLAYBOOK)
    ledger = Ledger.load(tmp_path)
    ledger.for_tenant("f" * 16, "production")
    ledger.save()

    with pytest.raises(MktctlError, match="no tenant of profile 'sandbox' \\(the default\\)") as raised:
        report_of(tmp_path, None)
    assert raised.value.hint == "profiles in the ledger: production; name one with --tenant"
    assert report_of(tmp_path, "production").tenant == "production"
