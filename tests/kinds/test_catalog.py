"""The sandbox's catalog of setting kinds is generated from the kinds (`python -m mktctl.kinds.catalog`) and
shipped inside the sandbox package; a kind or field that changed without regenerating it fails here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mktctl.kinds.catalog import COMMAND, extension_catalog, is_stale, render, settings_schema, shipped_file
from mktctl.kinds.registry import KINDS, kind, settings_fields
from mktctl.sandbox.catalog import Catalog

WITH_SETTINGS = [k for k in KINDS if settings_fields(k)]


def test_the_shipped_catalog_is_up_to_date() -> None:
    committed = Path(__file__).resolve().parents[2] / "src" / "mktctl" / "sandbox" / "catalog.json"

    assert not is_stale(committed, render()), f"{committed} is out of date; run `{COMMAND}` and commit the result"
    assert not is_stale(shipped_file(), render()), "the installed package carries the same catalog"


def test_every_kind_with_settings_is_in_the_catalog_with_its_summary() -> None:
    catalog = extension_catalog()

    assert list(catalog["kinds"]) == sorted(k.name for k in WITH_SETTINGS)
    assert {"departments", "users", "role_assignments", "imports"}.isdisjoint(catalog["kinds"]), \
        "kinds the public API sets entirely, and jobs, keep no settings"
    assert all(catalog["kinds"][k.name]["summary"] == k.summary for k in WITH_SETTINGS)


@pytest.mark.parametrize("target", WITH_SETTINGS, ids=[k.name for k in WITH_SETTINGS])
def test_a_kinds_schema_describes_its_settings_and_nothing_else(target) -> None:
    schema = settings_schema(target)

    assert set(schema["properties"]) == settings_fields(target)
    assert set(schema.get("required", [])) <= settings_fields(target), "no api field and no key is required"
    assert schema["additionalProperties"] is False
    refs = {ref.removeprefix("#/$defs/") for ref in _refs(schema)}
    assert refs == set(schema.get("$defs", {})), "every definition it keeps is used, every one it uses is kept"


def test_a_kind_with_api_fields_gets_a_valid_setting_without_them() -> None:
    pools = Catalog.from_dict(extension_catalog([kind("lead_pools")]))
    example = kind("lead_pools").example()
    settings = {name: value for name, value in example.items() if name in settings_fields(kind("lead_pools"))}

    pools.check("lead_pools", settings)
    with pytest.raises(ValueError, match="unknown setting 'recycle_after_hours'"):
        pools.check("lead_pools", {**settings, "recycle_after_hours": 48})


def test_a_bound_pydantic_leaves_under_its_own_name_is_a_json_schema_bound() -> None:
    threshold = settings_schema(kind("alerts"))["properties"]["threshold"]
    alerts = Catalog.from_dict(extension_catalog([kind("alerts")]))
    example = kind("alerts").example()
    settings = {name: value for name, value in example.items() if name in settings_fields(kind("alerts"))}

    assert threshold["minimum"] == 0 and "ge" not in threshold
    alerts.check("alerts", settings)
    with pytest.raises(ValueError, match="threshold: -1 is less than the minimum of 0"):
        alerts.check("alerts", {**settings, "threshold": -1})


def test_the_script_checks_and_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "catalog.json"

    def script(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mktctl.kinds.catalog", *args, "--out", str(target)],
                              capture_output=True, text=True, encoding="utf-8", check=False)

    missing = script("--check")
    written = script()
    again = script()
    checked = script("--check")

    assert missing.returncode == 1
    assert missing.stderr.splitlines() == [f"out of date: {target}", f"run `{COMMAND}` and commit the result"]
    assert (written.returncode, written.stdout) == (0, f"{target} written\n")
    assert (again.returncode, again.stdout) == (0, f"{target} is up to date\n")
    assert checked.returncode == 0
    assert json.loads(target.read_text(encoding="utf-8")) == extension_catalog()


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []
