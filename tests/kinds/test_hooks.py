"""What a kind declares for the deliverables, instead of special cases in the writers: its acceptance tests
for the checklist, labels of picklist values, built-in keys, a tree, a matrix, how the tenant's values are
written in a playbook, and additions to its JSON Schema. Every hook has a default that asks nothing."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mktctl.deliver import layout, report
from mktctl.kinds.base import Kind, Spec, Words
from mktctl.kinds.registry import KINDS, kind
from mktctl.playbook.jsonschema import item_schema
from tests.kinds.helpers_a import load, write_playbook

ROLES = """\
roles:
  - {name: 市场经理, data_scope: department_and_below, permissions: {leads: [view, assign]}}
  - {name: 市场专员, data_scope: own, permissions: {leads: [view], content: [view, create]}}
"""


class Note(Spec):
    name: str = Field(description="名称")


class Notes(Kind[Note]):
    name = "notes"
    title = "备注"
    summary = "A kind that declares nothing beyond what every kind must"
    guide = "9.9"
    model = Note


def test_a_kind_that_declares_no_hooks_gets_the_defaults() -> None:
    notes = Notes()
    spec = Note(name="一条")

    assert notes.acceptance_tests(spec, "一条") == []
    assert notes.builtin_keys == () and notes.labels == {} and notes.tree_parent is None and notes.matrix is None
    assert notes.rules_tested is False  # its checklist tests are for people, not proven by `mktctl test`
    assert notes.playbook_values({"name": "一条"}) == {"name": "一条"}
    assert item_schema(notes) == Note.model_json_schema(mode="validation")


def test_a_kind_can_add_to_its_json_schema() -> None:
    class Documented(Notes):
        def extend_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
            return {**schema, "examples": [{"name": "一条"}]}

    assert item_schema(Documented())["examples"] == [{"name": "一条"}]


def test_the_checklist_asks_each_kind_for_its_acceptance_tests() -> None:
    wecom = kind("wecom")
    spec = wecom.model.model_validate({"corp_name": "示例科技", "live_codes": [
        {"name": "官网咨询", "staff": ["S001"]}, {"name": "展会", "staff": ["S001"]}]})

    assert wecom.acceptance_tests(spec, "wecom") == [
        ("扫渠道活码“官网咨询”添加好友：自动打标签并发送欢迎语", "实施顾问"),
        ("扫渠道活码“展会”添加好友：自动打标签并发送欢迎语", "实施顾问"),
        ("企业微信客户同步到营销通", "实施顾问")]
    assert wecom.acceptance_tests(spec, "wecom", Words(lang="en"))[0] == (
        "add a contact with the live code '官网咨询': the tags are set and the welcome message is sent", "consultant")
    user = kind("users").model.model_validate({"employee_number": "E1", "name": "张三", "mobile": "13900001111"})
    assert kind("users").acceptance_tests(user, "E1", Words(employees={"E1": "张三"})) == [
        ("员工张三（E1）用手机号登录纷享销客并进入营销通", "客户CRM管理员")]


def test_the_kinds_of_guide_1_1_to_2_4_and_the_rules_of_2_7_have_acceptance_tests_that_name_who_does_them(
        ) -> None:
    tested = []
    for each in KINDS:
        for spec in layout.example_specs(each):
            tests = each.acceptance_tests(spec, each.name if each.singleton else each.key(spec))
            assert all(text and who for text, who in tests), each.name
            if tests and each.name not in tested:
                tested.append(each.name)

    assert tested == ["products", "users", "roles", "basic_settings", "lead_pools", "lead_fields", "lead_cleaning",
                      "lead_assignment", "lead_follow_up_sla", "mql_definition", "ad_accounts",
                      "wechat_open_platform", "wechat_accounts", "wecom", "website_forms", "sms_channel",
                      "email_channel", "identity_rules", "tags", "scoring_models", "lifecycle_stages", "segments",
                      "nurture_flows"]


def test_departments_are_a_tree_that_workbooks_indent_by_depth() -> None:
    items = [{"name": "销售部"}, {"name": "华东组", "parent": "销售部"}, {"name": "上海", "parent": "华东组"}]

    assert layout.tree_depths(kind("departments"), items) == {"销售部": 0, "华东组": 1, "上海": 2}
    assert layout.tree_depths(kind("users"), [{"employee_number": "E1", "leader": "E2"}]) == {}


def test_the_root_department_is_left_out_of_values_exported_from_a_tenant() -> None:
    departments, users = kind("departments"), kind("users")

    assert departments.playbook_values({"name": "市场部", "parent": "全公司"}) == {"name": "市场部"}
    assert departments.playbook_values({"name": "市场一组", "parent": "市场部"})["parent"] == "市场部"
    assert users.playbook_values({"employee_number": "E1", "department": "全公司"}) == {"employee_number": "E1"}


def test_roles_declare_their_permission_matrix_and_the_words_for_data_scopes() -> None:
    roles = kind("roles")

    matrix = layout.matrix_of(roles)
    assert matrix is not None and matrix.field == "permissions" and matrix.footer == "data_scope"
    assert matrix.rows["leads"] == "销售线索" and matrix.values["assign"] == "分配"
    assert layout.labels_for(roles)["data_scope"]["department_and_below"] == "本部门及下属部门"
    assert "CRM管理员" in roles.builtin_keys
    assert [k.name for k in KINDS if layout.matrix_of(k) is not None] == ["roles"]


def test_the_report_shows_the_matrix_under_its_kind_with_the_data_scopes_in_chinese(tmp_path) -> None:
    playbook = load(write_playbook(tmp_path, ROLES))

    built = report.build(playbook, [], lang="zh-CN", generated_at="2025-03-01T10:00:00+08:00", generator="mktctl")
    text = report.render(built, "markdown")

    assert built.matrix is not None and built.matrix["kind"] == "roles"
    assert built.matrix["roles"] == ["市场经理", "市场专员"]
    assert built.matrix["scopes"] == ["本部门及下属部门", "本人"]
    assert ("销售线索", ["查看、分配", "查看"]) in built.matrix["rows"]
    assert "角色权限矩阵" in text and "| 数据权限 | 本部门及下属部门 | 本人 |" in text


def test_the_kinds_whose_behaviour_the_rules_engine_runs_say_so() -> None:
    assert sorted(k.name for k in KINDS if k.rules_tested) == [
        "identity_rules", "lead_assignment", "lead_cleaning", "lead_follow_up_sla", "lifecycle_stages",
        "mql_definition", "nurture_flows", "scoring_models", "segments", "tags"]
