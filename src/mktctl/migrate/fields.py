"""The entities of a migration and the fields each one has: what a column of an old system's export can mean.

A migration map (:mod:`mktctl.migrate.mapfile`) or a preset (:mod:`mktctl.migrate.presets`) says which
header of which file is which field. The generic format names the columns by these keys (``email``,
``opt_out_sms``) or by their Chinese labels (邮箱, 短信退订).
"""

from __future__ import annotations

from dataclasses import dataclass

ENTITIES = ("people", "opt_outs", "tags", "scores", "behaviour", "members", "content")
IGNORE = "ignore"


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str  # the Chinese header of the generic format
    kind: str = "text"  # text, multi (several values in one cell), flag (yes / no), number, date
    help: str = ""


def _fields(*items: FieldDef) -> dict[str, FieldDef]:
    return {item.key: item for item in items}


_PERSON_KEYS = (FieldDef("source_id", "原系统ID", help="the person's id in the old system"),
                FieldDef("email", "邮箱"), FieldDef("mobile", "手机"))

FIELDS: dict[str, dict[str, FieldDef]] = {
    "people": _fields(
        FieldDef("source_id", "原系统ID", help="the person's id in the old system; kept on the lead"),
        FieldDef("name", "姓名"), FieldDef("first_name", "名", help="joined with last_name into the name"),
        FieldDef("last_name", "姓"), FieldDef("company", "公司名称"), FieldDef("mobile", "手机"),
        FieldDef("tel", "座机"), FieldDef("email", "邮箱"), FieldDef("province", "省份"), FieldDef("city", "城市"),
        FieldDef("industry", "行业"), FieldDef("job_title", "职位"), FieldDef("source", "线索来源"),
        FieldDef("create_time", "创建时间", "date"), FieldDef("remark", "备注"), FieldDef("url", "网址"),
        FieldDef("owner", "负责人", help="listed in people.csv; the new owner comes from the assignment rules"),
        FieldDef("lifecycle_stage", "生命周期阶段", help="mapped onto the playbook's lifecycle stages"),
        FieldDef("lead_status", "线索状态", help="mapped onto tags (组:值) through the lead_status table"),
        FieldDef("score", "评分", "number"), FieldDef("tags", "标签", "multi"),
        FieldDef("opt_out_email", "邮件退订", "flag"), FieldDef("opt_out_sms", "短信退订", "flag"),
        FieldDef("opt_out_all", "全部退订", "flag",
                 help="opted out of every channel (Marketo's Marketing Suspended and Blocklisted)"),
        FieldDef("opt_out_reason", "退订原因", help="kept on the consent records"),
    ),
    "opt_outs": _fields(
        *_PERSON_KEYS, FieldDef("channel", "退订渠道", help="email, sms or all (邮件, 短信, 全部); default email"),
        FieldDef("opted_out_at", "退订时间", "date"), FieldDef("reason", "退订原因"),
    ),
    "tags": _fields(*_PERSON_KEYS, FieldDef("tags", "标签", "multi")),
    "scores": _fields(*_PERSON_KEYS, FieldDef("score", "评分", "number")),
    "behaviour": _fields(
        *_PERSON_KEYS, FieldDef("activity", "行为", help="the old system's activity type"),
        FieldDef("content", "行为对象", help="the page, email, form or file"), FieldDef("channel", "渠道"),
        FieldDef("at", "时间", "date"), FieldDef("campaign", "市场活动"), FieldDef("activity_id", "行为ID"),
    ),
    "members": _fields(
        FieldDef("member_no", "会员编号"), FieldDef("source_id", "原系统ID"), FieldDef("name", "姓名"),
        FieldDef("mobile", "手机"), FieldDef("email", "邮箱"), FieldDef("tier", "会员等级"),
        FieldDef("points", "积分", "number"), FieldDef("growth", "成长值", "number"),
        FieldDef("joined_at", "入会时间", "date"),
    ),
    "content": _fields(
        FieldDef("content_id", "内容ID"), FieldDef("type", "类型", help="article, file, image, poster, email_template, "
                                                                        "landing_page, form, ..."),
        FieldDef("title", "标题"), FieldDef("file", "文件", help="the file in the export folder"),
        FieldDef("url", "链接"), FieldDef("category", "分组"), FieldDef("subject", "邮件主题"),
        FieldDef("summary", "摘要"),
    ),
}

#: the tables of values a map may give, and the entity field whose values they translate
VALUE_TABLES = {"lifecycle_stages": "lifecycle_stage", "tags": "tags", "lead_status": "lead_status",
                "behaviours": "activity", "tiers": "tier", "channels": "channel", "content_types": "type"}


def entity_fields(entity: str) -> dict[str, FieldDef]:
    return FIELDS[entity]
