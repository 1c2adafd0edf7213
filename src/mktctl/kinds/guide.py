"""The implementation guide's numbered sections (实施操作指南), and the families of sections that order and
name the kinds in every deliverable: the files of a written playbook, the sheets of a workbook, the chapters
of a report.

Every kind names the section it is configured under (``Kind.guide``), and a kind whose items belong to
different sections (ad accounts: domestic platforms 2.4.1, overseas platforms 2.4.2) names them all
(``Kind.sections``) and says which one an item belongs to (``Kind.section_of``). Each must be a heading of
:data:`SECTIONS`; ``tests/kinds/test_guide_sections.py`` checks them.
"""

from __future__ import annotations

from collections.abc import Iterable

# The guide's numbered headings, as the guide words them.
SECTIONS: dict[str, str] = {
    "1.1": "实施前产品准备",
    "1.1.1": "营销通相关产品整体说明",
    "1.2": "实施前需求调研",
    "2.1": "人员和账号",
    "2.1.1": "账号开通及使用入口",
    "2.1.2": "使用人员角色权限配置",
    "2.1.3": "使用系统前基础配置",
    "2.2": "市场线索相关配置",
    "2.3": "历史数据处理",
    "2.4": "营销渠道接入",
    "2.4.1": "国内数字广告平台对接",
    "2.4.2": "海外数据广告平台对接",
    "2.4.3": "微信生态账号对接",
    "2.4.4": "官网对接",
    "2.4.5": "短信账号开通",
    "2.4.6": "邮件账号开通",
    "2.5": "内容管理和营销协同",
    "2.6": "市场活动管理",
    "2.7": "用户管理",
    "2.8": "数据管理",
    "2.8.1": "数据报表配置",
    "2.8.2": "市场部负责人CRM菜单栏和首页报表配置",
    "3.1": "系统功能测试",
    "3.2": "培训内容",
    "3.4": "交付资料",
}

# guide family (the first two parts of a kind's guide section) -> (zh, en) name. Also the order of sheets.
FAMILIES: dict[str, tuple[str, str]] = {
    "1.1": ("产品开通", "Products"),
    "2.1": ("组织与角色", "Organisation"),
    "2.2": ("线索规则", "Lead rules"),
    "2.3": ("历史数据", "History data"),
    "2.4": ("营销渠道", "Channels"),
    "2.5": ("内容与协同", "Content"),
    "2.6": ("市场活动", "Events"),
    "2.7": ("用户运营", "Audience"),
    "2.8": ("数据报表", "Reports"),
}
OTHER_FAMILY = ("其他", "Other")


def family_of(guide: str) -> str:
    """``2.1.3`` -> ``2.1``; a section the table does not know keeps its own first two parts."""
    parts = str(guide).split(".")
    return ".".join(parts[:2])


def family_name(family: str, lang: str) -> str:
    zh, en = FAMILIES.get(family, (f"{OTHER_FAMILY[0]} {family}", f"{OTHER_FAMILY[1]} {family}"))
    return zh if lang == "zh-CN" else en


def family_order(family: str) -> tuple[int, str]:
    keys = list(FAMILIES)
    return (keys.index(family), family) if family in keys else (len(keys), family)


def sections_text(sections: Iterable[str]) -> str:
    """A kind's sections as one label: ``2.4.1, 2.4.2``."""
    return ", ".join(sections)
