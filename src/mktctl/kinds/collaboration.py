"""Marketing collaboration (营销协同), guide 2.5: employee business cards, the marketing assistant (the
promotion workbench and its notifications), and the send scope and incentives of 全员营销. Settings of the
extension API on the sandbox, manual steps in 营销通 on a real tenant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.content import MINI_PROGRAM_ZH, mini_program_field, mini_program_findings
from mktctl.kinds.departments import WHOLE_COMPANY
from mktctl.kinds.shared import SettingsKind, duplicates
from mktctl.kinds.wording import PLAIN, Words


def department_references(path: str, departments: list[str]) -> Iterable[Reference]:
    """The departments a list names, each by its position; the root 全公司 always exists."""
    for index, name in enumerate(departments):
        if name != WHOLE_COMPANY:
            yield Reference((path, index), "departments", name)


# ---- 员工名片 ---------------------------------------------------------------------------------------------

CardField = Literal["姓名", "职位", "部门", "手机", "座机", "邮箱", "微信二维码", "公司地址", "个人简介"]


class BusinessCards(Spec):
    mini_program: str | None = mini_program_field()
    fields: list[CardField] = Field(default_factory=lambda: ["姓名", "职位", "手机", "邮箱", "公司地址"],
                                    title="名片字段", description="what each card shows, in order")
    departments: list[str] = Field(default_factory=lambda: ["全公司"], title="开通范围",
                                   description="departments whose employees get a card")
    employee_can_edit: bool = Field(True, title="员工可编辑名片")
    company_intro: str = Field("", max_length=500, title="企业介绍")
    show_products: bool = Field(True, title="名片展示产品")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "mini_program": MINI_PROGRAM_ZH,
        "fields": "名片上显示的信息，按显示顺序",
        "departments": "为其员工开通名片的部门",
    }


class BusinessCardsKind(SettingsKind[BusinessCards]):
    name = "business_cards"
    title = "员工名片"
    summary = "Employee business cards in the mini program: fields, who gets one, the company intro"
    guide = "2.5"
    model = BusinessCards
    singleton = True
    depends_on = ("departments", "wechat_accounts")
    menu_path = "营销通 > 系统设置 > 员工名片设置"
    manual_who = Phrase("实施顾问与客户营销管理员", "consultant with the client's marketing admin")
    verify = Phrase("在小程序中打开一张员工名片：显示上表中的字段和企业介绍",
                    "open an employee's card in the mini program: it shows these fields and the company intro")

    def references(self, spec: BusinessCards) -> Iterable[Reference]:
        yield from department_references("departments", spec.departments)

    def check(self, resource: Resource[BusinessCards], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        yield from mini_program_findings("员工名片", spec.mini_program, playbook)
        for index in duplicates(spec.fields):
            yield Finding(("fields", index), f"card field {spec.fields[index]!r} is listed twice")
        if "姓名" not in spec.fields:
            yield Finding(("fields",), "a business card always shows 姓名; add it to fields")

    def example(self) -> Any:
        return {"fields": ["姓名", "职位", "手机", "邮箱", "微信二维码", "公司地址"],
                "departments": ["市场部", "销售部"],
                "company_intro": "示例科技专注于制造业数字化营销。", "employee_can_edit": True}


# ---- 营销助手 (推广工作台, 通知配置) ---------------------------------------------------------------------

WorkbenchModule = Literal["推广任务", "推广内容", "我的名片", "客户动态", "推广排行", "活动中心", "线索跟进"]
NotificationEvent = Literal["客户浏览名片", "客户浏览内容", "客户提交表单", "客户报名活动", "收到推广任务",
                            "获得新线索"]
NotificationRecipient = Literal["推广员工", "线索负责人", "活动负责人"]
NotifyVia = Literal["纷享消息", "企业微信", "公众号模板消息", "短信"]


class Notification(Spec):
    event: NotificationEvent = Field(title="通知场景")
    recipient: NotificationRecipient = Field("推广员工", title="接收人")
    via: list[NotifyVia] = Field(default_factory=lambda: ["纷享消息"], min_length=1, title="通知方式")


class MarketingAssistant(Spec):
    mini_program: str | None = mini_program_field()
    workbench: list[WorkbenchModule] = Field(
        default_factory=lambda: ["推广任务", "推广内容", "我的名片", "客户动态"], title="推广工作台",
        description="the modules of the promotion workbench, in order")
    notifications: list[Notification] = Field(default_factory=list, title="通知配置")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "mini_program": MINI_PROGRAM_ZH,
        "workbench": "推广工作台的模块，按显示顺序",
    }


class MarketingAssistantKind(SettingsKind[MarketingAssistant]):
    name = "marketing_assistant"
    title = "营销助手"
    summary = "The marketing assistant: the promotion workbench and who is notified of what"
    guide = "2.5"
    model = MarketingAssistant
    singleton = True
    depends_on = ("wechat_accounts", "wecom")
    menu_path = "营销通 > 营销协同 > 推广工作台与通知配置"
    manual_who = Phrase("实施顾问与客户营销管理员", "consultant with the client's marketing admin")
    verify = Phrase("员工的营销助手显示上表中的推广工作台模块；一次测试访问触发通知",
                    "an employee's marketing assistant shows these workbench modules; a test visit sends the "
                    "notification")

    def check(self, resource: Resource[MarketingAssistant], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        yield from mini_program_findings("营销助手", spec.mini_program, playbook)
        for index in duplicates(spec.workbench):
            yield Finding(("workbench", index), f"workbench module {spec.workbench[index]!r} is listed twice")
        for index in duplicates((n.event, n.recipient) for n in spec.notifications):
            yield Finding(("notifications", index), "this event and recipient are already configured above")
        if not playbook.of("wecom"):
            for index, notification in enumerate(spec.notifications):
                if "企业微信" in notification.via:
                    yield Finding(("notifications", index, "via"), "notifying through 企业微信 needs WeCom "
                                  "connected (declare wecom:)", severity="warning")

    def example(self) -> Any:
        return {"workbench": ["推广任务", "推广内容", "我的名片", "客户动态", "推广排行"],
                "notifications": [{"event": "客户提交表单", "recipient": "推广员工", "via": ["纷享消息"]},
                                  {"event": "获得新线索", "recipient": "线索负责人", "via": ["纷享消息", "短信"]}]}


# ---- 全员营销 (员工营销) --------------------------------------------------------------------------------

FXIAOKE_ADDRESS_BOOK = "纷享通讯录"
WECOM_ADDRESS_BOOK = "企业微信通讯录"
AddressBook = Literal["纷享通讯录", "企业微信通讯录"]
IncentiveBehaviour = Literal["转发内容", "带来访问", "带来线索", "带来报名", "带来成交"]


class Incentive(Spec):
    behaviour: IncentiveBehaviour = Field(title="推广行为")
    points: int = Field(ge=1, le=10000, title="奖励积分")
    daily_cap: int | None = Field(None, ge=1, title="每日上限", description="most points a day from this behaviour")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "daily_cap": "每天通过该行为最多获得的积分",
    }

    @model_validator(mode="after")
    def _cap(self) -> Incentive:
        if self.daily_cap is not None and self.daily_cap < self.points:
            raise ValueError(f"daily_cap {self.daily_cap} is below the {self.points} points of one {self.behaviour}")
        return self


class EmployeeMarketing(Spec):
    address_book: AddressBook = Field(FXIAOKE_ADDRESS_BOOK, title="通讯录",
                                      description="whose address book receives 全员营销 tasks; switching to "
                                                  f"{WECOM_ADDRESS_BOOK} is done by FxiaoKe's product consultant")
    scope: list[str] = Field(default_factory=lambda: ["全公司"], min_length=1, title="接收通知范围",
                             description="departments whose employees receive promotion tasks")
    incentives: list[Incentive] = Field(default_factory=list, title="激励规则")
    ranking: bool = Field(True, title="推广排行榜")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "address_book": f"接收全员营销任务的通讯录；切换为{WECOM_ADDRESS_BOOK}需联系纷享销客的产品顾问",
        "scope": "其员工接收推广任务的部门",
    }


_SWITCH = Phrase("{wecom}：不可自行切换，请联系纷享销客产品顾问切换（默认是{default}）",
                 "{wecom}: it cannot be switched in the console; ask the FxiaoKe product consultant to switch it "
                 "(the default is {default})")
_SWITCHED = Phrase("产品顾问确认已切换；{verify}", "the product consultant confirms the switch; {verify}")
_PRODUCT_CONSULTANT = Phrase("纷享销客产品顾问，然后{then}", "FxiaoKe product consultant, then {then}")


class EmployeeMarketingKind(SettingsKind[EmployeeMarketing]):
    name = "employee_marketing"
    title = "全员营销"
    summary = "Employee marketing: whose address book and which departments receive promotion tasks, and the incentives"
    guide = "2.5"
    model = EmployeeMarketing
    singleton = True
    depends_on = ("departments", "wecom")
    menu_path = "营销通 > 系统设置 > 营销插件 > 员工营销"
    manual_who = Phrase("实施顾问与客户营销管理员", "consultant with the client's marketing admin")
    verify = Phrase("一条测试推广任务送达上表中各部门的员工",
                    "a test promotion task reaches the employees of these departments")

    def references(self, spec: EmployeeMarketing) -> Iterable[Reference]:
        yield from department_references("scope", spec.scope)

    def check(self, resource: Resource[EmployeeMarketing], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for index in duplicates(i.behaviour for i in spec.incentives):
            yield Finding(("incentives", index), f"an incentive for {spec.incentives[index].behaviour} is declared "
                                                 "twice")
        if spec.address_book == WECOM_ADDRESS_BOOK and not playbook.of("wecom"):
            yield Finding(("address_book",), f"{WECOM_ADDRESS_BOOK} needs WeCom connected (declare wecom:)",
                          severity="warning")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        step = super().manual_step(key, state, words)
        if state.get("address_book") != WECOM_ADDRESS_BOOK:
            return step
        label = words.label("address_book", self.model.model_fields["address_book"])
        note = (label, words.say(_SWITCH, wecom=words.word(WECOM_ADDRESS_BOOK),
                                 default=words.word(FXIAOKE_ADDRESS_BOOK)))
        values = [note, *[(name, value) for name, value in step.values if name != label]]
        return ManualStep(menu_path=step.menu_path, values=values,
                          verify=words.say(_SWITCHED, verify=step.verify),
                          who=words.say(_PRODUCT_CONSULTANT, then=step.who))

    def example(self) -> Any:
        return {"address_book": FXIAOKE_ADDRESS_BOOK, "scope": ["市场部", "销售部"],
                "incentives": [{"behaviour": "转发内容", "points": 1, "daily_cap": 10},
                               {"behaviour": "带来线索", "points": 20}],
                "ranking": True}


KINDS: list[Kind[Any]] = [BusinessCardsKind(), MarketingAssistantKind(), EmployeeMarketingKind()]
