"""Over-large queries and lists are refused with the platform's parameter error (32000) naming the list and
its bound, before any work is done: never an HTTP 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.served import Wire

QUERY = "/cgi/crm/v2/data/query"


def query(wire: Wire, **info: Any) -> dict[str, Any]:
    return wire.call(QUERY, {"dataObjectApiName": "LeadsObj", "search_query_info": {"limit": 10, "offset": 0, **info}})


def values(count: int) -> list[str]:
    return [f"1380{n:07d}" for n in range(count)]


@pytest.mark.parametrize(("info", "message"), [
    ({"filters": [{"field_name": "mobile", "field_values": values(250_000), "operator": "IN"}]},
     "filters are too large: 250000 values, at most 2000 in one query"),
    ({"filters": [{"field_name": "mobile", "field_values": values(1500), "operator": "IN"}]},
     "field_values is too large: 1500 items, at most 1000"),
    ({"filters": [{"field_name": "name", "field_values": ["x"], "operator": "EQ"}] * 2000},
     "filters is too large: 2000 items, at most 50"),
    ({"orders": [{"fieldName": "name", "isAsc": True}] * 5000}, "orders is too large: 5000 items, at most 10"),
    ({"fieldProjection": ["name"] * 100_000}, "fieldProjection is too large: 100000 items, at most 500"),
    ({"filters": [{"field_name": "mobile", "field_values": values(1000), "operator": "IN"}] * 3},
     "filters are too large: 3000 values, at most 2000 in one query"),
])
def test_an_over_large_query_is_a_parameter_error(wire: Wire, info: dict[str, Any], message: str) -> None:
    answer = query(wire, **info)
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, message)


def test_a_query_at_the_bounds_is_answered(wire: Wire) -> None:
    wire.create("LeadsObj", name="边界", mobile="13800000999")
    answer = query(wire, filters=[{"field_name": "mobile", "field_values": values(1000), "operator": "IN"}] * 2,
                   orders=[{"fieldName": "name", "isAsc": True}] * 10)
    assert (answer["errorCode"], [r["name"] for r in answer["data"]["dataList"]]) == (0, ["边界"])


@pytest.mark.parametrize(("path", "data", "top", "message"), [
    ("/cgi/crm/v2/data/delete", {"dataObjectApiName": "LeadsObj", "idList": ["x"] * 10_000}, {},
     "idList is too large: 10000 items, at most 500"),
    ("/cgi/crm/v2/data/changeOwner", {"dataObjectApiName": "LeadsObj", "Data": [{}] * 10_000}, {},
     "Data is too large: 10000 items, at most 500"),
    ("/cgi/crm/custom/v2/data/findSimple", {"dataObjectApiName": "LeadsObj", "search_query_info": {},
                                            "field_projection": ["name"] * 10_000}, {},
     "field_projection is too large: 10000 items, at most 500"),
    ("/cgi/crm/v2/special/getRolesByUsers", {"userIds": ["FSUID_X"] * 10_000}, {},
     "data.userIds is too large: 10000 items, at most 500"),
    ("/cgi/message/send", None, {"toUser": ["FSUID_X"] * 501, "msgType": "text", "text": {"content": "x"}},
     "toUser is too large: 501 items, at most 500"),
])
def test_every_list_in_a_request_is_bounded(wire: Wire, path: str, data: dict[str, Any] | None, top: dict[str, Any],
                                           message: str) -> None:
    answer = wire.call(path, data, **top)
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, message)
