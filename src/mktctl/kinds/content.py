"""Content and marketing collaboration (内容管理和营销协同), guide 2.5.

The content centre, the mini-program 数字展厅, employee business cards, the marketing assistant, the send
scope and incentives of 全员营销, and member marketing. None of these has a call in the public FxiaoKe
API: the sandbox keeps them through its extension API, a real tenant gets manual steps in 营销通.

The cards, the 数字展厅, the marketing assistant and the member centre live in a WeChat mini program. A
client without its own mini program (a ``wechat_accounts`` item of type 小程序) falls back to FxiaoKe's
public mini program 客脉; the checks warn and say what differs, unless the playbook acknowledges it with
``mini_program: 客脉``.

The first part of this module is shared by the kinds of guide 2.5–2.8 (``SettingsKind`` and the
Chinese labels of manual steps).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from mktctl.base.suggest import did_you_mean
from mktctl.kinds.base import Finding, Kind, ManualStep, Playbook, Reference, Resource, S, Spec
from mktctl.kinds.products import labelled_values

# ---- shared by the settings-only kinds of guide 2.5-2.8 -------------------------------------------------


class SettingsKind(Kind[S]):
    """A kind that only has a settings part (``api_fields`` is empty).

    Its manual step lists the values under the Chinese labels the platform shows (each field's ``title``, see
    :func:`mktctl.kinds.products.labelled_values`), at ``menu_path`` (followed by the item's name for list kinds).
    """

    verify: ClassVar[str] = "the page shows these values"

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        where = self.menu_path if self.singleton else f"{self.menu_path} > {key}"
        return ManualStep(menu_path=where, values=labelled_values(self.model, state) or [("(默认设置)", "—")],
                          verify=self.verify.format(key=key), who=self.manual_who)


def unknown(word: str, options: Iterable[str], where: str) -> str:
    """``'行业洞擦' is not one of categories.articles; did you mean '行业洞察'?``"""
    return f"{word!r} is not {where}" + hint(word, options)


def hint(word: str, options: Iterable[str]) -> str:
    """``; did you mean 'x'?``, or ``; known: a, b`` when nothing is close, or ``; none is declared``."""
    choices = list(options)
    close = did_you_mean(word, choices)
    if close:
        return f"; {close}"
    return f"; known: {', '.join(choices)}" if choices else "; none is declared"


def duplicates(values: Iterable[Any]) -> list[int]:
    """Positions of the values that already appeared earlier."""
    seen: set[Any] = set()
    found = []
    for index, value in enumerate(values):
        if value in seen:
            found.append(index)
        seen.add(value)
    return found


# ---- the mini program: the client's own, or the public 客脉 ---------------------------------------------

PUBLIC_MINI_PROGRAM = "客脉"
PUBLIC_MINI_PROGRAM_DIFFERENCES = (
    "customers see the name and logo of 客脉 instead of the client's brand, visitors cannot be matched with "
    "the client's 公众号 followers and WeCom contacts (no UnionID through the client's open platform), and "
    "客脉 cannot be linked from the client's 公众号 menu or use the client's subscription messages")


def own_mini_programs(playbook: Playbook) -> list[str]:
    """The keys of the client's own mini programs: ``wechat_accounts`` items whose type is 小程序.

    A playbook without the ``wechat_accounts`` kind (or without such items) has none.
    """
    return [r.key for r in playbook.of("wechat_accounts") if getattr(r.spec, "type", None) == "小程序"]


def mini_program_findings(title: str, chosen: str | None, playbook: Playbook) -> Iterable[Finding]:
    """Check a ``mini_program`` field: a known mini program, or the 客脉 fallback with a warning."""
    own = own_mini_programs(playbook)
    if chosen == PUBLIC_MINI_PROGRAM:
        return
    if chosen is not None and chosen not in own:
        yield Finding(("mini_program",), unknown(chosen, [*own, PUBLIC_MINI_PROGRAM],
                                                 "a mini program of wechat_accounts (type 小程序)"))
        return
    if chosen is None and len(own) > 1:
        yield Finding((), f"{title}: the client has several mini programs ({', '.join(own)}); say which with "
                          "mini_program:")
    if chosen is None and not own:
        yield Finding((), f"{title}: the client has no mini program of its own (no wechat_accounts item of type "
                      f"小程序), so it falls back to FxiaoKe's public mini program {PUBLIC_MINI_PROGRAM}: "
                      f"{PUBLIC_MINI_PROGRAM_DIFFERENCES}; tell the client, or write mini_program: "
                      f"{PUBLIC_MINI_PROGRAM} to record that they agreed", severity="warning")


def _mini_program_field() -> Any:
    return Field(None, title="小程序",
                 description="the client's mini program (a wechat_accounts item of type 小程序; default: the only "
                             f"one), or {PUBLIC_MINI_PROGRAM} to use FxiaoKe's public mini program knowingly")


def department_references(path: str, departments: list[str]) -> Iterable[Reference]:
    from mktctl.kinds.departments import WHOLE_COMPANY

    for index, name in enumerate(departments):
        if name != WHOLE_COMPANY:
            yield Reference((path, index), "departments", name)


# ---- 内容中心 ---------------------------------------------------------------------------------------------

ContentSource = Literal["原创", "公众号文章", "外部链接"]
PosterTarget = Literal["微页面", "文章", "产品", "活动报名", "员工名片", "公众号关注"]
FILE_TYPES = (".pdf", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx", ".mp4", ".zip", ".jpg", ".png")


class ContentCategories(Spec):
    articles: list[str] = Field(default_factory=list, title="文章分组")
    posters: list[str] = Field(default_factory=list, title="海报分组")
    files: list[str] = Field(default_factory=list, title="文件分组")
    products: list[str] = Field(default_factory=list, title="产品分组")


class Article(Spec):
    title: str = Field(min_length=1, max_length=64, title="标题")
    category: str | None = Field(None, title="分组", description="one of categories.articles")
    source: ContentSource = Field("原创", title="来源")
    url: str | None = Field(None, title="原文链接", description="needed for 公众号文章 and 外部链接")
    summary: str = Field("", max_length=200, title="摘要")

    @model_validator(mode="after")
    def _url(self) -> Article:
        if self.source != "原创" and not self.url:
            raise ValueError(f"an article from {self.source} needs its url")
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValueError("url must start with https:// or http://")
        return self


class Poster(Spec):
    title: str = Field(min_length=1, max_length=64, title="海报名称")
    category: str | None = Field(None, title="分组", description="one of categories.posters")
    links_to: PosterTarget = Field("微页面", title="二维码跳转")
    target: str | None = Field(None, title="跳转内容", description="the page, article or product the QR code opens")


class ContentFile(Spec):
    title: str = Field(min_length=1, max_length=64, title="文件名称")
    category: str | None = Field(None, title="分组", description="one of categories.files")
    file: str = Field(min_length=1, title="文件", description=f"the file to upload ({', '.join(FILE_TYPES)})")
    allow_download: bool = Field(True, title="允许下载")
    form_before_download: bool = Field(False, title="下载前留资", description="ask for contact details first")

    @model_validator(mode="after")
    def _type(self) -> ContentFile:
        if not self.file.lower().endswith(FILE_TYPES):
            raise ValueError(f"file {self.file!r}: the content centre takes {', '.join(FILE_TYPES)}")
        return self


class Product(Spec):
    name: str = Field(min_length=1, max_length=64, title="产品名称")
    category: str | None = Field(None, title="分组", description="one of categories.products")
    summary: str = Field("", max_length=200, title="产品简介")
    price: str | None = Field(None, title="价格", description="as shown, e.g. '¥39,800/年' or '询价'")


class ContentCenter(Spec):
    categories: ContentCategories = Field(default_factory=ContentCategories, title="分组",
                                          description="the groups of each content type")
    review_required: bool = Field(True, title="发布前审核",
                                  description="content is reviewed before it can be promoted (seed 001: by the "
                                              "marketing manager)")
    reviewer_role: str | None = Field(None, title="审核角色", description="a role's name")
    articles: list[Article] = Field(default_factory=list, title="文章")
    posters: list[Poster] = Field(default_factory=list, title="海报")
    files: list[ContentFile] = Field(default_factory=list, title="文件")
    products: list[Product] = Field(default_factory=list, title="产品")


_CONTENT_SECTIONS = {"articles": "title", "posters": "title", "files": "title", "products": "name"}


class ContentCenterKind(SettingsKind[ContentCenter]):
    name = "content_center"
    title = "内容中心"
    summary = "The content centre: articles, posters, files and products, each in categories"
    guide = "2.5"
    model = ContentCenter
    singleton = True
    depends_on = ("roles",)
    menu_path = "营销通 > 内容中心"
    manual_who = "consultant with the client's marketing team"
    verify = "each content type lists these groups and items, with the same titles"

    def references(self, spec: ContentCenter) -> Iterable[Reference]:
        if spec.reviewer_role:
            yield Reference(("reviewer_role",), "roles", spec.reviewer_role)

    def check(self, resource: Resource[ContentCenter], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for section, key in _CONTENT_SECTIONS.items():
            categories: list[str] = getattr(spec.categories, section)
            for index in duplicates(categories):
                yield Finding(("categories", section, index), f"category {categories[index]!r} is listed twice")
            items = getattr(spec, section)
            for index in duplicates(getattr(item, key) for item in items):
                yield Finding((section, index, key), f"{section}: {getattr(items[index], key)!r} is declared twice")
            for index, item in enumerate(items):
                if item.category is not None and item.category not in categories:
                    yield Finding((section, index, "category"),
                                  unknown(item.category, categories, f"one of categories.{section}"))
        if spec.review_required and spec.reviewer_role is None:
            yield Finding(("review_required",), "review_required needs reviewer_role: who reviews the content",
                          severity="warning")

    def example(self) -> Any:
        return {
            "categories": {"articles": ["行业洞察", "客户案例"], "files": ["白皮书"], "posters": ["活动海报"],
                           "products": ["营销云"]},
            "review_required": True,
            "reviewer_role": "市场经理",
            "articles": [{"title": "制造业数字化营销的五个阶段", "category": "行业洞察", "summary": "从线索到复购"},
                         {"title": "某装备集团的营销通实践", "category": "客户案例", "source": "公众号文章",
                          "url": "https://mp.weixin.qq.com/s/example"}],
            "posters": [{"title": "年度峰会邀请海报", "category": "活动海报", "links_to": "活动报名",
                         "target": "2025 年度客户峰会"}],
            "files": [{"title": "产品白皮书", "category": "白皮书", "file": "产品白皮书-2025.pdf",
                       "form_before_download": True}],
            "products": [{"name": "营销通旗舰版", "category": "营销云", "price": "询价"}],
        }


# ---- 小程序微站 (数字展厅) -------------------------------------------------------------------------------

MicroSiteSection = Literal["轮播图", "企业介绍", "产品中心", "解决方案", "客户案例", "新闻动态", "活动中心", "联系我们"]


class MicroSite(Spec):
    title: str = Field(min_length=1, max_length=30, title="展厅名称")
    mini_program: str | None = _mini_program_field()
    sections: list[MicroSiteSection] = Field(
        default_factory=lambda: ["轮播图", "企业介绍", "产品中心", "客户案例", "联系我们"], title="展厅栏目",
        description="the sections of the 数字展厅, in order")
    products: list[str] = Field(default_factory=list, title="展示产品",
                                description="products of the content centre to show")
    share_title: str | None = Field(None, max_length=30, title="分享标题")


class MicroSiteKind(SettingsKind[MicroSite]):
    name = "micro_site"
    title = "小程序微站(数字展厅)"
    summary = "The digital showroom in the client's mini program: sections and products"
    guide = "2.5"
    model = MicroSite
    singleton = True
    depends_on = ("wechat_accounts", "content_center")
    menu_path = "营销通 > 小程序微站 > 数字展厅"
    manual_who = "consultant with the client's mini-program admin"
    verify = "open the 数字展厅 in the mini program: the sections and products appear in this order"

    def check(self, resource: Resource[MicroSite], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        yield from mini_program_findings("数字展厅", spec.mini_program, playbook)
        for index in duplicates(spec.sections):
            yield Finding(("sections", index), f"section {spec.sections[index]!r} is listed twice")
        if spec.products and "产品中心" not in spec.sections:
            yield Finding(("products",), "products are shown in the 产品中心 section; add it to sections")
        known = _content_products(playbook)
        for index, product in enumerate(spec.products):
            if product not in known:
                yield Finding(("products", index), unknown(product, known, "a product of content_center"))

    def example(self) -> Any:
        return {"title": "示例科技数字展厅", "sections": ["轮播图", "企业介绍", "产品中心", "客户案例", "联系我们"],
                "products": ["营销通旗舰版"], "share_title": "欢迎参观示例科技"}


def _content_products(playbook: Playbook) -> list[str]:
    found: list[str] = []
    for resource in playbook.of("content_center"):
        found.extend(p.name for p in resource.spec.products)
    return found


# ---- 员工名片 -------------------------------------------------------------------------------------------

CardField = Literal["姓名", "职位", "部门", "手机", "座机", "邮箱", "微信二维码", "公司地址", "个人简介"]


class BusinessCards(Spec):
    mini_program: str | None = _mini_program_field()
    fields: list[CardField] = Field(default_factory=lambda: ["姓名", "职位", "手机", "邮箱", "公司地址"],
                                    title="名片字段", description="what each card shows, in order")
    departments: list[str] = Field(default_factory=lambda: ["全公司"], title="开通范围",
                                   description="departments whose employees get a card")
    employee_can_edit: bool = Field(True, title="员工可编辑名片")
    company_intro: str = Field("", max_length=500, title="企业介绍")
    show_products: bool = Field(True, title="名片展示产品")


class BusinessCardsKind(SettingsKind[BusinessCards]):
    name = "business_cards"
    title = "员工名片"
    summary = "Employee business cards in the mini program: fields, who gets one, the company intro"
    guide = "2.5"
    model = BusinessCards
    singleton = True
    depends_on = ("departments", "wechat_accounts")
    menu_path = "营销通 > 系统设置 > 员工名片设置"
    manual_who = "consultant with the client's marketing admin"
    verify = "open an employee's card in the mini program: it shows these fields and the company intro"

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


# ---- 营销助手 (推广工作台, 通知配置) -------------------------------------------------------------------

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
    mini_program: str | None = _mini_program_field()
    workbench: list[WorkbenchModule] = Field(
        default_factory=lambda: ["推广任务", "推广内容", "我的名片", "客户动态"], title="推广工作台",
        description="the modules of the promotion workbench, in order")
    notifications: list[Notification] = Field(default_factory=list, title="通知配置")


class MarketingAssistantKind(SettingsKind[MarketingAssistant]):
    name = "marketing_assistant"
    title = "营销助手"
    summary = "The marketing assistant: the promotion workbench and who is notified of what"
    guide = "2.5"
    model = MarketingAssistant
    singleton = True
    depends_on = ("wechat_accounts", "wecom")
    menu_path = "营销通 > 营销协同 > 推广工作台与通知配置"
    manual_who = "consultant with the client's marketing admin"
    verify = "an employee's 营销助手 shows these workbench modules; a test visit sends the notification"

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


# ---- 全员营销 (员工营销) ------------------------------------------------------------------------------

FXIAOKE_ADDRESS_BOOK = "纷享通讯录"
WECOM_ADDRESS_BOOK = "企业微信通讯录"
AddressBook = Literal["纷享通讯录", "企业微信通讯录"]
IncentiveBehaviour = Literal["转发内容", "带来访问", "带来线索", "带来报名", "带来成交"]


class Incentive(Spec):
    behaviour: IncentiveBehaviour = Field(title="推广行为")
    points: int = Field(ge=1, le=10000, title="奖励积分")
    daily_cap: int | None = Field(None, ge=1, title="每日上限", description="most points a day from this behaviour")

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


class EmployeeMarketingKind(SettingsKind[EmployeeMarketing]):
    name = "employee_marketing"
    title = "全员营销"
    summary = "全员营销: whose address book and which departments receive promotion tasks, and the incentives"
    guide = "2.5"
    model = EmployeeMarketing
    singleton = True
    depends_on = ("departments", "wecom")
    menu_path = "营销通 > 系统设置 > 营销插件 > 员工营销"
    manual_who = "consultant with the client's marketing admin"
    verify = "a test promotion task reaches the employees of these departments"

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

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        step = super().manual_step(key, state)
        if state.get("address_book") != WECOM_ADDRESS_BOOK:
            return step
        note = ("通讯录", f"{WECOM_ADDRESS_BOOK}: 不可自行切换; 请联系纷享产品顾问切换 (默认是{FXIAOKE_ADDRESS_BOOK})")
        values = [note, *[(label, value) for label, value in step.values if label != "通讯录"]]
        return ManualStep(menu_path=step.menu_path, values=values,
                          verify="the product consultant confirms the switch; " + step.verify,
                          who="FxiaoKe product consultant (产品顾问), then " + self.manual_who)

    def example(self) -> Any:
        return {"address_book": FXIAOKE_ADDRESS_BOOK, "scope": ["市场部", "销售部"],
                "incentives": [{"behaviour": "转发内容", "points": 1, "daily_cap": 10},
                               {"behaviour": "带来线索", "points": 20}],
                "ranking": True}


# ---- 会员营销 ---------------------------------------------------------------------------------------------

RegistrationField = Literal["手机号", "姓名", "性别", "生日", "邮箱", "公司", "城市"]
MemberBehaviour = Literal["注册会员", "每日签到", "完善资料", "消费", "邀请好友", "参与活动", "分享内容", "评价"]
PointsExpiry = Literal["永久有效", "每年年底清零", "获得后12个月"]
PERSONAL_FIELDS = ("手机号", "姓名", "生日", "邮箱")


class Tier(Spec):
    name: str = Field(min_length=1, max_length=20, title="等级名称")
    growth_min: int = Field(ge=0, title="所需成长值", description="the growth value from which a member has this tier")
    benefits: list[str] = Field(default_factory=list, title="等级权益")


class EarnRule(Spec):
    behaviour: MemberBehaviour = Field(title="行为")
    points: int = Field(ge=1, title="积分")
    growth: int = Field(0, ge=0, title="成长值", description="growth value earned too (the second track)")
    daily_cap: int | None = Field(None, ge=1, title="每日上限")


class Kol(Spec):
    name: str = Field("KOL口碑官", min_length=1, title="KOL名称")
    min_tier: str = Field(title="最低等级", description="a tier's name: members from this tier may become KOL")
    min_referrals: int = Field(1, ge=0, title="邀请人数门槛", description="successful referrals needed")
    referral_points: int = Field(0, ge=0, title="每次邀请奖励积分")
    benefits: list[str] = Field(default_factory=list, title="KOL权益")


class MemberMarketing(Spec):
    entry: Literal["小程序", "公众号"] = Field("小程序", title="会员中心入口")
    mini_program: str | None = _mini_program_field()
    registration_fields: list[RegistrationField] = Field(default_factory=lambda: ["手机号", "姓名"],
                                                         title="注册信息")
    privacy_consent: bool = Field(True, title="注册时勾选隐私协议")
    tiers: list[Tier] = Field(min_length=1, title="会员等级", description="lowest first; the first starts at 0")
    points_name: str = Field("积分", min_length=1, max_length=10, title="积分名称")
    earn: list[EarnRule] = Field(default_factory=list, title="积分规则")
    points_expiry: PointsExpiry = Field("获得后12个月", title="积分有效期")
    kol: Kol | None = Field(None, title="KOL口碑体系", description="members who refer others (seed 004)")


class MemberMarketingKind(SettingsKind[MemberMarketing]):
    name = "member_marketing"
    title = "会员营销"
    summary = "Member marketing: registration, tiers by growth value, points, and a KOL programme"
    guide = "2.5"
    model = MemberMarketing
    singleton = True
    depends_on = ("wechat_accounts",)
    menu_path = "营销通 > 会员营销 > 会员设置"
    manual_who = "consultant with the client's member-operations owner"
    verify = "register a test member: it gets the first tier, and a test behaviour adds the points"

    def check(self, resource: Resource[MemberMarketing], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.entry == "小程序":
            yield from mini_program_findings("会员中心", spec.mini_program, playbook)
        elif spec.mini_program is not None:
            yield Finding(("mini_program",), "mini_program is for entry: 小程序")
        if spec.tiers[0].growth_min != 0:
            yield Finding(("tiers", 0, "growth_min"), "the first tier starts at 0, so that every new member has one")
        for index in range(1, len(spec.tiers)):
            if spec.tiers[index].growth_min <= spec.tiers[index - 1].growth_min:
                yield Finding(("tiers", index, "growth_min"),
                              f"tier {spec.tiers[index].name!r} needs more growth than {spec.tiers[index - 1].name!r} "
                              f"({spec.tiers[index - 1].growth_min}); list tiers from lowest to highest")
        names = [t.name for t in spec.tiers]
        for index in duplicates(names):
            yield Finding(("tiers", index, "name"), f"tier {names[index]!r} is declared twice")
        for index in duplicates(rule.behaviour for rule in spec.earn):
            yield Finding(("earn", index), f"a points rule for {spec.earn[index].behaviour} is declared twice")
        if spec.kol is not None and spec.kol.min_tier not in names:
            yield Finding(("kol", "min_tier"), unknown(spec.kol.min_tier, names, "one of the tiers"))
        personal = [f for f in spec.registration_fields if f in PERSONAL_FIELDS]
        if personal and not spec.privacy_consent:
            yield Finding(("privacy_consent",), f"registration collects {'、'.join(personal)} without the privacy "
                                                "consent box (PIPL: collect personal information with consent)",
                          severity="warning")

    def example(self) -> Any:
        return {"entry": "小程序", "registration_fields": ["手机号", "姓名", "生日"],
                "tiers": [{"name": "普通会员", "growth_min": 0}, {"name": "银卡会员", "growth_min": 500,
                                                                  "benefits": ["生日礼"]},
                          {"name": "金卡会员", "growth_min": 2000, "benefits": ["生日礼", "新品优先体验"]}],
                "earn": [{"behaviour": "注册会员", "points": 100, "growth": 100},
                         {"behaviour": "每日签到", "points": 5, "daily_cap": 5}],
                "points_expiry": "获得后12个月",
                "kol": {"min_tier": "银卡会员", "min_referrals": 3, "referral_points": 200}}


KINDS: list[Kind[Any]] = [ContentCenterKind(), MicroSiteKind(), BusinessCardsKind(), MarketingAssistantKind(),
                          EmployeeMarketingKind(), MemberMarketingKind()]

__all__ = ["KINDS", "SettingsKind", "department_references", "duplicates", "hint", "own_mini_programs", "unknown"]
