"""Finding a file's people among the tenant's existing records, in batches.

``find_existing(client, "LeadsObj", {"mobile": [...], "email": [...]}) -> Existing``: one
``data/query`` per chunk of values with the ``IN`` operator (deep-paged, so a chunk matching more than
a page is read whole), never one query per row. A mainland mobile is also looked for in its national
spelling (``13912345678``) because records typed in by hand are stored that way; what comes back is
normalised like the file before it is compared, so ``139-1234-5678`` in the CRM matches too when it is
found. Email values are compared lower-cased (a record stored as ``Zhang@QQ.com`` is found only by its
mobile; the ``IN`` operator compares exactly).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mktctl.tenant.client import FxiaokeClient

IN_CHUNK = 100


@dataclass
class Existing:
    """Records found, and the ids of those holding each normalised phone or email."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_value: dict[str, set[str]] = field(default_factory=dict)  # "+8613912345678" or "a@b.cn" → ids

    def ids_for(self, values: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for value in values:
            if value:
                found |= self.by_value.get(value, set())
        return found


def spellings(e164: str) -> list[str]:
    """How a number may be stored: E.164, and the national form for mainland numbers."""
    if e164.startswith("+86"):
        national = e164[3:].split(";", 1)[0]
        return [e164, national] if national[:1] == "1" else [e164, national, "0" + national]
    return [e164]


def find_existing(client: FxiaokeClient, api_name: str, values: dict[str, list[str]], *,
                  fields: list[str] | None = None, phone_fields: tuple[str, ...] = (),
                  email_fields: tuple[str, ...] = (), chunk: int = IN_CHUNK,
                  on_query: Callable[[int], None] | None = None) -> Existing:
    """Query ``api_name`` for records whose field (a key of ``values``) is IN the given values."""
    existing = Existing()
    for field_name, wanted in values.items():
        expanded = _looked_for(wanted, is_phone=field_name in phone_fields)
        for start in range(0, len(expanded), chunk):
            part = expanded[start:start + chunk]
            flt = [{"field_name": field_name, "field_values": part, "operator": "IN"}]
            for record in client.crm_iter(api_name, flt, fields=fields):
                existing.records[str(record["_id"])] = record
            if on_query is not None:
                on_query(len(part))
    index_records(existing, phone_fields, email_fields)
    return existing


def lookups_needed(values: dict[str, list[str]], *, phone_fields: tuple[str, ...] = (), chunk: int = IN_CHUNK) -> int:
    """How many queries :func:`find_existing` makes for ``values`` when none finds more than a page."""
    return sum(math.ceil(len(_looked_for(wanted, is_phone=name in phone_fields)) / chunk)
               for name, wanted in values.items())


def _looked_for(wanted: list[str], *, is_phone: bool) -> list[str]:
    """The distinct values to look for, a phone in each of its spellings."""
    distinct = sorted({v for v in wanted if v})
    return sorted({s for v in distinct for s in spellings(v)}) if is_phone else distinct


def index_records(existing: Existing, phone_fields: tuple[str, ...], email_fields: tuple[str, ...]) -> None:
    """Fill ``by_value`` from the records' phones and emails, normalised as the file's are."""
    import pandas as pd

    from mktctl.leads.emails import parse_emails
    from mktctl.leads.phones import parse_phones

    if not existing.records:
        return
    ids = list(existing.records)
    for names, kind in ((phone_fields, "phone"), (email_fields, "email")):
        for name in names:
            raw = pd.Series([_text(existing.records[i].get(name)) for i in ids], dtype="str")
            normal = parse_phones(raw)["e164"] if kind == "phone" else parse_emails(raw)["email"]
            for record_id, value in zip(ids, normal.tolist(), strict=True):
                if value:
                    existing.by_value.setdefault(value, set()).add(record_id)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value)
