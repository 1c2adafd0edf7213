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
from typing import TYPE_CHECKING, Any

from mktctl.rules.clock import DAY, HOUR, label
from mktctl.rules.model import OWNER, POOL, REMINDER, Cause, Reminder

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.state import PersonState

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


def _cycle(sla: Sla, state: PersonState) -> int | None:
    """When the current idle stretch of ``sla`` began, or None when it does not run."""
    if state.owner is None or state.assigned_at is None:
        return None
    if sla.object == "商机":
        if "商机" not in state.converted or "订单" in state.converted:
            return None
        start = state.converted["商机"]
    else:
        if state.converted:
            return None
        start = state.assigned_at
    if state.last_follow_up is not None and state.last_follow_up > start:
        start = state.last_follow_up
    return start


def _next_due(sla: Sla, state: PersonState) -> int | None:
    start = _cycle(sla, state)
    if start is None:
        return None
    cycle, sent = state.sla_sent.get(sla.name, (start, 0))
    if cycle != start:
        sent = 0
    if sent and sla.repeat is None:
        return None
    return start + sla.idle + sent * (sla.repeat or 0)


def _pool_due(pool: Pool | None, state: PersonState) -> list[tuple[int, str]]:
    if pool is None or state.owner is None or state.assigned_at is None:
        return []
    due = []
    followed = state.last_follow_up is not None and state.last_follow_up >= state.assigned_at
    if pool.recycle_after is not None and not followed:
        due.append((state.assigned_at + pool.recycle_after, f"not followed up within {pool.recycle_after // HOUR} "
                                                            "hours"))
    if pool.recycle_unconverted is not None and not state.converted:
        due.append((state.assigned_at + pool.recycle_unconverted,
                    f"not converted within {pool.recycle_unconverted // DAY} days"))
    return due


def _accept_due(rules: Rules, state: PersonState) -> int | None:
    mql = rules.mql
    if mql is None or mql.accept_hours is None or state.mql_at is None or state.owner is None:
        return None
    if state.last_follow_up is not None and state.last_follow_up >= state.mql_at:
        return None
    if mql.accept_name in state.sla_sent:
        return None
    return state.mql_at + mql.accept_hours * HOUR


def due_moments(rules: Rules, state: PersonState) -> list[int]:
    """Every moment a reminder or a recycling of this person could fall due, as things stand."""
    moments = [m for m in (_next_due(sla, state) for sla in rules.slas) if m is not None]
    moments += [m for m, _ in _pool_due(rules.pools.get(state.pool or ""), state)]
    accept = _accept_due(rules, state)
    if accept is not None:
        moments.append(accept)
    return moments


def fire(rules: Rules, state: PersonState, at: int) -> None:
    """Send the reminders and do the recycling due at ``at``."""
    if not state.is_lead:
        return
    for sla in rules.slas:
        if _next_due(sla, state) != at:
            continue
        start = _cycle(sla, state)
        assert start is not None
        cycle, sent = state.sla_sent.get(sla.name, (start, 0))
        number = (sent if cycle == start else 0) + 1
        state.sla_sent[sla.name] = (start, number)
        target = _recycle_target(rules, state) if sla.recycle and number == 1 else None
        reminder = Reminder(sla.name, number, at, sla.object, _whom(rules, state, sla.remind), sla.channels, target)
        detail = f"no follow-up since {label(start)} ({_duration(at - start)})" + \
            (f"; back to {target}" if target else "")
        state.record(at, REMINDER, sla.name, reminder, Cause("rule", f"lead_follow_up_sla/{sla.name}"), detail)
        if target is not None:
            _recycle(state, at, target, Cause("rule", f"lead_follow_up_sla/{sla.name}: then {RECYCLE}"))
    pool = rules.pools.get(state.pool or "")
    for due, why in _pool_due(pool, state):
        if due == at and pool is not None:
            _recycle(state, at, pool.recycle_to or pool.name, Cause("rule", f"lead_pools/{pool.name}: {why}"))
    mql = rules.mql
    if mql is not None and _accept_due(rules, state) == at:
        state.sla_sent[mql.accept_name] = (at, 1)
        reminder = Reminder(mql.accept_name, 1, at, "销售线索", _whom(rules, state, ("负责人",)), ("纷享消息",))
        state.record(at, REMINDER, mql.accept_name, reminder, Cause("rule", "mql_definition/sales_accept_hours"),
                     f"MQL not accepted within {mql.accept_hours} hours")


def _duration(minutes: int) -> str:
    if minutes % DAY == 0:
        return f"{minutes // DAY} day{'s' if minutes != DAY else ''}"
    return f"{minutes // HOUR} hours"


def _whom(rules: Rules, state: PersonState, remind: tuple[str, ...]) -> tuple[str, ...]:
    people: list[str] = []
    for role in remind:
        if role == "负责人" and state.owner:
            people.append(state.owner)
        elif role == "负责人上级" and state.owner:
            leader = rules.users.get(state.owner)
            if leader is not None and leader.leader:
                people.append(leader.leader)
        elif role == "线索池管理员":
            pool = rules.pools.get(state.pool or "")
            people.extend(pool.admins if pool else ())
    return tuple(dict.fromkeys(people))


def _recycle_target(rules: Rules, state: PersonState) -> str | None:
    pool = rules.pools.get(state.pool or "")
    if pool is not None:
        return pool.recycle_to or pool.name
    return state.pool


def _recycle(state: PersonState, at: int, pool: str | None, cause: Cause) -> None:
    state.owner = None
    state.assigned_at = None
    state.record(at, OWNER, "owner", None, cause)
    if pool != state.pool:
        state.pool = pool
        state.record(at, POOL, "pool", pool, cause)
    state.changed = True
