"""Cleaning as `leads check` does it (with the playbook's lead_cleaning) and identities: a rejected person
does nothing else; records sharing a merge key merge into the earliest-created one; duplicate rules."""

from __future__ import annotations

import pytest

from mktctl.rules import clean_people
from mktctl.rules.cleaning import CACHE_LIMIT
from mktctl.rules.model import ABSORBED, MERGE_CANDIDATE, PersonInput
from tests.rules.helpers import event, kinds, lead, rules_of, run, state

CLEANING = """\
lead_cleaning:
  required_fields: [name, mobile]
  test_data: {names: [演示], email_domains: [neice.cn]}
  competitor_domains: [rival-tech.cn]
  invalid_action: 作废
scoring_models:
  - name: 评分
    behaviour_rules: [{behaviour: 观看直播, points: 10}]
"""


@pytest.mark.parametrize(("fields", "reason"), [
    ({"公司名称": None}, "missing_required"),
    ({"手机号": None, "邮箱": "wang@yuanhang.cn"}, "missing_required"),  # the playbook requires mobile
    ({"姓名": "测试用户"}, "test_data"),
    ({"公司名称": "演示公司"}, "test_data"),  # the playbook's own test names
    ({"邮箱": "a@neice.cn"}, "test_data"),
    ({"手机号": "13800138000"}, "test_data"),  # a placeholder mobile
    ({"邮箱": "spy@sales.rival-tech.cn"}, "competitor"),
])
def test_a_lead_is_rejected_for_the_first_reason_that_applies(tmp_path, fields, reason) -> None:
    rules = rules_of(tmp_path, CLEANING)

    world = run(rules, lead("wang", event(0, "10:00", behaviour="观看直播"), **fields))

    result = world.people["wang"]
    assert result.rejected == reason
    assert [c.kind for c in result.timeline] == ["rejected"]  # and nothing else happens


def test_a_rejection_says_what_the_platform_does_with_the_lead(tmp_path) -> None:
    rules = rules_of(tmp_path, CLEANING)

    world = run(rules, lead("wang", 姓名="测试"))

    assert world.people["wang"].timeline[0].detail.endswith("; 作废")


def test_a_malformed_mobile_is_dropped_unless_mobile_validation_is_off(tmp_path) -> None:
    strict = rules_of(tmp_path / "a", "lead_cleaning: {required_fields: [name]}\n")
    lenient = rules_of(tmp_path / "b", "lead_cleaning: {required_fields: [name], validate_mobile: false}\n")

    assert run(strict, lead("wang", 手机号="12345")).people["wang"].rejected == "invalid_contact"
    world = run(lenient, lead("wang", 手机号="12345"))
    assert world.people["wang"].rejected is None
    assert state(world, "wang", 0).fields["mobile"] == "12345"


def test_values_are_normalised_like_leads_check(tmp_path) -> None:
    rules = rules_of(tmp_path, "")

    world = run(rules, lead("wang", 手机号="139-1234-0001", 省份="上海", 邮箱="Wang@YuanHang.CN", 线索来源="百度竞价"))

    fields = state(world, "wang", 0).fields
    assert (fields["mobile"], fields["province"], fields["city"], fields["email"], fields["source"]) == \
        ("+8613912340001", "上海市", "上海市", "wang@yuanhang.cn", "百度推广")


def test_a_batch_cleans_every_value_as_one_record_alone_would(tmp_path) -> None:
    rules = rules_of(tmp_path, "")
    records = [PersonInput(f"p{i}", {"姓名": "王芳", "公司名称": "远航科技", "手机号": "13912340001", "备注": value}, 0)
               for i, value in enumerate([True, 1, 1.0, "1", " 1 "] * (CACHE_LIMIT // 5 + 1))]

    remarks = [cleaned.fields["remark"] for cleaned in clean_people(rules.cleaning, rules.names, records)]

    assert remarks[:5] == ["True", "1", "1.0", "1", "1"]  # equal keys of a dict, different texts
    assert remarks == [clean_people(rules.cleaning, rules.names, [r])[0].fields["remark"] for r in records]


def test_a_record_of_another_object_is_not_cleaned(tmp_path) -> None:
    rules = rules_of(tmp_path, CLEANING)

    world = run(rules, lead("wx", object="企业微信客户", 公司名称=None, 手机号=None))

    assert world.people["wx"].rejected is None


IDENTITY = """\
identity_rules:
  merge_keys: [手机号, 邮箱, 会员卡号]
  master_priority: [客户, 会员, 销售线索]
"""


def test_records_sharing_a_merge_key_merge_into_the_earliest_created(tmp_path) -> None:
    rules = rules_of(tmp_path, IDENTITY, CLEANING)
    wang = lead("wang", event(1, behaviour="观看直播"), 手机号="13912340001")
    zhao = lead("zhao", event(3, behaviour="观看直播"), day=2, 手机号="+86 139 1234 0001", 职位="市场总监")

    world = run(rules, zhao, wang)

    assert world.people["zhao"].merged_into == "wang"
    merged = state(world, "wang", 3)
    assert merged.scores == {"评分": 20}  # zhao's behaviour counts for wang
    assert merged.fields["job_title"] == "市场总监"  # an empty field is filled
    assert kinds(world, "wang", ABSORBED) == ["zhao"]


def test_merge_keys_are_tried_in_priority_order_and_merges_are_transitive(tmp_path) -> None:
    rules = rules_of(tmp_path, IDENTITY)

    world = run(rules, lead("a", 手机号="13912340001", 邮箱="a@yuanhang.cn"),
                lead("b", day=1, 手机号="13912340002", 邮箱="b@yuanhang.cn"),
                lead("c", day=2, 手机号="13912340002", 邮箱="a@yuanhang.cn"),
                lead("d", day=3, 手机号="13912340009", 邮箱="b@yuanhang.cn", 会员卡号="M-1"),
                lead("e", day=4, object="会员", 公司名称=None, 手机号=None, 会员卡号="M-1"))

    assert [world.people[p].merged_into for p in "abcde"] == [None, None, "b", "b", "b"]


def test_the_master_priority_decides_whose_values_win(tmp_path) -> None:
    rules = rules_of(tmp_path, IDENTITY.replace("master_priority: [客户, 会员, 销售线索]",
                                                "master_priority: [会员, 销售线索]\n  on_conflict: 按对象优先级"))

    world = run(rules, lead("wang", 城市="杭州", 手机号="13912340001"),
                lead("member", day=1, object="会员", 城市="宁波", 手机号="13912340001"))

    assert state(world, "wang", 1).fields["city"] == "宁波市"


def test_without_auto_merge_look_alikes_are_listed_not_merged(tmp_path) -> None:
    rules = rules_of(tmp_path, IDENTITY + "  auto_merge: false\n")

    world = run(rules, lead("wang", 手机号="13912340001"), lead("zhao", day=1, 手机号="13912340001"))

    assert world.people["zhao"].merged_into is None
    assert kinds(world, "wang", MERGE_CANDIDATE) == ["zhao"]


@pytest.mark.parametrize(("action", "rejected", "merged_into"), [
    ("不存入", "duplicate", None), ("合并到已有线索", None, "wang"), ("标记重复", None, None)])
def test_duplicate_rules_act_as_the_playbook_says(tmp_path, action, rejected, merged_into) -> None:
    rules = rules_of(tmp_path, f"lead_cleaning:\n  duplicate_rules: [{{match: [company], action: {action}}}]\n")

    world = run(rules, lead("wang", 公司名称="远航科技有限公司"), lead("zhao", day=1, 公司名称="远航科技有限公司"))

    assert world.people["zhao"].rejected == rejected
    assert world.people["zhao"].merged_into == merged_into
    if action == "标记重复":
        assert kinds(world, "zhao", "duplicate") == ["wang"]
