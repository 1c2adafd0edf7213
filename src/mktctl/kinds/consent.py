"""Personal-information protection and unsubscribes (个人信息保护与退订), guide 2.7: the purposes people
agree to (PIPL), per channel, and how unsubscribes are honoured. Nurture flows that send name a purpose
that covers their channels (see :mod:`mktctl.kinds.nurture`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Kind, Playbook, Resource, Spec
from mktctl.kinds.marketing_objects import Channel
from mktctl.kinds.shared import SettingsKind, duplicates, url

CollectPoint = Literal["表单", "活动报名", "会员注册", "员工名片", "企业微信添加好友", "官网"]
LegalBasis = Literal["个人同意", "订立或履行合同所必需", "履行法定职责或义务"]


class Purpose(Spec):
    name: str = Field(min_length=1, max_length=30, title="处理目的")
    description: str = Field("", max_length=200, title="说明", description="as shown to the person")
    channels: list[Channel] = Field(min_length=1, title="触达渠道")
    legal_basis: LegalBasis = Field("个人同意", title="处理依据")
    retention_days: int | None = Field(None, ge=1, title="保存期限（天）")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "description": "向个人展示的说明",
    }


class Unsubscribe(Spec):
    email_link: bool = Field(True, title="邮件退订链接", description="every marketing email carries one")
    sms_keyword: str | None = Field("回T退订", max_length=10, title="短信退订方式",
                                    description="the text every marketing SMS ends with")
    honour_within_hours: int = Field(24, ge=1, le=720, title="退订生效时限（小时）")
    stop_flows: bool = Field(True, title="退订后退出营销流程")
    all_channels: bool = Field(False, title="一处退订全部退订")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "email_link": "每封营销邮件都带退订链接",
        "sms_keyword": "每条营销短信结尾的退订提示",
    }


class Consent(Spec):
    privacy_policy_url: str = Field(title="隐私政策链接", description="https address of the privacy policy")
    collect_at: list[CollectPoint] = Field(min_length=1, title="收集同意的触点")
    purposes: list[Purpose] = Field(min_length=1, title="处理目的")
    unsubscribe: Unsubscribe = Field(default_factory=Unsubscribe, title="退订处理")
    separate_consent_for_sensitive: bool = Field(True, title="敏感个人信息单独同意")
    records_kept_days: int = Field(1095, ge=30, title="同意记录保存天数")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "privacy_policy_url": "隐私政策的 HTTPS 网址",
    }

    @field_validator("privacy_policy_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return url(value)


class ConsentKind(SettingsKind[Consent]):
    name = "consent"
    title = "个人信息保护与退订"
    summary = "PIPL consent: the purposes people agree to, per channel, and how unsubscribes are handled"
    guide = "2.7"
    model = Consent
    singleton = True
    menu_path = "营销通 > 系统设置 > 隐私合规设置"
    manual_who = Phrase("实施顾问与客户个人信息保护负责人", "consultant with the client's data-protection owner")
    verify = Phrase("测试表单显示隐私政策和处理目的；测试退订后不再收到下一次发送",
                    "a test form shows the privacy policy and purposes; a test unsubscribe stops the next send")

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


KINDS: list[Kind[Any]] = [ConsentKind()]
