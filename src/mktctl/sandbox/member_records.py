"""Members of the member centre (会员), with their tier and points balance, kept by the extension API.

营销通's member marketing keeps members in the client's member centre; the public API has no call for them.
The sandbox keeps them by member number so that a migration can bring members over with their tier and
points, and check the points totals afterwards:

* ``/mktctl/ext/v1/members/upsert``: ``members`` [{``member_no``, ``name``, ``mobile``, ``email``, ``tier``,
  ``points``, ``growth``, ``joined_at`` (epoch ms), ``lead_id``}], at most 500. When the tenant has member
  settings (the ``member_marketing`` setting), a tier that is not one of its tiers is refused;
* ``/mktctl/ext/v1/members/list``: the members, a page at a time, in member-number order.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from mktctl.sandbox import keyed_records as kr
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.extension import Identity

COLLECTION = "members"
MAX_MEMBERS = 500


class Member(BaseModel):
    member_no: str = Field(..., description="the member's number, unique in the tenant")
    name: str | None = None
    mobile: str | None = None
    email: str | None = None
    tier: str = Field(..., description="one of the tiers of the member settings, e.g. 银卡会员")
    points: int = Field(..., ge=0, description="the points balance")
    growth: int | None = Field(None, ge=0, description="the growth value the tier follows")
    joined_at: int | None = Field(None, description="when the person joined (epoch ms)")
    lead_id: str | None = Field(None, description="the person's lead (LeadsObj _id), when there is one")


class MemberUpsertData(BaseModel):
    members: list[Member] = Field(..., description=f"at most {MAX_MEMBERS}")


class MemberUpsertRequest(Identity):
    data: MemberUpsertData


def _tiers(ctx: CallContext) -> set[str] | None:
    """The tier names of the tenant's member settings, or None when it has none."""
    with ctx.store.reading() as db:
        rows = db.execute("SELECT spec FROM ext_settings WHERE corp_id = ? AND kind = 'member_marketing'",
                          (ctx.corp_id,)).fetchall()
    if not rows:
        return None
    names: set[str] = set()
    for row in rows:
        for tier in json.loads(row["spec"]).get("tiers") or []:
            if isinstance(tier, dict) and isinstance(tier.get("name"), str):
                names.add(tier["name"])
    return names


def upsert(ctx: CallContext) -> dict[str, Any]:
    tiers = _tiers(ctx)
    items = []
    for index, member in enumerate(kr.items_of(ctx, "members", MAX_MEMBERS)):
        where = f"members[{index}]"
        number = kr.text(member, "member_no", where, limit=64, required=True)
        tier = kr.text(member, "tier", where, limit=20, required=True)
        assert number is not None
        if tiers is not None and tier not in tiers:
            raise kr.parameter_error(f"{where}.tier {tier!r} is not a tier of the member settings "
                                     f"({', '.join(sorted(tiers))})", "会员等级不存在")
        data = {"member_no": number, "name": kr.text(member, "name", where, limit=100),
                "mobile": kr.text(member, "mobile", where, limit=40),
                "email": kr.text(member, "email", where, limit=200), "tier": tier,
                "points": kr.whole(member, "points", where, required=True),
                "growth": kr.whole(member, "growth", where), "joined_at": kr.whole(member, "joined_at", where),
                "lead_id": kr.text(member, "lead_id", where, limit=64)}
        items.append((number, data))
    return kr.upsert(ctx, COLLECTION, items)


def listing(ctx: CallContext) -> dict[str, Any]:
    return kr.page(ctx, COLLECTION, lambda key, data, updated: {**data, "updatedAt": updated})


ROUTES = (
    ("/members/upsert", upsert, "Create or update members with their tier and points balance", MemberUpsertRequest),
    ("/members/list", listing, "List the members", kr.PageRequest),
)
