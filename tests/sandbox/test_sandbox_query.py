"""``/cgi/crm/v2/data/query`` on the wire: every filter operator, orders, limit and offset rules, totals,
field projection and deep paging by ``_id``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mktctl.sandbox.server import ServedSandbox
from tests.helpers.served import Wire

QUERY = "/cgi/crm/v2/data/query"
LEADS = [
    {"name": "张三", "company": "示例科技", "mobile": "13800000001", "source": "1", "remark": "50%_off"},
    {"name": "李四", "company": "示例贸易", "mobile": "13800000002", "source": "2"},
    {"name": "王五", "company": "远景科技", "source": "1", "remark": "回访"},
    {"name": "赵六", "mobile": "13900000004", "source": "other"},
]
EVENTS = [
    {"name": "小型沙龙", "budget": "1000", "begin_time": 1_700_000_000_000},
    {"name": "行业峰会", "budget": "20000.50", "begin_time": 1_710_000_000_000},
    {"name": "发布会", "budget": "5000", "begin_time": 1_720_000_000_000},
    {"name": "线上直播"},
]


@pytest.fixture(scope="module")
def leads(module_sandbox: ServedSandbox) -> Iterator[Wire]:
    """A corp holding LEADS and EVENTS, shared by the module's read-only tests."""
    wire = Wire(module_sandbox.url, module_sandbox.store.create_corp("查询测试"))
    for lead in LEADS:
        wire.create("LeadsObj", **lead)
    for event in EVENTS:
        wire.create("MarketingEventObj", **event)
    yield wire
    wire.close()


def f(field: str, operator: str, *values: Any) -> dict[str, Any]:
    return {"field_name": field, "field_values": list(values), "operator": operator}


@pytest.mark.parametrize(("flt", "expected"), [
    (f("name", "EQ", "张三"), ["张三"]),
    (f("source", "N", "1"), ["李四", "赵六"]),
    (f("mobile", "N", "13800000001"), ["李四", "王五", "赵六"]),  # N matches an empty field
    (f("company", "LIKE", "科技"), ["张三", "王五"]),
    (f("company", "NLIKE", "科技"), ["李四", "赵六"]),
    (f("remark", "LIKE", "%_"), ["张三"]),  # % and _ are literal characters, not wildcards
    (f("company", "STARTWITH", "示例"), ["张三", "李四"]),
    (f("company", "ENDWITH", "贸易"), ["李四"]),
    (f("mobile", "IS"), ["王五"]),
    (f("mobile", "ISN"), ["张三", "李四", "赵六"]),
    (f("source", "IN", "2", "other"), ["李四", "赵六"]),
    (f("source", "NIN", "1", "2"), ["赵六"]),
    (f("mobile", "GT", "13800000002"), ["赵六"]),
    (f("mobile", "GTE", "13800000002"), ["李四", "赵六"]),
    (f("mobile", "LT", "13800000002"), ["张三"]),
    (f("mobile", "LTE", "13800000002"), ["张三", "李四"]),
    (f("mobile", "BETWEEN", "13800000001", "13800000002"), ["张三", "李四"]),
    (f("mobile", "NBETWEEN", "13800000001", "13800000002"), ["王五", "赵六"]),
])
def test_each_filter_operator_on_leads(leads: Wire, flt: dict[str, Any], expected: list[str]) -> None:
    assert sorted(leads.names("LeadsObj", [flt])) == sorted(expected)


@pytest.mark.parametrize(("flt", "expected"), [
    (f("budget", "GT", "2000"), ["行业峰会", "发布会"]),  # currency compares as a number, not as text
    (f("budget", "GTE", 5000), ["行业峰会", "发布会"]),
    (f("budget", "LT", "5000"), ["小型沙龙"]),
    (f("budget", "LTE", "20000.5"), ["小型沙龙", "行业峰会", "发布会"]),
    (f("budget", "BETWEEN", "900", "5000"), ["小型沙龙", "发布会"]),
    (f("begin_time", "GT", "1705000000000"), ["行业峰会", "发布会"]),  # epoch ms, given as text or number
    (f("begin_time", "LT", 1705000000000), ["小型沙龙"]),
    (f("budget", "EQ", "5000"), ["发布会"]),
])
def test_numbers_and_times_compare_as_numbers(leads: Wire, flt: dict[str, Any], expected: list[str]) -> None:
    assert sorted(leads.names("MarketingEventObj", [flt])) == sorted(expected)


def test_create_time_filters_and_several_filters_are_anded(leads: Wire) -> None:
    rows = leads.query("LeadsObj", orders=[{"fieldName": "create_time", "isAsc": True}])["data"]["dataList"]
    first = rows[0]["create_time"]
    assert leads.names("LeadsObj", [f("create_time", "GTE", str(first)), f("source", "EQ", "1")]) \
        == ["张三", "王五"]


@pytest.mark.parametrize("operator", ["HASANYOF", "CONTAINS"])
def test_list_fields_match_with_hasanyof_and_contains(leads: Wire, operator: str) -> None:
    admin = leads.corp.admin_open_user_id
    assert len(leads.names("LeadsObj", [f("owner", operator, admin, "FSUID_OTHER")])) == 4
    assert leads.names("LeadsObj", [f("owner", operator, "FSUID_OTHER")]) == []
    assert leads.names("LeadsObj", [f("owner", "NHASANYOF", admin)]) == []


@pytest.mark.parametrize(("flt", "message"), [
    (f("name", "EQ"), "operator EQ needs 1 value(s) in field_values"),
    (f("mobile", "BETWEEN", "1"), "operator BETWEEN needs 2 value(s) in field_values"),
    (f("name", "SOUNDSLIKE", "x"), "unknown operator SOUNDSLIKE"),
    (f("nickname", "EQ", "x"), "field nickname does not exist on LeadsObj"),
    ({"field_values": ["x"], "operator": "EQ"}, "field_name is required in every filter"),
    ("name = 'x'", "each filter must be an object"),
])
def test_a_malformed_filter_is_refused(leads: Wire, flt: Any, message: str) -> None:
    answer = leads.query("LeadsObj", [flt])
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, message)


def test_orders_sort_by_several_fields_each_way(leads: Wire) -> None:
    orders = [{"fieldName": "source", "isAsc": True}, {"fieldName": "name", "isAsc": False}]
    assert leads.names("LeadsObj", orders=orders) == ["王五", "张三", "李四", "赵六"]
    by_budget = leads.names("MarketingEventObj", [f("budget", "ISN")],
                            orders=[{"fieldName": "budget", "isAsc": False}])
    assert by_budget == ["行业峰会", "发布会", "小型沙龙"]


def test_without_orders_records_come_in_id_order(leads: Wire) -> None:
    ids = [row["_id"] for row in leads.query("LeadsObj")["data"]["dataList"]]
    assert ids == sorted(ids)
    assert [row["name"] for row in leads.query("LeadsObj")["data"]["dataList"]] == [d["name"] for d in LEADS]


def test_limit_and_offset_page_through_with_the_total(leads: Wire) -> None:
    pages = [leads.query("LeadsObj", limit=2, offset=offset)["data"] for offset in (0, 2, 4)]
    assert [len(page["dataList"]) for page in pages] == [2, 2, 0]
    assert [(page["total"], page["offset"], page["limit"]) for page in pages] == [(4, 0, 2), (4, 2, 2), (4, 4, 2)]


def test_the_total_is_left_out_when_not_asked_for(leads: Wire) -> None:
    answer = leads.call(QUERY, {"dataObjectApiName": "LeadsObj", "find_explicit_total_num": False,
                                "search_query_info": {"limit": 10, "offset": 0}})
    assert answer["data"]["total"] == 0 and len(answer["data"]["dataList"]) == 4


def test_field_projection_returns_only_the_asked_fields_and_the_id(leads: Wire) -> None:
    rows = leads.query("LeadsObj", fieldProjection=["name"])["data"]["dataList"]
    assert all(set(row) == {"_id", "name"} for row in rows)


@pytest.mark.parametrize(("limit", "offset", "code", "message"), [
    (101, 0, 32000, "limit must be between 1 and 100"),
    (0, 0, 32000, "limit must be between 1 and 100"),
    (10, 5, 32000, "offset must be a non-negative multiple of limit"),
    (10, -10, 32000, "offset must be a non-negative multiple of limit"),
    (100, 10100, 10013, "offset out of range 10000"),
    ("ten", 0, 32000, "limit must be an integer"),
])
def test_the_platforms_paging_limits(wire: Wire, limit: Any, offset: Any, code: int, message: str) -> None:
    answer = wire.query("LeadsObj", limit=limit, offset=offset)
    assert (answer["errorCode"], answer["errorMessage"]) == (code, message)
    if code == 10013:
        assert answer["errorDescription"] == "offset 不能超过10000"


def test_offset_10000_itself_is_allowed(wire: Wire) -> None:
    answer = wire.query("LeadsObj", limit=100, offset=10000)
    assert answer["errorCode"] == 0 and answer["data"]["dataList"] == []


def test_deep_paging_by_id_reaches_every_record(wire: Wire) -> None:
    """The documented way past the offset ceiling: order by _id, offset 0, filter _id GT the last one."""
    for number in range(25):
        wire.create("LeadsObj", name=f"线索{number:02d}")
    seen: list[str] = []
    last = None
    while True:
        filters = [f("_id", "GT", last)] if last else []
        rows = wire.query("LeadsObj", filters, limit=10, orders=[{"fieldName": "_id", "isAsc": True}])
        page = rows["data"]["dataList"]
        seen += [row["name"] for row in page]
        if len(page) < 10:
            break
        last = page[-1]["_id"]
    assert seen == [f"线索{number:02d}" for number in range(25)]
