"""Opt-outs: every person who opted out of a channel in the old system stays opted out in the new one.

Under PIPL (个人信息保护法) a person who withdrew consent in the old system and is messaged by the new one is
a compliance incident, whatever happened to their lead: so opt-outs are carried over by address, for every
person the old system had, imported as a lead or not (rejected, a duplicate, a row of the opt-out file
only), and *before* any lead is imported.

* :func:`collect` gathers the opt-out facts: the people file's flags (``opt_out_email``, ``opt_out_sms``,
  ``opt_out_all``), the opt-out file's rows and the behaviour history's unsubscribe events. Each fact is a
  channel (邮件, 短信, or 全部 for every channel) and the person's addresses on it: their emails for 邮件, their
  mobiles for 短信, both for 全部, from the row itself and from their row in the people file;
* :func:`records` turns the facts into one consent record per channel and address (a fact whose records
  all come from earlier facts is a duplicate; a fact without any address is rejected, loudly: it needs a
  person to look at it);
* :func:`write_records` writes them to the tenant (the sandbox's ``/mktctl/ext/v1/consent/upsert``), or,
  on a tenant without mktctl's extension API, into 退订名单.xlsx for the manual import;
* :func:`verify` asks the tenant, after the run, for every fact's addresses and for the current mobile and
  email of the person's lead, whether the channel would still reach them. None may be reachable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl import errors as e

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.migrate.exports import EntityTable
    from mktctl.tenant.connect import Tenant

EMAIL, SMS, ALL = "邮件", "短信", "全部"
CHECKED_CHANNELS = (EMAIL, SMS)  # the channels an address can be checked on: emails on 邮件, mobiles on 短信
CONSENT_MENU = "营销通 > 系统设置 > 隐私合规设置"
CONSENT_FILE = "退订名单.xlsx"
BATCH = 500
INVARIANT = "no opted-out person is reachable on a channel they opted out of"


@dataclass
class OptOut:
    origin: str  # the entity of the row: people, opt_outs, behaviour
    source_row: int
    channel: str  # 邮件, 短信, 全部
    emails: tuple[str, ...]
    mobiles: tuple[str, ...]
    at: str = ""  # YYYY-MM-DD HH:MM:SS (Asia/Shanghai) or ""
    reason: str = ""
    source_id: str = ""
    person_row: int | None = None  # the person's row in the people file
    unclear: bool = False  # the flag's value could not be read and was taken as an opt-out
    status: str = ""
    why: str = ""

    @property
    def addresses(self) -> list[tuple[str, str]]:
        """(channel, address) of the records this fact needs."""
        wanted: list[tuple[str, str]] = []
        if self.channel in (EMAIL, ALL):
            wanted += [(self.channel, a) for a in self.emails]
        if self.channel in (SMS, ALL):
            wanted += [(self.channel, a) for a in self.mobiles]
        return wanted


@dataclass
class PersonIndex:
    """The people file's rows by old id, email and mobile (normalised), with each row's own addresses."""

    by_id: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_mobile: dict[str, int] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)
    mobiles: dict[int, str] = field(default_factory=dict)
    source_ids: dict[int, str] = field(default_factory=dict)

    def find(self, source_id: str = "", email: str = "", mobile: str = "") -> int | None:
        for table, value in ((self.by_id, source_id), (self.by_email, email), (self.by_mobile, mobile)):
            if value and value in table:
                return table[value]
        return None


def normalised_addresses(table: EntityTable) -> tuple[pd.Series, pd.Series]:
    """(emails, mobiles) of a table's rows in the platform's spelling; "" where a value is not valid."""
    from mktctl.leads.emails import parse_emails
    from mktctl.leads.phones import parse_phones

    emails = parse_emails(table.column("email").astype("str"))["email"].astype("str")
    mobiles = parse_phones(table.column("mobile").astype("str"))["e164"].astype("str")
    return emails, mobiles


def person_index(people: EntityTable | None, statuses: pd.DataFrame | None) -> PersonIndex:
    index = PersonIndex()
    if people is None or statuses is None:
        return index
    emails = dict(zip(statuses["source_row"].tolist(), statuses["email"].astype("str").tolist(), strict=True))
    mobiles = dict(zip(statuses["source_row"].tolist(), statuses["mobile_e164"].astype("str").tolist(), strict=True))
    ids = people.column("source_id").str.strip().tolist()
    for row, source_id in zip(people.rows, ids, strict=True):
        email, mobile = emails.get(row, ""), mobiles.get(row, "")
        index.emails[row], index.mobiles[row], index.source_ids[row] = email, mobile, source_id
        for table, value in ((index.by_id, source_id), (index.by_email, email), (index.by_mobile, mobile)):
            if value:
                table.setdefault(value, row)
    return index


def collect(people: EntityTable | None, opt_outs: EntityTable | None, unsubscribes: Iterable[OptOut],
            index: PersonIndex, times: dict[str, pd.Series]) -> list[OptOut]:
    """Every opt-out fact, in file order: people's flags, the opt-out file, unsubscribe events."""
    from mktctl.migrate.values import channels, flag

    facts: list[OptOut] = []
    if people is not None:
        reasons = people.column("opt_out_reason").tolist()
        for key, channel in (("opt_out_all", ALL), ("opt_out_email", EMAIL), ("opt_out_sms", SMS)):
            if not people.has(key):
                continue
            for position, (row, cell) in enumerate(zip(people.rows, people.column(key).tolist(), strict=True)):
                yes, unclear = flag(cell)
                if yes:
                    facts.append(_with_person(OptOut("people", row, channel, (), (), reason=reasons[position],
                                                     unclear=unclear, person_row=row,
                                                     source_id=index.source_ids.get(row, "")), index))
    if opt_outs is not None:
        emails, mobiles = normalised_addresses(opt_outs)
        at = times.get("opt_outs")
        rows = zip(opt_outs.rows, opt_outs.column("source_id").str.strip(), emails, mobiles,
                   opt_outs.column("channel"), opt_outs.column("reason"), strict=True)
        for position, (row, source_id, email, mobile, channel_text, reason) in enumerate(rows):
            named = channels(channel_text) if str(channel_text).strip() else [EMAIL]
            for channel in named or [ALL]:  # a channel that cannot be read: every channel, to be safe
                fact = OptOut("opt_outs", row, channel, (email,) if email else (), (mobile,) if mobile else (),
                              at=str(at.iloc[position]) if at is not None else "", reason=str(reason),
                              source_id=source_id, unclear=named is None,
                              person_row=index.find(source_id, email, mobile))
                facts.append(_with_person(fact, index))
    facts.extend(_with_person(fact, index) for fact in unsubscribes)
    return facts


def _with_person(fact: OptOut, index: PersonIndex) -> OptOut:
    """The fact's addresses with those of the person's row in the people file."""
    row = fact.person_row
    if row is None:
        return fact
    email, mobile = index.emails.get(row, ""), index.mobiles.get(row, "")
    fact.emails = tuple(dict.fromkeys([*fact.emails, *([email] if email else [])]))
    fact.mobiles = tuple(dict.fromkeys([*fact.mobiles, *([mobile] if mobile else [])]))
    return fact


@dataclass(frozen=True)
class Record:
    channel: str
    address: str
    at: str
    reason: str
    source_id: str


def records(facts: list[OptOut]) -> list[Record]:
    """One record per channel and address, from the first fact that names it; each fact gets its status."""
    seen: dict[tuple[str, str], Record] = {}
    for fact in facts:
        wanted = fact.addresses
        if not wanted:
            fact.status, fact.why = "rejected", "no_address"
            continue
        new = [pair for pair in wanted if pair not in seen]
        for channel, address in new:
            seen[(channel, address)] = Record(channel, address, fact.at, fact.reason, fact.source_id)
        fact.status, fact.why = ("migrated", "") if new else ("duplicate", "duplicate")
    return list(seen.values())


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: dict[tuple[str, str], str] = field(default_factory=dict)
    file: Path | None = None


def write_records(tenant: Tenant, found: list[Record], system: str) -> Written:
    from mktctl.tenant.connect import EXTENSION_PREFIX

    written = Written()
    for start in range(0, len(found), BATCH):
        part = found[start:start + BATCH]
        body = {"records": [{"channel": r.channel, "address": r.address, "status": "opted_out",
                             "at": _epoch(r.at), "source": system[:100], "reason": r.reason[:500] or None}
                            for r in part]}
        try:
            answer = tenant.client.call(f"{EXTENSION_PREFIX}/consent/upsert", {"data": body})
        except e.MktctlError as failure:
            for r in part:
                written.failed[(r.channel, r.address)] = str(failure)
            if isinstance(failure, (e.TenantUnreachable, e.AuthError, e.QuotaExhausted)):
                raise
            continue
        data = answer.get("data") or {}
        written.created += int(data.get("created", 0))
        written.updated += int(data.get("updated", 0))
        written.unchanged += int(data.get("unchanged", 0))
    return written


def write_file(found: list[Record], out_dir: Path, system: str) -> Path:
    """退订名单.xlsx: one row per channel and address, for the manual import on a real tenant."""
    import pandas as pd

    from mktctl.leads.private import private_file
    from mktctl.leads.sheetwriter import TextWorkbook

    path = out_dir / CONSENT_FILE
    columns = ["退订渠道", "手机号", "邮箱", "退订时间", "退订原因", "来源", "原系统ID"]
    frame = pd.DataFrame([[r.channel, "" if "@" in r.address else r.address, r.address if "@" in r.address else "",
                           r.at, r.reason, system, r.source_id] for r in found], columns=columns, dtype="str")
    tmp = private_file(path.with_suffix(".xlsx.tmp"))
    with TextWorkbook(tmp) as book:
        book.add_sheet("退订名单", columns, [frame])
    tmp.replace(path)
    return path


def _epoch(text: str) -> int | None:
    if not text:
        return None
    import pandas as pd

    from mktctl.leads.normalise import to_epoch_ms

    value = to_epoch_ms(pd.Series([text], dtype="str")).iloc[0]
    return None if pd.isna(value) else int(value)


@dataclass
class Verification:
    verified: bool
    checked: int = 0  # (channel, address) pairs asked about
    reachable: list[tuple[str, str, int]] = field(default_factory=list)  # channel, address, source row
    note: str = ""

    @property
    def holds(self) -> bool | None:
        return (not self.reachable) if self.verified else None


def verify(tenant: Tenant, facts: list[OptOut], lead_of_row: dict[int, str]) -> Verification:
    """Ask the tenant whether any opted-out address (the fact's own, and the current mobile and email of the
    person's lead) is still reachable on the channel."""
    from mktctl.tenant.connect import EXTENSION_PREFIX

    leads = _lead_addresses(tenant, sorted({lead_of_row[f.person_row] for f in facts
                                             if f.person_row is not None and f.person_row in lead_of_row}))
    wanted: dict[tuple[str, str], int] = {}
    for fact in facts:
        if fact.status == "rejected":
            continue
        emails, mobiles = list(fact.emails), list(fact.mobiles)
        lead = lead_of_row.get(fact.person_row) if fact.person_row is not None else None
        if lead and lead in leads:
            emails += [leads[lead][0]] if leads[lead][0] else []
            mobiles += [leads[lead][1]] if leads[lead][1] else []
        if fact.channel in (EMAIL, ALL):
            for address in emails:
                wanted.setdefault((EMAIL, address), fact.source_row)
        if fact.channel in (SMS, ALL):
            for address in mobiles:
                wanted.setdefault((SMS, address), fact.source_row)
    result = Verification(verified=True, checked=len(wanted))
    for channel in CHECKED_CHANNELS:
        addresses = [a for c, a in wanted if c == channel]
        for start in range(0, len(addresses), BATCH):
            part = addresses[start:start + BATCH]
            answer = tenant.client.call(f"{EXTENSION_PREFIX}/consent/check",
                                        {"data": {"channel": channel, "addresses": part}})
            for address in (answer.get("data") or {}).get("reachable", []):
                result.reachable.append((channel, address, wanted[(channel, address)]))
    return result


def _lead_addresses(tenant: Tenant, ids: list[str]) -> dict[str, tuple[str, str]]:
    """lead id -> (email, mobile) as the tenant has them now."""
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 100):
        part = ids[start:start + 100]
        rows, _ = tenant.client.crm_query("LeadsObj", [{"field_name": "_id", "field_values": part,
                                                        "operator": "IN"}], limit=100,
                                          fields=["_id", "email", "mobile"])
        for row in rows:
            found[str(row["_id"])] = (str(row.get("email") or ""), str(row.get("mobile") or ""))
    return found


def report_rows(facts: list[OptOut]) -> list[dict[str, Any]]:
    return [{"source_row": f.source_row, "status": f.status, "reason": f.why, "target": "",
             "detail": "flag unclear, taken as an opt-out" if f.unclear else "", "from": f.origin,
             "channel": f.channel, "source_id": f.source_id, "emails": ";".join(f.emails),
             "mobiles": ";".join(f.mobiles), "opted_out_at": f.at} for f in facts]
