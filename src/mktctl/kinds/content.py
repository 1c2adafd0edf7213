"""Content (内容管理), guide 2.5: the content centre (articles, posters, files and products, in categories)
and the 数字展厅 of the client's mini program. None of these has a call in the public FxiaoKe API: the
sandbox keeps them through its extension API, a real tenant gets manual steps in 营销通.

The 数字展厅, the business cards, the marketing assistant and the member centre live in a WeChat mini
program. A client without its own mini program (a ``wechat_accounts`` item of type 小程序) falls back to
FxiaoKe's public mini program 客脉; the checks warn and say what differs, unless the playbook acknowledges
it with ``mini_program: 客脉``. The helpers for that check are here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Kind, Playbook, Reference, Resource, Spec
from mktctl.kinds.shared import SettingsKind, duplicates, unknown, url

# ---- the mini program: the client's own, or the public 客脉 ---------------------------------------------

PUBLIC_MINI_PROGRAM = "客脉"
PUBLIC_MINI_PROGRAM_DIFFERENCES = (
    "customers see the name and logo of 客脉 instead of the client's brand, visitors cannot be matched with "
    "the client's 公众号 followers and WeCom contacts (no UnionID through the client's open platform), and "
    "客脉 cannot be linked from the client's 公众号 menu or use the client's subscription messages")


def own_mini_programs(playbook: Playbook) -> list[str]:
    """The keys of the client's own mini programs: ``wechat_accounts`` items whose type is 小程序.

    A playbook without the ``wechat_accounts`` kind (or without such items) has none.
    """
    return [r.key for r in playbook.of("wechat_accounts") if getattr(r.spec, "type", None) == "小程序"]


def mini_program_findings(title: str, chosen: str | None, playbook: Playbook) -> Iterable[Finding]:
    """Check a ``mini_program`` field: a known mini program, or the 客脉 fallback with a warning."""
    own = own_mini_programs(playbook)
    if chosen == PUBLIC_MINI_PROGRAM:
        return
    if chosen is not None and chosen not in own:
        yield Finding(("mini_program",), unknown(chosen, [*own, PUBLIC_MINI_PROGRAM],
                                                 "a mini program of wechat_accounts (type 小程序)"))
        return
    if chosen is None and len(own) > 1:
        yield Finding((), f"{title}: the client has several mini programs ({', '.join(own)}); say which with "
                          "mini_program:")
    if chosen is None and not own:
        yield Finding((), f"{title}: the client has no mini program of its own (no wechat_accounts item of type "
                      f"小程序), so it falls back to FxiaoKe's public mini program {PUBLIC_MINI_PROGRAM}: "
                      f"{PUBLIC_MINI_PROGRAM_DIFFERENCES}; tell the client, or write mini_program: "
                      f"{PUBLIC_MINI_PROGRAM} to record that they agreed", severity="warning")


def mini_program_field() -> Any:
    """The ``mini_program`` field of a kind that lives in the client's mini program."""
    return Field(None, title="小程序",
                 description="the client's mini program (a wechat_accounts item of type 小程序; default: the only "
                             f"one), or {PUBLIC_MINI_PROGRAM} to use FxiaoKe's public mini program knowingly")


# what the field of mini_program_field() means, in Chinese: each model with the field says it in descriptions_zh
MINI_PROGRAM_ZH = ("客户自己的小程序（微信账号中类型为小程序的一项，只有一个时可不填）；"
                   f"填“{PUBLIC_MINI_PROGRAM}”表示知情使用纷享销客的公共小程序")


# ---- 内容中心 ---------------------------------------------------------------------------------------------

ContentSource = Literal["原创", "公众号文章", "外部链接"]
PosterTarget = Literal["微页面", "文章", "产品", "活动报名", "员工名片", "公众号关注"]
FILE_TYPES = (".pdf", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx", ".mp4", ".zip", ".jpg", ".png")


class ContentCategories(Spec):
    articles: list[str] = Field(default_factory=list, title="文章分组")
    posters: list[str] = Field(default_factory=list, title="海报分组")
    files: list[str] = Field(default_factory=list, title="文件分组")
    products: list[str] = Field(default_factory=list, title="产品分组")


class Article(Spec):
    title: str = Field(min_length=1, max_length=64, title="标题")
    category: str | None = Field(None, title="分组", description="one of categories.articles")
    source: ContentSource = Field("原创", title="来源")
    url: str | None = Field(None, title="原文链接", description="needed for 公众号文章 and 外部链接")
    summary: str = Field("", max_length=200, title="摘要")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "category": "文章分组中的一个",
        "url": "来源为公众号文章或外部链接时必填",
    }

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return None if value is None else url(value)

    @model_validator(mode="after")
    def _url(self) -> Article:
        if self.source != "原创" and not self.url:
            raise ValueError(f"an article from {self.source} needs its url")
        return self


class Poster(Spec):
    title: str = Field(min_length=1, max_length=64, title="海报名称")
    category: str | None = Field(None, title="分组", description="one of categories.posters")
    links_to: PosterTarget = Field("微页面", title="二维码跳转")
    target: str | None = Field(None, title="跳转内容", description="the page, article or product the QR code opens")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "category": "海报分组中的一个",
        "target": "扫描二维码打开的页面、文章或产品",
    }


class ContentFile(Spec):
    title: str = Field(min_length=1, max_length=64, title="文件名称")
    category: str | None = Field(None, title="分组", description="one of categories.files")
    file: str = Field(min_length=1, title="文件", description=f"the file to upload ({', '.join(FILE_TYPES)})")
    allow_download: bool = Field(True, title="允许下载")
    form_before_download: bool = Field(False, title="下载前留资", description="ask for contact details first")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "category": "文件分组中的一个",
        "file": f"要上传的文件（{'、'.join(t.lstrip('.').upper() for t in FILE_TYPES)}）",
        "form_before_download": "下载前先填写联系方式",
    }

    @model_validator(mode="after")
    def _type(self) -> ContentFile:
        if not self.file.lower().endswith(FILE_TYPES):
            raise ValueError(f"file {self.file!r}: the content centre takes {', '.join(FILE_TYPES)}")
        return self


class Product(Spec):
    name: str = Field(min_length=1, max_length=64, title="产品名称")
    category: str | None = Field(None, title="分组", description="one of categories.products")
    summary: str = Field("", max_length=200, title="产品简介")
    price: str | None = Field(None, title="价格", description="as shown, e.g. '¥39,800/年' or '询价'")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "category": "产品分组中的一个",
        "price": "显示的价格，如“¥39,800/年”或“询价”",
    }


class ContentCenter(Spec):
    categories: ContentCategories = Field(default_factory=ContentCategories, title="分组",
                                          description="the groups of each content type")
    review_required: bool = Field(True, title="发布前审核",
                                  description="content is reviewed before it can be promoted (usually by the "
                                              "marketing manager)")
    reviewer_role: str | None = Field(None, title="审核角色", description="a role's name")
    articles: list[Article] = Field(default_factory=list, title="文章")
    posters: list[Poster] = Field(default_factory=list, title="海报")
    files: list[ContentFile] = Field(default_factory=list, title="文件")
    products: list[Product] = Field(default_factory=list, title="产品")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "categories": "各类内容的分组",
        "review_required": "内容需审核通过才能推广（一般由市场经理审核）",
        "reviewer_role": "审核人的角色名称",
    }


_CONTENT_SECTIONS = {"articles": "title", "posters": "title", "files": "title", "products": "name"}


class ContentCenterKind(SettingsKind[ContentCenter]):
    name = "content_center"
    title = "内容中心"
    summary = "The content centre: articles, posters, files and products, each in categories"
    guide = "2.5"
    model = ContentCenter
    singleton = True
    depends_on = ("roles",)
    menu_path = "营销通 > 内容中心"
    manual_who = Phrase("实施顾问与客户市场团队", "consultant with the client's marketing team")
    verify = Phrase("每类内容都列出上表中的分组和条目，标题一致",
                    "each content type lists these groups and items, with the same titles")

    def references(self, spec: ContentCenter) -> Iterable[Reference]:
        if spec.reviewer_role:
            yield Reference(("reviewer_role",), "roles", spec.reviewer_role)

    def check(self, resource: Resource[ContentCenter], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for section, key in _CONTENT_SECTIONS.items():
            categories: list[str] = getattr(spec.categories, section)
            for index in duplicates(categories):
                yield Finding(("categories", section, index), f"category {categories[index]!r} is listed twice")
            items = getattr(spec, section)
            for index in duplicates(getattr(item, key) for item in items):
                yield Finding((section, index, key), f"{section}: {getattr(items[index], key)!r} is declared twice")
            for index, item in enumerate(items):
                if item.category is not None and item.category not in categories:
                    yield Finding((section, index, "category"),
                                  unknown(item.category, categories, f"one of categories.{section}"))
        if spec.review_required and spec.reviewer_role is None:
            yield Finding(("review_required",), "review_required needs reviewer_role: who reviews the content",
                          severity="warning")

    def example(self) -> Any:
        return {
            "categories": {"articles": ["行业洞察", "客户案例"], "files": ["白皮书"], "posters": ["活动海报"],
                           "products": ["营销云"]},
            "review_required": True,
            "reviewer_role": "市场经理",
            "articles": [{"title": "制造业数字化营销的五个阶段", "category": "行业洞察", "summary": "从线索到复购"},
                         {"title": "某装备集团的营销通实践", "category": "客户案例", "source": "公众号文章",
                          "url": "https://mp.weixin.qq.com/s/example"}],
            "posters": [{"title": "年度峰会邀请海报", "category": "活动海报", "links_to": "活动报名",
                         "target": "2025 年度客户峰会"}],
            "files": [{"title": "产品白皮书", "category": "白皮书", "file": "产品白皮书-2025.pdf",
                       "form_before_download": True}],
            "products": [{"name": "营销通旗舰版", "category": "营销云", "price": "询价"}],
        }


# ---- 小程序微站 (数字展厅) -------------------------------------------------------------------------------

MicroSiteSection = Literal["轮播图", "企业介绍", "产品中心", "解决方案", "客户案例", "新闻动态", "活动中心", "联系我们"]


class MicroSite(Spec):
    title: str = Field(min_length=1, max_length=30, title="展厅名称")
    mini_program: str | None = mini_program_field()
    sections: list[MicroSiteSection] = Field(
        default_factory=lambda: ["轮播图", "企业介绍", "产品中心", "客户案例", "联系我们"], title="展厅栏目",
        description="the sections of the 数字展厅, in order")
    products: list[str] = Field(default_factory=list, title="展示产品",
                                description="products of the content centre to show")
    share_title: str | None = Field(None, max_length=30, title="分享标题")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "mini_program": MINI_PROGRAM_ZH,
        "sections": "数字展厅的栏目，按显示顺序",
        "products": "要展示的内容中心产品",
    }


class MicroSiteKind(SettingsKind[MicroSite]):
    name = "micro_site"
    title = "小程序微站（数字展厅）"
    summary = "The digital showroom in the client's mini program: sections and products"
    guide = "2.5"
    model = MicroSite
    singleton = True
    depends_on = ("wechat_accounts", "content_center")
    menu_path = "营销通 > 小程序微站 > 数字展厅"
    manual_who = Phrase("实施顾问与客户小程序管理员", "consultant with the client's mini-program admin")
    verify = Phrase("在小程序中打开数字展厅：栏目和产品按上表顺序显示",
                    "open the digital showroom in the mini program: the sections and products appear in this order")

    def check(self, resource: Resource[MicroSite], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        yield from mini_program_findings("数字展厅", spec.mini_program, playbook)
        for index in duplicates(spec.sections):
            yield Finding(("sections", index), f"section {spec.sections[index]!r} is listed twice")
        if spec.products and "产品中心" not in spec.sections:
            yield Finding(("products",), "products are shown in the 产品中心 section; add it to sections")
        known = _content_products(playbook)
        for index, product in enumerate(spec.products):
            if product not in known:
                yield Finding(("products", index), unknown(product, known, "a product of content_center"))

    def example(self) -> Any:
        return {"title": "示例科技数字展厅", "sections": ["轮播图", "企业介绍", "产品中心", "客户案例", "联系我们"],
                "products": ["营销通旗舰版"], "share_title": "欢迎参观示例科技"}


def _content_products(playbook: Playbook) -> list[str]:
    found: list[str] = []
    for resource in playbook.of("content_center"):
        found.extend(p.name for p in resource.spec.products)
    return found


KINDS: list[Kind[Any]] = [ContentCenterKind(), MicroSiteKind()]
