"""SMS and e-mail (短信通道, 邮件通道), guide 2.4.5 and 2.4.6: the SMS signature and the templates submitted
for approval, and the e-mail sender domains with the SPF, DKIM and DMARC records the client's IT sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Playbook, Resource, Spec
from mktctl.kinds.flow_checks import sent_sms_templates
from mktctl.kinds.personalisation import unknown_variable_messages
from mktctl.kinds.shared import EMAIL, hostname, unique
from mktctl.kinds.wording import PLAIN, Words

# the carriers' usual opt-out wordings, longest first: the one a text offers is the longest it contains
_UNSUBSCRIBE = ("拒收请回复R", "回TD退订", "退订回TD", "回T退订", "退订回T")
_TRAILING = " \t\r\n。.!！"


class SmsTemplate(Spec):
    name: str = Field(min_length=1, max_length=30, title="模板名称")
    type: Literal["验证码", "通知", "营销推广"] = Field(title="模板类型")
    content: str = Field(min_length=1, max_length=500, title="模板内容",
                         description="without the signature; a 营销推广 template ends with the opt-out of "
                                     "consent.unsubscribe.sms_keyword, e.g. 回T退订")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "content": "模板正文，不含签名；营销推广模板须以个人信息保护与退订中设置的短信退订方式结尾，如 回T退订",
    }

    @model_validator(mode="after")
    def _content(self) -> SmsTemplate:
        if "【" in self.content or "】" in self.content:
            raise ValueError(f"template {self.name!r}: leave the 【signature】 out; it is added to every message")
        if self.type == "营销推广" and not any(word in self.content for word in _UNSUBSCRIBE):
            raise ValueError(f"template {self.name!r}: a 营销推广 message must offer an opt-out, e.g. end with "
                             "回T退订")
        return self


def opt_out_findings(templates: list[SmsTemplate], playbook: Playbook) -> Iterator[Finding]:
    """Every template against the one opt-out wording of the playbook, ``consent.unsubscribe.sms_keyword``: a
    marketing template must end with it, and no template may offer another way out (a reply the platform
    does not take as an unsubscribe)."""
    consents = playbook.of("consent")
    keyword = consents[0].spec.unsubscribe.sms_keyword if consents else None
    if not keyword:
        return
    where = consents[0].mark(("unsubscribe", "sms_keyword"))
    for index, template in enumerate(templates):
        ending = template.content.rstrip(_TRAILING)
        other = next((word for word in _UNSUBSCRIBE if word in template.content and word != keyword
                      and word not in keyword), None)
        if other is not None:
            problem = f"offers the opt-out {other!r}"
        elif template.type == "营销推广" and not ending.endswith(keyword):
            problem = "does not end with the opt-out"
        else:
            continue
        yield Finding(("templates", index, "content"),
                      f"template {template.name!r} {problem}, but consent tells people to unsubscribe with "
                      f"{keyword!r} ({where}): end every marketing SMS with {keyword}")


class SmsChannelSpec(Spec):
    signature: str = Field(min_length=2, max_length=12, title="短信签名", description="2-12 characters, without 【】")
    signature_source: Literal["企业名称", "工信部备案网站", "App", "公众号或小程序", "商标"] = Field(
        "企业名称", title="签名来源", description="what proves the signature is the client's")
    templates: list[SmsTemplate] = Field(default_factory=list, title="短信模板")
    daily_limit_per_mobile: int | None = Field(None, ge=1, title="单号码每日上限")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "signature": "2到12个字，不含【】",
        "signature_source": "证明该签名属于客户的依据",
    }

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


_APPROVED = Phrase("签名和每个模板均显示审核通过；发到自己手机的测试短信带有【{signature}】",
                   "the signature and every template show as approved; a test message to your own mobile arrives "
                   "with 【{signature}】")
_SEND_TEST = Phrase("发送测试短信{template}，收到【{signature}】",
                    "send the test message {template}: it arrives with 【{signature}】")
_SIGNATURE_TEST = Phrase("短信签名【{signature}】审核通过", "the SMS signature 【{signature}】 is approved")


class SmsChannel(Kind[SmsChannelSpec]):
    name = "sms_channel"
    title = "短信通道"
    summary = "SMS: the signature and the message templates submitted for approval"
    guide = "2.4.5"
    model = SmsChannelSpec
    singleton = True
    menu_path = "营销通 > 系统设置 > 短信设置"
    manual_who = Phrase("实施顾问（需客户营业执照）", "consultant, with the client's business licence")

    def check(self, resource: Resource[SmsChannelSpec], playbook: Playbook) -> Iterable[Finding]:
        """Unknown personalisation variables: an error in a template a nurture flow sends (it cannot be
        rendered), a warning in the others (the platform may fill it when it sends them itself)."""
        sent = sent_sms_templates(playbook)
        for index, template in enumerate(resource.spec.templates):
            for message in unknown_variable_messages(template.content):
                yield Finding(("templates", index, "content"), message,
                              severity="error" if template.name in sent else "warning")
        yield from opt_out_findings(resource.spec.templates, playbook)

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        return ManualStep(menu_path=words.where(f"{self.menu_path} > 签名与模板"),
                          values=words.values(self.model, state),
                          verify=words.say(_APPROVED, signature=state.get("signature", "")),
                          who=words.say(self.manual_who))

    def acceptance_tests(self, spec: SmsChannelSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        who = words.say(CONSULTANT)
        sends = [(words.say(_SEND_TEST, template=words.quote(t.name), signature=spec.signature), who)
                 for t in spec.templates]
        return sends or [(words.say(_SIGNATURE_TEST, signature=spec.signature), who)]

    def example(self) -> Any:
        return {"signature": "示例科技", "templates": [
            {"name": "活动提醒", "type": "通知", "content": "您报名的{活动名称}将于{开始时间}开始, 请准时参加。"}]}


class EmailSenderDomain(Spec):
    domain: str = Field(title="发信域名", description="a (sub)domain of the client's, e.g. mail.example.cn")
    from_address: str = Field(title="发件人地址", description="an address on the domain, e.g. news@mail.example.cn")
    from_name: str = Field(min_length=1, max_length=50, title="发件人名称")
    reply_to: str | None = Field(None, title="回复地址")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "domain": "客户自己的域名或子域名，如 mail.example.cn",
        "from_address": "该域名下的发件地址，如 news@mail.example.cn",
    }

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
        found = EMAIL.match(value)
        if not found:
            raise ValueError(f"{value!r} is not an e-mail address")
        domain = info.data.get("domain")
        if info.field_name == "from_address" and domain and found.group(1) != domain:
            raise ValueError(f"{value!r} is not on the sender domain {domain}")
        return value


class EmailChannelSpec(Spec):
    sender_domains: list[EmailSenderDomain] = Field(min_length=1, title="发信域名")
    spf_include: str = Field(title="SPF记录包含", description="the mail service's SPF host, e.g. sendcloud.net")
    dkim_selector: str = Field("default", pattern=r"^[a-z0-9][a-z0-9\-_]*$", title="DKIM选择器")
    dmarc_policy: Literal["none", "quarantine", "reject"] = Field("none", title="DMARC策略")
    dmarc_reports_to: str | None = Field(None, title="DMARC报告邮箱")
    unsubscribe_link: bool = Field(True, title="退订链接", description="every marketing e-mail has an unsubscribe link")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "spf_include": "邮件服务商的SPF主机，如 sendcloud.net",
        "unsubscribe_link": "每封营销邮件都带退订链接",
    }

    @field_validator("spf_include")
    @classmethod
    def _spf(cls, value: str) -> str:
        return hostname(value)

    @field_validator("dmarc_reports_to")
    @classmethod
    def _reports(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator("sender_domains")
    @classmethod
    def _domains(cls, value: list[EmailSenderDomain]) -> list[EmailSenderDomain]:
        unique([d.domain for d in value])
        return value


DKIM_KEY = "the DKIM public key shown by the mail service"
_DKIM_KEY = Phrase("邮件服务显示的 DKIM 公钥", DKIM_KEY)
_VERIFIED = Phrase("营销通中每个发信域名显示为已验证（SPF、DKIM）；"
                   "发到外部邮箱的测试邮件，邮件头显示 SPF、DKIM 和 DMARC 均通过",
                   "FxiaoKe Marketing shows each sender domain as verified (SPF, DKIM); a test e-mail to an outside "
                   "mailbox passes SPF, DKIM and DMARC in its headers")
_MAIL_TEST = Phrase("从 {sender} 发送测试邮件：SPF、DKIM、DMARC 校验通过",
                    "a test e-mail from {sender} passes SPF, DKIM and DMARC")
_DOMAIN_ADMIN = Phrase("客户IT（域名管理员）", "client IT (the domain admin)")


def dns_records(spec: EmailChannelSpec) -> list[tuple[str, str, str]]:
    """The DNS records the client's IT sets for each sender domain: (type, name, value)."""
    records = []
    for sender in spec.sender_domains:
        records.append(("TXT", sender.domain, f"v=spf1 include:{spec.spf_include} ~all"))
        records.append(("TXT", f"{spec.dkim_selector}._domainkey.{sender.domain}",
                        DKIM_KEY))
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
    manual_who = Phrase("客户IT（域名管理员），实施顾问协助", "client IT (the domain admin), with the consultant")
    labels: ClassVar[Mapping[str, Mapping[str, str]]] = {
        "dmarc_policy": {"none": "仅监测", "quarantine": "隔离", "reject": "拒收"}}

    def check(self, resource: Resource[EmailChannelSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if not spec.unsubscribe_link:
            yield Finding(("unsubscribe_link",), "marketing e-mail without an unsubscribe link breaks PIPL consent "
                                                 "rules and hurts delivery", severity="warning")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        spec = EmailChannelSpec.model_validate(state)
        values = words.values(self.model, state)
        values += [(f"DNS {kind} {name}", words.say(_DKIM_KEY) if value is DKIM_KEY else value)
                   for kind, name, value in dns_records(spec)]
        return ManualStep(menu_path=words.where(self.menu_path), values=values, verify=words.say(_VERIFIED),
                          who=words.say(self.manual_who))

    def acceptance_tests(self, spec: EmailChannelSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_MAIL_TEST, sender=d.from_address), words.say(_DOMAIN_ADMIN)) for d in spec.sender_domains]

    def example(self) -> Any:
        return {"sender_domains": [{"domain": "mail.example.cn", "from_address": "news@mail.example.cn",
                                    "from_name": "示例科技"}], "spf_include": "sendcloud.net"}


KINDS: list[Kind[Any]] = [SmsChannel(), EmailChannel()]
