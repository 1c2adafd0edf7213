"""Ad accounts (广告账户), guide 2.4.1 and 2.4.2: 百度, 巨量引擎 (头条), 腾讯广告 with impression/click/spend
and plan and keyword sync (the first authorisation pulls the last 30 days); lead connectors of 搜狗, 知乎,
快手, 神马, 小红书; Google, LinkedIn, Facebook with conversion postback (广告回传). Several accounts per
platform.

Binding an account is an authorisation a client admin does by logging in, so against a real tenant it is
a manual step naming who does it; the sandbox keeps it through its extension API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.lead_fields import lead_field
from mktctl.kinds.products import CONNECTOR_PLATFORMS
from mktctl.kinds.shared import unique
from mktctl.kinds.web_forms import default_pool, no_pool_warning
from mktctl.kinds.wording import PLAIN, Words

Platform = Literal["百度", "巨量引擎", "腾讯广告", "搜狗", "知乎", "快手", "神马", "小红书", "Google", "LinkedIn",
                   "Facebook"]
DATA_PLATFORMS = ("百度", "巨量引擎", "腾讯广告")  # impressions, clicks, spend, plans and keywords
OVERSEAS_PLATFORMS = ("Google", "LinkedIn", "Facebook")
PLATFORM_ALIASES = {"头条": "巨量引擎", "今日头条": "巨量引擎", "巨量": "巨量引擎", "腾讯": "腾讯广告",
                    "广点通": "腾讯广告", "谷歌": "Google", "领英": "LinkedIn", "脸书": "Facebook", "google": "Google",
                    "linkedin": "LinkedIn", "facebook": "Facebook"}
LandingPage = Literal["广告平台落地页", "官网表单", "营销通微页面"]
_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_\-]{3,64}$")


class AdLeadSync(Spec):
    enabled: bool = Field(True, title="线索对接", description="push the platform's leads into CRM")
    pool: str | None = Field(None, title="存入线索池", description="default: basic_settings.lead_storage.default_pool")
    source: str | None = Field(None, title="线索来源", description="the 线索来源 value set on the leads")
    push_plan_keyword: bool = Field(False, title="推送广告计划和关键词",
                                    description="百度/巨量引擎/腾讯广告 only; such leads arrive minutes to an "
                                                "hour late")
    field_mapping: dict[str, str] = Field(default_factory=dict, title="字段映射",
                                          description="the platform's lead field -> the 销售线索 field (API name)")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "enabled": "把广告平台的线索推送到CRM",
        "pool": "线索存入的线索池（默认：基础设置中的默认线索池）",
        "source": "为这些线索设置的线索来源",
        "push_plan_keyword": "仅百度、巨量引擎、腾讯广告支持；带广告计划的线索推送会延迟几分钟到1个小时不等",
        "field_mapping": "广告平台的线索字段 → 销售线索字段（API名称）",
    }

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

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "events": "作为转化回传给广告平台的CRM事件",
        "conversion_name": "广告平台中对应的转化行为名称",
    }

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

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "name": "账户在营销通中的名称",
        "account_id": "广告平台显示的账户ID",
        "data_sync": "同步展现、点击、消费数据（平台支持时默认开启）",
        "plan_keyword_sync": "仅百度、巨量引擎、腾讯广告支持",
        "landing_page": "广告平台落地页、官网表单（投放地址带UTM参数）或营销通微页面（使用企业自己的域名）",
        "website_form": "落地页为官网表单时，对应的官网表单",
        "postback": "广告转化回传，支持 Google、LinkedIn、Facebook",
    }

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


_BIND = Phrase("绑定{platform}账户", "Bind a {platform} account")
_AUTHORISED = Phrase("营销通中广告账户{account}显示为已授权", "FxiaoKe Marketing lists {account} as authorised")
_DATA_PULLED = Phrase("首次授权后同步最近30天的展现、点击和消费数据",
                      "the first authorisation pulls the last 30 days of impressions, clicks and spend")
_LEAD_ARRIVES = Phrase("平台推送的测试线索进入线索池（带广告计划和关键词的线索最长约1小时到达）",
                       "a test lead from the platform arrives in the lead pool (with plan and keyword it may take up "
                       "to an hour)")
_DATA_TEST = Phrase("广告账户{account}：已同步最近30天的展现、点击、消费数据",
                    "ad account {account}: the last 30 days of impressions, clicks and spend are synced")
_DEFAULT_POOL = Phrase("默认线索池", "the default lead pool")
_KEYWORDS = Phrase("，带广告计划和关键词", ", with its ad plan and keyword")
_LEAD_TEST = Phrase("广告账户{account}：{platform}推送一条测试线索，进入{pool}{keywords}",
                    "ad account {account}: a test lead pushed by {platform} arrives in {pool}{keywords}")
_POSTBACK_TEST = Phrase("广告账户{account}：测试线索转为{events}后，{platform}收到回传转化",
                        "ad account {account}: when a test lead becomes {events}, {platform} receives the conversion")


class AdAccounts(Kind[AdAccount]):
    name = "ad_accounts"
    title = "广告账户"
    summary = "Ad platform accounts: data sync, lead push rules and field mapping, landing pages, postback"
    guide = "2.4.1"  # 国内数字广告平台对接
    also_in = ("2.4.2",)  # 海外数据广告平台对接: Google, LinkedIn, Facebook
    model = AdAccount
    depends_on = ("lead_pools", "lead_fields", "website_forms")
    menu_path = "营销通 > 广告营销 > 广告账户"
    manual_who = Phrase("客户广告账户管理员", "client ad account admin")

    def section_of(self, spec: AdAccount) -> str:
        return "2.4.2" if spec.platform in OVERSEAS_PLATFORMS else self.guide

    def references(self, spec: AdAccount) -> Iterable[Reference]:
        if spec.lead_sync is not None and spec.lead_sync.pool:
            yield Reference(("lead_sync", "pool"), "lead_pools", spec.lead_sync.pool)
        if spec.lead_sync is not None:
            for source, target in spec.lead_sync.field_mapping.items():
                yield Reference(("lead_sync", "field_mapping", source), "lead_fields", target)
        if spec.website_form:
            yield Reference(("website_form",), "website_forms", spec.website_form)

    def check(self, resource: Resource[AdAccount], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        sync = spec.lead_sync
        if sync is not None and sync.enabled and not sync.pool and default_pool(playbook) is None:
            yield no_pool_warning(f"ad account {spec.name!r}", ("lead_sync",))
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

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        platform = words.word(str(state.get("platform", "")))
        where = "海外广告" if state.get("platform") in OVERSEAS_PLATFORMS else "国内广告"
        checks = [words.say(_AUTHORISED, account=words.quote(key))]
        if state.get("data_sync"):
            checks.append(words.say(_DATA_PULLED))
        if (state.get("lead_sync") or {}).get("enabled"):
            checks.append(words.say(_LEAD_ARRIVES))
        return ManualStep(menu_path=f"{words.where(f'{self.menu_path} > {where}')} > "
                                    f"{words.say(_BIND, platform=platform)}",
                          values=words.values(self.model, state), verify=words.clauses(checks),
                          who=words.say(self.manual_who))

    def acceptance_tests(self, spec: AdAccount, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        account, platform, who = words.quote(key), words.word(spec.platform), words.say(CONSULTANT)
        tests = []
        if spec.data_sync:
            tests.append((words.say(_DATA_TEST, account=account), who))
        if spec.lead_sync is not None and spec.lead_sync.enabled:
            pool = words.quote(spec.lead_sync.pool) if spec.lead_sync.pool else words.say(_DEFAULT_POOL)
            keywords = words.say(_KEYWORDS) if spec.lead_sync.push_plan_keyword else ""
            tests.append((words.say(_LEAD_TEST, account=account, platform=platform, pool=pool, keywords=keywords),
                          who))
        if spec.postback is not None:
            events = words.join(words.word(e) for e in spec.postback.events)
            tests.append((words.say(_POSTBACK_TEST, account=account, platform=platform, events=events), who))
        return tests

    def example(self) -> Any:
        return {"name": "百度-品牌推广", "platform": "百度", "account_id": "30012345",
                "lead_sync": {"pool": "市场线索池", "source": "百度推广",
                              "field_mapping": {"姓名": "name", "电话": "mobile"}}}


KINDS: list[Kind[Any]] = [AdAccounts()]
