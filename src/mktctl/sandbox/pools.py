"""Lead pools and high seas: ``data/choose`` claims records waiting in a pool, ``data/return`` puts them back.

A lead created with ``leads_pool_id`` (an account with ``high_seas_id``) and no owner waits in that pool;
``changeOwner`` refuses it until someone claims it (shared/reference §2.3, §4.1). Claiming makes the
acting employee its owner, within the pool's ``limit_count``; returning clears the owner and records
why (``backReason``, and ``backReason__o`` for "other").
"""

from __future__ import annotations

import json
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox import records as r
from mktctl.sandbox import values as v
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.objects import BACK_REASONS, ObjectDef
from mktctl.sandbox.schema import Route, resolve


def _pooled(ctx: CallContext) -> tuple[ObjectDef, str, list[str]]:
    obj = resolve(ctx, ctx.data.get("apiName"), Route.PRESET)
    if obj.pool_field is None:
        raise p.SandboxError(p.PARAMETER_ERROR, "apiName must be LeadsObj or AccountObj: only leads and accounts "
                                                "wait in pools", "仅支持线索和客户")
    return obj, obj.pool_field, r.id_list(ctx.data.get("objectIds"), "objectIds")


def choose(ctx: CallContext) -> dict[str, Any]:
    obj, pool_field, ids = _pooled(ctx)
    user = ctx.open_user_id or ctx.corp.admin_open_user_id
    with ctx.store.transaction() as db:
        claimed: dict[str, int] = {}
        for record_id in ids:
            found = r.row(db, ctx, obj, record_id)
            data = json.loads(found["data"])
            pool = data.get(pool_field)
            if found["life_status"] != "normal" or not pool or data.get("owner"):
                raise p.SandboxError(p.PARAMETER_ERROR, f"record {record_id} is not waiting in a pool",
                                     "数据不在公海/线索池中或已有负责人")
            claimed[pool] = claimed.get(pool, 0) + 1
            _within_limit(ctx, db, obj, pool_field, pool, user, claimed[pool])
            data.update(v.owner_fields(db, ctx, [user]))
            if obj.field("biz_status") is not None:
                data["biz_status"] = "un_processed"
            r.write(db, ctx, obj, found["id"], data)
    return {}


def _within_limit(ctx: CallContext, db: Any, obj: ObjectDef, pool_field: str, pool: str, user: str,
                  claiming: int) -> None:
    field = obj.field(pool_field)
    target = field.target if field is not None else None
    pool_row = db.execute("SELECT data FROM records WHERE corp_id = ? AND api_name = ? AND id = ?",
                          (ctx.corp_id, target, pool)).fetchone()
    limit = json.loads(pool_row["data"]).get("limit_count") if pool_row else None
    if limit in (None, ""):
        return
    held = db.execute(
        "SELECT count(*) FROM records WHERE corp_id = ? AND api_name = ? AND life_status = 'normal'"
        " AND json_extract(data, ?) = ? AND EXISTS (SELECT 1 FROM json_each(data, '$.owner') WHERE value = ?)",
        (ctx.corp_id, obj.api_name, f"$.{pool_field}", pool, user)).fetchone()[0]
    if held + claiming > float(limit):
        raise p.SandboxError(p.PARAMETER_ERROR, f"the pool's claim limit of {limit} is reached", "超过领取上限")


def give_back(ctx: CallContext) -> dict[str, Any]:
    obj, pool_field, ids = _pooled(ctx)
    pool = ctx.data.get("objectPoolId")
    reason = ctx.data.get("backReason")
    if reason is not None and str(reason) not in {value for value, _ in BACK_REASONS}:
        raise p.SandboxError(p.PARAMETER_ERROR, f"backReason {reason!r} is not one of "
                                                f"{', '.join(value for value, _ in BACK_REASONS)}", "退回原因不合法")
    with ctx.store.transaction() as db:
        stored = v.check(db, ctx, obj, {pool_field: pool}, creating=False)  # the pool must exist
        if not stored.get(pool_field):
            raise p.SandboxError(p.PARAMETER_ERROR, "objectPoolId is required", "缺少参数objectPoolId")
        for record_id in ids:
            found = r.row(db, ctx, obj, record_id)
            if found["life_status"] != "normal":
                raise p.SandboxError(p.PARAMETER_ERROR, f"record {record_id} is invalid", "数据已作废")
            data = json.loads(found["data"])
            data.update(v.owner_fields(db, ctx, []))
            data[pool_field] = stored[pool_field]
            if obj.field("biz_status") is not None:
                data["biz_status"] = "un_assigned"
            if reason is not None:
                data["back_reason"] = str(reason)
                other = ctx.data.get("backReason__o")
                data["back_reason__o"] = other if str(reason) == "other" and isinstance(other, str) else None
            r.write(db, ctx, obj, found["id"], data)
    return {}


HANDLERS = {
    "/cgi/crm/v2/data/choose": choose,
    "/cgi/crm/v2/data/return": give_back,
}
