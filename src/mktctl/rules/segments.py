"""Segments (目标人群): who is in a segment, re-evaluated only at the segment's refresh moments.

* a 动态人群 with ``refresh: 每小时`` is re-evaluated on every full hour (10:00, 11:00 ...), with ``每天`` at
  00:00, with ``手动`` only at the moments a test asks for (``refresh:`` in the test file);
* a 静态人群 is a snapshot: its conditions are evaluated once, at the first moment a test asks for it, and
  its members stay; without a refresh it has no members.

A person joins or leaves a segment only at such a moment, whatever happened in between: a person who
downloads a whitepaper at 10:20 joins an hourly segment at 11:00 and a daily one at 00:00 the next day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.rules.clock import DAY, HOUR
from mktctl.rules.conditions import Conditions, compile_conditions
from mktctl.rules.fields import FieldNames
from mktctl.rules.model import SEGMENT_JOINED, SEGMENT_LEFT, Cause

if TYPE_CHECKING:
    from mktctl.rules.state import PersonState

HOURLY, DAILY, MANUAL = "每小时", "每天", "手动"


@dataclass(frozen=True)
class Segment:
    name: str
    dynamic: bool
    refresh: str
    conditions: Conditions
    timed: bool = False  # a behaviour window: membership can change with time alone

    @property
    def step(self) -> int:
        """The minutes between two refreshes of a 动态人群 refreshed 每小时 or 每天."""
        return HOUR if self.refresh == HOURLY else DAY

    def due(self, at: int, manual: frozenset[str]) -> bool:
        """Whether the segment is refreshed at ``at`` (``manual``: the segments a test refreshes now)."""
        if not self.dynamic or self.refresh == MANUAL:
            return self.name in manual
        return at % self.step == 0


def compile_segments(resources: list[Any], names: FieldNames) -> tuple[Segment, ...]:
    segments = []
    for resource in resources:
        conditions = compile_conditions(resource.spec.conditions, names, resource.spec.match)
        segments.append(Segment(resource.spec.name, resource.spec.type == "动态人群", resource.spec.refresh, conditions,
                                any(c.window is not None for c in conditions.items)))
    return tuple(segments)


def refresh(segments: tuple[Segment, ...], state: PersonState, at: int, manual: frozenset[str]) -> None:
    """Refresh the segments due at ``at``. A segment without a behaviour window is not evaluated again
    while nothing about the person has changed since its last refresh (the result could not differ)."""
    if at % HOUR and not manual:
        return  # nothing refreshes between full hours but a test's refresh
    version = state.version
    for segment in segments:
        if not segment.due(at, manual):
            continue
        if not segment.dynamic and segment.name in state.snapshots:
            continue
        if not segment.dynamic:
            state.snapshots.add(segment.name)
        elif not segment.timed and state.refreshed.get(segment.name) == version:
            continue
        state.refreshed[segment.name] = version
        inside = segment.conditions.holds(state, at)
        if inside == (segment.name in state.segments):
            continue
        what = "snapshot" if not segment.dynamic else f"{segment.refresh} refresh"
        cause = Cause("clock", f"segments/{segment.name} {what}: {segment.conditions.describe(state, at)}"
                      if state.detailed else f"segments/{segment.name} {what}")
        if inside:
            state.segments.add(segment.name)
            state.record(at, SEGMENT_JOINED, segment.name, True, cause)
            state.signals.segments_joined.add(segment.name)
            state.changed = True
        else:
            state.segments.discard(segment.name)
            state.record(at, SEGMENT_LEFT, segment.name, False, cause)
            state.changed = True
