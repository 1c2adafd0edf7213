"""One person through time: :func:`run_person` walks a person's moments in order and returns their
timeline. It touches nothing outside the person; what it needs from other people (the owner given by
assignment) comes in as ``plan``, so a batch runner can call it for each person independently.

The moments visited are the person's events, their creation and merges, the assignments of the plan,
every 00:00 (lifecycle stages, daily segments), every full hour when a segment refreshes hourly, the
moments of 定时 flows and of manual refreshes, and the moments that fall due as the person goes: a flow's
wait ending, a decay, a reminder. Within one moment the order is fixed (docs/testing.md):

1. creation, then merged records' fields, then the events in the order written (field changes, behaviours,
   unsubscribes, follow-ups, conversions);
2. scoring (everything of the minute summed, then floor and maximum; a decay due now, unless a behaviour
   happened now) and the grade;
3. assignment at creation;
   - before creation nothing below happens (events before it are history: they count for scoring,
     windows and attribution);
4. the lifecycle stage (at 00:00);
5. tags (rules until stable; tags from WeCom and the stage);
6. MQL, then its hand-off assignment;
7. segments due for a refresh;
8. flows: exits, waits ending, triggers and the steps that follow (again while steps set tags that
   trigger flows);
9. reminders and recycling due.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal

from mktctl.rules import flow_runs, flows, reminder_runs, segments, stages, tags, ticks
from mktctl.rules.assignment import Assignment, LeadFacts
from mktctl.rules.clock import DAY, HOUR, Clock, next_boundary
from mktctl.rules.compile import Rules
from mktctl.rules.events import apply_event
from mktctl.rules.fields import STAGE_FIELD, STATUS_FIELD
from mktctl.rules.identity import Absorption, Survivor
from mktctl.rules.model import (
    ABSORBED,
    CREATED,
    DUPLICATE,
    FIELD,
    GRADE,
    MERGE_CANDIDATE,
    MQL,
    NOTIFY,
    OWNER,
    POOL,
    SCORE,
    Cause,
    Event,
    PersonResult,
)
from mktctl.rules.reach import FlowReach, PersonReach
from mktctl.rules.scoring import ScoreState, decay, next_decay, score_minute
from mktctl.rules.state import PersonState, Signals

CREATION: Literal["creation"] = "creation"
_ORDER = attrgetter("at", "seq")  # events in the order a moment applies them
HAND_OFF: Literal["hand_off"] = "hand_off"
MAX_ROUNDS = 10


@dataclass(frozen=True, slots=True)
class Planned:
    """An assignment decided across people (:mod:`mktctl.rules.world`), applied at its moment."""

    at: int
    phase: Literal["creation", "hand_off"]
    assignment: Assignment

    def __reduce__(self) -> tuple[Any, ...]:
        return Planned, (self.at, self.phase, self.assignment)  # faster than by name (plans go to workers)


@dataclass
class Qualification:
    """What assignment needs from a person: the facts at creation and at the MQL moment."""

    created: LeadFacts | None = None
    mql_at: int | None = None
    at_mql: LeadFacts | None = None


def run_person(rules: Rules, person: Survivor, *, clock: Clock, until: int, plan: Sequence[Planned] = (),
               refreshes: Iterable[tuple[int, str]] = (), qualify_only: bool = False, detailed: bool = True,
               leave_out: frozenset[str] = frozenset(), end_only: bool = False, reach: FlowReach | None = None,
               full_from: int | None = None) -> tuple[PersonResult, Qualification]:
    """Run ``person`` from their first event or creation to ``until`` (inclusive). With ``qualify_only``
    only what assignment needs is computed (fields, scores, MQL). Without ``detailed`` the timeline's
    changes are the same, but their causes and details leave out the words that explain them (the
    conditions of a rule, a score's ledger lines, an event described), for a run that is summed up; and the
    changes of the kinds in ``leave_out`` are made but not kept in the timeline. With ``end_only`` (for a
    person no flow can start for, under rules that allow it: :mod:`mktctl.rules.reach`) the tags and
    segments are evaluated only for their state at the end: the timeline has every other change, and of
    tags and segments changes that end in that state (added last, so out of time order: a replay is right
    only at the end). With ``reach`` the walk goes on so from the moment the person's flows are over and none
    can start again, where the rules allow it for the flows they have been in
    (:func:`mktctl.rules.reach.end_only_after_flows_allowed`) and no segment is refreshed by hand
    (``refreshes``); and with ``reach`` and ``full_from`` (the earliest moment a flow may start for the person:
    :meth:`mktctl.rules.reach.FlowReach.earliest_start`) it goes so up to that moment too, and in full from it
    (the tags and segments first brought to what a full walk has there)."""
    return _Runner(rules, person, clock, until, plan, refreshes, qualify_only, detailed=detailed,
                   leave_out=leave_out, end_only=end_only, reach=reach, full_from=full_from).run()


def qualify_person(rules: Rules, person: Survivor, *, clock: Clock, until: int) -> Qualification:
    """The :class:`Qualification` of ``run_person(..., qualify_only=True)``, without writing the timeline
    nobody reads of that pass (the batch runner's first pass)."""
    return _Runner(rules, person, clock, until, (), (), True, recording=False, until_qualified=True).run()[1]


def run_person_every_tick(rules: Rules, person: Survivor, *, clock: Clock, until: int,
                          plan: Sequence[Planned] = (), refreshes: Iterable[tuple[int, str]] = ()) -> PersonResult:
    """:func:`run_person` visiting every 00:00 (and every full hour with an hourly segment) instead of only
    the ticks that can change the person: the same timeline, slower. The reference the jumps are tested
    against."""
    return _Runner(rules, person, clock, until, plan, refreshes, False, every_tick=True).run()[0]


class _Runner:
    def __init__(self, rules: Rules, person: Survivor, clock: Clock, until: int, plan: Sequence[Planned],
                 refreshes: Iterable[tuple[int, str]], qualify_only: bool, every_tick: bool = False,
                 recording: bool = True, detailed: bool = True, until_qualified: bool = False,
                 folding: bool = True, leave_out: frozenset[str] = frozenset(), end_only: bool = False,
                 reach: FlowReach | None = None, full_from: int | None = None) -> None:
        self.rules, self.person, self.clock, self.until = rules, person, clock, until
        self.qualify_only = qualify_only
        self.every_tick = every_tick
        # stop as soon as the Qualification is complete (nothing after it is read)
        self.until_qualified = until_qualified and qualify_only
        # tags and segments only for their end state: evaluated at the last moment a full run would evaluate
        # them (``evaluated_at``), and the segments at their last refresh (``checkpoints``) (see run_person)
        self.end_only = end_only and not qualify_only and not every_tick
        self.evaluated_at: int | None = None
        self.tags_evaluated_at: int | None = None  # the ``evaluated_at`` the tag groups were last evaluated at
        # once the flows are over for good, the rest of the walk as end_only (:meth:`end_if_flows_over`)
        self.reach = reach if reach is not None and reach.after_flows_allowed and not refreshes and \
            not (self.end_only or qualify_only or every_tick) else None
        # and before the earliest moment a flow may start, the walk as end_only too (:meth:`begin_full`); set
        # before anything below reads ``end_only`` (the checkpoints, the segments planned, the foldable moments)
        self.full_from = full_from if self.reach is not None and full_from is not None and \
            full_from > person.created else None
        if self.full_from is not None:
            self.end_only = True
        # the flows entered and the tags held when ``reach`` was last asked, and its answer: the last moment a
        # flow may start (it stays an answer while neither changes: from a later moment on, less may happen)
        self.asked: tuple[frozenset[str], frozenset[str]] | None = None
        self.latest: int | None = None
        self.judge: PersonReach | None = None  # reach's judgement of the person
        self.ticking = ticks.ticking_segments(rules)
        self.checkpoints = self.last_refreshes(-1, self.full_from) if self.end_only else []
        ticking = () if every_tick else self.ticking
        # a segment without a window changes only with the person: its conditions ignore the moment
        self.untimed_all = tuple((s.conditions.matcher, s.name, s.step) for s in ticking if not s.timed)
        self.timed_all = tuple(s for s in ticking if s.timed)
        self.untimed, self.timed = ((), ()) if self.end_only else (self.untimed_all, self.timed_all)
        self.tag_reading = rules.tag_reading
        self.planned = -1  # the timeline's length when the moments that follow from the state were last planned
        self.state = PersonState(person.id, person.created, person.lead_at, person.pool or rules.default_pool)
        self.state.recording = recording
        self.state.detailed = detailed
        self.state.leave_out = leave_out
        self.qualification = Qualification()
        self.events: dict[int, list[Event]] = {}
        for event in sorted(person.events, key=_ORDER):
            self.events.setdefault(event.at, []).append(event)
        self.absorbed: dict[int, list[Absorption]] = {}
        for absorption in person.absorbed:
            self.absorbed.setdefault(absorption.at, []).append(absorption)
        self.plan: dict[tuple[int, str], Planned] = {(p.at, p.phase): p for p in plan}
        self.refreshes: dict[int, set[str]] = {}
        for at, name in refreshes:
            self.refreshes.setdefault(at, set()).add(name)
        self.schedules: dict[int, set[str]] = {}
        if not qualify_only:
            for flow in rules.flows:
                if flow.trigger == "定时" and flow.active:
                    for at in flows.schedule_moments(flow.key, clock, until):
                        self.schedules.setdefault(at, set()).add(flow.name)
        # moments of events nothing reads, where nothing else is planned: taken in without a full visit when
        # nothing else falls due then either (:meth:`folds`); and moments of events only tag rules and branches
        # read: a full run takes them in and visits the rest of the moment only when the tag groups read
        # something new (:meth:`settle`)
        self.inert, self.quiet = self.foldable_moments() if folding and not every_tick else (set(), set())
        self.pending_tags: list[tuple[str, Cause]] = []
        self.spare_signals = Signals()  # run_flows swaps it with the person's instead of making new ones
        self.heap: list[int] = []
        self.queued: set[int] = set()
        for model in rules.models if self.state.is_lead else ():
            self.state.score_states[model.name] = ScoreState(model)
            self.state.scores[model.name] = 0
            self.state.grades[model.name] = None

    def foldable_moments(self, after: int | None = None) -> tuple[set[int], set[int]]:
        """The moments (after ``after``, when given) where nothing else is planned whose events nothing reads (a
        qualifying pass: nothing scores), and, in a full run, those whose events only tag rules and branches
        read (:attr:`Rules.quiet`)."""
        person = self.person
        planned = {person.created, person.lead_at, *self.absorbed, *(p.at for p in self.plan.values()),
                   *self.refreshes, *self.schedules}
        unread = (self.rules.scored if self.qualify_only or self.end_only else self.rules.read).inert
        unsegmented = None if self.qualify_only or self.end_only else self.rules.quiet.inert
        inert: set[int] = set()
        quiet: set[int] = set()
        for at, events in self.events.items():
            # in a full run a full hour may refresh segments, and a 00:00 the stage
            if at in planned or not (self.qualify_only or at % HOUR) or (after is not None and at <= after):
                continue
            if all(map(unread, events)):
                inert.add(at)
            elif unsegmented is not None and all(map(unsegmented, events)):
                quiet.add(at)
        return inert, quiet

    # ---- the walk -----------------------------------------------------------------------------------------

    def push(self, at: int | None, now: int = -(10**9)) -> None:
        """Visit ``at`` (once, however often it is pushed)."""
        if at is None or not now < at <= self.until or at in self.queued:
            return
        self.queued.add(at)
        heapq.heappush(self.heap, at)

    def run(self) -> tuple[PersonResult, Qualification]:
        person = self.person
        start = min([person.created, *self.events])
        # a qualifying pass takes in the events nothing reads on the way, without queueing their moments
        lazy = sorted(self.inert) if self.until_qualified else []
        waiting = 0  # the first of them not taken in yet
        for at in [person.created, *self.events, *self.absorbed, *(p.at for p in self.plan.values()),
                   *self.refreshes, *self.schedules]:
            if not lazy or at not in self.inert:
                self.push(at, start - 1)
        if self.every_tick and not self.qualify_only:
            step = HOUR if self.rules.hourly else DAY
            tick = next_boundary(person.created, step)
            while tick <= self.until:
                self.push(tick, start - 1)
                tick += step
        elif self.rules.stages and not self.qualify_only:
            for tick in ticks.stage_ticks(self.rules.stages, person.created, person.events, self.until):
                self.push(tick, start - 1)
        self.push(self.full_from, start - 1)
        mql = self.rules.mql
        qualification = self.qualification
        while self.heap:
            at = heapq.heappop(self.heap)
            self.queued.discard(at)
            while self.checkpoints and self.checkpoints[0] < at:
                self.checkpoint(self.checkpoints.pop(0))
            if self.full_from is not None and at >= self.full_from:
                self.begin_full(at)
            if waiting < len(lazy) and lazy[waiting] <= at:
                # take in the lazy moments up to ``at``, in order with what falls due between them (a decay
                # pushed by the last one): ``at`` waits its turn again unless it was one of them
                while waiting < len(lazy) and lazy[waiting] <= at:
                    self.fold(lazy[waiting])
                    waiting += 1
                    following = lazy[waiting] if waiting < len(lazy) else at
                    if self.heap and self.heap[0] < min(at, following):
                        break
                if lazy[waiting - 1] != at:
                    self.push(at)  # once: a decay planned by a lazy moment may have queued it again already
                continue
            if at in self.inert and not lazy and self.folds(at):
                self.fold(at)
                continue
            if at not in self.quiet:
                self.moment(at)
            elif self.settle(at):
                continue
            if self.until_qualified and (person.lead_at is None or qualification.created is not None) and \
                    (mql is None or qualification.mql_at is not None):
                break  # what assignment reads is known: at creation, and at the MQL moment
            self.schedule(at)
            if self.reach is not None and self.full_from is None:
                self.end_if_flows_over(at)
        if self.end_only:
            for at in self.checkpoints:
                self.checkpoint(at)
            self.evaluate_tags()
        state = self.state
        result = PersonResult(person.id, state.timeline, state.ledger, created=person.created,
                              is_lead=state.is_lead)
        return result, self.qualification

    def last_refreshes(self, after: int, before: int | None = None) -> list[int]:
        """The last refresh moment of each step of the clock's segments (before ``before``, when given), those
        after ``after``, in order."""
        last = self.until if before is None else min(self.until, before - 1)
        return sorted(at for at in {last - last % s.step for s in self.ticking} if at > after)

    def begin_full(self, at: int) -> None:
        """Before visiting ``at``, the earliest moment a flow may start (``full_from``): the walk goes on in full,
        with the tags as the moments before it left them, and the segments as their last refreshes before it
        (the checkpoints, taken on the way) left them."""
        self.evaluate_tags()
        self.full_from = None
        self.end_only = False
        self.evaluated_at = self.tags_evaluated_at = None
        self.checkpoints = []
        self.untimed, self.timed = self.untimed_all, self.timed_all
        self.inert, self.quiet = self.foldable_moments(after=at - 1)
        self.planned = -1  # what follows from the state is planned again, segments included

    def end_if_flows_over(self, at: int) -> None:
        """After a visit of ``at``: when the person is in no flow and none can start after ``at`` (``reach``),
        go on as an ``end_only`` run. The tags are as ``at`` left them, and the segments as the last refresh up
        to it; from here on nothing reads either but the end (see run_person)."""
        state = self.state
        if any(run.inside for run in state.flows.values()):
            return
        reach = self.reach
        assert reach is not None
        entered = frozenset(name for name, run in state.flows.items() if run.entries)
        held = state.tags.keys() & reach.read_tags
        if self.asked is None or entered != self.asked[0] or held != self.asked[1]:
            if entered & reach.keep_full:
                self.reach = None  # a step of theirs set a tag of a group with rules: in full to the end
                return
            self.asked = entered, frozenset(held)
            if self.judge is None:
                self.judge = reach.judge(self.person)
            self.latest = self.judge.latest_start(entered, since=at, held=held)
        if self.latest is not None and self.latest > at:
            return
        self.reach = None
        self.end_only = True
        self.checkpoints = self.last_refreshes(at)
        self.untimed, self.timed = (), ()
        self.inert, self.quiet = self.foldable_moments(after=at)

    def checkpoint(self, at: int) -> None:
        """In an ``end_only`` run, the refresh of the segments at ``at``, their last before the end: the tags
        as the last moment up to it left them, then the segments due at ``at`` (as a full run's walk has
        them after visiting ``at``, or after not visiting it because nothing would change)."""
        state = self.state
        if not state.alive:
            return
        self.evaluate_tags()
        segments.refresh(self.rules.segments, state, at, frozenset())

    def evaluate_tags(self) -> None:
        """In an ``end_only`` run, the tag groups evaluated at ``evaluated_at``: once for each such moment, as
        nothing they read changes but at a moment that becomes the next ``evaluated_at`` (an event, a field
        changed, a score or a stage)."""
        if self.evaluated_at is not None and self.evaluated_at != self.tags_evaluated_at:
            tags.evaluate(self.tag_reading, self.state, self.evaluated_at)
            self.tags_evaluated_at = self.evaluated_at

    def folds(self, at: int) -> bool:
        """Whether the moment of events nothing reads changes nothing but the person's record of behaviours
        (:mod:`mktctl.rules.inert`): no flow's wait and no reminder falls due then, and no tag group would
        read anything new (its behaviour windows as they are at ``at``). Scores, fields, the stage, exits
        and segments cannot have changed since the person's last moment."""
        if self.qualify_only:
            return True
        state = self.state
        if self.pending_tags or any(run.wake == at for run in state.flows.values()):
            return False
        if state.owner is not None and state.is_lead and at in reminder_runs.due_moments(self.rules, state):
            return False
        if not state.alive:
            return True
        if self.end_only:
            self.evaluated_at = at  # a full run reads the tag groups here (and evaluates them when it changed)
            return True
        reading = self.tag_reading
        return not reading.groups or \
            (not reading.every_time and reading.read(state, at) == (state.tags_read or None))

    def settle(self, at: int) -> bool:
        """Visit a moment of events that only tag rules and branches read (:attr:`Rules.quiet`): take the
        events in, and visit the rest of the moment only when a tag group reads something new now (as in
        :meth:`folds`, nothing else can have changed: no score, field, signal, stage or segment). Returns
        True when that was all (the moment is folded, and what follows planned); False when the moment was
        visited in full, and the walk goes on from it as from any visit."""
        state = self.state
        if self.pending_tags or any(run.wake == at for run in state.flows.values()) or \
                (state.owner is not None and state.is_lead and at in reminder_runs.due_moments(self.rules, state)):
            self.moment(at)
            return False
        planned = self.planned == state.version
        state.signals.clear()
        state.changed = False
        anchor = state.last_behaviour if state.last_behaviour is not None else state.lead_at
        events = self.events[at]
        for event in events:
            apply_event(self.rules, state, event, self.pending_tags)
        reading = self.tag_reading
        seen = None if reading.every_time or not state.alive or not reading.groups else reading.read(state, at)
        if state.alive and reading.groups and (seen is None or seen != (state.tags_read or None)):
            self.moment(at, (anchor, events, seen))
            return False
        for score_state in state.score_states.values():
            score_state.decays = 0
        if planned:
            self.planned = state.version  # what follows from the state is as planned: it read none of it
        self.schedule(at)
        return True

    def fold(self, at: int) -> None:
        """Take in the events of ``at`` as its full visit would, when :meth:`folds`: they are recorded, and a
        behaviour starts a lead's inactive period again (cancelling a decay due now)."""
        state = self.state
        planned = self.planned == state.version
        for event in self.events[at]:
            apply_event(self.rules, state, event, self.pending_tags)
        for score_state in state.score_states.values():
            score_state.decays = 0
        if planned:
            self.planned = state.version  # what follows from the state is as planned: it read none of it
        self.schedule(at)

    def schedule(self, at: int) -> None:
        state = self.state
        anchor = state.last_behaviour if state.last_behaviour is not None else state.lead_at
        if anchor is not None:
            for model in self.rules.models if state.is_lead else ():
                self.push(next_decay(model, state.score_states[model.name], anchor), at)
        if state.alive and not self.qualify_only and state.version != self.planned:
            # the person changed (what follows from their state is planned again only then: a moment that
            # changed nothing leaves the moments planned before as they were)
            self.planned = state.version
            for wake in flow_runs.next_wake(state):
                self.push(wake, at)
            if state.is_lead:
                for due in reminder_runs.due_moments(self.rules, state):
                    self.push(due, at)
            # the segments' next refreshes may change them in turn
            segments_now = state.segments
            for matcher, name, step in self.untimed:
                if matcher(state, at) != (name in segments_now):
                    self.push(next_boundary(at + 1, step), at)
            for segment in self.timed:
                self.push(ticks.segment_tick(segment, state, at, self.until), at)

    def moment(self, at: int, taken: tuple[int | None, list[Event], tuple[Any, ...] | None] | None = None
               ) -> None:
        """Visit ``at``. ``taken``: its events are applied already (:meth:`settle`; behaviours only, none
        at creation), with the decay's anchor as it was before them and what the tag groups read after them
        (None: not read)."""
        state, rules = self.state, self.rules
        fields_changed = False
        seen = None
        if taken is None:
            state.signals.clear()
            state.changed = False
            if at == self.person.created:
                self.create(at)
                fields_changed = True
            for absorption in self.absorbed.get(at, ()):
                fields_changed |= self.absorb(absorption)
            anchor = state.last_behaviour if state.last_behaviour is not None else state.lead_at
            behaviours = []
            for event in self.events.get(at, ()):
                fields_changed |= apply_event(rules, state, event, self.pending_tags)
                if event.behaviour is not None:
                    behaviours.append(event)
        else:
            anchor, behaviours, seen = taken
        if state.is_lead:
            self.score(at, behaviours, fields_changed, anchor)
        if state.lead_at == at:
            self.qualification.created = self.facts()
        if self.plan:
            self.assign(at, CREATION)
        if not state.alive:
            return
        if self.qualify_only:
            self.qualify(at)
            return
        entered = stages.evaluate(rules.stages, state, at) if at % DAY == 0 and rules.stages else None
        if entered is not None and entered.tag:
            self.pending_tags.append((entered.tag, Cause("rule", f"lifecycle_stages/{entered.name} tag")))
        if state.changed or behaviours or fields_changed or self.pending_tags:
            if self.end_only:
                self.evaluated_at = at
                self.tag_manually(at)
            else:
                self.tag(at, seen if not state.changed and not self.pending_tags else None)
        self.qualify(at)
        if self.plan:
            self.assign(at, HAND_OFF)
        if not self.end_only:  # (end only: the segments at the checkpoints; no flow can start)
            if at % HOUR == 0 or at in self.refreshes:
                segments.refresh(rules.segments, state, at, frozenset(self.refreshes.get(at, ())))
            if at in self.schedules:
                state.signals.schedules |= self.schedules[at]
            self.run_flows(at)
        if state.is_lead:
            reminder_runs.fire(rules, state, at)

    # ---- steps of a moment ----------------------------------------------------------------------------------

    def create(self, at: int) -> None:
        state, person = self.state, self.person
        state.alive = True
        state.fields.update(person.fields)
        if state.is_lead:
            state.fields.setdefault(STATUS_FIELD, "未处理")
        what = f"{person.object}" + (f" in pool {state.pool}" if state.pool else "")
        state.record(at, CREATED, person.object, dict(state.fields), Cause("event", "created"), what)
        if state.pool:
            state.record(at, POOL, "pool", state.pool, Cause("event", "created"), "the pool it arrives in")
        if person.duplicate_of:
            state.record(at, DUPLICATE, person.duplicate_of, person.duplicate_of,
                         Cause("rule", "lead_cleaning/duplicate_rules: 标记重复"), f"marked duplicate of "
                                                                                  f"{person.duplicate_of}")
        for other, key in person.candidates:
            state.record(at, MERGE_CANDIDATE, other, other, Cause("rule", "identity_rules: auto_merge is off"),
                         f"same {key} as {other}")
        source = state.fields.get("source", "")
        touch_now = any(e.is_touch for e in self.events.get(at, ()))
        if source and not touch_now:
            state.touches.append(Event(at, behaviour="created", source=source,
                                       campaign=state.fields.get("市场活动", ""), origin="creation"))

    def absorb(self, absorption: Absorption) -> bool:
        state = self.state
        cause = Cause("identity", f"{absorption.id} merged ({absorption.key})")
        state.record(absorption.at, ABSORBED, absorption.id, absorption.id, cause, f"{absorption.id}: same "
                                                                                   f"{absorption.key}")
        changed = False
        for key, value in absorption.fields.items():
            if value and (absorption.overwrite or not state.fields.get(key)) and state.fields.get(key) != value:
                state.fields[key] = value
                state.record(absorption.at, FIELD, key, value, cause)
                changed = True
        return changed

    def score(self, at: int, behaviours: list[Event], fields_changed: bool, anchor: int | None) -> None:
        """``anchor``: the last behaviour before this minute (or the lead's creation), for the decay."""
        state = self.state
        for model in self.rules.models:
            score_state = state.score_states[model.name]
            before = score_state.score
            due = next_decay(model, score_state, anchor) if anchor is not None else None
            fields = state.fields if fields_changed and state.alive else None
            delta = score_minute(model, score_state, at, behaviours, fields, state.ledger)
            if not behaviours and due == at:
                delta += decay(model, score_state, at, state.ledger)
            if delta == 0 and score_state.score == before:
                continue
            after = score_state.score
            state.scores[model.name] = after
            if state.recording:
                detail = f"{before} → {after}: {self.minute_detail(at, model.name)}" if state.detailed else ""
                state.record(at, SCORE, model.name, after, Cause("rule", f"scoring_models/{model.name}"), detail)
            state.signals.scores[model.name] = (before, after)
            state.changed = True
            grade = model.grade(after)
            if grade != state.grades.get(model.name):
                state.grades[model.name] = grade
                state.record(at, GRADE, model.name, grade, Cause("rule", f"scoring_models/{model.name} thresholds"),
                             f"score {after}")

    def minute_detail(self, at: int, model: str) -> str:
        """This minute's ledger lines of ``model``: ``下载文件 +5; 观看直播 +10``."""
        ledger = self.state.ledger
        first = len(ledger)
        while first and ledger[first - 1].at == at:  # the ledger is in time order: this minute's lines last
            first -= 1
        return "; ".join(f"{e.label} {e.awarded:+d}" for e in ledger[first:] if e.model == model)

    def facts(self) -> LeadFacts:
        fields, scores = self.state.fields, self.state.scores
        model = self.rules.mql.model if self.rules.mql and self.rules.mql.model else next(iter(scores), None)
        return LeadFacts.of(fields, scores.get(model or "", 0))

    def qualify(self, at: int) -> None:
        state, mql = self.state, self.rules.mql
        if mql is None or state.mql_at is not None or state.lead_at is None or at < state.lead_at:
            return
        if not mql.qualifies(state):
            return
        state.mql_at = at
        self.qualification.mql_at = at
        self.qualification.at_mql = self.facts()
        cause = Cause("rule", "mql_definition")
        state.record(at, MQL, mql.stage_label, True, cause, _mql_text(mql, state) if state.detailed else "")
        state.fields[STAGE_FIELD] = mql.stage_label
        state.record(at, FIELD, STAGE_FIELD, mql.stage_label, cause)
        state.changed = True

    def assign(self, at: int, phase: str) -> None:
        planned = self.plan.get((at, phase))
        if planned is None:
            return
        state, assignment = self.state, planned.assignment
        cause = Cause("rule", ("MQL hand-off: " if phase == HAND_OFF else "") + assignment.explanation)
        if assignment.pool is not None and assignment.pool != state.pool:
            state.pool = assignment.pool
            state.record(at, POOL, "pool", assignment.pool, cause)
        if assignment.owner is not None:
            same = "stays with the same owner" if state.owner == assignment.owner else ""
            state.owner, state.assigned_at = assignment.owner, at
            state.record(at, OWNER, "owner", assignment.owner, cause, same)
        elif assignment.pool is not None and state.owner is not None:
            state.owner, state.assigned_at = None, None
            state.record(at, OWNER, "owner", None, cause)
        elif assignment.pool is None:
            state.record(at, OWNER, "owner", state.owner, cause, "no rule matched")
        if assignment.owner is not None and assignment.notify:
            state.record(at, NOTIFY, "负责人", [assignment.owner], cause,
                         f"notify {self.rules.user_name(assignment.owner)} on {'、'.join(assignment.notify)}")
        state.changed = True

    def tag(self, at: int, seen: tuple[Any, ...] | None = None) -> None:
        """``seen``: what the tag groups read now, when nothing changed since it was read."""
        self.tag_manually(at)
        tags.evaluate(self.tag_reading, self.state, at, seen)

    def tag_manually(self, at: int) -> None:
        """The tags set by the stage entered now or the WeCom connection."""
        state = self.state
        for tag, cause in self.pending_tags:
            tags.add_tag(state, at, tag, tags.MANUAL, cause, single=tags.group_of(tag) in self.rules.single_choice)
        self.pending_tags.clear()

    def run_flows(self, at: int) -> None:
        rules, state = self.rules, self.state
        if state.flows:  # a person who never entered a flow has nothing to leave or continue
            flow_runs.leave_on_exits(rules, state, at)
            flow_runs.continue_due(rules, state, at)
        if not state.signals.any():
            return  # no trigger happened
        spare = self.spare_signals
        for _ in range(MAX_ROUNDS):
            current = state.signals  # what happened so far; what the flows' steps make happen is collected anew
            spare.clear()
            state.signals, spare = spare, current
            before = state.version
            flow_runs.enter_triggered(rules, state, at, current)
            if state.version != before:  # steps may have set tags that other tags' rules name
                tags.evaluate(self.tag_reading, state, at)
                flow_runs.leave_on_exits(rules, state, at)
            if not state.signals.any():
                break
        self.spare_signals = spare


def _mql_text(mql: object, state: PersonState) -> str:
    from mktctl.rules.mql import Mql

    assert isinstance(mql, Mql)
    parts = []
    if mql.min_score is not None:
        parts.append(f"score {state.scores.get(mql.model or '', 0)} ≥ {mql.min_score}")
    if mql.required:
        parts.append(f"{', '.join(mql.required)} filled")
    if mql.sources:
        parts.append(f"source {state.fields.get('source', '')}")
    return "; ".join(parts)
