"""Whether a flow can start for a person, judged before the walk from their records and events, and whether
a playbook lets the walk keep only the end state of tags and segments for people no flow can start for.

A flow is the only thing that reads a person's tags and segments on the way (a trigger, a branch, a step);
the lifecycle stages, the scores, the MQL, assignment and reminders read none of them. For a person no flow
can start for, tags and segments matter only as they are at the end (what ``mktctl simulate`` reports), and
:func:`mktctl.rules.person.run_person` with ``end_only`` evaluates them only for that (docs/testing.md says
why that gives the same end state).

:func:`may_start_flow` answers False only when no active flow can start whatever the walk decides, and
:meth:`FlowReach.latest_start` tells the last moment one may start. Both are judged from the moments at which
what a trigger needs could hold: a behaviour window holds only while enough of the person's events are inside
it, a tag only from the first moment its rule could hold on (once set, a tag may stay), a segment joins only
at a refresh (a full hour, or 00:00) while its conditions could hold, and nothing starts before the person is
created or after their last form or event registration. Anything it cannot judge from the records (a score, a
stage, a field the engine itself sets, a schedule) counts as able to start at any moment.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from mktctl.rules.conditions import Condition, Conditions, normalise_tag
from mktctl.rules.fields import STAGE_FIELD, STATUS_FIELD, compare
from mktctl.rules.segments import DAILY, HOURLY
from mktctl.rules.tags import MAX_ROUNDS, TagRule, group_of

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.identity import Survivor

ENGINE_FIELDS = frozenset({STATUS_FIELD, STAGE_FIELD})  # fields the walk itself sets
FOREVER = 10**15  # later than any moment: what may hold at moments the records do not tell holds until it
Spans = list[tuple[int, int]]  # moments [start, end), in order and apart
ALWAYS: Spans = [(-FOREVER, FOREVER)]


def end_only_allowed(rules: Rules) -> bool:
    """Whether the end state of a person's tags and segments follows from evaluating them at the last moments
    the walk would, under ``rules``:

    * a rule-set tag depends only on what its rules read at the moment of evaluation: no tag a stage or the
      WeCom connection sets (which stays, and replaces a rule's value in a single-choice group) belongs to a
      group with rules, no group's rules read, through tags, the group itself, and no chain of groups reading
      each other's tags is longer than one evaluation follows;
    * no tag rule reads a field the walk sets itself: the MQL sets 线索阶段 after the tags of its moment, and a
      follow-up sets 线索状态 without the tags being evaluated again;
    * every segment is a 动态人群 refreshed 每小时 or 每天 (a manual refresh or a snapshot depends on when it
      was asked for)."""
    if _any_in_ruled_groups(rules, _set_outside_rules(rules)):
        return False
    conditions = [c for group in rules.tags for rule in group.rules for c in rule.conditions.items]
    if any(c.kind == "field" and c.field in ENGINE_FIELDS for c in conditions):
        return False
    if any(not s.dynamic or s.refresh not in (HOURLY, DAILY) for s in rules.segments):
        return False
    return _settles_at_once(rules)


def end_only_after_flows_allowed(rules: Rules, entered: Collection[str] | None = None) -> bool:
    """Whether, under ``rules``, a person's walk may go on for the end state of tags and segments only once
    their flows are over (run_person's ``reach``): :func:`end_only_allowed`, and no step of the flows they have
    been in (``entered``; None: of any flow) adds or removes a tag of a group with rules (such a tag would be
    replaced by the group's next evaluation, which the end-only walk makes later than the full one)."""
    steps = _set_by_steps(rules)
    tags = set().union(*(steps.get(name, ()) for name in (steps if entered is None else entered)))
    return end_only_allowed(rules) and not _any_in_ruled_groups(rules, tags)


def _any_in_ruled_groups(rules: Rules, found: set[str]) -> bool:
    """Whether a tag of ``found`` belongs to a group with rules."""
    ruled = {group.name for group in rules.tags if group.rules}
    return any(group_of(tag) in ruled for tag in found)


def _set_by_steps(rules: Rules) -> dict[str, set[str]]:
    """The tags each flow's steps add or remove, by flow."""
    return {flow.name: {step.tag for step in flow.steps if step.tag} for flow in rules.flows}


def _set_outside_rules(rules: Rules) -> set[str]:
    """The tags a stage or the WeCom connection sets (a flow's step sets tags only once a flow has started)."""
    found = {stage.tag for stage in rules.stages if stage.tag}
    if rules.wecom is not None:
        found.update(rules.wecom.new_contact_tags, *rules.wecom.live_codes.values())
    return found


def _settles_at_once(rules: Rules) -> bool:
    """Whether one evaluation of the tag groups always settles them: no group reads itself through tags, and
    no chain of groups reading each other's tags is so long that :data:`mktctl.rules.tags.MAX_ROUNDS`
    rounds could end before it is followed (each round follows it one group further)."""
    reads = {group.name: {group_of(c.tag) for r in group.rules for c in r.conditions.items
                          if c.kind == "tag" and c.tag} for group in rules.tags if group.rules}
    depth: dict[str, int] = {}

    def longest(group: str, path: frozenset[str]) -> int:
        """The longest chain of tag reading from ``group``; ValueError on a cycle."""
        if group in path:
            raise ValueError(group)
        if group not in depth:
            depth[group] = 1 + max((longest(other, path | {group}) for other in reads.get(group, ())), default=0)
        return depth[group]

    try:
        return max((longest(group, frozenset()) for group in reads), default=0) < MAX_ROUNDS - 1
    except ValueError:
        return False  # a group reads itself through tags


def may_start_flow(rules: Rules, person: Survivor) -> bool:
    """Whether an active flow of ``rules`` can start for ``person`` (False only when none can, whatever the
    walk decides). ``person.events``: all their events. (:class:`FlowReach` asks it of many people.)"""
    return FlowReach(rules).may_start(person)


class FlowReach:
    """:func:`may_start_flow` for many people under one playbook (what it reads of the rules, read once)."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.flows = [flow for flow in rules.flows if flow.active]
        self.segments = {segment.name: segment for segment in rules.segments}
        self.set_outside_rules = _set_outside_rules(rules)
        self.set_by_steps = _set_by_steps(rules)
        # what run_person's ``reach`` needs: end_only_allowed, and a person in none of the flows whose steps set a
        # tag of a group with rules (end_only_after_flows_allowed for the flows they have been in)
        self.after_flows_allowed = end_only_allowed(rules)
        self.keep_full = frozenset(name for name, tags in self.set_by_steps.items()
                                   if _any_in_ruled_groups(rules, tags))
        self.setting: dict[str, list[TagRule]] = {}  # tag -> the rules that set it
        for group in rules.tags:
            for rule in group.rules:
                self.setting.setdefault(normalise_tag(rule.tag), []).append(rule)
        self.read_tags = self._read_tags()

    def _read_tags(self) -> frozenset[str]:
        """The tags the judgement reads: those the flows' triggers read, and those their rules read."""
        read: set[str] = set()

        def follow(tag: str) -> None:
            if tag not in read:
                read.add(tag)
                for rule in self.setting.get(tag, ()):
                    follow_all(rule.conditions)

        def follow_all(conditions: Conditions) -> None:
            for condition in conditions.items:
                if condition.kind == "tag" and condition.tag:
                    follow(condition.tag)

        for flow in self.flows:
            segment = self.segments.get(flow.key) if flow.trigger == "进入人群" else None
            if segment is not None:
                follow_all(segment.conditions)
            elif flow.trigger == "添加标签" and flow.key:
                follow(flow.key)
        return frozenset(read)

    def may_start(self, person: Survivor, entered: Collection[str] = (), after: int | None = None) -> bool:
        """Whether an active flow can start for ``person`` (after the moment ``after``, when given); with
        ``entered`` (the flows the person has been in, none of which they are in any more): whether one can
        start again, or for the first time (a flow without ``allow_reentry`` among them cannot; the tags their
        steps set may stay, and may start another)."""
        latest = self.latest_start(person, entered, since=after)
        return latest is not None and (after is None or latest > after)

    def latest_start(self, person: Survivor, entered: Collection[str] = (), since: int | None = None,
                     held: Collection[str] = ()) -> int | None:
        """The last moment an active flow may start for ``person`` (:data:`FOREVER` when that cannot be told
        from the records; None when none can start); ``entered`` as for :meth:`may_start`. Asked on the way
        (from the moment ``since`` on, with the tags the person has then: ``held``, which may stay; of them
        only :attr:`read_tags` count), only what may still happen counts: a window that closed, or a tag
        rule that held only before ``since``, starts nothing."""
        return self.judge(person).latest_start(entered, since, held)

    def earliest_start(self, person: Survivor) -> int | None:
        """The first moment an active flow may start for ``person`` (their creation when that cannot be told
        from the records; None when none can start)."""
        return self.judge(person).earliest_start()

    def judge(self, person: Survivor) -> PersonReach:
        """The judgement for ``person``, to ask again and again on their way (what it reads of their events and
        fields, read once)."""
        return PersonReach(self, person)


class PersonReach:
    """When what a flow's trigger needs may hold for one person (:meth:`FlowReach.judge`); what it reads of
    their events and fields is read when first needed, once."""

    def __init__(self, reach: FlowReach, person: Survivor) -> None:
        self.reach, self.person = reach, person
        self._times: dict[tuple[str, str | None], list[int]] = {}
        self._values: dict[str, set[str]] | None = None
        # what one question asks about (see latest_start)
        self.set_by_steps: set[str] = set()  # the tags of the steps of the flows the person has been in
        self.held: Collection[str] = ()  # the tags the person has at ``since``
        self.alive: Spans = [(person.created, FOREVER)]  # nothing starts, and no tag is set, before it
        self.tags: dict[str, Spans] = {}

    def latest_start(self, entered: Collection[str] = (), since: int | None = None, held: Collection[str] = ()
                     ) -> int | None:
        """:meth:`FlowReach.latest_start` of the person."""
        self.ask(entered, since, held)
        latest = None
        for flow in self.reach.flows:
            if flow.name in entered and not flow.allow_reentry:
                continue
            found = _last_point(*self.starts(flow.trigger, flow.key))
            if found is not None and (latest is None or found > latest):
                latest = found
                if latest >= FOREVER:
                    break
        return latest

    def earliest_start(self) -> int | None:
        """:meth:`FlowReach.earliest_start` of the person."""
        self.ask()
        created = self.person.created
        earliest = None
        for flow in self.reach.flows:
            found = _first_point(*self.starts(flow.trigger, flow.key))
            if found is not None and (earliest is None or found < earliest):
                earliest = found
                if earliest <= created:
                    break
        return earliest

    def ask(self, entered: Collection[str] = (), since: int | None = None, held: Collection[str] = ()) -> None:
        """Set what the next question asks about (see :meth:`FlowReach.latest_start`)."""
        reach, created = self.reach, self.person.created
        self.set_by_steps = {tag for name in entered for tag in reach.set_by_steps.get(name, ())}
        self.held = held
        self.alive = [(created if since is None else max(created, since), FOREVER)]
        self.tags = {}

    def starts(self, trigger: str, key: str) -> tuple[Spans, int]:
        """The moments at which a flow with this trigger may start, and the step they fall on (a segment's
        refreshes; 1: any minute)."""
        if trigger == "进入人群":
            segment = self.reach.segments.get(key)
            if segment is None:
                return self.alive, 1
            found = _meet(self.moments(segment.conditions), self.alive)
            if segment.refresh not in (HOURLY, DAILY) or not segment.dynamic:
                return ([(found[0][0], FOREVER)] if found else []), 1  # refreshed by hand: from then on
            return found, segment.step
        if trigger == "添加标签":
            return _meet(self.tag_moments(key), self.alive), 1
        if trigger in ("提交表单", "报名活动"):
            # at one of theirs (from creation on: one before it is history, and starts nothing)
            times = self.times(trigger, (key or None) if trigger == "提交表单" else None)
            return [(at, at + 1) for at in times if at >= self.alive[0][0]], 1
        return self.alive, 1  # a score, a stage, a schedule: not judged from the records

    def times(self, behaviour: str, content: str | None) -> list[int]:
        """The moments of the person's events of ``behaviour`` (of ``content`` when given), in order."""
        found = self._times.get((behaviour, content))
        if found is None:
            found = self._times[behaviour, content] = sorted(
                e.at for e in self.person.events
                if e.behaviour == behaviour and (content is None or e.content == content))
        return found

    def values(self, field: str) -> set[str]:
        """Every value ``field`` of the person can take: their own (or none), a merged record's, an event's."""
        if self._values is None:
            person, names = self.person, self.reach.rules.names
            self._values = {}
            for fields in (person.fields, *(absorption.fields for absorption in person.absorbed)):
                for key, value in fields.items():
                    self._values.setdefault(key, {""} if key not in person.fields else set()).add(value)
            for event in person.events:
                for name, raw in event.changes:
                    key = names.key(name)
                    self._values.setdefault(key, {person.fields.get(key, "")}).add(names.value(key, raw))
        return self._values.get(field, {""})

    def moments(self, conditions: Conditions) -> Spans:
        """The moments at which ``conditions`` may hold."""
        if not conditions.items:
            return []
        if not conditions.match_all:
            return _join([span for c in conditions.items for span in self.condition_moments(c)])
        met = ALWAYS
        for condition in conditions.items:
            met = _meet(met, self.condition_moments(condition))
            if not met:
                break  # the rest cannot make it hold
        return met

    def condition_moments(self, condition: Condition) -> Spans:
        kind = condition.kind
        if kind == "behaviour":
            assert condition.behaviour is not None
            return _windows(self.times(condition.behaviour, condition.content), condition.times, condition.window)
        if kind == "field":
            assert condition.field is not None and condition.op is not None
            if condition.field in ENGINE_FIELDS:
                return ALWAYS
            values = self.values(condition.field)
            return ALWAYS if any(compare(condition.op, value, condition.values) for value in values) else []
        if kind == "tag":
            assert condition.tag is not None
            return self.tag_moments(condition.tag)
        return ALWAYS  # a stage, a score

    def tag_moments(self, tag: str) -> Spans:
        """The moments at which the person may have ``tag``: always, when they have it now (``held``), or a
        stage, the WeCom connection or a step of a flow they have been in sets it; else from the first moment
        a rule of its group setting it may hold while the person exists (it may stay from then on)."""
        known = self.tags.get(tag)
        if known is not None:
            return known
        self.tags[tag] = ALWAYS  # while deciding: a rule reading its own group's tag (a cycle) may hold
        reach = self.reach
        if tag in self.held or tag in reach.set_outside_rules or tag in self.set_by_steps:
            return ALWAYS
        starts = [met[0][0] for rule in reach.setting.get(tag, ())
                  if (met := _meet(self.moments(rule.conditions), self.alive))]
        found = [(min(starts), FOREVER)] if starts else []
        self.tags[tag] = found
        return found


def _windows(times: list[int], count: int, window: int | None) -> Spans:
    """The moments at which at least ``count`` of the events at ``times`` (in order) lie in the window
    ``(moment - window, moment]`` (no window: at or before the moment)."""
    if len(times) < count:
        return []
    if window is None:
        return [(times[count - 1], FOREVER)]
    return _join([(times[i + count - 1], times[i] + window) for i in range(len(times) - count + 1)])


def _join(spans: Spans) -> Spans:
    """The moments in any of ``spans``."""
    joined: Spans = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def _meet(first: Spans, second: Spans) -> Spans:
    """The moments in both."""
    if first is ALWAYS or second is ALWAYS:
        return second if first is ALWAYS else first
    met: Spans = []
    i = j = 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            met.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return met


def _first_point(spans: Spans, step: int) -> int | None:
    """The first multiple of ``step`` among the moments of ``spans`` (None: none is)."""
    for start, end in spans:
        first = -(-start // step) * step
        if first < end:
            return first
    return None


def _last_point(spans: Spans, step: int) -> int | None:
    """The last multiple of ``step`` among the moments of ``spans`` (:data:`FOREVER` when they never end;
    None: none is)."""
    for start, end in reversed(spans):
        if end >= FOREVER:
            return FOREVER
        last = (end - 1) // step * step
        if last >= start:
            return last
    return None
