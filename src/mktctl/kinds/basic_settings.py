"""Basic settings (基础设置), guide 2.1.3: what 营销通 needs set before anyone uses it.

The company's own details shown on forms, micro pages and business cards; the marketing plug-ins
switched on (营销通 > 系统设置 > 营销插件); the company's own domain for micro pages (企业专属域名); where
leads from marketing channels are stored (线索存入, the default lead pool); the privacy statement shown
wherever personal data is collected (PIPL); and, with the 营销归因 gray release, the attribution model.
A setting of the admin UI: applied through the extension API on the sandbox, a manual step otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal, get_args

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.shared import hostname, unique, url
from mktctl.kinds.wording import PLAIN, Words

Plugin = Literal["广告营销", "营销归因", "会员营销", "员工营销", "直播对接", "企业专属域名", "官网对接"]
PLUGINS: tuple[str, ...] = get_args(Plugin)
AttributionModel = Literal["首次触点", "末次触点", "线性", "U型", "W型", "时间衰减"]


class CompanyInfo(Spec):
    name: str = Field(min_length=1, max_length=100, title="企业名称", description="the legal company name")
    short_name: str | None = Field(None, max_length=20, title="企业简称",
                                   description="shown on micro pages, forms and business cards")
    logo: str | None = Field(None, title="企业Logo", description="https address of the logo image")
    website: str | None = Field(None, title="企业官网", description="https address of the company website")
    hotline: str | None = Field(None, max_length=30, title="服务热线", description="public service phone number")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "name": "企业工商注册的全称",
        "short_name": "显示在微页面、表单和员工名片上的企业简称",
        "logo": "企业Logo图片的 HTTPS 网址",
        "website": "企业官网的 HTTPS 网址",
        "hotline": "对外公布的服务电话",
    }

    @field_validator("logo", "website")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else url(value)


class LeadStorage(Spec):
    default_pool: str = Field(min_length=1, title="默认线索池",
                              description="the lead pool that marketing leads go to when their channel names none")
    record_channel: bool = Field(True, title="记录来源渠道",
                                 description="keep the channel (ad account, form, ...) on each lead")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "default_pool": "营销线索的来源渠道没有指定线索池时，存入的默认线索池",
        "record_channel": "在每条线索上记录来源渠道（广告账户、表单等）",
    }


class Privacy(Spec):
    policy_url: str = Field(title="隐私声明链接", description="https address of the privacy statement shown on forms")
    consent_text: str = Field("我已阅读并同意《隐私声明》", max_length=200, title="授权勾选文案",
                              description="the consent checkbox text on every form that collects personal data")
    mask_mobile: bool = Field(True, title="手机号脱敏", description="show mobile numbers masked to marketing users")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "policy_url": "表单上展示的隐私声明的 HTTPS 网址",
        "consent_text": "所有收集个人信息的表单上的授权勾选文案",
        "mask_mobile": "营销通中的手机号脱敏显示（隐藏中间几位）",
    }

    @field_validator("policy_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return url(value)


class Attribution(Spec):
    model: AttributionModel = Field("末次触点", title="归因模型",
                                    description="首次触点, 末次触点, 线性, U型, W型 or 时间衰减 (docs/testing.md)")
    window_days: int = Field(30, ge=1, le=365, title="归因窗口（天）",
                             description="how far back touches count towards a lead or deal")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "model": "归因模型，可选首次触点、末次触点、线性、U型、W型或时间衰减",
        "window_days": "归因窗口，即向前追溯多少天内的触点计入线索或成交",
    }


class BasicSettingsSpec(Spec):
    company: CompanyInfo = Field(title="企业信息")
    plugins: list[Plugin] = Field(default_factory=list, title="营销插件",
                                  description="plug-ins switched on under 营销通 > 系统设置 > 营销插件")
    custom_domain: str | None = Field(None, title="企业专属域名",
                                      description="the client's own domain for micro pages, e.g. mkt.example.cn; "
                                                  "needs the 企业专属域名 product")
    lead_storage: LeadStorage | None = Field(None, title="线索存入设置")
    privacy: Privacy | None = Field(None, title="隐私设置")
    attribution: Attribution | None = Field(None, title="营销归因",
                                            description="the attribution model; needs the 营销归因 gray release")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "plugins": "在“营销通 > 系统设置 > 营销插件”中开启的插件",
        "custom_domain": "企业自己的微页面域名，如 mkt.example.cn；需开通企业专属域名产品",
        "attribution": "营销归因模型；需申请营销归因灰度",
    }

    @field_validator("custom_domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return None if value is None else hostname(value)

    @field_validator("plugins")
    @classmethod
    def _plugins(cls, value: list[str]) -> list[str]:
        return sorted(unique(value), key=PLUGINS.index)


_VERIFY = Phrase("{settings}显示上表中的值，{plugins}中这些插件均已开启",
                 "{settings} shows these values, and the plug-ins are switched on under {plugins}")
_DOMAIN = Phrase("；微页面可以在 {url} 打开", "; a micro page opens on {url}")
_SHOWN = Phrase("打开一个表单或微页面：企业名称、Logo 和隐私声明显示正确",
                "open a form or a micro page: the company name, the logo and the privacy statement show correctly")


class BasicSettings(Kind[BasicSettingsSpec]):
    name = "basic_settings"
    title = "基础设置"
    summary = "What FxiaoKe Marketing needs before use: company details, plug-ins, own domain, lead storage, privacy"
    guide = "2.1.3"
    model = BasicSettingsSpec
    singleton = True
    depends_on = ("products", "lead_pools")
    menu_path = "营销通 > 系统设置 > 基础设置"

    def references(self, spec: BasicSettingsSpec) -> Iterable[Reference]:
        if spec.lead_storage is not None:
            yield Reference(("lead_storage", "default_pool"), "lead_pools", spec.lead_storage.default_pool)

    def check(self, resource: Resource[BasicSettingsSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.custom_domain and "企业专属域名" not in spec.plugins:
            yield Finding(("custom_domain",), "custom_domain is set: add 企业专属域名 to plugins to switch it on",
                          severity="warning")
        if spec.attribution is not None and "营销归因" not in spec.plugins:
            yield Finding(("attribution",), "attribution is set: add 营销归因 to plugins to switch it on",
                          severity="warning")
        if playbook.of("ad_accounts") and "广告营销" not in spec.plugins:
            yield Finding(("plugins",), "the playbook binds ad accounts: add 广告营销 to plugins",
                          severity="warning")
        if spec.privacy is None and (playbook.of("website_forms") or playbook.of("ad_accounts")):
            yield Finding((), "forms collect personal data: set privacy.policy_url so every form shows the "
                              "privacy statement and a consent checkbox (PIPL)", severity="warning")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        verify = words.say(_VERIFY, settings=words.where("营销通 > 系统设置"), plugins=words.word("营销插件"))
        if state.get("custom_domain"):
            verify += words.say(_DOMAIN, url=f"https://{state['custom_domain']}")
        return ManualStep(menu_path=words.where(self.menu_path), values=words.values(self.model, state),
                          verify=verify, who=words.say(self.manual_who))

    def acceptance_tests(self, spec: BasicSettingsSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_SHOWN), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"company": {"name": "示例科技有限公司", "short_name": "示例科技", "website": "https://www.example.cn"},
                "plugins": ["广告营销", "企业专属域名", "官网对接"], "custom_domain": "mkt.example.cn",
                "lead_storage": {"default_pool": "市场线索池"},
                "privacy": {"policy_url": "https://www.example.cn/privacy"}}


KINDS: list[Kind[Any]] = [BasicSettings()]
