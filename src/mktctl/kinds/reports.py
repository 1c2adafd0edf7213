"""Data management (数据管理), guide 2.8: report packages installed by their code, the boards of the CRM
home page and the data cockpit, the marketing head's CRM menu bar, and monitoring alerts (e.g. email
delivery rate below 90 %, bounce rate above 5 %).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.shared import SettingsKind, duplicates
from mktctl.kinds.wording import CONSULTANT, CRM_ADMIN, PLAIN, Words

AD_REPORTS_PACKAGE = "99e3cdc7-286c-4357-8d78-bcdf8d8932a4"
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def role_references(path: str, roles: list[str]) -> Iterable[Reference]:
    for index, role in enumerate(roles):
        yield Reference((path, index), "roles", role)


# ---- 配置包 ---------------------------------------------------------------------------------------------


class ReportPackage(Spec):
    name: str = Field(min_length=1, max_length=40, title="配置包名称")
    code: str = Field(pattern=_UUID, title="配置包安装码", description="the package's install code (a UUID)")
    description: str = Field("", max_length=200, title="说明")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "code": "配置包安装码（UUID）",
    }


_CODE = Phrase("配置包安装码", "Package code")


class ReportPackagesKind(SettingsKind[ReportPackage]):
    name = "report_packages"
    title = "报表配置包"
    summary = "Report packages installed by their code, e.g. the ad reports of guide 2.4.1"
    guide = "2.8.1"
    model = ReportPackage
    menu_path = "CRM > 系统设置 > 环境 > 配置包 > 配置包安装"
    manual_who = CRM_ADMIN
    verify = Phrase("配置包中显示{key}已安装，其报表出现在报表中",
                    "the configuration packages list {key} as installed, and its reports appear under Reports")

    def check(self, resource: Resource[ReportPackage], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.code == AD_REPORTS_PACKAGE and not playbook.of("ad_accounts"):
            yield Finding(("code",), "the ad report package shows data of bound ad accounts, and none is declared "
                                     "(ad_accounts:)", severity="warning")

    def check_all(self, resources: list[Resource[ReportPackage]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        seen: dict[str, str] = {}
        for resource in resources:
            code = resource.spec.code
            if code in seen:
                yield resource, Finding(("code",), f"package code {code} is already installed as {seen[code]!r}")
            seen.setdefault(code, resource.key)

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        return ManualStep(menu_path=words.where(self.menu_path),
                          values=[(words.say(_CODE), str(state.get("code"))), (words.word("配置包"), key)],
                          verify=words.say(self.verify, key=words.quote(key)), who=words.say(self.manual_who))

    def example(self) -> Any:
        return {"name": "广告数据报表", "code": AD_REPORTS_PACKAGE, "description": "CRM 首页和数据驾驶舱的广告看板"}


# ---- 首页与数据驾驶舱 -----------------------------------------------------------------------------------

Place = Literal["CRM首页", "数据驾驶舱"]
PLACE_MENUS = {"CRM首页": "管理后台 > 首页管理 > 首页布局", "数据驾驶舱": "CRM > 数据驾驶舱 > 新建驾驶舱"}
Chart = Literal["指标卡", "柱状图", "折线图", "饼图", "漏斗图", "表格"]
Period = Literal["今天", "本周", "本月", "本季度", "本年", "近30天", "近90天"]


class Widget(Spec):
    report: str = Field(min_length=1, max_length=60, title="报表", description="a report's name, e.g. 线索来源分析")
    package: str | None = Field(None, title="来自配置包", description="a report_packages item that provides it")
    chart: Chart = Field("指标卡", title="图表类型")
    period: Period = Field("本月", title="统计周期")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "report": "报表名称，如 线索来源分析",
        "package": "提供该报表的配置包，填报表配置包中的一项",
    }


class Dashboard(Spec):
    name: str = Field(min_length=1, max_length=40, title="看板名称")
    place: Place = Field(title="位置")
    roles: list[str] = Field(min_length=1, title="适用角色")
    widgets: list[Widget] = Field(min_length=1, title="报表组件", description="in the order they are shown")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "widgets": "按显示顺序填写",
    }


class DashboardsKind(SettingsKind[Dashboard]):
    name = "dashboards"
    title = "首页与数据驾驶舱"
    summary = "Report boards on the CRM home page and in the data cockpit, per role"
    guide = "2.8.2"
    model = Dashboard
    depends_on = ("roles", "report_packages")
    menu_path = "管理后台 > 首页管理 / CRM > 数据驾驶舱"
    manual_who = CRM_ADMIN
    verify = Phrase("以上表中角色的员工登录：{key}按上表顺序显示这些报表",
                    "log in as a user of these roles: {key} shows these reports in this order")

    def references(self, spec: Dashboard) -> Iterable[Reference]:
        yield from role_references("roles", spec.roles)
        for index, widget in enumerate(spec.widgets):
            if widget.package:
                yield Reference(("widgets", index, "package"), "report_packages", widget.package)

    def check(self, resource: Resource[Dashboard], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        reports = [w.report for w in spec.widgets]
        for index in duplicates(reports):
            yield Finding(("widgets", index, "report"), f"report {reports[index]!r} is on the board twice")
        for index in duplicates(spec.roles):
            yield Finding(("roles", index), f"role {spec.roles[index]!r} is listed twice")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        step = super().manual_step(key, state, words)
        where = PLACE_MENUS.get(str(state.get("place")), self.menu_path)
        return ManualStep(menu_path=words.where(where, key), values=step.values, verify=step.verify, who=step.who)

    def example(self) -> Any:
        return {"name": "市场部首页", "place": "CRM首页", "roles": ["市场经理"],
                "widgets": [{"report": "本月新增线索", "chart": "指标卡"},
                            {"report": "线索来源分析", "chart": "饼图"},
                            {"report": "广告投放ROI", "package": "广告数据报表", "chart": "柱状图"},
                            {"report": "线索转化漏斗", "chart": "漏斗图", "period": "本季度"}]}


# ---- 菜单栏 ---------------------------------------------------------------------------------------------

MenuItem = Literal["首页", "营销通", "市场活动", "销售线索", "线索池", "客户", "联系人", "商机", "销售订单", "广告营销",
                   "企业微信客户", "微信用户", "会员", "报表", "数据驾驶舱", "审批", "日程", "待办"]


class Menu(Spec):
    name: str = Field(min_length=1, max_length=40, title="菜单名称")
    roles: list[str] = Field(min_length=1, title="适用角色")
    items: list[MenuItem] = Field(min_length=1, title="菜单项", description="in order")
    home: str | None = Field(None, title="默认首页", description="a dashboards item placed on the CRM首页")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "items": "按显示顺序填写",
        "home": "放在CRM首页的看板，填首页与数据驾驶舱中的一项",
    }


class MenusKind(SettingsKind[Menu]):
    name = "menus"
    title = "CRM菜单栏"
    summary = "The CRM menu bar of a role, e.g. the marketing head's, and its default home board"
    guide = "2.8.2"
    model = Menu
    depends_on = ("roles", "dashboards")
    menu_path = "管理后台 > 菜单管理"
    manual_who = CRM_ADMIN
    verify = Phrase("以上表中角色的员工登录：菜单栏按上表顺序显示这些菜单项",
                    "log in as a user of these roles: the menu bar shows these items in this order")

    def references(self, spec: Menu) -> Iterable[Reference]:
        yield from role_references("roles", spec.roles)
        if spec.home:
            yield Reference(("home",), "dashboards", spec.home)

    def check(self, resource: Resource[Menu], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for index in duplicates(spec.items):
            yield Finding(("items", index), f"menu item {spec.items[index]!r} is listed twice")
        board = playbook.find("dashboards", spec.home) if spec.home else None
        if board is not None and board.spec.place != "CRM首页":
            yield Finding(("home",), f"the home board must be on the CRM首页, and {spec.home!r} is in the "
                                     f"{board.spec.place}")

    def check_all(self, resources: list[Resource[Menu]], playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        owner: dict[str, str] = {}
        for resource in resources:
            for index, role in enumerate(resource.spec.roles):
                if role in owner and owner[role] != resource.key:
                    yield resource, Finding(("roles", index), f"role {role!r} already has the menu {owner[role]!r}")
                owner.setdefault(role, resource.key)

    def example(self) -> Any:
        return {"name": "市场部负责人菜单", "roles": ["市场经理"],
                "items": ["首页", "营销通", "市场活动", "销售线索", "线索池", "广告营销", "报表", "数据驾驶舱"],
                "home": "市场部首页"}


# ---- 监控预警 -------------------------------------------------------------------------------------------

Metric = Literal["送达率", "退回率", "打开率", "点击率", "退订率", "投诉率", "表单转化率", "线索转化率", "线索量",
                 "广告消费"]
GOOD_METRICS = ("送达率", "打开率", "点击率", "表单转化率", "线索转化率", "线索量")
RATE_METRICS = ("送达率", "退回率", "打开率", "点击率", "退订率", "投诉率", "表单转化率", "线索转化率")


class Alert(Spec):
    name: str = Field(min_length=1, max_length=40, title="预警名称")
    metric: Metric = Field(title="指标")
    channel: Literal["邮件", "短信", "公众号", "企业微信", "广告", "全部"] = Field("全部", title="渠道")
    when: Literal["低于", "高于"] = Field(title="触发条件")
    threshold: int | float = Field(ge=0, title="阈值", description="a percentage for rates (90 means 90 %)")
    window: Literal["每次发送", "每天", "每周", "每月"] = Field("每次发送", title="统计周期")
    notify_roles: list[str] = Field(min_length=1, title="通知角色")
    via: list[Literal["纷享消息", "邮件", "企业微信", "短信"]] = Field(default_factory=lambda: ["纷享消息"],
                                                                  min_length=1, title="通知方式")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "threshold": "比率类指标填百分数（90 表示 90%）",
    }


class AlertsKind(SettingsKind[Alert]):
    name = "alerts"
    title = "监控预警"
    summary = "Alerts on marketing metrics, e.g. email delivery rate below 90 % or bounce rate above 5 %"
    guide = "2.8"
    model = Alert
    depends_on = ("roles",)
    menu_path = "营销通 > 系统设置 > 监控预警"
    manual_who = CONSULTANT
    verify = Phrase("预警{key}已启用；一次越过阈值的测试发送会通知上表中的角色",
                    "the alert {key} is enabled; a test that crosses the threshold notifies these roles")

    def references(self, spec: Alert) -> Iterable[Reference]:
        yield from role_references("notify_roles", spec.notify_roles)

    def check(self, resource: Resource[Alert], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.metric in RATE_METRICS and spec.threshold > 100:
            yield Finding(("threshold",), f"{spec.metric} is a percentage: the threshold is 0 to 100")
        expected = "低于" if spec.metric in GOOD_METRICS else "高于"
        if spec.when != expected:
            yield Finding(("when",), f"this alert fires while {spec.metric} is {spec.when} {spec.threshold:g}, which "
                                     f"is the good side; did you mean {expected}?", severity="warning")

    def example(self) -> Any:
        return {"name": "邮件送达率过低", "metric": "送达率", "channel": "邮件", "when": "低于", "threshold": 90,
                "notify_roles": ["市场经理"], "via": ["纷享消息", "邮件"]}


KINDS: list[Kind[Any]] = [ReportPackagesKind(), DashboardsKind(), MenusKind(), AlertsKind()]
