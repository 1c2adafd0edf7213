"""The pre-rollout requirements survey (guide 1.2): per guide section, the questions a consultant asks,
above empty tables of the same layout as the configuration workbook, so that ``mktctl workbook import``
turns the filled-in survey into a first playbook."""

from __future__ import annotations

from pathlib import Path

from mktctl.deliver.workbook_export import Content, ExportResult, write_workbook

# guide family -> questions, (zh, en), from the implementation guide's sections
QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "1.1": [
        ("购买的是营销通标准版还是旗舰版？",
         "Was 营销通 bought as the standard (标准版) or flagship (旗舰版) edition?"),
        ("是否已下单【营销一体化应用】和【行为积分】？", "Were 营销一体化应用 and 行为积分 ordered?"),
        ("是否需要广告营销插件（百度、头条、腾讯），以及搜狗/知乎/快手/神马/小红书的广告线索连接器？",
         "Are the ad marketing plug-in (Baidu, Toutiao, Tencent) and the lead connectors for Sogou, Zhihu, "
         "Kuaishou, Shenma or Xiaohongshu needed?"),
        ("是否需要申请【营销归因】灰度、【企业专属域名】或会员营销账号？",
         "Are the 营销归因 gray release, an own domain (企业专属域名) or member marketing accounts needed?"),
    ],
    "2.1": [
        ("组织架构：有哪些部门，上下级关系如何？",
         "Organisation: which departments are there, and how are they nested?"),
        ("哪些员工使用营销通？员工编号、手机号（登录账号）、主属部门、汇报对象？",
         "Who uses 营销通? Employee number, mobile (the login), department, leader?"),
        ("需要哪些角色（如市场经理、市场专员、销售代表）？每个角色对哪些模块有查看/新建/编辑/删除/导出/分配权限？",
         "Which roles (e.g. marketing manager, marketing specialist, sales rep)? For each, which modules may it "
         "view, create, edit, delete, export or assign?"),
        ("各角色的数据权限：本人、本部门、本部门及下属部门还是全公司？",
         "Each role's data scope: own, department, department and below, or the whole company?"),
        ("使用系统前需要哪些基础配置？", "Which basic settings are needed before use?"),
    ],
    "2.2": [
        ("市场线索从哪些渠道进入（广告、官网表单、活动、导入）？", "Through which channels do leads come in (ads, "
         "website forms, events, imports)?"),
        ("需要哪些线索池？成员、管理员、回收规则？", "Which lead pools? Members, admins, recycling rules?"),
        ("线索如何分配（按地区/行业/来源/评分，轮流分配）？", "How are leads assigned (by region, industry, "
         "source, score; round robin)?"),
        ("线索清洗与查重规则：必填字段、按手机/邮箱/公司查重、测试数据和竞品域名？",
         "Cleaning and duplicate rules: required fields, duplicates by mobile/email/company, test data and "
         "competitor domains?"),
        ("MQL 的定义和线索跟进时效（SLA）？", "The MQL definition and the lead follow-up SLA?"),
    ],
    "2.3": [
        ("是否有历史线索需要导入？数量、文件格式、来源渠道？", "Are there historical leads to import? How many, "
         "in which files, from which channels?"),
        ("是否需要把历史线索通过手机号/邮箱关联到客户、联系人、商机？", "Should historical leads be linked to "
         "accounts, contacts and opportunities by mobile or email?"),
        ("是否从原营销系统迁移内容和数据？", "Is content or data migrated from a previous marketing system?"),
    ],
    "2.4": [
        ("投放了哪些广告平台（百度、巨量引擎、腾讯广告、Google、LinkedIn、Facebook 等）？每个平台几个账户？",
         "Which ad platforms are used (Baidu, Ocean Engine, Tencent Ads, Google, LinkedIn, Facebook...)? How "
         "many accounts each?"),
        ("广告落地页是平台原生落地页、企业官网表单还是营销通微页面？", "Are the landing pages the platform's "
         "native pages, website forms or 营销通 micro-pages?"),
        ("微信服务号、小程序、视频号、企业微信是否已开通？由谁扫码授权？", "Are the WeChat service account, mini "
         "program, Channels and WeCom in place? Who scans the authorisation QR codes?"),
        ("官网表单如何对接（UTM 参数）？", "How are website forms connected (UTM parameters)?"),
        ("短信签名和模板、邮件发信域名是否已准备？", "Are the SMS signature and templates and the email sender "
         "domain ready?"),
    ],
    "2.5": [
        ("是否搭建内容中台、小程序微站（数字展厅）、员工名片、营销助手？", "Are the content centre, the mini-program "
         "micro site, business cards and the marketing assistant wanted?"),
        ("全员营销的发送范围：纷享通讯录还是企微通讯录？", "Employee marketing send scope: the FxiaoKe address "
         "book or the WeCom one?"),
        ("是否需要会员营销？", "Is member marketing needed?"),
    ],
    "2.6": [
        ("对接哪些直播平台（保利威、微吼、小鹅通、目睹）？", "Which live platforms (Polyv, Vhall, Xiaoe-tech, Mudu)?"),
        ("市场活动类型如何划分？各类型新建布局需要哪些字段？", "How are event types divided? Which fields does "
         "each type's new-record layout need?"),
        ("需要哪些活动页面模板和活动 SOP 模板？", "Which page templates and event SOP templates are needed?"),
    ],
    "2.7": [
        ("标签体系：有哪些标签组和标签，打标规则？", "Tags: which tag groups and values, and which rules set them?"),
        ("是否需要用户评分（行为和属性规则、分值、阈值）？", "Is lead scoring needed (behaviour and profile rules, "
         "points, thresholds)?"),
        ("人群包和生命周期阶段如何划分？", "How are segments and lifecycle stages divided?"),
        ("需要哪些自动化营销流程？是否有用户授权（个人信息保护法）？", "Which nurture flows? Is consent (PIPL) "
         "recorded?"),
    ],
    "2.8": [
        ("需要哪些营销报表和看板？是否安装广告报表配置包？", "Which marketing reports and dashboards? Is the ad "
         "report package installed?"),
        ("市场部负责人的 CRM 菜单栏和首页报表如何配置？", "How are the marketing head's CRM menu bar and home "
         "page reports set up?"),
        ("需要哪些监控告警（如送达率低于 90%、退回率高于 5%）？", "Which alerts (e.g. delivery rate below 90%, "
         "bounce rate above 5%)?"),
    ],
}


def questions(lang: str) -> dict[str, list[str]]:
    return {family: [zh if lang == "zh-CN" else en for zh, en in items] for family, items in QUESTIONS.items()}


def write_survey(out: Path, *, lang: str, name: str, generated_at: str, generator: str) -> ExportResult:
    content = Content(name=name, language=lang)
    return write_workbook(content, out, lang=lang, generated_at=generated_at, generator=generator,
                          survey=questions(lang))
