"""The extension API: marketing settings the public API lacks, under its own prefix ``/mktctl/ext/v1``
with its own OpenAPI document, the same envelope and the same token. ``--api public`` has no such prefix,
so that every extension kind becomes a manual step, as against a real tenant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mktctl.kinds.catalog import extension_catalog
from mktctl.sandbox.catalog import Catalog
from mktctl.sandbox.server import ServedSandbox
from mktctl.tenant.connect import Tenant
from mktctl.tenant.settings import TenantSettings
from tests.helpers.served import StartSandbox, Wire, client_for

EXT = "/mktctl/ext/v1"
KINDS = Catalog.from_dict({"kinds": {
    "tag_groups": {"summary": "标签组", "schema": {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}}}}},
    "lead_scoring": {"summary": "线索评分规则", "schema": {"type": "object", "properties": {
        "threshold": {"type": "integer"}}}},
}})


@pytest.fixture
def sandbox(served_sandbox_factory: StartSandbox) -> ServedSandbox:
    return served_sandbox_factory(catalog=KINDS)


@pytest.fixture
def ext(sandbox: ServedSandbox) -> Iterator[Wire]:
    wire = Wire(sandbox.url, sandbox.corp)
    yield wire
    wire.close()


def test_capabilities_list_the_kinds(ext: Wire) -> None:
    answer = ext.call(f"{EXT}/capabilities", {})
    assert answer["errorCode"] == 0 and answer["errorMessage"] == "success"
    assert answer["data"] == {"version": 1, "kinds": ["lead_scoring", "tag_groups"]}


def test_a_served_sandbox_offers_the_kinds_of_mktctls_registry(served_sandbox: ServedSandbox) -> None:
    wire = Wire(served_sandbox.url, served_sandbox.corp)
    assert wire.call(f"{EXT}/capabilities", {})["data"]["kinds"] == sorted(extension_catalog()["kinds"])
    wire.close()


def test_a_setting_is_upserted_by_its_natural_key_listed_and_deleted(ext: Wire) -> None:
    first = ext.call(f"{EXT}/settings/tag_groups/upsert", {"key": "行业", "spec": {"tags": ["制造", "金融"]}})
    assert first["errorCode"] == 0 and first["data"]["created"] is True
    again = ext.call(f"{EXT}/settings/tag_groups/upsert", {"key": "行业", "spec": {"tags": ["制造"]}})
    assert again["data"] == {"id": first["data"]["id"], "created": False}, "same key, same setting"

    items = ext.call(f"{EXT}/settings/tag_groups/list", {})["data"]["items"]
    assert [(i["id"], i["key"], i["spec"]) for i in items] == [(first["data"]["id"], "行业", {"tags": ["制造"]})]
    assert ext.call(f"{EXT}/settings/lead_scoring/list", {})["data"]["items"] == [], "kinds are apart"

    assert ext.call(f"{EXT}/settings/tag_groups/delete", {"key": "行业"})["errorCode"] == 0
    gone = ext.call(f"{EXT}/settings/tag_groups/delete", {"key": "行业"})
    assert (gone["errorCode"], gone["errorMessage"]) == (32002, "tag_groups 行业 not found")


@pytest.mark.parametrize(("path", "data", "message"), [
    ("settings/badges/list", {}, "unknown setting kind 'badges'"),
    ("settings/lead_scoring/upsert", {"key": "默认", "spec": {"threshold": "high"}},
     "lead_scoring 默认: threshold: 'high' is not of type 'integer'"),
])
def test_unknown_kinds_and_invalid_specs_are_refused(ext: Wire, path: str, data: dict[str, Any],
                                                     message: str) -> None:
    answer = ext.call(f"{EXT}/{path}", data)
    assert (answer["errorCode"], answer["errorMessage"]) == (32000, message)


def test_an_upsert_needs_a_key_and_a_spec(ext: Wire) -> None:
    answer = ext.call(f"{EXT}/settings/tag_groups/upsert", {"spec": {}})
    assert answer["errorCode"] == 32000 and answer["errorMessage"].startswith("data must have key and spec")


def test_the_extension_api_takes_the_same_token_in_either_style(ext: Wire) -> None:
    assert ext.post(f"{EXT}/capabilities", {})["errorCode"] == 20017
    assert ext.post(f"{EXT}/capabilities", {"corpAccessToken": "NOPE"})["errorCode"] == 20016
    assert ext.bearer(f"{EXT}/capabilities", {})["errorCode"] == 0


def test_settings_of_one_corp_are_invisible_to_another(ext: Wire, sandbox: ServedSandbox) -> None:
    ext.call(f"{EXT}/settings/tag_groups/upsert", {"key": "行业", "spec": {}})
    other = Wire(sandbox.url, sandbox.store.create_corp("别家"))
    assert other.call(f"{EXT}/settings/tag_groups/list", {})["data"]["items"] == []
    assert other.call(f"{EXT}/settings/tag_groups/delete", {"key": "行业"})["errorCode"] == 32002
    other.close()


def test_the_extension_api_has_its_own_openapi_document(ext: Wire) -> None:
    response = ext.http.get(f"{EXT}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "mktctl sandbox extension API"
    assert document["info"]["version"] == "1"
    assert "`lead_scoring`, `tag_groups`" in document["info"]["description"]
    assert document["servers"][0]["url"] == EXT, "its paths are relative to the prefix"
    assert sorted(document["paths"]) == ["/capabilities", "/consent/check", "/consent/list", "/consent/upsert",
                                         "/content/list", "/content/upsert", "/fields/delete", "/fields/list",
                                         "/fields/upsert", "/members/list", "/members/upsert", "/messages/list",
                                         "/objects/delete", "/objects/list", "/objects/upsert",
                                         "/settings/{kind}/delete", "/settings/{kind}/list",
                                         "/settings/{kind}/upsert"]
    assert all(set(item) == {"post"} for item in document["paths"].values())

    def resolve(ref: str) -> dict[str, Any]:
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return dict(node)

    refs: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            refs.extend([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs and all(resolve(ref) for ref in refs), "every $ref resolves inside the document"
    upsert = document["paths"]["/settings/{kind}/upsert"]["post"]["requestBody"]["content"]["application/json"]
    body = resolve(upsert["schema"]["$ref"])
    assert {"corpAccessToken", "corpId", "currentOpenUserId", "data"} <= set(body["properties"])
    assert set(resolve("#/components/schemas/UpsertData")["required"]) == {"key", "spec"}


def test_the_public_api_has_no_openapi_document_of_its_own(ext: Wire) -> None:
    assert ext.http.get("/openapi.json").status_code == 404
    assert ext.http.get("/docs").status_code == 404


def test_with_api_public_there_is_no_extension_prefix(served_sandbox_factory: StartSandbox) -> None:
    sandbox = served_sandbox_factory(api="public", catalog=KINDS)
    wire = Wire(sandbox.url, sandbox.corp)
    assert wire.http.post(f"{EXT}/capabilities", json={}).status_code == 404
    assert wire.http.get(f"{EXT}/openapi.json").status_code == 404
    assert wire.call("/cgi/crm/v2/object/list", {})["errorCode"] == 0, "the public API is all there"
    wire.close()

    tenant = Tenant(TenantSettings(name="public", url=sandbox.url), client_for(sandbox))
    assert tenant.extension_kinds() == set(), "mktctl sees no extension kinds: they become manual steps"
    tenant.close()


def test_mktctls_tenant_sees_the_extension_kinds(sandbox: ServedSandbox) -> None:
    tenant = Tenant(TenantSettings(name="full", url=sandbox.url), client_for(sandbox))
    assert tenant.extension_kinds() == set(KINDS.names())
    tenant.close()


def test_http_errors_of_the_extension_app_are_not_envelopes(ext: Wire) -> None:
    """Only the paths the extension app defines exist under the prefix: anything else is a plain 404."""
    response = ext.http.post(f"{EXT}/settings", json={})
    assert response.status_code == 404
