"""The sandbox's consent records, members and content (the extension API, sandbox only): keyed upserts that
change nothing when repeated, addresses compared in one spelling, tiers checked against the member settings."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mktctl.errors import InvalidRequest

PREFIX = "/mktctl/ext/v1"


def _call(tenant: Any, path: str, data: dict[str, Any]) -> dict[str, Any]:
    return dict(tenant.client.call(f"{PREFIX}{path}", {"data": data})["data"])


def test_a_consent_record_blocks_its_address_in_any_spelling(tenant: Any) -> None:
    _call(tenant, "/consent/upsert", {"records": [{"channel": "短信", "address": "139-1234-5678"},
                                                  {"channel": "邮件", "address": " Zhang@QQ.com "}]})

    sms = _call(tenant, "/consent/check", {"channel": "短信", "addresses": ["+8613912345678", "8613912345678",
                                                                            "13912345679"]})
    mail = _call(tenant, "/consent/check", {"channel": "邮件", "addresses": ["zhang@qq.com"]})

    assert [b["address"] for b in sms["blocked"]] == ["+8613912345678", "8613912345678"]
    assert sms["reachable"] == ["13912345679"]
    assert mail["reachable"] == []


def test_an_opt_out_of_every_channel_blocks_each_channel(tenant: Any) -> None:
    _call(tenant, "/consent/upsert", {"records": [{"channel": "全部", "address": "a@corp.cn", "at": 1700000000000}]})

    for channel in ("邮件", "短信", "公众号", "企业微信"):
        found = _call(tenant, "/consent/check", {"channel": channel, "addresses": ["a@corp.cn"]})
        assert found["blocked"] == [{"address": "a@corp.cn", "channel": "全部", "at": 1700000000000}]


def test_an_upsert_sent_again_changes_nothing(tenant: Any) -> None:
    records = [{"channel": "邮件", "address": "b@corp.cn", "reason": "too many"}]
    first = _call(tenant, "/consent/upsert", {"records": records})
    listed = _call(tenant, "/consent/list", {})

    again = _call(tenant, "/consent/upsert", {"records": records})

    assert (first["created"], again["unchanged"]) == (1, 1)
    assert _call(tenant, "/consent/list", {}) == listed
    changed = _call(tenant, "/consent/upsert", {"records": [{**records[0], "status": "opted_in"}]})
    assert changed["updated"] == 1
    assert _call(tenant, "/consent/check", {"channel": "邮件", "addresses": ["b@corp.cn"]})["reachable"] == \
        ["b@corp.cn"]


@pytest.mark.parametrize(("record", "message"), [
    ({"channel": "微博", "address": "a@b.cn"}, "records[0].channel '微博': one of 邮件, 短信, 公众号, 企业微信, 全部"),
    ({"channel": "邮件"}, "records[0].address is required"),
    ({"channel": "邮件", "address": "a@b.cn", "status": "maybe"}, "records[0].status 'maybe': opted_out or opted_in"),
    ({"channel": "邮件", "address": "a@b.cn", "at": -1}, "records[0].at must be a whole number, 0 or more"),
])
def test_a_bad_consent_record_is_refused_with_its_index(tenant: Any, record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRequest, match=re.escape(message)):
        _call(tenant, "/consent/upsert", {"records": [record]})


def test_members_keep_tier_and_points_and_a_tier_outside_the_settings_is_refused(tenant: Any) -> None:
    _call(tenant, "/members/upsert", {"members": [{"member_no": "M1", "tier": "金卡", "points": 10}]})
    tenant.client.call(f"{PREFIX}/settings/member_marketing/upsert", {"data": {"key": "member_marketing", "spec": {
        "tiers": [{"name": "普通会员", "growth_min": 0}, {"name": "金卡会员", "growth_min": 2000}]}}})

    with pytest.raises(InvalidRequest, match=re.escape("members[0].tier '金卡' is not a tier of the member settings")):
        _call(tenant, "/members/upsert", {"members": [{"member_no": "M2", "tier": "金卡", "points": 1}]})
    _call(tenant, "/members/upsert", {"members": [{"member_no": "M2", "tier": "金卡会员", "points": 1200}]})

    listed = _call(tenant, "/members/list", {"limit": 1, "offset": 1})
    assert listed["total"] == 2 and [m["member_no"] for m in listed["items"]] == ["M2"]
    assert listed["items"][0]["points"] == 1200


def test_content_keeps_a_files_size_and_digest_but_lists_no_bytes(tenant: Any) -> None:
    import base64
    import hashlib

    data = b"%PDF-1.4 content"
    _call(tenant, "/content/upsert", {"items": [
        {"key": "wp", "type": "file", "title": "白皮书", "file_name": "wp.pdf",
         "data": base64.b64encode(data).decode()},
        {"key": "t1", "type": "email_template", "title": "欢迎", "body": "<p>{客户姓名}</p>", "subject": "欢迎"}]})

    items = {i["key"]: i for i in _call(tenant, "/content/list", {})["items"]}

    assert items["wp"]["size"] == len(data) and items["wp"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert "data" not in items["wp"] and "body" not in items["t1"]
    assert items["t1"]["body_length"] == len("<p>{客户姓名}</p>")
    with pytest.raises(InvalidRequest, match=re.escape("items[0]: a poster needs its data")):
        _call(tenant, "/content/upsert", {"items": [{"key": "p", "type": "poster", "title": "海报"}]})


def test_the_records_are_in_the_extension_apis_openapi_document(tenant: Any) -> None:
    document = tenant.sandbox.http.get("/mktctl/ext/v1/openapi.json").json()

    for path in ("/consent/upsert", "/consent/check", "/members/upsert", "/content/upsert"):
        assert path in document["paths"]
    assert "ConsentUpsertRequest" in document["components"]["schemas"]
