"""The sandbox's extension API: what the public FxiaoKe open API does not expose - the marketing
settings (channel bindings, scoring, tags, SOP templates, role permission matrices, ...), the definition
of a tenant's custom fields and custom objects (``mktctl.sandbox.definitions``), and the messages the
app sent (``mktctl.sandbox.messages``).

It lives under its own prefix, ``/mktctl/ext/v1``, with its own OpenAPI document at
``/mktctl/ext/v1/openapi.json``, and speaks the same envelope and the same token as the public API.
Each setting is stored by kind and natural key. Which kinds there are, and the JSON Schema each spec is
checked against, come from the catalog the sandbox is handed at start (see ``mktctl.sandbox.catalog``).
The request models below are what the OpenAPI document shows; the handlers check the bodies themselves.
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


class OptionSpec(BaseModel):
    label: str = Field(..., min_length=1, description="the option's label, e.g. 英国")
    value: str | None = Field(None, description="the option's value as records hold it (e.g. IYWea10Fx); "
                                                "generated when left out")


class FieldSpec(BaseModel):
    api_name: str | None = Field(None, description="a custom field's api name ending in __c (kept exactly, e.g. "
                                                   "field_a1B2c__c), or a standard field's name to relabel, "
                                                   "require or give options; generated (field_xxxxx__c) when "
                                                   "left out")
    label: str | None = Field(None, description="the field's label (required for a new field)")
    type: str | None = Field(None, description="text, long_text, number, currency, percentile, date, date_time, "
                                               "time, phone_number, email, url, select_one, select_many, "
                                               "true_or_false, employee, department, object_reference; "
                                               "required for a new field, fixed afterwards")
    is_required: bool | None = Field(None, description="whether a create must give a value")
    options: list[OptionSpec | str] | None = Field(None, description="a picklist's options, in order; a plain "
                                                                     "text is a label")
    target_api_name: str | None = Field(None, description="the object an object_reference field points at")
    help_text: str | None = Field(None, description="the hint shown under the field")


class FieldUpsertData(BaseModel):
    objectApiName: str = Field(..., description="the object that has the field, e.g. LeadsObj or object_x7Kp2__c")
    field: FieldSpec


class FieldListData(BaseModel):
    objectApiName: str


class FieldDeleteData(BaseModel):
    objectApiName: str
    api_name: str


class ObjectSpec(BaseModel):
    api_name: str | None = Field(None, description="ending in __c (kept exactly); generated (object_xxxxx__c) "
                                                   "when left out")
    display_name: str = Field(..., min_length=1, description="the object's name, e.g. 渠道伙伴联系人")
    description: str | None = None


class ObjectUpsertData(BaseModel):
    object: ObjectSpec


class ObjectDeleteData(BaseModel):
    api_name: str


class MessageListData(BaseModel):
    since: int | None = Field(None, description="only messages sent at or after this time (epoch ms)")
    toUser: str | None = Field(None, description="only messages to this employee (open user id)")


class FieldUpsertRequest(Identity):
    data: FieldUpsertData


class FieldListRequest(Identity):
    data: FieldListData


class FieldDeleteRequest(Identity):
    data: FieldDeleteData


class ObjectUpsertRequest(Identity):
    data: ObjectUpsertData


class ObjectDeleteRequest(Identity):
    data: ObjectDeleteData


class MessageListRequest(Identity):
    data: MessageListData = Field(default_factory=MessageListData)


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
