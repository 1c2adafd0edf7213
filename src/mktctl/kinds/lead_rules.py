"""Lead rules, guide 2.2: how leads are cleaned, who gets them, how fast they must be followed up, and when
a lead counts as marketing-qualified.

* ``lead_cleaning``: required fields, duplicate rules, test data and competitor e-mail domains.
* ``lead_assignment``: rule sets by region, industry, source and score; round robin; notifications.
* ``lead_follow_up_sla``: reminders when leads or opportunities sit idle, e.g. 15 days.
* ``mql_definition``: the marketing-qualified lead (MQL) and its hand-off to sales.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.lead_fields import field_names, field_references
from mktctl.kinds.lead_pools import EMPLOYEE_NUMBERS
from mktctl.kinds.shared import as_texts, hostname, unique
from mktctl.kinds.thresholds import assignment_findings, mql_findings
from mktctl.kinds.wording import CRM_ADMIN, PLAIN, Words
from mktctl.leads.emails import TEST_DOMAINS, TEST_TLDS

NotifyChannel = Literal["纷享消息", "企业微信", "短信", "邮件"]


# ---- cleaning ------------------------------------------------------------------------------------


class LeadDuplicateRule(Spec):
    match: list[Literal["mobile", "email", "company", "name"]] = Field(
        min_length=1, title="查重字段", description="leads are duplicates when all these fields are equal")
    scope: Literal["全部线索", "同一线索池", "线索及客户联系人"] = Field("全部线索", title="查重范围")
    action: Literal["标记重复", "合并到已有线索", "不存入"] = Field("标记重复", title="重复处理")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "match": "这些字段全部相同的线索视为重复",
    }

    @field_validator("match")
    @classmethod
    def _match(cls, value: list[str]) -> list[str]:
        return unique(value)


class LeadTestData(Spec):
    names: list[str] = Field(default_factory=list, title="测试姓名关键词", description="e.g. 测试, test")
    mobiles: list[str] = Field(default_factory=list, title="测试手机号")
    email_domains: list[str] = Field(default_factory=list, title="测试邮箱域名", description="e.g. test.com")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "names": "姓名包含这些关键词的线索视为测试数据，如 测试、test",
        "email_domains": "使用这些邮箱域名的线索视为测试数据，如 test.com",
    }

    _numbers = field_validator("mobiles", mode="before")(as_texts)

    @field_validator("email_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        return unique([hostname(v) for v in value])


class LeadCleaningSpec(Spec):
    required_fields: list[str] = Field(default_factory=list, title="必填字段",
                                       description="lead fields without which a lead is not stored")
    validate_mobile: bool = Field(True, title="校验手机号格式")
    validate_email: bool = Field(True, title="校验邮箱格式")
    duplicate_rules: list[LeadDuplicateRule] = Field(default_factory=list, title="查重规则")
    test_data: LeadTestData | None = Field(None, title="测试数据识别")
    competitor_domains: list[str] = Field(default_factory=list, title="竞品邮箱域名",
                                          description="e-mail domains of competitors, e.g. rival.com")
    invalid_action: Literal["标记无效", "作废", "退回线索池"] = Field(
        "标记无效", title="无效线索处理", description="what happens to test data and competitors' leads")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "required_fields": "缺少这些字段的线索不存入",
        "competitor_domains": "竞争对手的邮箱域名，如 rival.com",
        "invalid_action": "测试数据和竞品线索的处理方式",
    }

    @field_validator("required_fields")
    @classmethod
    def _fields(cls, value: list[str]) -> list[str]:
        return field_names(value)

    @field_validator("competitor_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        return unique([hostname(v) for v in value])


_CLEANED = Phrase("录入一条测试线索、一条重复线索和一条竞品邮箱线索：第一条正常存入，另两条按上表标记",
                  "store a test lead, a duplicate and one with a competitor's e-mail: the first is stored, the "
                  "others are flagged as set here")
_CLEANING_TEST = Phrase("录入重复线索、测试数据和竞品邮箱线索：均按清洗规则处理",
                        "store a duplicate lead, test data and a competitor's lead: each is handled by the cleaning "
                        "rules")


class LeadCleaning(Kind[LeadCleaningSpec]):
    name = "lead_cleaning"
    title = "线索清洗"
    summary = "Lead cleaning: required fields, duplicate rules, test data and competitor domains"
    guide = "2.2"
    model = LeadCleaningSpec
    rules_tested = True
    singleton = True
    depends_on = ("lead_fields",)
    menu_path = "营销通 > 系统设置 > 线索设置 > 线索清洗规则"

    def references(self, spec: LeadCleaningSpec) -> Iterable[Reference]:
        yield from field_references(("required_fields",), spec.required_fields)
        for position, rule in enumerate(spec.duplicate_rules):
            yield from field_references(("duplicate_rules", position, "match"), rule.match)

    def check(self, resource: Resource[LeadCleaningSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        seen: dict[tuple[str, ...], int] = {}
        for position, rule in enumerate(spec.duplicate_rules):
            match = tuple(sorted(rule.match))
            if match in seen:
                yield Finding(("duplicate_rules", position), f"duplicate rule {position + 1} matches the same "
                                                             f"fields as rule {seen[match] + 1}")
            seen.setdefault(match, position)
        if not spec.duplicate_rules:
            yield Finding((), "no duplicate rule: the same person arriving from two channels becomes two leads; "
                              "add duplicate_rules (e.g. match: [mobile])", severity="warning")
        for position, domain in enumerate(spec.competitor_domains):
            test = test_domain_of(domain, spec.test_data.email_domains if spec.test_data else [])
            if test is not None:
                yield Finding(("competitor_domains", position),
                              f"competitor domain {domain!r} is test data ({test} is a test-data domain), "
                              "and test data is checked first: its leads are rejected as test_data, never as "
                              "competitor; give the competitor's real domain", severity="warning")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        return ManualStep(menu_path=words.where(self.menu_path), values=words.values(self.model, state),
                          verify=words.say(_CLEANED), who=words.say(self.manual_who))

    def acceptance_tests(self, spec: LeadCleaningSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_CLEANING_TEST), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"required_fields": ["name", "mobile"], "duplicate_rules": [{"match": ["mobile"]}],
                "test_data": {"names": ["测试", "test"]}, "competitor_domains": ["rival.com"]}


def test_domain_of(domain: str, declared: list[str]) -> str | None:
    """The test-data domain (the playbook's or one reserved for examples) that ``domain`` is or is under."""
    for test in (*declared, *TEST_DOMAINS):
        if domain == test or domain.endswith(f".{test}"):
            return test
    top = domain.rsplit(".", 1)[-1]
    return f".{top}" if top in TEST_TLDS else None


# ---- assignment -----------------------------------------------------------------------------------


class AssignmentCondition(Spec):
    regions: list[str] = Field(default_factory=list, title="地区", description="provinces or cities, e.g. 上海, 江苏")
    industries: list[str] = Field(default_factory=list, title="行业")
    sources: list[str] = Field(default_factory=list, title="线索来源", description="values of the 线索来源 picklist")
    min_score: int | None = Field(None, ge=0, title="评分不低于", description="needs 行为积分 scoring")
    max_score: int | None = Field(None, ge=0, title="评分低于")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "regions": "省份或城市，如 上海、江苏",
        "sources": "线索来源选项中的值",
        "min_score": "需开通行为积分评分",
    }

    @model_validator(mode="after")
    def _range(self) -> AssignmentCondition:
        if self.min_score is not None and self.max_score is not None and self.min_score >= self.max_score:
            raise ValueError(f"min_score {self.min_score} must be below max_score {self.max_score}")
        return self

    @property
    def catches_all(self) -> bool:
        return not (self.regions or self.industries or self.sources or self.min_score is not None
                    or self.max_score is not None)


class AssignmentRule(Spec):
    name: str = Field(min_length=1, max_length=50, title="规则名称")
    when: AssignmentCondition = Field(default_factory=AssignmentCondition, title="条件",
                                      description="all conditions must hold; no condition catches every lead")
    owners: list[str] = Field(default_factory=list, title="负责人", description=EMPLOYEE_NUMBERS)
    method: Literal["轮流分配", "随机分配", "按负载分配"] = Field("轮流分配", title="分配方式",
                                                          description="how leads are shared among the owners")
    pool: str | None = Field(None, title="分配到线索池", description="put the leads in this pool instead of owners")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "when": "条件需全部满足；不设条件则匹配所有线索",
        "owners": "接收线索的负责人，填员工编号",
        "method": "线索在多位负责人之间的分配方式",
        "pool": "把线索放入该线索池，而不是分给负责人",
    }

    _numbers = field_validator("owners", mode="before")(as_texts)

    @field_validator("owners")
    @classmethod
    def _owners(cls, value: list[str]) -> list[str]:
        return unique(value)

    @model_validator(mode="after")
    def _target(self) -> AssignmentRule:
        if bool(self.owners) == bool(self.pool):
            raise ValueError(f"rule {self.name!r}: give either owners or pool")
        return self


class LeadAssignmentSpec(Spec):
    name: str = Field(min_length=1, max_length=50, title="规则集名称")
    pool: str | None = Field(None, title="适用线索池", description="assign the leads arriving in this pool "
                                                                   "(default: every new marketing lead)")
    rules: list[AssignmentRule] = Field(min_length=1, title="分配规则", description="the first rule that matches wins")
    notify_owner: bool = Field(True, title="通知负责人")
    notify_channels: list[NotifyChannel] = Field(default_factory=lambda: ["纷享消息"], title="通知方式")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "pool": "对进入该线索池的线索进行分配（默认：所有新的营销线索）",
        "rules": "按顺序匹配，第一条满足的规则生效",
    }

    @field_validator("notify_channels")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        return unique(value)


_ASSIGNED = Phrase("每条规则录入一条测试线索：各自分配给该规则的负责人（或线索池），负责人收到通知",
                   "store one test lead per rule: each gets the owner (or pool) of its rule, and the owner is "
                   "notified")
_TO_OWNERS = Phrase("负责人{owners}", "owner {owners}")
_TO_POOL = Phrase("线索池{pool}", "lead pool {pool}")
_NOTIFIED = Phrase("，负责人收到通知", ", and the owner is notified")
_RULE_TEST = Phrase("分配规则集{rules} > {rule}：录入一条命中该规则的测试线索，分配给{target}{notified}",
                    "assignment rules {rules} > {rule}: a test lead that matches the rule goes to {target}{notified}")


class LeadAssignment(Kind[LeadAssignmentSpec]):
    name = "lead_assignment"
    title = "线索分配规则"
    summary = "Lead assignment rule sets by region, industry, source and score, with round robin"
    guide = "2.2"
    model = LeadAssignmentSpec
    rules_tested = True
    depends_on = ("users", "lead_pools")
    menu_path = "营销通 > 系统设置 > 线索设置 > 线索分配规则"

    def references(self, spec: LeadAssignmentSpec) -> Iterable[Reference]:
        if spec.pool:
            yield Reference(("pool",), "lead_pools", spec.pool)
        for position, rule in enumerate(spec.rules):
            for number, owner in enumerate(rule.owners):
                yield Reference(("rules", position, "owners", number), "users", owner)
            if rule.pool:
                yield Reference(("rules", position, "pool"), "lead_pools", rule.pool)

    def check(self, resource: Resource[LeadAssignmentSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        names: set[str] = set()
        for position, rule in enumerate(spec.rules):
            if rule.name in names:
                yield Finding(("rules", position, "name"), f"two rules are named {rule.name!r}")
            names.add(rule.name)
        catch_all = next((i for i, rule in enumerate(spec.rules) if rule.when.catches_all), None)
        if catch_all is None:
            yield Finding(("rules",), f"lead assignment {spec.name!r}: leads that match no rule get no owner; "
                                      "end with a rule without conditions that takes the rest", severity="warning")
        elif catch_all < len(spec.rules) - 1:
            later = ", ".join(repr(r.name) for r in spec.rules[catch_all + 1:])
            yield Finding(("rules", catch_all + 1), f"rule {spec.rules[catch_all].name!r} has no conditions and "
                                                    f"takes every lead, so {later} can never match", severity="warning")
        if "企业微信" in spec.notify_channels and not playbook.of("wecom"):
            yield Finding(("notify_channels",), "notifying through 企业微信 needs the wecom section",
                          severity="warning")
        yield from assignment_findings(resource, playbook)

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        return ManualStep(menu_path=words.where(self.menu_path, key), values=words.values(self.model, state),
                          verify=words.say(_ASSIGNED), who=words.say(self.manual_who))

    def acceptance_tests(self, spec: LeadAssignmentSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        tests = []
        for rule in spec.rules:
            if rule.owners:
                target = words.say(_TO_OWNERS, owners=words.join(words.employee(o) for o in rule.owners))
            else:
                target = words.say(_TO_POOL, pool=words.quote(str(rule.pool)))
            notified = words.say(_NOTIFIED) if spec.notify_owner and rule.owners else ""
            tests.append((words.say(_RULE_TEST, rules=words.quote(key), rule=words.quote(rule.name), target=target,
                                    notified=notified), words.say(CONSULTANT)))
        return tests

    def example(self) -> Any:
        return {"name": "市场线索分配", "pool": "市场线索池", "rules": [
            {"name": "华东", "when": {"regions": ["上海", "江苏", "浙江"]}, "owners": ["S001"]},
            {"name": "其他", "pool": "公共线索池"}]}


# ---- follow-up SLA -------------------------------------------------------------------------------


class LeadFollowUpSlaSpec(Spec):
    name: str = Field(min_length=1, max_length=50, title="提醒名称")
    object: Literal["销售线索", "商机"] = Field("销售线索", title="对象")
    idle_hours: int | None = Field(None, ge=1, title="未跟进时长（小时）")
    idle_days: int | None = Field(None, ge=1, title="未跟进天数")
    remind: list[Literal["负责人", "负责人上级", "线索池管理员"]] = Field(default_factory=lambda: ["负责人"],
                                                                 title="提醒对象")
    channels: list[NotifyChannel] = Field(default_factory=lambda: ["纷享消息"], title="提醒方式")
    repeat_every_days: int | None = Field(None, ge=1, title="重复提醒（天）")
    then: Literal["仅提醒", "收回线索池"] = Field("仅提醒", title="超时处理")

    @field_validator("remind", "channels")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return unique(value)

    @model_validator(mode="after")
    def _consistent(self) -> LeadFollowUpSlaSpec:
        if (self.idle_hours is None) == (self.idle_days is None):
            raise ValueError("give either idle_hours or idle_days")
        if self.object == "商机" and self.then == "收回线索池":
            raise ValueError("an opportunity (商机) cannot go back to a lead pool; use then: 仅提醒")
        if self.object == "商机" and "线索池管理员" in self.remind:
            raise ValueError("an opportunity (商机) has no 线索池管理员 to remind")
        return self


_REMINDS = Phrase("提醒规则已按上表启用；超过设定时间未跟进的记录触发提醒",
                  "the reminder rule is enabled with these values; a record idle for the time set triggers it")
_DAYS = Phrase("{n}天", "{n} days")
_HOURS = Phrase("{n}小时", "{n} hours")
_IDLE_TEST = Phrase("{rule}：测试{object}超过{idle}未跟进，{remind}收到提醒",
                    "{rule}: a test record of {object} idle for over {idle} reminds {remind}")


class LeadFollowUpSla(Kind[LeadFollowUpSlaSpec]):
    name = "lead_follow_up_sla"
    title = "跟进时效提醒"
    summary = "Reminders when leads or opportunities sit idle (e.g. 15 days), and recycling to the pool"
    guide = "2.2"
    model = LeadFollowUpSlaSpec
    rules_tested = True
    depends_on = ("lead_pools",)
    menu_path = "管理后台 > 业务规则 > 跟进提醒"
    manual_who = CRM_ADMIN

    def check(self, resource: Resource[LeadFollowUpSlaSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if "企业微信" in spec.channels and not playbook.of("wecom"):
            yield Finding(("channels",), "reminding through 企业微信 needs the wecom section", severity="warning")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        where = words.where(f"{self.menu_path} > {state.get('object', '销售线索')}", key)
        return ManualStep(menu_path=where, values=words.values(self.model, state), verify=words.say(_REMINDS),
                          who=words.say(self.manual_who))

    def acceptance_tests(self, spec: LeadFollowUpSlaSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        idle = words.say(_DAYS, n=spec.idle_days) if spec.idle_days else words.say(_HOURS, n=spec.idle_hours)
        return [(words.say(_IDLE_TEST, rule=words.quote(key), object=words.word(spec.object), idle=idle,
                           remind=words.join(words.word(r) for r in spec.remind)), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "商机15天未跟进提醒", "object": "商机", "idle_days": 15, "remind": ["负责人", "负责人上级"]}


# ---- MQL -----------------------------------------------------------------------------------------


class MqlDefinitionSpec(Spec):
    stage_label: str = Field("MQL", min_length=1, max_length=20, title="线索阶段",
                             description="the lead stage (线索阶段) a qualified lead gets")
    min_score: int | None = Field(None, ge=1, title="评分达到", description="needs 行为积分 scoring")
    scoring_model: str | None = Field(None, title="评分模型", description="the scoring model whose score counts")
    required_fields: list[str] = Field(default_factory=list, title="必填字段",
                                       description="fields a lead must have filled to qualify")
    sources: list[str] = Field(default_factory=list, title="来源限定", description="only leads from these sources")
    exclude_competitors: bool = Field(True, title="排除竞品", description="competitors' leads never qualify")
    hand_off: str | None = Field(None, title="转交规则",
                                 description="the lead_assignment rule set that gives MQLs to sales")
    sales_accept_hours: int | None = Field(None, ge=1, title="销售受理时限（小时）",
                                           description="sales accept or reject an MQL within this time (→ SQL)")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "stage_label": "达到MQL标准的线索被标记的线索阶段",
        "min_score": "需开通行为积分评分",
        "scoring_model": "计算分数所用的评分模型",
        "required_fields": "线索须填写了这些字段才算MQL",
        "sources": "仅限这些来源的线索",
        "exclude_competitors": "竞品线索不算MQL",
        "hand_off": "把MQL转交给销售的线索分配规则集",
        "sales_accept_hours": "销售须在该时限内受理或拒绝MQL（受理后成为SQL）",
    }

    @field_validator("required_fields")
    @classmethod
    def _fields(cls, value: list[str]) -> list[str]:
        return field_names(value)

    @model_validator(mode="after")
    def _something(self) -> MqlDefinitionSpec:
        if self.min_score is None and not self.required_fields and not self.sources:
            raise ValueError("an MQL definition needs min_score, required_fields or sources")
        if self.scoring_model is not None and self.min_score is None:
            raise ValueError("scoring_model is set: give the min_score that qualifies")
        return self


_QUALIFIES = Phrase("满足MQL定义的测试线索进入{stage}阶段并转交销售",
                    "a test lead meeting the definition moves to the {stage} stage and is handed to sales")


class MqlDefinition(Kind[MqlDefinitionSpec]):
    name = "mql_definition"
    title = "MQL定义"
    summary = "When a lead is marketing-qualified (score, fields, sources) and how it goes to sales"
    guide = "2.2"
    model = MqlDefinitionSpec
    rules_tested = True
    singleton = True
    depends_on = ("lead_fields", "lead_assignment")
    menu_path = "营销通 > 系统设置 > 线索设置 > MQL定义"

    def references(self, spec: MqlDefinitionSpec) -> Iterable[Reference]:
        yield from field_references(("required_fields",), spec.required_fields)
        if spec.hand_off:
            yield Reference(("hand_off",), "lead_assignment", spec.hand_off)
        if spec.scoring_model:
            yield Reference(("scoring_model",), "scoring_models", spec.scoring_model)

    def check(self, resource: Resource[MqlDefinitionSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.min_score is not None and not playbook.of("scoring_models"):
            yield Finding(("min_score",), "no scoring model is declared: every score stays 0 and no lead reaches "
                                          f"min_score {spec.min_score}; add scoring_models", severity="warning")
        yield from mql_findings(spec, playbook)

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        stage = str(state.get("stage_label") or "MQL")
        return ManualStep(menu_path=words.where(self.menu_path), values=words.values(self.model, state),
                          verify=words.say(_QUALIFIES, stage=stage), who=words.say(self.manual_who))

    def acceptance_tests(self, spec: MqlDefinitionSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_QUALIFIES, stage=spec.stage_label), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"min_score": 60, "required_fields": ["name", "mobile", "company"], "hand_off": "市场线索分配",
                "sales_accept_hours": 24}


KINDS: list[Kind[Any]] = [LeadCleaning(), LeadAssignment(), LeadFollowUpSla(), MqlDefinition()]
