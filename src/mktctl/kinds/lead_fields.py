"""Lead fields (线索字段), guide 2.2: standard fields of 销售线索 to relabel or require, custom fields
(``…__c``) and picklists; and the check that a name is a field of 销售线索, for the rules and channels that
name fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.shared import unique
from mktctl.kinds.values import labelled_values

FieldType = Literal["单行文本", "多行文本", "单选", "多选", "数字", "金额", "百分数", "日期", "日期时间", "手机",
                    "电话", "邮箱", "网址", "布尔值"]
PICKLIST_TYPES = ("单选", "多选")
#: the standard fields of 销售线索 (LeadsObj) a playbook may relabel, require or give picklist values
STANDARD_FIELDS: dict[str, str] = {
    "name": "单行文本", "company": "单行文本", "mobile": "手机", "tel": "电话", "email": "邮箱", "url": "网址",
    "job_title": "单行文本", "province": "单行文本", "city": "单行文本", "industry": "单选", "remark": "多行文本",
    "source": "单选",
}


_API_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class LeadField(Spec):
    api_name: str = Field(min_length=1, max_length=64, title="字段API名称",
                          description="a standard field (name, mobile, source, ...) or a custom one ending in __c")
    label: str = Field(min_length=1, max_length=30, title="字段名称")
    type: FieldType | None = Field(None, title="字段类型",
                                   description="单行文本, 单选, 多选, 数字, 日期, 手机, 邮箱, ...; fixed for "
                                               "standard fields")
    required: bool = Field(False, title="必填")
    options: list[str] = Field(default_factory=list, title="选项",
                               description="the picklist values of a 单选 or 多选 field, in order")
    help_text: str = Field("", max_length=200, title="提示信息")

    @field_validator("api_name")
    @classmethod
    def _api_name(cls, value: str) -> str:

        base = value[:-3] if value.endswith("__c") else value
        if not _API_NAME.match(base):
            raise ValueError(f"{value!r}: an API name is lower-case letters, digits and _")
        if not value.endswith("__c") and value not in STANDARD_FIELDS:
            raise ValueError(f"{value!r} is not a standard field of 销售线索; {_field_hint(value)}")
        return value

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str], info: ValidationInfo) -> list[str]:
        kind_of = info.data.get("type")
        if value and kind_of is not None and kind_of not in PICKLIST_TYPES:
            raise ValueError(f"options are for 单选 and 多选 fields, not {kind_of}")
        return unique(value)


class LeadFields(Kind[LeadField]):
    name = "lead_fields"
    title = "线索字段"
    summary = "Standard and custom fields of 销售线索, with picklist values"
    guide = "2.2"
    model = LeadField
    key_field = "api_name"
    builtin_keys = tuple(STANDARD_FIELDS)
    menu_path = "管理后台 > 对象管理 > 销售线索 > 字段管理"
    manual_who = "client CRM admin"

    def check(self, resource: Resource[LeadField], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        standard = STANDARD_FIELDS.get(spec.api_name)
        if standard is not None:
            if spec.type is not None and spec.type != standard:
                yield Finding(("type",), f"{spec.api_name} is a standard {standard} field; its type cannot change "
                                         "(leave type out)")
            if spec.options and standard not in PICKLIST_TYPES:
                yield Finding(("options",), f"options are for 单选 and 多选 fields, not {standard}")
        elif spec.type is None:
            yield Finding(("api_name",), f"custom field {spec.api_name}: give its type (单行文本, 单选, 多选, 数字, "
                                         "日期, ...)")
        elif spec.type in PICKLIST_TYPES and not spec.options:
            yield Finding(("type",), f"custom field {spec.api_name} is a {spec.type} field: give its options")

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        action = "编辑" if key in STANDARD_FIELDS else "新建自定义字段"
        return ManualStep(menu_path=f"{self.menu_path} > {action}",
                          values=[("字段API名称", key), *labelled_values(self.model, state)],
                          verify=f"field {key} shows this label, type, required flag and options, in this order",
                          who=self.manual_who)

    def acceptance_tests(self, spec: LeadField, key: str) -> list[tuple[str, str]]:
        return [(f"新建线索: 字段 {spec.label} ({key})" + (" 必填" if spec.required else "") + " 显示正确", CONSULTANT)]

    def example(self) -> Any:
        return {"api_name": "product_interest__c", "label": "意向产品", "type": "多选",
                "options": ["营销通", "销售云", "服务云"]}


def field_references(path: tuple[str | int, ...], names: Iterable[str]) -> Iterable[Reference]:
    for position, name in enumerate(names):
        if name.endswith("__c"):
            yield Reference((*path, position), "lead_fields", name)


#: words people write for a standard field, for did-you-mean
_FIELD_ALIASES = {"phone": "mobile", "mobile_phone": "mobile", "cellphone": "mobile", "telephone": "tel",
                  "mail": "email", "e_mail": "email", "company_name": "company", "title": "job_title",
                  "position": "job_title", "website": "url", "note": "remark", "notes": "remark",
                  "channel": "source", "lead_source": "source", "region": "province"}


def _field_hint(name: str) -> str:
    from mktctl.base.suggest import did_you_mean

    hint = f"did you mean {_FIELD_ALIASES[name]!r}?" if name in _FIELD_ALIASES else did_you_mean(name, STANDARD_FIELDS)
    return (f"{hint}; " if hint else "") + "custom fields end with __c"


def lead_field(name: str) -> str:
    """``name`` if it is a field of 销售线索 (standard, or custom ending in __c), else a ValueError."""
    if not name.endswith("__c") and name not in STANDARD_FIELDS:
        raise ValueError(f"{name!r} is not a field of 销售线索; {_field_hint(name)}")
    return name


def field_names(value: list[str]) -> list[str]:
    for name in value:
        lead_field(name)
    return unique(value)


KINDS: list[Kind[Any]] = [LeadFields()]
