"""Helpers for the tests of the guide 2.5-2.8 kinds (content, events, audience, reports), their fragments
and the reference docs: write a small playbook folder, and read its problems as `mktctl validate` prints
them (``file:line:col: error: message``), from the real command or from the loader in process."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import mktctl
from tests.kinds.helpers_a import problems  # noqa: F401 - shared with the other kind tests

FRAGMENTS = Path(mktctl.__file__).parent / "playbooks" / "fragments"
TENANTS = "tenants:\n  sandbox-public:\n    sandbox: {api: public}\n"
PUBLIC = ("--tenant", "sandbox-public")
HEAD = "version: 1\nname: 测试公司\n"  # two lines: a playbook's sections start on line 3

MINI_PROGRAM = """\
wechat_accounts:
  - {name: 示例小程序, type: 小程序, app_id: wx0123456789abcdef}
"""
ROLES = """\
roles:
  - name: 市场经理
  - name: 市场专员
"""


def write(folder: Path, *sections: str, **files: str) -> Path:
    """``folder/mktctl.yaml``: HEAD, then ``sections`` (each dedented); a sandbox-public profile; and
    ``files`` (``name__yaml``: text, ``__`` standing for the dot)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mktctl.yaml").write_text(HEAD + "".join(textwrap.dedent(s) for s in sections), encoding="utf-8")
    (folder / "mktctl.tenants.yaml").write_text(TENANTS, encoding="utf-8")
    for name, text in files.items():
        path = folder / name.replace("__", ".")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def reported(run: Any) -> list[str]:
    """The problem lines a real `mktctl validate` (or plan) printed."""
    return [line for line in run.stderr.splitlines() if ": error: " in line or ": warning: " in line]


def steps_json(run: Any) -> dict[str, dict[str, Any]]:
    """`mktctl steps --output json` as step id -> step."""
    assert run.code == 0, run.output
    return {step["step"]: step for step in json.loads(run.stdout)}
