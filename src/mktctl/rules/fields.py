"""Lead fields as the rules see them: one key per field, one spelling per value.

A playbook and a test name a field by its API name (``mobile``, ``company_size__c``), by the label the
playbook gives it in ``lead_fields`` (企业规模), or by a header the lead pipeline recognises (姓名, 手机号,
公司名称, 省份, 行业, 线索来源). :class:`FieldNames` turns all of them into one key; a name it does not know
(线索状态, 微信UnionID) is its own key.

Values are compared in one spelling: provinces and cities as the lead pipeline writes them (上海 = 上海市),
mobiles in E.164, e-mails in lower case, and the picklists 线索来源 and 行业 as the playbook's own options
(``lead_fields``) or else the platform's preset labels (百度竞价 = 百度推广).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

STATUS_FIELD = "线索状态"  # kept by the engine: 未处理, 已处理 (followed up), 已转换 (converted)
STAGE_FIELD = "线索阶段"  # set to mql_definition.stage_label when the lead qualifies
PICKLISTS = ("source", "industry")
REGION_KEYS = ("province", "city")
LABELS: dict[str, str] = {"name": "姓名", "company": "公司名称", "mobile": "手机号", "tel": "座机", "email": "邮箱",
                          "province": "省份", "city": "城市", "industry": "行业", "job_title": "职位",
                          "source": "线索来源", "create_time": "创建时间", "remark": "备注", "url": "网址"}


def clean(value: object) -> str:
    """Text without surrounding or doubled spaces (full-width spaces included)."""
    return " ".join(str(value).replace("\u3000", " ").split()) if value is not None else ""


@lru_cache(maxsize=4096)
def region_names(text: str) -> frozenset[str]:
    """The canonical name ``text`` means as a region: a city when it names one (苏州 -> 苏州市; 上海 ->
    上海市, a municipality), else a province (江苏 -> 江苏省); unknown text (华东) stays as written."""
    from mktctl.leads.regions import canonical_pair

    province, city, province_known, city_known = canonical_pair(text, "")
    if city and city_known:
        return frozenset({city})
    if province and province_known:
        return frozenset({province})
    return frozenset({clean(text)})


@lru_cache(maxsize=4096)
def _mobile(text: str) -> str:
    from mktctl.leads.phones import to_e164

    return to_e164(text) or clean(text)


@lru_cache(maxsize=4096)
def _email(text: str) -> str:
    from mktctl.leads.emails import normalise_email

    return normalise_email(text) or clean(text).lower()


@dataclass(frozen=True)
class FieldNames:
    """Field names and value spellings of one playbook."""

    labels: dict[str, str] = field(default_factory=dict)  # a lead_fields label -> its API name
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)  # picklist key -> the playbook's options

    @cached_property
    def _keys(self) -> dict[str, str]:
        return {}  # name -> key, as found

    def key(self, name: str) -> str:
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = self._key(name)
        return found

    def _key(self, name: str) -> str:
        from mktctl.leads.fields import DATA_KEYS, recognise

        text = clean(name)
        if text in DATA_KEYS or text.endswith("__c"):
            return text
        if text in self.labels:
            return self.labels[text]
        found = recognise(text)
        return found if found and found != "contact" else text

    def label(self, key: str) -> str:
        for label, api_name in self.labels.items():
            if api_name == key:
                return label
        return LABELS.get(key, key)

    def value(self, key: str, value: object) -> str:
        """``value`` in the one spelling of field ``key``."""
        text = clean(value)
        if not text:
            return ""
        if key == "province":
            return _province(text)
        if key == "city":
            return _city(text)
        if key == "mobile":
            return _mobile(text)
        if key == "email":
            return _email(text)
        if key in PICKLISTS:
            return self.picklist(key, text)
        return text

    def picklist(self, key: str, text: str) -> str:
        declared = self.options.get(key, ())
        if text in declared:
            return text
        label = _preset_label(key, text)
        return label if label is not None and (not declared or label in declared) else text

    def values(self, key: str, values: Iterable[object]) -> tuple[str, ...]:
        return tuple(self.value(key, v) for v in values)


@lru_cache(maxsize=4096)
def _province(text: str) -> str:
    from mktctl.leads.regions import canonical_pair

    province, _, _, _ = canonical_pair(text, "")
    return province or text


@lru_cache(maxsize=4096)
def _city(text: str) -> str:
    from mktctl.leads.regions import canonical_pair

    _, city, _, _ = canonical_pair("", text)
    return city or text


@lru_cache(maxsize=1024)
def _preset_label(key: str, text: str) -> str | None:
    from mktctl.leads.picklists import preset

    picklist = preset(key)
    value = picklist.value_of(text)
    return picklist.label(value) if value is not None else None


def field_names(playbook: object) -> FieldNames:
    """The field names of ``playbook``: its ``lead_fields`` labels and picklist options."""
    labels: dict[str, str] = {}
    options: dict[str, tuple[str, ...]] = {}
    for resource in playbook.of("lead_fields"):  # type: ignore[attr-defined]
        spec = resource.spec
        labels[clean(spec.label)] = spec.api_name
        if spec.options:
            options[spec.api_name] = tuple(clean(o) for o in spec.options)
    return FieldNames(labels=labels, options=options)


# ---- comparisons (条件) -----------------------------------------------------------------------------------


def _number(text: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def compare(op: str, actual: str, expected: tuple[str, ...]) -> bool:
    """Whether a field holding ``actual`` ("" when empty) satisfies ``op`` with ``expected`` (the
    condition's value(s), already in the field's spelling). A number comparison with text is false."""
    if op == "为空":
        return actual == ""
    if op == "不为空":
        return actual != ""
    if op in ("等于", "属于"):
        return actual in expected
    if op in ("不等于", "不属于"):
        return actual not in expected
    if op == "包含":
        return actual != "" and any(e in actual for e in expected)
    if op == "不包含":
        return not any(e in actual for e in expected if e)
    left, right = _number(actual), _number(expected[0]) if expected else None
    if left is None or right is None:
        return False
    return {"大于": left > right, "小于": left < right, "大于等于": left >= right, "小于等于": left <= right}[op]


def condition_values(value: object) -> tuple[str, ...]:
    """A condition's value as a tuple of texts (a list stays a list, a number becomes its text)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(clean(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return (str(int(value)),)
    return (clean(value),)
