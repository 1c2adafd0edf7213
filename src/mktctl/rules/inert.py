"""Behaviours that nothing of a playbook reads: the walk of :mod:`mktctl.rules.person` takes an event of one
into the person's record without visiting its moment in full, when nothing else is due then.

A behaviour event changes, whatever it is: the person's behaviours (their times, the last one) and touches,
and, for a lead, the decay (it starts the inactive period again and cancels a decay due at that minute).
Beyond that it changes something only through what reads it: a scoring rule of its behaviour (and
content), a condition of a tag rule, a segment or a branch naming it, or what the engine does with some
behaviours themselves (a form or an event type a flow may listen to, an unsubscribe, a WeCom contact).
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


def reads(models: Iterable[ScoringModel], conditions: Iterable[Condition] = ()) -> Reads:
    """What the scoring ``models`` and the ``conditions`` (of tag rules, segments, branches) read of behaviours."""
    named: list[tuple[str, str | None]] = [(r.behaviour, r.content) for m in models for r in m.behaviour_rules]
    named += [(c.behaviour, c.content) for c in conditions if c.kind == "behaviour" and c.behaviour]
    behaviours = set()
    pairs = set()
    for behaviour, content in named:
        if content is None:
            behaviours.add(behaviour)
        else:
            pairs.add((behaviour, content))
    return Reads(frozenset(behaviours), frozenset(pairs))
