"""The preset CRM objects the sandbox emulates, with their field api names, labels and types.

Field api names are the platform's where public sources show them (see shared/reference §5); fields
marked ``inferred=True`` are plausible names not seen in a source (LeadsObj ``email``, for instance).
A real tenant's ``object/describe`` is the authority; mktctl reads it instead of assuming this table.
A corp's own custom fields and custom objects are added to these in ``mktctl.sandbox.schema``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

#: field types whose value is a list: employees, departments, several picklist values
LIST_TYPES = frozenset({"employee", "department", "select_many"})
#: field types whose value compares as a number (times are epoch milliseconds)
NUMERIC_TYPES = frozenset({"number", "currency", "percentile", "date", "date_time", "time"})
TEXT_TYPES = frozenset({"text", "long_text", "phone_number", "email", "url"})
#: the field types a tenant may give a custom field (the platform's describe ``type`` values)
CUSTOM_FIELD_TYPES = frozenset({*TEXT_TYPES, *NUMERIC_TYPES, "select_one", "select_many", "true_or_false",
                                "employee", "department", "object_reference"})


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
    define_type: str = "package"  # "package": the platform's own field; "custom": the tenant's (…__c)
    help_text: str = ""

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "api_name": self.api_name,
            "label": self.label,
            "type": self.type,
            "is_required": self.required,
            "is_active": True,
            "define_type": self.define_type,
        }
        if self.options:
            out["options"] = [{"value": v, "label": label} for v, label in self.options]
        if self.target:
            out["target_api_name"] = self.target
        if self.help_text:
            out["help_text"] = self.help_text
        return out


@dataclass(frozen=True)
class ObjectDef:
    api_name: str
    display_name: str
    fields: tuple[FieldDef, ...] = field(default_factory=tuple)
    define_type: str = "package"  # "package": preset (…Obj); "custom": the tenant's own (…__c)
    writable: bool = True  # False for views of the address book (PersonnelObj, DepartmentObj)
    pool_field: str | None = None  # the field holding the pool a record waits in (choose / return)
    duplicate_keys: tuple[str, ...] = ()  # a create is a duplicate when one of these equals a record's
    inferred: bool = False

    def field(self, api_name: str) -> FieldDef | None:
        """The object's own field or one every object has (``record_type``, ``created_by``, ...)."""
        return self._by_name.get(api_name)

    @cached_property
    def _by_name(self) -> dict[str, FieldDef]:
        by_name: dict[str, FieldDef] = {}
        for fdef in (*self.fields, *COMMON_FIELDS):
            by_name.setdefault(fdef.api_name, fdef)  # the first of a name, as a walk in this order finds it
        return by_name

    @property
    def custom(self) -> bool:
        return self.define_type == "custom"

    def with_fields(self, extra: tuple[FieldDef, ...]) -> ObjectDef:
        """This object with a tenant's fields: a field of the same api name replaces the preset one."""
        if not extra:
            return self
        by_name = {f.api_name: f for f in extra}
        kept = tuple(by_name.pop(f.api_name, f) for f in self.fields)
        return replace(self, fields=kept + tuple(by_name.values()))

    def describe(self) -> dict[str, Any]:
        fields = {f.api_name: f.describe() for f in COMMON_FIELDS + self.fields}
        return {"api_name": self.api_name, "display_name": self.display_name, "label": self.display_name,
                "define_type": self.define_type, "fields": fields}

    def listing(self) -> dict[str, Any]:
        """The object as ``object/list`` shows it."""
        return {"describeApiName": self.api_name, "describeDisplayName": self.display_name,
                "defineType": self.define_type, "isActive": True, "iconPath": "", "iconIndex": 0,
                "hideButton": False, "publicObject": False}


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
#: why a record went back to its pool (data/return ``backReason``; "other" takes a text in backReason__o)
BACK_REASONS: tuple[tuple[str, str], ...] = (("0", "无法联系"), ("1", "暂无需求"), ("2", "重复线索"),
                                             ("other", "其他"))
CAMPAIGN_MEMBER_STATUS: tuple[tuple[str, str], ...] = (
    ("registered", "已报名"), ("checked_in", "已签到"), ("attended", "已参会"), ("absent", "未到场"),
    ("other", "其他"),
)

# Fields every object has (shared/reference §4.5). Most are system-maintained and not writable.
COMMON_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("_id", "ID", "text", writable=False),
    FieldDef("owner", "负责人", "employee"),
    FieldDef("owner_department", "负责人主属部门", "text", writable=False),
    FieldDef("owner_department_id", "负责人主属部门ID", "text", writable=False),
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
            FieldDef("back_reason", "退回原因", "select_one", options=BACK_REASONS),
            FieldDef("leads_stage", "线索阶段", "text"),
            FieldDef("close_reason", "无效原因", "text"),
            FieldDef("account_id", "客户", "object_reference", target="AccountObj"),
            FieldDef("contact_id", "联系人", "object_reference", target="ContactObj"),
            FieldDef("new_opportunity_id", "商机2.0", "object_reference", target="NewOpportunityObj"),
            FieldDef("is_duplicated", "是否重复", "true_or_false"),
        ), pool_field="leads_pool_id", duplicate_keys=("mobile", "email")),
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
            FieldDef("high_seas_id", "公海", "object_reference", target="HighSeasObj"),
            FieldDef("biz_status", "状态", "select_one", options=BIZ_STATUS, inferred=True),
            FieldDef("back_reason", "退回原因", "select_one", options=BACK_REASONS),
        ), pool_field="high_seas_id", duplicate_keys=("name",)),
        ObjectDef("ContactObj", "联系人", (
            FieldDef("name", "姓名", "text", required=True),
            FieldDef("account_id", "客户名称", "object_reference", target="AccountObj"),
            FieldDef("mobile1", "手机1", "phone_number"),
            FieldDef("mobile2", "手机2", "phone_number"),
            FieldDef("mobile3", "手机3", "phone_number"),
            FieldDef("email", "邮件", "email", inferred=True),
            FieldDef("job_title", "职务", "text", inferred=True),
            FieldDef("remark", "备注", "long_text"),
        ), duplicate_keys=("mobile1",)),
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
            FieldDef("contact_mobile__c", "联系人手机", "phone_number", inferred=True, define_type="custom"),
            FieldDef("contact_email__c", "联系人邮件", "email", inferred=True, define_type="custom"),
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
        ObjectDef("HighSeasObj", "公海", (
            FieldDef("name", "公海名称", "text", required=True),
            FieldDef("overtime_hours", "超时时间(小时)", "number", inferred=True),
            FieldDef("limit_count", "领取上限", "number", inferred=True),
            FieldDef("remark", "备注", "long_text", inferred=True),
        )),
        ObjectDef("CampaignMembersObj", "活动成员", (
            FieldDef("name", "姓名", "text", required=True, inferred=True),
            FieldDef("marketing_event_id", "市场活动", "object_reference", target="MarketingEventObj",
                     required=True, inferred=True),
            FieldDef("leads_id", "销售线索", "object_reference", target="LeadsObj", inferred=True),
            FieldDef("contact_id", "联系人", "object_reference", target="ContactObj", inferred=True),
            FieldDef("account_id", "客户", "object_reference", target="AccountObj", inferred=True),
            FieldDef("mobile", "手机", "phone_number", inferred=True),
            FieldDef("email", "邮件", "email", inferred=True),
            FieldDef("campaign_members_status", "参与状态", "select_one", options=CAMPAIGN_MEMBER_STATUS,
                     inferred=True),
            FieldDef("remark", "备注", "long_text", inferred=True),
        ), inferred=True),
        # views of the address book (mktctl.sandbox.views keeps them): read with data/query and data/get;
        # employees and departments change through /cgi/user/* and /cgi/department/*
        ObjectDef("PersonnelObj", "人员", (
            FieldDef("name", "姓名", "text", required=True),
            FieldDef("full_name", "全名", "text"),
            FieldDef("phone", "手机", "phone_number"),
            FieldDef("email", "邮箱", "email", inferred=True),
            FieldDef("position", "职位", "text", inferred=True),
            FieldDef("status", "状态", "select_one", options=(("0", "正常"), ("1", "停用"))),
            FieldDef("user_id", "员工ID", "text"),
            FieldDef("main_department", "主属部门", "department"),
            FieldDef("vice_departments", "附属部门", "department", inferred=True),
            FieldDef("leader", "汇报对象", "employee", inferred=True),
            FieldDef("sex", "性别", "select_one", options=(("M", "男"), ("F", "女"))),
        ), writable=False),
        ObjectDef("DepartmentObj", "部门", (
            FieldDef("name", "部门名称", "text", required=True),
            FieldDef("parent_id", "上级部门", "department"),
            FieldDef("status", "状态", "select_one", options=(("0", "启用"), ("1", "停用"), ("2", "已删除"))),
            FieldDef("manager_id", "部门负责人", "employee", inferred=True),
            FieldDef("order", "排序", "number", inferred=True),
        ), writable=False),
    )
}

#: the common fields a create may carry and the platform keeps for itself (shared/reference §4.1, §4.5):
#: a client that sends them back, as published clients do, is not refused
SYSTEM_FIELDS = frozenset({"_id", "object_describe_api_name", "life_status", "lock_status", "is_deleted",
                           "version", "last_modified_by", "last_modified_time", "owner_department",
                           "owner_department_id", "data_own_department", "relevant_team"})

#: a custom object's own field besides the common ones: its main (name) field
CUSTOM_OBJECT_FIELDS: tuple[FieldDef, ...] = (FieldDef("name", "主属性", "text", required=True),)

# Objects whose records carry marketing phone/email identities, for matching and linking.
CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "LeadsObj": ("mobile", "tel", "email"),
    "AccountObj": ("tel", "email"),
    "ContactObj": ("mobile1", "mobile2", "mobile3", "email"),
    "NewOpportunityObj": ("contact_mobile__c", "contact_email__c"),
}
