"""Which of the clock's ticks can change a person: the walk of :mod:`mktctl.rules.person` visits a 00:00 or a
full hour only when something can happen then, instead of every one of them.

A tick where nothing else is due (no event, wait, decay, reminder, assignment, refresh or 定时 moment: those
are visited anyway) can change a person in two ways only: at 00:00 the lifecycle stage can change, and at a
segment's refresh moment its membership can change. Everything else a moment does follows from a change
(docs/testing.md, "One moment, in order"), so a tick where neither happens changes nothing.

Between two changes of a person (their timeline not growing), what stages and segments read is fixed, except
time itself: the days since creation (``registered_within_days``), since the last behaviour
(``inactive_days``), and behaviours leaving a window (``interaction``: the last 30 days; a condition's
``within_days``). Each of these flips at a moment known in advance, so :func:`next_ticks` evaluates the
stage and each segment at the next tick and, while nothing would change there, jumps to the first tick
after the next flip. Evaluating is pure: it records nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mktctl.rules.clock import DAY, HOUR, next_boundary
from mktctl.rules.conditions import Conditions
from mktctl.rules.segments import DAILY, HOURLY, Segment
from mktctl.rules.stages import INTERACTION_DAYS, INTERACTION_LEVELS, Stage

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.state import PersonState

_THRESHOLDS = sorted((least for _, least in INTERACTION_LEVELS if least > 0), reverse=True)  # 10, 3


def next_ticks(rules: Rules, state: PersonState, after: int, until: int, segments: Iterable[Segment] | None = None
               ) -> list[int]:
    """The first tick after ``after`` (up to ``until``) at which the stage changes, and for each of
    ``segments`` (default: the segments the clock refreshes) the first of its refresh moments at which its
    membership changes, as things stand."""
    found = []
    if rules.stages:
        tick = next_stage_tick(rules.stages, state, after, until)
        if tick is not None:
            found.append(tick)
    for segment in ticking_segments(rules) if segments is None else segments:
        tick = next_segment_tick(segment, state, after, until)
        if tick is not None:
            found.append(tick)
    return found


def ticking_segments(rules: Rules) -> tuple[Segment, ...]:
    """The segments refreshed by the clock (动态人群 每小时 or 每天)."""
    return tuple(s for s in rules.segments if s.dynamic and s.refresh in (HOURLY, DAILY))


def stage_at(stages: Iterable[Stage], state: PersonState, now: int) -> str | None:
    """The stage the daily evaluation would choose at ``now`` (see :func:`mktctl.rules.stages.evaluate`)."""
    for stage in stages:
        if stage.holds(state, now):
            return stage.name
    return None


def next_stage_tick(stages: tuple[Stage, ...], state: PersonState, after: int, until: int) -> int | None:
    tick = next_boundary(after + 1, DAY)
    while tick <= until:
        if stage_at(stages, state, tick) != state.stage:
            return tick
        flip = _stage_flip(stages, state, tick)
        if flip is None:
            return None
        tick = next_boundary(flip, DAY)
    return None


def next_segment_tick(segment: Segment, state: PersonState, after: int, until: int) -> int | None:
    step = HOUR if segment.refresh == HOURLY else DAY
    tick = next_boundary(after + 1, step)
    while tick <= until:
        if segment.conditions.holds(state, tick) != (segment.name in state.segments):
            return tick
        flip = window_flip(segment.conditions, state, tick) if segment.timed else None
        if flip is None:
            return None
        tick = next_boundary(flip, step)
    return None


def _stage_flip(stages: tuple[Stage, ...], state: PersonState, after: int) -> int | None:
    """The first moment after ``after`` when a stage condition can turn, with no new event."""
    candidates = []
    for stage in stages:
        if stage.registered_within is not None:  # (now - created) // DAY <= N until created + (N + 1) days
            candidates.append(state.created + (stage.registered_within + 1) * DAY)
        if stage.inactive_days is not None:  # (now - last) // DAY >= N from last + N days
            last = state.last_behaviour if state.last_behaviour is not None else state.created
            candidates.append(last + stage.inactive_days * DAY)
        if stage.interaction is not None:
            candidates.append(_interaction_drop(state.behaviours[None], after))
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

