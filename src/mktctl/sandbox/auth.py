"""Tokens and caller identity, as the platform does them.

``/cgi/corpAccessToken/get/V2`` issues a 7200 s token; asking again within the first 6600 s returns the
same token, later a new one (the old one stays valid to its end). Later calls identify themselves either
in the body (``corpAccessToken``, ``corpId``, ``currentOpenUserId``; the legacy style) or with headers
(``authorization: Bearer``, ``x-fs-ea``, ``x-fs-userid``; the current style). Both are accepted.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mktctl.sandbox import protocol as p
from mktctl.sandbox.store import Corp, Store

TOKEN_LIFETIME_S = 7200
SAME_TOKEN_WINDOW_S = 6600


@dataclass
class CallContext:
    """What a handler knows about the call it answers."""

    store: Store
    corp: Corp
    open_user_id: str | None
    trace_id: str
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def corp_id(self) -> str:
        return self.corp.corp_id

    @property
    def data(self) -> dict[str, Any]:
        data = self.body.get("data")
        return data if isinstance(data, dict) else {}


def issue_token(store: Store, body: Mapping[str, Any]) -> dict[str, Any]:
    """Answer a token request: check the three credentials, reuse or issue a token."""
    app_id, app_secret, permanent_code = (body.get(k) for k in ("appId", "appSecret", "permanentCode"))
    if not app_id or not isinstance(app_id, str):
        raise p.SandboxError(10001, "the parameter appId is missing or illegal", "缺少参数或参数不合法")
    if not app_secret or not isinstance(app_secret, str):
        raise p.SandboxError(p.PARAM_MISSING_APP_SECRET, "the parameter appSecret is missing or illegal")
    corp = store.corp_by_app_id(app_id)
    if corp is None or not secrets.compare_digest(corp.app_secret, app_secret):
        raise p.SandboxError(p.PARAM_MISSING_APP_SECRET, "the parameter appSecret is missing or illegal")
    if not isinstance(permanent_code, str) or not secrets.compare_digest(corp.permanent_code, permanent_code):
        raise p.SandboxError(p.PERMANENT_CODE_WRONG, "permanent code is wrong")
    now = store.now_ms()
    with store.transaction() as db:
        row = db.execute(
            "SELECT token, issued_at FROM tokens WHERE corp_id = ? ORDER BY issued_at DESC LIMIT 1",
            (corp.corp_id,),
        ).fetchone()
        if row and now - row["issued_at"] < SAME_TOKEN_WINDOW_S * 1000:
            token, issued = row["token"], row["issued_at"]
        else:
            token, issued = secrets.token_hex(16).upper(), now
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?)",
                (token, corp.corp_id, issued, issued + TOKEN_LIFETIME_S * 1000),
            )
            db.execute("DELETE FROM tokens WHERE corp_id = ? AND expires_at < ?", (corp.corp_id, now))
    expires_in = TOKEN_LIFETIME_S - (now - issued) // 1000
    return {"corpAccessToken": token, "corpId": corp.corp_id, "expiresIn": int(expires_in)}


def authenticate(store: Store, body: Mapping[str, Any], headers: Mapping[str, str],
                 trace_id: str, *, require_user: bool = False) -> CallContext:
    """Resolve who is calling, or raise the platform's error: 20017 when no token was sent at all,
    20016 when the token is unknown, expired or belongs to another corp, 10010 when a call that acts as
    an employee (``require_user``: CRM data) names none, 20012 when the employee does not exist."""
    bearer = headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        token = bearer[7:].strip()
        corp_ref, user_ref = headers.get("x-fs-ea"), headers.get("x-fs-userid")
        by_ea = True
    else:
        token = body.get("corpAccessToken")  # type: ignore[assignment]
        corp_ref, user_ref = body.get("corpId"), body.get("currentOpenUserId")
        by_ea = False
    if not token:
        raise p.SandboxError(p.AUTH_MISSING, "corpAccessToken为必填项，不能为空")
    open_user_id = str(user_ref) if user_ref else None
    by_employee_id = open_user_id is not None and by_ea and open_user_id.isdigit()
    # the token's corp and the acting employee in one query (an employee id is looked up on its own)
    holder_of = (str(token), None if by_employee_id else open_user_id)
    issued = store.remembered(("token_holder", *holder_of), lambda: store.token_holder(*holder_of))
    if issued is None or issued[1] <= store.now_ms():
        raise p.SandboxError(p.TOKEN_INVALID, "the cropId,cropAccessToken or authorization is error")
    corp, _, user_data = issued
    if corp_ref is not None and corp_ref != (corp.ea if by_ea else corp.corp_id) and corp_ref != corp.corp_id:
        raise p.SandboxError(p.TOKEN_INVALID, "the cropId,cropAccessToken or authorization is error")
    if open_user_id is None and require_user:
        where = "the x-fs-userid header" if by_ea else "currentOpenUserId"
        raise p.SandboxError(p.OPEN_USER_MISSING, f"{where} is required: the acting employee of a CRM call",
                             "缺少参数currentOpenUserId")
    if open_user_id is not None and by_employee_id:
        open_user_id = _open_user_id_by_employee_id(store, corp.corp_id, int(open_user_id))
        user_data = _user_data(store, corp.corp_id, open_user_id)
    if open_user_id is not None and not _active(user_data):
        raise p.SandboxError(p.OPEN_USER_NOT_FOUND, f"openUserId {open_user_id} not found")
    return CallContext(store=store, corp=corp, open_user_id=open_user_id, trace_id=trace_id, body=dict(body))


def _user_data(store: Store, corp_id: str, open_user_id: str | None) -> str | None:
    with store.reading() as db:
        row = db.execute(
            "SELECT data FROM users WHERE corp_id = ? AND open_user_id = ?", (corp_id, open_user_id)
        ).fetchone()
    return row["data"] if row is not None else None


def _active(user_data: str | None) -> bool:
    """An employee that exists and is not stopped."""
    return user_data is not None and not json.loads(user_data).get("isStop", False)


def _open_user_id_by_employee_id(store: Store, corp_id: str, employee_id: int) -> str | None:
    with store.reading() as db:
        row = db.execute(
            "SELECT open_user_id FROM users WHERE corp_id = ? AND employee_id = ?", (corp_id, employee_id)
        ).fetchone()
    return row["open_user_id"] if row else f"unknown-employee-{employee_id}"
