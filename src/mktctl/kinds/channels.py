"""Marketing channels (营销渠道接入), guide 2.4: ad platforms, the WeChat ecosystem, WeCom, website forms,
SMS and e-mail.

None of these has a public API: binding an account is an authorisation that a client admin does by
logging in or scanning a QR code, so against a real tenant each is a manual step naming who does it.
The sandbox keeps them through its extension API.

* ``ad_accounts`` (2.4.1, 2.4.2): 百度, 巨量引擎 (头条), 腾讯广告 with impression/click/spend and plan and
  keyword sync (the first authorisation pulls the last 30 days); lead connectors of 搜狗, 知乎, 快手, 神马,
  小红书; Google, LinkedIn, Facebook with conversion postback (广告回传). Several accounts per platform.
* ``wechat_open_platform``, ``wechat_accounts`` (服务号, 小程序, 视频号; a 订阅号 is refused), ``wecom`` (2.4.3).
* ``website_forms`` (2.4.4), ``sms_channel`` (2.4.5), ``email_channel`` (2.4.6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mktctl.kinds.audience import split_tag, tag_reference, tag_value_findings
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Path_, Playbook, Reference, Resource, Spec
from mktctl.kinds.basic_settings import hostname, url
from mktctl.kinds.leads import as_texts, lead_field
from mktctl.kinds.products import CONNECTOR_PLATFORMS, labelled_values, unique

Platform = Literal["百度", "巨量引擎", "腾讯广告", "搜狗", "知乎", "快手", "神马", "小红书", "Google", "LinkedIn",
                   "Facebook"]
DATA_PLATFORMS = ("百度", "巨量引擎", "腾讯广告")  # impressions, clicks, spend, plans and keywords
OVERSEAS_PLATFORMS = ("Google", "LinkedIn", "Facebook")
PLATFORM_ALIASES = {"头条": "巨量引擎", "今日头条": "巨量引擎", "巨量": "巨量引擎", "腾讯": "腾讯广告",
                    "广点通": "腾讯广告", "谷歌": "Google", "领英": "LinkedIn", "脸书": "Facebook", "google": "Google",
                    "linkedin": "LinkedIn", "facebook": "Facebook"}
LandingPage = Literal["广告平台落地页", "官网表单", "营销通微页面"]
_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_\-]{3,64}$")
_WX_APP_ID = re.compile(r"^wx[0-9a-f]{16}$")
_WECOM_CORP_ID = re.compile(r"^w[wx][0-9a-f]{16}$")
_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[A-Za-z]{2,})$")
_UNSUBSCRIBE = ("回T退订", "退订回T", "拒收请回复R", "回TD退订", "退订回TD")
LEAD_POOL_HINT = "leads from it go nowhere"


def _default_pool(playbook: Playbook) -> str | None:
    for resource in playbook.of("basic_settings"):
        storage = getattr(resource.spec, "lead_storage", None)
        if storage is not None:
            return str(storage.default_pool)
    return None


def _no_pool(what: str, path: tuple[str | int, ...]) -> Finding:
    return Finding(path, f"{what} has no lead pool and basic_settings names no lead_storage.default_pool: "
                       f"{LEAD_POOL_HINT}; set pool", severity="warning")


# ---- ad accounts ---------------------------------------------------------------------------------


class AdLeadSync(Spec):
    enabled: bool = Field(True, title="线索对接", description="push the platform's leads into CRM")
    pool: str | None = Field(None, title="存入线索池", description="default: basic_settings.lead_storage.default_pool")
    source: str | None = Field(None, title="线索来源", description="the 线索来源 value set on the leads")
    push_plan_keyword: bool = Field(False, title="推送广告计划和关键词",
                                    description="百度/巨量引擎/腾讯广告 only; such leads arrive minutes to an "
                                                "hour late")
    field_mapping: dict[str, str] = Field(default_factory=dict, title="字段映射",
                                          description="the platform's lead field -> the 销售线索 field (API name)")

    @field_validator("field_mapping")
    @classmethod
    def _mapping(cls, value: dict[str, str]) -> dict[str, str]:
        for target in value.values():
            lead_field(target)
        return value


class AdPostback(Spec):
    events: list[Literal["线索", "有效线索", "MQL", "商机", "赢单"]] = Field(min_length=1, title="回传事件",
                                                                  description="CRM events sent back as conversions")
    conversion_name: str | None = Field(None, max_length=100, title="转化名称",
                                        description="the conversion action in the ad platform")

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        return unique(value)


class AdAccount(Spec):
    name: str = Field(min_length=1, max_length=50, title="账户名称", description="the account's name in 营销通")
    platform: Platform = Field(title="广告平台")
    account_id: str = Field(title="广告账户ID", description="the account id shown by the ad platform")
    data_sync: bool = Field(False, title="同步展点消",
                            description="impressions, clicks and spend (default on where the platform has it)")
    plan_keyword_sync: bool = Field(False, title="同步计划和关键词", description="百度, 巨量引擎 and 腾讯广告 only")
    lead_sync: AdLeadSync | None = Field(None, title="线索对接")
    landing_page: LandingPage = Field("广告平台落地页", title="落地页类型",
                                      description="广告平台落地页, 官网表单 (with UTM parameters) or 营销通微页面 "
                                                  "(on the client's own domain)")
    website_form: str | None = Field(None, title="官网表单", description="the website form of a 官网表单 landing page")
    postback: AdPostback | None = Field(None, title="广告回传", description="conversion postback: Google, LinkedIn, "
                                                                          "Facebook")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        platform = data.get("platform")
        if isinstance(platform, str):
            platform = PLATFORM_ALIASES.get(platform, PLATFORM_ALIASES.get(platform.lower(), platform))
            data["platform"] = platform
        if isinstance(data.get("account_id"), int):
            data["account_id"] = str(data["account_id"])
        data.setdefault("data_sync", platform not in CONNECTOR_PLATFORMS)
        data.setdefault("plan_keyword_sync", platform in DATA_PLATFORMS)
        sync = data.get("lead_sync")
        if isinstance(sync, dict) and "push_plan_keyword" not in sync:
            data["lead_sync"] = {**sync, "push_plan_keyword": platform in DATA_PLATFORMS}
        return data

    @field_validator("account_id")
    @classmethod
    def _account_id(cls, value: str) -> str:
        if not _ACCOUNT_ID.match(value):
            raise ValueError(f"{value!r} is not an ad account id (letters, digits, - and _)")
        return value

    @field_validator("data_sync")
    @classmethod
    def _data_sync(cls, value: bool, info: ValidationInfo) -> bool:
        platform = info.data.get("platform")
        if value and platform in CONNECTOR_PLATFORMS:
            raise ValueError(f"{platform} connects leads only (线索对接); it has no impression/click/spend sync")
        return value

    @field_validator("plan_keyword_sync")
    @classmethod
    def _plan_keyword(cls, value: bool, info: ValidationInfo) -> bool:
        platform = info.data.get("platform")
        if value and platform is not None and platform not in DATA_PLATFORMS:
            raise ValueError(f"plan and keyword sync is for 百度, 巨量引擎 and 腾讯广告, not {platform}")
        return value

    @field_validator("postback")
    @classmethod
    def _postback(cls, value: AdPostback | None, info: ValidationInfo) -> AdPostback | None:
        platform = info.data.get("platform")
        if value is not None and platform is not None and platform not in OVERSEAS_PLATFORMS:
            raise ValueError("conversion postback (广告回传) is set up for Google, LinkedIn and Facebook, "
                             f"not {platform}")
        return value


class AdAccounts(Kind[AdAccount]):
    name = "ad_accounts"
    title = "广告账户"
    summary = "Ad platform accounts: data sync, lead push rules and field mapping, landing pages, postback"
    guide = "2.4.1"
    model = AdAccount
    depends_on = ("lead_pools", "lead_fields", "website_forms")
    menu_path = "营销通 > 广告营销 > 广告账户"
    manual_who = "client ad account admin (广告账户管理员)"

    def references(self, spec: AdAccount) -> Iterable[Reference]:
        if spec.lead_sync is not None and spec.lead_sync.pool:
            yield Reference(("lead_sync", "pool"), "lead_pools", spec.lead_sync.pool)
        if spec.lead_sync is not None:
            for source, target in spec.lead_sync.field_mapping.items():
                if target.endswith("__c"):
                    yield Reference(("lead_sync", "field_mapping", source), "lead_fields", target)
        if spec.website_form:
            yield Reference(("website_form",), "website_forms", spec.website_form)

    def check(self, resource: Resource[AdAccount], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        sync = spec.lead_sync
        if sync is not None and sync.enabled and not sync.pool and _default_pool(playbook) is None:
            yield _no_pool(f"ad account {spec.name!r}", ("lead_sync",))
        if sync is not None and sync.push_plan_keyword and spec.platform not in DATA_PLATFORMS:
            yield Finding(("lead_sync", "push_plan_keyword"), f"{spec.platform} leads carry no ad plan or keyword; "
                                                              "remove push_plan_keyword")
        if spec.website_form and spec.landing_page != "官网表单":
            yield Finding(("website_form",), "website_form is for landing_page: 官网表单")
        if spec.landing_page == "官网表单" and not spec.website_form:
            yield Finding(("landing_page",), "name the website form (website_form:) whose UTM parameters tie its "
                                             "leads to this account's plans", severity="warning")
        if spec.landing_page == "营销通微页面":
            settings = playbook.of("basic_settings")
            if settings and not getattr(settings[0].spec, "custom_domain", None):
                yield Finding(("landing_page",), "micro-page landing pages are served on the client's own domain: "
                                                 "set basic_settings.custom_domain", severity="warning")
        if spec.platform in OVERSEAS_PLATFORMS and spec.postback is None:
            yield Finding(("platform",), f"{spec.platform}: no conversion postback (广告回传); the platform cannot "
                                         "optimise for CRM outcomes", severity="warning")

    def check_all(self, resources: list[Resource[AdAccount]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        seen: dict[tuple[str, str], str] = {}
        for resource in resources:
            spec = resource.spec
            address = (spec.platform, spec.account_id)
            if address in seen:
                yield resource, Finding(("account_id",), f"{spec.platform} account {spec.account_id} is already "
                                                         f"bound as {seen[address]!r}")
            seen.setdefault(address, spec.name)

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        platform = state.get("platform", "")
        where = "海外广告" if platform in OVERSEAS_PLATFORMS else "国内广告"
        verify = (f"营销通 lists {key!r} as authorised (已授权)" + (
            "; the first authorisation pulls the last 30 days of impressions, clicks and spend"
            if state.get("data_sync") else "") + (
            "; a test lead from the platform arrives in the lead pool (with plan and keyword it may take up to an "
            "hour)" if (state.get("lead_sync") or {}).get("enabled") else ""))
        return ManualStep(menu_path=f"{self.menu_path} > {where} > 绑定{platform}账户",
                          values=labelled_values(self.model, state), verify=verify, who=self.manual_who)

    def acceptance_tests(self, spec: AdAccount, key: str) -> list[tuple[str, str]]:
        tests = []
        if spec.data_sync:
            tests.append((f"广告账户 {key}: 已同步最近30天的展现、点击、消费数据", CONSULTANT))
        if spec.lead_sync is not None and spec.lead_sync.enabled:
            pool = spec.lead_sync.pool or "默认线索池"
            keywords = ", 带广告计划和关键词" if spec.lead_sync.push_plan_keyword else ""
            tests.append((f"广告账户 {key}: {spec.platform} 推送一条测试线索, 进入{pool}{keywords}", CONSULTANT))
        if spec.postback is not None:
            events = "、".join(spec.postback.events)
            tests.append((f"广告账户 {key}: 测试线索转为{events}后, {spec.platform} 收到回传转化", CONSULTANT))
        return tests

    def example(self) -> Any:
        return {"name": "百度-品牌推广", "platform": "百度", "account_id": "30012345",
                "lead_sync": {"pool": "市场线索池", "source": "百度推广",
                              "field_mapping": {"姓名": "name", "电话": "mobile"}}}


# ---- WeChat ----------------------------------------------------------------------------------------


class WechatOpenPlatformSpec(Spec):
    login_email: str | None = Field(None, title="开放平台登录邮箱", description="the client's open platform account")
    certified: bool = Field(False, title="已完成开发者资质认证",
                            description="企业认证 done by the client (Tencent charges 300 元/年)")
    certified_until: date | None = Field(None, title="认证有效期至")
    bind: list[str] = Field(default_factory=list, title="绑定的公众号和小程序",
                            description="wechat_accounts to bind (default: every 服务号 and 小程序)")

    @field_validator("login_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address")
        return None if value is None else value.strip().lower()

    @field_validator("bind")
    @classmethod
    def _bind(cls, value: list[str]) -> list[str]:
        return sorted(unique(value))


class WechatOpenPlatform(Kind[WechatOpenPlatformSpec]):
    name = "wechat_open_platform"
    title = "微信开放平台"
    summary = "The WeChat open platform that joins service account, mini program and WeCom identities"
    guide = "2.4.3"
    model = WechatOpenPlatformSpec
    singleton = True
    depends_on = ("wechat_accounts",)
    menu_path = "微信开放平台 (open.weixin.qq.com) > 管理中心 > 公众帐号 / 小程序 > 绑定"
    manual_who = "client contact (客户方对接人)"
    pii_fields = frozenset({"login_email"})

    def references(self, spec: WechatOpenPlatformSpec) -> Iterable[Reference]:
        for position, name in enumerate(spec.bind):
            yield Reference(("bind", position), "wechat_accounts", name)

    def check(self, resource: Resource[WechatOpenPlatformSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if not spec.certified:
            yield Finding(("certified",), "the open platform must be certified (企业认证, 300 元/年 to Tencent) "
                                          "before accounts can be bound; set certified: true once done",
                          severity="warning")
        for position, name in enumerate(spec.bind):
            account = playbook.find("wechat_accounts", name)
            if account is not None and getattr(account.spec, "type", None) == "视频号":
                yield Finding(("bind", position), f"{name!r} is a 视频号; the open platform binds 服务号 and 小程序")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=self.menu_path, values=labelled_values(self.model, state),
                          verify="管理中心 lists every account bound; in 营销通 a person who follows the 服务号 "
                                 "and opens the 小程序 shows as one 微信用户",
                          who=self.manual_who)

    def acceptance_tests(self, spec: WechatOpenPlatformSpec, key: str) -> list[tuple[str, str]]:
        return [("同一人关注服务号并打开小程序, 在营销通中是同一个微信用户", CONSULTANT)]

    def example(self) -> Any:
        return {"certified": True, "bind": ["示例科技服务号", "示例科技小程序"]}


WechatAccountType = Literal["服务号", "小程序", "视频号"]


class WechatAccount(Spec):
    name: str = Field(min_length=1, max_length=50, title="名称")
    type: WechatAccountType = Field(title="类型", description="服务号, 小程序 or 视频号 (订阅号 cannot be bound)")
    app_id: str | None = Field(None, title="AppID", description="服务号 and 小程序: wx followed by 16 hex digits")
    channel_id: str | None = Field(None, title="视频号ID", description="视频号 only")
    avatar: str | None = Field(None, title="头像", description="视频号 only: https address of the avatar")
    authorisation_url: str | None = Field(None, title="授权链接",
                                          description="the QR authorisation link 营销通 shows, when known: "
                                                      "`mktctl steps` shows it as a QR code for the admin")

    @field_validator("type", mode="before")
    @classmethod
    def _refuse(cls, value: Any) -> Any:
        if value in ("订阅号", "公众号(订阅号)", "订阅号(公众号)"):
            raise ValueError("a 订阅号 (subscription account) cannot be bound: 营销通 binds 服务号 only; "
                             "upgrade it to a 服务号 first")
        if value == "公众号":
            raise ValueError("which kind of 公众号? 营销通 binds 服务号 only (a 订阅号 is refused); write 服务号")
        return value

    @field_validator("app_id")
    @classmethod
    def _app_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if info.data.get("type") == "视频号":
            raise ValueError("a 视频号 has no AppID; give channel_id, avatar and name")
        if not _WX_APP_ID.match(value):
            raise ValueError(f"{value!r} is not a WeChat AppID (wx followed by 16 hex digits)")
        return value

    @field_validator("channel_id", "avatar")
    @classmethod
    def _channel_only(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("type") not in (None, "视频号"):
            raise ValueError(f"{info.field_name} is for a 视频号")
        if value is not None and info.field_name == "avatar":
            return url(value)
        return value

    @field_validator("authorisation_url")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return None if value is None else url(value)

    @model_validator(mode="after")
    def _channel(self) -> WechatAccount:
        if self.type == "视频号" and (not self.channel_id or not self.avatar):
            raise ValueError("a 视频号 is bound by its channel_id, avatar and name: give channel_id and avatar")
        return self


class WechatAccounts(Kind[WechatAccount]):
    name = "wechat_accounts"
    title = "微信账号"
    summary = "WeChat service accounts (服务号), mini programs (小程序) and channels (视频号)"
    guide = "2.4.3"
    model = WechatAccount
    menu_path = "营销通 > 系统设置 > 营销插件"

    def check_all(self, resources: list[Resource[WechatAccount]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        apps: dict[str, str] = {}
        for resource in resources:
            spec = resource.spec
            if spec.app_id and spec.app_id in apps:
                yield resource, Finding(("app_id",), f"AppID {spec.app_id} is already declared by "
                                                     f"{apps[spec.app_id]!r}")
            if spec.app_id:
                apps.setdefault(spec.app_id, spec.name)
        bound = [r for r in resources if getattr(r.spec, "type", None) in ("服务号", "小程序")]
        kinds = sorted({str(getattr(r.spec, "type", "")) for r in bound})
        kinds += ["企业微信"] if playbook.of("wecom") else []
        if len(kinds) >= 2 and not playbook.of("wechat_open_platform"):
            yield bound[0], Finding(("type",), f"{' and '.join(kinds)} are bound: declare wechat_open_platform "
                                               "(微信开放平台, certified by the client) so that a person is one user "
                                               "across them")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        kind_of = state.get("type")
        menu, who = {
            "服务号": ("微信公众号 > 绑定公众号", "client 微信服务号管理员 (scans the QR code)"),
            "小程序": ("微信小程序 > 绑定小程序", "client 微信小程序管理员 (scans the QR code)"),
        }.get(str(kind_of), ("视频号 > 对接视频号", "consultant"))
        verify = {"服务号": f"营销通 shows {key!r} as authorised; following it creates a 微信用户, and its menu, "
                           "mass messages and tags are managed in 营销通",
                  "小程序": f"营销通 shows {key!r} as authorised; business cards and the micro site open in it"
                  }.get(str(kind_of), f"a micro page can insert the 视频号 {key!r} home page, videos and live bookings")
        return ManualStep(menu_path=f"{self.menu_path} > {menu}",
                          values=[("名称", key), *labelled_values(self.model, state)], verify=verify,
                          qr_url=state.get("authorisation_url"), who=who)

    def acceptance_tests(self, spec: WechatAccount, key: str) -> list[tuple[str, str]]:
        test = {"服务号": f"关注服务号 {key}, 营销通生成微信用户; 群发和标签可用",
                "小程序": f"打开小程序 {key}: 员工名片和微站正常显示",
                "视频号": f"在微页面插入视频号 {key} 的主页和视频, 预览正常"}.get(spec.type, f"{key} 已绑定")
        return [(test, CONSULTANT)]

    def example(self) -> Any:
        return {"name": "示例科技服务号", "type": "服务号", "app_id": "wx0123456789abcdef"}


def split_or_none(text: str) -> tuple[str, str] | None:
    """``用户来源:企微活码`` -> ``("用户来源", "企微活码")``; None for a tag not written 组:值."""
    try:
        return split_tag(text)
    except ValueError:
        return None


def tag_texts(value: list[str]) -> list[str]:
    """Tags as ``组:值`` (a full-width colon becomes ``:``), each once. A tag not written 组:值 is kept as it
    is, for :meth:`Wecom.check` to report at its own position."""
    return unique([":".join(split) if (split := split_or_none(text)) else text for text in value])


class WecomLiveCode(Spec):
    name: str = Field(min_length=1, max_length=30, title="活码名称")
    staff: list[str] = Field(min_length=1, title="接待员工",
                             description="employee numbers of the staff who add the contacts")
    tags: list[str] = Field(default_factory=list, title="自动打标签",
                            description="tags put on the contacts added through the code, each 组:值 of the tags "
                                        "section, e.g. 用户来源:企微活码")
    welcome_message: str = Field("", max_length=1000, title="欢迎语")
    daily_limit: int | None = Field(None, ge=1, title="每人每日添加上限")
    skip_verification: bool = Field(True, title="免验证添加")

    _numbers = field_validator("staff", mode="before")(as_texts)

    @field_validator("staff")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return unique(value)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return tag_texts(value)


class WecomSpec(Spec):
    corp_name: str = Field(min_length=1, max_length=50, title="企业微信名称")
    corp_id: str | None = Field(None, title="企业ID", description="CorpID, ww followed by 16 hex digits")
    sync_customers: bool = Field(True, title="同步企业微信客户", description="keep WeCom contacts as 企业微信客户")
    sync_groups: bool = Field(True, title="同步客户群")
    new_contact_tags: list[str] = Field(default_factory=list, title="新客户自动标签",
                                        description="tags put on every new WeCom contact, each 组:值 of the tags "
                                                    "section, e.g. 用户来源:企业微信")
    live_codes: list[WecomLiveCode] = Field(default_factory=list, title="渠道活码")
    authorisation_url: str | None = Field(None, title="授权链接",
                                          description="the QR authorisation link 营销通 shows, when known")

    @field_validator("corp_id")
    @classmethod
    def _corp_id(cls, value: str | None) -> str | None:
        if value is not None and not _WECOM_CORP_ID.match(value):
            raise ValueError(f"{value!r} is not a WeCom CorpID (ww followed by 16 hex digits)")
        return value

    @field_validator("authorisation_url")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return None if value is None else url(value)

    @field_validator("new_contact_tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return tag_texts(value)

    def tag_paths(self) -> list[tuple[Path_, str]]:
        """Every tag the connection puts on contacts, with the path of the value."""
        found: list[tuple[Path_, str]] = [(("new_contact_tags", n), t) for n, t in enumerate(self.new_contact_tags)]
        for position, code in enumerate(self.live_codes):
            found += [(("live_codes", position, "tags", n), t) for n, t in enumerate(code.tags)]
        return found


def _single_choice_findings(spec: WecomSpec, playbook: Playbook) -> Iterable[Finding]:
    """One list of tags may not give a contact two values of a single-choice group (multiple: false)."""
    lists: list[tuple[Path_, list[str]]] = [(("new_contact_tags",), spec.new_contact_tags)]
    lists += [(("live_codes", position, "tags"), code.tags) for position, code in enumerate(spec.live_codes)]
    for path, tags in lists:
        first: dict[str, str] = {}
        for number, tag in enumerate(tags):
            split = split_or_none(tag)
            if split is None:
                continue
            group, value = split
            declared = playbook.find("tags", group)
            if declared is None or getattr(declared.spec, "multiple", True):
                continue
            if group in first:
                yield Finding((*path, number), f"tag group {group!r} is single-choice (multiple: false): a contact "
                                               f"cannot have both {first[group]!r} and {value!r}")
            first.setdefault(group, value)


class Wecom(Kind[WecomSpec]):
    name = "wecom"
    title = "企业微信"
    summary = "The WeCom connection: customer sync, live codes and auto-tagging of new contacts"
    guide = "2.4.3"
    model = WecomSpec
    singleton = True
    depends_on = ("users", "tags")
    menu_path = "营销通 > 系统设置 > 营销插件 > 企业微信 > 连接企业微信"
    manual_who = "client 企业微信管理员 (scans the QR code)"

    def references(self, spec: WecomSpec) -> Iterable[Reference]:
        for position, code in enumerate(spec.live_codes):
            for number, user in enumerate(code.staff):
                yield Reference(("live_codes", position, "staff", number), "users", user)
        for path, tag in spec.tag_paths():  # the group must be declared in tags:
            if split_or_none(tag) is not None:
                yield tag_reference(path, tag)

    def check(self, resource: Resource[WecomSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        names: set[str] = set()
        for position, code in enumerate(spec.live_codes):
            if code.name in names:
                yield Finding(("live_codes", position, "name"), f"two live codes are named {code.name!r}")
            names.add(code.name)
        for path, tag in spec.tag_paths():  # and the value one of the group's values
            if split_or_none(tag) is None:
                yield Finding(path, f"write a tag as 组:值 with a group and value of the tags section (e.g. "
                                    f"用户来源:企微活码), not {tag!r}")
            else:
                yield from tag_value_findings(path, tag, playbook)
        yield from _single_choice_findings(spec, playbook)

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=self.menu_path, values=labelled_values(self.model, state),
                          verify="营销通 shows the WeCom corp as connected; WeCom contacts appear as "
                                 "企业微信客户, and a contact added by each live code gets its tags and welcome "
                                 "message",
                          qr_url=state.get("authorisation_url"), who=self.manual_who)

    def acceptance_tests(self, spec: WecomSpec, key: str) -> list[tuple[str, str]]:
        codes = [(f"扫渠道活码 {code.name} 添加好友: 自动打标签并发送欢迎语", CONSULTANT) for code in spec.live_codes]
        return [*codes, ("企业微信客户同步到营销通", CONSULTANT)]

    def example(self) -> Any:
        return {"corp_name": "示例科技", "new_contact_tags": ["用户来源:企业微信"],
                "live_codes": [{"name": "官网咨询", "staff": ["S001"], "tags": ["用户来源:官网"]}]}


# ---- website forms ---------------------------------------------------------------------------------


class FormUtm(Spec):
    source: str = Field(min_length=1, title="utm_source", description="e.g. baidu")
    medium: str = Field(min_length=1, title="utm_medium", description="e.g. cpc")
    campaign: str = Field(min_length=1, title="utm_campaign")
    term: str | None = Field(None, title="utm_term")
    content: str | None = Field(None, title="utm_content")

    def query(self) -> str:
        values = {f"utm_{k}": v for k, v in self.model_dump().items() if v}
        return urlencode(values)


class WebsiteFormSpec(Spec):
    name: str = Field(min_length=1, max_length=50, title="表单名称")
    page_url: str = Field(title="表单所在页面", description="https address of the website page with the form")
    integration: Literal["嵌入营销通表单", "官网表单对接"] = Field(
        "嵌入营销通表单", title="对接方式",
        description="embed the 营销通 form's code in the page, or connect the site's own form to a 营销通 form")
    fields: dict[str, str] = Field(min_length=1, title="字段映射",
                                   description="form field -> 销售线索 field (API name), e.g. 手机: mobile")
    utm: FormUtm | None = Field(None, title="UTM参数", description="parameters added to the address used in ads")
    pool: str | None = Field(None, title="存入线索池", description="default: basic_settings.lead_storage.default_pool")
    source: str | None = Field(None, title="线索来源")
    consent: bool = Field(True, title="隐私授权勾选", description="the form asks for consent (PIPL)")
    success_message: str = Field("提交成功, 我们会尽快与您联系", max_length=200, title="提交成功提示")

    @field_validator("page_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return url(value)

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: dict[str, str]) -> dict[str, str]:
        for target in value.values():
            lead_field(target)
        targets = list(value.values())
        return value if len(set(targets)) == len(targets) else _twice(targets)


def _twice(targets: list[str]) -> dict[str, str]:
    raise ValueError(f"two form fields map to {sorted({t for t in targets if targets.count(t) > 1})[0]!r}")


class WebsiteForms(Kind[WebsiteFormSpec]):
    name = "website_forms"
    title = "官网表单"
    summary = "Website forms: field mapping into CRM, UTM parameters, the embed code"
    guide = "2.4.4"
    model = WebsiteFormSpec
    depends_on = ("lead_pools", "lead_fields")
    menu_path = "营销通 > 系统设置 > 营销插件 > 官网对接"
    manual_who = "consultant, with the client's web team"

    def references(self, spec: WebsiteFormSpec) -> Iterable[Reference]:
        if spec.pool:
            yield Reference(("pool",), "lead_pools", spec.pool)
        for label, target in spec.fields.items():
            if target.endswith("__c"):
                yield Reference(("fields", label), "lead_fields", target)

    def check(self, resource: Resource[WebsiteFormSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if not spec.pool and _default_pool(playbook) is None:
            yield _no_pool(f"website form {spec.name!r}", ("name",))
        if not {"mobile", "email"} & set(spec.fields.values()):
            yield Finding(("fields",), "the form collects neither mobile nor email: its leads can be neither "
                                       "deduplicated nor reached", severity="warning")
        if not spec.consent:
            yield Finding(("consent",), "the form collects personal data without asking for consent (PIPL)",
                          severity="warning")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        values = labelled_values(self.model, state)
        utm = state.get("utm")
        if utm:
            query = FormUtm.model_validate(utm).query()
            page = str(state.get("page_url", ""))
            values.append(("投放地址", f"{page}{'&' if '?' in page else '?'}{query}"))
        values.append(("嵌入代码", f"营销通 > 表单 > {key} > 嵌入代码: give it to the web team for "
                                f"{state.get('page_url', '')}"))
        return ManualStep(menu_path=f"{self.menu_path} > {key}", values=values,
                          verify="submit the form on the page with the 投放地址: the lead arrives in the pool with its "
                                 "source and the UTM parameters",
                          who=self.manual_who)

    def acceptance_tests(self, spec: WebsiteFormSpec, key: str) -> list[tuple[str, str]]:
        return [(f"官网表单 {key}: 用带UTM参数的投放地址提交, 线索进入线索池并记录来源", CONSULTANT)]

    def example(self) -> Any:
        return {"name": "官网-联系销售", "page_url": "https://www.example.cn/contact",
                "fields": {"姓名": "name", "手机": "mobile", "公司": "company"},
                "utm": {"source": "baidu", "medium": "cpc", "campaign": "brand"}, "pool": "市场线索池"}


# ---- SMS and e-mail --------------------------------------------------------------------------------


class SmsTemplate(Spec):
    name: str = Field(min_length=1, max_length=30, title="模板名称")
    type: Literal["验证码", "通知", "营销推广"] = Field(title="模板类型")
    content: str = Field(min_length=1, max_length=500, title="模板内容",
                         description="without the signature; a 营销推广 template ends with an opt-out "
                                     "such as 拒收请回复R")

    @model_validator(mode="after")
    def _content(self) -> SmsTemplate:
        if "【" in self.content or "】" in self.content:
            raise ValueError(f"template {self.name!r}: leave the 【signature】 out; it is added to every message")
        if self.type == "营销推广" and not any(word in self.content for word in _UNSUBSCRIBE):
            raise ValueError(f"template {self.name!r}: a 营销推广 message must offer an opt-out, e.g. end with "
                             "拒收请回复R")
        return self


class SmsChannelSpec(Spec):
    signature: str = Field(min_length=2, max_length=12, title="短信签名", description="2-12 characters, without 【】")
    signature_source: Literal["企业名称", "工信部备案网站", "App", "公众号或小程序", "商标"] = Field(
        "企业名称", title="签名来源", description="what proves the signature is the client's")
    templates: list[SmsTemplate] = Field(default_factory=list, title="短信模板")
    daily_limit_per_mobile: int | None = Field(None, ge=1, title="单号码每日上限")

    @field_validator("signature")
    @classmethod
    def _signature(cls, value: str) -> str:
        if "【" in value or "】" in value:
            raise ValueError("write the signature without 【】")
        return value

    @field_validator("templates")
    @classmethod
    def _names(cls, value: list[SmsTemplate]) -> list[SmsTemplate]:
        unique([t.name for t in value])
        return value


class SmsChannel(Kind[SmsChannelSpec]):
    name = "sms_channel"
    title = "短信通道"
    summary = "SMS: the signature and the message templates submitted for approval"
    guide = "2.4.5"
    model = SmsChannelSpec
    singleton = True
    menu_path = "营销通 > 系统设置 > 短信设置"
    manual_who = "consultant, with the client's business licence (营业执照)"

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        return ManualStep(menu_path=f"{self.menu_path} > 签名与模板", values=labelled_values(self.model, state),
                          verify="the signature and every template show 审核通过; a test message to your own mobile "
                                 "arrives with 【signature】",
                          who=self.manual_who)

    def acceptance_tests(self, spec: SmsChannelSpec, key: str) -> list[tuple[str, str]]:
        sends = [(f"发送测试短信: {t.name}, 收到【{spec.signature}】", CONSULTANT) for t in spec.templates]
        return sends or [(f"短信签名【{spec.signature}】审核通过", CONSULTANT)]

    def example(self) -> Any:
        return {"signature": "示例科技", "templates": [
            {"name": "活动提醒", "type": "通知", "content": "您报名的{活动名称}将于{开始时间}开始, 请准时参加。"}]}


class EmailSenderDomain(Spec):
    domain: str = Field(title="发信域名", description="a (sub)domain of the client's, e.g. mail.example.cn")
    from_address: str = Field(title="发件人地址", description="an address on the domain, e.g. news@mail.example.cn")
    from_name: str = Field(min_length=1, max_length=50, title="发件人名称")
    reply_to: str | None = Field(None, title="回复地址")

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        return hostname(value)

    @field_validator("from_address", "reply_to")
    @classmethod
    def _address(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        value = value.strip().lower()
        found = _EMAIL.match(value)
        if not found:
            raise ValueError(f"{value!r} is not an e-mail address")
        domain = info.data.get("domain")
        if info.field_name == "from_address" and domain and found.group(1) != domain:
            raise ValueError(f"{value!r} is not on the sender domain {domain}")
        return value


class EmailChannelSpec(Spec):
    sender_domains: list[EmailSenderDomain] = Field(min_length=1, title="发信域名")
    spf_include: str = Field(title="SPF include", description="the mail service's SPF host, e.g. sendcloud.net")
    dkim_selector: str = Field("default", pattern=r"^[a-z0-9][a-z0-9\-_]*$", title="DKIM selector")
    dmarc_policy: Literal["none", "quarantine", "reject"] = Field("none", title="DMARC策略")
    dmarc_reports_to: str | None = Field(None, title="DMARC报告邮箱")
    unsubscribe_link: bool = Field(True, title="退订链接", description="every marketing e-mail has an unsubscribe link")

    @field_validator("spf_include")
    @classmethod
    def _spf(cls, value: str) -> str:
        return hostname(value)

    @field_validator("dmarc_reports_to")
    @classmethod
    def _reports(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("sender_domains")
    @classmethod
    def _domains(cls, value: list[EmailSenderDomain]) -> list[EmailSenderDomain]:
        unique([d.domain for d in value])
        return value


def dns_records(spec: EmailChannelSpec) -> list[tuple[str, str, str]]:
    """The DNS records the client's IT sets for each sender domain: (type, name, value)."""
    records = []
    for sender in spec.sender_domains:
        records.append(("TXT", sender.domain, f"v=spf1 include:{spec.spf_include} ~all"))
        records.append(("TXT", f"{spec.dkim_selector}._domainkey.{sender.domain}",
                        "the DKIM public key shown by the mail service"))
        report = f"; rua=mailto:{spec.dmarc_reports_to}" if spec.dmarc_reports_to else ""
        records.append(("TXT", f"_dmarc.{sender.domain}", f"v=DMARC1; p={spec.dmarc_policy}{report}"))
    return records


class EmailChannel(Kind[EmailChannelSpec]):
    name = "email_channel"
    title = "邮件通道"
    summary = "E-mail: sender domains and the SPF, DKIM and DMARC records to set"
    guide = "2.4.6"
    model = EmailChannelSpec
    singleton = True
    menu_path = "营销通 > 系统设置 > 邮件设置 > 发信域名"
    manual_who = "client IT (域名管理员), with the consultant"

    def check(self, resource: Resource[EmailChannelSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if not spec.unsubscribe_link:
            yield Finding(("unsubscribe_link",), "marketing e-mail without an unsubscribe link breaks PIPL consent "
                                                 "rules and hurts delivery", severity="warning")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        spec = EmailChannelSpec.model_validate(state)
        values = labelled_values(self.model, state)
        values += [(f"DNS {kind} {name}", value) for kind, name, value in dns_records(spec)]
        return ManualStep(menu_path=self.menu_path, values=values,
                          verify="营销通 shows each sender domain as verified (SPF, DKIM 已验证); a test e-mail to an "
                                 "outside mailbox passes SPF, DKIM and DMARC in its headers",
                          who=self.manual_who)

    def acceptance_tests(self, spec: EmailChannelSpec, key: str) -> list[tuple[str, str]]:
        return [(f"从 {d.from_address} 发送测试邮件: SPF、DKIM、DMARC 校验通过", "client IT (域名管理员)")
                for d in spec.sender_domains]

    def example(self) -> Any:
        return {"sender_domains": [{"domain": "mail.example.cn", "from_address": "news@mail.example.cn",
                                    "from_name": "示例科技"}], "spf_include": "sendcloud.net"}


KINDS: list[Kind[Any]] = [AdAccounts(), WechatOpenPlatform(), WechatAccounts(), Wecom(), WebsiteForms(), SmsChannel(),
                          EmailChannel()]
