"""Nurture flows (营销流程): entering on a trigger, walking the steps, waiting, branching, sending, leaving.

* A person enters a flow when its trigger happens: joining the segment (at a refresh), getting the tag,
  submitting the form (a 提交表单 event whose content is the form), registering for the event type (a
  报名活动 event whose ``event_type`` or content is it), the score crossing the threshold, entering the
  lifecycle stage, or the 定时 schedule's moment (every living person then). Once only, unless
  ``allow_reentry`` - and never while already in the flow. An inactive flow (``active: false``) never runs.
* Steps without a wait follow each other within the same minute. A send step records a message at that
  moment, its subject and body rendered with personalisation variables; ``等待`` continues after its days
  and hours; ``条件分支`` evaluates its condition at that moment and goes to ``then`` or ``otherwise``
  (default: the end); other steps go to ``next`` (default: the following step; ``end`` ends the flow).
* Consent: nothing is sent on a channel the person has unsubscribed from (``退订`` events; every channel
  with ``consent.unsubscribe.all_channels``), nor on a channel the flow's consent ``purpose`` does not cover;
  the flow goes on. With ``stop_flows`` an unsubscribe takes the person out of every flow.
* ``exits`` are states checked at every moment the person is in the flow, entry included: 退订 (has
  unsubscribed), 转为商机 / 成为客户 (converted to 商机; to 客户 or a purchase), 进入沉睡期 (in the dormant
  stage), 退出人群 (no longer in the trigger's segment), 分配给销售 (has an owner).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.rules.clock import DAY, HOUR, Clock, label, parse_time
from mktctl.rules.conditions import Conditions, compile_condition, normalise_tag
from mktctl.rules.fields import FieldNames
from mktctl.rules.model import FLOW_ENTERED, FLOW_LEFT, FLOW_STEP, MESSAGE, NOTIFY, Cause, Message
from mktctl.rules.personalise import render
from mktctl.rules.tags import MANUAL, add_tag, group_of, remove_tag

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.state import PersonState, Signals

END = -1
SEND_CHANNELS = {"发送邮件": "邮件", "发送短信": "短信", "发送公众号消息": "公众号", "发送企业微信消息": "企业微信"}
_WEEKDAYS = "一二三四五六日"
_SCHEDULE = re.compile(r"^(每天|每周([一二三四五六日])|每月(\d{1,2})日) (\d{2}:\d{2})$")


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    index: int
    type: str
    channel: str | None = None
    subject: str | None = None
    template: str | None = None
    wait: int = 0
    condition: Conditions | None = None
    then: int = END
    otherwise: int = END
    next: int = END
    tag: str | None = None
    notify: str | None = None


@dataclass(frozen=True)
class Flow:
    name: str
    trigger: str  # the trigger type
    key: str  # its segment, tag, form, event type, model, stage or schedule
    score: int
    steps: tuple[Step, ...]
    exits: frozenset[str]
    allow_reentry: bool
    active: bool
    purpose: str | None
    purpose_channels: frozenset[str] | None  # None: no purpose named, or no consent declared

    @property
    def trigger_text(self) -> str:
        return f"{self.trigger} {self.key}" + (f" ≥ {self.score}" if self.trigger == "评分达到" else "")


class FlowRun:
    """One person in one flow."""

    __slots__ = ("entries", "inside", "step", "wake")

    def __init__(self) -> None:
        self.entries = 0
        self.inside = False
        self.step = END
        self.wake: int | None = None


def _trigger_key(trigger: Any) -> tuple[str, int]:
    key = {"进入人群": trigger.segment, "添加标签": trigger.tag and normalise_tag(trigger.tag),
           "提交表单": trigger.form, "报名活动": trigger.event_type, "评分达到": trigger.scoring_model,
           "进入生命周期阶段": trigger.stage, "定时": trigger.schedule}[trigger.type]
    return str(key), trigger.score or 0


def _target(ids: dict[str, int], step_id: str | None, default: int) -> int:
    return default if step_id is None else END if step_id == "end" else ids.get(step_id, END)


def compile_flows(resources: list[Any], names: FieldNames, purposes: dict[str, frozenset[str]] | None
                  ) -> tuple[Flow, ...]:
    """``purposes``: consent's purposes and their channels (None when no consent is declared)."""
    flows = []
    for resource in resources:
        spec = resource.spec
        ids = {step.id: index for index, step in reversed(list(enumerate(spec.steps)))}
        steps = []
        for index, step in enumerate(spec.steps):
            following = index + 1 if index + 1 < len(spec.steps) else END
            steps.append(Step(
                step.id, index, step.type, SEND_CHANNELS.get(step.type), step.subject, step.template,
                (step.days or 0) * DAY + (step.hours or 0) * HOUR,
                Conditions((compile_condition(step.condition, names),)) if step.condition else None,
                _target(ids, step.then, END), _target(ids, step.otherwise, END),
                END if step.type == "结束" else _target(ids, step.next, following),
                normalise_tag(step.tag) if step.tag else None, step.notify))
        key, score = _trigger_key(spec.trigger)
        covered = purposes.get(spec.purpose) if purposes is not None and spec.purpose else None
        flows.append(Flow(spec.name, spec.trigger.type, key, score, tuple(steps), frozenset(spec.exits),
                          spec.allow_reentry, spec.active, spec.purpose, covered))
    return tuple(flows)


def schedule_moments(schedule: str, clock: Clock, until: int) -> list[int]:
    """The moments of a 定时 trigger (每天 09:00, 每周一 10:00, 每月1日 09:00) from day 0 to ``until``."""
    found = _SCHEDULE.match(schedule)
    if not found:
        return []
    minute = parse_time(found.group(4))
    moments = []
    for day in range(until // DAY + 1):
        date = clock.date_of(day * DAY)
        if found.group(2) and _WEEKDAYS[date.weekday()] != found.group(2):
            continue
        if found.group(3) and date.day != int(found.group(3)):
            continue
        if day * DAY + minute <= until:
            moments.append(day * DAY + minute)
    return moments


# ---- running ---------------------------------------------------------------------------------------------


STOP_FLOWS = "unsubscribed: consent.unsubscribe.stop_flows takes them out of every flow"


def exit_reason(flow: Flow, state: PersonState, rules: Rules) -> str | None:
    if state.unsubscribed and rules.consent.stop_flows:
        return STOP_FLOWS
    exits = flow.exits
    if "退订" in exits and state.unsubscribed:
        return f"exit 退订: unsubscribed from {'、'.join(sorted(state.unsubscribed))}"
    if "转为商机" in exits and "商机" in state.converted:
        return "exit 转为商机"
    if "成为客户" in exits and ("客户" in state.converted or "订单" in state.converted):
        return "exit 成为客户"
    if "进入沉睡期" in exits and state.stage in rules.dormant_stages:
        return f"exit 进入沉睡期: stage {state.stage}"
    if "退出人群" in exits and flow.trigger == "进入人群" and flow.key not in state.segments:
        return f"exit 退出人群: left {flow.key}"
    if "分配给销售" in exits and state.owner is not None:
        return f"exit 分配给销售: owner {state.owner}"
    return None


def _triggered(flow: Flow, signals: Signals) -> bool:
    kind = flow.trigger
    if kind == "进入人群":
        return flow.key in signals.segments_joined
    if kind == "添加标签":
        return flow.key in signals.tags_added
    if kind == "提交表单":
        return flow.key in signals.forms
    if kind == "报名活动":
        return flow.key in signals.event_types
    if kind == "评分达到":
        before, after = signals.scores.get(flow.key, (0, 0))
        return before < flow.score <= after
    if kind == "进入生命周期阶段":
        return signals.stage_entered == flow.key
    return flow.name in signals.schedules


def leave_on_exits(rules: Rules, state: PersonState, at: int) -> None:
    for flow in rules.flows:
        run = state.flows.get(flow.name)
        if run is not None and run.inside:
            reason = exit_reason(flow, state, rules)
            if reason:
                _leave(state, run, flow, at, reason)


def enter_triggered(rules: Rules, state: PersonState, at: int, signals: Signals) -> None:
    """Enter the flows whose trigger is among ``signals`` (what happened at ``at``)."""
    for flow in rules.flows:
        if not flow.active or not _triggered(flow, signals):
            continue
        run = state.flows.setdefault(flow.name, FlowRun())
        if run.inside or (run.entries and not flow.allow_reentry):
            continue
        run.entries += 1
        run.inside = True
        state.record(at, FLOW_ENTERED, flow.name, run.entries,
                     Cause("rule", f"nurture_flows/{flow.name} trigger {flow.trigger_text}"))
        reason = exit_reason(flow, state, rules)
        if reason:
            _leave(state, run, flow, at, reason)
            continue
        run.step = 0 if flow.steps else END
        advance(rules, state, flow, run, at)


def continue_due(rules: Rules, state: PersonState, at: int) -> None:
    for flow in rules.flows:
        run = state.flows.get(flow.name)
        if run is not None and run.inside and run.wake == at:
            run.wake = None
            advance(rules, state, flow, run, at)


def next_wake(state: PersonState) -> list[int]:
    return [run.wake for run in state.flows.values() if run.inside and run.wake is not None]


def _leave(state: PersonState, run: FlowRun, flow: Flow, at: int, reason: str) -> None:
    run.inside = False
    run.wake = None
    run.step = END
    cause = Cause("step", f"nurture_flows/{flow.name} end") if reason == "finished" else \
        Cause("rule", "consent") if reason == STOP_FLOWS else Cause("rule", f"nurture_flows/{flow.name} exits")
    state.record(at, FLOW_LEFT, flow.name, reason, cause)


def advance(rules: Rules, state: PersonState, flow: Flow, run: FlowRun, at: int) -> None:
    """Run steps from ``run.step`` until a wait or the end."""
    for _ in range(len(flow.steps) + 1):
        if run.step == END:
            _leave(state, run, flow, at, "finished")
            return
        step = flow.steps[run.step]
        cause = Cause("step", f"nurture_flows/{flow.name} step {step.id}")
        if step.type == "等待":
            run.wake = at + step.wait
            run.step = step.next
            state.record(at, FLOW_STEP, flow.name, step.id, cause, f"wait until {label(run.wake)}")
            return
        if step.type == "条件分支":
            assert step.condition is not None
            holds = step.condition.holds(state, at)
            run.step = step.then if holds else step.otherwise
            state.record(at, FLOW_STEP, flow.name, step.id, cause,
                         f"{step.condition.describe(state, at)} → {'then' if holds else 'otherwise'}")
            continue
        if step.channel is None:
            state.record(at, FLOW_STEP, flow.name, step.id, cause)
        if step.channel is not None:
            _send(rules, state, flow, step, at, cause)
        elif step.type in ("添加标签", "移除标签"):
            assert step.tag is not None
            if step.type == "添加标签":
                add_tag(state, at, step.tag, MANUAL, cause, single=group_of(step.tag) in rules.single_choice)
            else:
                remove_tag(state, at, step.tag, cause)
        elif step.type == "通知销售":
            _notify(rules, state, step, at, cause)
        run.step = step.next


def _send(rules: Rules, state: PersonState, flow: Flow, step: Step, at: int, cause: Cause) -> None:
    assert step.channel is not None

    def lookup(key: str) -> str:
        if key == "owner":
            return rules.user_name(state.owner) if state.owner else ""
        if key == "sender":
            return rules.sender
        return state.fields.get(key, "")

    body = rules.sms_templates.get(step.template or "") if step.channel == "短信" else None
    if body is not None and rules.sms_signature:
        body = f"【{rules.sms_signature}】{body}"
    reason = ""
    if step.channel in state.unsubscribed:
        reason = f"unsubscribed from {step.channel}"
    elif flow.purpose_channels is not None and step.channel not in flow.purpose_channels:
        reason = f"consent purpose {flow.purpose} does not cover {step.channel}"
    message = Message(flow.name, step.id, step.channel, step.template, render(step.subject, lookup),
                      render(body, lookup), at, sent=not reason, reason=reason)
    state.record(at, MESSAGE, flow.name, message, cause, reason)


def _notify(rules: Rules, state: PersonState, step: Step, at: int, cause: Cause) -> None:
    who = step.notify or "线索负责人"
    if who == "市场负责人":
        pool = rules.pools.get(state.pool or "")
        people = pool.admins if pool else ()
    else:
        people = (state.owner,) if state.owner else ()
    text = "、".join(rules.user_name(p) for p in people) if people else "nobody (no owner)"
    state.record(at, NOTIFY, who, list(people), cause, f"notify {who}: {text}")
