"""Behaviour history: the old system's activities as the platform's behaviours (打开邮件, 提交表单, 访问官网...),
kept for scoring and segments.

Each activity row finds its person in the people file (by old id, else email, else mobile) and its
behaviour through the ``behaviours`` table (the presets map HubSpot's email event types and Marketo's
activity types). A row is ``migrated`` (kept in ``behaviour.csv`` with its lead, and used to recompute
scores), ``rejected`` (``unknown_person``, ``person_not_migrated``, ``invalid_date``), ``skipped``
(``unmapped_activity``: counted per activity type) or a ``duplicate`` (the same activity id, or the same
person, behaviour, content and minute). An unsubscribe activity (退订) is also an opt-out of its channel,
whatever becomes of the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mktctl.migrate.consent import EMAIL, OptOut, PersonIndex

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.migrate.exports import EntityTable
    from mktctl.migrate.tables import Translator

UNSUBSCRIBE = "退订"


@dataclass(frozen=True)
class Activity:
    person_row: int  # the person's row in the people file (their survivor's, for a duplicate row)
    at: str  # YYYY-MM-DD HH:MM:SS
    behaviour: str
    content: str
    channel: str
    campaign: str


@dataclass
class History:
    rows: list[dict[str, Any]] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    unsubscribes: list[OptOut] = field(default_factory=list)


def build(table: EntityTable, times: pd.Series, index: PersonIndex, translator: Translator,
          survivor_of: dict[int, int | None]) -> History:
    """``survivor_of``: people row -> the row whose lead the person is (itself, their survivor), or None when
    the person is rejected."""
    from mktctl.migrate.consent import normalised_addresses
    from mktctl.migrate.values import channels

    history = History()
    emails, mobiles = normalised_addresses(table)
    seen: dict[tuple[str, ...], int] = {}
    columns = zip(table.rows, table.column("source_id").str.strip(), emails, mobiles, table.column("activity"),
                  table.column("content"), table.column("channel"), table.column("campaign"),
                  table.column("activity_id").str.strip(), times.tolist(), strict=True)
    for row, source_id, email, mobile, old, content, channel_text, campaign, activity_id, at in columns:
        base = {"source_row": row, "source_id": source_id, "activity": old, "content": content, "at": at}
        person = index.find(source_id, email, mobile)
        behaviour = translator.behaviour(old) if str(old).strip() else None
        status, reason, target = "migrated", "", ""
        survivor = survivor_of.get(person) if person is not None else None
        if person is None:
            status, reason = "rejected", "unknown_person"
        elif survivor is None:
            status, reason = "rejected", "person_not_migrated"
        elif not at:
            status, reason = "rejected", "invalid_date"
        elif behaviour is None:
            status, reason = "skipped", "unmapped_activity"
        else:
            key = ("id", activity_id) if activity_id else ("v", str(survivor), behaviour, str(content), at[:16])
            if key in seen:
                status, reason, target = "duplicate", "duplicate", str(seen[key])
            else:
                seen[key] = row
        history.rows.append({**base, "status": status, "reason": reason, "target": target, "detail": "",
                             "behaviour": behaviour or "", "person_row": "" if person is None else str(person)})
        named = channels(channel_text)
        if behaviour == UNSUBSCRIBE:  # an opt-out whatever becomes of the activity or its person
            for channel in named or [EMAIL]:
                history.unsubscribes.append(OptOut("behaviour", row, channel, (email,) if email else (),
                                                   (mobile,) if mobile else (), at=at, source_id=source_id,
                                                   person_row=person, reason="unsubscribe activity"))
        if status == "migrated" and survivor is not None and behaviour is not None:
            history.activities.append(Activity(survivor, at, behaviour, str(content), (named or [""])[0],
                                               str(campaign)))
    return history
