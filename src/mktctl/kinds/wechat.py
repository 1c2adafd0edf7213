"""The WeChat ecosystem (微信生态), guide 2.4.3: the WeChat open platform that joins identities, the service
accounts (服务号), mini programs (小程序) and channels (视频号) bound to 营销通 (a 订阅号 is refused), and
the WeCom (企业微信) connection with its live codes and tags.

Each binding is an authorisation that a client admin does by scanning a QR code, so against a real tenant
it is a manual step naming who does it; the sandbox keeps it through its extension API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Path_, Playbook, Reference, Resource, Spec
from mktctl.kinds.conditions import split_tag, tag_reference, tag_value_findings
from mktctl.kinds.shared import EMAIL, as_texts, unique, url
from mktctl.kinds.wording import PLAIN, Words

_WX_APP_ID = re.compile(r"^wx[0-9a-f]{16}$")
_WECOM_CORP_ID = re.compile(r"^w[wx][0-9a-f]{16}$")


class WechatOpenPlatformSpec(Spec):
    login_email: str | None = Field(None, title="开放平台登录邮箱", description="the client's open platform account")
    certified: bool = Field(False, title="已完成开发者资质认证",
                            description="企业认证 done by the client (Tencent charges 300 元/年)")
    certified_until: date | None = Field(None, title="认证有效期至")
    bind: list[str] = Field(default_factory=list, title="绑定的公众号和小程序",
                            description="wechat_accounts to bind (default: every 服务号 and 小程序)")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "login_email": "客户微信开放平台账号的登录邮箱",
        "certified": "客户已完成开放平台企业认证（腾讯收取认证费300元/年）",
        "bind": "要绑定到开放平台的微信账号（默认：所有服务号和小程序）",
    }

    @field_validator("login_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address")
        return None if value is None else value.strip().lower()

    @field_validator("bind")
    @classmethod
    def _bind(cls, value: list[str]) -> list[str]:
        return sorted(unique(value))


_BOUND = Phrase("管理中心列出每个已绑定的账号；同一人关注服务号并打开小程序，在营销通中显示为同一个微信用户",
                "the management centre lists every account bound; in FxiaoKe Marketing a person who follows the "
                "service account and opens the mini program shows as one WeChat user")
_ONE_USER = Phrase("同一人关注服务号并打开小程序，在营销通中是同一个微信用户",
                   "one person follows the service account and opens the mini program: FxiaoKe Marketing shows one "
                   "WeChat user")


class WechatOpenPlatform(Kind[WechatOpenPlatformSpec]):
    name = "wechat_open_platform"
    title = "微信开放平台"
    summary = "The WeChat open platform that joins service account, mini program and WeCom identities"
    guide = "2.4.3"
    model = WechatOpenPlatformSpec
    singleton = True
    depends_on = ("wechat_accounts",)
    menu_path = "微信开放平台（open.weixin.qq.com） > 管理中心 > 公众帐号 / 小程序 > 绑定"
    manual_who = Phrase("客户方对接人", "client contact")
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

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        return ManualStep(menu_path=words.where(self.menu_path), values=words.values(self.model, state),
                          verify=words.say(_BOUND), who=words.say(self.manual_who))

    def acceptance_tests(self, spec: WechatOpenPlatformSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_ONE_USER), words.say(CONSULTANT))]

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

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "type": "服务号、小程序或视频号（订阅号不能绑定）",
        "app_id": "服务号和小程序的AppID，形如 wx0123456789abcdef",
        "channel_id": "仅视频号填写",
        "avatar": "仅视频号填写，头像图片的 HTTPS 网址",
        "authorisation_url": "营销通显示的扫码授权链接（已知时填写）；实施步骤中会显示为二维码，供管理员扫码授权",
    }

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


_NAME = Phrase("名称", "Name")
# account type -> (menu under 营销插件, who, how to verify)
_ACCOUNT_STEPS: dict[str, tuple[str, Phrase, Phrase]] = {
    "服务号": ("微信公众号 > 绑定公众号", Phrase("客户微信服务号管理员（扫码授权）",
                                          "client admin of the WeChat service account (scans the QR code)"),
            Phrase("营销通显示{account}已授权；关注后生成微信用户，菜单、群发和标签在营销通中管理",
                   "FxiaoKe Marketing shows {account} as authorised; following it creates a WeChat user, and its "
                   "menu, mass messages and tags are managed in FxiaoKe Marketing")),
    "小程序": ("微信小程序 > 绑定小程序", Phrase("客户微信小程序管理员（扫码授权）",
                                          "client admin of the WeChat mini program (scans the QR code)"),
            Phrase("营销通显示{account}已授权；员工名片和微站可在其中打开",
                   "FxiaoKe Marketing shows {account} as authorised; business cards and the micro site open in it")),
    "视频号": ("视频号 > 对接视频号", CONSULTANT,
            Phrase("微页面可以插入视频号{account}的主页、视频和直播预约",
                   "a micro page can insert the home page, videos and live bookings of the WeChat Channels account "
                   "{account}")),
}
_ACCOUNT_TESTS = {
    "服务号": Phrase("关注服务号{account}，营销通生成微信用户；群发和标签可用",
                  "follow the service account {account}: FxiaoKe Marketing creates a WeChat user; mass messages and "
                  "tags work"),
    "小程序": Phrase("打开小程序{account}：员工名片和微站正常显示",
                  "open the mini program {account}: business cards and the micro site show correctly"),
    "视频号": Phrase("在微页面插入视频号{account}的主页和视频，预览正常",
                  "insert the home page and videos of the WeChat Channels account {account} in a micro page: the "
                  "preview shows them"),
}


class WechatAccounts(Kind[WechatAccount]):
    name = "wechat_accounts"
    title = "微信账号"
    summary = "WeChat service accounts, mini programs and WeChat Channels"
    guide = "2.4.3"
    model = WechatAccount
    menu_path = "营销通 > 系统设置 > 营销插件"
    secret_fields = frozenset({"authorisation_url"})  # the link carries the authorisation code

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

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        menu, who, verify = _ACCOUNT_STEPS.get(str(state.get("type")), _ACCOUNT_STEPS["视频号"])
        return ManualStep(menu_path=words.where(f"{self.menu_path} > {menu}"),
                          values=[(words.say(_NAME), key), *words.values(self.model, state)],
                          verify=words.say(verify, account=words.quote(key)), qr_url=state.get("authorisation_url"),
                          who=words.say(who))

    def acceptance_tests(self, spec: WechatAccount, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_ACCOUNT_TESTS[spec.type], account=words.quote(key)), words.say(CONSULTANT))]

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

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "staff": "接待添加好友的员工，填员工编号",
        "tags": "通过该活码添加的客户自动打上的标签，每个写作“标签组：标签值”，须是标签中已有的，如 用户来源：企微活码",
    }

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

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "corp_id": "企业微信的企业ID，可在企业微信管理后台“我的企业”页面查看，形如 ww0123456789abcdef",
        "sync_customers": "把企业微信的外部联系人同步为企业微信客户",
        "new_contact_tags": "每位新添加的企业微信客户自动打上的标签，每个写作“标签组：标签值”，"
                            "须是标签中已有的，如 用户来源：企业微信",
        "authorisation_url": "营销通显示的扫码授权链接（已知时填写）",
    }

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


_CONNECTED = Phrase("营销通显示企业微信已连接；企业微信联系人显示为企业微信客户，"
                    "通过每个渠道活码添加的联系人获得对应标签和欢迎语",
                    "FxiaoKe Marketing shows the WeCom corp as connected; WeCom contacts appear as WeCom contacts "
                    "of the CRM, and a contact added by each live code gets its tags and welcome message")
_LIVE_CODE_TEST = Phrase("扫渠道活码{code}添加好友：自动打标签并发送欢迎语",
                         "add a contact with the live code {code}: the tags are set and the welcome message is sent")
_SYNCED = Phrase("企业微信客户同步到营销通", "WeCom contacts are synced to FxiaoKe Marketing")


class Wecom(Kind[WecomSpec]):
    name = "wecom"
    title = "企业微信"
    summary = "The WeCom connection: customer sync, live codes and auto-tagging of new contacts"
    guide = "2.4.3"
    model = WecomSpec
    singleton = True
    depends_on = ("users", "tags")
    menu_path = "营销通 > 系统设置 > 营销插件 > 企业微信 > 连接企业微信"
    manual_who = Phrase("客户企业微信管理员（扫码授权）", "client WeCom admin (scans the QR code)")
    secret_fields = frozenset({"authorisation_url"})  # the link carries the authorisation code

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

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        return ManualStep(menu_path=words.where(self.menu_path), values=words.values(self.model, state),
                          verify=words.say(_CONNECTED), qr_url=state.get("authorisation_url"),
                          who=words.say(self.manual_who))

    def acceptance_tests(self, spec: WecomSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        who = words.say(CONSULTANT)
        codes = [(words.say(_LIVE_CODE_TEST, code=words.quote(code.name)), who) for code in spec.live_codes]
        return [*codes, (words.say(_SYNCED), who)]

    def example(self) -> Any:
        return {"corp_name": "示例科技", "new_contact_tags": ["用户来源:企业微信"],
                "live_codes": [{"name": "官网咨询", "staff": ["S001"], "tags": ["用户来源:官网"]}]}


KINDS: list[Kind[Any]] = [WechatOpenPlatform(), WechatAccounts(), Wecom()]
