"""The real `mktctl` command, end to end: init → validate → plan → apply → plan again, against the embedded
sandbox (default) and a served one; saved plans; manual steps; schema; user mistakes without tracebacks."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.e2e


def test_init_writes_a_starter_that_validates_and_applies_as_it_is(tmp_path, mktctl) -> None:
    folder = tmp_path / "client"

    assert mktctl("init", str(folder)).code == 0
    validated = mktctl("validate", cwd=folder)
    planned = mktctl("plan", "--detailed-exitcode", cwd=folder)
    applied = mktctl("apply", "--yes", cwd=folder)
    again = mktctl("plan", "--detailed-exitcode", cwd=folder)

    assert validated.code == 0, validated.output
    assert "✓ 示例科技 营销通实施" in validated.stdout
    assert planned.code == 2, planned.output
    assert "+ departments/市场部" in planned.stdout
    assert applied.code == 0, applied.output
    assert "Apply complete:" in applied.stdout
    assert again.code == 0, again.output
    assert "0 to create, 0 to update, 0 to delete" in again.stdout
    assert (folder / "mktctl.lock.yaml").is_file()
    assert (folder / ".mktctl" / "sandbox.db").is_file()


def test_init_refuses_to_overwrite_and_names_unknown_templates(tmp_path, mktctl) -> None:
    assert mktctl("init").code == 0

    again = mktctl("init")
    unknown = mktctl("init", "x", "--template", "standrad")

    assert again.code == 1 and "already has mktctl.yaml" in again.stderr
    assert unknown.code == 1 and "did you mean 'standard'?" in unknown.stderr
    assert "Traceback" not in again.output + unknown.output


def test_apply_without_a_terminal_needs_yes(tmp_path, mktctl) -> None:
    mktctl("init")

    run = mktctl("apply")

    assert run.code == 1
    assert "refusing to apply without --yes" in run.stderr


def test_plan_as_json_follows_the_versioned_schema(tmp_path, mktctl) -> None:
    mktctl("init")

    run = mktctl("plan", "--output", "json")
    plan = json.loads(run.stdout)

    assert plan["schema"] == "mktctl.plan/v1"
    assert plan["summary"]["create"] == len([a for a in plan["actions"] if a["op"] == "create"])
    assert {"op", "kind", "key", "part", "changes"} <= set(plan["actions"][0])
    users = [a for a in plan["actions"] if a["kind"] == "users"]
    mobiles = [c["after"] for a in users for c in a["changes"] if c["field"] == "mobile"]
    assert mobiles and all("****" in m for m in mobiles)  # masked without --show-pii


def test_plan_as_markdown(tmp_path, mktctl) -> None:
    mktctl("init")

    run = mktctl("plan", "--output", "markdown")

    assert run.code == 0
    assert run.stdout.startswith("# Plan for 示例科技 营销通实施")
    assert "| + | departments/市场部 |" in run.stdout


def test_a_saved_plan_applies_and_a_stale_one_is_refused(tmp_path, mktctl) -> None:
    mktctl("init")
    assert mktctl("plan", "--out", "first.json").code == 0
    assert mktctl("plan", "--out", "second.json").code == 0

    applied = mktctl("apply", "first.json")
    stale = mktctl("apply", "second.json")

    assert applied.code == 0, applied.output
    assert stale.code == 1
    assert "the tenant changed since the plan was made" in stale.stderr


def test_changing_the_playbook_plans_an_update_with_before_and_after(tmp_path, mktctl) -> None:
    mktctl("init")
    mktctl("apply", "--yes")
    org = tmp_path / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("position: 内容运营", "position: 内容主管"),
                   encoding="utf-8")

    run = mktctl("plan", "--detailed-exitcode")

    assert run.code == 2
    assert "~ users/M002" in run.stdout
    assert "position: 内容运营 → 内容主管" in run.stdout


def test_variables_and_environment_overlays(tmp_path, mktctl) -> None:
    mktctl("init")

    default = mktctl("plan")
    overlay = mktctl("plan", "--env", "production")
    flag = mktctl("plan", "--var", "sales_region=西南")

    assert "+ departments/华东销售组" in default.stdout
    assert "+ departments/华南销售组" in overlay.stdout
    assert "+ departments/西南销售组" in flag.stdout


def test_manual_steps_against_a_tenant_with_only_the_public_api(tmp_path, mktctl) -> None:
    mktctl("init")
    public = ("--tenant", "sandbox-public")
    assert mktctl(*public, "apply", "--yes").code == 0

    pending = mktctl(*public, "plan", "--detailed-exitcode")
    steps = mktctl(*public, "steps")
    confirmed = mktctl(*public, "confirm", "roles/市场经理", "--by", "王芳", "--note", "已在后台勾选")
    after = mktctl(*public, "steps", "--output", "json")

    assert pending.code == 3, pending.output
    assert "! roles/市场经理  管理后台 > 权限管理 > 角色权限 > 市场经理" in pending.stdout
    assert "功能权限 > 销售线索：查看、新建、编辑、导出、分配" in steps.stdout
    assert confirmed.code == 0 and "confirmed roles/市场经理 by 王芳" in confirmed.stdout
    roles = [s["step"] for s in json.loads(after.stdout) if s["step"].startswith("roles/")]
    assert roles == ["roles/市场专员", "roles/销售代表"]

    (tmp_path / "mktctl.yaml").write_text((tmp_path / "mktctl.yaml").read_text(encoding="utf-8").replace(
        "reports: [view, export]", "reports: [view]"), encoding="utf-8")
    changed = mktctl(*public, "steps", "--output", "json")
    statuses = {s["step"]: s["status"] for s in json.loads(changed.stdout)}
    assert statuses["roles/市场经理"] == "changed"


def test_confirming_an_unknown_step_suggests_the_right_one(tmp_path, mktctl) -> None:
    mktctl("init")

    run = mktctl("--tenant", "sandbox-public", "confirm", "roles/市场经里")

    assert run.code == 1
    assert "did you mean 'roles/市场经理'?" in run.stderr


def test_an_unknown_tenant_profile_is_a_clear_error(tmp_path, mktctl) -> None:
    mktctl("init")

    run = mktctl("--tenant", "prodution", "plan")

    assert run.code == 1
    assert "unknown tenant profile 'prodution'" in run.stderr
    assert "did you mean 'production'?" in run.stderr


def test_a_profile_whose_secret_is_not_set_says_which_variable(tmp_path, mktctl) -> None:
    mktctl("init")

    run = mktctl("--tenant", "production", "plan")

    assert run.code == 1
    assert "environment variable FXIAOKE_APP_ID is not set" in run.stderr


def test_schema_lists_kinds_and_fields_and_writes_json_schema(tmp_path, mktctl) -> None:
    kinds = mktctl("schema")
    roles = mktctl("schema", "roles")
    document = mktctl("schema", "--output", "json")
    typo = mktctl("schema", "rols")

    assert "departments" in kinds.stdout and "部门" in kinds.stdout
    assert "data_scope" in roles.stdout and "permissions" in roles.stdout
    schema = json.loads(document.stdout)
    assert schema["title"] == "mktctl playbook"
    assert {"departments", "users", "roles", "role_assignments"} <= set(schema["properties"])
    assert typo.code == 1 and "did you mean 'roles'?" in typo.stderr


def test_version_and_help(mktctl) -> None:
    version = mktctl("--version")
    help_text = mktctl("--help")

    assert version.code == 0 and version.stdout.startswith("mktctl ")
    assert help_text.code == 0 and "营销通" in help_text.stdout


def test_a_missing_playbook_folder_is_explained(tmp_path, mktctl) -> None:
    run = mktctl("validate")

    assert run.code == 1
    assert "no mktctl.yaml in" in run.stderr and "mktctl init" in run.stderr


@pytest.mark.served
def test_the_same_playbook_applies_to_a_served_sandbox_through_environment_variables(
        tmp_path, mktctl, served_sandbox) -> None:
    corp = served_sandbox.corp
    env = {"MKTCTL_TENANT_URL": served_sandbox.url, "MKTCTL_APP_ID": corp.app_id,
           "MKTCTL_APP_SECRET": corp.app_secret, "MKTCTL_PERMANENT_CODE": corp.permanent_code,
           "MKTCTL_OPEN_USER_ID": corp.admin_open_user_id}
    mktctl("init")

    applied = mktctl("apply", "--yes", env=env)
    again = mktctl("plan", "--detailed-exitcode", env=env)

    assert applied.code == 0, applied.output
    assert again.code == 0, again.output
    assert not (tmp_path / ".mktctl" / "sandbox.db").exists()  # nothing went to the embedded sandbox
    written = (tmp_path / "mktctl.lock.yaml").read_text(encoding="utf-8")
    for secret in (corp.app_secret, corp.permanent_code):
        assert secret not in applied.output + again.output + written
