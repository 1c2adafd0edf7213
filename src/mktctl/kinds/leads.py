"""Marketing leads (市场线索), guide 2.2: where leads land, how they are cleaned, who gets them, how fast
they must be followed up, and when a lead counts as marketing-qualified.

营销通's 线索 is CRM's 销售线索: leads from every channel are stored in a lead pool (线索池) and flow
through cleaning, assignment and conversion. The guide asks for this path to be settled before any
channel is connected or history imported, so the channels (2.4) and imports (2.3) refer to these kinds.

* ``lead_pools``: the pool itself is a CRM record (LeadsPoolObj) set through the public API; members,
  admins and the recycling rules beyond the timeout are settings (a manual step on a real tenant).
* ``lead_fields``: standard fields to relabel or require, custom fields (``…__c``) and picklists.
* ``lead_cleaning``: required fields, duplicate rules, test data and competitor e-mail domains.
* ``lead_assignment``: rule sets by region, industry, source and score; round robin; notifications.
* ``lead_follow_up_sla``: reminders when leads or opportunities sit idle, e.g. 15 days.
* ``mql_definition``: the marketing-qualified lead (MQL) and its hand-off to sales.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mktctl.kinds.base import (
    CONSULTANT,
    Finding,
    Index,
    Kind,
    ManualStep,
    Observed,
    Playbook,
    Reference,
    Resource,
    Spec,
)
from mktctl.kinds.basic_settings import hostname
from mktctl.kinds.products import labelled_values, unique

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant

POOL_OBJECT = "LeadsPoolObj"

FieldType = Literal["单行文本", "多行文本", "单选", "多选", "数字", "金额", "百分数", "日期", "日期时间", "手机",
                    "电话", "邮箱", "网址", "布尔值"]
PICKLIST_TYPES = ("单选", "多选")
#: the standard fields of 销售线索 (LeadsObj) a playbook may relabel, require or give picklist values
STANDARD_FIELDS: dict[str, str] = {
    "name": "单行文本", "company": "单行文本", "mobile": "手机", "tel": "电话", "email": "邮箱", "url": "网址",
    "job_title": "单行文本", "province": "单行文本", "city": "单行文本", "industry": "单选", "remark": "多行文本",
    "source": "单选",
}
NotifyChannel = Literal["纷享消息", "企业微信", "短信", "邮件"]
_API_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_EMPLOYEE_LISTS = "employee numbers (员工编号) of users"


def as_texts(value: Any) -> Any:
    """Employee numbers and codes written as YAML numbers are still text."""
    if isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


# ---- lead pools -----------------------------------------------------------------------------------


class LeadPoolMembers(Spec):
    departments: list[str] = Field(default_factory=list, title="部门", description="departments whose people may claim")
    users: list[str] = Field(default_factory=list, title="员工", description=_EMPLOYEE_LISTS)

    _numbers = field_validator("users", mode="before")(as_texts)

    @field_validator("departments", "users")
    @classmethod
    def _sorted(cls, value: list[str]) -> list[str]:
        return sorted(unique(value))


class LeadPool(Spec):
    name: str = Field(min_length=1, max_length=50, title="线索池名称")
    description: str = Field("", max_length=200, title="说明")
    admins: list[str] = Field(default_factory=list, title="线索池管理员",
                              description=f"{_EMPLOYEE_LISTS} who manage the pool and assign from it")
    members: LeadPoolMembers = Field(default_factory=LeadPoolMembers, title="线索池成员",
                                     description="who may see and claim leads: departments and users")
    claim_limit: int | None = Field(None, ge=1, title="领取上限", description="leads one member may hold from the pool")
    recycle_after_hours: int | None = Field(None, ge=1, title="超时收回(小时)",
                                            description="a claimed or assigned lead not followed up within this "
                                                        "many hours goes back to the pool")
    recycle_unconverted_days: int | None = Field(None, ge=1, title="未转换收回(天)",
                                                 description="a lead not converted within this many days goes back")
    recycle_to: str | None = Field(None, title="收回到",
                                   description="the pool recycled leads go to (default: this pool)")
    visible_to_members: bool = Field(True, title="成员可见", description="members see the leads in the pool")
    notify_on_claim: bool = Field(False, title="领取时通知", description="notify the admins when a lead is claimed")

    _numbers = field_validator("admins", mode="before")(as_texts)

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: list[str]) -> list[str]:
        return sorted(unique(value))


_POOL_API = {"claim_limit": "limit_count", "recycle_after_hours": "overtime_hours",
             "visible_to_members": "is_visible_to_member", "notify_on_claim": "is_choose_to_notify"}


class LeadPools(Kind[LeadPool]):
    name = "lead_pools"
    title = "线索池"
    summary = "Lead pools: members, admins, claim limits and recycling rules"
    guide = "2.2"
    model = LeadPool
    depends_on = ("departments", "users")
    api_fields = frozenset(_POOL_API)
    menu_path = "管理后台 > 线索池管理"
    manual_who = "client CRM admin"

    def references(self, spec: LeadPool) -> Iterable[Reference]:
        for position, user in enumerate(spec.admins):
            yield Reference(("admins", position), "users", user)
        for position, user in enumerate(spec.members.users):
            yield Reference(("members", "users", position), "users", user)
        for position, department in enumerate(spec.members.departments):
            if department != "全公司":
                yield Reference(("members", "departments", position), "departments", department)
        if spec.recycle_to and spec.recycle_to != spec.name:
            yield Reference(("recycle_to",), "lead_pools", spec.recycle_to)

    def check(self, resource: Resource[LeadPool], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if not spec.admins:
            yield Finding(("name",), f"lead pool {spec.name!r} has no admin: nobody can assign or recover its "
                                     "leads; add admins", severity="warning")
        if not spec.members.departments and not spec.members.users:
            yield Finding(("name",), f"lead pool {spec.name!r} has no members: nobody can claim its leads",
                          severity="warning")

    # the pool record: public API, CRM object LeadsPoolObj

    def api_state(self, spec: LeadPool) -> dict[str, Any]:
        dumped = spec.model_dump(mode="json")
        return {name: dumped[name] for name in sorted(_POOL_API)}

    def _records(self, tenant: Tenant) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        offset = 0
        while True:
            answer = tenant.client.call("/cgi/crm/v2/data/query", {"data": {
                "dataObjectApiName": POOL_OBJECT,
                "search_query_info": {"limit": 100, "offset": offset, "filters": [],
                                      "orders": [{"fieldName": "create_time", "isAsc": True}]}}})
            page = (answer.get("data") or {}).get("dataList", [])
            records.extend(page)
            offset += 100
            if len(page) < 100 or offset > 10000:
                return records

    def observe(self, tenant: Tenant, index: Index) -> dict[str, Observed]:
        observed: dict[str, Observed] = {}
        for record in self._records(tenant):
            name = record.get("name")
            if not name or name in observed:
                continue
            state = {field: record.get(remote) for field, remote in _POOL_API.items()}
            observed[name] = Observed(str(record["_id"]), dict(sorted(state.items())))
            index.remember(self.name, name, str(record["_id"]))
        return observed

    def _values(self, spec: LeadPool) -> dict[str, Any]:
        return {remote: getattr(spec, field) for field, remote in _POOL_API.items()
                if getattr(spec, field) is not None}

    def create(self, tenant: Tenant, spec: LeadPool, index: Index) -> str:

        def recover() -> dict[str, Any] | None:
            found = self.observe(tenant, Index()).get(spec.name)
            return {"dataId": found.id} if found else None

        answer = tenant.client.call("/cgi/crm/v2/data/create", {"data": {"object_data": {
            "dataObjectApiName": POOL_OBJECT, "name": spec.name, **self._values(spec)}}},
            idempotent=False, recover=recover)
        return str(answer["dataId"])

    def update(self, tenant: Tenant, remote_id: str, spec: LeadPool, changed: set[str], index: Index) -> None:
        values = {_POOL_API[field]: getattr(spec, field) for field in changed if field in _POOL_API}
        if "name" in changed:  # renamed_from: the pool keeps its id and its leads
            values["name"] = spec.name
        tenant.client.call("/cgi/crm/v2/data/update", {"data": {"object_data": {
            "dataObjectApiName": POOL_OBJECT, "_id": remote_id, **values}}})

    def delete(self, tenant: Tenant, remote_id: str, index: Index) -> None:
        tenant.client.call("/cgi/crm/v2/data/invalid", {"data": {"dataObjectApiName": POOL_OBJECT,
                                                                 "object_data_id": remote_id}})
        tenant.client.call("/cgi/crm/v2/data/delete", {"data": {"dataObjectApiName": POOL_OBJECT,
                                                                "idList": [remote_id]}})

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=f"{self.menu_path} > {key} > 编辑", values=labelled_values(self.model, state),
                          verify=f"open lead pool {key!r}: its admins, members and recycling rules match this list",
                          who=self.manual_who)

    def acceptance_tests(self, spec: LeadPool, key: str) -> list[tuple[str, str]]:
        limit = f" (上限 {spec.claim_limit})" if spec.claim_limit else ""
        return [(f"线索池 {key}: 成员领取一条线索{limit}; 管理员分配和收回线索", CONSULTANT)]

    def example(self) -> Any:
        return {"name": "市场线索池", "admins": ["M001"], "members": {"departments": ["销售部"]},
                "claim_limit": 50, "recycle_after_hours": 72, "recycle_unconverted_days": 30}


# ---- lead fields ----------------------------------------------------------------------------------


class LeadField(Spec):
    api_name: str = Field(min_length=1, max_length=64, title="字段API名称",
                          description="a standard field (name, mobile, source, ...) or a custom one ending in __c")
    label: str = Field(min_length=1, max_length=30, title="字段名称")
    type: FieldType | None = Field(None, title="字段类型",
                                   description="单行文本, 单选, 多选, 数字, 日期, 手机, 邮箱, ...; fixed for "
                                               "standard fields")
    required: bool = Field(False, title="必填")
    options: list[str] = Field(default_factory=list, title="选项",
                               description="the picklist values of a 单选 or 多选 field, in order")
    help_text: str = Field("", max_length=200, title="提示信息")

    @field_validator("api_name")
    @classmethod
    def _api_name(cls, value: str) -> str:

        base = value[:-3] if value.endswith("__c") else value
        if not _API_NAME.match(base):
            raise ValueError(f"{value!r}: an API name is lower-case letters, digits and _")
        if not value.endswith("__c") and value not in STANDARD_FIELDS:
            raise ValueError(f"{value!r} is not a standard field of 销售线索; {_field_hint(value)}")
        return value

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str], info: ValidationInfo) -> list[str]:
        kind_of = info.data.get("type")
        if value and kind_of is not None and kind_of not in PICKLIST_TYPES:
            raise ValueError(f"options are for 单选 and 多选 fields, not {kind_of}")
        return unique(value)


class LeadFields(Kind[LeadField]):
    name = "lead_fields"
    title = "线索字段"
    summary = "Standard and custom fields of 销售线索, with picklist values"
    guide = "2.2"
    model = LeadField
    key_field = "api_name"
    builtin_keys = tuple(STANDARD_FIELDS)
    menu_path = "管理后台 > 对象管理 > 销售线索 > 字段管理"
    manual_who = "client CRM admin"

    def check(self, resource: Resource[LeadField], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        standard = STANDARD_FIELDS.get(spec.api_name)
        if standard is not None:
            if spec.type is not None and spec.type != standard:
                yield Finding(("type",), f"{spec.api_name} is a standard {standard} field; its type cannot change "
                                         "(leave type out)")
            if spec.options and standard not in PICKLIST_TYPES:
                yield Finding(("options",), f"options are for 单选 and 多选 fields, not {standard}")
        elif spec.type is None:
            yield Finding(("api_name",), f"custom field {spec.api_name}: give its type (单行文本, 单选, 多选, 数字, "
                                         "日期, ...)")
        elif spec.type in PICKLIST_TYPES and not spec.options:
            yield Finding(("type",), f"custom field {spec.api_name} is a {spec.type} field: give its options")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        action = "编辑" if key in STANDARD_FIELDS else "新建自定义字段"
        return ManualStep(menu_path=f"{self.menu_path} > {action}",
                          values=[("字段API名称", key), *labelled_values(self.model, state)],
                          verify=f"field {key} shows this label, type, required flag and options, in this order",
                          who=self.manual_who)

    def acceptance_tests(self, spec: LeadField, key: str) -> list[tuple[str, str]]:
        return [(f"新建线索: 字段 {spec.label} ({key})" + (" 必填" if spec.required else "") + " 显示正确", CONSULTANT)]

    def example(self) -> Any:
        return {"api_name": "product_interest__c", "label": "意向产品", "type": "多选",
                "options": ["营销通", "销售云", "服务云"]}


def _field_references(path: tuple[str | int, ...], names: Iterable[str]) -> Iterable[Reference]:
    for position, name in enumerate(names):
        if name.endswith("__c"):
            yield Reference((*path, position), "lead_fields", name)


#: words people write for a standard field, for did-you-mean
_FIELD_ALIASES = {"phone": "mobile", "mobile_phone": "mobile", "cellphone": "mobile", "telephone": "tel",
                  "mail": "email", "e_mail": "email", "company_name": "company", "title": "job_title",
                  "position": "job_title", "website": "url", "note": "remark", "notes": "remark",
                  "channel": "source", "lead_source": "source", "region": "province"}


def _field_hint(name: str) -> str:
    from mktctl.base.suggest import did_you_mean

    hint = f"did you mean {_FIELD_ALIASES[name]!r}?" if name in _FIELD_ALIASES else did_you_mean(name, STANDARD_FIELDS)
    return (f"{hint}; " if hint else "") + "custom fields end with __c"


def lead_field(name: str) -> str:
    """``name`` if it is a field of 销售线索 (standard, or custom ending in __c), else a ValueError."""
    if not name.endswith("__c") and name not in STANDARD_FIELDS:
        raise ValueError(f"{name!r} is not a field of 销售线索; {_field_hint(name)}")
    return name


def _field_names(value: list[str]) -> list[str]:
    for name in value:
        lead_field(name)
    return unique(value)


# ---- cleaning ------------------------------------------------------------------------------------


class LeadDuplicateRule(Spec):
    match: list[Literal["mobile", "email", "company", "name"]] = Field(
        min_length=1, title="查重字段", description="leads are duplicates when all these fields are equal")
    scope: Literal["全部线索", "同一线索池", "线索及客户联系人"] = Field("全部线索", title="查重范围")
    action: Literal["标记重复", "合并到已有线索", "不存入"] = Field("标记重复", title="重复处理")

    @field_validator("match")
    @classmethod
    def _match(cls, value: list[str]) -> list[str]:
        return unique(value)


class LeadTestData(Spec):
    names: list[str] = Field(default_factory=list, title="测试姓名关键词", description="e.g. 测试, test")
    mobiles: list[str] = Field(default_factory=list, title="测试手机号")
    email_domains: list[str] = Field(default_factory=list, title="测试邮箱域名", description="e.g. test.com")

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

    @field_validator("required_fields")
    @classmethod
    def _fields(cls, value: list[str]) -> list[str]:
        return _field_names(value)

    @field_validator("competitor_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        return unique([hostname(v) for v in value])


class LeadCleaning(Kind[LeadCleaningSpec]):
    name = "lead_cleaning"
    title = "线索清洗"
    summary = "Lead cleaning: required fields, duplicate rules, test data and competitor domains"
    guide = "2.2"
    model = LeadCleaningSpec
    singleton = True
    depends_on = ("lead_fields",)
    menu_path = "营销通 > 系统设置 > 线索设置 > 线索清洗规则"
    manual_who = "consultant"

    def references(self, spec: LeadCleaningSpec) -> Iterable[Reference]:
        yield from _field_references(("required_fields",), spec.required_fields)

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

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=self.menu_path, values=labelled_values(self.model, state),
                          verify="store a test lead, a duplicate and one with a competitor's e-mail: the first is "
                                 "stored, the others are flagged as set here",
                          who=self.manual_who)

    def acceptance_tests(self, spec: LeadCleaningSpec, key: str) -> list[tuple[str, str]]:
        return [("录入重复线索、测试数据和竞品邮箱线索: 均按清洗规则处理", CONSULTANT)]

    def example(self) -> Any:
        return {"required_fields": ["name", "mobile"], "duplicate_rules": [{"match": ["mobile"]}],
                "test_data": {"names": ["测试", "test"]}, "competitor_domains": ["rival.com"]}


# ---- assignment -----------------------------------------------------------------------------------


class AssignmentCondition(Spec):
    regions: list[str] = Field(default_factory=list, title="地区", description="provinces or cities, e.g. 上海, 江苏")
    industries: list[str] = Field(default_factory=list, title="行业")
    sources: list[str] = Field(default_factory=list, title="线索来源", description="values of the 线索来源 picklist")
    min_score: int | None = Field(None, ge=0, title="评分不低于", description="needs 行为积分 scoring")
    max_score: int | None = Field(None, ge=0, title="评分低于")

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
    owners: list[str] = Field(default_factory=list, title="负责人", description=_EMPLOYEE_LISTS)
    method: Literal["轮流分配", "随机分配", "按负载分配"] = Field("轮流分配", title="分配方式",
                                                          description="how leads are shared among the owners")
    pool: str | None = Field(None, title="分配到线索池", description="put the leads in this pool instead of owners")

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

    @field_validator("notify_channels")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        return unique(value)


class LeadAssignment(Kind[LeadAssignmentSpec]):
    name = "lead_assignment"
    title = "线索分配规则"
    summary = "Lead assignment rule sets by region, industry, source and score, with round robin"
    guide = "2.2"
    model = LeadAssignmentSpec
    depends_on = ("users", "lead_pools")
    menu_path = "营销通 > 系统设置 > 线索设置 > 线索分配规则"
    manual_who = "consultant"

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

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=f"{self.menu_path} > {key}", values=labelled_values(self.model, state),
                          verify="store one test lead per rule: each gets the owner (or pool) of its rule, and the "
                                 "owner is notified",
                          who=self.manual_who)

    def acceptance_tests(self, spec: LeadAssignmentSpec, key: str) -> list[tuple[str, str]]:
        tests = []
        for rule in spec.rules:
            target = f"负责人 {'、'.join(rule.owners)}" if rule.owners else f"线索池 {rule.pool}"
            notified = ", 负责人收到通知" if spec.notify_owner and rule.owners else ""
            tests.append((f"分配规则集 {key} > {rule.name}: 录入一条命中该规则的测试线索, 分配给{target}{notified}",
                          CONSULTANT))
        return tests

    def example(self) -> Any:
        return {"name": "市场线索分配", "pool": "市场线索池", "rules": [
            {"name": "华东", "when": {"regions": ["上海", "江苏", "浙江"]}, "owners": ["S001"]},
            {"name": "其他", "pool": "公共线索池"}]}


# ---- follow-up SLA -------------------------------------------------------------------------------


class LeadFollowUpSlaSpec(Spec):
    name: str = Field(min_length=1, max_length=50, title="提醒名称")
    object: Literal["销售线索", "商机"] = Field("销售线索", title="对象")
    idle_hours: int | None = Field(None, ge=1, title="未跟进时长(小时)")
    idle_days: int | None = Field(None, ge=1, title="未跟进天数")
    remind: list[Literal["负责人", "负责人上级", "线索池管理员"]] = Field(default_factory=lambda: ["负责人"],
                                                                 title="提醒对象")
    channels: list[NotifyChannel] = Field(default_factory=lambda: ["纷享消息"], title="提醒方式")
    repeat_every_days: int | None = Field(None, ge=1, title="重复提醒(天)")
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


class LeadFollowUpSla(Kind[LeadFollowUpSlaSpec]):
    name = "lead_follow_up_sla"
    title = "跟进时效提醒"
    summary = "Reminders when leads or opportunities sit idle (e.g. 15 days), and recycling to the pool"
    guide = "2.2"
    model = LeadFollowUpSlaSpec
    depends_on = ("lead_pools",)
    menu_path = "管理后台 > 业务规则 > 跟进提醒"
    manual_who = "client CRM admin"

    def check(self, resource: Resource[LeadFollowUpSlaSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if "企业微信" in spec.channels and not playbook.of("wecom"):
            yield Finding(("channels",), "reminding through 企业微信 needs the wecom section", severity="warning")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=f"{self.menu_path} > {state.get('object', '销售线索')} > {key}",
                          values=labelled_values(self.model, state),
                          verify="the reminder rule is enabled with these values; a record idle for the time set "
                                 "triggers it",
                          who=self.manual_who)

    def acceptance_tests(self, spec: LeadFollowUpSlaSpec, key: str) -> list[tuple[str, str]]:
        idle = f"{spec.idle_days}天" if spec.idle_days else f"{spec.idle_hours}小时"
        return [(f"{key}: 测试{spec.object}超过{idle}未跟进, {'、'.join(spec.remind)}收到提醒", CONSULTANT)]

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
    sales_accept_hours: int | None = Field(None, ge=1, title="销售受理时限(小时)",
                                           description="sales accept or reject an MQL within this time (→ SQL)")

    @field_validator("required_fields")
    @classmethod
    def _fields(cls, value: list[str]) -> list[str]:
        return _field_names(value)

    @model_validator(mode="after")
    def _something(self) -> MqlDefinitionSpec:
        if self.min_score is None and not self.required_fields and not self.sources:
            raise ValueError("an MQL definition needs min_score, required_fields or sources")
        if self.scoring_model is not None and self.min_score is None:
            raise ValueError("scoring_model is set: give the min_score that qualifies")
        return self


class MqlDefinition(Kind[MqlDefinitionSpec]):
    name = "mql_definition"
    title = "MQL定义"
    summary = "When a lead is marketing-qualified (score, fields, sources) and how it goes to sales"
    guide = "2.2"
    model = MqlDefinitionSpec
    singleton = True
    depends_on = ("lead_fields", "lead_assignment")
    menu_path = "营销通 > 系统设置 > 线索设置 > MQL定义"
    manual_who = "consultant"

    def references(self, spec: MqlDefinitionSpec) -> Iterable[Reference]:
        yield from _field_references(("required_fields",), spec.required_fields)
        if spec.hand_off:
            yield Reference(("hand_off",), "lead_assignment", spec.hand_off)
        if spec.scoring_model:
            yield Reference(("scoring_model",), "scoring_models", spec.scoring_model)

    def check(self, resource: Resource[MqlDefinitionSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.min_score is not None and not playbook.of("scoring_models"):
            yield Finding(("min_score",), "no scoring model is declared: every score stays 0 and no lead reaches "
                                          f"min_score {spec.min_score}; add scoring_models", severity="warning")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=self.menu_path, values=labelled_values(self.model, state),
                          verify="a test lead meeting the definition moves to the MQL stage and is handed to sales",
                          who=self.manual_who)

    def acceptance_tests(self, spec: MqlDefinitionSpec, key: str) -> list[tuple[str, str]]:
        return [(f"满足MQL定义的测试线索进入{spec.stage_label}阶段并转交销售", CONSULTANT)]

    def example(self) -> Any:
        return {"min_score": 60, "required_fields": ["name", "mobile", "company"], "hand_off": "市场线索分配",
                "sales_accept_hours": 24}


KINDS: list[Kind[Any]] = [LeadPools(), LeadFields(), LeadCleaning(), LeadAssignment(), LeadFollowUpSla(),
                          MqlDefinition()]
