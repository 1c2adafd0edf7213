"""Tags (标签): rule-set tags re-evaluated after every change of a person, and tags set by other things.

A tag is written ``组:值``. A person gets a tag from:

* a tag rule of its group (``tags[].rules``), re-evaluated at every moment the person's state changes
  (events, field changes, score, stage, tags set by flows); the tag goes when its rule stops holding.
  Rules can name tags of other groups, so evaluation repeats until nothing changes;
* a flow step (添加标签 / 移除标签), a lifecycle stage's ``tag`` on entering it, or the WeCom connection
  (``wecom.new_contact_tags`` and a live code's ``tags`` when the person adds a staff member on WeCom):
  these stay until a step removes them.

A single-choice group (``multiple: false``) holds one value: a new value replaces the one the person
had, whoever set it. In a single-choice group with several rules, the first rule that holds wins.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mktctl.rules.conditions import Conditions, compile_conditions, normalise_tag
from mktctl.rules.fields import FieldNames
from mktctl.rules.matchers import Reader, compile_reader, compile_readers
from mktctl.rules.model import TAG_ADDED, TAG_REMOVED, Cause

if TYPE_CHECKING:
    from mktctl.rules.state import PersonState

RULE = "rule"
MANUAL = "manual"
MAX_ROUNDS = 20


@dataclass(frozen=True, slots=True)
class TagRule:
    tag: str  # 组:值
    conditions: Conditions
    address: str  # tags/行业 rule 1


@dataclass(frozen=True)
class TagGroup:
    name: str
    multiple: bool
    values: tuple[str, ...]
    rules: tuple[TagRule, ...]

    @cached_property
    def reads_tags(self) -> bool:
        """Whether evaluating the group again can change it when only tags changed: a rule names a tag (or
        sets one not written in the one spelling, which it removes and sets again at every evaluation)."""
        return any(c.kind == "tag" for r in self.rules for c in r.conditions.items) or \
            any(r.tag != normalise_tag(r.tag) for r in self.rules)


    @cached_property
    def prefix(self) -> str:
        """What the group's tags start with (``行业:``); empty for a name with a colon, which no tag's group
        (:func:`group_of`) can be."""
        return "" if ":" in self.name else self.name + ":"

    @cached_property
    def reader(self) -> Reader | None:
        """What the group's rules read of a person at a moment and the version of the person's tags of this
        group (:func:`mktctl.rules.matchers.compile_reader`): while it reads the same, evaluating the group
        again changes nothing (one evaluation reaches what a second would). None when the group is
        evaluated every time: a tag not in the one spelling, which every evaluation removes and sets
        again."""
        if any(r.tag != normalise_tag(r.tag) for r in self.rules):
            return None
        return compile_reader([c for r in self.rules for c in r.conditions.items], self.name)

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # compiled functions are made again


class TagReading:
    """The tag groups that rules set, with one function reading for all of them at once what their rules
    read (each group's :attr:`TagGroup.reader` tuple, or None for a group evaluated every time)."""

    def __init__(self, groups: tuple[TagGroup, ...]) -> None:
        self.groups = groups
        self._read: Reader | None = None
        self.every_time = any(group.reader is None for group in groups)  # no moment can be skipped whole

    def read(self, state: PersonState, now: int) -> tuple[Any, ...]:
        if self._read is None:
            read = compile_readers([([c for r in g.rules for c in r.conditions.items], g.name)
                                    for g in self.groups if g.reader is not None])
            places = [index for index, group in enumerate(self.groups) if group.reader is not None]
            if len(places) == len(self.groups):
                self._read = read
            else:
                def spread(state: PersonState, now: int) -> tuple[Any, ...]:
                    found: list[Any] = [None] * len(self.groups)
                    for place, seen in zip(places, read(state, now), strict=True):
                        found[place] = seen
                    return tuple(found)

                self._read = spread
        return self._read(state, now)

    def __getstate__(self) -> dict[str, Any]:
        return {"groups": self.groups}  # the compiled function is made again

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["groups"])  # type: ignore[misc]


def compile_groups(resources: list[Any], names: FieldNames) -> tuple[TagGroup, ...]:
    groups = []
    for resource in resources:
        spec = resource.spec
        rules = tuple(TagRule(f"{spec.name}:{rule.value}", compile_conditions(rule.conditions, names, rule.match),
                              f"tags/{spec.name} rule {index + 1}") for index, rule in enumerate(spec.rules))
        groups.append(TagGroup(spec.name, spec.multiple, tuple(spec.values), rules))
    return tuple(groups)


def group_of(tag: str) -> str:
    return tag.partition(":")[0]


def add_tag(state: PersonState, at: int, tag: str, origin: str, cause: Cause, single: bool) -> bool:
    """Give ``state`` the tag (replacing the group's other value in a single-choice group)."""
    tag = normalise_tag(tag)
    if tag in state.tags:
        if origin == MANUAL and state.tags[tag] != MANUAL:
            state.tags[tag] = MANUAL  # a manual tag stays when its rule stops holding
            _touched(state, tag)
        return False
    if single:
        group = group_of(tag)
        for other in [t for t in state.tags if group_of(t) == group]:
            remove_tag(state, at, other, cause, detail=f"replaced by {tag}")
    state.tags[tag] = origin
    _touched(state, tag)
    state.record(at, TAG_ADDED, tag, True, cause)
    state.signals.tags_added.add(tag)
    state.changed = True
    return True


def remove_tag(state: PersonState, at: int, tag: str, cause: Cause, detail: str = "") -> bool:
    tag = normalise_tag(tag)
    if tag not in state.tags:
        return False
    del state.tags[tag]
    _touched(state, tag)
    state.record(at, TAG_REMOVED, tag, False, cause, detail)
    state.changed = True
    return True


def _touched(state: PersonState, tag: str) -> None:
    group = group_of(tag)
    state.tag_versions[group] = state.tag_versions.get(group, 0) + 1


def evaluate(reading: TagReading, state: PersonState, now: int, seen: tuple[Any, ...] | None = None) -> None:
    """Re-evaluate every tag rule until no tag changes. A group is evaluated only when what its rules read
    has changed since its last evaluation; after the first round only the groups whose rules read tags are
    looked at again: for the others nothing they read has changed. ``seen``: ``reading.read(state, now)``,
    when the caller has it."""
    groups = reading.groups
    seen_all = seen if seen is not None else reading.read(state, now)
    read = state.tags_read or (None,) * len(groups)
    if seen_all == read and not reading.every_time:
        return  # nothing any group reads has changed
    now_read = list(read)
    todo: range | list[int] = range(len(groups))
    for round_ in range(MAX_ROUNDS):
        changed = False
        for place in todo:
            group = groups[place]
            reader = group.reader
            if reader is not None:
                seen = seen_all[place] if round_ == 0 else reader(state, now)
                if now_read[place] == seen:
                    continue  # nothing it reads has changed since it was last evaluated
            # the group's rule-set tags, in the person's order: only the group's own evaluation changes them
            prefix = group.prefix
            held = [tag for tag, origin in state.tags.items() if origin == RULE and tag.startswith(prefix)] \
                if prefix else []
            version = state.tag_versions.get(group.name)
            wanted: dict[str, TagRule] = {}
            for rule in group.rules:
                if rule.conditions.matcher(state, now):
                    wanted[rule.tag] = rule
                    if not group.multiple:
                        break
            for tag, rule in wanted.items():
                if tag not in state.tags:
                    cause = Cause("rule", f"{rule.address}: {rule.conditions.describe(state, now)}"
                                  if state.detailed else rule.address)
                    changed |= add_tag(state, now, tag, RULE, cause, single=not group.multiple)
            for tag in held:
                if tag not in wanted and state.tags.get(tag) == RULE:
                    setter = next((r for r in group.rules if r.tag == tag), None)
                    why = f"tags/{group.name}: no rule sets {tag}" if setter is None else \
                        f"{setter.address} no longer holds: {setter.conditions.describe(state, now)}" \
                        if state.detailed else setter.address
                    changed |= remove_tag(state, now, tag, Cause("rule", why))
            if reader is not None:
                now_read[place] = seen if state.tag_versions.get(group.name) == version else reader(state, now)
        if not changed:
            break
        todo = [place for place in todo if groups[place].reads_tags]
    state.tags_read = tuple(now_read)
