"""The sandbox stands alone: it is the platform's emulator, so it imports nothing of mktctl's client side.
Only its own modules, the shared errors and the base layer; what its extension API keeps comes from the
catalog it is handed (by default the one shipped beside it), not from mktctl's kinds."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import mktctl.sandbox

SANDBOX = Path(mktctl.sandbox.__file__).parent
ALLOWED = ("mktctl.sandbox", "mktctl.errors", "mktctl.base")


def allowed(module: str) -> bool:
    return module == "mktctl" or any(module == name or module.startswith(name + ".") for name in ALLOWED)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every mktctl module ``path`` imports, anywhere in it (in functions, under TYPE_CHECKING, by name)."""
    package = "mktctl.sandbox"  # what a relative import in these files starts from
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names if module == "mktctl"]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")):
            found.append((node.lineno, node.args[0].value))
    return [(line, name) for line, name in found if name == "mktctl" or name.startswith("mktctl.")]


@pytest.mark.parametrize("path", sorted(SANDBOX.glob("*.py")), ids=lambda path: path.name)
def test_no_sandbox_module_imports_the_client_side(path: Path) -> None:
    refused = [f"{path.name}:{line}: {name}" for line, name in imports_of(path) if not allowed(name)]

    assert refused == []


def test_the_static_check_sees_imports_inside_functions_and_type_checking_blocks(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(textwrap.dedent("""\
        from typing import TYPE_CHECKING
        from mktctl.sandbox import protocol
        from . import store
        from .. import errors, kinds
        if TYPE_CHECKING:
            from mktctl.tenant.connect import Tenant
        def late():
            import mktctl.playbook.load
            return importlib.import_module("mktctl.engine")
        """), encoding="utf-8")

    refused = [(line, name) for line, name in imports_of(module) if not allowed(name)]

    assert refused == [(4, "mktctl.kinds"), (6, "mktctl.tenant.connect"), (8, "mktctl.playbook.load"),
                       (9, "mktctl.engine")]


RUN_WITHOUT_THE_CLIENT_SIDE = """
import importlib.abc, json, sys

ALLOWED = ("mktctl.sandbox", "mktctl.errors", "mktctl.base")

class RefuseClientSide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith("mktctl.") and not any(name == a or name.startswith(a + ".") for a in ALLOWED):
            raise ImportError(f"the sandbox imported {name}")
        return None

sys.meta_path.insert(0, RefuseClientSide())

import httpx
from mktctl.sandbox.embedded import EmbeddedSandbox
from mktctl.sandbox.server import serve_in_thread

def session(http, corp):
    token = http.post("/cgi/corpAccessToken/get/V2", json={"appId": corp.app_id, "appSecret": corp.app_secret,
                                                             "permanentCode": corp.permanent_code}).json()
    who = {"corpAccessToken": token["corpAccessToken"], "corpId": token["corpId"],
           "currentOpenUserId": corp.admin_open_user_id}
    def call(path, data):
        return http.post("/mktctl/ext/v1" + path, json={**who, "data": data}).json()
    kinds = call("/capabilities", {})["data"]["kinds"]
    good = call("/settings/tags/upsert", {"key": "行业", "spec": {"values": ["制造", "金融"]}})
    bad = call("/settings/tags/upsert", {"key": "行业", "spec": {"values": ["制造"], "colour": "red"}})
    items = call("/settings/tags/list", {})["data"]["items"]
    return {"kinds": len(kinds), "tags": "tags" in kinds, "created": good["data"]["created"],
            "refused": [bad["errorCode"], bad["errorMessage"], bad["errorDescription"]],
            "items": [[item["key"], item["spec"]] for item in items]}

with serve_in_thread(sys.argv[1]) as served:
    http = httpx.Client(base_url=served.url, trust_env=False)
    answers = {"served": session(http, served.corp)}
    http.close()
embedded = EmbeddedSandbox(sys.argv[2])
answers["embedded"] = session(embedded.http, embedded.corp)
embedded.close()
answers["mktctl modules"] = sorted({m.split(".")[1] for m in sys.modules if m.startswith("mktctl.")})
print(json.dumps(answers, ensure_ascii=False))
"""


def test_the_sandbox_serves_and_embeds_with_the_client_side_of_mktctl_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", RUN_WITHOUT_THE_CLIENT_SIDE, str(tmp_path / "served.db"),
                           str(tmp_path / "embedded.db")], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])

    expected = {"kinds": len(json.loads((SANDBOX / "catalog.json").read_text(encoding="utf-8"))["kinds"]),
                "tags": True, "created": True,
                "refused": [32000, "tags 行业: unknown setting 'colour'", "配置不合法"],
                "items": [["行业", {"values": ["制造", "金融"]}]]}
    assert answers["served"] == expected
    assert answers["embedded"] == expected
    assert answers["mktctl modules"] == ["errors", "sandbox"]


CHECKS_LAZILY = """
import json, sys
from mktctl.sandbox.embedded import EmbeddedSandbox

sandbox = EmbeddedSandbox(sys.argv[1])
corp = sandbox.corp
token = sandbox.http.post("/cgi/corpAccessToken/get/V2", json={
    "appId": corp.app_id, "appSecret": corp.app_secret, "permanentCode": corp.permanent_code}).json()
body = {"corpAccessToken": token["corpAccessToken"], "corpId": token["corpId"],
        "currentOpenUserId": corp.admin_open_user_id}
sandbox.http.post("/mktctl/ext/v1/settings/tags/list", json={**body, "data": {}})
before = "jsonschema" in sys.modules
setting = {"key": "行业", "spec": {"values": ["制造"]}}
sandbox.http.post("/mktctl/ext/v1/settings/tags/upsert", json={**body, "data": setting})
print(json.dumps([before, "jsonschema" in sys.modules]))
sandbox.close()
"""


def test_the_schema_validator_is_imported_by_the_first_upsert_not_when_the_sandbox_starts(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CHECKS_LAZILY, str(tmp_path / "sandbox.db")], capture_output=True,
                          text=True, encoding="utf-8", timeout=60, check=False)
    assert done.returncode == 0, done.stderr

    assert json.loads(done.stdout.strip().splitlines()[-1]) == [False, True]
