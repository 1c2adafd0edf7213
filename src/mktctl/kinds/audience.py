"""Marketing users (用户管理), guide 2.7: who can be reached, how identities merge, and how users are
tagged, segmented, scored, staged and nurtured, with the consent (PIPL) that sending needs.

营销通 reaches six CRM objects by default (客户, 联系人, 销售线索, 企业微信客户, 微信用户, 会员); the client's
own objects can be added for SMS or email. Nurture flows are checked as a one-way graph: every step
reachable from the trigger, no loops, every jump to a step that exists; and a flow that sends must name a
consent purpose covering its channels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from mktctl.kinds.base import Finding, Kind, Path_, Playbook, Reference, Resource, Spec
from mktctl.kinds.content import SettingsKind, duplicates, hint, unknown

# ---- 营销对象 -------------------------------------------------------------------------------------------

DEFAULT_OBJECTS: dict[str, str] = {"客户": "AccountObj", "联系人": "ContactObj", "销售线索": "LeadsObj",
                                   "企业微信客户": "WechatWorkExternalUserObj", "微信用户": "WechatFanObj",
                                   "会员": "MemberObj"}
Channel = Literal["邮件", "短信", "公众号", "企业微信"]
CUSTOM_CHANNELS = ("短信", "邮件")


class MarketingObject(Spec):
    name: str = Field(min_length=1, max_length=40, title="对象名称",
                      description=f"one of the six default objects ({', '.join(DEFAULT_OBJECTS)}) or a custom object")
    api_name: str | None = Field(None, title="对象API名称", description="for a custom object: its API name (…__c)")
    channels: list[Channel] = Field(default_factory=list, title="触达方式",
                                    description="for a custom object: 短信 and/or 邮件")
    phone_field: str | None = Field(None, title="手机号字段", description="API name of the field SMS is sent to")
    email_field: str | None = Field(None, title="邮箱字段", description="API name of the field email is sent to")
    enabled: bool = Field(True, title="启用")


class MarketingObjectsKind(SettingsKind[MarketingObject]):
    name = "marketing_objects"
    title = "营销对象"
    summary = "The CRM objects 营销通 can reach: the six defaults, and custom objects for SMS or email"
    guide = "2.7"
    model = MarketingObject
    builtin_keys = tuple(DEFAULT_OBJECTS)
    menu_path = "营销通 > 系统设置 > 营销用户设置 > 营销对象"
    manual_who = "consultant"
    verify = "营销用户 lists {key}, and a test SMS or email can pick its records"

    def check(self, resource: Resource[MarketingObject], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.name in DEFAULT_OBJECTS:
            expected = DEFAULT_OBJECTS[spec.name]
            if spec.api_name not in (None, expected):
                yield Finding(("api_name",), f"{spec.name} is a default object with API name {expected}")
            return
        if not spec.api_name:
            yield Finding(("name",), f"custom object {spec.name!r} needs api_name (the object's API name, …__c)")
        elif not spec.api_name.endswith("__c"):
            yield Finding(("api_name",), f"{spec.api_name!r} is not a custom object's API name (they end in __c)")
        if not spec.channels:
            yield Finding(("name",), f"custom object {spec.name!r} needs channels: 短信 and/or 邮件")
        for index, channel in enumerate(spec.channels):
            if channel not in CUSTOM_CHANNELS:
                yield Finding(("channels", index), f"custom objects are reached by 短信 or 邮件 only, not {channel}")
        if "短信" in spec.channels and not spec.phone_field:
            yield Finding(("channels",), "短信 needs phone_field: the field holding the mobile number")
        if "邮件" in spec.channels and not spec.email_field:
            yield Finding(("channels",), "邮件 needs email_field: the field holding the email address")

    def check_all(self, resources: list[Resource[MarketingObject]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        seen: dict[str, str] = {}
        for resource in resources:
            api_name = resource.spec.api_name
            if api_name and api_name in seen:
                yield resource, Finding(("api_name",), f"{api_name} is already declared as {seen[api_name]!r}")
            elif api_name:
                seen[api_name] = resource.key

    def example(self) -> Any:
        return {"name": "渠道伙伴联系人", "api_name": "partner_contact__c", "channels": ["短信", "邮件"],
                "phone_field": "mobile__c", "email_field": "email__c"}


def object_reference(path: Path_, name: str) -> Reference:
    return Reference(path, "marketing_objects", name)


# ---- 用户身份统一 (OneID) ---------------------------------------------------------------------------------

MergeKey = Literal["手机号", "邮箱", "微信UnionID", "公众号OpenID", "小程序OpenID", "企业微信外部联系人ID", "会员卡号"]


class IdentityRules(Spec):
    merge_keys: list[MergeKey] = Field(min_length=1, title="合并依据", description="highest priority first")
    master_priority: list[str] = Field(default_factory=lambda: ["客户", "联系人", "销售线索"], title="主数据优先级",
                                       description="whose field values win when records merge")
    auto_merge: bool = Field(True, title="自动合并", description="merge at once, or list candidates for review")
    on_conflict: Literal["按对象优先级", "保留最新", "保留最早"] = Field("按对象优先级", title="字段冲突时")


class IdentityRulesKind(SettingsKind[IdentityRules]):
    name = "identity_rules"
    title = "用户身份统一"
    summary = "OneID: the keys that merge one person's records across objects, and which record wins"
    guide = "2.7"
    model = IdentityRules
    singleton = True
    depends_on = ("marketing_objects", "wechat_open_platform")
    menu_path = "营销通 > 系统设置 > 营销用户设置 > 用户身份统一"
    manual_who = "consultant"
    verify = "a test person with the same mobile in 销售线索 and 微信用户 shows as one 营销用户"

    def references(self, spec: IdentityRules) -> Iterable[Reference]:
        for index, name in enumerate(spec.master_priority):
            yield object_reference(("master_priority", index), name)

    def check(self, resource: Resource[IdentityRules], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for index in duplicates(spec.merge_keys):
            yield Finding(("merge_keys", index), f"merge key {spec.merge_keys[index]} is listed twice")
        for index in duplicates(spec.master_priority):
            yield Finding(("master_priority", index), f"{spec.master_priority[index]} is listed twice")
        if "微信UnionID" in spec.merge_keys and not playbook.of("wechat_open_platform"):
            yield Finding(("merge_keys", spec.merge_keys.index("微信UnionID")),
                          "微信UnionID exists only once the 公众号 and 小程序 are bound to the client's WeChat open "
                          "platform (declare wechat_open_platform:)", severity="warning")

    def example(self) -> Any:
        return {"merge_keys": ["手机号", "微信UnionID", "邮箱"], "master_priority": ["客户", "联系人", "销售线索"],
                "auto_merge": True, "on_conflict": "按对象优先级"}


# ---- 个人信息保护 (consent) -------------------------------------------------------------------------------

CollectPoint = Literal["表单", "活动报名", "会员注册", "员工名片", "企业微信添加好友", "官网"]
LegalBasis = Literal["个人同意", "订立或履行合同所必需", "履行法定职责或义务"]


class Purpose(Spec):
    name: str = Field(min_length=1, max_length=30, title="处理目的")
    description: str = Field("", max_length=200, title="说明", description="as shown to the person")
    channels: list[Channel] = Field(min_length=1, title="触达渠道")
    legal_basis: LegalBasis = Field("个人同意", title="处理依据")
    retention_days: int | None = Field(None, ge=1, title="保存期限(天)")


class Unsubscribe(Spec):
    email_link: bool = Field(True, title="邮件退订链接", description="every marketing email carries one")
    sms_keyword: str | None = Field("回T退订", max_length=10, title="短信退订方式",
                                    description="the text every marketing SMS ends with")
    honour_within_hours: int = Field(24, ge=1, le=720, title="退订生效时限(小时)")
    stop_flows: bool = Field(True, title="退订后退出营销流程")
    all_channels: bool = Field(False, title="一处退订全部退订")


class Consent(Spec):
    privacy_policy_url: str = Field(title="隐私政策链接", pattern=r"^https?://\S+$")
    collect_at: list[CollectPoint] = Field(min_length=1, title="收集同意的触点")
    purposes: list[Purpose] = Field(min_length=1, title="处理目的")
    unsubscribe: Unsubscribe = Field(default_factory=Unsubscribe, title="退订处理")
    separate_consent_for_sensitive: bool = Field(True, title="敏感个人信息单独同意")
    records_kept_days: int = Field(1095, ge=30, title="同意记录保存天数")


class ConsentKind(SettingsKind[Consent]):
    name = "consent"
    title = "个人信息保护与退订"
    summary = "PIPL consent: the purposes people agree to, per channel, and how unsubscribes are handled"
    guide = "2.7"
    model = Consent
    singleton = True
    menu_path = "营销通 > 系统设置 > 隐私合规设置"
    manual_who = "consultant with the client's data-protection owner"
    verify = "a test form shows the privacy policy and purposes; a test unsubscribe stops the next send"

    def check(self, resource: Resource[Consent], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        names = [p.name for p in spec.purposes]
        for index in duplicates(names):
            yield Finding(("purposes", index, "name"), f"purpose {names[index]!r} is declared twice")
        channels = {c for p in spec.purposes for c in p.channels}
        if "短信" in channels and not spec.unsubscribe.sms_keyword:
            yield Finding(("unsubscribe",), "marketing SMS must tell how to unsubscribe: set unsubscribe.sms_keyword "
                                            "(e.g. 回T退订)", severity="warning")
        if "邮件" in channels and not spec.unsubscribe.email_link:
            yield Finding(("unsubscribe", "email_link"), "marketing email without an unsubscribe link",
                          severity="warning")

    def example(self) -> Any:
        return {"privacy_policy_url": "https://www.example.cn/privacy", "collect_at": ["表单", "活动报名", "会员注册"],
                "purposes": [{"name": "营销推广", "description": "向您发送产品资讯和活动邀请",
                              "channels": ["邮件", "短信", "公众号", "企业微信"], "retention_days": 1095},
                             {"name": "活动通知", "channels": ["短信", "企业微信"],
                              "legal_basis": "订立或履行合同所必需"}],
                "unsubscribe": {"email_link": True, "sms_keyword": "回T退订", "honour_within_hours": 24}}


# ---- conditions (tags, segments, flows) -------------------------------------------------------------------

Behaviour = Literal["浏览微页面", "浏览文章", "浏览产品", "下载文件", "提交表单", "报名活动", "活动签到", "观看直播",
                    "打开邮件", "点击邮件链接", "点击短信链接", "访问官网", "咨询客服", "关注公众号", "添加企业微信",
                    "转发内容", "退订"]
Operator = Literal["等于", "不等于", "包含", "不包含", "属于", "不属于", "大于", "小于", "大于等于", "小于等于", "为空",
                   "不为空"]
Match = Literal["全部满足", "任一满足"]
_CONDITION_KINDS = ("behaviour", "field", "tag", "stage", "scoring_model")


class Condition(Spec):
    behaviour: Behaviour | None = Field(None, title="行为")
    content: str | None = Field(None, title="行为对象", description="for a behaviour: the content, page or email")
    within_days: int | None = Field(None, ge=1, title="最近天数")
    times: int | None = Field(None, ge=1, title="至少次数", description="default: once")
    field: str | None = Field(None, title="字段", description="a field of the object, e.g. 行业")
    op: Operator | None = Field(None, title="条件")
    value: str | int | float | list[str] | None = Field(None, title="值")
    tag: str | None = Field(None, title="标签", description="组:值, e.g. 行业:制造业")
    stage: str | None = Field(None, title="生命周期阶段")
    scoring_model: str | None = Field(None, title="评分模型")
    min_score: int | None = Field(None, title="最低分")

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        given = [k for k in _CONDITION_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a condition has exactly one of {', '.join(_CONDITION_KINDS)}"
                             + (f" (this one has {' and '.join(given)})" if given else ""))
        if self.behaviour is None and (self.content or self.within_days or self.times):
            raise ValueError("content, within_days and times are for behaviour conditions")
        if self.field is not None:
            if self.op is None:
                raise ValueError(f"field {self.field!r} needs op")
            if self.op not in ("为空", "不为空") and self.value is None:
                raise ValueError(f"field {self.field!r} {self.op} needs a value")
        elif self.op is not None or self.value is not None:
            raise ValueError("op and value are for field conditions")
        if (self.scoring_model is None) != (self.min_score is None):
            raise ValueError("a score condition needs scoring_model and min_score")
        if self.tag is not None:
            split_tag(self.tag)
        return self


def split_tag(text: str) -> tuple[str, str]:
    """``行业:制造业`` (or with a full-width colon) -> ``("行业", "制造业")``."""
    group, sep, value = text.replace("：", ":").partition(":")
    if not sep or not group.strip() or not value.strip():
        raise ValueError(f"write a tag as 组:值 (e.g. 行业:制造业), not {text!r}")
    return group.strip(), value.strip()


def condition_references(path: Path_, conditions: list[Condition]) -> Iterator[Reference]:
    for index, condition in enumerate(conditions):
        yield from _condition_refs((*path, index), condition)


def _condition_refs(path: Path_, condition: Condition) -> Iterator[Reference]:
    if condition.tag:
        yield tag_reference((*path, "tag"), condition.tag)
    if condition.stage:
        yield Reference((*path, "stage"), "lifecycle_stages", condition.stage)
    if condition.scoring_model:
        yield Reference((*path, "scoring_model"), "scoring_models", condition.scoring_model)


def tag_reference(path: Path_, tag: str) -> Reference:
    return Reference(path, "tags", split_tag(tag)[0])


def tag_value_findings(path: Path_, tag: str, playbook: Playbook) -> Iterator[Finding]:
    """A tag's value must be one of its group's values (a missing group is reported as a reference)."""
    group, value = split_tag(tag)
    resource = playbook.find("tags", group)
    if resource is not None and value not in resource.spec.values:
        yield Finding(path, unknown(value, resource.spec.values, f"a value of tag group {group!r}"))


def condition_findings(path: Path_, conditions: list[Condition], playbook: Playbook) -> Iterator[Finding]:
    for index, condition in enumerate(conditions):
        if condition.tag:
            yield from tag_value_findings((*path, index, "tag"), condition.tag, playbook)


# ---- 标签 -----------------------------------------------------------------------------------------------


class TagRule(Spec):
    value: str = Field(min_length=1, title="标签值", description="one of the group's values")
    match: Match = Field("全部满足", title="满足方式")
    conditions: list[Condition] = Field(min_length=1, title="条件")


class TagGroup(Spec):
    name: str = Field(min_length=1, max_length=30, title="标签组")
    objects: list[str] = Field(default_factory=list, title="适用对象", description="default: every marketing object")
    multiple: bool = Field(True, title="可多选", description="a person may have several values of this group")
    values: list[str] = Field(min_length=1, title="标签值")
    rules: list[TagRule] = Field(default_factory=list, title="自动打标规则")

    @field_validator("values")
    @classmethod
    def _plain(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip() or ":" in value or "：" in value:
                raise ValueError(f"tag value {value!r}: a value is a plain word (no colon)")
        return values


class TagsKind(SettingsKind[TagGroup]):
    name = "tags"
    title = "标签"
    summary = "Tag groups with their values, and the rules that set them automatically"
    guide = "2.7"
    model = TagGroup
    depends_on = ("marketing_objects",)
    menu_path = "营销通 > 营销用户 > 标签管理"
    manual_who = "consultant"
    verify = "标签管理 shows the group {key} with these values and rules"

    def references(self, spec: TagGroup) -> Iterable[Reference]:
        for index, name in enumerate(spec.objects):
            yield object_reference(("objects", index), name)
        for index, rule in enumerate(spec.rules):
            yield from condition_references(("rules", index, "conditions"), rule.conditions)

    def check(self, resource: Resource[TagGroup], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for index in duplicates(spec.values):
            yield Finding(("values", index), f"tag value {spec.values[index]!r} is listed twice")
        for index, rule in enumerate(spec.rules):
            if rule.value not in spec.values:
                yield Finding(("rules", index, "value"), unknown(rule.value, spec.values, f"a value of {spec.name!r}"))
            yield from condition_findings(("rules", index, "conditions"), rule.conditions, playbook)

    def example(self) -> Any:
        return {"name": "购买意向", "values": ["高意向客户", "一般意向"], "multiple": False,
                "rules": [{"value": "高意向客户", "conditions": [
                    {"behaviour": "打开邮件", "within_days": 7},
                    {"behaviour": "浏览产品", "within_days": 7}]}]}


# ---- 人群 ------------------------------------------------------------------------------------------------


class Segment(Spec):
    name: str = Field(min_length=1, max_length=40, title="人群名称")
    object: str = Field("销售线索", title="营销对象")
    type: Literal["动态人群", "静态人群"] = Field("动态人群", title="人群类型",
                                           description="动态人群 follows its conditions; 静态人群 is a snapshot")
    match: Match = Field("全部满足", title="满足方式")
    conditions: list[Condition] = Field(default_factory=list, title="筛选条件")
    refresh: Literal["每小时", "每天", "手动"] = Field("每天", title="更新频率", description="for 动态人群")
    description: str = Field("", max_length=200, title="说明")

    @model_validator(mode="after")
    def _dynamic(self) -> Segment:
        if self.type == "动态人群" and not self.conditions:
            raise ValueError("a 动态人群 needs conditions")
        return self


class SegmentsKind(SettingsKind[Segment]):
    name = "segments"
    title = "目标人群"
    summary = "Segments (人群包) of marketing users by behaviour, fields, tags, stage or score"
    guide = "2.7"
    model = Segment
    depends_on = ("marketing_objects", "tags", "lifecycle_stages", "scoring_models")
    menu_path = "营销通 > 营销用户 > 目标人群"
    manual_who = "consultant"
    verify = "the segment {key} shows a member count, and a known test person is in it"

    def references(self, spec: Segment) -> Iterable[Reference]:
        yield object_reference(("object",), spec.object)
        yield from condition_references(("conditions",), spec.conditions)

    def check(self, resource: Resource[Segment], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        yield from condition_findings(("conditions",), spec.conditions, playbook)

    def example(self) -> Any:
        return {"name": "华东制造业高意向线索", "object": "销售线索", "match": "全部满足",
                "conditions": [{"field": "地区", "op": "等于", "value": "华东地区"},
                               {"tag": "行业:制造业"},
                               {"scoring_model": "线索培育评分", "min_score": 30}]}


# ---- 评分模型 (行为积分) -----------------------------------------------------------------------------------


class BehaviourRule(Spec):
    behaviour: Behaviour = Field(title="行为")
    content: str | None = Field(None, title="行为对象", description="only this content, page or email (default: any)")
    points: int = Field(ge=-1000, le=1000, title="分值", description="per occurrence; negative to subtract")
    cap: int | None = Field(None, ge=1, title="上限", description="most points one person can get from this rule")
    weight: int | None = Field(None, ge=0, le=100, title="权重(%)",
                               description="the rule's share of the model (seed 001); when given, all add up to 100")
    description: str = Field("", max_length=100, title="适用场景")

    @model_validator(mode="after")
    def _points(self) -> BehaviourRule:
        if self.points == 0:
            raise ValueError("points of 0 score nothing; remove the rule")
        if self.cap is not None and self.points > 0 and self.cap < self.points:
            raise ValueError(f"cap {self.cap} is below the {self.points} points of one {self.behaviour}")
        return self


class ProfileRule(Spec):
    field: str = Field(min_length=1, title="字段")
    op: Operator = Field(title="条件")
    value: str | int | float | list[str] | None = Field(None, title="值")
    points: int = Field(ge=-1000, le=1000, title="分值")


class Decay(Spec):
    inactive_days: int = Field(ge=1, title="无互动天数")
    percent: int = Field(ge=1, le=100, title="扣减比例(%)")


class Threshold(Spec):
    name: str = Field(min_length=1, max_length=20, title="等级", description="e.g. MQL; kept in the 评分等级 field")
    score: int = Field(ge=1, title="分数线")


class ScoringModel(Spec):
    name: str = Field(min_length=1, max_length=40, title="规则名称")
    object: Literal["销售线索"] = Field("销售线索", title="评分对象", description="行为积分 scores 销售线索")
    behaviour_rules: list[BehaviourRule] = Field(default_factory=list, title="行为规则")
    profile_rules: list[ProfileRule] = Field(default_factory=list, title="属性规则")
    decay: Decay | None = Field(None, title="分数衰减")
    max_score: int | None = Field(None, ge=1, title="总分上限")
    thresholds: list[Threshold] = Field(default_factory=list, title="评分等级", description="lowest first")

    @model_validator(mode="after")
    def _rules(self) -> ScoringModel:
        if not self.behaviour_rules and not self.profile_rules:
            raise ValueError("a scoring model needs behaviour_rules or profile_rules")
        return self


def reachable_score(spec: ScoringModel) -> tuple[float, str]:
    """The most points anyone can have under ``spec``, and how that figure comes about."""
    profile = sum(r.points for r in spec.profile_rules if r.points > 0)
    positive = [r for r in spec.behaviour_rules if r.points > 0]
    if any(r.cap is None for r in positive):
        total: float = math.inf
        how = "a behaviour rule has no cap"
    else:
        caps = sum(r.cap or 0 for r in positive)
        total = caps + profile
        how = f"caps of the behaviour rules {caps} + profile rules {profile}"
    if spec.max_score is not None and spec.max_score < total:
        total, how = spec.max_score, f"max_score is {spec.max_score}"
    return total, how


class ScoringModelsKind(SettingsKind[ScoringModel]):
    name = "scoring_models"
    title = "评分模型(行为积分)"
    summary = "Lead scoring (行为积分): behaviour and profile rules with points and caps, decay, grade thresholds"
    guide = "2.7"
    model = ScoringModel
    depends_on = ("marketing_objects",)
    menu_path = "管理后台 > 业务规则管理 > 行为积分"
    manual_who = "client CRM admin"
    verify = "a test lead that downloads the whitepaper gets the points in its 行为积分 record"

    def check(self, resource: Resource[ScoringModel], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        weights = [r.weight for r in spec.behaviour_rules if r.weight is not None]
        if weights and (len(weights) != len(spec.behaviour_rules) or sum(weights) != 100):
            yield Finding(("behaviour_rules",), f"the weights of the behaviour rules add up to {sum(weights)}, not 100"
                          + ("" if len(weights) == len(spec.behaviour_rules) else " (give every rule a weight)"),
                          severity="warning")
        for index, rule in enumerate(spec.behaviour_rules):
            broader = next((j for j, other in enumerate(spec.behaviour_rules[:index])
                            if other.behaviour == rule.behaviour and (other.content is None or rule.content is None
                                                                       or other.content == rule.content)), None)
            if broader is not None:
                yield Finding(("behaviour_rules", index), f"rules {broader + 1} and {index + 1} both match "
                              f"{rule.behaviour}: 行为积分 applies every matching rule, so one action scores twice",
                              severity="warning")
        names = [t.name for t in spec.thresholds]
        for index in duplicates(names):
            yield Finding(("thresholds", index, "name"), f"threshold {names[index]!r} is declared twice")
        for index in range(1, len(spec.thresholds)):
            if spec.thresholds[index].score <= spec.thresholds[index - 1].score:
                yield Finding(("thresholds", index, "score"), "list thresholds from the lowest score to the highest")
        most, how = reachable_score(spec)
        for index, threshold in enumerate(spec.thresholds):
            if threshold.score > most:
                yield Finding(("thresholds", index, "score"),
                              f"threshold {threshold.name!r} ({threshold.score} points) can never be reached: "
                              f"nobody can score more than {most:g} ({how})", severity="warning")

    def check_all(self, resources: list[Resource[ScoringModel]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        for resource in resources[1:]:
            yield resource, Finding(("name",), f"行为积分 allows one scoring model for 销售线索; {resources[0].key!r} "
                                               "is already declared")

    def example(self) -> Any:
        return {"name": "线索培育评分",
                "behaviour_rules": [{"behaviour": "下载文件", "content": "产品白皮书", "points": 5, "cap": 10},
                                    {"behaviour": "观看直播", "points": 10, "cap": 30},
                                    {"behaviour": "咨询客服", "points": 15, "cap": 30}],
                "profile_rules": [{"field": "企业规模", "op": "属于", "value": ["200-500人", "500人以上"],
                                   "points": 10}],
                "decay": {"inactive_days": 30, "percent": 20},
                "thresholds": [{"name": "MQL", "score": 30}, {"name": "高价值线索", "score": 60}]}


# ---- 生命周期阶段 ---------------------------------------------------------------------------------------


class LifecycleStage(Spec):
    name: str = Field(min_length=1, max_length=20, title="阶段名称")
    object: str = Field("客户", title="营销对象")
    order: int = Field(ge=1, le=20, title="顺序")
    registered_within_days: int | None = Field(None, ge=1, title="注册天数不超过")
    purchases_min: int | None = Field(None, ge=0, title="购买次数不少于")
    purchases_max: int | None = Field(None, ge=0, title="购买次数不超过")
    interaction: Literal["低", "中", "高"] | None = Field(None, title="互动频率")
    inactive_days: int | None = Field(None, ge=1, title="无互动天数不少于")
    strategy: str = Field("", max_length=200, title="推荐营销策略")
    tag: str | None = Field(None, title="进入时打标签", description="组:值")

    @model_validator(mode="after")
    def _rules(self) -> LifecycleStage:
        rules = ("registered_within_days", "purchases_min", "purchases_max", "interaction", "inactive_days")
        if all(getattr(self, r) is None for r in rules):
            raise ValueError(f"a stage needs at least one of {', '.join(rules)}")
        low, high = self.purchases_min, self.purchases_max
        if low is not None and high is not None and low > high:
            raise ValueError(f"purchases_min {self.purchases_min} is above purchases_max {self.purchases_max}")
        if self.tag is not None:
            split_tag(self.tag)
        return self


class LifecycleStagesKind(SettingsKind[LifecycleStage]):
    name = "lifecycle_stages"
    title = "生命周期阶段"
    summary = "Customer lifecycle stages (new, growth, stable, dormant) with their entry rules and strategy"
    guide = "2.7"
    model = LifecycleStage
    depends_on = ("marketing_objects", "tags")
    menu_path = "营销通 > 营销用户 > 生命周期阶段"
    manual_who = "consultant"
    verify = "a test customer matching the rules of {key} shows that stage"

    def references(self, spec: LifecycleStage) -> Iterable[Reference]:
        yield object_reference(("object",), spec.object)
        if spec.tag:
            yield tag_reference(("tag",), spec.tag)

    def check(self, resource: Resource[LifecycleStage], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.tag:
            yield from tag_value_findings(("tag",), spec.tag, playbook)

    def check_all(self, resources: list[Resource[LifecycleStage]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        seen: dict[tuple[str, int], str] = {}
        for resource in resources:
            spec = resource.spec
            if (spec.object, spec.order) in seen:
                yield resource, Finding(("order",), f"stage {seen[(spec.object, spec.order)]!r} of {spec.object} "
                                                    f"already has order {spec.order}")
            seen.setdefault((spec.object, spec.order), spec.name)

    def example(self) -> Any:
        return {"name": "新客期", "object": "客户", "order": 1, "registered_within_days": 30, "purchases_max": 0,
                "strategy": "发送欢迎邮件+新人专属优惠"}


# ---- 营销流程 (nurture flows) -----------------------------------------------------------------------------

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


class NurtureFlowsKind(SettingsKind[NurtureFlow]):
    name = "nurture_flows"
    title = "营销流程"
    summary = "Automated nurture flows: a trigger, then waits, conditions, branches and email/SMS/WeChat steps"
    guide = "2.7"
    model = NurtureFlow
    depends_on = ("marketing_objects", "consent", "tags", "segments", "scoring_models", "lifecycle_stages",
                  "event_types")
    menu_path = "营销通 > 营销自动化 > 营销流程"
    manual_who = "consultant"
    verify = "run {key} with a test person: each step happens in order, and unsubscribing ends it"

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
                yield from _condition_refs(("steps", index, "condition"), step.condition)

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
        model = playbook.find("scoring_models", spec.trigger.scoring_model or "")
        if model is not None and spec.trigger.score is not None:
            most, how = reachable_score(model.spec)
            if spec.trigger.score > most:
                yield Finding(("trigger", "score"), f"the flow can never start: nobody scores {spec.trigger.score} in "
                                                    f"{model.key!r}, at most {most:g} ({how})", severity="warning")

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


KINDS: list[Kind[Any]] = [MarketingObjectsKind(), IdentityRulesKind(), ConsentKind(), TagsKind(), ScoringModelsKind(),
                          LifecycleStagesKind(), SegmentsKind(), NurtureFlowsKind()]
