"""Follow-up reminders running for one person: when they fall due, to whom they go, and recycling to the
pool. The reminders and pools, compiled, are in :mod:`mktctl.rules.reminders`, with the rules they follow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktctl.rules.clock import DAY, HOUR, label
from mktctl.rules.model import OWNER, POOL, REMINDER, Cause, Reminder
from mktctl.rules.reminders import RECYCLE, Pool, Sla

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.state import PersonState


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
    if state.owner is None:
        return []  # reminders, recycling and the MQL acceptance all need an owner
    moments = [m for m in (_next_due(sla, state) for sla in rules.slas) if m is not None]
    moments += [m for m, _ in _pool_due(rules.pools.get(state.pool or ""), state)]
    accept = _accept_due(rules, state)
    if accept is not None:
        moments.append(accept)
    return moments


def fire(rules: Rules, state: PersonState, at: int) -> None:
    """Send the reminders and do the recycling due at ``at``."""
    if not state.is_lead or state.owner is None:
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
            (f"; back to {target}" if target else "") if state.detailed else ""
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
