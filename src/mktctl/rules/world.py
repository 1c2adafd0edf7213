"""Many people on one clock: cleaning, identities, assignment across people, then each person's run.

``run_people(rules, people, clock=..., until=...) -> World`` in four passes, each one a batch a columnar
runner can take over:

1. **clean** every record at once (:func:`mktctl.rules.cleaning.clean_people`);
2. **resolve identities** in creation order (:func:`mktctl.rules.identity.resolve`): rejected and merged
   records become outcomes, the rest are people;
3. **qualify** each person alone (:func:`mktctl.rules.person.run_person` with ``qualify_only``): their
   facts at creation and the moment they become an MQL, which need nothing of anyone else;
4. **assign** across people: creation requests and MQL hand-offs sorted by (moment, creation before
   hand-off, creation order) through one :class:`mktctl.rules.assignment.Assigner`;
5. **run** each person alone with the assignments that concern them as their plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from mktctl.rules.assignment import Assigner, LeadFacts, RuleSet
from mktctl.rules.cleaning import clean_people
from mktctl.rules.clock import Clock
from mktctl.rules.compile import Rules
from mktctl.rules.identity import Outcome, Survivor, resolve
from mktctl.rules.model import MERGED, REJECTED, Cause, Change, PersonInput, PersonResult
from mktctl.rules.person import CREATION, HAND_OFF, Planned, Qualification, run_person


@dataclass
class World:
    clock: Clock
    until: int
    people: dict[str, PersonResult] = field(default_factory=dict)  # every record, by id, in creation order
    assigner: Assigner = field(default_factory=Assigner)


def run_people(rules: Rules, people: Sequence[PersonInput], *, clock: Clock, until: int, seed: int = 0,
               refreshes: Iterable[tuple[int, str]] = ()) -> World:
    """Run ``people`` from their first moment to ``until``; ``refreshes`` are (moment, segment) of the
    segments refreshed by hand (手动 and 静态人群); ``seed`` drives 随机分配."""
    refreshes = list(refreshes)
    cleaned = clean_people(rules.cleaning, rules.names, people)
    survivors, outcomes = resolve(rules.identity, rules.cleaning, people, cleaned)
    qualified = [run_person(rules, s, clock=clock, until=until, qualify_only=True)[1] for s in survivors]
    assigner = Assigner(seed)
    plans = assign_all(rules, assigner, survivors, qualified)
    world = World(clock, until, assigner=assigner)
    results = {s.id: run_person(rules, s, clock=clock, until=until, plan=plans.get(s.id, ()),
                                refreshes=refreshes)[0] for s in survivors}
    for outcome in outcomes:
        results[outcome.id] = outcome_result(outcome)
    written = {p.id: index for index, p in enumerate(people)}
    order = sorted(results, key=lambda pid: (results[pid].created, written[pid]))
    world.people = {pid: results[pid] for pid in order}
    return world


def assign_all(rules: Rules, assigner: Assigner, survivors: Sequence[Survivor],
               qualified: Sequence[Qualification]) -> dict[str, list[Planned]]:
    """Every assignment, in the order the platform would make them."""
    requests: list[tuple[int, int, int, Survivor, Literal["creation", "hand_off"], LeadFacts]] = []
    for order, (survivor, found) in enumerate(zip(survivors, qualified, strict=True)):
        if survivor.lead_at is not None and found.created is not None:
            requests.append((survivor.lead_at, 0, order, survivor, CREATION, found.created))
        if found.mql_at is not None and found.at_mql is not None and rules.mql and rules.mql.hand_off:
            requests.append((found.mql_at, 1, order, survivor, HAND_OFF, found.at_mql))
    people = len(survivors)
    requests.sort(key=lambda r: (r[0] * 2 + r[1]) * people + r[2])  # (moment, phase, order) as one number
    hand_off = rules.assignment.named(rules.mql.hand_off if rules.mql else None)
    pools: dict[str | None, RuleSet | None] = {}  # pool -> its rule set
    plans: dict[str, list[Planned]] = {}
    for at, _, _, survivor, phase, facts in requests:
        if phase == CREATION:
            pool = survivor.pool or rules.default_pool
            if pool not in pools:
                pools[pool] = rules.assignment.for_pool(pool)
            rule_set = pools[pool]
        else:
            rule_set = hand_off
        if rule_set is not None:
            plans.setdefault(survivor.id, []).append(Planned(at, phase, assigner.assign(rule_set, facts)))
    return plans


def outcome_result(outcome: Outcome) -> PersonResult:
    result = PersonResult(outcome.id, created=outcome.created, is_lead=outcome.is_lead,
                          rejected=outcome.rejected, merged_into=outcome.merged_into)
    if outcome.rejected:
        result.timeline.append(_change(outcome, REJECTED, outcome.rejected, Cause("cleaning", "lead_cleaning")))
    else:
        assert outcome.merged_into is not None
        rule = "lead_cleaning/duplicate_rules" if "duplicate rule" in outcome.detail else "identity_rules"
        result.timeline.append(_change(outcome, MERGED, outcome.merged_into, Cause("identity", rule)))
    return result


def _change(outcome: Outcome, kind: str, value: str, cause: Cause) -> Change:
    return Change(outcome.created, kind, outcome.id, value, cause, outcome.detail)
