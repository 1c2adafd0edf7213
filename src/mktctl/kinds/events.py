"""Marketing events (市场活动管理), guide 2.6.

Live-streaming platforms (营销插件 > 直播对接), the event types mapped to the product's three marketing
scenarios (活动营销, 直播营销, 会议营销), the new-record layout of each type, micro-page templates with
registration forms and check-in, and the default SOP of each scenario: tasks before, during and after an
event with their offsets and owners. All settings: the extension API on the sandbox, manual steps on a
real tenant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.shared import SettingsKind, duplicates, unknown
from mktctl.kinds.wording import CONSULTANT, CRM_ADMIN, PLAIN, Words

# ---- 直播对接 ---------------------------------------------------------------------------------------------

LivePlatformName = Literal["保利威", "微吼", "小鹅通", "目睹"]
LiveData = Literal["报名数据", "观看数据", "互动数据", "回放数据"]
SECRET_NAMES = {"保利威": "AppSecret", "微吼": "SecretKey", "小鹅通": "client_secret", "目睹": "AppSecret"}


class LivePlatform(Spec):
    platform: LivePlatformName = Field(title="直播平台")
    account_id: str = Field(min_length=1, max_length=64, title="账号ID",
                            description="the account or shop id on the live platform (not a secret)")
    app_id: str | None = Field(None, max_length=64, title="AppID",
                               description="the app id of the platform's open API, where it has one")
    sync: list[LiveData] = Field(default_factory=lambda: ["报名数据", "观看数据"], title="同步数据",
                                 description="what flows back into the 市场活动")
    default: bool = Field(False, title="默认直播平台", description="new 直播营销 events use this platform")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "account_id": "直播平台上的账号或店铺ID（不是密钥）",
        "app_id": "直播平台开放接口的AppID（平台提供时填写）",
        "sync": "回流到市场活动的数据",
        "default": "新建的直播营销活动默认使用该平台",
    }


_SECRET = Phrase("由客户管理员从{platform}后台复制后填入（mktctl 不保存密钥）",
                 "copied from the {platform} console by the client's admin (mktctl keeps no secret)")


class LivePlatformsKind(SettingsKind[LivePlatform]):
    name = "live_platforms"
    title = "直播对接"
    summary = "Live-streaming platforms bound to FxiaoKe Marketing (Polyv, Vhall, Xiaoe-tech, Mudu)"
    guide = "2.6"
    model = LivePlatform
    key_field = "platform"
    menu_path = "营销通 > 系统设置 > 营销插件 > 直播对接"
    manual_who = Phrase("客户直播平台管理员", "client admin of the live platform")
    verify = Phrase("{key}显示已绑定；一场测试直播结束后列出观看人员",
                    "the binding of {key} shows as bound, and a test live event lists its viewers after it ends")

    def check_all(self, resources: list[Resource[LivePlatform]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        defaults = [r for r in resources if r.spec.default]
        for resource in defaults[1:]:
            yield resource, Finding(("default",), f"only one live platform can be the default; "
                                                  f"{defaults[0].key} already is")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        step = super().manual_step(key, state, words)
        secret = SECRET_NAMES.get(key, "AppSecret")
        values = [*step.values, (secret, words.say(_SECRET, platform=words.word(key)))]
        return ManualStep(menu_path=step.menu_path, values=values, verify=step.verify, who=step.who)

    def example(self) -> Any:
        return {"platform": "保利威", "account_id": "a1b2c3d4e5", "app_id": "f6g7h8i9j0",
                "sync": ["报名数据", "观看数据", "互动数据"], "default": True}


# ---- 市场活动类型 ---------------------------------------------------------------------------------------

Scenario = Literal["活动营销", "直播营销", "会议营销"]
SCENARIOS: tuple[str, ...] = ("活动营销", "直播营销", "会议营销")


class EventType(Spec):
    name: str = Field(min_length=1, max_length=30, title="活动类型",
                      description="a value of 活动类型: one of the three scenarios, or the client's own")
    scenario: Scenario | None = Field(None, title="营销场景",
                                      description="the scenario the type runs in (for the client's own types)")
    description: str = Field("", max_length=200, title="说明")
    live_platform: str | None = Field(None, title="直播平台", description="a live_platforms item, for 直播营销")
    enabled: bool = Field(True, title="启用")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "name": "活动类型的名称，可以是三种营销场景之一，也可以是客户自己的类型",
        "scenario": "该类型所属的营销场景（客户自己的类型填写）",
        "live_platform": "直播营销使用的直播平台，填直播对接中的一项",
    }


class EventTypesKind(SettingsKind[EventType]):
    name = "event_types"
    title = "市场活动类型"
    summary = "Event types, each mapped to a marketing scenario (events, live streams, conferences)"
    guide = "2.6"
    model = EventType
    builtin_keys = SCENARIOS
    depends_on = ("live_platforms",)
    menu_path = "营销通 > 系统设置 > 市场活动设置 > 活动类型"
    manual_who = CONSULTANT
    verify = Phrase("新建类型为{key}的市场活动，在对应的营销场景中打开",
                    "a new marketing event of type {key} opens in its marketing scenario")

    def references(self, spec: EventType) -> Iterable[Reference]:
        if spec.live_platform:
            yield Reference(("live_platform",), "live_platforms", spec.live_platform)

    def check(self, resource: Resource[EventType], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.name in SCENARIOS:
            if spec.scenario not in (None, spec.name):
                yield Finding(("scenario",), f"{spec.name} is a scenario itself; remove scenario:")
        elif spec.scenario is None:
            yield Finding(("name",), f"event type {spec.name!r} needs scenario: one of {', '.join(SCENARIOS)}")
        if spec.live_platform and scenario_of(spec) != "直播营销":
            yield Finding(("live_platform",), "live_platform is for types of the 直播营销 scenario")

    def example(self) -> Any:
        return {"name": "线上研讨会", "scenario": "直播营销", "description": "每月一期的产品研讨会",
                "live_platform": "保利威"}


def scenario_of(spec: EventType) -> str | None:
    return spec.name if spec.name in SCENARIOS else spec.scenario


def event_type_reference(path: tuple[str | int, ...], name: str) -> Reference:
    return Reference(path, "event_types", name)


# ---- 新建布局 --------------------------------------------------------------------------------------------

STANDARD_EVENT_FIELDS: tuple[str, ...] = (
    "活动名称", "活动类型", "开始时间", "结束时间", "活动地点", "活动形式", "活动预算", "实际花费", "预计参与人数",
    "负责人", "所属部门", "活动状态", "活动描述", "主办方", "合作方", "会议议程", "直播平台", "直播链接",
    "关联广告计划")


class LayoutField(Spec):
    field: str = Field(min_length=1, title="字段", description="a standard field of 市场活动, or custom: true")
    required: bool = Field(False, title="必填")
    custom: bool = Field(False, title="自定义字段", description="the client's own field (created in 对象管理)")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "field": "市场活动的标准字段，或客户自己的字段（同时把“自定义字段”设为是）",
        "custom": "客户自己的字段（在对象管理中创建）",
    }


class EventLayout(Spec):
    event_type: str = Field(min_length=1, title="活动类型", description="an event type or scenario")
    fields: list[LayoutField] = Field(min_length=1, title="布局字段", description="the new-record form, in order")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "event_type": "活动类型或营销场景",
        "fields": "新建市场活动时填写的字段，按显示顺序",
    }


class EventLayoutsKind(SettingsKind[EventLayout]):
    name = "event_layouts"
    title = "市场活动新建布局"
    summary = "The fields of the new-record form of marketing events, per event type"
    guide = "2.6"
    model = EventLayout
    key_field = "event_type"
    depends_on = ("event_types",)
    menu_path = "管理后台 > 对象管理 > 市场活动 > 布局管理"
    manual_who = CRM_ADMIN
    verify = Phrase("新建类型为{key}的市场活动：表单按上表顺序显示这些字段，必填字段有标记",
                    "create a marketing event of type {key}: the form shows these fields in this order, required "
                    "ones marked")

    def references(self, spec: EventLayout) -> Iterable[Reference]:
        yield event_type_reference(("event_type",), spec.event_type)

    def check(self, resource: Resource[EventLayout], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        names = [f.field for f in spec.fields]
        for index in duplicates(names):
            yield Finding(("fields", index, "field"), f"field {names[index]!r} is in the layout twice")
        for index, item in enumerate(spec.fields):
            if not item.custom and item.field not in STANDARD_EVENT_FIELDS:
                yield Finding(("fields", index, "field"),
                              unknown(item.field, STANDARD_EVENT_FIELDS, "a standard field of 市场活动")
                              + " (write custom: true for the client's own field)")
        name_field = next((f for f in spec.fields if f.field == "活动名称"), None)
        if name_field is None or not name_field.required:
            yield Finding(("fields",), "the layout needs 活动名称 with required: true")

    def example(self) -> Any:
        return {"event_type": "会议营销",
                "fields": [{"field": "活动名称", "required": True}, {"field": "开始时间", "required": True},
                           {"field": "结束时间", "required": True}, {"field": "活动地点", "required": True},
                           {"field": "活动预算"}, {"field": "预计参与人数"}, {"field": "会议议程"},
                           {"field": "合作伙伴等级", "custom": True}]}


# ---- 微页面模版 (报名表单, 签到) --------------------------------------------------------------------------

TemplateType = Literal["微页面模板", "报名表单", "签到页"]
PageSection = Literal["活动海报", "活动介绍", "活动议程", "嘉宾介绍", "报名表单", "直播入口", "地图导航", "往期回顾",
                      "联系我们"]
FormFieldType = Literal["文本", "手机号", "邮箱", "单选", "多选", "日期", "公司名称", "职位"]
CheckIn = Literal["扫码签到", "手机号签到", "签到码签到"]
PERSONAL_FORM_TYPES = ("手机号", "邮箱")


class FormField(Spec):
    label: str = Field(min_length=1, max_length=30, title="字段名称")
    type: FormFieldType = Field("文本", title="类型")
    required: bool = Field(False, title="必填")
    options: list[str] = Field(default_factory=list, title="选项", description="for 单选 and 多选")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "options": "单选和多选字段的选项",
    }

    @model_validator(mode="after")
    def _options(self) -> FormField:
        if self.type in ("单选", "多选") and not self.options:
            raise ValueError(f"a {self.type} field needs options")
        if self.options and self.type not in ("单选", "多选"):
            raise ValueError("options are for 单选 and 多选 fields")
        return self


class PageTemplate(Spec):
    name: str = Field(min_length=1, max_length=40, title="模板名称")
    type: TemplateType = Field(title="模板类型")
    event_types: list[str] = Field(default_factory=list, title="适用活动类型",
                                   description="event types or scenarios (default: all)")
    sections: list[PageSection] = Field(default_factory=list, title="页面组件", description="for 微页面模板")
    fields: list[FormField] = Field(default_factory=list, title="表单字段", description="for 报名表单")
    privacy_consent: bool = Field(False, title="隐私协议勾选", description="for 报名表单: ask for consent (PIPL)")
    review: bool = Field(False, title="报名审核", description="for 报名表单: registrations wait for approval")
    check_in: CheckIn | None = Field(None, title="签到方式", description="for 签到页")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "event_types": "适用的活动类型或营销场景（默认：全部）",
        "sections": "微页面模板的页面组件",
        "fields": "报名表单的字段",
        "privacy_consent": "用于报名表单，要求勾选隐私协议（《个人信息保护法》）",
        "review": "用于报名表单，报名需审核通过",
        "check_in": "签到页的签到方式",
    }

    @model_validator(mode="after")
    def _by_type(self) -> PageTemplate:
        wanted = {"微页面模板": "sections", "报名表单": "fields", "签到页": "check_in"}[self.type]
        if not getattr(self, wanted):
            raise ValueError(f"a {self.type} needs {wanted}")
        for other in {"sections", "fields", "check_in"} - {wanted}:
            if getattr(self, other):
                raise ValueError(f"{other} is not part of a {self.type}")
        return self


class PageTemplatesKind(SettingsKind[PageTemplate]):
    name = "page_templates"
    title = "微页面模版"
    summary = "Micro-page templates of events: landing pages, registration forms and check-in pages"
    guide = "2.6"
    model = PageTemplate
    depends_on = ("event_types",)
    menu_path = "营销通 > 微页面 > 创建微页面模版"
    manual_who = CONSULTANT
    verify = Phrase("为上表中类型的活动创建微页面时，可以选择模板{key}",
                    "the template {key} is listed when creating a micro page for an event of these types")

    def references(self, spec: PageTemplate) -> Iterable[Reference]:
        for index, name in enumerate(spec.event_types):
            yield event_type_reference(("event_types", index), name)

    def check(self, resource: Resource[PageTemplate], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        labels = [f.label for f in spec.fields]
        for index in duplicates(labels):
            yield Finding(("fields", index, "label"), f"form field {labels[index]!r} is declared twice")
        personal = sorted({f.type for f in spec.fields if f.type in PERSONAL_FORM_TYPES})
        if personal and not spec.privacy_consent:
            yield Finding(("privacy_consent",) if "privacy_consent" in spec.model_fields_set else ("fields",),
                          f"the form collects {'、'.join(personal)} without the privacy consent box; add "
                          "privacy_consent: true (PIPL: personal information only with consent)", severity="warning")

    def example(self) -> Any:
        return {"name": "会议报名表单", "type": "报名表单", "event_types": ["会议营销"],
                "fields": [{"label": "姓名", "required": True}, {"label": "手机", "type": "手机号", "required": True},
                           {"label": "公司", "type": "公司名称", "required": True},
                           {"label": "感兴趣的议题", "type": "多选", "options": ["数字化营销", "线索管理"]}],
                "privacy_consent": True, "review": False}


# ---- 营销场景默认SOP ------------------------------------------------------------------------------------

Phase = Literal["活动前", "活动中", "活动后"]
BUILTIN_OWNERS = ("活动负责人", "活动创建人", "活动成员")


class SopTask(Spec):
    name: str = Field(min_length=1, max_length=40, title="任务名称")
    phase: Phase = Field(title="阶段")
    days: int = Field(0, ge=-180, le=180, title="相对天数",
                      description="活动前: days before the start (≤ 0); 活动中: days after the start (≥ 0); "
                                  "活动后: days after the end (≥ 0)")
    owner: str = Field("活动负责人", title="负责人",
                       description=f"{', '.join(BUILTIN_OWNERS)}, or a role's name")
    remind: bool = Field(True, title="到期提醒")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "days": "活动前：开始前第几天（≤ 0）；活动中：开始后第几天（≥ 0）；活动后：结束后第几天（≥ 0）",
        "owner": f"{'、'.join(BUILTIN_OWNERS)}，或角色名称",
    }


class EventSop(Spec):
    event_type: str = Field(min_length=1, title="活动类型", description="an event type or scenario")
    tasks: list[SopTask] = Field(min_length=1, title="SOP任务")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "event_type": "活动类型或营销场景",
    }


class EventSopKind(SettingsKind[EventSop]):
    name = "event_sop"
    title = "营销场景默认SOP"
    summary = "The default SOP of an event type: tasks before, during and after, with offsets and owners"
    guide = "2.6"
    model = EventSop
    key_field = "event_type"
    depends_on = ("event_types", "roles")
    menu_path = "营销通 > 系统设置 > 市场活动设置 > 营销场景默认SOP设置"
    manual_who = CONSULTANT
    verify = Phrase("新建类型为{key}的市场活动，自动生成上表中的SOP任务、到期日和负责人",
                    "a new marketing event of type {key} gets these SOP tasks with these due dates and owners")

    def references(self, spec: EventSop) -> Iterable[Reference]:
        yield event_type_reference(("event_type",), spec.event_type)
        for index, task in enumerate(spec.tasks):
            if task.owner not in BUILTIN_OWNERS:
                yield Reference(("tasks", index, "owner"), "roles", task.owner)

    def check(self, resource: Resource[EventSop], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        names = [t.name for t in spec.tasks]
        for index in duplicates(names):
            yield Finding(("tasks", index, "name"), f"task {names[index]!r} is declared twice")
        for index, task in enumerate(spec.tasks):
            if task.phase == "活动前" and task.days > 0:
                yield Finding(("tasks", index, "days"), f"task {task.name!r} is 活动前, so days counts back from the "
                                                        f"start: write -{task.days}")
            elif task.phase != "活动前" and task.days < 0:
                yield Finding(("tasks", index, "days"), f"task {task.name!r} is {task.phase}: days must be 0 or more "
                                                        "(or make it 活动前)")
        order = {"活动前": 0, "活动中": 1, "活动后": 2}
        for index in range(1, len(spec.tasks)):
            before, task = spec.tasks[index - 1], spec.tasks[index]
            if (order[task.phase], task.days) < (order[before.phase], before.days):
                yield Finding(("tasks", index), f"task {task.name!r} is due before {before.name!r}; list the tasks "
                                                "in the order they are due", severity="warning")

    def example(self) -> Any:
        return {"event_type": "会议营销",
                "tasks": [{"name": "确定场地和议程", "phase": "活动前", "days": -30},
                          {"name": "发布报名页并邀约", "phase": "活动前", "days": -21, "owner": "市场专员"},
                          {"name": "发送参会提醒", "phase": "活动前", "days": -1, "owner": "市场专员"},
                          {"name": "现场签到", "phase": "活动中", "days": 0, "owner": "活动成员"},
                          {"name": "导入线索并分配", "phase": "活动后", "days": 1},
                          {"name": "复盘活动ROI", "phase": "活动后", "days": 7}]}


KINDS: list[Kind[Any]] = [LivePlatformsKind(), EventTypesKind(), EventLayoutsKind(), PageTemplatesKind(),
                          EventSopKind()]
