"""A person's timeline in words: ``describe(change)`` for one change, ``by_day(result, clock)`` for the
``mktctl test --timeline PERSON`` view (events, score changes with their rule, tags, segments, stage, owner,
flow steps and the rendered messages, each with its cause)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mktctl.rules import model as m
from mktctl.rules.clock import DAY, HOUR, Clock
from mktctl.rules.model import Change, Message, PersonResult, Reminder


def _message(message: Message) -> str:
    text = f"{message.channel} {message.flow}/{message.step}"
    text += f" 「{message.subject}」" if message.subject else f" ({message.template})" if message.template else ""
    if message.body:
        text += f" {message.body}"
    return ("sent " if message.sent else "not sent ") + text + ("" if message.sent else f": {message.reason}")


def _reminder(reminder: Reminder) -> str:
    text = f"reminder {reminder.sla} #{reminder.number} to {'、'.join(reminder.remind) or 'nobody'}"
    return text + (f" on {'、'.join(reminder.channels)}" if reminder.channels else "")


def _attribution(change: Change) -> str:
    shares = ", ".join(f"{c['source'] or c['campaign'] or '?'} {c['share']:.3f}" for c in change.value)
    return f"attribution of {change.subject}: {shares or 'no touch in the window'}"


_SIMPLE: dict[str, Callable[[Change], str]] = {
    m.CREATED: lambda c: f"created: {c.detail}",
    m.REJECTED: lambda c: f"rejected: {c.value} ({c.detail})",
    m.MERGED: lambda c: f"merged into {c.value} ({c.detail})",
    m.ABSORBED: lambda c: f"{c.value} merged in ({c.detail})",
    m.DUPLICATE: lambda c: f"marked duplicate of {c.value}",
    m.MERGE_CANDIDATE: lambda c: f"merge candidate with {c.value} ({c.detail})",
    m.FIELD: lambda c: f"field {c.subject} = {c.value}",
    m.BEHAVIOUR: lambda c: f"behaviour {c.detail}",
    m.FOLLOW_UP: lambda c: "followed up",
    m.CONVERTED: lambda c: f"converted to {c.subject}",
    m.UNSUBSCRIBED: lambda c: f"unsubscribed from {c.subject}",
    m.SCORE: lambda c: f"score {c.subject} {c.detail}",
    m.GRADE: lambda c: f"grade {c.subject} {c.value or '(none)'}",
    m.MQL: lambda c: f"{c.subject} ({c.detail})",
    m.OWNER: lambda c: f"owner {c.value or '(none)'}" + (f" ({c.detail})" if c.detail else ""),
    m.POOL: lambda c: f"pool {c.value}",
    m.NOTIFY: lambda c: c.detail,
    m.TAG_ADDED: lambda c: f"tag + {c.subject}" + (f" ({c.detail})" if c.detail else ""),
    m.TAG_REMOVED: lambda c: f"tag − {c.subject}" + (f" ({c.detail})" if c.detail else ""),
    m.SEGMENT_JOINED: lambda c: f"joined segment {c.subject}",
    m.SEGMENT_LEFT: lambda c: f"left segment {c.subject}",
    m.STAGE: lambda c: f"stage {c.value or '(none)'}",
    m.FLOW_ENTERED: lambda c: f"entered flow {c.subject}" + (f" (entry {c.value})" if c.value > 1 else ""),
    m.FLOW_STEP: lambda c: f"flow {c.subject} step {c.value}" + (f": {c.detail}" if c.detail else ""),
    m.FLOW_LEFT: lambda c: f"left flow {c.subject}: {c.value}",
    m.MESSAGE: lambda c: _message(c.value),
    m.REMINDER: lambda c: f"{_reminder(c.value)} ({c.detail})",
    m.ATTRIBUTION: _attribution,
}


def describe(change: Change, *, cause: bool = True) -> str:
    """One change in words, with its cause: ``score 线索培育评分 0 → 5: 下载文件 +5  ← scoring_models/...``."""
    text = _SIMPLE[change.kind](change) if change.kind in _SIMPLE else f"{change.kind} {change.subject} {change.value}"
    if cause and str(change.cause) not in text and change.kind not in (m.BEHAVIOUR, m.CREATED):
        text += f"  ← {change.cause}"
    return text


@dataclass
class Day:
    day: int
    date: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (HH:MM, text)


def by_day(result: PersonResult, clock: Clock) -> list[Day]:
    days: dict[int, Day] = {}
    for change in result.timeline:
        day = change.at // DAY
        if day not in days:
            days[day] = Day(day, clock.date_of(change.at).isoformat())
        minutes = change.at % DAY
        days[day].lines.append((f"{minutes // HOUR:02d}:{minutes % HOUR:02d}", describe(change)))
    return [days[d] for d in sorted(days)]
