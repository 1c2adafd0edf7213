"""Whether a flow can start for a person, judged before the walk from their records and events, and whether
a playbook lets the walk keep only the end state of tags and segments for people no flow can start for.

A flow is the only thing that reads a person's tags and segments on the way (a trigger, a branch, a step);
the lifecycle stages, the scores, the MQL, assignment and reminders read none of them. For a person no flow
can start for, tags and segments matter only as they are at the end (what ``mktctl simulate`` reports), and
:func:`mktctl.rules.person.run_person` with ``end_only`` evaluates them only for that (docs/testing.md says
why that gives the same end state).

:func:`may_start_flow` answers False only when no active flow can start whatever the walk decides: a
segment's or a tag's conditions that no value the person's fields can take and no event of theirs can make
hold (a behaviour they never had, a field no record of theirs fills that way). Anything it cannot judge from
the records (a score, a stage, a field the engine itself sets, a schedule) counts as able to start.
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


def end_only_after_flows_allowed(rules: Rules) -> bool:
    """Whether, under ``rules``, a person's walk may go on for the end state of tags and segments only once
    their flows are over (run_person's ``reach``): :func:`end_only_allowed`, and no flow's step adds or
    removes a tag of a group with rules (such a tag would be replaced by the group's next evaluation, which
    the end-only walk makes later than the full one)."""
    steps = _set_by_steps(rules)
    return end_only_allowed(rules) and not _any_in_ruled_groups(rules, set().union(*steps.values()))


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
        self.after_flows_allowed = end_only_after_flows_allowed(rules)  # what run_person's ``reach`` needs
        self.setting: dict[str, list[TagRule]] = {}  # tag -> the rules that set it
        for group in rules.tags:
            for rule in group.rules:
                self.setting.setdefault(normalise_tag(rule.tag), []).append(rule)

    def may_start(self, person: Survivor, entered: Collection[str] = ()) -> bool:
        """Whether an active flow can start for ``person``; with ``entered`` (the flows the person has been
        in, none of which they are in any more): whether one can start again, or for the first time, from
        now on (a flow without ``allow_reentry`` among them cannot; the tags their steps set may stay, and
        may start another)."""
        judge = _Judge(self, person, {tag for name in entered for tag in self.set_by_steps.get(name, ())})
        for flow in self.flows:
            if flow.name in entered and not flow.allow_reentry:
                continue
            if flow.trigger == "进入人群":
                segment = self.segments.get(flow.key)
                if segment is None or judge.may_hold(segment.conditions):
                    return True
            elif flow.trigger == "添加标签":
                if judge.may_hold_tag(flow.key):
                    return True
            elif flow.trigger == "提交表单":
                if judge.had("提交表单", flow.key or None):
                    return True
            elif flow.trigger == "报名活动":
                if judge.had("报名活动", None):
                    return True
            else:
                return True  # a score, a stage, a schedule: not judged from the records
        return False


class _Judge:
    """What may hold for one person; each question looks at their events or fields when it is first asked."""

    def __init__(self, reach: FlowReach, person: Survivor, set_by_steps: Collection[str] = ()) -> None:
        self.reach, self.person = reach, person
        self.set_by_steps = set_by_steps  # the tags of the steps of the flows the person has been in
        self.tags: dict[str, bool] = {}
        self._values: dict[str, set[str]] | None = None
        self._kinds: set[tuple[str | None, str | None]] | None = None

    def had(self, behaviour: str, content: str | None, times: int = 1) -> bool:
        """Whether the person had ``behaviour`` (of ``content`` when given) at least ``times`` times."""
        if times == 1:
            if self._kinds is None:
                self._kinds = {(e.behaviour, e.content) for e in self.person.events}
                self._kinds.update({(behaviour, None) for behaviour, _ in self._kinds})
            return (behaviour, content) in self._kinds
        found = 0
        for event in self.person.events:
            if event.behaviour == behaviour and (content is None or event.content == content):
                found += 1
                if found >= times:
                    return True
        return False

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

    def may_hold(self, conditions: Conditions) -> bool:
        if not conditions.items:
            return False
        possible = (self.may_hold_one(c) for c in conditions.items)
        return all(possible) if conditions.match_all else any(possible)

    def may_hold_one(self, condition: Condition) -> bool:
        kind = condition.kind
        if kind == "behaviour":
            assert condition.behaviour is not None
            return self.had(condition.behaviour, condition.content, condition.times)
        if kind == "field":
            assert condition.field is not None and condition.op is not None
            if condition.field in ENGINE_FIELDS:
                return True
            return any(compare(condition.op, value, condition.values) for value in self.values(condition.field))
        if kind == "tag":
            assert condition.tag is not None
            return self.may_hold_tag(condition.tag)
        return True  # a stage, a score

    def may_hold_tag(self, tag: str) -> bool:
        """Whether the person can get ``tag``: a rule of its group that may hold, a stage or the WeCom
        connection setting it, or a step of a flow the person has been in."""
        known = self.tags.get(tag)
        if known is not None:
            return known
        self.tags[tag] = True  # while deciding: a rule reading its own group's tag (a cycle) may hold
        reach = self.reach
        found = tag in reach.set_outside_rules or tag in self.set_by_steps or \
            any(self.may_hold(rule.conditions) for rule in reach.setting.get(tag, ()))
        self.tags[tag] = found
        return found
