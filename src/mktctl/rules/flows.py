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
from functools import lru_cache
from typing import Any

from mktctl.rules.clock import DAY, HOUR, Clock, parse_time
from mktctl.rules.conditions import Conditions, compile_condition, normalise_tag
from mktctl.rules.fields import FieldNames

END = -1
SIGNALLED = ("进入人群", "添加标签", "提交表单", "报名活动", "评分达到", "进入生命周期阶段")
SCHEDULED = "定时"  # and any other trigger: fired by the schedule's moments
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


def by_trigger(flows: tuple[Flow, ...]) -> dict[str, tuple[tuple[int, Flow], ...]]:
    """The flows (with their place in the playbook) by the kind of signal that fires them."""
    found: dict[str, list[tuple[int, Flow]]] = {}
    for index, flow in enumerate(flows):
        found.setdefault(flow.trigger if flow.trigger in SIGNALLED else SCHEDULED, []).append((index, flow))
    return {kind: tuple(pairs) for kind, pairs in found.items()}


@lru_cache(maxsize=256)
def schedule_moments(schedule: str, clock: Clock, until: int) -> tuple[int, ...]:
    """The moments of a 定时 trigger (每天 09:00, 每周一 10:00, 每月1日 09:00) from day 0 to ``until``."""
    found = _SCHEDULE.match(schedule)
    if not found:
        return ()
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
    return tuple(moments)
