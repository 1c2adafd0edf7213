"""Nurture flows (营销流程), guide 2.7: a trigger, then waits, conditions, branches and email, SMS and WeChat
steps. A flow is checked as a one-way graph: every step reachable from the trigger, no loops, every jump to
a step that exists; a flow that sends must name a consent purpose covering its channels; and its trigger,
templates and personalisation are checked against the rest of the playbook (:mod:`mktctl.kinds.flow_checks`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, Path_, Playbook, Reference, Resource, Spec
from mktctl.kinds.conditions import Condition, references_in, split_tag, tag_reference, tag_value_findings
from mktctl.kinds.consent import Consent
from mktctl.kinds.flow_checks import template_findings, trigger_findings
from mktctl.kinds.marketing_objects import object_reference
from mktctl.kinds.reach import condition_never_holds
from mktctl.kinds.shared import SettingsKind, duplicates, hint, unknown
from mktctl.kinds.wording import PLAIN, Words

END = "end"
TRIGGERS: dict[str, tuple[str, ...]] = {"进入人群": ("segment",), "添加标签": ("tag",), "提交表单": ("form",),
                                        "报名活动": ("event_type",), "评分达到": ("scoring_model", "score"),
                                        "进入生命周期阶段": ("stage",), "定时": ("schedule",)}
TriggerType = Literal["进入人群", "添加标签", "提交表单", "报名活动", "评分达到", "进入生命周期阶段", "定时"]
SEND_CHANNELS: dict[str, str] = {"发送邮件": "邮件", "发送短信": "短信", "发送公众号消息": "公众号",
                                 "发送企业微信消息": "企业微信"}
STEP_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # type -> (required, optional)
    "发送邮件": (("subject", "template"), ("next",)),
    "发送短信": (("template",), ("next",)),
    "发送公众号消息": (("template",), ("next",)),
    "发送企业微信消息": (("template",), ("next",)),
    "等待": ((), ("days", "hours", "next")),
    "条件分支": (("condition", "then"), ("otherwise",)),
    "添加标签": (("tag",), ("next",)),
    "移除标签": (("tag",), ("next",)),
    "通知销售": ((), ("notify", "next")),
    "结束": ((), ()),
}
StepType = Literal["发送邮件", "发送短信", "发送公众号消息", "发送企业微信消息", "等待", "条件分支", "添加标签",
                   "移除标签", "通知销售", "结束"]
ExitCondition = Literal["退订", "转为商机", "成为客户", "进入沉睡期", "退出人群", "分配给销售"]


class Trigger(Spec):
    type: TriggerType = Field(title="触发方式")
    segment: str | None = Field(None, title="人群")
    tag: str | None = Field(None, title="标签", description="组:值")
    form: str | None = Field(None, title="表单")
    event_type: str | None = Field(None, title="活动类型")
    scoring_model: str | None = Field(None, title="评分模型")
    score: int | None = Field(None, ge=1, title="分数")
    stage: str | None = Field(None, title="生命周期阶段")
    schedule: str | None = Field(None, title="定时", pattern=r"^(每天|每周[一二三四五六日]|每月([1-9]|[12]\d|3[01])日) "
                                                         r"([01]\d|2[0-3]):[0-5]\d$",
                                 description="e.g. 每天 09:00, 每周一 10:00, 每月1日 09:00")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "tag": "标签，写作“标签组：标签值”",
        "schedule": "如 每天 09:00、每周一 10:00、每月1日 09:00",
    }

    @model_validator(mode="after")
    def _fields(self) -> Trigger:
        wanted = TRIGGERS[self.type]
        for name in wanted:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.type} trigger needs {name}")
        extra = [n for n in {f for fs in TRIGGERS.values() for f in fs} if n not in wanted and getattr(self, n)]
        if extra:
            raise ValueError(f"{sorted(extra)[0]} is not part of a {self.type} trigger")
        if self.tag is not None:
            split_tag(self.tag)
        return self


class FlowStep(Spec):
    id: str = Field(min_length=1, max_length=40, title="步骤")
    type: StepType = Field(title="类型")
    subject: str | None = Field(None, max_length=100, title="邮件主题")
    template: str | None = Field(None, title="模板", description="the email, SMS or message template")
    days: int | None = Field(None, ge=0, le=365, title="等待天数")
    hours: int | None = Field(None, ge=0, le=23, title="等待小时")
    condition: Condition | None = Field(None, title="条件")
    then: str | None = Field(None, title="满足时", description="the step to go to when the condition holds")
    otherwise: str | None = Field(None, title="不满足时", description=f"the step otherwise (default: {END})")
    tag: str | None = Field(None, title="标签", description="组:值")
    notify: Literal["线索负责人", "客户负责人", "市场负责人"] | None = Field(None, title="通知对象")
    next: str | None = Field(None, title="下一步", description=f"default: the following step; {END} ends the flow")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "template": "发送的邮件、短信或消息模板",
        "then": "条件满足时转到的步骤",
        "otherwise": "条件不满足时转到的步骤（默认：结束流程）",
        "tag": "标签，写作“标签组：标签值”",
        "next": f"下一步（默认：紧接着的步骤）；填 `{END}` 结束流程",
    }

    @model_validator(mode="after")
    def _fields(self) -> FlowStep:
        required, optional = STEP_FIELDS[self.type]
        for name in required:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.type} step needs {name}")
        for name in set(STEP_FIELDS_ALL) - set(required) - set(optional):
            if getattr(self, name) is not None:
                raise ValueError(f"{name} is not part of a {self.type} step")
        if self.type == "等待" and not (self.days or self.hours):
            raise ValueError("a 等待 step needs days or hours")
        if self.tag is not None:
            split_tag(self.tag)
        return self


STEP_FIELDS_ALL = ("subject", "template", "days", "hours", "condition", "then", "otherwise", "tag", "notify", "next")


class NurtureFlow(Spec):
    name: str = Field(min_length=1, max_length=40, title="流程名称")
    object: str = Field("销售线索", title="营销对象")
    trigger: Trigger = Field(title="触发条件")
    purpose: str | None = Field(None, title="同意目的", description="the consent purpose that covers what it sends")
    steps: list[FlowStep] = Field(min_length=1, title="流程步骤")
    exits: list[ExitCondition] = Field(default_factory=lambda: ["退订"], title="退出条件")
    allow_reentry: bool = Field(False, title="允许重复进入")
    active: bool = Field(True, title="启用")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "purpose": "该流程发送的内容所依据的处理目的（个人信息保护与退订中的一项）",
    }


_FLOW_TEST = Phrase("营销流程{flow}：测试用户触发后按步骤和分支收到消息，个性化变量正确显示，退订后不再发送",
                    "nurture flow {flow}: a test person who triggers it gets the messages of its steps and branches, "
                    "with the personal fields filled in, and nothing after unsubscribing")


class NurtureFlowsKind(SettingsKind[NurtureFlow]):
    name = "nurture_flows"
    title = "营销流程"
    summary = "Automated nurture flows: a trigger, then waits, conditions, branches and email/SMS/WeChat steps"
    guide = "2.7"
    model = NurtureFlow
    rules_tested = True
    depends_on = ("marketing_objects", "consent", "tags", "segments", "scoring_models", "lifecycle_stages",
                  "event_types")
    menu_path = "营销通 > 营销自动化 > 营销流程"
    manual_who = CONSULTANT
    verify = Phrase("用测试人员运行{key}：每一步按顺序执行，退订后流程结束",
                    "run {key} with a test person: each step happens in order, and unsubscribing ends it")

    def references(self, spec: NurtureFlow) -> Iterable[Reference]:
        yield object_reference(("object",), spec.object)
        trigger = spec.trigger
        if trigger.segment:
            yield Reference(("trigger", "segment"), "segments", trigger.segment)
        if trigger.tag:
            yield tag_reference(("trigger", "tag"), trigger.tag)
        if trigger.event_type:
            yield Reference(("trigger", "event_type"), "event_types", trigger.event_type)
        if trigger.scoring_model:
            yield Reference(("trigger", "scoring_model"), "scoring_models", trigger.scoring_model)
        if trigger.stage:
            yield Reference(("trigger", "stage"), "lifecycle_stages", trigger.stage)
        for index, step in enumerate(spec.steps):
            if step.tag:
                yield tag_reference(("steps", index, "tag"), step.tag)
            if step.condition:
                yield from references_in(("steps", index, "condition"), step.condition)

    def check(self, resource: Resource[NurtureFlow], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        yield from graph_findings(spec)
        yield from consent_findings(spec, playbook)
        if spec.trigger.tag:
            yield from tag_value_findings(("trigger", "tag"), spec.trigger.tag, playbook)
        for index, step in enumerate(spec.steps):
            if step.tag:
                yield from tag_value_findings(("steps", index, "tag"), step.tag, playbook)
            if step.condition and step.condition.tag:
                yield from tag_value_findings(("steps", index, "condition", "tag"), step.condition.tag, playbook)
        yield from trigger_findings(spec, playbook)
        yield from template_findings(spec, playbook)
        for index, step in enumerate(spec.steps):
            if step.condition and step.condition.scoring_model is not None:
                reason = condition_never_holds(playbook, step.condition)
                if reason is not None:
                    yield Finding(("steps", index, "condition", "min_score"), f"step {step.id!r} never goes to "
                                  f"{step.then!r}: {reason}", severity="warning")

    def acceptance_tests(self, spec: NurtureFlow, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_FLOW_TEST, flow=words.quote(key)), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "新线索培育", "object": "销售线索", "purpose": "营销推广",
                "trigger": {"type": "提交表单", "form": "官网咨询表单"},
                "steps": [{"id": "欢迎邮件", "type": "发送邮件", "subject": "感谢关注示例科技", "template": "欢迎邮件"},
                          {"id": "等三天", "type": "等待", "days": 3},
                          {"id": "打开了吗", "type": "条件分支",
                           "condition": {"behaviour": "打开邮件", "content": "欢迎邮件"},
                           "then": "通知销售", "otherwise": "短信提醒"},
                          {"id": "短信提醒", "type": "发送短信", "template": "白皮书下载提醒", "next": END},
                          {"id": "通知销售", "type": "通知销售", "notify": "线索负责人"}],
                "exits": ["退订", "转为商机"]}


def step_edges(spec: NurtureFlow) -> list[list[tuple[str, Path_]]]:
    """For each step, the steps it can go to, each with the path of the value that says so."""
    edges: list[list[tuple[str, Path_]]] = []
    for index, step in enumerate(spec.steps):
        here: Path_ = ("steps", index)
        if step.type == "结束":
            edges.append([])
        elif step.type == "条件分支":
            assert step.then is not None
            edges.append([(step.then, (*here, "then")),
                          (step.otherwise or END, (*here, "otherwise") if step.otherwise else here)])
        elif step.next is not None:
            edges.append([(step.next, (*here, "next"))])
        elif index + 1 < len(spec.steps):
            edges.append([(spec.steps[index + 1].id, here)])
        else:
            edges.append([(END, here)])
    return edges


def graph_findings(spec: NurtureFlow) -> Iterator[Finding]:
    """A flow is a one-way graph from its first step: unique ids, known targets, nothing unreachable, no loop."""
    ids = [s.id for s in spec.steps]
    for index in duplicates(ids):
        yield Finding(("steps", index, "id"), f"step id {ids[index]!r} is used twice in flow {spec.name!r}")
    position = {step_id: index for index, step_id in reversed(list(enumerate(ids)))}
    edges = step_edges(spec)
    targets: list[list[tuple[int, Path_]]] = []
    for index, out in enumerate(edges):
        resolved = []
        for target, path in out:
            if target == END:
                continue
            if target not in position:
                yield Finding(path, f"step {ids[index]!r} goes to {target!r}, which is not a step of flow "
                                    f"{spec.name!r}" + hint(target, [*ids, END]))
                continue
            resolved.append((position[target], path))
        targets.append(resolved)
    reached = {0}
    todo = [0]
    while todo:
        for target, _ in targets[todo.pop()]:
            if target not in reached:
                reached.add(target)
                todo.append(target)
    for index in range(len(ids)):
        if index not in reached:
            yield Finding(("steps", index), f"step {ids[index]!r} can never be reached: no step of flow "
                                            f"{spec.name!r} goes to it")
    yield from _loops(ids, targets)


def _loops(ids: list[str], targets: list[list[tuple[int, Path_]]]) -> Iterator[Finding]:
    state = [0] * len(ids)  # 0 new, 1 on the current path, 2 done
    for start in range(len(ids)):
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, iter(targets[start]))]
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                state[node] = 2
                stack.pop()
                continue
            target, path = step
            if state[target] == 1:
                yield Finding(path, f"step {ids[node]!r} goes back to {ids[target]!r}: an endless loop; a flow runs "
                                    "one way (to repeat, add the steps again, with an exit)")
            elif state[target] == 0:
                state[target] = 1
                stack.append((target, iter(targets[target])))


def consent_findings(spec: NurtureFlow, playbook: Playbook) -> Iterator[Finding]:
    """A flow that sends email, SMS or WeChat messages needs a consent purpose that covers those channels."""
    sends = [(index, SEND_CHANNELS[step.type]) for index, step in enumerate(spec.steps) if step.type in SEND_CHANNELS]
    if not sends:
        return
    first: Path_ = ("steps", sends[0][0], "type")
    channels = "、".join(dict.fromkeys(channel for _, channel in sends))
    declared = playbook.of("consent")
    if not declared:
        yield Finding(first, f"flow {spec.name!r} sends {channels} without consent: declare consent: with a purpose "
                             "for these channels and name it in purpose: (PIPL)", severity="warning")
        return
    consent: Consent = declared[0].spec
    purposes = {p.name: p for p in consent.purposes}
    if spec.purpose is None:
        yield Finding(first, f"flow {spec.name!r} sends {channels} without consent: set purpose: to one of "
                             f"{', '.join(purposes)} (PIPL)", severity="warning")
        return
    purpose = purposes.get(spec.purpose)
    if purpose is None:
        yield Finding(("purpose",), unknown(spec.purpose, purposes, "a purpose of consent"))
        return
    for index, channel in sends:
        if channel not in purpose.channels:
            yield Finding(("steps", index, "type"), f"step {spec.steps[index].id!r} sends {channel} without consent: "
                          f"purpose {purpose.name!r} covers only {'、'.join(purpose.channels)}", severity="warning")
    if "退订" not in spec.exits and not consent.unsubscribe.stop_flows:
        yield Finding(("exits",), f"flow {spec.name!r} keeps sending after an unsubscribe: add 退订 to exits",
                      severity="warning")


KINDS: list[Kind[Any]] = [NurtureFlowsKind()]
