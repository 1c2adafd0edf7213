"""Lead assignment (线索分配, ``lead_assignment``) and the state it shares across people.

A lead is assigned when it is created (after cleaning, with the rule set of the pool it arrives in, or
the rule set without a pool), and again when it becomes an MQL (with ``mql_definition.hand_off``). The
first rule whose conditions all hold wins:

* ``regions``: the lead's province or city is one of them (上海 = 上海市, 江苏 = 江苏省, 苏州 = 苏州市);
* ``industries``, ``sources``: the lead's 行业 / 线索来源 is one of them (in the playbook's spelling);
* ``min_score`` / ``max_score``: the score at that moment is at least / below it.

A rule gives the lead to one of its ``owners`` or moves it to its ``pool`` (no owner):

* ``轮流分配``: round robin over the owners in their order, one counter per rule, across all people in
  the order their requests come (creation order, then MQL moments);
* ``按负载分配``: the owner who has received the fewest leads so far (from any rule), ties in list order;
* ``随机分配``: a seeded random choice, one generator per rule (``seed`` of the test file, default 0), so a
  run is reproducible.

:class:`Assigner` holds the cross-person state (counters, loads, generators); a batch runner feeds it
requests in order. Everything else here is pure.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from mktctl.rules.fields import FieldNames, region_names

ROUND_ROBIN, RANDOM, LOAD = "轮流分配", "随机分配", "按负载分配"


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What assignment rules look at, at the moment of the request."""

    province: str = ""
    city: str = ""
    industry: str = ""
    source: str = ""
    score: int = 0

    @classmethod
    def of(cls, fields: dict[str, str], score: int) -> LeadFacts:
        """The facts of a lead with ``fields`` (keyed) and ``score`` (of the model assignment reads)."""
        return cls(fields.get("province", ""), fields.get("city", ""), fields.get("industry", ""),
                   fields.get("source", ""), score)


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    set_name: str
    name: str
    regions: frozenset[str]
    industries: tuple[str, ...]
    sources: tuple[str, ...]
    min_score: int | None
    max_score: int | None
    owners: tuple[str, ...]
    method: str
    pool: str | None

    def matches(self, lead: LeadFacts) -> bool:
        """Whether the rule matches ``lead`` (:meth:`failing` says why not)."""
        return (not self.regions or not self.regions.isdisjoint((lead.province, lead.city))) and \
            (not self.industries or lead.industry in self.industries) and \
            (not self.sources or lead.source in self.sources) and \
            (self.min_score is None or lead.score >= self.min_score) and \
            (self.max_score is None or lead.score < self.max_score)

    def failing(self, lead: LeadFacts) -> str | None:
        """Why the rule does not match ``lead``, or None when it does."""
        if self.regions and not ({lead.province, lead.city} & self.regions):
            return f"region {lead.province or '-'}/{lead.city or '-'} not in {'、'.join(sorted(self.regions))}"
        if self.industries and lead.industry not in self.industries:
            return f"行业 {lead.industry or '-'} not in {'、'.join(self.industries)}"
        if self.sources and lead.source not in self.sources:
            return f"线索来源 {lead.source or '-'} not in {'、'.join(self.sources)}"
        if self.min_score is not None and lead.score < self.min_score:
            return f"score {lead.score} < {self.min_score}"
        if self.max_score is not None and lead.score >= self.max_score:
            return f"score {lead.score} ≥ {self.max_score}"
        return None


@dataclass(frozen=True)
class RuleSet:
    name: str
    pool: str | None
    rules: tuple[AssignmentRule, ...]
    notify_owner: bool
    notify_channels: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentRules:
    sets: tuple[RuleSet, ...] = ()

    def for_pool(self, pool: str | None) -> RuleSet | None:
        """The rule set of ``pool``, else the one without a pool."""
        exact = next((s for s in self.sets if pool is not None and s.pool == pool), None)
        return exact or next((s for s in self.sets if s.pool is None), None)

    def named(self, name: str | None) -> RuleSet | None:
        return next((s for s in self.sets if s.name == name), None)


def compile_assignment(resources: list[Any], names: FieldNames) -> AssignmentRules:
    sets = []
    for resource in resources:
        spec = resource.spec
        rules = []
        for rule in spec.rules:
            when = rule.when
            regions = frozenset(n for region in when.regions for n in region_names(region))
            rules.append(AssignmentRule(spec.name, rule.name, regions, names.values("industry", when.industries),
                                        names.values("source", when.sources), when.min_score, when.max_score,
                                        tuple(rule.owners), rule.method, rule.pool))
        sets.append(RuleSet(spec.name, spec.pool, tuple(rules), spec.notify_owner, tuple(spec.notify_channels)))
    return AssignmentRules(tuple(sets))


@dataclass(frozen=True, slots=True)
class Assignment:
    owner: str | None
    pool: str | None  # the pool the rule moved the lead to, if any
    rule_set: str
    rule: str | None
    explanation: str
    notify: tuple[str, ...] = ()  # channels the owner is notified on

    def __reduce__(self) -> tuple[Any, ...]:
        # faster than by name (plans go to worker processes)
        return Assignment, (self.owner, self.pool, self.rule_set, self.rule, self.explanation, self.notify)


@dataclass
class Assigner:
    """The state assignment shares across people: round-robin counters per rule, leads per owner so far,
    one seeded generator per rule."""

    seed: int = 0
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    loads: dict[str, int] = field(default_factory=dict)
    generators: dict[tuple[str, str], random.Random] = field(default_factory=dict)

    def assign(self, rule_set: RuleSet, lead: LeadFacts) -> Assignment:
        for rule in rule_set.rules:
            if not rule.matches(lead):
                continue
            where = f"lead_assignment/{rule_set.name} rule {rule.name}"
            if rule.pool is not None:
                return Assignment(None, rule.pool, rule_set.name, rule.name, f"{where}: to pool {rule.pool}")
            owner, how = self._choose(rule)
            self.loads[owner] = self.loads.get(owner, 0) + 1
            notify = rule_set.notify_channels if rule_set.notify_owner else ()
            return Assignment(owner, None, rule_set.name, rule.name, f"{where} ({rule.method}{how})", notify)
        skipped = "; ".join(f"{rule.name}: {rule.failing(lead)}" for rule in rule_set.rules)
        return Assignment(None, None, rule_set.name, None,
                          f"lead_assignment/{rule_set.name}: no rule matched ({skipped})")

    def _choose(self, rule: AssignmentRule) -> tuple[str, str]:
        key = (rule.set_name, rule.name)
        owners = rule.owners
        if rule.method == LOAD:
            owner = min(owners, key=lambda o: (self.loads.get(o, 0), owners.index(o)))
            return owner, f": {self.loads.get(owner, 0)} leads so far, the fewest"
        if rule.method == RANDOM:
            generator = self.generators.setdefault(key, random.Random(f"{self.seed}:{rule.set_name}:{rule.name}"))
            return generator.choice(owners), f", seed {self.seed}"
        turn = self.counters.get(key, 0)
        self.counters[key] = turn + 1
        return owners[turn % len(owners)], f": turn {turn + 1}"
