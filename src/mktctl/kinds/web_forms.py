"""Website forms (官网表单), guide 2.4.4: the client's own site's forms connected to 营销通, their field
mapping into 销售线索, UTM parameters for ads, and the embed code for the web team. Also where a channel's
leads go when it names no pool (``basic_settings.lead_storage.default_pool``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import urlencode

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.lead_fields import lead_field
from mktctl.kinds.shared import url
from mktctl.kinds.wording import PLAIN, Words

LEAD_POOL_HINT = "leads from it go nowhere"


def default_pool(playbook: Playbook) -> str | None:
    """Where leads of a channel that names no pool go: ``basic_settings.lead_storage.default_pool``, if set."""
    for resource in playbook.of("basic_settings"):
        storage = getattr(resource.spec, "lead_storage", None)
        if storage is not None:
            return str(storage.default_pool)
    return None


def no_pool_warning(what: str, path: tuple[str | int, ...]) -> Finding:
    """The warning for a channel whose leads have no pool to go to."""
    return Finding(path, f"{what} has no lead pool and basic_settings names no lead_storage.default_pool: "
                       f"{LEAD_POOL_HINT}; set pool", severity="warning")


class FormUtm(Spec):
    source: str = Field(min_length=1, title="utm_source", description="e.g. baidu")
    medium: str = Field(min_length=1, title="utm_medium", description="e.g. cpc")
    campaign: str = Field(min_length=1, title="utm_campaign")
    term: str | None = Field(None, title="utm_term")
    content: str | None = Field(None, title="utm_content")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "source": "如 baidu",
        "medium": "如 cpc",
    }

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
    success_message: str = Field("提交成功，我们会尽快与您联系", max_length=200, title="提交成功提示")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "page_url": "放置表单的官网页面的 HTTPS 网址",
        "integration": "在页面中嵌入营销通表单的代码，或把官网自有的表单对接到营销通表单",
        "fields": "表单字段 → 销售线索字段（API名称），如 手机 → mobile",
        "utm": "投放广告时加在网址上的UTM参数",
        "pool": "线索存入的线索池（默认：基础设置中的默认线索池）",
        "consent": "表单要求勾选隐私授权（《个人信息保护法》）",
    }

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


_AD_ADDRESS = Phrase("投放地址", "Address for ads")
_EMBED = Phrase("{code}：交给网站团队，嵌入 {page}", "{code}: give it to the web team for {page}")
_SUBMITTED = Phrase("用{address}打开页面并提交表单：线索进入线索池，带线索来源和UTM参数",
                    "submit the form on the page at the {address}: the lead arrives in the pool with its source and "
                    "the UTM parameters")
_FORM_TEST = Phrase("官网表单{form}：用带UTM参数的投放地址提交，线索进入线索池并记录来源",
                    "website form {form}: submitted at the address with the UTM parameters, the lead arrives in the "
                    "pool with its source")


class WebsiteForms(Kind[WebsiteFormSpec]):
    name = "website_forms"
    title = "官网表单"
    summary = "Website forms: field mapping into CRM, UTM parameters, the embed code"
    guide = "2.4.4"
    model = WebsiteFormSpec
    depends_on = ("lead_pools", "lead_fields")
    menu_path = "营销通 > 系统设置 > 营销插件 > 官网对接"
    manual_who = Phrase("实施顾问与客户网站团队", "consultant, with the client's web team")

    def references(self, spec: WebsiteFormSpec) -> Iterable[Reference]:
        if spec.pool:
            yield Reference(("pool",), "lead_pools", spec.pool)
        for label, target in spec.fields.items():
            yield Reference(("fields", label), "lead_fields", target)

    def check(self, resource: Resource[WebsiteFormSpec], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if not spec.pool and default_pool(playbook) is None:
            yield no_pool_warning(f"website form {spec.name!r}", ("name",))
        if not {"mobile", "email"} & set(spec.fields.values()):
            yield Finding(("fields",), "the form collects neither mobile nor email: its leads can be neither "
                                       "deduplicated nor reached", severity="warning")
        if not spec.consent:
            yield Finding(("consent",), "the form collects personal data without asking for consent (PIPL)",
                          severity="warning")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        values = words.values(self.model, state)
        utm = state.get("utm")
        if utm:
            query = FormUtm.model_validate(utm).query()
            page = str(state.get("page_url", ""))
            values.append((words.say(_AD_ADDRESS), f"{page}{'&' if '?' in page else '?'}{query}"))
        code = f"{words.where('营销通 > 表单', key)} > {words.word('嵌入代码')}"
        values.append((words.word("嵌入代码"), words.say(_EMBED, code=code, page=state.get("page_url", ""))))
        return ManualStep(menu_path=words.where(self.menu_path, key), values=values,
                          verify=words.say(_SUBMITTED, address=words.say(_AD_ADDRESS)), who=words.say(self.manual_who))

    def acceptance_tests(self, spec: WebsiteFormSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_FORM_TEST, form=words.quote(key)), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "官网-联系销售", "page_url": "https://www.example.cn/contact",
                "fields": {"姓名": "name", "手机": "mobile", "公司": "company"},
                "utm": {"source": "baidu", "medium": "cpc", "campaign": "brand"}, "pool": "市场线索池"}


KINDS: list[Kind[Any]] = [WebsiteForms()]
