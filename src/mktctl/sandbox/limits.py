"""Bounds on every list a request may carry: filters, their values, orders, projections, id lists.

The platform pages at most 100 records, and the request bodies it documents stay small; a list far past
what any real call needs (an ``IN`` with 250,000 values, 2,000 filters, 5,000 orders) is refused as a
parameter error naming the list and its bound, before any work is done. Without the bounds such a query
reaches SQLite's own limits and fails as an HTTP 500. The numbers are the sandbox's (*inferred*: the
platform does not publish them) except ``MAX_MESSAGE_USERS`` and ``MAX_ARTICLES``, which its message
documentation gives.
"""

from __future__ import annotations

from typing import Any

from mktctl.sandbox import protocol as p

MAX_FILTERS = 50  # search_query_info.filters
MAX_FILTER_VALUES = 1000  # one filter's field_values (mktctl's own client sends IN with at most 100)
MAX_ORDERS = 10  # search_query_info.orders
MAX_PROJECTION = 500  # fieldProjection / field_projection names
MAX_IDS = 500  # idList, objectIds, Data (changeOwner), userIds, roleCodes
MAX_MESSAGE_USERS = 500  # /cgi/message/send toUser: "目前最多支持500人"
MAX_ARTICLES = 7  # /cgi/message/send articles: "一次最多允许7条图文消息"


def bounded(value: Any, name: str, limit: int) -> list[Any]:
    """``value`` as a list of at most ``limit`` items (None is the empty list), else the error that says so."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise p.SandboxError(p.PARAMETER_ERROR, f"{name} must be a list")
    if len(value) > limit:
        raise p.SandboxError(p.PARAMETER_ERROR, f"{name} is too large: {len(value)} items, at most {limit}",
                             f"{name}超过上限{limit}")
    return value
