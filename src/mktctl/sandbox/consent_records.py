"""Consent records (退订与同意记录): who opted out of which channel, kept by the extension API.

On the platform an unsubscribe is recorded when a person clicks the link of a marketing email or replies
the SMS keyword, and the platform then suppresses that address on that channel; the public API has no call
to write or read these records (a real tenant gets them by a manual import). The sandbox keeps them so that
a migration can carry every opt-out over and prove afterwards that nobody who opted out is reachable:

* ``/mktctl/ext/v1/consent/upsert``: ``records`` [{``channel`` (邮件, 短信, 公众号, 企业微信, or 全部 for every
  channel), ``address`` (an email, a mobile or an open id), ``status`` (``opted_out`` or ``opted_in``), ``at``
  (epoch ms), ``source``, ``reason``}], at most 500; one record per channel and address (the later replaces);
* ``/mktctl/ext/v1/consent/list``: the records, a page at a time;
* ``/mktctl/ext/v1/consent/check``: ``channel`` and ``addresses`` (at most 500): which of them the tenant
  would still reach on that channel. An address is blocked when it is ``opted_out`` on that channel or on
  全部. Addresses are compared in one spelling: emails trimmed and in lower case, mainland mobiles as
  ``+86`` and 11 digits (``139 1234 5678``, ``8613912345678`` and ``+8613912345678`` are one).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from mktctl.sandbox import keyed_records as kr
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.extension import Identity

COLLECTION = "consent"
CHANNELS = ("邮件", "短信", "公众号", "企业微信")
ALL = "全部"
STATUSES = ("opted_out", "opted_in")
MAX_RECORDS = 500
_SEPARATORS = re.compile(r"[\s\-().]")
_MAINLAND = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")


class ConsentRecord(BaseModel):
    channel: str = Field(..., description="邮件, 短信, 公众号, 企业微信, or 全部 (every channel)")
    address: str = Field(..., description="the email, mobile or open id the record is about")
    status: str = Field("opted_out", description="opted_out or opted_in")
    at: int | None = Field(None, description="when the person opted out or in (epoch ms)")
    source: str | None = Field(None, description="where the record comes from, e.g. the previous system")
    reason: str | None = Field(None, description="why, as the person or the previous system gave it")


class ConsentUpsertData(BaseModel):
    records: list[ConsentRecord] = Field(..., description=f"at most {MAX_RECORDS}")


class ConsentCheckData(BaseModel):
    channel: str = Field(..., description="邮件, 短信, 公众号 or 企业微信")
    addresses: list[str] = Field(..., description=f"at most {MAX_RECORDS}")


class ConsentUpsertRequest(Identity):
    data: ConsentUpsertData


class ConsentCheckRequest(Identity):
    data: ConsentCheckData


def canonical(address: str) -> str:
    """One spelling per address: ``Zhang@QQ.com `` → ``zhang@qq.com``; ``139-1234-5678`` → ``+8613912345678``."""
    text = address.strip()
    if "@" in text:
        return text.lower()
    bare = _SEPARATORS.sub("", text)
    found = _MAINLAND.match(bare)
    if found:
        return "+86" + found.group(1)
    return bare


def _key(channel: str, address: str) -> str:
    return f"{channel}|{canonical(address)}"


def upsert(ctx: CallContext) -> dict[str, Any]:
    items = []
    for index, record in enumerate(kr.items_of(ctx, "records", MAX_RECORDS)):
        where = f"records[{index}]"
        channel = kr.text(record, "channel", where, limit=10, required=True)
        if channel not in (*CHANNELS, ALL):
            raise kr.parameter_error(f"{where}.channel {channel!r}: one of {', '.join((*CHANNELS, ALL))}")
        address = kr.text(record, "address", where, limit=200, required=True)
        assert channel is not None and address is not None
        if not canonical(address):
            raise kr.parameter_error(f"{where}.address is empty")
        status = kr.text(record, "status", where, limit=20) or "opted_out"
        if status not in STATUSES:
            raise kr.parameter_error(f"{where}.status {status!r}: opted_out or opted_in")
        data = {"channel": channel, "address": canonical(address), "status": status,
                "at": kr.whole(record, "at", where), "source": kr.text(record, "source", where, limit=100),
                "reason": kr.text(record, "reason", where, limit=500)}
        items.append((_key(channel, address), data))
    return kr.upsert(ctx, COLLECTION, items)


def listing(ctx: CallContext) -> dict[str, Any]:
    return kr.page(ctx, COLLECTION, lambda key, data, updated: {**data, "updatedAt": updated})


def check(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.data.get("channel")
    if channel not in CHANNELS:
        raise kr.parameter_error(f"channel {channel!r}: one of {', '.join(CHANNELS)}")
    addresses = ctx.data.get("addresses")
    if not isinstance(addresses, list) or len(addresses) > MAX_RECORDS or \
            not all(isinstance(a, str) for a in addresses):
        raise kr.parameter_error(f"addresses must list at most {MAX_RECORDS} texts")
    wanted = {a: (canonical(a)) for a in addresses}
    keys = [f"{c}|{value}" for value in set(wanted.values()) if value for c in (channel, ALL)]
    found = kr.fetch(ctx, COLLECTION, keys)
    blocked, reachable = [], []
    for address, value in wanted.items():
        records = [found[k] for k in (f"{channel}|{value}", f"{ALL}|{value}") if k in found]
        stop = next((r for r in records if r["status"] == "opted_out"), None)
        if stop is not None and value:
            blocked.append({"address": address, "channel": stop["channel"], "at": stop.get("at")})
        else:
            reachable.append(address)
    return {"data": {"channel": channel, "blocked": blocked, "reachable": reachable}}


ROUTES = (
    ("/consent/upsert", upsert, "Record who opted out of (or back into) a channel", ConsentUpsertRequest),
    ("/consent/list", listing, "List the consent records", kr.PageRequest),
    ("/consent/check", check, "Which addresses a channel would still reach", ConsentCheckRequest),
)
