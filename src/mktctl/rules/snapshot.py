"""A person's state at any moment, replayed from their timeline.

``snapshot(result, at) -> Snapshot``: scores, grades, MQL, owner, pool, tags, segments, stage, fields,
flows, the messages and reminders so far, and the attribution of their first conversion. A snapshot also
answers :class:`~mktctl.rules.conditions.Condition` questions (``count``, ``fields``, ``tags``, ``stage``,
``scores``), so explanations can say which condition of a rule held at that moment.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from mktctl.rules import model as m
from mktctl.rules.model import Message, PersonResult, Reminder


@dataclass
class Snapshot:
    at: int
    exists: bool = False
    created: int = 0
    purchases: int = 0
    last_behaviour: int | None = None
    rejected: str | None = None
    merged_into: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)
    grades: dict[str, str | None] = field(default_factory=dict)
    mql: bool = False
    mql_at: int | None = None
    owner: str | None = None
    pool: str | None = None
    tags: set[str] = field(default_factory=set)
    segments: set[str] = field(default_factory=set)
    stage: str | None = None
    flows: dict[str, bool] = field(default_factory=dict)  # flow -> inside now
    unsubscribed: set[str] = field(default_factory=set)
    messages: list[Message] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    attribution: list[dict[str, Any]] | None = None
    behaviours: dict[str | None, list[int]] = field(default_factory=lambda: {None: []})
    by_content: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def count(self, behaviour: str | None, content: str | None, since: int | None) -> int:
        times = self.by_content.get((behaviour, content), []) if behaviour is not None and content is not None \
            else self.behaviours.get(behaviour, [])
        return len(times) if since is None else len(times) - bisect_right(times, since)


def snapshot(result: PersonResult, at: int) -> Snapshot:
    state = Snapshot(at)
    for change in result.timeline:
        if change.at > at:
            break
        _apply(state, change)
    return state


def _apply(state: Snapshot, change: m.Change) -> None:
    kind, value = change.kind, change.value
    if kind == m.CREATED:
        state.exists = True
        state.created = change.at
        state.fields.update(value)
    elif kind == m.REJECTED:
        state.rejected = value
    elif kind == m.MERGED:
        state.merged_into = value
    elif kind == m.FIELD:
        state.fields[change.subject] = value
    elif kind == m.BEHAVIOUR:
        state.last_behaviour = change.at
        state.behaviours[None].append(change.at)
        state.behaviours.setdefault(change.subject, []).append(change.at)
        if value is not None:
            state.by_content.setdefault((change.subject, value), []).append(change.at)
    elif kind == m.SCORE:
        state.scores[change.subject] = value
    elif kind == m.GRADE:
        state.grades[change.subject] = value
    elif kind == m.CONVERTED:
        state.purchases += change.subject == "订单"
    elif kind == m.MQL:
        state.mql, state.mql_at = True, change.at
    elif kind == m.OWNER:
        state.owner = value
    elif kind == m.POOL:
        state.pool = value
    elif kind == m.TAG_ADDED:
        state.tags.add(change.subject)
    elif kind == m.TAG_REMOVED:
        state.tags.discard(change.subject)
    elif kind == m.SEGMENT_JOINED:
        state.segments.add(change.subject)
    elif kind == m.SEGMENT_LEFT:
        state.segments.discard(change.subject)
    elif kind == m.STAGE:
        state.stage = value
    elif kind == m.FLOW_ENTERED:
        state.flows[change.subject] = True
    elif kind == m.FLOW_LEFT:
        state.flows[change.subject] = False
    elif kind == m.UNSUBSCRIBED:
        state.unsubscribed.add(change.subject)
    elif kind == m.MESSAGE:
        state.messages.append(value)
    elif kind == m.REMINDER:
        state.reminders.append(value)
    elif kind == m.ATTRIBUTION and state.attribution is None:
        state.attribution = value
