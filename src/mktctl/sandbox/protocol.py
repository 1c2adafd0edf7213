"""The wire envelope of the FxiaoKe open API, as the sandbox speaks it.

Every answer is HTTP 200 with ``errorCode`` (0 = success), ``errorMessage``, ``errorDescription`` and
``traceId``; the payload sits beside them (token, address book, ``dataId``) or under ``data`` (CRM).
Codes and texts follow the platform's global return-code table (see docs/sandbox.md).
"""

from __future__ import annotations

import random
from typing import Any

# The codes the sandbox emits, with the platform's message and Chinese description.
SUCCESS = 0
SYSTEM_ERROR = -2
SYSTEM_BUSY = -1
PARAM_MISSING_APP_SECRET = 10006  # observed for any bad token-request credential and for unknown paths
OPEN_USER_MISSING = 10010  # the global table's "missing openUserId": a CRM call without currentOpenUserId
OFFSET_OUT_OF_RANGE = 10013
EMPTY_BODY = 12004
CALL_LIMIT = 14001
ILLEGAL_PARAMETER = 15002
NO_PERMISSION = 15003
APP_CREDENTIALS_WRONG = 20006
OPEN_USER_NOT_FOUND = 20012
PERMANENT_CODE_WRONG = 20015
TOKEN_INVALID = 20016
AUTH_MISSING = 20017
DAILY_QUOTA = 30002
RATE_PER_SECOND = 30004
DEPARTMENT_NOT_FOUND = 30007
EMPLOYEE_NOT_FOUND = 30027
PARAMETER_ERROR = 32000
BODY_TOO_LARGE = 32001  # sandbox-only: the request body exceeds the sandbox's limit
DATA_NOT_FOUND = 32002  # sandbox-only: code for "record not found" (the platform's code is not documented)
DUPLICATE_DATA = 32003  # sandbox-only: a create the duplicate check refuses (the platform's code is not documented)

DESCRIPTIONS: dict[int, str] = {
    SYSTEM_ERROR: "系统错误",
    SYSTEM_BUSY: "系统繁忙",
    PARAM_MISSING_APP_SECRET: "缺少参数或参数不合法",
    OPEN_USER_MISSING: "缺少参数openUserId",
    OFFSET_OUT_OF_RANGE: "offset 不能超过10000",
    EMPTY_BODY: "POST 请求体为空",
    CALL_LIMIT: "接口调用超过限制",
    ILLEGAL_PARAMETER: "参数不合法",
    NO_PERMISSION: "应用没有访问权限",
    APP_CREDENTIALS_WRONG: "appId 或 appSecret 错误",
    OPEN_USER_NOT_FOUND: "openUserId 不存在",
    PERMANENT_CODE_WRONG: "永久授权码错误",
    TOKEN_INVALID: "corpAccessToken 不存在或已经过期",
    AUTH_MISSING: "corpAccessToken为必填项，不能为空",
    DAILY_QUOTA: "当日调用次数超过限制",
    RATE_PER_SECOND: "每秒调用频率超过限制",
    DEPARTMENT_NOT_FOUND: "部门不存在",
    EMPLOYEE_NOT_FOUND: "员工不存在",
    PARAMETER_ERROR: "参数错误",
    BODY_TOO_LARGE: "请求体过大",
    DATA_NOT_FOUND: "数据不存在",
    DUPLICATE_DATA: "数据重复",
}


class SandboxError(Exception):
    """Raised by a handler to answer with a non-zero ``errorCode``."""

    def __init__(self, code: int, message: str, description: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.description = description or DESCRIPTIONS.get(code, "错误")


def new_trace_id(ea: str | None = None, user_id: str | None = None) -> str:
    """A trace id of the platform's shape, ``E-O.<ea>.<userId>-<16 hex>``."""
    # an identifier, not a secret: no system call per answer for it
    return f"E-O.{ea or 'null'}.{user_id or '-1000'}-{random.getrandbits(64):016x}"


def success(payload: dict[str, Any], trace_id: str, *, message: str = "success") -> dict[str, Any]:
    return {
        "errorCode": SUCCESS,
        "errorMessage": message,
        "errorDescription": "success",
        "traceId": trace_id,
        **payload,
    }


def failure(error: SandboxError, trace_id: str) -> dict[str, Any]:
    return {
        "errorCode": error.code,
        "errorMessage": error.message,
        "errorDescription": error.description,
        "traceId": trace_id,
    }
