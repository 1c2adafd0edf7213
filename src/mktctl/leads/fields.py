"""The standard lead fields: their CRM api names, Chinese labels, and the headers that mean them; and the
tenant's own fields of 销售线索 (``…__c``) a column may feed.

A column header is recognised after folding: full-width characters to ASCII, lower case, and without
spaces, punctuation and the required markers that templates add (``*``, ``(必填)``). ``contact`` is a
pseudo-field for a mixed "联系方式" column: each value goes to mobile, landline or email by what it is.

:class:`CustomFields` are the custom fields a mapping may name, by api name or by label: those the
playbook's ``lead_fields`` declares (``leads check``) and those the tenant's ``object/describe`` reports
(``leads import``; the tenant's types and option values win).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktctl.tenant.describe import ObjectInfo


@dataclass(frozen=True)
class LeadField:
    key: str  # mktctl's name, used in mapping files and result sheets
    api_name: str | None  # LeadsObj field; None for pseudo-fields
    label: str  # the Chinese header of the template
    required: bool = False
    picklist: str | None = None  # "source" or "industry": written as a picklist value
    headers: tuple[str, ...] = ()
    example: str = ""
    help: str = ""


FIELDS: tuple[LeadField, ...] = (
    LeadField("name", "name", "姓名", True, headers=(
        "姓名", "联系人", "联系人姓名", "客户姓名", "名字", "称呼", "name", "fullname", "contactname", "contact"),
        example="张三", help="联系人姓名，必填"),
    LeadField("company", "company", "公司名称", True, headers=(
        "公司", "公司名称", "企业名称", "企业", "单位", "单位名称", "工作单位", "公司全称", "客户名称", "company",
        "companyname", "organization", "organisation", "account", "accountname"),
        example="示例科技有限公司", help="公司全称，必填"),
    LeadField("mobile", "mobile", "手机", headers=(
        "手机", "手机号", "手机号码", "移动电话", "手机1", "手机2", "mobile", "mobilephone", "cell", "cellphone",
        "mobileno", "mobilenumber"),
        example="13912345678", help="中国大陆手机号可省略+86；其他国家和地区请带国家码，如 +85261234567"),
    LeadField("tel", "tel", "座机", headers=(
        "电话", "座机", "固定电话", "办公电话", "固话", "公司电话", "电话号码", "联系电话", "phone", "telephone",
        "tel", "landline", "officephone", "phonenumber", "workphone"),
        example="010-62345678", help="含区号，分机写在“转”之后，如 010-62345678转123"),
    LeadField("email", "email", "邮箱", headers=(
        "邮箱", "电子邮件", "电子邮箱", "邮件", "邮箱地址", "email", "e-mail", "mail", "emailaddress"),
        example="zhangsan@example.net", help="工作邮箱"),
    LeadField("contact", None, "联系方式", headers=("联系方式", "联系信息", "contactinfo", "contactdetails"),
              help="手机、座机或邮箱均可，按内容识别"),
    LeadField("province", "province", "省份", headers=(
        "省份", "省", "所在省份", "省市", "所在省", "地区", "province", "state", "region"),
        example="北京市", help="如 广东省、北京市"),
    LeadField("city", "city", "城市", headers=("城市", "市", "所在城市", "city"), example="北京市",
              help="如 广州市"),
    LeadField("industry", "industry", "行业", picklist="industry", headers=("行业", "所属行业", "行业类别", "industry"),
              example="信息技术", help="从下拉选项中选择"),
    LeadField("job_title", "job_title", "职位", headers=(
        "职位", "职务", "岗位", "头衔", "title", "jobtitle", "position", "role"), example="IT经理"),
    LeadField("source", "source", "线索来源", picklist="source", headers=(
        "线索来源", "来源", "来源渠道", "渠道", "获客渠道", "source", "leadsource", "channel"),
        example="线下展会", help="从下拉选项中选择；导入时 --source 可统一指定"),
    LeadField("create_time", "create_time", "创建时间", headers=(
        "创建时间", "留资时间", "提交时间", "登记时间", "日期", "时间", "创建日期", "created", "createdat",
        "createtime", "createddate", "date", "time", "submittedat"),
        example="2024-05-01 10:30", help="线索产生的时间，如 2024-05-01 10:30"),
    LeadField("remark", "remark", "备注", headers=(
        "备注", "说明", "留言", "描述", "备注信息", "需求", "remark", "remarks", "note", "notes", "comment",
        "comments", "description"), example="展会扫码，意向强烈"),
    LeadField("url", "url", "网址", headers=("网址", "官网", "公司网址", "网站", "website", "url", "web"),
              example="https://www.example.net"),
)

BY_KEY: dict[str, LeadField] = {f.key: f for f in FIELDS}
DATA_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.api_name is not None)
TEXT_KEYS: tuple[str, ...] = ("name", "company", "job_title", "remark", "url")
IGNORE = "ignore"

_STRIP = re.compile(r"[\s_\-—–·.:：*＊()（）\[\]【】<>《》/\\|,，、'\"“”‘’]+")
_MARKERS = re.compile(r"(必填|选填|可选|required|optional)")


def fold_header(text: object) -> str:
    """``' 手机号码(必填)* '`` → ``'手机号码'``; ``'E-Mail Address'`` → ``'emailaddress'``."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    value = _STRIP.sub("", _MARKERS.sub("", value))
    return value


_SYNONYMS: dict[str, str] = {}
for _field in FIELDS:
    for _header in (_field.label, *_field.headers):
        _SYNONYMS.setdefault(fold_header(_header), _field.key)


_PREFIXES = ("客户的", "客户", "联系人的", "联系人", "主要", "常用", "个人", "contact", "customer", "lead", "primary",
             "work", "business", "personal")


def recognise(header: object) -> str | None:
    """The field a header means, or None: exact after folding, else after removing a trailing number
    (``手机2``) and a leading qualifier (``客户手机``, ``联系人邮箱``, ``Work Email``)."""
    folded = fold_header(header)
    if not folded:
        return None
    if folded in _SYNONYMS:
        return _SYNONYMS[folded]
    bare = folded.rstrip("0123456789")
    if bare in _SYNONYMS:
        return _SYNONYMS[bare]
    for prefix in _PREFIXES:
        if bare.startswith(prefix) and bare[len(prefix):] in _SYNONYMS:
            return _SYNONYMS[bare[len(prefix):]]
    return None


# ---- the tenant's own fields ------------------------------------------------------------------------

#: the platform's field types a column can feed (``object/describe`` ``type``), and how a value is read
TEXT_TYPES = ("text", "long_text", "phone_number", "email", "url")
NUMBER_TYPES = ("number", "currency", "percentile")
DATE_TYPES = ("date", "date_time")
CHOICE_TYPES = ("select_one", "select_many")
MAPPABLE_TYPES = (*TEXT_TYPES, *NUMBER_TYPES, *DATE_TYPES, *CHOICE_TYPES, "true_or_false")


@dataclass(frozen=True)
class CustomField:
    """A custom field of 销售线索 a column may feed."""

    api_name: str
    label: str
    type: str  # the platform's type: text, number, date, select_one, select_many, true_or_false, ...
    options: tuple[tuple[str, str], ...] = ()  # (value, label); the value is "" when only the label is known
    declared: bool = True  # the playbook declares it: a header that is its label feeds it without a mapping

    @property
    def option_labels(self) -> list[str]:
        return [label for _, label in self.options]


@dataclass(frozen=True)
class CustomFields:
    """The custom fields a mapping may name, in their order."""

    fields: tuple[CustomField, ...] = field(default_factory=tuple)

    def __iter__(self) -> Iterator[CustomField]:
        return iter(self.fields)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def find(self, name: str) -> CustomField | None:
        """The field ``name`` means: its api name, else its label (folded like a header; a label two fields
        share means none)."""
        for custom in self.fields:
            if custom.api_name == name:
                return custom
        folded = fold_header(name)
        labelled = [c for c in self.fields if fold_header(c.label) == folded]
        return labelled[0] if len(labelled) == 1 else None

    def names(self) -> list[str]:
        """Every api name and label, for did-you-mean."""
        return [n for c in self.fields for n in (c.api_name, c.label)]

    def with_tenant(self, info: ObjectInfo) -> CustomFields:
        """These fields and the tenant's custom fields of the object: the tenant's definition of a field wins
        (its type, its options with their values); a declared field the tenant lacks is kept."""
        tenant = {f.api_name: CustomField(f.api_name, f.label, f.type, f.options, declared=False)
                  for f in info.custom_fields}
        merged = [replace(tenant.pop(c.api_name), declared=c.declared) if c.api_name in tenant else c
                  for c in self.fields]
        return CustomFields(tuple(merged + list(tenant.values())))


NO_CUSTOM_FIELDS = CustomFields()
