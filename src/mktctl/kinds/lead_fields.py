"""Lead fields (线索字段), guide 2.2: standard fields of 销售线索 to relabel or require, custom fields
(``…__c``) and picklists; and the check that a name is a field of 销售线索, for the rules and channels that
name fields.

On the platform a CRM admin defines fields in the admin console, so against a real tenant each field is a
manual step. On a tenant with mktctl's extension API (the sandbox) the fields are really defined
(``/mktctl/ext/v1/fields/*``): they are then in ``object/describe`` and create, update and query take them,
as on the tenant the sandbox mirrors. A custom field gets exactly the api name it is declared with
(``field_a1B2c__c``), and a picklist's option values too when ``option_values`` gives them. What the plan
compares is what ``describe`` reports: the tenant's custom fields and the standard fields it changed
(``/fields/list``); a field changed by hand shows as drift, ``--prune`` deletes only the fields mktctl
created (with their values). A standard field can be relabelled, made required or given other options;
it keeps its type, a field the tenant requires stays required, and a standard picklist declared without
options keeps the tenant's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator

from mktctl.base.language import Phrase, bracketed
from mktctl.kinds.base import CONSULTANT, Finding, Kind, ManualStep, Playbook, Reference, Resource, Spec
from mktctl.kinds.shared import unique
from mktctl.kinds.wording import CRM_ADMIN, PLAIN, Words

if TYPE_CHECKING:
    from mktctl.leads.fields import CustomFields
    from mktctl.tenant.connect import Tenant
    from mktctl.tenant.describe import FieldInfo
    from mktctl.tenant.extension import Setting

FieldType = Literal["单行文本", "多行文本", "单选", "多选", "数字", "金额", "百分数", "日期", "日期时间", "手机",
                    "电话", "邮箱", "网址", "布尔值"]
PICKLIST_TYPES = ("单选", "多选")
#: the standard fields of 销售线索 (LeadsObj) a playbook may relabel, require or give picklist values
STANDARD_FIELDS: dict[str, str] = {
    "name": "单行文本", "company": "单行文本", "mobile": "手机", "tel": "电话", "email": "邮箱", "url": "网址",
    "job_title": "单行文本", "province": "单行文本", "city": "单行文本", "industry": "单选", "remark": "多行文本",
    "source": "单选",
}


LEADS = "LeadsObj"
#: the field types of the playbook, in the platform's words (``object/describe`` ``type``); 手机 and 电话
#: are one type there (phone_number)
PLATFORM_TYPES: dict[str, str] = {
    "单行文本": "text", "多行文本": "long_text", "单选": "select_one", "多选": "select_many", "数字": "number",
    "金额": "currency", "百分数": "percentile", "日期": "date", "日期时间": "date_time", "手机": "phone_number",
    "电话": "phone_number", "邮箱": "email", "网址": "url", "布尔值": "true_or_false"}
TYPE_NAMES: dict[str, str] = {}
for _name, _platform in PLATFORM_TYPES.items():
    TYPE_NAMES.setdefault(_platform, _name)

_API_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: a custom field's api name as the platform makes them (field_a1B2c__c): letters, digits and _, ending in __c
_CUSTOM_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,60}__c$")


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
    option_values: dict[str, str] = Field(
        default_factory=dict, title="选项值",
        description="the values records hold for some options, by label, as the mirrored tenant has them "
                    "(e.g. 英国: IYWea10Fx); the platform generates the others")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "api_name": "销售线索字段的API名称：标准字段用其原有的API名称，自定义字段以 __c 结尾",
        "type": "字段类型，如单行文本、单选、多选、数字、日期、手机、邮箱等；标准字段的类型不可更改",
        "options": "单选或多选字段的选项，按显示顺序填写",
        "option_values": "部分选项在数据中保存的选项值，按选项名称填写，与租户中已有的一致"
                         "（如选项“英国”的值为 IYWea10Fx）；其余选项的值由平台生成",
    }

    @field_validator("api_name")
    @classmethod
    def _api_name(cls, value: str) -> str:
        if value.endswith("__c"):
            if not _CUSTOM_API_NAME.match(value):
                raise ValueError(f"{value!r}: a custom field's API name is letters, digits and _, starting with a "
                                 "letter and ending in __c (e.g. field_a1B2c__c)")
            return value
        if not _API_NAME.match(value):
            raise ValueError(f"{value!r}: an API name is lower-case letters, digits and _")
        if value not in STANDARD_FIELDS:
            raise ValueError(f"{value!r} is not a standard field of 销售线索; {_field_hint(value)}")
        return value

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str], info: ValidationInfo) -> list[str]:
        kind_of = info.data.get("type")
        if value and kind_of is not None and kind_of not in PICKLIST_TYPES:
            raise ValueError(f"options are for 单选 and 多选 fields, not {kind_of}")
        return unique(value)

    @field_validator("option_values")
    @classmethod
    def _option_values(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        options = info.data.get("options") or []
        for label, option in value.items():
            if label not in options:
                raise ValueError(f"{label!r} is not one of the options")
            if not isinstance(option, str) or not option.strip():
                raise ValueError(f"{label!r}: an option value is a text such as IYWea10Fx")
        unique(list(value.values()))
        return value


_API_NAME_LABEL = Phrase("字段API名称", "Field API name")
_VERIFY = Phrase("字段{field}的名称、类型、是否必填和选项与上表一致，选项顺序相同",
                 "field {field} shows this label, type, required flag and options, in this order")
_SHOWN = Phrase("新建线索：字段{field}显示正确", "new lead: field {field} shows correctly")
_SHOWN_REQUIRED = Phrase("新建线索：字段{field}显示正确且为必填",
                         "new lead: field {field} shows correctly and is required")


class LeadFields(Kind[LeadField]):
    name = "lead_fields"
    title = "线索字段"
    summary = "Standard and custom fields of leads, with picklist values"
    guide = "2.2"
    model = LeadField
    key_field = "api_name"
    builtin_keys = tuple(STANDARD_FIELDS)
    menu_path = "管理后台 > 对象管理 > 销售线索 > 字段管理"
    manual_who = CRM_ADMIN

    def check(self, resource: Resource[LeadField], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        standard = STANDARD_FIELDS.get(spec.api_name)
        if resource.renamed_from is not None:
            yield Finding(("api_name",), f"a field's API name cannot change on the platform ({resource.renamed_from} "
                                         f"stays {resource.renamed_from}): declare {spec.api_name} as a new field "
                                         "instead of renamed_from")
        if spec.option_values and (standard or spec.type) not in PICKLIST_TYPES:
            yield Finding(("option_values",), "option_values are for 单选 and 多选 fields")
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

    # ---- the fields themselves, where the extension API defines them ---------------------------------

    def settings_state(self, spec: LeadField) -> dict[str, Any] | None:
        state = super().settings_state(spec) or {}
        if not state.get("option_values"):
            state.pop("option_values", None)  # left out when not given: the platform's values are taken
        return state

    def read_settings(self, tenant: Tenant) -> dict[str, Setting]:
        """The tenant's custom fields of 销售线索 and the standard ones it changed, as ``describe`` shows them."""
        from mktctl.tenant.definitions import list_fields
        from mktctl.tenant.extension import Setting

        defined = {str(f.get("api_name")) for f in list_fields(tenant, LEADS)}
        found: dict[str, Setting] = {}
        for field in tenant.client.crm_object(LEADS).fields.values():
            standard = field.api_name in STANDARD_FIELDS
            if field.custom and field.type not in TYPE_NAMES:
                continue  # an employee, department or lookup field: no playbook declares one
            if field.custom or (standard and field.api_name in defined):
                found[field.api_name] = Setting(f"{LEADS}.{field.api_name}", field.api_name,
                                                _observed(field, standard))
        return found

    def write_setting(self, tenant: Tenant, key: str, state: dict[str, Any]) -> str:
        from mktctl.tenant.definitions import upsert_field

        standard = key in STANDARD_FIELDS
        field: dict[str, Any] = {"api_name": key, "label": state["label"]}
        if not standard:
            field["type"] = PLATFORM_TYPES[state["type"]]
        if state.get("required") or not standard:  # a standard field the tenant requires stays required
            field["is_required"] = bool(state.get("required"))
        values = state.get("option_values") or {}
        if state.get("options"):
            field["options"] = [{"label": o, **({"value": values[o]} if o in values else {})}
                                for o in state["options"]]
        if state.get("help_text"):
            field["help_text"] = state["help_text"]
        return f"{LEADS}.{upsert_field(tenant, LEADS, field)}"

    def remove_setting(self, tenant: Tenant, key: str) -> None:
        """A custom field goes with its values; a standard field gets the platform's definition back."""
        from mktctl.tenant.definitions import delete_field

        delete_field(tenant, LEADS, key)

    def compared(self, key: str, desired: dict[str, Any], observed: dict[str, Any]) -> dict[str, Any]:
        """What the playbook leaves to the tenant takes the tenant's value: a standard field's type, options
        when none are declared, the requirement it keeps, option values not declared, a hint when none is
        given; 手机 and 电话 are one type."""
        out = dict(desired)
        if key in STANDARD_FIELDS:
            out["type"] = observed.get("type")
            if not out.get("options"):
                out["options"] = observed.get("options", [])
            if observed.get("required"):
                out["required"] = True
        elif PLATFORM_TYPES.get(str(out.get("type"))) == PLATFORM_TYPES.get(str(observed.get("type"))):
            out["type"] = observed.get("type")
        if not out.get("help_text"):
            out["help_text"] = observed.get("help_text", "")
        observed_values = observed.get("option_values") or {}
        out["option_values"] = {**{label: observed_values[label] for label in out.get("options") or []
                                   if label in observed_values}, **(desired.get("option_values") or {})}
        return out

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        action = "编辑" if key in STANDARD_FIELDS else "新建自定义字段"
        named = bracketed(words.quote(str(state.get("label") or key)), key, words.lang)
        return ManualStep(menu_path=words.where(f"{self.menu_path} > {action}"),
                          values=[(words.say(_API_NAME_LABEL), key), *words.values(self.model, state)],
                          verify=words.say(_VERIFY, field=named), who=words.say(self.manual_who))

    def shown_key(self, key: str, words: Words = PLAIN) -> str:
        label = words.lead_field(key)
        return bracketed(label, key, words.lang) if label != key else key

    def acceptance_tests(self, spec: LeadField, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        named = bracketed(words.quote(spec.label), key, words.lang)
        return [(words.say(_SHOWN_REQUIRED if spec.required else _SHOWN, field=named), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"api_name": "product_interest__c", "label": "意向产品", "type": "多选",
                "options": ["营销通", "销售云", "服务云"]}


def _observed(field: FieldInfo, standard: bool) -> dict[str, Any]:
    """A field as ``describe`` has it, in the shape of the kind's state (a standard field's type left out)."""
    picklist = field.type in ("select_one", "select_many")
    return {"label": field.label, "type": None if standard else TYPE_NAMES.get(field.type),
            "required": field.required, "options": field.option_labels if picklist else [],
            "help_text": field.help_text,
            "option_values": {label: value for value, label in field.options} if picklist else {}}


def declared_fields(playbook: Playbook) -> CustomFields:
    """The custom fields of 销售线索 the playbook declares, as the lead pipeline maps columns to them (by api
    name or label; the option values where ``option_values`` gives them)."""
    from mktctl.leads.fields import CustomField, CustomFields

    declared = []
    for resource in playbook.of("lead_fields"):
        spec = resource.spec
        if spec.api_name in STANDARD_FIELDS or spec.type is None:
            continue
        options = tuple((spec.option_values.get(label, ""), label) for label in spec.options)
        declared.append(CustomField(spec.api_name, spec.label, PLATFORM_TYPES[spec.type], options))
    return CustomFields(tuple(declared))


def field_references(path: tuple[str | int, ...], names: Iterable[str]) -> Iterable[Reference]:
    """A reference to the lead field of each name (a standard field is one of the kind's built-in keys)."""
    for position, name in enumerate(names):
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
