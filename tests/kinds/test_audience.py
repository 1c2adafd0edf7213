"""Guide 2.7, marketing users: reachable objects, OneID, consent (PIPL), tags, segments, lead scoring,
lifecycle stages and nurture flows. A nurture flow is a one-way graph: every step reachable, no loop, every
jump to a step that exists, each error at the line of the step; a flow that sends needs consent."""

from __future__ import annotations

import pytest

from tests.kinds.helpers_b import PUBLIC, problems, reported, steps_json, write

CONSENT = """\
consent:
  privacy_policy_url: https://www.example.cn/privacy
  collect_at: [表单]
  purposes:
    - {name: 营销推广, channels: [邮件]}
"""


def flow(steps: str, *, purpose: str = "营销推广", exits: str = "[退订]") -> str:
    """A nurture flow named 培育 (its first step on line 14 after CONSENT) with these steps."""
    return ("nurture_flows:\n  - name: 培育\n    trigger: {type: 定时, schedule: 每天 09:00}\n"
            + (f"    purpose: {purpose}\n" if purpose else "") + f"    exits: {exits}\n    steps:\n" + steps)


# ---- nurture flows: the graph -------------------------------------------------------------------------


@pytest.mark.e2e
def test_validate_points_at_the_step_that_breaks_the_flow(tmp_path, mktctl) -> None:
    write(tmp_path, CONSENT, flow("""\
      - {id: 欢迎, type: 发送邮件, subject: 欢迎, template: 欢迎}
      - {id: 等待, type: 等待, days: 3}
      - id: 打开了吗
        type: 条件分支
        condition: {behaviour: 打开邮件}
        then: 通知消售
        otherwise: 欢迎
      - {id: 通知销售, type: 通知销售, next: end}
      - {id: 遗留步骤, type: 发送邮件, subject: 旧, template: 旧}
      - {id: 等待, type: 等待, hours: 2}
"""))

    run = mktctl("validate")

    assert run.code == 1
    assert reported(run) == [
        "mktctl.yaml:19:15: error: step '打开了吗' goes to '通知消售', which is not a step of flow '培育'; did you "
        "mean '通知销售'?",
        "mktctl.yaml:20:20: error: step '打开了吗' goes back to '欢迎': an endless loop; a flow runs one way (to "
        "repeat, add the steps again, with an exit)",
        "mktctl.yaml:21:9: error: step '通知销售' can never be reached: no step of flow '培育' goes to it",
        "mktctl.yaml:22:9: error: step '遗留步骤' can never be reached: no step of flow '培育' goes to it",
        "mktctl.yaml:23:9: error: step '等待' can never be reached: no step of flow '培育' goes to it",
        "mktctl.yaml:23:14: error: step id '等待' is used twice in flow '培育'",
    ]


def test_a_step_that_jumps_back_makes_a_loop_reported_at_its_next(tmp_path) -> None:
    write(tmp_path, CONSENT, flow("""\
      - {id: a, type: 发送邮件, subject: s, template: t}
      - {id: b, type: 等待, days: 1}
      - {id: c, type: 添加标签, tag: 意向:高, next: b}
"""), "tags:\n  - {name: 意向, values: [高, 低]}\n")

    assert problems(tmp_path) == [
        "mktctl.yaml:16:46: error: step 'c' goes back to 'b': an endless loop; a flow runs one way (to repeat, add "
        "the steps again, with an exit)",
    ]


def test_steps_need_their_own_fields_and_only_those(tmp_path) -> None:
    write(tmp_path, CONSENT, flow("""\
      - {id: a, type: 发送邮件, template: t}
      - {id: b, type: 等待}
      - {id: c, type: 发送短信, template: t, days: 2}
      - {id: d, type: 条件分支, condition: {tag: 意向}, then: a}
      - {id: e, type: 结束, next: a}
"""))

    assert problems(tmp_path) == [
        "mktctl.yaml:14:9: error: nurture_flows: steps.0: a 发送邮件 step needs subject",
        "mktctl.yaml:15:9: error: nurture_flows: steps.1: a 等待 step needs days or hours",
        "mktctl.yaml:16:9: error: nurture_flows: steps.2: days is not part of a 发送短信 step",
        "mktctl.yaml:17:40: error: nurture_flows: steps.3.condition: write a tag as 组:值 (e.g. 行业:制造业), "
        "not '意向'",
        "mktctl.yaml:18:9: error: nurture_flows: steps.4: next is not part of a 结束 step",
    ]


def test_a_linear_flow_with_branches_that_end_is_valid(tmp_path) -> None:
    write(tmp_path, CONSENT, flow("""\
      - {id: 欢迎, type: 发送邮件, subject: 欢迎, template: 欢迎}
      - {id: 等三天, type: 等待, days: 3}
      - id: 点了吗
        type: 条件分支
        condition: {behaviour: 点击邮件链接, within_days: 3}
        then: 通知销售
      - {id: 通知销售, type: 通知销售, notify: 线索负责人}
"""))

    assert problems(tmp_path) == []


# ---- nurture flows: consent ---------------------------------------------------------------------------


def consent_problems(folder) -> list[str]:
    """The problems but the SMS template no sms_channel declares (tests/kinds/test_flow_checks.py has those)."""
    return [line for line in problems(folder) if "no sms_channel is declared" not in line]


def test_a_flow_sending_without_consent_is_a_lint(tmp_path) -> None:
    steps = """\
      - {id: 邮件, type: 发送邮件, subject: 你好, template: t}
      - {id: 短信, type: 发送短信, template: t}
"""
    write(tmp_path / "none", flow(steps, purpose=""))
    write(tmp_path / "no-purpose", CONSENT, flow(steps, purpose=""))
    write(tmp_path / "narrow", CONSENT, flow(steps, exits="[转为商机]"))
    write(tmp_path / "misspelt", CONSENT, flow(steps, purpose="营销推光"))


    assert consent_problems(tmp_path / "none") == [
        "mktctl.yaml:8:24: warning: flow '培育' sends 邮件、短信 without consent: declare consent: with a purpose for "
        "these channels and name it in purpose: (PIPL)"]
    assert consent_problems(tmp_path / "no-purpose") == [
        "mktctl.yaml:13:24: warning: flow '培育' sends 邮件、短信 without consent: set purpose: to one of 营销推广 "
        "(PIPL)"]
    assert consent_problems(tmp_path / "narrow") == [
        "mktctl.yaml:15:24: warning: step '短信' sends 短信 without consent: purpose '营销推广' covers only 邮件"]
    assert consent_problems(tmp_path / "misspelt") == [
        "mktctl.yaml:11:14: error: '营销推光' is not a purpose of consent; did you mean '营销推广'?"]


@pytest.mark.e2e
def test_strict_turns_the_consent_lint_into_an_error(tmp_path, mktctl) -> None:
    write(tmp_path, flow("      - {id: 邮件, type: 发送邮件, subject: 你好, template: t}\n", purpose=""))

    lenient = mktctl("validate")
    strict = mktctl("validate", "--strict")

    assert lenient.code == 0
    assert reported(lenient) == [
        "mktctl.yaml:8:24: warning: flow '培育' sends 邮件 without consent: declare consent: with a purpose for these "
        "channels and name it in purpose: (PIPL)"]
    assert strict.code == 1
    assert reported(strict) == [
        "mktctl.yaml:8:24: error: flow '培育' sends 邮件 without consent: declare consent: with a purpose for these "
        "channels and name it in purpose: (PIPL) (an error with --strict)"]


def test_consent_itself_asks_for_a_way_to_unsubscribe(tmp_path) -> None:
    write(tmp_path, """\
        consent:
          privacy_policy_url: www.example.cn/privacy
          collect_at: [表单]
          purposes: [{name: 推广, channels: [短信]}]
        """)
    assert problems(tmp_path) == [
        "mktctl.yaml:4:23: error: consent: privacy_policy_url: 'www.example.cn/privacy' is not a web address "
        "starting with https://"]

    write(tmp_path, """\
        consent:
          privacy_policy_url: https://www.example.cn/privacy
          collect_at: [表单]
          purposes: [{name: 推广, channels: [短信, 邮件]}, {name: 推广, channels: [邮件]}]
          unsubscribe: {sms_keyword: null, email_link: false}
        """)
    assert problems(tmp_path) == [
        "mktctl.yaml:6:53: error: purpose '推广' is declared twice",
        "mktctl.yaml:7:16: warning: marketing SMS must tell how to unsubscribe: set unsubscribe.sms_keyword (e.g. "
        "回T退订)",
        "mktctl.yaml:7:48: warning: marketing email without an unsubscribe link",
    ]


# ---- scoring --------------------------------------------------------------------------------------------


def test_a_scoring_threshold_nobody_can_reach_is_a_lint(tmp_path) -> None:
    write(tmp_path, """\
        scoring_models:
          - name: 线索评分
            behaviour_rules:
              - {behaviour: 下载文件, content: 产品白皮书, points: 5, cap: 10, weight: 50}
              - {behaviour: 咨询客服, points: 15, cap: 30, weight: 40}
            profile_rules:
              - {field: 企业规模, op: 等于, value: 500人以上, points: 10}
            thresholds:
              - {name: MQL, score: 30}
              - {name: SQL, score: 60}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:6:7: warning: the weights of the behaviour rules add up to 90, not 100",
        "mktctl.yaml:12:28: warning: threshold 'SQL' (60 points) can never be reached: nobody can score more than 50 "
        "(caps of the behaviour rules 40 + profile rules 10)",
    ]


def test_max_score_and_uncapped_rules_decide_what_can_be_reached(tmp_path) -> None:
    write(tmp_path, """\
        scoring_models:
          - name: 线索评分
            behaviour_rules:
              - {behaviour: 咨询客服, points: 15}
              - {behaviour: 咨询客服, content: 价格, points: 5}
              - {behaviour: 退订, points: -50}
            max_score: 100
            thresholds: [{name: 高价值, score: 120}, {name: MQL, score: 30}]
          - name: 第二个模型
            profile_rules: [{field: 行业, op: 等于, value: 制造业, points: 10}]
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:10:62: error: list thresholds from the lowest score to the highest",
        "mktctl.yaml:11:11: error: 行为积分 allows one scoring model for 销售线索; '线索评分' is already declared",
        "mktctl.yaml:7:9: warning: rules 1 and 2 both match 咨询客服: 行为积分 applies every matching rule, so one "
        "action scores twice",
        "mktctl.yaml:10:37: warning: threshold '高价值' (120 points) can never be reached: nobody can score more than "
        "100 (max_score is 100)",
    ]


def test_a_flow_triggered_by_an_unreachable_score_never_starts(tmp_path) -> None:
    write(tmp_path, """\
        scoring_models:
          - name: 评分
            behaviour_rules: [{behaviour: 观看直播, points: 10, cap: 20}]
        nurture_flows:
          - name: 高分线索
            trigger: {type: 评分达到, scoring_model: 评分, score: 50}
            steps: [{id: 通知, type: 通知销售}]
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:8:53: warning: the flow can never start: nobody scores 50 in '评分', at most 20 (caps of the "
        "behaviour rules 20 + profile rules 0)",
    ]


# ---- objects, identity, tags, segments, stages ---------------------------------------------------------


@pytest.mark.e2e
def test_validate_reports_the_audience_kinds_problems_at_their_place(tmp_path, mktctl) -> None:
    write(tmp_path, """\
        marketing_objects:
          - {name: 渠道联系人, api_name: partner_contact, channels: [短信, 公众号]}
          - {name: 会员, api_name: MemberObject}
        identity_rules:
          merge_keys: [手机号, 微信UnionID, 手机号]
          master_priority: [客户, 线索]
        tags:
          - name: 行业
            values: [制造业, 零售业]
          - name: 意向
            values: [高, 低]
            rules:
              - value: 很高
                conditions: [{tag: 行业:制造}]
        segments:
          - name: 制造业线索
            object: 销售线素
            conditions: [{tag: 行业:制造业}, {stage: 新客其}, {field: 地区, op: 等于}]
          - name: 零售业线索
            object: 销售线素
            conditions: [{tag: 行业:零售业}, {stage: 新客其}]
        lifecycle_stages:
          - {name: 新客期, order: 1, registered_within_days: 30, purchases_max: 0}
          - {name: 成长期, order: 1, purchases_min: 1}
          - {name: 稳定期, order: 3, purchases_min: 3, purchases_max: 1}
          - {name: 沉睡期, order: 4}
        """)

    run = mktctl("validate")

    assert run.code == 1
    assert reported(run) == [
        "mktctl.yaml:4:29: error: 'partner_contact' is not a custom object's API name (they end in __c)",
        "mktctl.yaml:4:56: error: 短信 needs phone_field: the field holding the mobile number",
        "mktctl.yaml:4:61: error: custom objects are reached by 短信 or 邮件 only, not 公众号",
        "mktctl.yaml:5:26: error: 会员 is a default object with API name MemberObj",
        "mktctl.yaml:7:32: error: merge key 手机号 is listed twice",
        "mktctl.yaml:8:25: error: identity_rules 'identity_rules' refers to unknown marketing_objects '线索'",
        "mktctl.yaml:15:16: error: '很高' is not a value of '意向'; did you mean '高'?",
        "mktctl.yaml:16:28: error: '制造' is not a value of tag group '行业'; did you mean '制造业'?",
        "mktctl.yaml:20:47: error: segments: conditions.2: field '地区' 等于 needs a value",
        "mktctl.yaml:22:13: error: segments '零售业线索' refers to unknown marketing_objects '销售线素'",
        "mktctl.yaml:23:41: error: segments '零售业线索' refers to unknown lifecycle_stages '新客其'; did you mean "
        "'新客期'?",
        "mktctl.yaml:26:24: error: stage '新客期' of 客户 already has order 1",
        "mktctl.yaml:27:5: error: lifecycle_stages: purchases_min 3 is above purchases_max 1",
        "mktctl.yaml:28:5: error: lifecycle_stages: a stage needs at least one of registered_within_days, "
        "purchases_min, purchases_max, interaction, inactive_days",
        "mktctl.yaml:7:21: warning: 微信UnionID exists only once the 公众号 and 小程序 are bound to the client's "
        "WeChat open platform (declare wechat_open_platform:)",
    ]


PLAYBOOK = """\
consent:
  privacy_policy_url: https://www.example.cn/privacy
  collect_at: [表单, 活动报名]
  purposes: [{name: 营销推广, channels: [邮件, 短信]}]
marketing_objects:
  - {name: 渠道联系人, api_name: partner_contact__c, channels: [邮件], email_field: email__c}
identity_rules: {merge_keys: [手机号, 邮箱]}
tags:
  - {name: 行业, values: [制造业, 零售业], multiple: false}
scoring_models:
  - name: 线索评分
    behaviour_rules: [{behaviour: 下载文件, points: 5, cap: 20}, {behaviour: 咨询客服, points: 15, cap: 30}]
    thresholds: [{name: MQL, score: 30}]
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 30, purchases_max: 0}
segments:
  - name: 制造业MQL
    conditions: [{tag: 行业:制造业}, {scoring_model: 线索评分, min_score: 30}]
nurture_flows:
  - name: MQL培育
    purpose: 营销推广
    trigger: {type: 进入人群, segment: 制造业MQL}
    steps:
      - {id: 案例邮件, type: 发送邮件, subject: 制造业客户案例, template: 案例}
      - {id: 等待, type: 等待, days: 2}
      - {id: 通知, type: 通知销售}
"""


@pytest.mark.e2e
@pytest.mark.slow
def test_audience_kinds_apply_to_the_sandbox_and_are_manual_steps_on_the_public_api(tmp_path, mktctl) -> None:
    write(tmp_path, PLAYBOOK)

    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    assert applied.code == 0, applied.output
    assert "Apply complete: 8 created" in applied.stdout
    assert again.code == 0, again.output

    pending = mktctl(*PUBLIC, "plan", "--detailed-exitcode")
    steps = steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))
    assert pending.code == 3, pending.output
    assert {step: s["menu_path"] for step, s in steps.items()} == {
        "marketing_objects/渠道联系人": "营销通 > 系统设置 > 营销用户设置 > 营销对象 > 渠道联系人",
        "identity_rules/identity_rules": "营销通 > 系统设置 > 营销用户设置 > 用户身份统一",
        "consent/consent": "营销通 > 系统设置 > 隐私合规设置",
        "tags/行业": "营销通 > 营销用户 > 标签管理 > 行业",
        "scoring_models/线索评分": "管理后台 > 业务规则管理 > 行为积分 > 线索评分",
        "lifecycle_stages/新客期": "营销通 > 营销用户 > 生命周期阶段 > 新客期",
        "segments/制造业MQL": "营销通 > 营销用户 > 目标人群 > 制造业MQL",
        "nurture_flows/MQL培育": "营销通 > 营销自动化 > 营销流程 > MQL培育",
    }
    assert ["流程步骤[1] > 邮件主题", "制造业客户案例"] in steps["nurture_flows/MQL培育"]["values"]

    assert mktctl(*PUBLIC, "confirm", "nurture_flows/MQL培育", "--by", "顾问张三").code == 0
    assert "nurture_flows/MQL培育" not in steps_json(mktctl(*PUBLIC, "steps", "--output", "json"))

    write(tmp_path, PLAYBOOK.replace("days: 2", "days: 3"))
    changed = mktctl(*PUBLIC, "plan", "--detailed-exitcode")
    assert changed.code == 3
    assert ("! nurture_flows/MQL培育  营销通 > 营销自动化 > 营销流程 > MQL培育（确认后值已变更，需重新确认，实施顾问）"
            in changed.stdout)
