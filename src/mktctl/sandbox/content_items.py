"""Items of the content centre (内容中心): articles, files, images, posters and email templates, kept by the
extension API.

营销通's content centre and email templates are edited in the web console; the public API has no call for
them. The sandbox keeps uploaded items by a key the client chooses, so that a migration can upload what
the old system had and a rerun finds it there:

* ``/mktctl/ext/v1/content/upsert``: ``items`` [{``key``, ``type`` (``article``, ``file``, ``image``,
  ``poster``, ``email_template``), ``title``, ``category``, ``summary``, ``subject`` (a template's),
  ``body`` (the HTML of an article or a template, at most 1 MB), ``file_name`` and ``data`` (a file's bytes in
  base64, at most 4 MB), ``url``}], at most 20;
* ``/mktctl/ext/v1/content/list``: the items without their bytes and bodies (``size`` and ``sha256`` of the
  file, ``body_length``), a page at a time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from pydantic import BaseModel, Field

from mktctl.sandbox import keyed_records as kr
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.extension import Identity

COLLECTION = "content"
TYPES = ("article", "file", "image", "poster", "email_template")
MAX_ITEMS = 20
MAX_BODY = 1_000_000
MAX_FILE = 4 * 1024 * 1024


class ContentItem(BaseModel):
    key: str = Field(..., description="the item's natural key, chosen by the client (e.g. the old system's id)")
    type: str = Field(..., description=", ".join(TYPES))
    title: str
    category: str | None = None
    summary: str | None = None
    subject: str | None = Field(None, description="an email template's subject")
    body: str | None = Field(None, description="the HTML of an article or an email template")
    file_name: str | None = None
    data: str | None = Field(None, description="the file's bytes in base64")
    url: str | None = None


class ContentUpsertData(BaseModel):
    items: list[ContentItem] = Field(..., description=f"at most {MAX_ITEMS}")


class ContentUpsertRequest(Identity):
    data: ContentUpsertData


def _bytes(item: dict[str, Any], where: str) -> bytes | None:
    raw = item.get("data")
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > MAX_FILE * 4 // 3 + 8:
        raise kr.parameter_error(f"{where}.data must be base64 of at most {MAX_FILE} bytes")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise kr.parameter_error(f"{where}.data is not base64") from None


def upsert(ctx: CallContext) -> dict[str, Any]:
    items = []
    for index, item in enumerate(kr.items_of(ctx, "items", MAX_ITEMS)):
        where = f"items[{index}]"
        key = kr.text(item, "key", where, limit=200, required=True)
        kind = kr.text(item, "type", where, limit=20, required=True)
        if kind not in TYPES:
            raise kr.parameter_error(f"{where}.type {kind!r}: one of {', '.join(TYPES)}")
        assert key is not None
        content = _bytes(item, where)
        if kind in ("file", "image", "poster") and content is None and not item.get("url"):
            raise kr.parameter_error(f"{where}: a {kind} needs its data (or a url)")
        data = {"type": kind, "title": kr.text(item, "title", where, limit=200, required=True),
                "category": kr.text(item, "category", where, limit=100),
                "summary": kr.text(item, "summary", where, limit=500),
                "subject": kr.text(item, "subject", where, limit=200),
                "body": kr.text(item, "body", where, limit=MAX_BODY),
                "file_name": kr.text(item, "file_name", where, limit=200),
                "url": kr.text(item, "url", where, limit=2000),
                "size": len(content) if content is not None else None,
                "sha256": hashlib.sha256(content).hexdigest() if content is not None else None,
                "data": item.get("data")}
        items.append((key, data))
    return kr.upsert(ctx, COLLECTION, items)


def _shown(key: str, data: dict[str, Any], updated: int) -> dict[str, Any]:
    shown = {k: v for k, v in data.items() if k not in ("data", "body")}
    shown["body_length"] = len(data["body"]) if data.get("body") else 0
    return {"key": key, **shown, "updatedAt": updated}


def listing(ctx: CallContext) -> dict[str, Any]:
    return kr.page(ctx, COLLECTION, _shown)


ROUTES = (
    ("/content/upsert", upsert, "Upload items to the content centre (articles, files, images, posters, email "
                                "templates)", ContentUpsertRequest),
    ("/content/list", listing, "List the content centre's items (without their bytes)", kr.PageRequest),
)
