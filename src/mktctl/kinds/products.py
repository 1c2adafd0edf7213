"""Products (产品开通), guide 1.1: the 营销通 edition and what was ordered for the client before the rollout.

The products are ordered in FxiaoKe's own CRM by the account manager (客户经理), so against a real tenant
this is a manual step. What the playbook declares here is also what the preflight rules check the rest
of the playbook against: a section that needs a product that was not ordered is an error at validate
time, at the place that needs it, naming what to order (guide 1.1.1):

* ad accounts of 百度/巨量引擎/腾讯广告 need 【营销一体化应用】, and on 标准版 also 【营销通-广告营销插件】;
* lead sync from 搜狗/知乎/快手/神马/小红书 needs that platform's 【广告线索连接器】;
* marketing automation (nurture flows, SOP), scoring and score-based lead rules need 【行为积分】;
* attribution needs the 【营销归因】 gray-release application;
* micro-page ad landing pages need 【企业专属域名】;
* member marketing needs 会员营销 accounts, WeCom needs the 企微接口 or SCRM销售账号.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, get_args

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Kind, ManualStep, Path_, Playbook, Resource, Spec
from mktctl.kinds.shared import unique
from mktctl.kinds.wording import PLAIN, Words

Edition = Literal["标准版", "旗舰版"]
ProductName = Literal["营销一体化应用", "行为积分", "营销通-广告营销插件", "搜狗广告线索连接器", "知乎广告线索连接器",
                      "快手广告线索连接器", "神马广告线索连接器", "小红书广告线索连接器", "企业专属域名"]
PRODUCTS: tuple[str, ...] = get_args(ProductName)
GrayRelease = Literal["营销归因"]

#: platforms whose leads come in through a per-platform connector (guide 1.1.1, second row)
CONNECTOR_PLATFORMS = ("搜狗", "知乎", "快手", "神马", "小红书")
RECOMMENDED = ("营销一体化应用", "行为积分")  # "建议默认给客户下单产品"
PRICES = {"营销通-广告营销插件": "插件费 39800 元/年", "营销一体化应用": "0 元", "搜狗广告线索连接器": "0 元",
          "知乎广告线索连接器": "0 元", "快手广告线索连接器": "0 元", "神马广告线索连接器": "0 元",
          "小红书广告线索连接器": "0 元"}


class ProductsSpec(Spec):
    edition: Edition = Field(title="营销通版本", description="the edition bought: 标准版 or 旗舰版")
    ordered: list[ProductName] = Field(default_factory=list, title="已下单产品",
                                       description="products ordered in CRM (下单产品), e.g. 营销一体化应用, 行为积分")
    gray_release: list[GrayRelease] = Field(default_factory=list, title="灰度申请",
                                            description="gray-release applications made, e.g. 营销归因")
    member_accounts: int = Field(0, ge=0, title="会员营销账号数", description="会员型营销账号 bought (会员营销)")
    wecom_interface: int = Field(0, ge=0, title="企微接口账号数", description="企业微信接口 licences bought")
    scrm_seats: int = Field(0, ge=0, title="SCRM销售账号数", description="企微SCRM sales seats bought")
    order_number: str | None = Field(None, max_length=64, title="订单编号",
                                     description="the CRM order this was ordered with, for the record")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "edition": "购买的营销通版本，标准版或旗舰版",
        "ordered": "已在CRM中下单的产品，如营销一体化应用、行为积分",
        "gray_release": "已提交的灰度申请，如营销归因",
        "member_accounts": "已购买的会员型营销账号数（会员营销）",
        "wecom_interface": "已购买的企业微信接口账号数",
        "scrm_seats": "已购买的企微SCRM销售账号数",
        "order_number": "下单这些产品的CRM订单编号，留作记录",
    }

    @field_validator("ordered", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> Any:
        # 旗舰版 names the connectors 【xx广告连接器】; both spellings mean the same product
        if isinstance(value, list):
            return [v.replace("广告连接器", "广告线索连接器") if isinstance(v, str) and v.endswith("广告连接器")
                    else v for v in value]
        return value

    @field_validator("ordered")
    @classmethod
    def _canonical(cls, value: list[str]) -> list[str]:
        return sorted(unique(value), key=PRODUCTS.index)

    @field_validator("gray_release")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return sorted(unique(value))


@dataclass(frozen=True)
class Need:
    """One place in the playbook that needs something bought: a product, a gray release or accounts."""

    resource: Resource[Any]
    path: Path_
    usage: str  # what needs it, in words: "小红书 lead sync"
    product: str  # a ProductName, "营销归因", "member_accounts" or "wecom"


class Products(Kind[ProductsSpec]):
    name = "products"
    title = "产品开通"
    summary = "The FxiaoKe Marketing edition and the products, plug-ins and accounts ordered before the rollout"
    guide = "1.1"
    model = ProductsSpec
    singleton = True
    menu_path = "纷享销客 CRM > 订单 > 新建订单（为客户下单产品）"
    manual_who = Phrase("纷享销客客户经理", "FxiaoKe account manager")

    def check_all(self, resources: list[Resource[ProductsSpec]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        products = resources[0]
        spec = products.spec
        missing: set[str] = set()
        for need in needs(playbook):
            message = _missing(spec, need)
            if message is not None:
                missing.add(need.product)
                yield need.resource, Finding(need.path, message)
        absent = [p for p in RECOMMENDED if p not in spec.ordered and p not in missing]
        if absent:
            names = "、".join(f"【{p}】" for p in absent)
            yield products, Finding(("ordered",), f"the guide recommends ordering {names} for every client "
                                                  "(1.1.1); add it to products.ordered once ordered",
                                    severity="warning")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        bought = {name: value for name, value in state.items() if value != 0}
        return ManualStep(menu_path=words.where(self.menu_path), values=words.values(self.model, bought),
                          verify=words.say(_OPENED, plugins=words.where(PLUGINS)), who=words.say(self.manual_who))

    def acceptance_tests(self, spec: ProductsSpec, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        products = words.join(words.word(p) for p in spec.ordered) or words.word(spec.edition)
        return [(words.say(_ALL_OPEN, plugins=words.where(PLUGINS), products=products), words.say(self.manual_who))]

    def example(self) -> Any:
        return {"edition": "旗舰版", "ordered": ["营销一体化应用", "行为积分", "企业专属域名"],
                "gray_release": ["营销归因"]}


PLUGINS = "营销通 > 系统设置 > 营销插件"
_OPENED = Phrase("{plugins} 中每个已下单的产品显示为已开通，灰度申请显示为已通过",
                 "{plugins} shows every ordered product as opened, and the gray releases as granted")
_ALL_OPEN = Phrase("{plugins}：{products}均已开通", "{plugins}: {products} are all opened")


def _missing(spec: ProductsSpec, need: Need) -> str | None:
    """The error for ``need`` when the products do not cover it, else None."""
    head = f"{need.resource.kind.name} {need.resource.key!r}: {need.usage}"
    if need.product == "营销归因":
        if "营销归因" in spec.gray_release:
            return None
        return (f"{head} needs the 营销归因 gray release; apply for it (申请【营销归因】产品灰度使用) and add "
                "营销归因 to products.gray_release")
    if need.product == "member_accounts":
        if spec.member_accounts > 0:
            return None
        return f"{head} needs 会员营销 accounts; buy 会员型营销账号 and set products.member_accounts"
    if need.product == "wecom":
        if spec.wecom_interface > 0 or spec.scrm_seats > 0:
            return None
        return (f"{head} needs the 企微接口 or SCRM销售账号; buy one and set products.wecom_interface or "
                "products.scrm_seats")
    if need.product == "营销通-广告营销插件" and spec.edition == "旗舰版":
        return None  # included in the flagship edition
    if need.product in spec.ordered:
        return None
    price = f" ({PRICES[need.product]})" if need.product in PRICES else ""
    return (f"{head} needs 【{need.product}】{price} on {spec.edition}; order it in CRM and add it to "
            "products.ordered")


def needs(playbook: Playbook) -> Iterator[Need]:
    """Every place of the playbook that needs something bought, found by section name so that sections
    of other modules (scoring_models, nurture_flows, event_sop, member_marketing) count once they exist."""
    for resource in playbook.of("ad_accounts"):
        platform = getattr(resource.spec, "platform", "")
        if platform in ("百度", "巨量引擎", "腾讯广告"):
            yield Need(resource, ("platform",), f"{platform} ad account", "营销一体化应用")
        yield Need(resource, ("platform",), f"{platform} ad account", "营销通-广告营销插件")
        lead_sync = getattr(resource.spec, "lead_sync", None)
        if platform in CONNECTOR_PLATFORMS and lead_sync is not None and lead_sync.enabled:
            yield Need(resource, ("lead_sync",), f"{platform} lead sync", f"{platform}广告线索连接器")
        if getattr(resource.spec, "landing_page", None) == "营销通微页面":
            yield Need(resource, ("landing_page",), "micro-page (营销通微页面) ad landing pages", "企业专属域名")
    for kind_name, usage in (("scoring_models", "scoring"), ("nurture_flows", "marketing automation"),
                             ("event_sop", "SOP automation")):
        for resource in playbook.of(kind_name):
            yield Need(resource, (), usage, "行为积分")
    for resource in playbook.of("mql_definition"):
        if getattr(resource.spec, "min_score", None) is not None:
            yield Need(resource, ("min_score",), "an MQL score threshold", "行为积分")
    for resource in playbook.of("lead_assignment"):
        for position, rule in enumerate(getattr(resource.spec, "rules", [])):
            if rule.when.min_score is not None or rule.when.max_score is not None:
                yield Need(resource, ("rules", position, "when"), "score-based assignment", "行为积分")
    for resource in playbook.of("basic_settings"):
        yield from _settings_needs(resource)
    for resource in playbook.of("member_marketing"):
        yield Need(resource, (), "member marketing", "member_accounts")
    for resource in playbook.of("wecom"):
        yield Need(resource, (), "the WeCom connection", "wecom")


def _settings_needs(resource: Resource[Any]) -> Iterator[Need]:
    spec = resource.spec
    plugins: list[str] = list(getattr(spec, "plugins", []))

    def plugin(name: str) -> Path_:
        return ("plugins", plugins.index(name))

    if getattr(spec, "attribution", None) is not None:
        yield Need(resource, ("attribution",), "attribution", "营销归因")
    elif "营销归因" in plugins:
        yield Need(resource, plugin("营销归因"), "the 营销归因 plug-in", "营销归因")
    if getattr(spec, "custom_domain", None):
        yield Need(resource, ("custom_domain",), "a custom domain", "企业专属域名")
    elif "企业专属域名" in plugins:
        yield Need(resource, plugin("企业专属域名"), "the 企业专属域名 plug-in", "企业专属域名")
    if "会员营销" in plugins:
        yield Need(resource, plugin("会员营销"), "the 会员营销 plug-in", "member_accounts")
    if "广告营销" in plugins:
        yield Need(resource, plugin("广告营销"), "the 广告营销 plug-in", "营销通-广告营销插件")


KINDS: list[Kind[Any]] = [Products()]
