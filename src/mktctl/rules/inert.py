"""Behaviours that nothing of a playbook reads: the walk of :mod:`mktctl.rules.person` takes an event of one
into the person's record without visiting its moment in full, when nothing else is due then.

A behaviour event changes, whatever it is: the person's behaviours (their times, the last one) and touches,
and, for a lead, the decay (it starts the inactive period again and cancels a decay due at that minute).
Beyond that it changes something only through what reads it: a scoring rule of its behaviour (and
content), a condition of a tag rule, a segment or a branch naming it, or what the engine does with some
behaviours themselves (:func:`behaviours_acted_on`: an unsubscribe; a form submitted or an event registered
for, when a flow of the playbook starts on one; a WeCom contact added, when the playbook has WeCom rules).
:func:`reads` lists the behaviours (of any content, or of one) that a playbook's scoring models read (all
that a qualifying pass reads) or that its conditions read too (a full run; time itself is read by the
stages, from the behaviours' times, which the record keeps).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktctl.rules.conditions import Condition
    from mktctl.rules.model import Event
    from mktctl.rules.scoring import ScoringModel

#: behaviours the engine can act on by themselves (triggers, consent, WeCom tags); which of them a playbook's
#: rules act on: :func:`behaviours_acted_on`
ACTED_ON = frozenset({"提交表单", "报名活动", "退订", "添加企业微信"})


@dataclass(frozen=True)
class Reads:
    """The behaviours read: of any content (``behaviours``), or of one content (``pairs``)."""

    behaviours: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    acted_on: frozenset[str] = ACTED_ON  # the behaviours the engine acts on by themselves

    def inert(self, event: Event) -> bool:
        """Whether ``event`` is a behaviour and nothing else, and nothing reads it."""
        behaviour = event.behaviour
        if behaviour is None or event.changes or event.follow_up or event.converted is not None:
            return False
        if behaviour in self.behaviours or behaviour in self.acted_on:
            return False
        return event.content is None or (behaviour, event.content) not in self.pairs


def behaviours_acted_on(triggers: Iterable[str], wecom: bool) -> frozenset[str]:
    """The behaviours the engine acts on by themselves under a playbook whose flows start on ``triggers``
    and that has WeCom rules (``wecom``): an unsubscribe always (consent); a submitted form when a flow starts
    on one (提交表单), an event registered for when one starts on that (报名活动); a WeCom contact added when the
    playbook tags new contacts (without, these events only give a signal nothing listens to)."""
    found = {"退订"}
    found.update(trigger for trigger in triggers if trigger in ("提交表单", "报名活动"))
    if wecom:
        found.add("添加企业微信")
    return frozenset(found)


def reads(models: Iterable[ScoringModel], conditions: Iterable[Condition] = (),
          acted: frozenset[str] = ACTED_ON) -> Reads:
    """What the scoring ``models`` and the ``conditions`` (of tag rules, segments, branches) read of behaviours,
    and the behaviours ``acted`` on by the engine."""
    named: list[tuple[str, str | None]] = [(r.behaviour, r.content) for m in models for r in m.behaviour_rules]
    named += [(c.behaviour, c.content) for c in conditions if c.kind == "behaviour" and c.behaviour]
    behaviours = set()
    pairs = set()
    for behaviour, content in named:
        if content is None:
            behaviours.add(behaviour)
        else:
            pairs.add((behaviour, content))
    return Reads(frozenset(behaviours), frozenset(pairs), acted)
