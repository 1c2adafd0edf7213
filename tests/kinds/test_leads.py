"""The lead kinds of guide 2.2: lead_pools, lead_fields, lead_cleaning, lead_assignment,
lead_follow_up_sla and mql_definition: validation at the right place, lints, the lead pool's public-API
part, and the whole family applied to the sandbox and turned into manual steps on a public-API tenant."""

from __future__ import annotations

import json

import pytest

from mktctl.engine.session import execute, open_session
from tests.kinds.helpers_a import PUBLIC, problems, write_playbook

POOLS = """\
lead_pools:
  - name: 市场线索池
    admins: [M001]
    members: {departments: [销售部]}
    claim_limit: 50
    recycle_after_hours: 72
  - name: 公共线索池
    admins: [M001]
    members: {departments: [销售部, 市场部]}
"""
LEADS = POOLS + """\
lead_fields:
  - api_name: source
    label: 线索来源
    options: [官网, 百度推广, 展会]
  - api_name: product_interest__c
    label: 意向产品
    type: 多选
    options: [营销通, 销售云]
lead_cleaning:
  required_fields: [name, mobile]
  duplicate_rules:
    - match: [mobile]
  competitor_domains: [rival.example.com]
lead_assignment:
  - name: 市场线索分配
    pool: 市场线索池
    rules:
      - name: 华东
        when: {regions: [上海, 江苏]}
        owners: [S001, S002]
      - name: 其他
        pool: 公共线索池
lead_follow_up_sla:
  - name: 商机15天未跟进提醒
    object: 商机
    idle_days: 15
    remind: [负责人, 负责人上级]
mql_definition:
  required_fields: [name, mobile, product_interest__c]
  hand_off: 市场线索分配
"""


# ---- validation --------------------------------------------------------------------------------------


def test_lead_fields_are_standard_fields_or_custom_ones_with_a_type(tmp_path) -> None:
    write_playbook(tmp_path, """\
        lead_fields:
          - api_name: moblie
            label: 手机
          - api_name: budget__c
            label: 预算
          - api_name: mobile
            label: 手机号
            type: 单行文本
          - api_name: level__c
            label: 级别
            type: 数字
            options: [A, B]
          - api_name: region__c
            label: 区域
            type: 单选
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:15: error: lead_fields: api_name: 'moblie' is not a standard field of 销售线索; did you mean "
        "'mobile'?; custom fields end with __c",
        "mktctl.yaml:7:15: error: custom field budget__c: give its type (单行文本, 单选, 多选, 数字, 日期, ...)",
        "mktctl.yaml:11:11: error: mobile is a standard 手机 field; its type cannot change (leave type out)",
        "mktctl.yaml:15:14: error: lead_fields: options: options are for 单选 and 多选 fields, not 数字",
        "mktctl.yaml:18:11: error: custom field region__c is a 单选 field: give its options",
    ]


def test_a_pool_without_admin_or_members_is_a_lint_and_names_must_exist(tmp_path) -> None:
    write_playbook(tmp_path, """\
        lead_pools:
          - name: 市场线索池
            admins: [M00l]
            members: {departments: [销售部], users: [S001]}
            recycle_to: 公共线索吃
          - name: 公共线索池
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:6:14: error: lead_pools '市场线索池' refers to unknown users 'M00l'; did you mean 'M001'?",
        "mktctl.yaml:8:17: error: lead_pools '市场线索池' refers to unknown lead_pools '公共线索吃'; did you mean "
        "'公共线索池'?",
        "mktctl.yaml:9:11: warning: lead pool '公共线索池' has no admin: nobody can assign or recover its leads; "
        "add admins",
        "mktctl.yaml:9:11: warning: lead pool '公共线索池' has no members: nobody can claim its leads",
    ]


def test_an_assignment_rule_set_without_a_catch_all_leaves_leads_without_owner(tmp_path) -> None:
    write_playbook(tmp_path, POOLS, """\
        lead_assignment:
          - name: 按地区
            rules:
              - name: 华东
                when: {regions: [上海]}
                owners: [S001]
              - name: 高分线索
                when: {min_score: 60}
                owners: [S002]
          - name: 兜底在前
            rules:
              - name: 全部
                owners: [S001]
              - name: 华南
                when: {regions: [广东]}
                owners: [S002]
        """)

    assert problems(tmp_path, strict=False) == [
        "mktctl.yaml:16:7: warning: lead assignment '按地区': leads that match no rule get no owner; end with a rule "
        "without conditions that takes the rest",
        "mktctl.yaml:26:9: warning: rule '全部' has no conditions and takes every lead, so '华南' can never match",
    ]
    assert problems(tmp_path, strict=True)[0].endswith("takes the rest (an error with --strict)")


def test_assignment_rules_need_one_target_and_a_sane_score_range(tmp_path) -> None:
    write_playbook(tmp_path, POOLS, """\
        lead_assignment:
          - name: 分配
            rules:
              - name: 冲突
                owners: [S001]
                pool: 公共线索池
              - name: 区间
                when: {min_score: 80, max_score: 60}
                owners: [S009]
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:16:9: error: lead_assignment: rules.0: rule '冲突': give either owners or pool",
        "mktctl.yaml:20:15: error: lead_assignment: rules.1.when: min_score 80 must be below max_score 60",
    ]


def test_follow_up_reminders_and_the_mql_definition_are_checked(tmp_path) -> None:
    write_playbook(tmp_path, POOLS, """\
        lead_follow_up_sla:
          - name: 新线索
            idle_hours: 24
            idle_days: 1
          - name: 商机
            object: 商机
            idle_days: 15
            then: 收回线索池
        mql_definition:
          scoring_model: 线索评分
          hand_off: 线索分配
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:14:5: error: lead_follow_up_sla: give either idle_hours or idle_days",
        "mktctl.yaml:17:5: error: lead_follow_up_sla: an opportunity (商机) cannot go back to a lead pool; use then: "
        "仅提醒",
        "mktctl.yaml:22:3: error: mql_definition: an MQL definition needs min_score, required_fields or sources",
    ]


def test_cleaning_rules_name_real_fields_and_domains(tmp_path) -> None:
    write_playbook(tmp_path, """\
        lead_cleaning:
          required_fields: [name, phone]
          duplicate_rules:
            - match: [mobile]
            - match: [mobile]
              action: 不存入
          competitor_domains: [rival.com, "@rival.cn"]
          invalid_action: 删除
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:20: error: lead_cleaning: required_fields: 'phone' is not a field of 销售线索; did you mean "
        "'mobile'?; custom fields end with __c",
        "mktctl.yaml:10:23: error: lead_cleaning: competitor_domains: '@rival.cn' is not a domain name such as "
        "mkt.example.cn",
        "mktctl.yaml:11:19: error: lead_cleaning: invalid_action: Input should be '标记无效', '作废' or '退回线索池'",
    ]


def test_custom_fields_named_by_rules_must_be_declared(tmp_path) -> None:
    write_playbook(tmp_path, """\
        lead_cleaning:
          required_fields: [name, budget__c]
          duplicate_rules:
            - match: [mobile]
            - match: [mobile]
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:27: error: lead_cleaning 'lead_cleaning' refers to unknown lead_fields 'budget__c'",
        "mktctl.yaml:8:7: error: duplicate rule 2 matches the same fields as rule 1",
    ]


# ---- the lead pool through the public API ------------------------------------------------------------


def test_a_lead_pool_is_a_crm_record_created_updated_and_pruned_through_the_api(tmp_path) -> None:
    write_playbook(tmp_path, POOLS)
    first = open_session(tmp_path)
    try:
        execute(first)
    finally:
        first.close()
    (tmp_path / "mktctl.yaml").write_text((tmp_path / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "claim_limit: 50", "claim_limit: 80").replace("  - name: 公共线索池\n    admins: [M001]\n"
                                                     "    members: {departments: [销售部, 市场部]}\n", ""),
        encoding="utf-8")

    second = open_session(tmp_path, prune=True)
    try:
        actions = {(a.op, a.kind, a.key, a.part): a for a in second.plan.actions}
        update = actions[("update", "lead_pools", "市场线索池", "api")]
        assert [(c.field, c.before, c.after) for c in update.changes] == [("claim_limit", 50, 80)]
        assert ("delete", "lead_pools", "公共线索池", "api") in actions
        assert ("noop", "lead_pools", "市场线索池", "settings") in actions
        execute(second)
    finally:
        second.close()

    third = open_session(tmp_path, prune=True)
    try:
        assert third.plan.exit_code() == 0
        assert set(third.observation.api["lead_pools"]) == {"市场线索池"}
        assert third.observation.api["lead_pools"]["市场线索池"].state["claim_limit"] == 80
    finally:
        third.close()


# ---- end to end ----------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_lead_rules_apply_to_the_sandbox_and_are_manual_steps_on_a_public_api_tenant(tmp_path, mktctl) -> None:
    write_playbook(tmp_path, LEADS)

    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    pending = mktctl(*PUBLIC, "plan", "--detailed-exitcode")
    steps = mktctl(*PUBLIC, "steps")
    confirmed = mktctl(*PUBLIC, "confirm", "lead_pools/市场线索池", "--by", "王芳")

    assert applied.code == 0, applied.output
    assert "+ lead_pools/市场线索池 (settings)" in applied.stderr
    assert "+ mql_definition/mql_definition" in applied.stderr
    assert again.code == 0, again.output
    assert "0 to create, 0 to update, 0 to delete, 0 manual steps pending" in again.stdout
    assert pending.code == 3, pending.output  # the pools exist (public API): only manual steps are left
    assert "Plan: 0 to create, 0 to update, 0 to delete, 8 manual steps pending" in pending.stdout
    for line in ("! lead_pools/市场线索池  待完成（客户CRM管理员）",
                 "    菜单路径：管理后台 > 线索池管理 > 市场线索池 > 编辑",
                 "    线索池管理员：王芳（M001）",
                 "    菜单路径：管理后台 > 对象管理 > 销售线索 > 字段管理 > 新建自定义字段",
                 "    菜单路径：营销通 > 系统设置 > 线索设置 > 线索清洗规则",
                 "    分配规则[1] > 负责人：张伟（S001）、李娜（S002）",
                 "    菜单路径：管理后台 > 业务规则 > 跟进提醒 > 商机 > 商机15天未跟进提醒",
                 "    菜单路径：营销通 > 系统设置 > 线索设置 > MQL定义"):
        assert line in steps.stdout.splitlines(), line
    assert confirmed.code == 0 and "confirmed lead_pools/市场线索池 by 王芳" in confirmed.stdout

    after = json.loads(mktctl(*PUBLIC, "steps", "--output", "json").stdout)
    assert "lead_pools/市场线索池" not in [s["step"] for s in after]
    (tmp_path / "mktctl.yaml").write_text((tmp_path / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "admins: [M001]\n    members: {departments: [销售部]}", "admins: [M001, S001]\n    members: {departments: "
        "[销售部]}"), encoding="utf-8")
    changed = json.loads(mktctl(*PUBLIC, "steps", "--output", "json").stdout)
    assert ("lead_pools/市场线索池", "changed") in [(s["step"], s["status"]) for s in changed]


def test_mql_by_score_names_the_scoring_model(tmp_path) -> None:
    write_playbook(tmp_path, """\
        mql_definition:
          min_score: 60
          scoring_model: 线索评分
        """)

    assert problems(tmp_path)[0] == ("mktctl.yaml:6:18: error: mql_definition 'mql_definition' refers to unknown "
                                     "scoring_models '线索评分'")
