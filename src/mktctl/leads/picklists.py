"""Picklist fields (线索来源, 行业): the labels a file uses, turned into the platform's option values.

The check knows the platform's preset options and common other spellings (百度竞价 → 百度推广, IT → 信息技术)
and canonicalises labels; an import then reads the tenant's own options with ``object/describe``, which
are the authority (a tenant may have added or renamed options). A label that is no option becomes the
option ``other`` (其他) when the picklist has one, and is counted in the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from mktctl.leads.fields import fold_header
from mktctl.leads.text import clean_value

# the platform's preset options (the sandbox serves the same ones)
PRESET: dict[str, tuple[tuple[str, str], ...]] = {
    "source": (
        ("1", "百度推广"), ("2", "巨量引擎"), ("3", "腾讯广告"), ("4", "官网表单"), ("5", "市场活动"),
        ("6", "微信公众号"), ("7", "企业微信"), ("8", "线下展会"), ("9", "电话咨询"), ("10", "客户转介绍"),
        ("11", "历史导入"), ("12", "小红书"), ("13", "LinkedIn"), ("14", "Google Ads"), ("15", "Facebook"),
        ("other", "其他"),
    ),
    "industry": (
        ("1", "制造业"), ("2", "信息技术"), ("3", "金融"), ("4", "教育"), ("5", "医疗健康"), ("6", "零售"),
        ("7", "房地产"), ("8", "专业服务"), ("9", "能源"), ("10", "物流"), ("other", "其他"),
    ),
}
SYNONYMS: dict[str, dict[str, str]] = {
    "source": {
        "百度": "百度推广", "百度竞价": "百度推广", "百度sem": "百度推广", "sem": "百度推广", "baidu": "百度推广",
        "抖音": "巨量引擎", "头条": "巨量引擎", "今日头条": "巨量引擎", "巨量": "巨量引擎", "oceanengine": "巨量引擎",
        "腾讯": "腾讯广告", "广点通": "腾讯广告", "朋友圈广告": "腾讯广告", "tencentads": "腾讯广告",
        "官网": "官网表单", "网站": "官网表单", "官网留资": "官网表单", "官网咨询": "官网表单", "website": "官网表单",
        "活动": "市场活动", "研讨会": "市场活动", "沙龙": "市场活动", "webinar": "市场活动", "直播": "市场活动",
        "公众号": "微信公众号", "微信": "微信公众号", "wechat": "微信公众号", "企微": "企业微信",
        "展会": "线下展会", "会展": "线下展会", "展览": "线下展会", "tradeshow": "线下展会",
        "电话": "电话咨询", "400": "电话咨询", "400电话": "电话咨询", "呼入": "电话咨询",
        "转介绍": "客户转介绍", "推荐": "客户转介绍", "老客户推荐": "客户转介绍", "referral": "客户转介绍",
        "导入": "历史导入", "红书": "小红书", "xiaohongshu": "小红书", "领英": "LinkedIn", "google": "Google Ads",
        "谷歌": "Google Ads", "fb": "Facebook", "脸书": "Facebook", "其它": "其他", "other": "其他",
    },
    "industry": {
        "it": "信息技术", "互联网": "信息技术", "软件": "信息技术", "计算机": "信息技术", "通信": "信息技术",
        "itinternet": "信息技术", "software": "信息技术", "制造": "制造业", "工业": "制造业", "manufacturing": "制造业",
        "银行": "金融", "保险": "金融", "证券": "金融", "finance": "金融", "培训": "教育", "education": "教育",
        "医疗": "医疗健康", "医药": "医疗健康", "健康": "医疗健康", "healthcare": "医疗健康", "电商": "零售",
        "快消": "零售", "retail": "零售", "地产": "房地产", "房产": "房地产", "咨询": "专业服务", "法律": "专业服务",
        "会计": "专业服务", "能源": "能源", "电力": "能源", "新能源": "能源", "运输": "物流", "供应链": "物流",
        "logistics": "物流", "其它": "其他", "other": "其他",
    },
}


@dataclass(frozen=True)
class Picklist:
    """One picklist's options: value → label, and a lookup from any known spelling to the value."""

    name: str
    options: tuple[tuple[str, str], ...]

    def lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        label_to_value = {label: value for value, label in self.options}
        for value, label in self.options:
            table[fold_header(label)] = value
            table[fold_header(value)] = value
        synonyms = SYNONYMS.get(self.name, {})
        for spelling, label in synonyms.items():
            if label in label_to_value:
                table.setdefault(fold_header(spelling), label_to_value[label])
        # a tenant that calls an option by another common spelling (展会 for the preset 线下展会): the preset
        # label, which the check canonicalised the file's values to, means that option
        for spelling, label in synonyms.items():
            if label not in label_to_value and spelling in label_to_value:
                table.setdefault(fold_header(label), label_to_value[spelling])
        return table

    @property
    def other(self) -> str | None:
        values = {value for value, _ in self.options}
        return "other" if "other" in values else None

    def label(self, value: str) -> str:
        return dict(self.options).get(value, value)

    def value_of(self, text: str) -> str | None:
        return self.lookup().get(fold_header(text))


def preset(name: str) -> Picklist:
    return Picklist(name, PRESET[name])


def from_describe(name: str, describe: dict[str, Any]) -> Picklist:
    """The tenant's options of field ``name`` (``object/describe``), or the preset if it has none."""
    field = (describe.get("fields") or {}).get(name) or {}
    options = tuple((str(o.get("value")), str(o.get("label"))) for o in field.get("options") or []
                    if o.get("value") is not None)
    return Picklist(name, options) if options else preset(name)


def canonical_labels(series: pd.Series, picklist: Picklist) -> tuple[pd.Series, pd.Series]:
    """(label, known) per value: a known spelling becomes the option's label; an unknown one stays."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(series.fillna(""))
    table = picklist.lookup()
    labels, known = [], []
    for raw in distinct:
        text = clean_value(str(raw))
        value = table.get(fold_header(text)) if text else None
        labels.append(picklist.label(value) if value is not None else text)
        known.append(value is not None or not text)
    if len(distinct) == 0:
        return series.fillna("").astype("str"), pd.Series(True, index=series.index)
    label_out = pd.Series(pd.array(labels, dtype="str")[codes], index=series.index)
    known_out = pd.Series(np.asarray(known, dtype=bool)[codes], index=series.index)
    return label_out, known_out


def values(series: pd.Series, picklist: Picklist) -> pd.Series:
    """Option values for labels; unknown labels become ``other`` (or empty when there is no other)."""
    import pandas as pd

    codes, distinct = pd.factorize(series.fillna(""))
    table = picklist.lookup()
    mapped = [(table.get(fold_header(t)) or picklist.other or "") if t else "" for t in distinct]
    if not mapped:
        return series.fillna("").astype("str")
    return pd.Series(pd.array(mapped, dtype="str")[codes], index=series.index)
