"""Compile a loaded playbook into :class:`Rules`: plain, frozen matchers the engine runs without pydantic.

``compile_rules(playbook) -> Rules`` reads each kind's resources by attribute, once. It raises
:class:`~mktctl.errors.PlaybookError` for what cannot run: an unknown personalisation variable in a flow's
subject or in an SMS template a flow sends, at the value's position, with did-you-mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mktctl.errors import PlaybookError, Problem
from mktctl.rules.assignment import AssignmentRules, compile_assignment
from mktctl.rules.attribution import AttributionRule
from mktctl.rules.cleaning import CleaningRules, compile_cleaning
from mktctl.rules.conditions import normalise_tag
from mktctl.rules.fields import FieldNames, field_names
from mktctl.rules.flows import Flow, by_trigger, compile_flows
from mktctl.rules.identity import IdentityRules, compile_identity
from mktctl.rules.inert import Reads, behaviours_acted_on, reads
from mktctl.rules.mql import Mql, compile_mql
from mktctl.rules.personalise import unknown_variables
from mktctl.rules.reminders import Pool, Sla, compile_pools, compile_slas
from mktctl.rules.scoring import ScoringModel, compile_model
from mktctl.rules.segments import HOURLY, Segment, compile_segments
from mktctl.rules.stages import Stage, compile_stages
from mktctl.rules.tags import TagGroup, TagReading, compile_groups

ALL_CHANNELS = ("邮件", "短信", "公众号", "企业微信")


@dataclass(frozen=True)
class User:
    name: str
    leader: str | None


@dataclass(frozen=True)
class ConsentRules:
    stop_flows: bool = True
    all_channels: bool = False


@dataclass(frozen=True)
class WecomRules:
    new_contact_tags: tuple[str, ...] = ()
    live_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # live code -> its tags


@dataclass(frozen=True)
class Rules:
    """Everything the engine needs from one playbook."""

    names: FieldNames = field(default_factory=FieldNames)
    cleaning: CleaningRules = field(default_factory=CleaningRules)
    identity: IdentityRules | None = None
    models: tuple[ScoringModel, ...] = ()
    tags: tuple[TagGroup, ...] = ()
    single_choice: frozenset[str] = frozenset()  # tag groups with multiple: false
    segments: tuple[Segment, ...] = ()
    stages: tuple[Stage, ...] = ()
    dormant_stages: frozenset[str] = frozenset()
    flows: tuple[Flow, ...] = ()
    assignment: AssignmentRules = field(default_factory=AssignmentRules)
    slas: tuple[Sla, ...] = ()
    pools: dict[str, Pool] = field(default_factory=dict)
    default_pool: str | None = None
    mql: Mql | None = None
    attribution: AttributionRule = field(default_factory=AttributionRule)
    consent: ConsentRules = field(default_factory=ConsentRules)
    users: dict[str, User] = field(default_factory=dict)
    wecom: WecomRules | None = None
    sms_templates: dict[str, str] = field(default_factory=dict)
    sms_signature: str = ""
    sender: str = ""  # the client's company, for {企业名称}

    @cached_property
    def flows_by_trigger(self) -> dict[str, tuple[tuple[int, Flow], ...]]:
        """The flows by the kind of signal that fires them (:func:`mktctl.rules.flows.by_trigger`)."""
        return by_trigger(self.flows)

    @cached_property
    def acted_on(self) -> frozenset[str]:
        """The behaviours the engine acts on by themselves under these rules
        (:func:`mktctl.rules.inert.behaviours_acted_on`)."""
        return behaviours_acted_on((flow.trigger for flow in self.flows), self.wecom is not None)

    @cached_property
    def scored(self) -> Reads:
        """The behaviours the scoring models read (:mod:`mktctl.rules.inert`)."""
        return reads(self.models, (), self.acted_on)

    @cached_property
    def read(self) -> Reads:
        """The behaviours anything of the playbook reads (:mod:`mktctl.rules.inert`)."""
        conditions = [c for group in self.tags for rule in group.rules for c in rule.conditions.items]
        conditions += [c for segment in self.segments for c in segment.conditions.items]
        conditions += [c for flow in self.flows for step in flow.steps if step.condition is not None
                       for c in step.condition.items]
        return reads(self.models, conditions, self.acted_on)

    @cached_property
    def quiet(self) -> Reads:
        """The behaviours the scoring models and segments read: an event of any other behaviour is read at
        most by tag rules (when they read something new, its moment is visited in full) and by branches
        (which read the record when their wait ends) (:meth:`mktctl.rules.person._Runner.settle`)."""
        return reads(self.models, [c for segment in self.segments for c in segment.conditions.items],
                     self.acted_on)

    @cached_property
    def tag_reading(self) -> TagReading:
        """The tag groups that rules set, read at once (:class:`mktctl.rules.tags.TagReading`)."""
        return TagReading(tuple(group for group in self.tags if group.rules))

    @property
    def hourly(self) -> bool:
        return any(s.dynamic and s.refresh == HOURLY for s in self.segments)

    def user_name(self, employee_number: str) -> str:
        user = self.users.get(employee_number)
        return user.name if user else employee_number

    def model(self, name: str) -> ScoringModel | None:
        return next((m for m in self.models if m.name == name), None)


def _one(playbook: Any, kind: str) -> Any:
    found = playbook.of(kind)
    return found[0].spec if found else None


def compile_rules(playbook: Any) -> Rules:
    problems = template_problems(playbook)
    if problems:
        raise PlaybookError(problems)
    names = field_names(playbook)
    cleaning = compile_cleaning(playbook.of("lead_cleaning"), names)
    models = tuple(compile_model(r.spec, names) for r in playbook.of("scoring_models"))
    stages, dormant = compile_stages(playbook.of("lifecycle_stages"))
    consent = _one(playbook, "consent")
    purposes = {p.name: frozenset(p.channels) for p in consent.purposes} if consent else None
    basics = _one(playbook, "basic_settings")
    sms = _one(playbook, "sms_channel")
    wecom = _one(playbook, "wecom")
    attribution = basics.attribution if basics is not None else None
    return Rules(
        names=names, cleaning=cleaning, identity=compile_identity(playbook.of("identity_rules")), models=models,
        tags=compile_groups(playbook.of("tags"), names),
        single_choice=frozenset(r.spec.name for r in playbook.of("tags") if not r.spec.multiple),
        segments=compile_segments(playbook.of("segments"), names), stages=stages, dormant_stages=dormant,
        flows=compile_flows(playbook.of("nurture_flows"), names, purposes),
        assignment=compile_assignment(playbook.of("lead_assignment"), names),
        slas=compile_slas(playbook.of("lead_follow_up_sla")), pools=compile_pools(playbook.of("lead_pools")),
        default_pool=basics.lead_storage.default_pool if basics is not None and basics.lead_storage else None,
        mql=compile_mql(playbook.of("mql_definition"), [m.name for m in models], names, cleaning.competitor_domains),
        attribution=AttributionRule(attribution.model, attribution.window_days) if attribution else AttributionRule(),
        consent=ConsentRules(consent.unsubscribe.stop_flows, consent.unsubscribe.all_channels) if consent
        else ConsentRules(),
        users={u.spec.employee_number: User(u.spec.name, u.spec.leader) for u in playbook.of("users")},
        wecom=WecomRules(tuple(normalise_tag(t) for t in wecom.new_contact_tags),
                         {c.name: tuple(normalise_tag(t) for t in c.tags) for c in wecom.live_codes})
        if wecom is not None else None,
        sms_templates={t.name: t.content for t in sms.templates} if sms is not None else {},
        sms_signature=sms.signature if sms is not None else "",
        sender=(basics.company.short_name or basics.company.name) if basics is not None else "")


def template_problems(playbook: Any) -> list[Problem]:
    """Unknown personalisation variables in flows' subjects and in the SMS templates flows send."""
    problems = []
    sms_resources = playbook.of("sms_channel")
    templates = {t.name: (index, t.content) for index, t in enumerate(sms_resources[0].spec.templates)} \
        if sms_resources else {}
    sent_sms = set()
    for resource in playbook.of("nurture_flows"):
        for index, step in enumerate(resource.spec.steps):
            if step.subject:
                for name, hint in unknown_variables(step.subject):
                    problems.append(Problem(resource.mark(("steps", index, "subject")),
                                            f"unknown personalisation variable {{{name}}}; {hint}"))
            if step.type == "发送短信" and step.template in templates:
                sent_sms.add(step.template)
    for name in sorted(sent_sms):
        index, content = templates[name]
        for variable, hint in unknown_variables(content):
            problems.append(Problem(sms_resources[0].mark(("templates", index, "content")),
                                    f"unknown personalisation variable {{{variable}}}; {hint}"))
    return problems
