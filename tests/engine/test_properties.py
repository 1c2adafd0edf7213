"""Property: whatever the playbook, applying its plan leaves nothing to do: plan(apply(plan)) is empty,
also when a second playbook is applied over the first (updates, not only creates)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.helpers import apply, plan, write

NAMES = ["市场部", "销售部", "华东组", "华南组", "内容组", "渠道部", "品牌部", "活动组"]
PEOPLE = ["张三", "李四", "王五", "赵六", "钱七", "孙八"]
MODULES = ["leads", "accounts", "contacts", "marketing_events", "content", "reports"]
ACTIONS = ["view", "create", "edit", "delete", "export", "assign"]
SCOPES = ["own", "department", "department_and_below", "all"]


@st.composite
def departments(draw: st.DrawFn) -> list[dict]:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5))
    result = []
    for position, name in enumerate(names):
        parent = draw(st.sampled_from([None, *names[:position]]))
        result.append({"name": name, **({"parent": parent} if parent else {})})
    return result


@st.composite
def people_and_roles(draw: st.DrawFn, department_names: list[str]) -> dict:
    count = draw(st.integers(min_value=0, max_value=4))
    users = []
    for number in range(1, count + 1):
        user = {"employee_number": f"E{number}", "name": draw(st.sampled_from(PEOPLE)),
                "mobile": f"1390000{number:04d}",
                "department": draw(st.sampled_from(["全公司", *department_names]))}
        if draw(st.booleans()):
            user["email"] = f"user{number}@example.cn"
        if number > 1 and draw(st.booleans()):
            user["leader"] = f"E{draw(st.integers(min_value=1, max_value=number - 1))}"
        users.append(user)
    roles = []
    for name in draw(st.lists(st.sampled_from(["市场经理", "市场专员", "销售代表"]), unique=True, max_size=3)):
        permissions = draw(st.dictionaries(st.sampled_from(MODULES), st.lists(st.sampled_from(ACTIONS), min_size=1,
                                                                              unique=True), max_size=3))
        roles.append({"name": name, "description": draw(st.sampled_from(["", "负责人", "执行"])),
                      "data_scope": draw(st.sampled_from(SCOPES)), "permissions": permissions})
    assignments = []
    if users:
        for role in roles:
            holders = draw(st.lists(st.sampled_from([u["employee_number"] for u in users]), unique=True, min_size=1))
            assignments.append({"role": role["name"], "users": holders})
    return {"users": users, "roles": roles, "role_assignments": assignments}


@st.composite
def two_playbooks(draw: st.DrawFn) -> tuple[dict, dict]:
    tree = draw(departments())
    names = [d["name"] for d in tree]
    first = {"version": 1, "departments": tree, **draw(people_and_roles(names))}
    second = {"version": 1, "departments": tree, **draw(people_and_roles(names))}
    return first, second


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_playbooks())
def test_after_apply_the_plan_is_empty(playbooks: tuple[dict, dict]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        for playbook in playbooks:
            write(directory, json.dumps(playbook, ensure_ascii=False))  # JSON is YAML
            apply(directory)
            assert plan(directory).changes == []
