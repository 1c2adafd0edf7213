"""Members (会员, seed 004): the old system's members with their tier and points balance, into the member
centre, and the points checked against the source afterwards.

A row needs a member number (``member_no``, else the person's old id), a tier of the playbook's
``member_marketing`` (through the ``tiers`` table, or the tier's own name) and a points balance (a whole
number, 0 or more; an empty cell is 0). It is ``migrated``, ``rejected`` (``no_member_no``,
``invalid_points``), ``skipped`` (``unmapped_tier``, counted per tier) or a ``duplicate`` (the same member
number again: the first row is kept). A member who is also a person of the people file is linked to their
lead.

On a tenant with mktctl's extension API the members are upserted by member number
(``/mktctl/ext/v1/members/upsert``) and read back: every migrated member's points on the tenant must equal
the source's, and so must the totals. Elsewhere they go into 会员导入.xlsx for the manual import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.migrate.consent import PersonIndex
    from mktctl.migrate.exports import EntityTable
    from mktctl.migrate.tables import Translator
    from mktctl.tenant.connect import Tenant

MEMBERS_MENU = "营销通 > 会员营销 > 会员管理"
MEMBERS_FILE = "会员导入.xlsx"
BATCH = 500
INVARIANT = "members: the points on the tenant equal the points in the source"


@dataclass
class Members:
    rows: list[dict[str, Any]] = field(default_factory=list)
    upserts: list[dict[str, Any]] = field(default_factory=list)  # what goes to the tenant, in row order
    person_of: dict[str, int] = field(default_factory=dict)  # member number -> people row

    @property
    def points(self) -> int:
        return sum(int(m["points"]) for m in self.upserts)


def build(table: EntityTable, times: pd.Series, index: PersonIndex, translator: Translator) -> Members:
    from mktctl.migrate.consent import normalised_addresses
    from mktctl.migrate.values import number

    members = Members()
    emails, mobiles = normalised_addresses(table)
    seen: dict[str, int] = {}
    columns = zip(table.rows, table.column("member_no").str.strip(), table.column("source_id").str.strip(),
                  table.column("name"), emails, mobiles, table.column("tier").str.strip(), table.column("points"),
                  table.column("growth"), times.tolist(), strict=True)
    for row, member_no, source_id, name, email, mobile, old_tier, points_text, growth_text, joined in columns:
        number_ = member_no or source_id
        points = number(points_text) if str(points_text).strip() else 0.0
        growth = number(growth_text) if str(growth_text).strip() else None
        tier = translator.tier(old_tier) if old_tier else None
        status, reason, target = "migrated", "", number_
        if not number_:
            status, reason = "rejected", "no_member_no"
        elif number_ in seen:
            status, reason, target = "duplicate", "duplicate", str(seen[number_])
        elif points is None or points < 0 or points != int(points):
            status, reason = "rejected", "invalid_points"
        elif tier is None:
            status, reason = "skipped", "unmapped_tier"
        members.rows.append({"source_row": row, "status": status, "reason": reason, "target": target, "detail": "",
                             "member_no": number_, "tier": old_tier, "new_tier": tier or "",
                             "points": str(points_text)})
        if number_ and number_ not in seen:
            seen[number_] = row
        if status != "migrated" or points is None or tier is None:
            continue
        person = index.find(source_id, email, mobile)
        if person is not None:
            members.person_of[number_] = person
        members.upserts.append({"member_no": number_, "name": str(name) or None, "mobile": mobile or None,
                                "email": email or None, "tier": tier, "points": int(points),
                                "growth": int(growth) if growth is not None and growth >= 0 else None,
                                "joined_at": _epoch(joined)})
    return members


def _epoch(text: str) -> int | None:
    if not text:
        return None
    import pandas as pd

    from mktctl.leads.normalise import to_epoch_ms

    value = to_epoch_ms(pd.Series([text], dtype="str")).iloc[0]
    return None if pd.isna(value) else int(value)


def write(tenant: Tenant, members: Members, lead_of_row: dict[int, str]) -> dict[str, str]:
    """Upsert the members (each linked to its person's lead); member number -> error for a failed batch."""
    from mktctl import errors as e
    from mktctl.tenant.connect import EXTENSION_PREFIX

    failed: dict[str, str] = {}
    items = [{**m, "lead_id": lead_of_row.get(members.person_of.get(m["member_no"], -1))} for m in members.upserts]
    for start in range(0, len(items), BATCH):
        part = [{k: v for k, v in m.items() if v is not None} for m in items[start:start + BATCH]]
        try:
            tenant.client.call(f"{EXTENSION_PREFIX}/members/upsert", {"data": {"members": part}})
        except e.MktctlError as failure:
            if isinstance(failure, (e.TenantUnreachable, e.AuthError, e.QuotaExhausted)):
                raise
            failed.update({m["member_no"]: str(failure) for m in part})
    return failed


def on_tenant(tenant: Tenant) -> dict[str, dict[str, Any]]:
    """Every member of the tenant, by member number."""
    from mktctl.tenant.connect import EXTENSION_PREFIX

    found: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        answer = tenant.client.call(f"{EXTENSION_PREFIX}/members/list", {"data": {"offset": offset, "limit": 1000}})
        data = answer.get("data") or {}
        items = data.get("items") or []
        found.update({str(m["member_no"]): m for m in items})
        offset += len(items)
        if not items or offset >= int(data.get("total") or 0):
            return found


def check_points(members: Members, tenant_members: dict[str, dict[str, Any]],
                 failed: dict[str, str]) -> dict[str, Any]:
    """The points of the migrated members on the tenant against the source's."""
    wanted = [m for m in members.upserts if m["member_no"] not in failed]
    mismatched = [m["member_no"] for m in wanted
                  if int((tenant_members.get(m["member_no"]) or {}).get("points", -1)) != int(m["points"])]
    source = sum(int(m["points"]) for m in wanted)
    tenant = sum(int((tenant_members.get(m["member_no"]) or {}).get("points", 0)) for m in wanted)
    return {"points_source": source, "points_tenant": tenant, "members_checked": len(wanted),
            "mismatched": mismatched[:50], "mismatched_count": len(mismatched),
            "holds": source == tenant and not mismatched}


def write_file(members: Members, out_dir: Path) -> Path:
    import pandas as pd

    from mktctl.leads.private import private_file
    from mktctl.leads.sheetwriter import TextWorkbook

    path = out_dir / MEMBERS_FILE
    columns = ["会员编号", "姓名", "手机号", "邮箱", "会员等级", "积分", "成长值", "入会时间"]
    frame = pd.DataFrame([[m["member_no"], m["name"] or "", m["mobile"] or "", m["email"] or "", m["tier"],
                           str(m["points"]), "" if m["growth"] is None else str(m["growth"]), ""]
                          for m in members.upserts], columns=columns, dtype="str")
    tmp = private_file(path.with_suffix(".xlsx.tmp"))
    with TextWorkbook(tmp) as book:
        book.add_sheet("会员", columns, [frame])
    tmp.replace(path)
    return path
