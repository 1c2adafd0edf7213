"""``/cgi/message/send``: a message from the app to employees, such as "a lead was assigned to you".

The body is the address book's style (parameters at the top level, no acting employee needed): ``toUser``
(open user ids, at most 500), ``msgType`` (``text``, ``composite`` or ``articles``) and the content under
the key of its type (``text.content``; ``composite`` with head, first, form, remark and link; at most 7
``articles``). Nobody reads a sandbox's messages in an app, so each one is recorded instead; the
extension API lists them (``/mktctl/ext/v1/messages/list``) so that a test can check who was told what.
"""

from __future__ import annotations

import json
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.limits import MAX_ARTICLES, MAX_MESSAGE_USERS, bounded
from mktctl.sandbox.store import dumps

MSG_TYPES = ("text", "composite", "articles")


def send(ctx: CallContext) -> dict[str, Any]:
    to_users = bounded(ctx.body.get("toUser"), "toUser", MAX_MESSAGE_USERS)
    if not to_users:
        raise p.SandboxError(10015, "toUser is required: a list of open user ids", "缺少参数toUser")
    if not all(isinstance(u, str) for u in to_users):
        raise p.SandboxError(11016, "toUser must list open user ids", "参数toUser不合法")
    msg_type = ctx.body.get("msgType")
    if msg_type not in MSG_TYPES:
        raise p.SandboxError(11017, f"msgType must be one of {', '.join(MSG_TYPES)}", "参数msgType不合法")
    content = ctx.body.get(msg_type)
    if msg_type == "text":
        if not isinstance(content, dict) or not isinstance(content.get("content"), str) or not content["content"]:
            raise p.SandboxError(12005, "text.content is required for a text message", "文本消息内容为空")
    elif msg_type == "articles":
        if not bounded(content, "articles", MAX_ARTICLES):
            raise p.SandboxError(p.PARAMETER_ERROR, "articles must list 1 to 7 articles")
    elif not isinstance(content, dict):
        raise p.SandboxError(p.PARAMETER_ERROR, "composite must be an object")
    with ctx.store.transaction() as db:
        for user in to_users:
            found = db.execute("SELECT data FROM users WHERE corp_id = ? AND open_user_id = ?",
                               (ctx.corp_id, user)).fetchone()
            if found is None or json.loads(found["data"]).get("isStop"):
                raise p.SandboxError(p.EMPLOYEE_NOT_FOUND, f"employee {user} not found")
        number = ctx.store.next_value(db, ctx.corp_id, "message", 0)
        db.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (ctx.corp_id, number, ctx.store.now_ms(), ctx.open_user_id, dumps(to_users), msg_type,
                    dumps(content)))
    return {}


def recorded(ctx: CallContext, since: int = 0, to_user: str | None = None) -> list[dict[str, Any]]:
    """The messages the corp sent after ``since`` (epoch ms), oldest first, optionally to one employee."""
    with ctx.store.reading() as db:
        rows = db.execute("SELECT * FROM messages WHERE corp_id = ? AND sent_at >= ? ORDER BY id",
                          (ctx.corp_id, since)).fetchall()
    found = [{"id": row["id"], "sentAt": row["sent_at"], "sender": row["sender"],
              "toUser": json.loads(row["to_users"]), "msgType": row["msg_type"], "content": json.loads(row["content"])}
             for row in rows]
    return [m for m in found if to_user is None or to_user in m["toUser"]]


HANDLERS = {"/cgi/message/send": send}
