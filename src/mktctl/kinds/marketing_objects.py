"""Marketing objects and identities (营销对象, 用户身份统一), guide 2.7: who can be reached, and how one
person's records merge.

营销通 reaches six CRM objects by default (客户, 联系人, 销售线索, 企业微信客户, 微信用户, 会员); the client's
own objects can be added for SMS or email. OneID merges the records of one person across them.

A custom object must exist in the CRM before 营销通 can reach it. On a tenant with mktctl's extension API
(the sandbox) applying a marketing object also defines its custom object (``/mktctl/ext/v1/objects/*``,
named by the marketing object, with exactly its api name) and the phone and email fields SMS and email are
sent to, when the object lacks them; the object is then served under ``/cgi/crm/custom/v2/data/*``. The
plan compares what the tenant has: a custom object or field deleted by hand shows as drift and is defined
again. Pruning a marketing object takes it off 营销通's list and leaves the CRM object and its records,
which a CRM admin deletes in the admin console. Against a real tenant the whole is a manual step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, Path_, Playbook, Reference, Resource, Spec
from mktctl.kinds.shared import SettingsKind, duplicates
from mktctl.kinds.wording import PLAIN, Words

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant
    from mktctl.tenant.extension import Setting

DEFAULT_OBJECTS: dict[str, str] = {"客户": "AccountObj", "联系人": "ContactObj", "销售线索": "LeadsObj",
                                   "企业微信客户": "WechatWorkExternalUserObj", "微信用户": "WechatFanObj",
                                   "会员": "MemberObj"}
Channel = Literal["邮件", "短信", "公众号", "企业微信"]
CUSTOM_CHANNELS = ("短信", "邮件")
#: the fields a custom object is given for its channels: (state field, the platform's type, label)
CHANNEL_FIELDS = (("phone_field", "phone_number", "手机"), ("email_field", "email", "邮箱"))


class MarketingObject(Spec):
    name: str = Field(min_length=1, max_length=40, title="对象名称",
                      description=f"one of the six default objects ({', '.join(DEFAULT_OBJECTS)}) or a custom object")
    api_name: str | None = Field(None, title="对象API名称", description="for a custom object: its API name (…__c)")
    channels: list[Channel] = Field(default_factory=list, title="触达方式",
                                    description="for a custom object: 短信 and/or 邮件")
    phone_field: str | None = Field(None, title="手机号字段", description="API name of the field SMS is sent to")
    email_field: str | None = Field(None, title="邮箱字段", description="API name of the field email is sent to")
    enabled: bool = Field(True, title="启用")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "name": f"六个默认营销对象之一（{'、'.join(DEFAULT_OBJECTS)}），或自定义对象",
        "api_name": "自定义对象的API名称（…__c）",
        "channels": "自定义对象的触达方式：短信、邮件或两者",
        "phone_field": "发送短信所用手机号字段的API名称",
        "email_field": "发送邮件所用邮箱字段的API名称",
    }


class MarketingObjectsKind(SettingsKind[MarketingObject]):
    name = "marketing_objects"
    title = "营销对象"
    summary = "The CRM objects FxiaoKe Marketing can reach: the six defaults, and custom objects for SMS or email"
    guide = "2.7"
    model = MarketingObject
    builtin_keys = tuple(DEFAULT_OBJECTS)
    menu_path = "营销通 > 系统设置 > 营销用户设置 > 营销对象"
    manual_who = CONSULTANT
    verify = Phrase("营销用户中列出{key}，测试短信或邮件可以选择其中的记录",
                    "Marketing users lists {key}, and a test SMS or e-mail can pick its records")

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
        for name, _, _ in CHANNEL_FIELDS:
            value = getattr(spec, name)
            if value and not value.endswith("__c"):
                yield Finding((name,), f"{value!r} is not a custom object's field: its fields' API names end in "
                                       "__c (e.g. mobile__c)")

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

    # ---- the custom object itself, where the extension API defines it --------------------------------

    def read_settings(self, tenant: Tenant) -> dict[str, Setting]:
        """The marketing objects the tenant keeps, each as the CRM has its object: an object or a channel
        field that is not there (any more) shows as not set."""
        from dataclasses import replace

        from mktctl.tenant.definitions import list_objects

        kept = super().read_settings(tenant)
        if not any(_custom(key, s.spec) for key, s in kept.items()):
            return kept
        objects = {str(o.get("api_name")): {str(f.get("api_name")) for f in o.get("fields") or []}
                   for o in list_objects(tenant)}
        seen: dict[str, Setting] = {}
        for key, setting in kept.items():
            spec = dict(setting.spec)
            if _custom(key, spec):
                fields = objects.get(spec["api_name"])
                if fields is None:
                    spec["api_name"] = None
                for name, _, _ in CHANNEL_FIELDS:
                    if spec.get(name) and (fields is None or spec[name] not in fields):
                        spec[name] = None
            seen[key] = replace(setting, spec=spec)
        return seen

    def write_setting(self, tenant: Tenant, key: str, state: dict[str, Any]) -> str:
        """A custom object is defined (named ``key``) with the channel fields it lacks, then kept on 营销通's list."""
        if _custom(key, state):
            from mktctl.tenant.definitions import list_objects, upsert_field, upsert_object

            api_name = str(state["api_name"])
            upsert_object(tenant, api_name, key)
            found = next((o for o in list_objects(tenant) if o.get("api_name") == api_name), {})
            fields = {str(f.get("api_name")) for f in found.get("fields") or []}
            for name, platform_type, label in CHANNEL_FIELDS:
                if state.get(name) and state[name] not in fields:
                    upsert_field(tenant, api_name, {"api_name": state[name], "label": label, "type": platform_type})
        return super().write_setting(tenant, key, state)


def _custom(key: str, spec: dict[str, Any]) -> bool:
    """Whether a marketing object is a custom object of the CRM (not one of the six defaults)."""
    api_name = spec.get("api_name")
    return key not in DEFAULT_OBJECTS and isinstance(api_name, str) and api_name.endswith("__c")


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

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "merge_keys": "按优先级从高到低填写",
        "master_priority": "记录合并时以哪个对象的字段值为准，按优先级从高到低填写",
        "auto_merge": "立即自动合并，或列出候选记录待审核",
    }


_MERGED = Phrase("同一{keys}的两条测试记录合并为一个营销用户，字段按{conflict}保留",
                 "two test records with the same {keys} merge into one marketing user; fields are kept "
                 "{conflict}")
_LISTED = Phrase("同一{keys}的两条测试记录列为待合并，字段按{conflict}保留",
                 "two test records with the same {keys} are listed to merge; fields are kept {conflict}")


class IdentityRulesKind(SettingsKind[IdentityRules]):
    name = "identity_rules"
    title = "用户身份统一"
    summary = "OneID: the keys that merge one person's records across objects, and which record wins"
    guide = "2.7"
    model = IdentityRules
    rules_tested = True
    singleton = True
    depends_on = ("marketing_objects", "wechat_open_platform")
    menu_path = "营销通 > 系统设置 > 营销用户设置 > 用户身份统一"
    manual_who = CONSULTANT
    verify = Phrase("在销售线索和微信用户中手机号相同的测试人员显示为同一个营销用户",
                    "a test person with the same mobile among leads and WeChat users shows as one marketing user")

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

    def acceptance_tests(self, spec: IdentityRules, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        test = _MERGED if spec.auto_merge else _LISTED
        return [(words.say(test, keys=words.join(words.word(k) for k in spec.merge_keys),
                           conflict=words.word(spec.on_conflict)), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"merge_keys": ["手机号", "微信UnionID", "邮箱"], "master_priority": ["客户", "联系人", "销售线索"],
                "auto_merge": True, "on_conflict": "按对象优先级"}


KINDS: list[Kind[Any]] = [MarketingObjectsKind(), IdentityRulesKind()]
