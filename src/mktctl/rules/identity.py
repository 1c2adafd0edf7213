"""Identity (用户身份统一, OneID) and duplicate leads: which records are one person.

Records are taken in creation order (ties: the order written). A rejected record takes no part. Then:

1. ``lead_cleaning.duplicate_rules`` (leads only), in order: a lead whose ``match`` fields are all filled
   and equal to an earlier lead's (in the same pool for ``同一线索池``; earlier 客户 and 联系人 records count
   too for ``线索及客户联系人``) is, by ``action``: ``不存入`` rejected (reason ``duplicate``),
   ``合并到已有线索`` merged into it, ``标记重复`` marked as its duplicate and kept;
2. ``identity_rules``: a record sharing a value of a ``merge_keys`` key (手机号 and 邮箱 compared normalised;
   other keys are fields of that name) with an earlier person merges into that person: the earliest
   created. Keys are tried in their priority order. With ``auto_merge: false`` it stays a person of its
   own, listed as a merge candidate.

A merged record's events join the survivor's, and its fields join at its creation moment: they fill
empty fields, and replace filled ones with ``on_conflict: 保留最新``, or with ``按对象优先级`` when its
object comes before the survivor's in ``master_priority``.

:class:`Identities` holds the cross-person index; :func:`resolve` runs it over a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from mktctl.rules.cleaning import Cleaned, CleaningRules, DuplicateRule
from mktctl.rules.model import LEAD, Event, PersonInput

KEY_FIELDS = {"手机号": "mobile", "邮箱": "email"}
CUSTOMER_OBJECTS = ("客户", "联系人")
_SEQ = 1_000_000  # events of the n-th record are numbered n * _SEQ + their position


@dataclass(frozen=True)
class IdentityRules:
    merge_keys: tuple[str, ...]
    master_priority: tuple[str, ...]
    auto_merge: bool
    on_conflict: str


def compile_identity(resources: list[Any]) -> IdentityRules | None:
    if not resources:
        return None
    spec = resources[0].spec
    return IdentityRules(tuple(spec.merge_keys), tuple(spec.master_priority), spec.auto_merge, spec.on_conflict)


@dataclass(frozen=True)
class Absorption:
    at: int
    id: str
    key: str  # what matched: "手机号 +8613912340001" or "duplicate rule mobile"
    fields: dict[str, str]
    overwrite: bool


@dataclass
class Survivor:
    """A person after identities are resolved: one or more records."""

    id: str
    order: int
    created: int
    lead_at: int | None
    object: str
    pool: str | None
    fields: dict[str, str]
    events: list[Event]
    absorbed: list[Absorption] = field(default_factory=list)
    duplicate_of: str | None = None
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (other id, key): unmerged look-alikes

    def __reduce__(self) -> tuple[Any, ...]:
        # its fields in order: a third of the time of pickling the attributes by name (chunks of them go to
        # worker processes)
        return Survivor, (self.id, self.order, self.created, self.lead_at, self.object, self.pool, self.fields,
                          self.events, self.absorbed, self.duplicate_of, self.candidates)


@dataclass(frozen=True)
class Outcome:
    """A record that is not a person of its own: rejected, or merged into another."""

    id: str
    created: int
    is_lead: bool
    rejected: str | None = None
    merged_into: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Identities:
    """The cross-person index: merge-key values and duplicate-rule keys -> the person holding them. Its rules
    are read once, when it is made (frozen: they cannot be swapped afterwards)."""

    rules: IdentityRules | None
    cleaning: CleaningRules
    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    duplicates: dict[tuple[int, tuple[str, ...]], str] = field(default_factory=dict)
    people: dict[str, Survivor] = field(default_factory=dict)
    masters: dict[str, str] = field(default_factory=dict)  # survivor -> the object whose values win

    @cached_property
    def _keys(self) -> tuple[tuple[str, str], ...]:
        """The merge keys with the field each reads, in their priority order."""
        return tuple((key, KEY_FIELDS.get(key, key)) for key in self.rules.merge_keys) if self.rules else ()

    @cached_property
    def _rules(self) -> tuple[tuple[int, DuplicateRule, str], ...]:
        """The duplicate rules with their place and what a match says."""
        return tuple((index, rule, "duplicate rule " + "+".join(rule.match))
                     for index, rule in enumerate(self.cleaning.duplicates))

    def add(self, person: PersonInput, order: int, cleaned: Cleaned) -> Survivor | Outcome:
        if cleaned.rejected:
            return Outcome(person.id, person.created, person.is_lead, rejected=cleaned.rejected,
                           detail=cleaned.detail)
        events = [replace(e, seq=order * _SEQ + i, origin=person.id) for i, e in enumerate(person.events)] \
            if person.events else []
        duplicate_keys = self._duplicate_keys(person.object, person.pool, cleaned.fields) if self._rules else []
        duplicate = self._duplicate(duplicate_keys) if person.is_lead and duplicate_keys else None
        marked = None
        if duplicate is not None:
            target, action, rule = duplicate
            if action == "不存入":
                return Outcome(person.id, person.created, True, rejected="duplicate",
                               detail=f"duplicate of {target} ({rule}); 不存入")
            if action == "合并到已有线索":
                return self._merge(person, cleaned.fields, events, target, rule, overwrite=False, keys=duplicate_keys)
            marked = target
        values = self._values(cleaned.fields)
        match = self._match(values)
        if match is not None and self.rules is not None and self.rules.auto_merge:
            target, key = match
            master = self.masters[target]
            overwrite = self.rules.on_conflict == "保留最新" or (
                self.rules.on_conflict == "按对象优先级" and self._rank(person.object) < self._rank(master))
            if overwrite and self.rules.on_conflict == "按对象优先级":
                self.masters[target] = person.object
            return self._merge(person, cleaned.fields, events, target, key, overwrite, keys=duplicate_keys)
        survivor = Survivor(person.id, order, person.created, person.created if person.is_lead else None,
                            person.object, person.pool, dict(cleaned.fields), events, duplicate_of=marked)
        if match is not None:
            survivor.candidates.append(match)
            self.people[match[0]].candidates.append((person.id, match[1]))
        self.people[person.id] = survivor
        self.masters[person.id] = person.object
        self._index(values, person.id, duplicate_keys)
        return survivor

    def _rank(self, obj: str) -> int:
        priority = self.rules.master_priority if self.rules else ()
        return priority.index(obj) if obj in priority else len(priority)

    def _merge(self, person: PersonInput, fields: dict[str, str], events: list[Event], target: str, key: str,
               overwrite: bool, keys: list[tuple[int, tuple[str, ...], str]]) -> Outcome:
        survivor = self.people[target]
        survivor.events.extend(events)
        survivor.events.sort(key=lambda e: (e.at, e.seq))
        survivor.absorbed.append(Absorption(person.created, person.id, key, dict(fields), overwrite))
        if person.is_lead and survivor.lead_at is None:
            survivor.lead_at = person.created
        self._index(self._values(fields), target, keys)
        return Outcome(person.id, person.created, person.is_lead, merged_into=target, detail=f"same {key}")

    def _values(self, fields: dict[str, str]) -> list[tuple[str, str]]:
        """The record's filled merge keys, in their priority order."""
        return [(key, value) for key, name in self._keys if (value := fields.get(name, ""))]

    def _match(self, values: list[tuple[str, str]]) -> tuple[str, str] | None:
        for found in values:
            owner = self.keys.get(found)
            if owner is not None:
                return owner, f"{found[0]} {found[1]}"
        return None

    def _duplicate_keys(self, obj: str, pool: str | None, fields: dict[str, str]
                        ) -> list[tuple[int, tuple[str, ...], str]]:
        keys = []
        for index, rule, said in self._rules:
            values = tuple(map(fields.get, rule.match))  # (a missing one is None: no key then, as for "")
            if not all(values) or (obj != LEAD and (rule.scope != "线索及客户联系人" or obj not in CUSTOMER_OBJECTS)):
                continue
            scoped = (*values, pool or "") if rule.scope == "同一线索池" else values
            keys.append((index, scoped, said))
        return keys

    def _duplicate(self, keys: list[tuple[int, tuple[str, ...], str]]) -> tuple[str, str, str] | None:
        """The earlier lead a lead's duplicate-rule ``keys`` (as a lead's) lead to."""
        for index, values, rule in keys:
            target = self.duplicates.get((index, values))
            if target is not None:
                return target, self.cleaning.duplicates[index].action, rule
        return None

    def _index(self, values: list[tuple[str, str]], owner: str, keys: list[tuple[int, tuple[str, ...], str]]
               ) -> None:
        for key in values:
            self.keys.setdefault(key, owner)
        for index, values, _rule in keys:
            self.duplicates.setdefault((index, values), owner)


def resolve(rules: IdentityRules | None, cleaning: CleaningRules, people: Sequence[PersonInput],
            cleaned: Sequence[Cleaned]) -> tuple[list[Survivor], list[Outcome]]:
    """Every record, in creation order, as a person or as an outcome."""
    identities = Identities(rules, cleaning)
    order = sorted(range(len(people)), key=lambda i: (people[i].created, i))
    survivors: list[Survivor] = []
    outcomes: list[Outcome] = []
    for position in order:
        result = identities.add(people[position], position, cleaned[position])
        if isinstance(result, Survivor):
            survivors.append(result)
        else:
            outcomes.append(result)
    return survivors, outcomes
