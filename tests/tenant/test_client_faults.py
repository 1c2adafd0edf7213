"""The client against a served sandbox with fault injection: a create whose answer was lost is looked up
by its natural key before it is retried, so nothing is doubled; the quota stops the run cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mktctl import errors as e
from mktctl.sandbox.server import ServedSandbox
from mktctl.tenant.client import CallRecord, FxiaokeClient, RetryPolicy
from tests.helpers.served import StartSandbox, client_for

CREATE = "/cgi/crm/v2/data/create"


def by_mobile(client: FxiaokeClient, mobile: str) -> Callable[[], str | None]:
    """The natural-key lookup that makes a create safe to retry."""

    def find() -> str | None:
        rows, _ = client.crm_query("LeadsObj", [{"field_name": "mobile", "field_values": [mobile], "operator": "EQ"}])
        return str(rows[0]["_id"]) if rows else None

    return find


def leads(sandbox: ServedSandbox) -> list[tuple[str, str]]:
    with sandbox.store.reading() as db:
        rows = db.execute("SELECT id, json_extract(data, '$.mobile') AS mobile FROM records WHERE corp_id = ? "
                          "AND api_name = 'LeadsObj' ORDER BY id", (sandbox.corp.corp_id,)).fetchall()
    return [(row["id"], row["mobile"]) for row in rows]


def test_a_lost_answer_to_a_create_is_recovered_by_its_natural_key(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(faults=f"drop-after-commit=1,paths={CREATE}")
    calls: list[CallRecord] = []
    client = client_for(sandbox, on_call=calls.append)
    record_id = client.crm_create("LeadsObj", {"name": "张三", "mobile": "13800138000"},
                                  recover=by_mobile(client, "13800138000"))
    assert leads(sandbox) == [(record_id, "13800138000")], "exactly one lead, and the client knows its id"
    assert [c.path for c in calls].count(CREATE) == 0, "the create's answer never arrived"
    assert sandbox.faults is not None and sandbox.faults.report()["injected"]["drop-after-commit"] == 1
    client.close()


def test_without_a_lookup_a_lost_create_is_not_repeated_blindly(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(faults=f"drop-after-commit=1,paths={CREATE}")
    client = client_for(sandbox)
    with pytest.raises(e.TenantUnreachable) as caught:
        client.crm_create("LeadsObj", {"name": "张三", "mobile": "13800138000"})
    assert caught.value.message.startswith("no answer from the tenant: ")
    assert len(leads(sandbox)) == 1, "the lead exists; a blind retry would have made a second one"
    client.close()


def test_a_create_dropped_before_it_was_done_is_retried(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(faults=f"drop-before-commit=0.3,paths={CREATE},seed=4")
    client = client_for(sandbox)
    ids = [client.crm_create("LeadsObj", {"name": f"线索{n}", "mobile": f"1380000{n:04d}"},
                             recover=by_mobile(client, f"1380000{n:04d}")) for n in range(10)]
    assert [mobile for _, mobile in leads(sandbox)] == [f"1380000{n:04d}" for n in range(10)]
    assert sorted(ids) == [record_id for record_id, _ in leads(sandbox)]
    assert sandbox.faults is not None and sandbox.faults.report()["injected"]["drop-before-commit"] > 0
    client.close()


def test_every_create_lands_exactly_once_under_every_fault(served_sandbox_factory: StartSandbox) -> None:
    spec = ("5xx=0.08,throttle=0.08,429=0.04,drop-before-commit=0.06,drop-after-commit=0.08,retry-after=0,"
            "latency=0ms..2ms,seed=11")
    sandbox = served_sandbox_factory(faults=spec)
    client = client_for(sandbox, retry=RetryPolicy(attempts=10, base_delay_s=0.001, max_delay_s=0.01))
    mobiles = [f"1390000{n:04d}" for n in range(60)]
    ids = [client.crm_create("LeadsObj", {"name": f"客户{mobile[-4:]}", "mobile": mobile},
                             recover=by_mobile(client, mobile)) for mobile in mobiles]
    stored = leads(sandbox)
    assert [mobile for _, mobile in stored] == mobiles, "every lead once, none twice"
    assert sorted(ids) == [record_id for record_id, _ in stored]
    report = sandbox.faults.report() if sandbox.faults else {}
    assert report["total"] >= 20 and all(report["injected"][k] > 0 for k in
                                         ("5xx", "throttle", "429", "drop-before-commit", "drop-after-commit"))
    client.close()


def test_the_daily_quota_stops_the_run_with_how_to_resume(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(faults="quota=3")
    client = client_for(sandbox)
    done = [client.crm_create("LeadsObj", {"name": f"线索{n}"}) for n in range(3)]
    with pytest.raises(e.QuotaExhausted) as caught:
        client.crm_create("LeadsObj", {"name": "线索3"})
    assert caught.value.code == 30002
    assert caught.value.hint == ("the daily OpenAPI quota is used up; run the same command again after 00:00 to "
                                 "continue where it stopped")
    assert [record_id for record_id, _ in leads(sandbox)] == sorted(done)
    client.close()
