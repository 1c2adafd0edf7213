"""The opt-out invariant: after a migration nobody who opted out of a channel in the old system is reachable
on it - imported, rejected, a duplicate or only on the opt-out list - and nobody else is blocked."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.leads.emails import normalise_email
from mktctl.leads.phones import to_e164
from tests.migrate.conftest import NOW, reachable
from tests.migrate.makers import PLAYBOOK, write_csv

PEOPLE = ["source_id", "name", "company", "mobile", "email", "opt_out_email", "opt_out_sms", "opt_out_all"]

person = st.fixed_dictionaries({
    "email": st.sampled_from(["", "plain", "upper", "invalid"]),
    "mobile": st.sampled_from(["", "plain", "spaced", "invalid"]),
    "kind": st.sampled_from(["normal", "normal", "test_data", "duplicate"]),
    "opt": st.sampled_from(["none", "none", "email", "sms", "all", "unclear"]),
})
opt_out_only = st.tuples(st.sampled_from(["email", "sms", "all", "fax"]), st.booleans())


def _people(spec: list[dict[str, str]]) -> list[dict[str, str]]:
    made: list[dict[str, str]] = []
    for n, p in enumerate(spec, start=1):
        address = {"": "", "plain": f"u{n}@corp.cn", "upper": f" U{n}@CORP.CN ", "invalid": "not-an-email"}
        phone = {"": "", "plain": f"1390000{n:04d}", "spaced": f"139 0000 {n:04d}", "invalid": "12345"}
        row = {"source_id": f"s{n}", "name": "测试" if p["kind"] == "test_data" else f"客户{n}", "company": f"公司{n}",
               "email": address[p["email"]], "mobile": phone[p["mobile"]], "opt_out_email": "", "opt_out_sms": "",
               "opt_out_all": ""}
        if p["kind"] == "duplicate" and made:
            row["email"], row["mobile"] = made[0]["email"], made[0]["mobile"]
        if p["opt"] in ("email", "sms", "all"):
            row[f"opt_out_{p['opt']}"] = "true"
        elif p["opt"] == "unclear":
            row["opt_out_email"] = "maybe"
        made.append(row)
    return made


def _addresses(row: dict[str, str]) -> tuple[str, str]:
    return normalise_email(row["email"]) if row["email"] else "", to_e164(row["mobile"]) if row["mobile"] else ""


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.lists(person, min_size=1, max_size=7), extra=st.lists(opt_out_only, max_size=3))
def test_nobody_who_opted_out_is_reachable_and_nobody_else_is_blocked(spec: list[dict[str, str]],
                                                                     extra: list[tuple[str, bool]]) -> None:
    from mktctl.migrate.run import MigrateOptions, migrate
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    people = _people(spec)
    blocked: dict[str, set[str]] = {"邮件": set(), "短信": set()}
    for row in people:
        mail, phone = _addresses(row)
        opted = {c for c, key in (("邮件", "opt_out_email"), ("短信", "opt_out_sms")) if row[key]}
        if row["opt_out_all"]:
            opted = {"邮件", "短信"}
        for channel in opted:
            blocked[channel].update(a for a in ((mail,) if channel == "邮件" else (phone,)) if a)
    only = []
    for n, (channel, by_mail) in enumerate(extra, start=1):
        address = f"o{n}@old.cn" if by_mail else f"1370000{n:04d}"
        only.append({"email" if by_mail else "mobile": address, "channel": channel})
        channels = {"email": ["邮件"], "sms": ["短信"], "all": ["邮件", "短信"], "fax": ["邮件", "短信"]}[channel]
        for name in channels:  # an unreadable channel counts as every channel
            if (name == "邮件") == by_mail:
                blocked[name].add(address if by_mail else to_e164(address))
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        playbook, source = root / "playbook", root / "exports"
        playbook.mkdir()
        source.mkdir()
        (playbook / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
        write_csv(source / "people.csv", PEOPLE, people)
        if only:
            write_csv(source / "opt_outs.csv", ["email", "mobile", "channel"], only)
        with open_tenant(resolve(playbook, None, environ={})) as tenant:
            result = migrate(playbook, MigrateOptions(source=source, out=root / "out", now=NOW), tenant)
            assert result.invariants["no opted-out person is reachable on a channel they opted out of"] is True
            for channel, addresses in blocked.items():
                assert reachable(tenant, channel, sorted(addresses)) == []
            everyone = {"邮件": set(), "短信": set()}
            for row in people:
                mail, phone = _addresses(row)
                everyone["邮件"].update([mail] if mail else [])
                everyone["短信"].update([phone] if phone else [])
            for channel, addresses in everyone.items():
                free = sorted(addresses - blocked[channel])
                assert reachable(tenant, channel, free) == free
            _leads_unreachable(tenant, blocked)


def _leads_unreachable(tenant: Any, blocked: dict[str, set[str]]) -> None:
    """The leads that hold an opted-out address (as the tenant spells it now) are not reachable either."""
    for lead in tenant.client.crm_iter("LeadsObj", fields=["_id", "email", "mobile"]):
        if lead.get("email") and normalise_email(lead["email"]) in blocked["邮件"]:
            assert reachable(tenant, "邮件", [lead["email"]]) == []
        if lead.get("mobile") and to_e164(lead["mobile"]) in blocked["短信"]:
            assert reachable(tenant, "短信", [lead["mobile"]]) == []


def test_the_check_is_not_vacuous_it_finds_an_address_left_reachable(tmp_path: Path, tenant: Any) -> None:
    from mktctl.migrate.consent import EMAIL, OptOut, verify

    facts = [OptOut("people", 2, EMAIL, ("left@corp.cn",), (), status="migrated")]

    found = verify(tenant, facts, {})

    assert found.verified and found.holds is False
    assert found.reachable == [("邮件", "left@corp.cn", 2)]


def test_opt_outs_are_recorded_before_anyone_is_imported(served_sandbox_factory: Any, playbook: Path,
                                                         exports: Path, tmp_path: Path) -> None:
    """A tenant that cannot take the consent records gets no lead either: nobody becomes reachable before
    their opt-out is there."""
    import pytest

    from mktctl.errors import TenantError
    from mktctl.migrate.run import MigrateOptions, migrate
    from mktctl.tenant.connect import Tenant
    from mktctl.tenant.settings import TenantSettings
    from tests.helpers.served import client_for

    sandbox = served_sandbox_factory(faults="5xx=1,paths=/mktctl/ext/v1/consent/upsert")
    tenant = Tenant(TenantSettings(name="served", url=sandbox.url), client_for(sandbox))
    options = MigrateOptions(source=exports, out=tmp_path / "out", now=NOW, map_file=exports / "map.yaml")

    with pytest.raises(TenantError, match="HTTP 500"):
        migrate(playbook, options, tenant)

    assert list(tenant.client.crm_iter("LeadsObj")) == []
    tenant.close()
