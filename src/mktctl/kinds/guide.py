"""The implementation guide's families of sections, which order and name the kinds in every deliverable:
the files of a written playbook, the sheets of a workbook, the chapters of a report."""

from __future__ import annotations

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
