"""An import whose tenant stops answering half-way: it stops at the deadline with the rows not yet started left
``not_attempted``, keeps the journal's start line of every create it cut short (so that the next run looks
that person up before creating them), and the next run, with the tenant back, finishes exactly once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from mktctl.leads.importer import ImportOptions, import_leads
from mktctl.tenant.client import RetryPolicy
from mktctl.tenant.deadline import Outage
from tests.leads.conftest import leads_on, person, read_results, write_csv

CREATE = "/cgi/crm/v2/data/create"


class DyingTransport(httpx.BaseTransport):
    """The tenant's own transport, until ``alive`` is cleared after ``creates`` creates: then nothing connects."""

    def __init__(self, inner: httpx.BaseTransport, creates: int) -> None:
        self.inner = inner
        self.creates_left = creates
        self.alive = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.alive:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if request.url.path == CREATE:
            self.creates_left -= 1
            if self.creates_left < 0:
                self.alive = False
                raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return self.inner.handle_request(request)


def dying(tenant: Any, creates: int) -> DyingTransport:
    client = tenant.client
    transport = DyingTransport(client.http._transport, creates)
    client.http = httpx.Client(transport=transport, base_url=client.http.base_url)
    client.retry = RetryPolicy(attempts=4, base_delay_s=0.01, max_delay_s=0.02, deadline_s=5)
    client.outage = Outage(0.3, target="the tenant at test://dying")
    return transport


def test_an_import_stops_at_the_deadline_and_the_next_run_finishes_exactly_once(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(i) for i in range(1, 401)])
    out = tmp_path / "out"
    transport = dying(tenant, creates=150)

    stopped = import_leads(tenant, path, ImportOptions(batch_size=50, workers=4), out)

    assert stopped.stopped is not None and "has not answered since" in stopped.stopped
    outcomes = stopped.outcomes
    assert outcomes["created"] == 150 and outcomes["not_attempted"] >= 150, outcomes
    assert sum(outcomes.values()) == 400
    journal = [json.loads(line) for line in (out / "journal.jsonl").read_text(encoding="utf-8").splitlines()]
    failed = {line["k"] for line in journal if line["t"] == "failed"}
    started = {line["k"] for line in journal if line["t"] == "start"}
    done = {line["k"] for line in journal if line["t"] == "done"}
    assert not failed, "a create cut short is not recorded as failed: it may have reached the tenant"
    assert len(done) == 150 and len(started - done) >= 1

    transport.alive = True
    transport.creates_left = 10_000
    tenant.client.outage = Outage(0.3, target="the tenant at test://dying")
    finished = import_leads(tenant, path, ImportOptions(batch_size=50, workers=4), out)

    assert finished.stopped is None
    assert finished.outcomes["created"] == 400 and finished.outcomes["not_attempted"] == 0
    assert len(leads_on(tenant)) == 400
    assert len({r["record_id"] for r in read_results(out)}) == 400
