"""Follow-up reminders (``lead_follow_up_sla``), the lead pools' recycling, and the MQL acceptance time.

* A ``销售线索`` reminder runs while the lead has an owner and is not converted: when it has had no
  follow-up event for ``idle_days`` / ``idle_hours`` since it was assigned (or since its last follow-up),
  a reminder goes to ``remind`` (负责人 the owner, 负责人上级 the owner's ``leader``, 线索池管理员 the pool's
  admins) on ``channels``, and again every ``repeat_every_days`` while it stays idle. A follow-up starts
  a new cycle. ``then: 收回线索池`` returns the lead to its pool (the pool's ``recycle_to``, else the pool
  itself) at the first reminder: it loses its owner, and the reminders stop.
* A ``商机`` reminder runs the same way from the moment the person converts to 商机 until a purchase.
* A pool's ``recycle_after_hours``: an assigned lead not followed up within that time goes back to the
  pool; ``recycle_unconverted_days``: an assigned lead not converted within that time goes back.
* ``mql_definition.sales_accept_hours``: an MQL handed to an owner who does not follow it up within that
  time gives a reminder named ``{stage_label}受理`` (e.g. MQL受理) to the owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mktctl.rules.clock import DAY, HOUR

RECYCLE = "收回线索池"


@dataclass(frozen=True, slots=True)
class Sla:
    name: str
    object: str
    idle: int  # minutes
    remind: tuple[str, ...]
    channels: tuple[str, ...]
    repeat: int | None  # minutes
    recycle: bool


@dataclass(frozen=True, slots=True)
class Pool:
    name: str
    admins: tuple[str, ...]
    recycle_after: int | None  # minutes without a follow-up
    recycle_unconverted: int | None  # minutes without a conversion
    recycle_to: str | None


def compile_slas(resources: list[Any]) -> tuple[Sla, ...]:
    return tuple(Sla(s.name, s.object, (s.idle_days or 0) * DAY + (s.idle_hours or 0) * HOUR, tuple(s.remind),
                     tuple(s.channels), s.repeat_every_days * DAY if s.repeat_every_days else None,
                     s.then == RECYCLE) for s in (r.spec for r in resources))


def compile_pools(resources: list[Any]) -> dict[str, Pool]:
    return {p.name: Pool(p.name, tuple(p.admins), p.recycle_after_hours * HOUR if p.recycle_after_hours else None,
                         p.recycle_unconverted_days * DAY if p.recycle_unconverted_days else None, p.recycle_to)
            for p in (r.spec for r in resources)}
