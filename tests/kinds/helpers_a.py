"""Helpers for the tests of the guide 1.1-2.4 kinds (products, basic settings, leads, channels) and the
checklist: write a small playbook folder, load it in process, read its problems as the CLI prints them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mktctl.errors import PlaybookError
from mktctl.kinds.base import Playbook
from mktctl.playbook.load import load_playbook

ORG = """\
departments:
  - name: 市场部
  - name: 销售部
users:
  - {employee_number: M001, name: 王芳, mobile: "13800000001", department: 市场部}
  - {employee_number: S001, name: 张伟, mobile: "13800000004", department: 销售部}
  - {employee_number: S002, name: 李娜, mobile: "13800000005", department: 销售部}
"""
TENANTS = "tenants:\n  sandbox-public:\n    sandbox: {api: public}\n"
PUBLIC = ("--tenant", "sandbox-public")


def write_playbook(folder: Path, *sections: str, org: bool = True, **files: str) -> Path:
    """``folder/mktctl.yaml`` with ``sections`` (each dedented; after a 3-line head, so they start on line 4),
    the organisation in ``org.yaml``, a ``sandbox-public`` tenant profile, and ``files`` (``name__yaml``: text)."""
    folder.mkdir(parents=True, exist_ok=True)
    head = "version: 1\nname: 测试公司\n" + ("include: [org.yaml]\n" if org else "include: []\n")
    (folder / "mktctl.yaml").write_text(head + "".join(textwrap.dedent(part) for part in sections), encoding="utf-8")
    (folder / "org.yaml").write_text(ORG, encoding="utf-8")
    (folder / "mktctl.tenants.yaml").write_text(TENANTS, encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def problems(folder: Path, *, strict: bool = False) -> list[str]:
    """Every error and warning, as ``mktctl validate`` prints them: ``file:line:col: error: message``."""
    try:
        _, warnings = load_playbook(folder, strict=strict)
        found = list(warnings)
    except PlaybookError as error:
        found = list(error.problems)
    return [f"{p.mark}: {p.severity}: {p.message}".replace(f"{folder}/", "") for p in found]


def load(folder: Path) -> Playbook:
    playbook, _ = load_playbook(folder)
    return playbook
