"""The served sandbox given the over-large queries of the probe: an ``IN`` filter of 250,000 values, 2,000
filters, 5,000 orders. Each used to be an HTTP 500; the platform documents a parameter error (32000) for a query
it will not run, and so the sandbox answers, naming the list and its bound, before any work is done.

The bounds of every list are tested in tests/sandbox/test_sandbox_bounds.py; here the probe's three queries
are sent as a client would send them, timed, with the raw HTTP status, for docs/reliability.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from mktctl.sandbox.server import ServedSandbox
from tests.helpers.served import Wire
from tests.reliability.support import record_figures

QUERY = "/cgi/crm/v2/data/query"
PROBES = {
    "an IN filter of 250,000 values": (
        {"filters": [{"field_name": "mobile", "operator": "IN",
                      "field_values": [f"1380{n:07d}" for n in range(250_000)]}]},
        "filters are too large: 250000 values, at most 2000 in one query"),
    "2,000 filters": ({"filters": [{"field_name": "name", "field_values": ["x"], "operator": "EQ"}] * 2000},
                      "filters is too large: 2000 items, at most 50"),
    "5,000 orders": ({"orders": [{"fieldName": "name", "isAsc": True}] * 5000},
                     "orders is too large: 5000 items, at most 10"),
}


@pytest.fixture
def wire(served_sandbox: ServedSandbox) -> Iterator[Wire]:
    connection = Wire(served_sandbox.url, served_sandbox.corp)
    yield connection
    connection.close()


@pytest.mark.served
def test_the_probes_over_large_queries_are_parameter_errors_never_an_http_500(wire: Wire) -> None:
    token = wire.token()
    for name, (info, message) in PROBES.items():
        body = {"corpAccessToken": token["corpAccessToken"], "corpId": token["corpId"],
                "currentOpenUserId": wire.corp.admin_open_user_id,
                "data": {"dataObjectApiName": "LeadsObj", "search_query_info": {"limit": 10, "offset": 0, **info}}}
        sent = json.dumps(body).encode()
        started = time.monotonic()
        response = wire.http.post(QUERY, content=sent, headers={"content-type": "application/json"})
        seconds = time.monotonic() - started

        assert response.status_code == 200, response.text
        answer = response.json()
        assert (answer["errorCode"], answer["errorMessage"]) == (32000, message)
        record_figures("sandbox query bounds", {"input": name, "bytes": len(sent), "http": response.status_code,
                                                "errorCode": answer["errorCode"], "seconds": round(seconds, 3)})
    assert wire.call("/cgi/crm/v2/data/query", {"dataObjectApiName": "LeadsObj",
                                                "search_query_info": {"limit": 10, "offset": 0}})["errorCode"] == 0
