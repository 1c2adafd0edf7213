"""The events of a person applied to their state: field changes, behaviours (with the form, event-type and
WeCom signals they give), unsubscribes, follow-ups, and conversions with their attribution."""

from __future__ import annotations

from mktctl.rules.attribution import Touch, credit
from mktctl.rules.clock import label
from mktctl.rules.compile import ALL_CHANNELS, Rules
from mktctl.rules.fields import STATUS_FIELD
from mktctl.rules.model import (
    ATTRIBUTION,
    BEHAVIOUR,
    CONVERTED,
    FIELD,
    FOLLOW_UP,
    UNSUBSCRIBED,
    Cause,
    Event,
)
from mktctl.rules.state import PersonState


def apply_event(rules: Rules, state: PersonState, event: Event, pending_tags: list[tuple[str, Cause]]) -> bool:
    """Apply one event to ``state``; returns whether a field changed. WeCom tags wait in ``pending_tags``
    for the tag step of the moment."""
    at = event.at
    detailed = state.recording and state.detailed
    described = describe_event(event) if detailed else ""
    cause = Cause("event", f"{label(at)} {described}") if detailed else _UNRECORDED
    changed = False
    for name, raw in event.changes:
        key = rules.names.key(name)
        value = rules.names.value(key, raw)
        if state.fields.get(key, "") != value:
            state.fields[key] = value
            state.record(at, FIELD, key, value, cause)
            changed = True
    if event.behaviour is not None:
        state.add_behaviour(event)
        state.record(at, BEHAVIOUR, event.behaviour, event.content, cause, described)
        if event.is_touch:
            state.touches.append(event)
        if event.behaviour == "提交表单" and event.content:
            state.signals.forms.add(event.content)
        if event.behaviour == "报名活动":
            state.signals.event_types.update(v for v in (event.event_type, event.content) if v)
        if event.behaviour == "退订":
            _unsubscribe(rules, state, event, cause)
        if event.behaviour == "添加企业微信" and rules.wecom is not None:
            for tag in rules.wecom.new_contact_tags:
                pending_tags.append((tag, Cause("rule", "wecom/new_contact_tags")))
            for tag in rules.wecom.live_codes.get(event.content or "", ()):
                pending_tags.append((tag, Cause("rule", f"wecom/live_codes/{event.content} tags")))
    if event.follow_up:
        state.last_follow_up = at
        state.record(at, FOLLOW_UP, "follow_up", True, cause)
        if state.is_lead and state.fields.get(STATUS_FIELD) == "未处理":
            state.fields[STATUS_FIELD] = "已处理"
            state.record(at, FIELD, STATUS_FIELD, "已处理", cause)
    if event.converted is not None:
        _convert(rules, state, event, cause)
    state.changed |= changed
    return changed

_UNRECORDED = Cause("event", "")  # the cause of a change nobody reads in words (a qualifying pass, a simulation)


def _unsubscribe(rules: Rules, state: PersonState, event: Event, cause: Cause) -> None:
    channels = ALL_CHANNELS if rules.consent.all_channels or not event.channel else (event.channel,)
    for channel in channels:
        if channel not in state.unsubscribed:
            state.unsubscribed.add(channel)
            state.record(event.at, UNSUBSCRIBED, channel, True, cause)
    state.changed = True

def _convert(rules: Rules, state: PersonState, event: Event, cause: Cause) -> None:
    kind, at = event.converted or "", event.at
    first = kind not in state.converted
    state.converted.setdefault(kind, at)
    if kind == "订单":
        state.purchases += 1
    state.record(at, CONVERTED, kind, at, cause)
    if state.is_lead and state.fields.get(STATUS_FIELD) != "已转换":
        state.fields[STATUS_FIELD] = "已转换"
        state.record(at, FIELD, STATUS_FIELD, "已转换", cause)
    if first:
        touches = [Touch(t.at, t.source or "", t.campaign or "", t.origin == "creation" or t.at == state.created)
                   for t in state.touches]
        credits = credit(rules.attribution, touches, at)
        model = rules.attribution
        state.record(at, ATTRIBUTION, kind, [c.as_dict() for c in credits],
                     Cause("rule", f"basic_settings/attribution {model.model}, {model.window_days} days"))
    state.changed = True


def describe_event(event: Event) -> str:
    """``下载文件 产品白皮书; from 百度推广 / 春季投放``."""
    parts = []
    if event.behaviour:
        parts.append(event.behaviour + (f" {event.content}" if event.content else ""))
        if event.channel:
            parts.append(f"channel {event.channel}")
        if event.source or event.campaign:
            parts.append("from " + " / ".join(v for v in (event.source, event.campaign) if v))
    if event.changes:
        parts.append("set " + ", ".join(f"{k}={v}" for k, v in event.changes))
    if event.follow_up:
        parts.append("follow-up")
    if event.converted:
        parts.append(f"converted to {event.converted}")
    return "; ".join(parts) or "event"
