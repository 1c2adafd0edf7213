"""Behaviours that nothing of a playbook reads: the walk of :mod:`mktctl.rules.person` takes an event of one
into the person's record without visiting its moment in full, when nothing else is due then.

A behaviour event changes, whatever it is: the person's behaviours (their times, the last one) and touches,
and, for a lead, the decay (it starts the inactive period again and cancels a decay due at that minute).
Beyond that it changes something only through what reads it: a scoring rule of its behaviour (and
content), a condition of a tag rule, a segment or a branch naming it, or what the engine does with some
behaviours themselves (a form or an event type a flow may listen to, an unsubscribe, a WeCom contact).
:func:`unread` lists the (behaviour, content) pairs of a playbook's events that nothing reads in one of
two ways: ``scoring`` (what a qualifying pass reads: scores) or everything (a full run; time itself is
read by the stages, from the behaviours' times, which the record keeps).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.model import Event

#: behaviours the engine acts on by themselves (triggers, consent, WeCom tags)
ACTED_ON = frozenset({"提交表单", "报名活动", "退订", "添加企业微信"})


@dataclass(frozen=True)
class Reads:
    """The behaviours read: of any content (``behaviours``), or of one content (``pairs``)."""

    behaviours: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    def inert(self, event: Event) -> bool:
        """Whether ``event`` is a behaviour and nothing else, and nothing reads it."""
        behaviour = event.behaviour
        if behaviour is None or event.changes or event.follow_up or event.converted is not None:
            return False
        if behaviour in self.behaviours or behaviour in ACTED_ON:
            return False
        return event.content is None or (behaviour, event.content) not in self.pairs


def reads(rules: Rules, *, scoring: bool) -> Reads:
    """What ``rules`` read of behaviours: their scoring rules, and unless ``scoring`` every condition."""
    named: list[tuple[str, str | None]] = [(r.behaviour, r.content) for m in rules.models for r in m.behaviour_rules]
    if not scoring:
        conditions = [c for group in rules.tags for rule in group.rules for c in rule.conditions.items]
        conditions += [c for segment in rules.segments for c in segment.conditions.items]
        conditions += [c for flow in rules.flows for step in flow.steps if step.condition is not None
                       for c in step.condition.items]
        named += [(c.behaviour, c.content) for c in conditions if c.kind == "behaviour" and c.behaviour]
    return _reads(named)


def _reads(named: Iterable[tuple[str, str | None]]) -> Reads:
    behaviours = set()
    pairs = set()
    for behaviour, content in named:
        if content is None:
            behaviours.add(behaviour)
        else:
            pairs.add((behaviour, content))
    return Reads(frozenset(behaviours), frozenset(pairs))
