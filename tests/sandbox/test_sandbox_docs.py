"""docs/sandbox.md documents everything the sandbox serves: every path, every fault of the SPEC grammar and
every ``mktctl sandbox`` command with its options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mktctl.sandbox import addressbook, crm
from mktctl.sandbox.extension import PREFIX
from mktctl.sandbox.faults import KEYS as FAULT_KEYS

DOC = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text(encoding="utf-8")


def documented(path: str) -> bool:
    """The full path, or its part after /cgi/crm/v2/ (the CRM table), or its last segment, in backticks."""
    forms = [path, path.removeprefix("/cgi/crm/v2/"), path.rsplit("/", 1)[-1]]
    return any(f"`{form}`" in DOC or f"`{form}," in DOC or f" {form}`" in DOC for form in forms)


@pytest.mark.parametrize("path", [*crm.HANDLERS, *addressbook.HANDLERS, "/cgi/corpAccessToken/get/V2",
                                  "/oauth2.0/token", f"{PREFIX}/capabilities", f"{PREFIX}/settings/{{kind}}/upsert",
                                  f"{PREFIX}/openapi.json", "/mktctl/faults"])
def test_every_path_is_documented(path: str) -> None:
    assert documented(path), path


@pytest.mark.parametrize("key", FAULT_KEYS)
def test_every_fault_is_documented(key: str) -> None:
    assert re.search(rf"`{re.escape(key)}=", DOC), key


@pytest.mark.parametrize("option", ["--host", "--port", "--data FILE", "--api full\\|public", "--faults SPEC",
                                    "--rate-limit CALLS/SECONDS", "--allow-remote", "--catalog FILE"])
def test_every_serve_option_is_documented(option: str) -> None:
    assert f"| `{option}` |" in DOC


@pytest.mark.parametrize("command", ["mktctl sandbox serve", "mktctl sandbox credentials", "mktctl sandbox reset"])
def test_every_command_is_documented(command: str) -> None:
    assert f"`{command}" in DOC
