"""The client's CRM helpers against a served sandbox: the record life cycle, typed errors, and reading
every record of a query by deep paging (no 10000-offset ceiling, pages of the platform's 100)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mktctl import errors as e
from mktctl.sandbox.server import ServedSandbox
from mktctl.tenant.client import CallRecord, FxiaokeClient
from tests.helpers.served import client_for


@pytest.fixture
def client(served_sandbox: ServedSandbox) -> Iterator[FxiaokeClient]:
    client = client_for(served_sandbox)
    yield client
    client.close()


def test_a_record_through_its_life(client: FxiaokeClient) -> None:
    record_id = client.crm_create("LeadsObj", {"name": "张三", "mobile": "13800138000", "source": "4"})
    assert client.crm_get("LeadsObj", record_id)["mobile"] == "13800138000"
    client.crm_update("LeadsObj", record_id, {"company": "示例科技"})
    rows, total = client.crm_query("LeadsObj", [{"field_name": "company", "field_values": ["示例科技"],
                                                 "operator": "EQ"}], fields=["name"])
    assert (rows, total) == ([{"_id": record_id, "name": "张三"}], 1)
    client.crm_invalid("LeadsObj", record_id)
    assert client.crm_query("LeadsObj")[1] == 0
    client.crm_delete("LeadsObj", [record_id])
    with pytest.raises(e.NotFound) as caught:
        client.crm_get("LeadsObj", record_id)
    assert caught.value.code == 32002


def test_create_with_the_time_it_really_happened(client: FxiaokeClient) -> None:
    record_id = client.crm_create("LeadsObj", {"name": "历史线索", "create_time": 1_600_000_000_000},
                                  specify_time=True)
    assert client.crm_get("LeadsObj", record_id)["create_time"] == 1_600_000_000_000


def test_a_refused_value_is_an_invalid_request_with_the_platforms_words(client: FxiaokeClient) -> None:
    with pytest.raises(e.InvalidRequest) as caught:
        client.crm_create("LeadsObj", {"name": "张三", "source": "99"})
    assert caught.value.message == "value '99' is not an option of source (线索来源的选项值不合法)"
    assert caught.value.path == "/cgi/crm/v2/data/create" and caught.value.trace_id


def test_describe(client: FxiaokeClient) -> None:
    describe = client.crm_describe("NewOpportunityObj")
    assert describe["fields"]["amount"]["type"] == "currency"


def test_crm_iter_reads_every_record_in_pages_of_100(served_sandbox: ServedSandbox) -> None:
    calls: list[CallRecord] = []
    client = client_for(served_sandbox, on_call=calls.append)
    with served_sandbox.store.transaction() as db:  # 250 leads, written straight into the store for speed
        for n in range(250):
            db.execute("INSERT INTO records (corp_id, api_name, id, data, create_time, last_modified_time) "
                       "VALUES (?, 'LeadsObj', ?, ?, 0, 0)",
                       (served_sandbox.corp.corp_id, f"{n:024x}", f'{{"name": "线索{n:03d}"}}'))
    names = [row["name"] for row in client.crm_iter("LeadsObj", fields=["name"])]
    assert names == [f"线索{n:03d}" for n in range(250)]
    assert [c.path for c in calls].count("/cgi/crm/v2/data/query") == 3
    odd = [row["name"] for row in client.crm_iter("LeadsObj", [
        {"field_name": "name", "field_values": ["5"], "operator": "ENDWITH"}])]
    assert odd == [f"线索{n:03d}" for n in range(250) if n % 10 == 5]
    client.close()
