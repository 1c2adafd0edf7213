"""The standard lead fields: their CRM api names, Chinese labels, and the headers that mean them.

A column header is recognised after folding: full-width characters to ASCII, lower case, and without
spaces, punctuation and the required markers that templates add (``*``, ``(必填)``). ``contact`` is a
pseudo-field for a mixed "联系方式" column: each value goes to mobile, landline or email by what it is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


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
