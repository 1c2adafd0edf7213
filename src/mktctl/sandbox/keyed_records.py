"""Records the extension API keeps by collection and natural key (``ext_records``): consent records, members
and content items (:mod:`mktctl.sandbox.consent_records`, :mod:`mktctl.sandbox.member_records`,
:mod:`mktctl.sandbox.content_items`).

An upsert of a batch says, per item, whether it was ``created``, ``updated`` or ``unchanged``: an item sent
again with the same values is not touched (its ``updatedAt`` stays), so that a client can repeat a batch
after a lost answer, and a rerun of a migration changes nothing. Lists page in key order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.extension import Identity
from mktctl.sandbox.store import dumps

MAX_LIST = 1000


class PageData(BaseModel):
    offset: int = Field(0, ge=0, description="how many records to skip, in key order")
    limit: int = Field(100, ge=1, le=MAX_LIST, description=f"at most {MAX_LIST}")


class PageRequest(Identity):
    data: PageData = Field(default_factory=lambda: PageData(offset=0, limit=100))


def parameter_error(message: str, description: str = "参数错误") -> p.SandboxError:
    return p.SandboxError(p.PARAMETER_ERROR, message, description)


def text(item: dict[str, Any], key: str, where: str, *, limit: int, required: bool = False) -> str | None:
    """A text value of ``item`` (None when absent and not required), else the error naming ``where``."""
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise parameter_error(f"{where}.{key} is required")
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise parameter_error(f"{where}.{key} must be a text of at most {limit} characters")
    return value


def whole(item: dict[str, Any], key: str, where: str, *, required: bool = False) -> int | None:
    """A whole number ≥ 0 of ``item`` (None when absent and not required)."""
    value = item.get(key)
    if value is None:
        if required:
            raise parameter_error(f"{where}.{key} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value >= 2**63:
        raise parameter_error(f"{where}.{key} must be a whole number, 0 or more")
    return value


def items_of(ctx: CallContext, name: str, limit: int) -> list[dict[str, Any]]:
    """``data.<name>``: a list of 1 to ``limit`` objects."""
    raw = ctx.data.get(name)
    if not isinstance(raw, list) or not raw:
        raise parameter_error(f"data.{name} must list 1 to {limit} items")
    if len(raw) > limit:
        raise parameter_error(f"data.{name} is too large: {len(raw)} items, at most {limit}", f"{name}超过上限{limit}")
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise parameter_error(f"data.{name}[{index}] must be an object")
    return raw


def upsert(ctx: CallContext, collection: str, items: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Store each (key, data); the answer counts what was created, updated and left unchanged, and lists
    each key's outcome in order."""
    now = ctx.store.now_ms()
    outcomes: list[dict[str, str]] = []
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with ctx.store.transaction() as db:
        for key, data in items:
            text_ = dumps(data)
            row = db.execute("SELECT data FROM ext_records WHERE corp_id = ? AND collection = ? AND key = ?",
                             (ctx.corp_id, collection, key)).fetchone()
            if row is None:
                db.execute("INSERT INTO ext_records VALUES (?, ?, ?, ?, ?)", (ctx.corp_id, collection, key, text_, now))
                outcome = "created"
            elif row["data"] != text_:
                db.execute("UPDATE ext_records SET data = ?, updated_at = ? WHERE corp_id = ? AND collection = ? "
                           "AND key = ?", (text_, now, ctx.corp_id, collection, key))
                outcome = "updated"
            else:
                outcome = "unchanged"
            counts[outcome] += 1
            outcomes.append({"key": key, "outcome": outcome})
    return {"data": {**counts, "items": outcomes}}


def page(ctx: CallContext, collection: str, shape: Any = None) -> dict[str, Any]:
    """A page of the collection in key order: ``data`` {``items``, ``total``, ``offset``, ``limit``};
    ``shape(key, data, updated_at)`` makes each item (default: the stored data with ``key`` and ``updatedAt``)."""
    try:
        info = PageData.model_validate(ctx.data)
    except ValueError as exc:
        raise parameter_error(f"offset and limit: {exc}") from None
    with ctx.store.reading() as db:
        total = db.execute("SELECT count(*) FROM ext_records WHERE corp_id = ? AND collection = ?",
                           (ctx.corp_id, collection)).fetchone()[0]
        rows = db.execute("SELECT key, data, updated_at FROM ext_records WHERE corp_id = ? AND collection = ? "
                          "ORDER BY key LIMIT ? OFFSET ?", (ctx.corp_id, collection, info.limit, info.offset)
                          ).fetchall()
    made = [shape(r["key"], json.loads(r["data"]), r["updated_at"]) if shape else
            {**json.loads(r["data"]), "key": r["key"], "updatedAt": r["updated_at"]} for r in rows]
    return {"data": {"items": made, "total": int(total), "offset": info.offset, "limit": info.limit}}


def fetch(ctx: CallContext, collection: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored data of these keys (those that exist)."""
    found: dict[str, dict[str, Any]] = {}
    with ctx.store.reading() as db:
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            marks = ",".join("?" * len(part))
            for row in db.execute(f"SELECT key, data FROM ext_records WHERE corp_id = ? AND collection = ? "
                                  f"AND key IN ({marks})", (ctx.corp_id, collection, *part)):
                found[row["key"]] = json.loads(row["data"])
    return found
