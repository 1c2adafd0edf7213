"""Filters on employee fields (``owner``, ``created_by``, ...) match by membership, as on the platform, with
open user ids or employee ids; a filter the sandbox cannot evaluate is an error, never an empty page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mktctl.sandbox.server import ServedSandbox
from tests.helpers.served import Wire

MATCHING = 105


@pytest.fixture(scope="module")
def owned(module_sandbox: ServedSandbox) -> Iterator[tuple[Wire, str]]:
    """105 leads owned by a colleague and 3 by the administrator."""
    wire = Wire(module_sandbox.url, module_sandbox.store.create_corp("负责人筛选"))
    colleague = wire.call("/cgi/user/add", user={"name": "销售丙", "mobile": "13300133000"})["openUserId"]
    for number in range(MATCHING):
        wire.create("LeadsObj", name=f"丙的线索{number}", owner=[colleague])
    for number in range(3):
        wire.create("LeadsObj", name=f"管理员线索{number}")
    yield wire, colleague
    wire.close()


def total(wire: Wire, *filters: dict[str, Any]) -> int:
    answer = wire.query("LeadsObj", list(filters), limit=100)
    assert answer["errorCode"] == 0, answer
    return int(answer["data"]["total"])


def f(field: str, operator: str, *values: Any) -> dict[str, Any]:
    return {"field_name": field, "field_values": list(values), "operator": operator}


def test_owner_in_open_user_ids_matches_every_record_they_own(owned: tuple[Wire, str]) -> None:
    wire, colleague = owned
    assert total(wire, f("owner", "IN", colleague)) == MATCHING
    assert total(wire, f("owner", "IN", colleague, wire.corp.admin_open_user_id)) == MATCHING + 3
    assert total(wire, f("owner", "EQ", colleague)) == MATCHING
    assert total(wire, f("owner", "NIN", colleague)) == 3
    assert total(wire, f("owner", "N", colleague)) == 3


def test_employees_can_be_named_by_employee_id(owned: tuple[Wire, str]) -> None:
    wire, _ = owned
    assert total(wire, f("owner", "IN", "1000")) == 3, "1000 is the administrator's employee id"
    assert total(wire, f("created_by", "IN", "1000")) == MATCHING + 3


def test_a_query_pages_through_all_105_matches(owned: tuple[Wire, str]) -> None:
    wire, colleague = owned
    first = wire.query("LeadsObj", [f("owner", "IN", colleague)], limit=100)["data"]
    second = wire.query("LeadsObj", [f("owner", "IN", colleague)], limit=100, offset=100)["data"]
    assert (len(first["dataList"]), len(second["dataList"]), first["total"]) == (100, 5, MATCHING)


@pytest.mark.parametrize(("flt", "message"), [
    (f("owner", "LIKE", "FSUID"), "operator LIKE cannot filter owner, a employee field (use IN, NIN, HASANYOF, "
                                  "IS or ISN)"),
    (f("owner", "GT", "1000"), "operator GT cannot filter owner, a employee field (use IN, NIN, HASANYOF, IS or ISN)"),
    (f("assignee", "IN", "1000"), "field assignee does not exist on LeadsObj"),
    (f("owner", "SIMILAR", "1000"), "unknown operator SIMILAR"),
])
def test_a_filter_the_sandbox_cannot_evaluate_is_refused(owned: tuple[Wire, str], flt: dict[str, Any],
                                                         message: str) -> None:
    wire, _ = owned
    answer = wire.query("LeadsObj", [flt])
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, message)
