"""What `mktctl validate` finds in a nurture flow against the rest of the playbook: templates nothing
declares, personalisation variables the platform does not know, and triggers that can never fire (a
segment that never has members, a tag nothing sets, an undeclared form, a disabled event type, a score
above the model's reach, a stage nobody enters). Each at its value, with did-you-mean."""

from __future__ import annotations

import pytest

from tests.kinds.helpers_b import FRAGMENTS, problems, reported, write

# Sections start on line 3 (after HEAD). CONSENT is 6 lines, so a section after it starts on line 9.
CONSENT = """\
consent:
  privacy_policy_url: https://www.example.cn/privacy
  collect_at: [表单]
  purposes:
    - {name: 营销推广, channels: [邮件, 短信]}
  unsubscribe: {stop_flows: true}
"""
SMS = """\
sms_channel:
  signature: 示例科技
  templates:
    - {name: 活动提醒, type: 通知, content: "您报名的{活动名称}将于{开始时间}开始"}
    - {name: 方案提醒, type: 营销推广, content: "{客户姓名}您好, {负责人}为您准备了方案 {链接} 回T退订"}
"""
SCORING = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 观看直播, points: 10, cap: 20}
      - {behaviour: 咨询客服, points: 15, cap: 15}
"""


def flow(trigger: str, *steps: str, name: str = "培育", extra: str = "") -> str:
    """A nurture flow (purpose 营销推广) with ``trigger`` on its second line and ``steps`` from its fifth."""
    lines = "".join(f"      - {step}\n" for step in steps or ("{id: 通知, type: 通知销售}",))
    return f"  - name: {name}\n    trigger: {trigger}\n    purpose: 营销推广\n{extra}    steps:\n" + lines


def flows(*items: str) -> str:
    """The nurture_flows section of these flows."""
    return "nurture_flows:\n" + "".join(items)


# ---- templates and personalisation -----------------------------------------------------------------------


def test_an_unknown_variable_in_a_subject_is_an_error_at_the_subject_with_did_you_mean(tmp_path) -> None:
    write(tmp_path, CONSENT, flows(flow(
        "{type: 定时, schedule: 每天 09:00}",
        "{id: 欢迎, type: 发送邮件, subject: '尊敬的{客户名称}, 您的方案已备好', template: 欢迎}",
        "{id: 推荐, type: 发送邮件, subject: '{公司名称}的{职务}都在用', template: 推荐}")))

    assert problems(tmp_path) == [
        "mktctl.yaml:14:39: error: unknown personalisation variable {客户名称}; did you mean '客户姓名'?",
        "mktctl.yaml:15:39: error: unknown personalisation variable {职务}; known variables: {客户姓名}, {姓名}, "
        "{公司名称}, {职位}, {城市}, {省份}, {行业}, {线索来源}, {负责人}, {企业名称}",
    ]


def test_known_platform_and_playbook_variables_are_accepted_in_subjects(tmp_path) -> None:
    write(tmp_path, CONSENT, flows(flow("{type: 定时, schedule: 每天 09:00}",
                                  "{id: 欢迎, type: 发送邮件, subject: '{客户姓名}, {企业名称}邀您参加{活动名称}', "
                                  "template: 欢迎}")))

    assert problems(tmp_path) == []


def test_an_sms_template_nothing_declares_is_an_error_with_did_you_mean(tmp_path) -> None:
    write(tmp_path, CONSENT, SMS, flows(flow("{type: 定时, schedule: 每天 09:00}",
                                       "{id: 提醒, type: 发送短信, template: 方案题醒}")))

    assert problems(tmp_path) == [
        "mktctl.yaml:19:40: error: '方案题醒' is not a template of sms_channel; did you mean '方案提醒'?"]


def test_an_sms_step_without_any_sms_channel_is_a_lint(tmp_path) -> None:
    write(tmp_path, CONSENT, flows(flow("{type: 定时, schedule: 每天 09:00}",
                                        "{id: 提醒, type: 发送短信, template: 方案提醒}")))

    assert problems(tmp_path) == [
        "mktctl.yaml:14:40: warning: step '提醒' sends the SMS template '方案提醒', but no sms_channel is declared: "
        "declare the signature and the template there"]


def test_an_unknown_variable_in_an_sms_template_is_an_error_where_a_flow_sends_it_and_a_lint_elsewhere(
        tmp_path) -> None:
    templates = SMS.replace("{负责人}", "{销售姓名}").replace("{开始时间}", "{开始日期}")
    write(tmp_path, CONSENT, templates, flows(flow("{type: 定时, schedule: 每天 09:00}",
                                             "{id: 提醒, type: 发送短信, template: 方案提醒}")))

    assert problems(tmp_path) == [
        "mktctl.yaml:13:41: error: unknown personalisation variable {销售姓名}; did you mean '姓名'?",
        "mktctl.yaml:12:39: warning: unknown personalisation variable {开始日期}; known variables: {客户姓名}, {姓名}, "
        "{公司名称}, {职位}, {城市}, {省份}, {行业}, {线索来源}, {负责人}, {企业名称}",
    ]


# ---- triggers that can never fire -------------------------------------------------------------------------


def test_a_form_trigger_names_a_website_form_or_a_registration_form(tmp_path) -> None:
    forms = """\
website_forms:
  - {name: 官网-联系销售, page_url: "https://www.example.cn/contact", fields: {手机: mobile}, pool: 市场线索池}
page_templates:
  - {name: 会议报名表单, type: 报名表单, fields: [{label: 手机, type: 手机号}], privacy_consent: true}
lead_pools:
  - {name: 市场线索池}
"""
    write(tmp_path / "website", forms, flows(flow("{type: 提交表单, form: 官网-联系销售}")))
    write(tmp_path / "registration", forms, flows(flow("{type: 提交表单, form: 会议报名表单}")))
    write(tmp_path / "misspelt", forms, flows(flow("{type: 提交表单, form: 官网-联系销受}")))

    def flow_problems(folder):
        return [line for line in problems(folder) if "flow" in line]

    assert flow_problems(tmp_path / "website") == []
    assert flow_problems(tmp_path / "registration") == []
    assert flow_problems(tmp_path / "misspelt") == [
        "mktctl.yaml:11:33: warning: the flow can never start from a declared form: '官网-联系销受' is not a website "
        "form or a 报名表单 page template; did you mean '官网-联系销售'?"]


def test_a_tag_trigger_needs_something_that_sets_the_tag(tmp_path) -> None:
    tags = """\
tags:
  - name: 意向
    values: [高, 低]
    rules:
      - {value: 高, conditions: [{behaviour: 咨询客服}]}
"""
    write(tmp_path / "by-rule", tags, flows(flow("{type: 添加标签, tag: 意向:高}")))
    write(tmp_path / "by-nothing", tags, flows(flow("{type: 添加标签, tag: 意向:低}")))
    write(tmp_path / "by-itself", tags, flows(flow("{type: 添加标签, tag: 意向:低}",
                                                   "{id: 标记, type: 添加标签, tag: 意向:低}")))
    write(tmp_path / "by-an-inactive-flow", tags, flows(
        flow("{type: 添加标签, tag: 意向:低}"),
        flow("{type: 定时, schedule: 每天 09:00}", "{id: 标记, type: 添加标签, tag: 意向:低}", name="打标",
             extra="    active: false\n")))

    never = ("mktctl.yaml:10:32: warning: the flow can never start: nothing in the playbook sets 意向:低 (no tag "
             "rule, flow step, lifecycle stage or WeCom tag); only a tag set by hand or imported would")
    assert problems(tmp_path / "by-rule") == []
    assert problems(tmp_path / "by-nothing") == [never]
    assert problems(tmp_path / "by-itself") == [never]
    assert problems(tmp_path / "by-an-inactive-flow") == [
        "mktctl.yaml:10:32: warning: the flow can never start: only step '标记' of flow '打标' would set 意向:低, and "
        "none of them ever runs"]


def test_wecom_and_lifecycle_stages_set_tags_that_start_flows(tmp_path) -> None:
    write(tmp_path, """\
tags:
  - {name: 来源, values: [企业微信, 活码]}
  - {name: 阶段, values: [新客]}
users:
  - {employee_number: S001, name: 张伟, mobile: "13800000004"}
wecom:
  corp_name: 示例科技
  new_contact_tags: [来源:企业微信]
  live_codes: [{name: 门店, staff: [S001], tags: [来源:活码]}]
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 30, tag: 阶段:新客}
""", flows(flow("{type: 添加标签, tag: 来源:企业微信}", name="甲"), flow("{type: 添加标签, tag: 来源:活码}", name="乙"),
                flow("{type: 添加标签, tag: 阶段:新客}", name="丙")))

    assert [p for p in problems(tmp_path) if "never" in p] == []


def test_a_segment_trigger_whose_segment_never_has_members_never_fires(tmp_path) -> None:
    write(tmp_path, SCORING, """\
segments:
  - name: 高分线索
    conditions: [{scoring_model: 评分, min_score: 50}, {behaviour: 打开邮件}]
  - name: 任一高分
    match: 任一满足
    conditions: [{scoring_model: 评分, min_score: 50}, {behaviour: 打开邮件}]
""", flows(flow("{type: 进入人群, segment: 高分线索}", name="甲"),
                flow("{type: 进入人群, segment: 任一高分}", name="乙")))

    assert problems(tmp_path) == [
        "mktctl.yaml:10:49: warning: the condition can never hold: nobody scores more than 35 in '评分' (caps of the "
        "behaviour rules 35 + profile rules 0)",
        "mktctl.yaml:13:49: warning: the condition can never hold: nobody scores more than 35 in '评分' (caps of the "
        "behaviour rules 35 + profile rules 0)",
        "mktctl.yaml:16:36: warning: the flow can never start: segment '高分线索' can never have members: its "
        "condition 1 can never hold: nobody scores more than 35 in '评分' (caps of the behaviour rules 35 + profile "
        "rules 0)",
    ]


def test_an_event_type_that_is_not_enabled_starts_no_flow(tmp_path) -> None:
    write(tmp_path, """\
event_types:
  - {name: 线上研讨会, scenario: 直播营销, enabled: false}
  - {name: 行业沙龙, scenario: 会议营销}
""", flows(flow("{type: 报名活动, event_type: 线上研讨会}", name="甲"),
                flow("{type: 报名活动, event_type: 行业沙龙}", name="乙")))

    assert problems(tmp_path) == [
        "mktctl.yaml:8:39: warning: the flow can never start: event type '线上研讨会' is not enabled (enabled: false), "
        "so nobody can register for it"]


def test_stages_nobody_can_enter_are_lints_and_start_no_flow(tmp_path) -> None:
    write(tmp_path, """\
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 30, purchases_max: 0}
  - {name: 新注册, order: 2, registered_within_days: 7, purchases_max: 0}
  - {name: 沉睡新客, order: 3, registered_within_days: 30, inactive_days: 60}
  - {name: 活跃沉睡, order: 4, interaction: 高, inactive_days: 30}
  - {name: 沉睡期, order: 5, inactive_days: 90}
""", flows(flow("{type: 进入生命周期阶段, stage: 新注册}", name="甲"),
                flow("{type: 进入生命周期阶段, stage: 沉睡期}", name="乙")))

    assert problems(tmp_path) == [
        "mktctl.yaml:5:24: warning: stage '新注册' can never be entered: stage '新客期' (order 1) holds whenever it "
        "does, and the lowest order wins",
        "mktctl.yaml:6:71: warning: stage '沉睡新客' can never be entered: inactive_days 60 needs at least 60 days "
        "since the last behaviour, but registered_within_days 30 allows at most 30 days since creation",
        "mktctl.yaml:7:59: warning: stage '活跃沉睡' can never be entered: interaction 高 needs 10 behaviours within "
        "30 days, but inactive_days 30 allows none",
        "mktctl.yaml:11:38: warning: the flow can never start: nobody enters stage '新注册': stage '新客期' (order 1) "
        "holds whenever it does, and the lowest order wins",
    ]


def test_the_seed_lifecycle_stages_can_all_be_entered(tmp_path) -> None:
    write(tmp_path, (FRAGMENTS / "lifecycle-stages.yaml").read_text(encoding="utf-8"))

    assert problems(tmp_path) == []


@pytest.mark.e2e
def test_strict_validate_fails_on_a_flow_that_can_never_start(tmp_path, mktctl) -> None:
    write(tmp_path, SCORING, flows(flow("{type: 评分达到, scoring_model: 评分, score: 40}")))

    lenient, strict = mktctl("validate"), mktctl("validate", "--strict")

    assert lenient.code == 0, lenient.output
    assert reported(lenient) == [
        "mktctl.yaml:10:53: warning: the flow can never start: nobody scores 40 in '评分', at most 35 (caps of the "
        "behaviour rules 35 + profile rules 0)"]
    assert strict.code == 1
    assert "mktctl.yaml:10:53: error: the flow can never start" in strict.stderr

