"""Acceptance: an independent FxiaoKe client, written by others against the real cloud, works against
``mktctl sandbox serve`` run as a real subprocess.

The client is ``fxiaoke-python`` from PyPI (package ``fxiaoke``). It hard-codes
``https://open.fxiaoke.com``; the only change made to it is a ``requests`` adapter mounted on its own
session that forwards those URLs to the served sandbox over loopback - what a hosts-file entry or a
proxy would do. The requests, bodies and reading of answers are all its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from mktctl.sandbox.store import Corp
from tests.helpers.served import Wire, mktctl_env, served_process

pytestmark = [pytest.mark.e2e, pytest.mark.served]
CLOUD = "https://open.fxiaoke.com"
Served = tuple[str, dict[str, str]]


class ToSandbox(HTTPAdapter):
    """Sends what the client addresses to the FxiaoKe cloud to the served sandbox instead."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(str(request.url))
        request.url = self.url + parts.path + (f"?{parts.query}" if parts.query else "")
        kwargs["proxies"] = {}  # loopback: never through a proxy from the environment
        return super().send(request, **kwargs)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``python -m mktctl sandbox serve --port N --data FILE``, and the credentials mktctl shows for it."""
    folder = tmp_path_factory.mktemp("acceptance")
    data = folder / "sandbox.db"
    with served_process(data) as process:
        shown = subprocess.run([sys.executable, "-m", "mktctl", "sandbox", "credentials", "--data", str(data),
                                "--output", "json", "--url", process.url], env=mktctl_env(folder), cwd=folder,
                               capture_output=True, text=True, check=True, timeout=60)
        yield process.url, json.loads(shown.stdout)
        assert process.stop() == 0, process.stderr


def fxiaoke_api(served: Served, **changes: str) -> Any:
    from fxiaoke.api import FxiaokeApi

    url, creds = served
    settings = {"app_id": creds["app_id"], "app_secret": creds["app_secret"],
                "permanent_code": creds["permanent_code"], "open_user_id": creds["open_user_id"], **changes}
    api = FxiaokeApi.init(**settings)
    api._session.requests.mount(CLOUD, ToSandbox(url))
    return api


@pytest.fixture
def api(served: Served) -> Iterator[Any]:
    api = fxiaoke_api(served)
    yield api
    api._session.requests.close()


def test_it_gets_a_token(api: Any, served: Served) -> None:
    token = api._session.fresh_token()
    assert token["corpId"] == served[1]["corp_id"]
    assert len(token["corpAccessToken"]) == 32
    assert api._session.fresh_token() == token, "it caches the token, as it would against the cloud"


def test_it_creates_a_lead_and_queries_it_back(api: Any) -> None:
    from fxiaoke.op_create import createObj
    from fxiaoke.op_get import getObj
    from fxiaoke.op_query import queryObj

    created = createObj(api).execute(object_data={"name": "张三", "mobile": "13800138000", "company": "示例科技"},
                                     dataObjectApiName="LeadsObj")
    assert created["errorCode"] == 0
    lead_id = created["dataId"]

    cursor = queryObj(api).execute(dataObjectApiName="LeadsObj", filters=[
        {"field_name": "mobile", "field_values": ["13800138000"], "operator": "EQ"}])
    rows = list(cursor)
    assert [(row["_id"], row["name"], row["company"]) for row in rows] == [(lead_id, "张三", "示例科技")]
    assert cursor.total() == 1

    record = getObj(api).execute(lead_id, dataObjectApiName="LeadsObj")
    assert (record["_id"], record["mobile"]) == (lead_id, "13800138000")


def test_its_cursor_pages_through_a_query(api: Any) -> None:
    from fxiaoke.op_create import createObj
    from fxiaoke.op_query import queryObj

    for number in range(5):
        createObj(api).execute(object_data={"name": f"翻页{number}", "company": "翻页测试有限公司"},
                               dataObjectApiName="LeadsObj")
    cursor = queryObj(api).execute(dataObjectApiName="LeadsObj", limit=2, filters=[
        {"field_name": "company", "field_values": ["翻页测试有限公司"], "operator": "EQ"}])
    assert sorted(row["name"] for row in cursor) == [f"翻页{number}" for number in range(5)]
    assert cursor.total() == 5
    assert api.get_num_requests_succeeded() == api.get_num_requests_attempted() == 8  # 5 creates, 3 pages


def test_it_describes_an_object(api: Any) -> None:
    from fxiaoke.baseObj import baseObj

    answer = baseObj(api).describe("LeadsObj")
    assert answer["describe"]["api_name"] == "LeadsObj"
    assert {"name", "mobile", "company", "source"} <= set(answer["describe"]["fields"])


def test_wrong_credentials_are_refused_as_the_cloud_refuses_them(served: Served) -> None:
    from fxiaoke.op_query import queryObj

    api = fxiaoke_api(served, app_secret="0" * 32)
    assert api._session.fresh_token() == {"corpAccessToken": None, "corpId": None}  # its token call failed (10006)
    with pytest.raises(RuntimeError, match="'errorCode': 20017"):
        queryObj(api).execute(dataObjectApiName="LeadsObj")
    api._session.requests.close()


def wire_for(served: Served) -> Wire:
    url, creds = served
    return Wire(url, Corp(corp_id=creds["corp_id"], ea=creds["ea"], name=creds["corp_name"], app_id=creds["app_id"],
                          app_secret=creds["app_secret"], permanent_code=creds["permanent_code"],
                          admin_open_user_id=creds["open_user_id"]))


def test_it_routes_a_custom_object_to_the_custom_paths_and_they_answer(api: Any, served: Served) -> None:
    from fxiaoke.op_create import createObj
    from fxiaoke.op_get import getObj
    from fxiaoke.op_query import queryObj

    wire = wire_for(served)
    assert wire.call("/mktctl/ext/v1/objects/upsert", {"object": {"api_name": "object_pc7Xy__c",
                                                                  "display_name": "渠道伙伴"}})["errorCode"] == 0
    assert wire.call("/mktctl/ext/v1/fields/upsert", {"objectApiName": "object_pc7Xy__c", "field": {
        "api_name": "field_lv1Ab__c", "label": "伙伴等级", "type": "select_one",
        "options": [{"label": "金牌", "value": "gold"}, {"label": "银牌", "value": "silver"}]}})["errorCode"] == 0
    wire.close()
    created = createObj(api).execute(object_data={"name": "华东伙伴", "field_lv1Ab__c": "gold"},
                                     dataObjectApiName="object_pc7Xy__c")
    record_id = created["dataId"]
    cursor = queryObj(api).execute(dataObjectApiName="object_pc7Xy__c", filters=[
        {"field_name": "field_lv1Ab__c", "field_values": ["gold"], "operator": "EQ"}])
    assert [(row["_id"], row["name"]) for row in cursor] == [(record_id, "华东伙伴")]
    assert getObj(api).execute(record_id, dataObjectApiName="object_pc7Xy__c")["field_lv1Ab__c"] == "gold"
    from fxiaoke.baseObj import baseObj

    fields = baseObj(api).describe("object_pc7Xy__c")["describe"]["fields"]
    assert fields["field_lv1Ab__c"]["options"] == [{"value": "gold", "label": "金牌"},
                                                   {"value": "silver", "label": "银牌"}]


def test_it_writes_and_filters_a_tenant_field_of_a_preset_object(api: Any, served: Served) -> None:
    from fxiaoke.op_create import createObj
    from fxiaoke.op_query import queryObj

    wire = wire_for(served)
    assert wire.call("/mktctl/ext/v1/fields/upsert", {"objectApiName": "LeadsObj", "field": {
        "api_name": "field_a1B2c__c", "label": "展会编号", "type": "text"}})["errorCode"] == 0
    wire.close()
    createObj(api).execute(object_data={"name": "展会线索", "field_a1B2c__c": "EXPO-7"}, dataObjectApiName="LeadsObj")
    rows = list(queryObj(api).execute(dataObjectApiName="LeadsObj", filters=[
        {"field_name": "field_a1B2c__c", "field_values": ["EXPO-7"], "operator": "EQ"}]))
    assert [row["name"] for row in rows] == ["展会线索"]


def test_the_airflow_providers_incremental_query_shape_is_answered(api: Any) -> None:
    """airflow-provider-fxiaoke's hook (it needs a full Airflow to import) queries through this client with a
    BETWEEN on last_modified_time in epoch milliseconds, 100 a page: the same call, made directly."""
    import time

    from fxiaoke.op_create import createObj
    from fxiaoke.op_query import queryObj

    start = int(time.time() * 1000) - 1
    createObj(api).execute(object_data={"name": "增量同步"}, dataObjectApiName="LeadsObj")
    cursor = queryObj(api).execute(dataObjectApiName="LeadsObj", filters=[
        {"field_name": "last_modified_time", "field_values": [start, start + 3_600_000], "operator": "BETWEEN"}],
        limit=100, offset=0)
    assert "增量同步" in [row["name"] for row in cursor]
