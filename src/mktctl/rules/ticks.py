"""Which of the clock's ticks can change a person: the walk of :mod:`mktctl.rules.person` visits a 00:00 or a
full hour only when something can happen then, instead of every one of them.

A tick where nothing else is due (no event, wait, decay, reminder, assignment, refresh or 定时 moment: those
are visited anyway) can change a person in two ways only: at 00:00 the lifecycle stage can change, and at a
segment's refresh moment its membership can change. Everything else a moment does follows from a change
(docs/testing.md, "One moment, in order"), so a tick where neither happens changes nothing, and visiting a
tick where nothing changes is harmless: the walk may visit more ticks than it needs, never fewer.

* **Stages** read nothing the walk decides: the days since creation (``registered_within_days``), the
  purchases, the days since the last behaviour (``inactive_days``) and the behaviours of the last 30 days
  (``interaction``) all follow from the person's events. :func:`stage_ticks` lists, before the walk, the
  00:00 ticks where the daily evaluation gives another stage than the day before, jumping from one event or
  condition flip to the next instead of evaluating every day.
* **Segments** read the person's state, which changes only at the walk's moments, and time only through
  behaviour windows. After a moment that changed the person, :func:`segment_tick` gives the first refresh
  moment at which a segment's membership changes as things stand (for a segment without a window: its
  next refresh, when its conditions already hold differently; with one: jumping from window flip to window
  flip). A later change plans again.

Evaluating is pure: it records nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mktctl.rules.clock import DAY, next_boundary
from mktctl.rules.conditions import Conditions
from mktctl.rules.segments import DAILY, HOURLY, Segment
from mktctl.rules.stages import INTERACTION_DAYS, INTERACTION_LEVELS, Stage

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.model import Event
    from mktctl.rules.state import PersonState

_THRESHOLDS = sorted((least for _, least in INTERACTION_LEVELS if least > 0), reverse=True)  # 10, 3


def ticking_segments(rules: Rules) -> tuple[Segment, ...]:
    """The segments refreshed by the clock (动态人群 每小时 or 每天)."""
    return tuple(s for s in rules.segments if s.dynamic and s.refresh in (HOURLY, DAILY))


def stage_at(stages: Iterable[Stage], state: _StageView | PersonState, now: int) -> str | None:
    """The stage the daily evaluation would choose at ``now`` (see :func:`mktctl.rules.stages.evaluate`)."""
    for stage in stages:
        if stage.holds(state, now):
            return stage.name
    return None


class _StageView:
    """What stages read of a person, as their events up to a moment make it."""

    __slots__ = ("behaviours", "created", "last_behaviour", "purchases")

    def __init__(self, created: int) -> None:
        self.created = created
        self.purchases = 0
        self.last_behaviour: int | None = None
        self.behaviours: list[int] = []

    def count(self, behaviour: str | None, content: str | None, since: int | None) -> int:
        times = self.behaviours  # stages count every behaviour
        return len(times) if since is None else len(times) - bisect_right(times, since)


def stage_ticks(stages: tuple[Stage, ...], created: int, events: Iterable[Event], until: int) -> list[int]:
    """The 00:00 ticks from the person's creation to ``until`` at which the daily evaluation of ``stages``
    gives another stage than the evaluation before (the first: a stage at all). ``events``: the person's, in
    time order; only behaviours and purchases count."""
    happened = [e for e in events if e.behaviour is not None or e.converted == "订单"]
    view = _StageView(created)
    found: list[int] = []
    current: str | None = None
    tick = next_boundary(created, DAY)
    index = 0
    while tick <= until:
        while index < len(happened) and happened[index].at <= tick:
            event = happened[index]
            if event.behaviour is not None:
                view.behaviours.append(event.at)
                view.last_behaviour = event.at
            if event.converted == "订单":
                view.purchases += 1
            index += 1
        stage = stage_at(stages, view, tick)
        if stage != current:
            found.append(tick)
            current = stage
        following = [next_boundary(happened[index].at, DAY)] if index < len(happened) else []
        flip = _stage_flip(stages, view, tick)
        if flip is not None:
            following.append(next_boundary(flip, DAY))
        if not following:
            break
        tick = max(tick + DAY, min(following))
    return found


def segment_tick(segment: Segment, state: PersonState, after: int, until: int) -> int | None:
    """The first of ``segment``'s refresh moments after ``after`` (up to ``until``) at which its membership
    changes, with the person as they are."""
    step = segment.step
    tick = next_boundary(after + 1, step)
    while tick <= until:
        if segment.conditions.matcher(state, tick) != (segment.name in state.segments):
            return tick
        flip = window_flip(segment.conditions, state, tick) if segment.timed else None
        if flip is None:
            return None
        tick = next_boundary(flip, step)
    return None


def _stage_flip(stages: tuple[Stage, ...], state: _StageView, after: int) -> int | None:
    """The first moment after ``after`` when a stage condition can turn, with no new event."""
    candidates = []
    for stage in stages:
        if stage.registered_within is not None:  # (now - created) // DAY <= N until created + (N + 1) days
            candidates.append(state.created + (stage.registered_within + 1) * DAY)
        if stage.inactive_days is not None:  # (now - last) // DAY >= N from last + N days
            last = state.last_behaviour if state.last_behaviour is not None else state.created
            candidates.append(last + stage.inactive_days * DAY)
        if stage.interaction is not None:
            candidates.append(_interaction_drop(state.behaviours, after))
    return min((c for c in candidates if c is not None and c > after), default=None)


def _interaction_drop(times: list[int], after: int) -> int | None:
    """When the interaction level next falls as behaviours leave the 30-day window: the count drops below
    ``least`` when the ``least``-th most recent behaviour is 30 days old."""
    window = INTERACTION_DAYS * DAY
    count = len(times) - bisect_right(times, after - window)
    for least in _THRESHOLDS:
        if count >= least:
            return times[len(times) - least] + window
    return None


def window_flip(conditions: Conditions, state: PersonState, after: int) -> int | None:
    """The first moment after ``after`` when a behaviour condition with a window stops holding as its
    behaviours grow old (with no new event, a window's count only falls)."""
    best: int | None = None
    for condition in conditions.items:
        if condition.kind != "behaviour" or condition.window is None:
            continue
        times = state.times(condition.behaviour, condition.content)
        count = len(times) - bisect_right(times, after - condition.window)
        if count >= condition.times:
            flip = times[len(times) - condition.times] + condition.window
            if flip > after and (best is None or flip < best):
                best = flip
    return best
