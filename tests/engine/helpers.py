"""Small helpers for engine tests: write a playbook folder, plan and apply it in process."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mktctl.engine.plan import Plan
from mktctl.engine.session import execute, open_session

BASE = """\
version: 1
name: 测试公司
departments:
  - name: 市场部
    children:
      - name: 市场一组
  - name: 销售部
users:
  - employee_number: E1
    name: 张三
    mobile: "13900001111"
    email: zhangsan@example.cn
    department: 市场部
  - employee_number: E2
    name: 李四
    mobile: "13900002222"
    department: 市场一组
    leader: E1
roles:
  - name: 市场经理
    data_scope: department_and_below
    permissions:
      leads: [view, create, edit, assign]
role_assignments:
  - role: 市场经理
    users: [E1]
"""


def write(directory: Path, text: str = BASE, name: str = "mktctl.yaml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def plan(directory: Path, **kwargs) -> Plan:
    session = open_session(directory, **kwargs)
    try:
        return session.plan
    finally:
        session.close()


def apply(directory: Path, **kwargs) -> Plan:
    session = open_session(directory, **kwargs)
    try:
        execute(session)
        return session.plan
    finally:
        session.close()
