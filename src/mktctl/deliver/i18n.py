"""The words of workbooks and reports in the two languages mktctl speaks: zh-CN and en.

A playbook's ``language:`` picks the default; ``--lang`` overrides it. Kinds and fields bring their own
Chinese names (``Kind.title`` and the part of a field's description before the first colon); the rest of
the vocabulary lives here.
"""

from __future__ import annotations

import re

from mktctl.base.language import LANGUAGES, resolve_lang

__all__ = ["GLOSSARY", "LANGUAGES", "field_label", "resolve_lang", "t"]


# Chinese names of common field names, for fields whose description does not start with one.
GLOSSARY: dict[str, str] = {
    "name": "名称", "title": "标题", "description": "描述", "parent": "上级部门", "role": "角色",
    "users": "员工", "user": "员工", "members": "成员", "admins": "管理员", "owner": "负责人",
    "owners": "负责人", "enabled": "启用", "type": "类型", "kind": "类型", "code": "代码", "url": "网址",
    "domain": "域名", "platform": "平台", "account": "账号", "accounts": "账号", "account_id": "账号ID",
    "rules": "规则", "fields": "字段", "tags": "标签", "values": "取值", "conditions": "条件",
    "steps": "步骤", "points": "分值", "score": "分数", "threshold": "阈值", "edition": "版本",
    "plugins": "插件", "priority": "优先级", "order": "顺序", "category": "分类", "categories": "分类",
    "template": "模板", "templates": "模板", "signature": "签名", "sender": "发件人", "channel": "渠道",
    "channels": "渠道", "source": "来源", "sources": "来源", "pool": "线索池", "days": "天数",
    "notes": "备注", "note": "备注", "email": "邮箱", "mobile": "手机号", "phone": "电话",
    "department": "部门", "departments": "部门", "position": "职位", "leader": "汇报对象",
    "data_scope": "数据权限", "permissions": "功能权限", "package_code": "配置包安装码",
    "menu": "菜单", "items": "条目", "metric": "指标", "trigger": "触发条件", "purposes": "用途",
    "active": "启用", "address_book": "通讯录", "allow_reentry": "允许重复进入", "api_name": "字段API名称",
    "app_id": "AppID", "articles": "文章", "attribution": "归因模型", "authorisation_url": "授权链接",
    "auto_merge": "自动合并", "avatar": "头像", "behaviour_rules": "行为规则", "bind": "绑定账号",
    "certified": "已企业认证", "certified_until": "认证有效期", "channel_id": "视频号ID", "check_in": "签到",
    "claim_limit": "领取上限", "collect_at": "收集位置", "company": "公司信息", "company_intro": "公司介绍",
    "competitor_domains": "竞品域名", "consent": "隐私授权", "corp_id": "企业ID", "corp_name": "企业名称",
    "custom_domain": "企业专属域名", "daily_limit_per_mobile": "单号码每日上限", "data_sync": "数据同步",
    "decay": "分数衰减", "default": "默认", "dkim_selector": "DKIM选择器", "dmarc_policy": "DMARC策略",
    "dmarc_reports_to": "DMARC报告邮箱", "duplicate_rules": "查重规则", "earn": "积分获取",
    "email_field": "邮箱字段", "employee_can_edit": "员工可编辑", "entry": "入会方式", "event": "市场活动",
    "event_type": "活动类型", "event_types": "活动类型", "exclude_competitors": "排除竞品",
    "exits": "退出条件", "file": "文件", "files": "文件", "gray_release": "灰度申请", "hand_off": "转交规则",
    "help_text": "帮助文字", "home": "首页", "idle_days": "未跟进天数", "idle_hours": "未跟进小时数",
    "inactive_days": "无互动天数", "incentives": "激励规则", "integration": "对接方式",
    "interaction": "互动频率", "invalid_action": "无效数据处理", "keep": "保留", "kol": "KOL",
    "label": "显示名称", "lead_storage": "线索存入", "lead_sync": "线索同步", "live_codes": "活码",
    "live_platform": "直播平台", "login_email": "登录邮箱", "mapping": "字段映射",
    "master_priority": "主数据优先级", "match": "匹配方式", "max_score": "分数上限",
    "member_accounts": "会员型营销账号数", "merge_keys": "合并依据", "min_score": "最低分数",
    "mini_program": "小程序", "multiple": "可多选", "new_contact_tags": "新客户标签",
    "notifications": "通知设置", "notify_channels": "通知渠道", "notify_on_claim": "领取时通知",
    "notify_owner": "通知负责人", "notify_roles": "通知角色", "object": "对象", "objects": "适用对象",
    "on_conflict": "冲突处理", "on_existing": "已存在时", "options": "选项", "order_number": "订单号",
    "ordered": "已下单产品", "page_url": "页面地址", "phone_field": "手机字段", "place": "位置",
    "points_expiry": "积分有效期", "points_name": "积分名称", "postback": "广告回传", "posters": "海报",
    "privacy": "隐私设置", "privacy_consent": "隐私授权", "privacy_policy_url": "隐私政策地址",
    "products": "产品", "profile_rules": "属性规则", "purchases_max": "最多购买次数",
    "purchases_min": "最少购买次数", "purpose": "授权用途", "ranking": "排行榜",
    "records_kept_days": "记录保存天数", "recycle_after_hours": "未跟进回收（小时）", "recycle_to": "回收至",
    "recycle_unconverted_days": "未转化回收（天）", "refresh": "刷新频率",
    "registered_within_days": "注册天数内", "registration_fields": "注册字段", "remind": "提醒对象",
    "repeat_every_days": "重复提醒（天）", "required": "必填", "required_fields": "必填字段", "review": "审核",
    "review_required": "需要审核", "reviewer_role": "审核角色", "roles": "角色",
    "sales_accept_hours": "销售受理时限（小时）", "scenario": "营销场景", "scope": "范围",
    "scoring_model": "评分模型", "scrm_seats": "企微SCRM销售账号数", "sections": "栏目",
    "sender_domains": "发信域名", "separate_consent_for_sensitive": "敏感信息单独授权",
    "share_title": "分享标题", "sheet": "工作表", "show_products": "展示产品",
    "signature_source": "签名来源", "spf_include": "SPF记录", "stage_label": "线索阶段", "strategy": "营销策略",
    "success_message": "提交成功提示", "sync": "同步内容", "sync_customers": "同步企微客户",
    "sync_groups": "同步客户群", "tasks": "任务", "test_data": "测试数据", "then": "之后",
    "thresholds": "分数阈值", "tiers": "会员等级", "unsubscribe": "退订", "unsubscribe_link": "退订链接",
    "utm": "UTM参数", "validate_email": "校验邮箱", "validate_mobile": "校验手机号", "via": "通知方式",
    "visible_to_members": "成员可见", "website_form": "官网表单", "wecom_interface": "企业微信接口数",
    "when": "条件", "widgets": "图表", "window": "统计周期", "workbench": "推广工作台",
}

_STRINGS: dict[str, tuple[str, str]] = {
    # workbook
    "about": ("说明", "About"),
    "matrix": ("角色权限", "Role permissions"),
    "workbook.config": ("营销通配置工作簿", "营销通 configuration workbook"),
    "workbook.survey": ("营销通实施需求调研表", "营销通 requirements survey"),
    "project": ("项目", "Project"),
    "playbook.name": ("项目名称", "name"),
    "playbook.language": ("语言", "language"),
    "playbook.description": ("项目描述", "description"),
    "playbook.name.help": ("项目名称，一般为客户公司名", "the rollout's name, usually the client company"),
    "playbook.language.help": ("工作簿和报告的语言：zh-CN（中文）或 en（英文）",
                               "language of workbooks and reports: zh-CN or en"),
    "playbook.description.help": ("项目说明", "a note on the rollout"),
    "digest": ("方案指纹", "Playbook digest"),
    "generated": ("生成时间", "Generated at"),
    "generated_by": ("生成工具", "Generated by"),
    "source": ("来源目录", "Playbook folder"),
    "signoff": ("客户确认", "Client sign-off"),
    "signoff.by": ("确认人", "Signed by"),
    "signoff.date": ("日期", "Date"),
    "how.title": ("填写说明", "How to fill in"),
    "how.1": ("每个工作表对应实施指南的一个章节；每个表格对应一类配置，一行一项。",
              "Each sheet is one section of the implementation guide; each table is one kind of setting, "
              "one row per item."),
    "how.2": ("表头的批注说明每一列的含义、是否必填和可选值；带下拉框的列请从下拉框选择。",
              "The note on each header says what the column means, whether it is required and its options; "
              "pick from the drop-down where there is one."),
    "how.3": ("要新增一项，在表格的空行中填写（或在表格内插入行）；要删除一项，删除整行。不要修改隐藏的行和工作表。",
              "To add an item, fill in an empty row of its table (or insert a row inside it); to remove one, "
              "delete the row. Do not change hidden rows or sheets."),
    "how.4": ("列表类的值用顿号（、）或逗号分隔；以 [ 或 { 开头的单元格是 JSON/YAML 格式的结构化数据。",
              "List values are separated by commas; a cell starting with [ or { holds structured data as "
              "JSON or YAML."),
    "how.5": ("方案指纹标识本工作簿所依据的配置方案；签字确认即确认该指纹对应的配置。",
              "The playbook digest identifies the exact configuration this workbook was made from; signing "
              "off confirms that configuration."),
    "matrix.title": ("角色功能权限：每个单元格填写该角色在该模块的操作，用顿号或逗号分隔",
                     "Role permissions: each cell lists the role's actions on the module, separated by commas"),
    "matrix.module": ("模块", "Module"),
    "matrix.code": ("模块代码", "Module code"),
    "matrix.actions": ("可选操作", "Actions"),
    "matrix.none": ("填 - 表示明确不授权任何操作", "write - for an explicit 'no actions'"),
    "guide": ("指南", "guide"),
    "questions": ("调研问题", "Questions"),
    "question": ("问题", "Question"),
    "answer": ("客户回答 / 备注", "Client's answer / notes"),
    "survey.intro": ("请结合以下问题填写本页的表格；问题的回答仅供参考，不会导入配置。",
                     "Use these questions to fill in the tables on this sheet; the answers column is for notes "
                     "and is not imported."),
    "required": ("必填", "required"),
    "optional": ("选填", "optional"),
    "default": ("默认", "default"),
    "options": ("可选值", "options"),
    "type": ("类型", "type"),
    "example": ("示例", "example"),
    "references": ("引用", "refers to"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "type.text": ("文本", "text"),
    "type.int": ("整数", "whole number"),
    "type.float": ("数字", "number"),
    "type.bool": ("是/否", "yes/no"),
    "type.choice": ("单选", "one of a list"),
    "type.list": ("列表，用顿号分隔", "list, separated by commas"),
    "type.json": ("结构化数据（JSON/YAML）", "structured data (JSON or YAML)"),
    "key": ("唯一标识", "key: unique"),
    "singleton": ("单项设置：只填一行", "one setting: fill in one row only"),
}


def t(key: str, lang: str) -> str:
    zh, en = _STRINGS[key]
    return zh if lang == "zh-CN" else en


_CJK = re.compile(r"[\u3400-\u9fff]")
_LEAD = re.compile(r"^\s*([^:：(（,，;]+)")


def field_label(field_name: str, description: str | None, lang: str) -> str:
    """A column header: in Chinese the field's own Chinese name, in English the field name itself (the
    name used in playbook YAML)."""
    if lang != "zh-CN":
        return field_name
    if description:
        match = _LEAD.match(description)
        lead = match.group(1).strip() if match else ""
        if lead and _CJK.match(lead) and not re.search(r"\s", lead) and len(_CJK.findall(lead)) * 2 >= len(lead):
            return lead
    return GLOSSARY.get(field_name, field_name)
