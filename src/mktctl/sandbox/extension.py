"""The sandbox's extension API: the marketing settings the public FxiaoKe open API does not expose
(channel bindings, scoring, tags, SOP templates, role permission matrices, ...).

It lives under its own prefix, ``/mktctl/ext/v1``, with its own OpenAPI document at
``/mktctl/ext/v1/openapi.json``, and speaks the same envelope and the same token as the public API.
Each setting is stored by kind and natural key. Which kinds there are, and the JSON Schema each spec is
checked against, come from the catalog the sandbox is handed at start (see ``mktctl.sandbox.catalog``).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.catalog import Catalog
from mktctl.sandbox.store import dumps

PREFIX = "/mktctl/ext/v1"


class Identity(BaseModel):
    corpAccessToken: str | None = Field(None, description="token from /cgi/corpAccessToken/get/V2")
    corpId: str | None = Field(None, description="FSCID_… corp id from the token answer")
    currentOpenUserId: str | None = Field(None, description="acting employee, FSUID_…")


class ListData(BaseModel):
    pass


class UpsertData(BaseModel):
    key: str = Field(..., min_length=1, description="the setting's natural key, e.g. a tag group name")
    spec: dict[str, Any] = Field(..., description="the setting's values, as the kind's model defines them")


class DeleteData(BaseModel):
    key: str = Field(..., min_length=1)


class ListRequest(Identity):
    data: ListData = Field(default_factory=ListData)


class UpsertRequest(Identity):
    data: UpsertData


class DeleteRequest(Identity):
    data: DeleteData


class Setting(BaseModel):
    id: str
    key: str
    spec: dict[str, Any]
    updatedAt: int


class Extension:
    """Handlers of the extension API for the setting kinds of a catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def _kind(self, kind: str) -> str:
        if kind not in self.catalog:
            raise p.SandboxError(p.PARAMETER_ERROR, f"unknown setting kind {kind!r}", "未知的设置类型")
        return kind

    def capabilities(self, ctx: CallContext) -> dict[str, Any]:
        return {"data": {"version": 1, "kinds": self.catalog.names()}}

    def list(self, ctx: CallContext, kind: str) -> dict[str, Any]:
        self._kind(kind)
        with ctx.store.reading() as db:
            rows = db.execute("SELECT * FROM ext_settings WHERE corp_id = ? AND kind = ? ORDER BY key",
                              (ctx.corp_id, kind)).fetchall()
        items = [{"id": r["id"], "key": r["key"], "spec": json.loads(r["spec"]), "updatedAt": r["updated_at"]}
                 for r in rows]
        return {"data": {"items": items}}

    def upsert(self, ctx: CallContext, kind: str) -> dict[str, Any]:
        self._kind(kind)
        try:
            data = UpsertData.model_validate(ctx.data)
        except ValueError as exc:
            raise p.SandboxError(p.PARAMETER_ERROR, f"data must have key and spec: {exc}") from None
        try:
            self.catalog.check(kind, data.spec)
        except ValueError as exc:
            raise p.SandboxError(p.PARAMETER_ERROR, f"{kind} {data.key}: {exc}", "配置不合法") from None
        now = ctx.store.now_ms()
        with ctx.store.transaction() as db:
            row = db.execute("SELECT id FROM ext_settings WHERE corp_id = ? AND kind = ? AND key = ?",
                             (ctx.corp_id, kind, data.key)).fetchone()
            if row:
                setting_id, created = row["id"], False
                db.execute("UPDATE ext_settings SET spec = ?, updated_at = ?"
                           " WHERE corp_id = ? AND kind = ? AND key = ?",
                           (dumps(data.spec), now, ctx.corp_id, kind, data.key))
            else:
                setting_id = f"ext-{kind}-{ctx.store.next_value(db, ctx.corp_id, 'ext', 0)}"
                created = True
                db.execute("INSERT INTO ext_settings VALUES (?, ?, ?, ?, ?, ?)",
                           (ctx.corp_id, kind, data.key, setting_id, dumps(data.spec), now))
        return {"data": {"id": setting_id, "created": created}}

    def delete(self, ctx: CallContext, kind: str) -> dict[str, Any]:
        self._kind(kind)
        try:
            data = DeleteData.model_validate(ctx.data)
        except ValueError as exc:
            raise p.SandboxError(p.PARAMETER_ERROR, f"data must have key: {exc}") from None
        with ctx.store.transaction() as db:
            gone = db.execute("DELETE FROM ext_settings WHERE corp_id = ? AND kind = ? AND key = ?",
                              (ctx.corp_id, kind, data.key)).rowcount
        if not gone:
            raise p.SandboxError(p.DATA_NOT_FOUND, f"{kind} {data.key} not found")
        return {}
