"""Nurture flows running for one person: entering on a trigger, walking the steps, waiting, branching,
sending (with consent), leaving on exits. The flows themselves, compiled, are in :mod:`mktctl.rules.flows`,
with the rules they follow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktctl.rules.clock import label
from mktctl.rules.flows import END, SCHEDULED, Flow, Step
from mktctl.rules.model import FLOW_ENTERED, FLOW_LEFT, FLOW_STEP, MESSAGE, NOTIFY, Cause, Message
from mktctl.rules.personalise import render
from mktctl.rules.state import FlowRun
from mktctl.rules.tags import MANUAL, add_tag, group_of, remove_tag

if TYPE_CHECKING:
    from mktctl.rules.compile import Rules
    from mktctl.rules.state import PersonState, Signals


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


def _candidates(rules: Rules, signals: Signals) -> list[Flow]:
    """The flows whose kind of trigger ``signals`` can fire, in the playbook's order (the others cannot fire:
    :func:`_triggered` would be false for them)."""
    by_kind = rules.flows_by_trigger
    found: list[tuple[int, Flow]] = []
    for kind, happened in (("进入人群", signals.segments_joined), ("添加标签", signals.tags_added),
                           ("提交表单", signals.forms), ("报名活动", signals.event_types),
                           ("评分达到", signals.scores), ("进入生命周期阶段", signals.stage_entered),
                           (SCHEDULED, signals.schedules)):
        if happened:
            found += by_kind.get(kind, ())
    found.sort(key=lambda pair: pair[0])
    return [flow for _, flow in found]


def enter_triggered(rules: Rules, state: PersonState, at: int, signals: Signals) -> None:
    """Enter the flows whose trigger is among ``signals`` (what happened at ``at``)."""
    for flow in _candidates(rules, signals):
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
            state.record(at, FLOW_STEP, flow.name, step.id, cause,
                         f"wait until {label(run.wake)}" if state.detailed else "")
            return
        if step.type == "条件分支":
            assert step.condition is not None
            holds = step.condition.holds(state, at)
            run.step = step.then if holds else step.otherwise
            state.record(at, FLOW_STEP, flow.name, step.id, cause,
                         f"{step.condition.describe(state, at)} → {'then' if holds else 'otherwise'}"
                         if state.detailed else "then" if holds else "otherwise")
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
