"""The preset CRM objects the sandbox emulates, with their field api names, labels and types.

Field api names are the platform's where public sources show them (see shared/reference §5); fields
marked ``inferred=True`` are plausible names not seen in a source (LeadsObj ``email``, for instance).
A real tenant's ``object/describe`` is the authority; mktctl reads it instead of assuming this table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldDef:
    api_name: str
    label: str
    type: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    target: str | None = None  # object_reference target api name
    writable: bool = True
    inferred: bool = False

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "api_name": self.api_name,
            "label": self.label,
            "type": self.type,
            "is_required": self.required,
            "is_active": True,
            "define_type": "package",
        }
        if self.options:
            out["options"] = [{"value": v, "label": label} for v, label in self.options]
        if self.target:
            out["target_api_name"] = self.target
        return out


@dataclass(frozen=True)
class ObjectDef:
    api_name: str
    display_name: str
    fields: tuple[FieldDef, ...] = field(default_factory=tuple)

    def field(self, api_name: str) -> FieldDef | None:
        """The object's own field or one every object has (``record_type``, ``created_by``, ...)."""
        return next((f for f in (*self.fields, *COMMON_FIELDS) if f.api_name == api_name), None)

    def describe(self) -> dict[str, Any]:
        fields = {f.api_name: f.describe() for f in COMMON_FIELDS + self.fields}
        return {"api_name": self.api_name, "display_name": self.display_name, "define_type": "package",
                "fields": fields}


LEAD_SOURCES: tuple[tuple[str, str], ...] = (
    ("1", "百度推广"), ("2", "巨量引擎"), ("3", "腾讯广告"), ("4", "官网表单"), ("5", "市场活动"),
    ("6", "微信公众号"), ("7", "企业微信"), ("8", "线下展会"), ("9", "电话咨询"), ("10", "客户转介绍"),
    ("11", "历史导入"), ("12", "小红书"), ("13", "LinkedIn"), ("14", "Google Ads"), ("15", "Facebook"),
    ("other", "其他"),
)
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("1", "制造业"), ("2", "信息技术"), ("3", "金融"), ("4", "教育"), ("5", "医疗健康"), ("6", "零售"),
    ("7", "房地产"), ("8", "专业服务"), ("9", "能源"), ("10", "物流"), ("other", "其他"),
)
BIZ_STATUS: tuple[tuple[str, str], ...] = (
    ("un_assigned", "未分配"), ("un_processed", "待处理"), ("processed", "已跟进"),
    ("transformed", "已转换"), ("closed", "无效"),
)

# Fields every object has (shared/reference §4.5). Most are system-maintained and not writable.
COMMON_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("_id", "ID", "text", writable=False),
    FieldDef("owner", "负责人", "employee"),
    FieldDef("record_type", "业务类型", "record_type"),
    FieldDef("created_by", "创建人", "employee", writable=False),
    FieldDef("create_time", "创建时间", "date_time", writable=False),
    FieldDef("last_modified_by", "最后修改人", "employee", writable=False),
    FieldDef("last_modified_time", "最后修改时间", "date_time", writable=False),
    FieldDef("life_status", "生命状态", "select_one", writable=False),
    FieldDef("lock_status", "锁定状态", "select_one", writable=False),
    FieldDef("is_deleted", "是否删除", "true_or_false", writable=False),
    FieldDef("version", "版本", "text", writable=False),
    FieldDef("object_describe_api_name", "对象", "text", writable=False),
)

OBJECTS: dict[str, ObjectDef] = {
    o.api_name: o
    for o in (
        ObjectDef("LeadsObj", "销售线索", (
            FieldDef("name", "姓名", "text", required=True),
            FieldDef("company", "公司名称", "text"),
            FieldDef("mobile", "手机", "phone_number"),
            FieldDef("tel", "电话", "phone_number"),
            FieldDef("email", "邮件", "email", inferred=True),
            FieldDef("url", "网址", "url"),
            FieldDef("job_title", "职务", "text", inferred=True),
            FieldDef("province", "省", "text", inferred=True),
            FieldDef("city", "市", "text", inferred=True),
            FieldDef("industry", "行业", "select_one", options=INDUSTRIES, inferred=True),
            FieldDef("remark", "备注", "long_text"),
            FieldDef("source", "线索来源", "select_one", options=LEAD_SOURCES),
            FieldDef("marketing_event_id", "市场活动", "object_reference", target="MarketingEventObj"),
            FieldDef("leads_pool_id", "线索池", "object_reference", target="LeadsPoolObj"),
            FieldDef("biz_status", "处理状态", "select_one", options=BIZ_STATUS),
            FieldDef("leads_stage", "线索阶段", "text"),
            FieldDef("close_reason", "无效原因", "text"),
            FieldDef("account_id", "客户", "object_reference", target="AccountObj"),
            FieldDef("contact_id", "联系人", "object_reference", target="ContactObj"),
            FieldDef("new_opportunity_id", "商机2.0", "object_reference", target="NewOpportunityObj"),
            FieldDef("is_duplicated", "是否重复", "true_or_false"),
        )),
        ObjectDef("AccountObj", "客户", (
            FieldDef("name", "客户名称", "text", required=True),
            FieldDef("account_type", "客户类型", "select_one",
                     options=(("1", "潜在客户"), ("2", "成交客户"), ("other", "其他"))),
            FieldDef("tel", "电话", "phone_number"),
            FieldDef("email", "邮件", "email", inferred=True),
            FieldDef("url", "网址", "url"),
            FieldDef("industry", "行业", "select_one", options=INDUSTRIES, inferred=True),
            FieldDef("province", "省", "text", inferred=True),
            FieldDef("city", "市", "text", inferred=True),
            FieldDef("remark", "备注", "long_text"),
        )),
        ObjectDef("ContactObj", "联系人", (
            FieldDef("name", "姓名", "text", required=True),
            FieldDef("account_id", "客户名称", "object_reference", target="AccountObj"),
            FieldDef("mobile1", "手机1", "phone_number"),
            FieldDef("mobile2", "手机2", "phone_number"),
            FieldDef("mobile3", "手机3", "phone_number"),
            FieldDef("email", "邮件", "email", inferred=True),
            FieldDef("job_title", "职务", "text", inferred=True),
            FieldDef("remark", "备注", "long_text"),
        )),
        ObjectDef("NewOpportunityObj", "商机2.0", (
            FieldDef("name", "商机名称", "text", required=True),
            FieldDef("account_id", "客户名称", "object_reference", target="AccountObj", required=True),
            FieldDef("amount", "商机金额", "currency"),
            FieldDef("close_date", "预计成交日期", "date"),
            FieldDef("sales_stage", "商机阶段", "select_one",
                     options=(("1", "验证客户"), ("2", "需求确定"), ("3", "方案/报价"), ("4", "谈判审核"),
                              ("5", "赢单"), ("6", "输单"))),
            FieldDef("probability", "赢率", "percentile"),
            FieldDef("sales_status", "状态", "select_one",
                     options=(("1", "进行中"), ("2", "赢单"), ("3", "输单"))),
            FieldDef("contact_mobile__c", "联系人手机", "phone_number", inferred=True),
            FieldDef("contact_email__c", "联系人邮件", "email", inferred=True),
        )),
        ObjectDef("MarketingEventObj", "市场活动", (
            FieldDef("name", "活动名称", "text", required=True),
            FieldDef("event_type", "活动类型", "select_one",
                     options=(("1", "活动营销"), ("2", "直播营销"), ("3", "会议营销"), ("4", "广告投放"),
                              ("other", "其他")), inferred=True),
            FieldDef("begin_time", "开始时间", "date_time", inferred=True),
            FieldDef("end_time", "结束时间", "date_time", inferred=True),
            FieldDef("location", "地点", "text", inferred=True),
            FieldDef("budget", "预算", "currency", inferred=True),
            FieldDef("remark", "备注", "long_text"),
        )),
        ObjectDef("LeadsPoolObj", "线索池", (
            FieldDef("name", "线索池名称", "text", required=True),
            FieldDef("overtime_hours", "超时时间(小时)", "number"),
            FieldDef("limit_count", "领取上限", "number"),
            FieldDef("is_visible_to_member", "成员可见", "true_or_false"),
            FieldDef("is_choose_to_notify", "领取时通知", "true_or_false"),
        )),
    )
}

# Objects whose records carry marketing phone/email identities, for matching and linking.
CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "LeadsObj": ("mobile", "tel", "email"),
    "AccountObj": ("tel", "email"),
    "ContactObj": ("mobile1", "mobile2", "mobile3", "email"),
    "NewOpportunityObj": ("contact_mobile__c", "contact_email__c"),
}
