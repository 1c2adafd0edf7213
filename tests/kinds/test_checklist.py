"""``mktctl checklist``: the rollout checklist of guide section 3, filled from the playbook and the plan:
configuration, 3.1 tests, 3.2 training and 3.4 deliverables, each done, pending or manual, with an owner."""

from __future__ import annotations

import openpyxl
import pytest

from mktctl.deliver.checklist import open_checklist, to_markdown, write_xlsx
from mktctl.engine.session import execute, open_session
from tests.kinds.helpers_a import write_playbook

LEADS = """\
roles:
  - {name: 市场经理, data_scope: department, permissions: {leads: [view, assign]}}
role_assignments:
  - {role: 市场经理, users: [M001]}
lead_pools:
  - name: 市场线索池
    admins: [M001]
    members: {departments: [销售部]}
lead_assignment:
  - name: 分配
    rules:
      - {name: 华东, when: {regions: [上海]}, owners: [S001]}
      - {name: 其他, pool: 市场线索池}
"""


def _apply(folder) -> None:
    session = open_session(folder)
    try:
        execute(session)
    finally:
        session.close()


def _rows(checklist, section: str) -> list[tuple[str, str, str]]:
    return [(i.item, i.status, i.owner) for i in checklist.section(section)]


def test_before_apply_the_configuration_is_pending_and_its_tests_wait(tmp_path) -> None:
    write_playbook(tmp_path, LEADS)

    checklist = open_checklist(tmp_path)

    assert ("线索池 市场线索池", "pending", "实施顾问（mktctl apply）") in _rows(checklist, "config")
    assert ("员工 张伟（S001）", "pending", "实施顾问（mktctl apply）") in _rows(checklist, "config")
    assert ("分配规则集“分配” > “华东”：录入一条命中该规则的测试线索，分配给负责人张伟（S001），负责人收到通知",
            "pending", "实施顾问") in _rows(checklist, "test")
    assert ("配置台账 mktctl.lock.yaml", "pending", "实施顾问（mktctl apply）") in _rows(checklist, "delivery")


def test_after_apply_it_is_done_and_the_tests_and_training_are_for_people(tmp_path) -> None:
    write_playbook(tmp_path, LEADS)
    _apply(tmp_path)

    checklist = open_checklist(tmp_path, generated_at="2025-03-01T10:00:00+08:00")

    assert {i.status for i in checklist.section("config")} == {"done"}
    # the tests of the lead rules wait for `mktctl test` (tests/deliver/test_test_results.py); the others are
    # for people
    tests = checklist.section("test")
    rules = [i for i in tests if i.item.startswith(("规则测试：mktctl test", "分配规则集“分配”"))]
    assert [i.status for i in rules] == ["pending"] * 3 and rules[0].detail == "没有 tests/*.yaml：编写测试人员和" \
        "预期（docs/testing.md），再运行 mktctl test"
    assert {i.status for i in tests if i not in rules} == {"manual"}
    assert ("角色培训：市场经理", "manual", "实施顾问") in _rows(checklist, "training")
    admins = ("线索池管理员培训：线索分配、收回与跟进提醒", "manual", "实施顾问")
    assert admins in _rows(checklist, "training")
    assert ("配置台账 mktctl.lock.yaml", "done", "实施顾问（mktctl apply）") in _rows(checklist, "delivery")
    markdown = to_markdown(checklist)
    assert markdown.startswith("# 实施检查清单：测试公司\n\n租户：sandbox · 2025-03-01T10:00:00+08:00 · ")
    assert "## 配置（实施指南 1.1–2.8）" in markdown and "## 3.1 系统功能测试" in markdown
    assert "## 3.2 培训内容" in markdown and "## 3.4 交付资料" in markdown
    assert "| 1 | 角色培训：市场经理 | 3.2 | 需人工 | 实施顾问 | 1 人：王芳（M001） |" in markdown


def test_the_checklist_speaks_the_language_asked_for(tmp_path) -> None:
    write_playbook(tmp_path, LEADS)  # language: zh-CN, the default

    english = to_markdown(open_checklist(tmp_path, generated_at="2025-03-01T10:00:00+08:00", language="en"))

    assert english.startswith("# Rollout checklist: 测试公司\n\nTenant: sandbox · 2025-03-01T10:00:00+08:00 · 2 done, ")
    assert "## 3.1 System tests\n\n| # | Item | Guide | Status | Owner | Detail |" in english
    assert "| Employees 张伟 (S001) | 2.1.1 | pending | consultant (mktctl apply) | apply: + create |" in english
    assert ("| assignment rules '分配' > '华东': a test lead that matches the rule goes to owner 张伟 (S001), and the "
            "owner is notified | 2.2 | pending | consultant | after its configuration is done |") in english
    assert "| Training for role 市场经理 | 3.2 | manual | consultant | 1 person(s): 王芳 (M001) |" in english


def test_on_a_public_api_tenant_the_settings_are_manual_with_the_person_who_does_them(tmp_path) -> None:
    write_playbook(tmp_path, LEADS)
    _apply(tmp_path)

    checklist = open_checklist(tmp_path, tenant="sandbox-public")

    config = {i.item: i for i in checklist.section("config")}
    assert config["线索池 市场线索池"].status == "manual"
    assert config["线索池 市场线索池"].owner == "客户CRM管理员"
    assert config["线索池 市场线索池"].detail == ("管理后台 > 线索池管理 > 市场线索池 > 编辑；"
                                              "完成后运行 mktctl confirm lead_pools/市场线索池")
    assert config["部门 销售部"].status == "done"  # the public API applied it
    delivery = {i.item: i for i in checklist.section("delivery")}
    assert delivery["人工配置步骤确认记录"].status == "manual"
    assert delivery["人工配置步骤确认记录"].detail == "3 个步骤待确认：mktctl steps"


def test_the_workbook_writes_text_from_the_playbook_as_text_never_as_a_formula(tmp_path) -> None:
    write_playbook(tmp_path, """\
        lead_pools:
          - name: '=HYPERLINK("http://evil.example","点我")'
            admins: [M001]
            members: {departments: [销售部]}
          - name: "+SUM(1,2)"
            admins: [M001]
            members: {users: [S001]}
        """)
    checklist = open_checklist(tmp_path)
    out = tmp_path / "checklist.xlsx"

    write_xlsx(checklist, out)

    sheet = openpyxl.load_workbook(out).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ('线索池 =HYPERLINK("http://evil.example","点我")', "线索池 +SUM(1,2)"):
        assert cells[text].data_type == "s", text
    assert all(c.data_type == "s" for c in cells.values())  # no cell of the sheet is a formula
    first = [c.value for c in sheet[4]]
    assert first == ["部分", "#", "项目", "指南", "状态", "负责人", "说明"]


@pytest.mark.e2e
def test_the_starter_playbook_validates_applies_and_fills_the_checklist(tmp_path, mktctl) -> None:
    assert mktctl("init").code == 0

    validated = mktctl("validate")
    before = mktctl("checklist")
    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")
    after = mktctl("checklist")
    workbook = mktctl("checklist", "--output", "xlsx", "--out", "checklist.xlsx")
    public = mktctl("--tenant", "sandbox-public", "checklist", "--out", "public.md")

    assert validated.code == 0 and "0 warning(s)" in validated.stdout, validated.output
    assert before.code == 0, before.output
    assert "| 1 | 产品开通 | 1.1 | 待处理 | 实施顾问（mktctl apply） | 待应用：+ 新建（设置） |" in before.stdout
    assert applied.code == 0 and again.code == 0, applied.output + again.output
    assert "| 1 | 产品开通 | 1.1 | 完成 | 实施顾问（mktctl apply） |  |" in after.stdout
    assert "| 广告账户 百度-品牌推广 | 2.4.1 | 完成 |" in after.stdout
    assert workbook.code == 0 and "wrote the checklist to checklist.xlsx" in workbook.stderr
    rows = list(openpyxl.load_workbook(tmp_path / "checklist.xlsx").active.iter_rows(values_only=True))
    assert ("配置（实施指南 1.1–2.8）", 1, "产品开通", "1.1", "完成", "实施顾问（mktctl apply）", "") in rows
    assert public.code == 0, public.output
    text = (tmp_path / "public.md").read_text(encoding="utf-8")
    assert ("| 1 | 产品开通 | 1.1 | 需人工 | 纷享销客客户经理 | 纷享销客 CRM > 订单 > 新建订单（为客户下单产品）；"
            "完成后运行 mktctl confirm products/products |") in text
    assert "| 广告账户 百度-品牌推广 | 2.4.1 | 需人工 | 客户广告账户管理员 |" in text
