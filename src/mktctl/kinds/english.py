"""The platform's own words in English, for a client whose playbook says ``language: en``.

Kinds write the platform's words in Chinese, as 营销通 shows them: menu paths, the names of kinds and the
options of its picklists. This table gives each of them in English, and :class:`mktctl.kinds.wording.Words`
looks words up here. A field's English label is its name in the playbook, spelt out (``required_fields`` ->
"Required fields"), except where :data:`FIELD_LABELS` says better. A test checks that every menu, kind and
picklist word of every kind is in the table, so a new option cannot reach an English client in Chinese.
"""

from __future__ import annotations

# The product names: 纷享销客 is the CRM (FxiaoKe), 营销通 its marketing suite.
PRODUCTS = {
    "纷享销客": "FxiaoKe", "纷享销客 CRM": "FxiaoKe CRM", "营销通": "FxiaoKe Marketing", "客脉": "Kemai",
}

# The places of the admin consoles that menu paths go through.
MENUS = {
    "管理后台": "Admin console", "管理中心": "Management centre", "系统设置": "System settings",
    "权限管理": "Permissions", "角色权限": "Role permissions", "添加员工": "Add employees",
    "组织架构": "Organisation", "部门": "Departments", "员工": "Employees",
    "对象管理": "Object management", "字段管理": "Fields", "布局管理": "Layouts", "编辑": "Edit",
    "新建自定义字段": "New custom field", "业务规则": "Business rules", "业务规则管理": "Business rule management",
    "跟进提醒": "Follow-up reminders", "线索池管理": "Lead pool management", "订单": "Orders",
    "新建订单（为客户下单产品）": "New order (the products the client ordered)", "环境": "Environment",
    "配置包": "Configuration packages", "配置包安装": "Install a package", "首页管理": "Home page management",
    "首页管理 / CRM": "Home page management / CRM", "首页布局": "Home page layout", "菜单管理": "Menu management",
    "数据驾驶舱": "Data cockpit", "新建驾驶舱": "New cockpit", "基础设置": "Basic settings",
    "线索设置": "Lead settings", "线索清洗规则": "Lead cleaning rules", "线索分配规则": "Lead assignment rules",
    "MQL定义": "MQL definition", "营销插件": "Marketing plug-ins", "官网对接": "Website integration",
    "广告营销": "Advertising", "广告账户": "Ad accounts", "国内广告": "Domestic ads", "海外广告": "Overseas ads",
    "短信设置": "SMS settings", "签名与模板": "Signatures and templates", "邮件设置": "E-mail settings",
    "发信域名": "Sender domains", "内容中心": "Content centre", "小程序微站": "Mini-program site",
    "数字展厅": "Digital showroom", "员工名片设置": "Business card settings", "营销协同": "Marketing collaboration",
    "推广工作台与通知配置": "Promotion workbench and notifications", "员工营销": "Employee marketing",
    "会员营销": "Member marketing", "会员设置": "Member settings", "直播对接": "Live streaming integration",
    "市场活动设置": "Event settings", "活动类型": "Event types", "市场活动": "Marketing events",
    "微页面": "Micro pages", "创建微页面模版": "New micro-page template",
    "营销场景默认SOP设置": "Default SOP of marketing scenarios", "营销用户设置": "Marketing user settings",
    "营销对象": "Marketing objects", "用户身份统一": "Unified identity", "隐私合规设置": "Privacy and compliance",
    "营销用户": "Marketing users", "标签管理": "Tags", "生命周期阶段": "Lifecycle stages",
    "目标人群": "Target segments", "营销自动化": "Marketing automation", "营销流程": "Marketing flows",
    "行为积分": "Behaviour points", "监控预警": "Monitoring alerts", "企业微信": "WeCom",
    "连接企业微信": "Connect WeCom", "微信公众号": "WeChat official account", "绑定公众号": "Bind an official account",
    "微信小程序": "WeChat mini program", "绑定小程序": "Bind a mini program", "视频号": "WeChat Channels",
    "对接视频号": "Connect WeChat Channels", "微信开放平台（open.weixin.qq.com）": "WeChat Open Platform "
    "(open.weixin.qq.com)", "公众帐号 / 小程序": "Official accounts / mini programs", "绑定": "Bind",
    "销售线索": "Leads", "商机": "Opportunities", "表单": "Forms", "嵌入代码": "Embed code",
    "设置": "Settings",
}

# The names of the kinds (``Kind.title``).
KIND_TITLES = {
    "产品开通": "Products", "角色": "Roles", "角色分配": "Role assignments", "线索池": "Lead pools",
    "线索字段": "Lead fields", "线索清洗": "Lead cleaning", "跟进时效提醒": "Follow-up reminders",
    "微信开放平台": "WeChat Open Platform", "微信账号": "WeChat accounts", "官网表单": "Website forms",
    "短信通道": "SMS channel", "邮件通道": "E-mail channel", "小程序微站（数字展厅）": "Mini-program site (showroom)",
    "员工名片": "Business cards", "营销助手": "Marketing assistant", "全员营销": "Employee marketing",
    "市场活动类型": "Event types", "市场活动新建布局": "Event layouts", "微页面模版": "Micro-page templates",
    "营销场景默认SOP": "Event SOPs", "个人信息保护与退订": "Consent and unsubscribing", "标签": "Tags",
    "评分模型（行为积分）": "Scoring models (behaviour points)", "报表配置包": "Report packages",
    "首页与数据驾驶舱": "Home pages and data cockpits", "CRM菜单栏": "CRM menus", "历史数据导入": "History imports",
    "线索分配规则": "Lead assignment rules", "MQL定义": "MQL definition", "广告账户": "Ad accounts",
    "基础设置": "Basic settings", "内容中心": "Content centre", "会员营销": "Member marketing",
    "直播对接": "Live platforms", "营销对象": "Marketing objects", "用户身份统一": "Unified identity",
    "生命周期阶段": "Lifecycle stages", "目标人群": "Segments", "营销流程": "Nurture flows",
    "监控预警": "Alerts", "部门": "Departments", "员工": "Employees", "企业微信": "WeCom",
}

# The options of the platform's picklists.
OPTIONS = {
    # editions, products and plug-ins
    "标准版": "Standard edition", "旗舰版": "Flagship edition", "营销一体化应用": "Integrated marketing app",
    "营销通-广告营销插件": "FxiaoKe Marketing advertising plug-in", "搜狗广告线索连接器": "Sogou ad lead connector",
    "知乎广告线索连接器": "Zhihu ad lead connector", "快手广告线索连接器": "Kuaishou ad lead connector",
    "神马广告线索连接器": "Shenma ad lead connector", "小红书广告线索连接器": "Xiaohongshu ad lead connector",
    "企业专属域名": "Company domain", "营销归因": "Marketing attribution",
    # attribution models
    "首次触点": "First touch", "末次触点": "Last touch", "线性": "Linear", "U型": "U-shaped", "W型": "W-shaped",
    "时间衰减": "Time decay",
    # field types
    "单行文本": "Single-line text", "多行文本": "Multi-line text", "单选": "Single choice", "多选": "Multiple choice",
    "数字": "Number", "金额": "Amount", "百分数": "Percentage", "日期": "Date", "日期时间": "Date and time",
    "手机": "Mobile", "电话": "Phone", "邮箱": "E-mail", "网址": "Website", "布尔值": "Yes/no",
    # lead rules
    "全部线索": "All leads", "同一线索池": "The same lead pool", "线索及客户联系人": "Leads and account contacts",
    "标记重复": "Mark as duplicate", "合并到已有线索": "Merge into the existing lead", "不存入": "Do not store",
    "标记无效": "Mark as invalid", "作废": "Void", "退回线索池": "Return to the lead pool",
    "轮流分配": "Round robin", "随机分配": "Random", "按负载分配": "By workload",
    "纷享消息": "FxiaoKe message", "短信": "SMS", "邮件": "E-mail",
    "负责人": "Owner", "负责人上级": "Owner's manager", "线索池管理员": "Lead pool admins",
    "仅提醒": "Remind only", "收回线索池": "Take back to the lead pool",
    # ads
    "百度": "Baidu", "巨量引擎": "Ocean Engine", "腾讯广告": "Tencent Ads", "搜狗": "Sogou", "知乎": "Zhihu",
    "快手": "Kuaishou", "神马": "Shenma", "小红书": "Xiaohongshu", "广告平台落地页": "Ad platform landing page",
    "营销通微页面": "FxiaoKe Marketing micro page", "线索": "Lead", "有效线索": "Qualified lead", "赢单": "Won deal",
    # WeChat and forms
    "服务号": "Service account", "小程序": "Mini program", "嵌入营销通表单": "Embed a FxiaoKe Marketing form",
    "官网表单对接": "Connect the website's own form",
    # SMS
    "企业名称": "Company name", "工信部备案网站": "Website registered with the MIIT", "公众号或小程序":
    "Official account or mini program", "商标": "Trademark", "验证码": "Verification code", "通知": "Notification",
    "营销推广": "Marketing",
    # content
    "原创": "Original", "公众号文章": "Official account article", "外部链接": "External link", "文章": "Article",
    "产品": "Product", "活动报名": "Event registration", "员工名片": "Business card",
    "公众号关注": "Follow the official account", "轮播图": "Carousel", "企业介绍": "About the company",
    "产品中心": "Products", "解决方案": "Solutions", "客户案例": "Case studies", "新闻动态": "News",
    "活动中心": "Events", "联系我们": "Contact us", "姓名": "Name", "职位": "Position", "座机": "Landline",
    "微信二维码": "WeChat QR code", "公司地址": "Company address", "个人简介": "Profile",
    # marketing assistant and employee marketing
    "推广任务": "Promotion tasks", "推广内容": "Content to promote", "我的名片": "My business card",
    "客户动态": "Customer activity", "推广排行": "Promotion ranking", "线索跟进": "Lead follow-up",
    "客户浏览名片": "A customer views a card", "客户浏览内容": "A customer views content",
    "客户提交表单": "A customer submits a form", "客户报名活动": "A customer registers for an event",
    "收到推广任务": "A promotion task arrives", "获得新线索": "A new lead arrives",
    "推广员工": "The promoting employee",
    "线索负责人": "The lead's owner", "活动负责人": "The event's owner", "公众号模板消息": "Official account message",
    "纷享通讯录": "FxiaoKe address book", "企业微信通讯录": "WeCom address book", "转发内容": "Share content",
    "带来访问": "Bring a visit", "带来线索": "Bring a lead", "带来报名": "Bring a registration",
    "带来成交": "Bring a deal",
    # members
    "公众号": "Official account", "手机号": "Mobile", "性别": "Gender", "生日": "Birthday", "公司": "Company",
    "城市": "City", "注册会员": "Sign up", "每日签到": "Daily check-in", "完善资料": "Complete the profile",
    "消费": "Purchase", "邀请好友": "Invite a friend", "参与活动": "Take part in an event", "分享内容": "Share content",
    "评价": "Review", "永久有效": "Never expire", "每年年底清零": "Expire at the end of each year",
    "获得后12个月": "12 months after earning",
    # events
    "保利威": "Polyv", "微吼": "Vhall", "小鹅通": "Xiaoe-tech", "目睹": "Mudu", "报名数据": "Registrations",
    "观看数据": "Viewing", "互动数据": "Interactions", "回放数据": "Replays", "活动营销": "Event marketing",
    "直播营销": "Live-stream marketing", "会议营销": "Conference marketing", "微页面模板": "Micro-page template",
    "报名表单": "Registration form", "签到页": "Check-in page", "活动海报": "Event poster",
    "活动介绍": "About the event", "活动议程": "Agenda", "嘉宾介绍": "Speakers", "直播入口": "Live-stream link",
    "地图导航": "Map", "往期回顾": "Past events", "文本": "Text", "公司名称": "Company name",
    "扫码签到": "Scan a QR code", "手机号签到": "Mobile number", "签到码签到": "Check-in code", "活动前": "Before",
    "活动中": "During", "活动后": "After",
    # identity and consent
    "微信UnionID": "WeChat UnionID", "公众号OpenID": "Official account OpenID", "小程序OpenID": "Mini program OpenID",
    "企业微信外部联系人ID": "WeCom external contact ID", "会员卡号": "Member card number",
    "按对象优先级": "By object priority", "保留最新": "Keep the newest", "保留最早": "Keep the oldest",
    "会员注册": "Member sign-up", "企业微信添加好友": "Adding a WeCom contact", "官网": "Website",
    "个人同意": "Consent", "订立或履行合同所必需": "Necessary for a contract",
    "履行法定职责或义务": "A legal duty or obligation",
    # tags, conditions and behaviours
    "全部满足": "All conditions", "任一满足": "Any condition", "浏览微页面": "View a micro page",
    "浏览文章": "Read an article", "浏览产品": "View a product", "下载文件": "Download a file",
    "提交表单": "Submit a form", "报名活动": "Register for an event", "活动签到": "Check in at an event",
    "观看直播": "Watch a live stream", "打开邮件": "Open an e-mail", "点击邮件链接": "Click a link in an e-mail",
    "点击短信链接": "Click a link in an SMS", "访问官网": "Visit the website", "咨询客服": "Ask customer service",
    "关注公众号": "Follow the official account", "添加企业微信": "Add on WeCom", "退订": "Unsubscribe",
    "等于": "equals", "不等于": "does not equal", "包含": "contains", "不包含": "does not contain", "属于": "is one of",
    "不属于": "is not one of", "大于": "greater than", "小于": "less than", "大于等于": "at least",
    "小于等于": "at most", "为空": "is empty", "不为空": "is not empty", "低": "Low", "中": "Medium", "高": "High",
    # segments and flows
    "动态人群": "Dynamic segment", "静态人群": "Static segment", "每小时": "Hourly", "每天": "Daily",
    "手动": "Manual", "进入人群": "Enters a segment", "添加标签": "Add a tag", "评分达到": "Score reaches",
    "进入生命周期阶段": "Enters a lifecycle stage", "定时": "Scheduled", "发送邮件": "Send an e-mail",
    "发送短信": "Send an SMS", "发送公众号消息": "Send an official account message",
    "发送企业微信消息": "Send a WeCom message", "等待": "Wait", "条件分支": "Branch", "移除标签": "Remove a tag",
    "通知销售": "Notify sales", "结束": "End", "客户负责人": "The customer's owner", "市场负责人": "The marketing lead",
    "转为商机": "Becomes an opportunity", "成为客户": "Becomes a customer", "进入沉睡期": "Becomes dormant",
    "退出人群": "Leaves the segment", "分配给销售": "Assigned to sales",
    # reports
    "CRM首页": "CRM home page", "指标卡": "Metric card", "柱状图": "Bar chart", "折线图": "Line chart",
    "饼图": "Pie chart", "漏斗图": "Funnel", "表格": "Table", "今天": "Today", "本周": "This week",
    "本月": "This month", "本季度": "This quarter", "本年": "This year", "近30天": "Last 30 days",
    "近90天": "Last 90 days", "首页": "Home", "客户": "Accounts", "联系人": "Contacts", "销售订单": "Sales orders",
    "企业微信客户": "WeCom contacts", "微信用户": "WeChat users", "会员": "Members", "报表": "Reports",
    "审批": "Approvals", "日程": "Calendar", "待办": "To-dos", "送达率": "Delivery rate", "退回率": "Bounce rate",
    "打开率": "Open rate", "点击率": "Click rate", "退订率": "Unsubscribe rate", "投诉率": "Complaint rate",
    "表单转化率": "Form conversion rate", "线索转化率": "Lead conversion rate", "线索量": "Leads",
    "广告消费": "Ad spend", "广告": "Ads", "全部": "All", "低于": "falls below", "高于": "rises above",
    "每次发送": "Each send", "每周": "Weekly", "每月": "Monthly",
}

# The modules and actions of a role's permissions (the rows and cells of the permission matrix).
PERMISSIONS = {
    "营销活动": "Campaigns", "仪表盘": "Dashboards", "营销通设置": "FxiaoKe Marketing settings", "标签": "Tags",
    "查看": "View", "新建": "Create", "删除": "Delete", "导出": "Export", "分配": "Assign",
}

# Field labels that spelling out the field's name would say badly (the field name -> its English label).
FIELD_LABELS = {
    "utm": "UTM parameters", "app_id": "App ID", "account_id": "Account ID", "corp_id": "Corp ID",
    "channel_id": "Channel ID", "url": "Web address", "page_url": "Page address", "kol": "KOL programme",
    "mql": "MQL", "spf_include": "SPF include", "dkim_selector": "DKIM selector", "dmarc_policy": "DMARC policy",
    "dmarc_reports_to": "DMARC reports to", "privacy_policy_url": "Privacy policy address",
    "scrm_seats": "WeCom SCRM seats", "wecom_interface": "WeCom interfaces",
    "recycle_after_hours": "Take back after (hours)", "recycle_unconverted_days": "Take back unconverted after (days)",
    "idle_hours": "Idle for (hours)", "idle_days": "Idle for (days)", "repeat_every_days": "Repeat every (days)",
    "sales_accept_hours": "Sales accepts within (hours)", "records_kept_days": "Records kept (days)",
    "retention_days": "Kept for (days)", "weight": "Weight (%)", "percent": "Deduction (%)",
    "op": "Condition", "earn": "Earning rules", "plugins": "Plug-ins", "window_days": "Window (days)",
    "within_days": "Within (days)",
}

# What the platform has built in and a playbook names like its own items: the root department, the preset
# role, the default marketing objects and event types, the owners of an SOP task, the live platforms.
BUILT_IN_NAMES = {
    "全公司": "Whole company", "CRM管理员": "CRM admin", "活动创建人": "The event's creator",
    "活动成员": "The event's members",
}
BUILT_IN = frozenset({*BUILT_IN_NAMES, "客户", "联系人", "销售线索", "企业微信客户", "微信用户", "会员", "活动营销",
                      "直播营销", "会议营销", "活动负责人", "保利威", "微吼", "小鹅通", "目睹"})

ENGLISH: dict[str, str] = {**PRODUCTS, **MENUS, **KIND_TITLES, **OPTIONS, **PERMISSIONS, **BUILT_IN_NAMES}

_ACRONYMS = {"id": "ID", "url": "URL", "sms": "SMS", "kol": "KOL", "sop": "SOP", "mql": "MQL", "utm": "UTM",
             "crm": "CRM", "dns": "DNS", "spf": "SPF", "dkim": "DKIM", "dmarc": "DMARC", "api": "API", "qr": "QR",
             "sla": "SLA", "wecom": "WeCom", "wechat": "WeChat", "oneid": "OneID", "pdf": "PDF", "ip": "IP"}


def english(word: str) -> str | None:
    """The platform word ``word`` in English, or None when the table does not have it."""
    return ENGLISH.get(word)


def field_label(name: str) -> str:
    """A field's English label: ``required_fields`` -> ``Required fields``, ``app_id`` -> ``App ID``."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    words = [_ACRONYMS.get(part, part) for part in name.split("_") if part]
    if not words:
        return name
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])

# The standard fields of 销售线索 (by api name), as an English client sees them.
LEAD_FIELDS = {
    "name": "Name", "company": "Company", "mobile": "Mobile", "tel": "Landline", "email": "E-mail",
    "province": "Province", "city": "City", "industry": "Industry", "job_title": "Job title", "source": "Lead source",
    "remark": "Remark", "url": "Website", "create_time": "Created at",
}
