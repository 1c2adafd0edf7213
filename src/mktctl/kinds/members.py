"""Member marketing (会员营销), guide 2.5: registration in the member centre, tiers by growth value, points
and how they are earned and expire, and a KOL programme of members who refer others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Kind, Playbook, Resource, Spec
from mktctl.kinds.content import MINI_PROGRAM_ZH, mini_program_field, mini_program_findings
from mktctl.kinds.shared import SettingsKind, duplicates, unknown

RegistrationField = Literal["手机号", "姓名", "性别", "生日", "邮箱", "公司", "城市"]
MemberBehaviour = Literal["注册会员", "每日签到", "完善资料", "消费", "邀请好友", "参与活动", "分享内容", "评价"]
PointsExpiry = Literal["永久有效", "每年年底清零", "获得后12个月"]
PERSONAL_FIELDS = ("手机号", "姓名", "生日", "邮箱")


class Tier(Spec):
    name: str = Field(min_length=1, max_length=20, title="等级名称")
    growth_min: int = Field(ge=0, title="所需成长值", description="the growth value from which a member has this tier")
    benefits: list[str] = Field(default_factory=list, title="等级权益")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "growth_min": "会员的成长值达到该值即进入此等级",
    }


class EarnRule(Spec):
    behaviour: MemberBehaviour = Field(title="行为")
    points: int = Field(ge=1, title="积分")
    growth: int = Field(0, ge=0, title="成长值", description="growth value earned too (the second track)")
    daily_cap: int | None = Field(None, ge=1, title="每日上限")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "growth": "同时获得的成长值（积分之外的第二条轨道）",
    }


class Kol(Spec):
    name: str = Field("KOL口碑官", min_length=1, title="KOL名称")
    min_tier: str = Field(title="最低等级", description="a tier's name: members from this tier may become KOL")
    min_referrals: int = Field(1, ge=0, title="邀请人数门槛", description="successful referrals needed")
    referral_points: int = Field(0, ge=0, title="每次邀请奖励积分")
    benefits: list[str] = Field(default_factory=list, title="KOL权益")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "min_tier": "等级名称，该等级及以上的会员可成为KOL",
        "min_referrals": "需要成功邀请的人数",
    }


class MemberMarketing(Spec):
    entry: Literal["小程序", "公众号"] = Field("小程序", title="会员中心入口")
    mini_program: str | None = mini_program_field()
    registration_fields: list[RegistrationField] = Field(default_factory=lambda: ["手机号", "姓名"],
                                                         title="注册信息")
    privacy_consent: bool = Field(True, title="注册时勾选隐私协议")
    tiers: list[Tier] = Field(min_length=1, title="会员等级", description="lowest first; the first starts at 0")
    points_name: str = Field("积分", min_length=1, max_length=10, title="积分名称")
    earn: list[EarnRule] = Field(default_factory=list, title="积分规则")
    points_expiry: PointsExpiry = Field("获得后12个月", title="积分有效期")
    kol: Kol | None = Field(None, title="KOL口碑体系", description="members who refer others")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "mini_program": MINI_PROGRAM_ZH,
        "tiers": "从低到高填写；第一个等级的成长值从0开始",
        "kol": "让邀请他人加入的会员成为KOL的口碑体系",
    }


class MemberMarketingKind(SettingsKind[MemberMarketing]):
    name = "member_marketing"
    title = "会员营销"
    summary = "Member marketing: registration, tiers by growth value, points, and a KOL programme"
    guide = "2.5"
    model = MemberMarketing
    singleton = True
    depends_on = ("wechat_accounts",)
    menu_path = "营销通 > 会员营销 > 会员设置"
    manual_who = Phrase("实施顾问与客户会员运营负责人", "consultant with the client's member-operations owner")
    verify = Phrase("注册一个测试会员：获得第一个会员等级，测试行为增加积分",
                    "register a test member: it gets the first tier, and a test behaviour adds the points")

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


KINDS: list[Kind[Any]] = [MemberMarketingKind()]
