"""The ready CI files of docs/ci/ (shown in docs/ci.md): linted with actionlint and shellcheck and checked
against GitHub's and GitLab's own schemas (vendored in check-jsonschema, offline); their plan steps run for
real against a playbook to show the exit codes deciding the job (changes pending is reported, not a failure;
a broken playbook fails); and they read exactly the secrets that the ready playbooks' tenant profiles name."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from mktctl.base.yamlload import load_yaml_file
from mktctl.playbook.starter import write_starter

REPO = Path(__file__).resolve().parents[2]
GITHUB = REPO / "docs" / "ci" / "github-actions.yml"
GITLAB = REPO / "docs" / "ci" / "gitlab-ci.yml"
BIN = Path(sys.executable).parent  # actionlint, shellcheck and mktctl of this environment


def tools_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1", **extra}


def run(*command: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env or tools_env(), input=stdin,
                          capture_output=True, text=True, encoding="utf-8", check=False, timeout=300)


def workflow() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml_file(GITHUB).data
    return data


def gitlab() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml_file(GITLAB).data
    return data


def github_step(job: str, name: str) -> str:
    return str(next(step["run"] for step in workflow()["jobs"][job]["steps"] if step.get("name") == name))


def gitlab_script(job: str) -> str:
    return "\n".join(gitlab()[job]["script"])


def test_the_github_workflow_passes_actionlint_with_shellcheck_on_its_scripts() -> None:
    assert (BIN / "shellcheck").is_file()  # actionlint checks `run:` scripts only when shellcheck is on PATH

    done = run(BIN / "actionlint", "-no-color", GITHUB)

    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_actionlint_would_catch_a_mistake_in_it(tmp_path: Path) -> None:
    broken = tmp_path / "mktctl.yml"
    broken.write_text(GITHUB.read_text(encoding="utf-8").replace("github.event_name", "github.event_nme", 1)
                      .replace('"$PLAYBOOK"', "$PLAYBOOK", 1), encoding="utf-8")

    done = run(BIN / "actionlint", "-no-color", broken)

    assert done.returncode == 1
    assert 'property "event_nme" is not defined' in done.stdout
    assert "SC2086" in done.stdout  # an unquoted variable in a script, found by shellcheck


@pytest.mark.parametrize(("schema", "file"), [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)])
def test_each_file_follows_its_platforms_schema(schema: str, file: Path) -> None:
    done = run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, file)

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_gitlab_job_scripts_pass_shellcheck() -> None:
    config = gitlab()
    scripts = {"before_script": config["default"]["before_script"]}
    scripts.update({f"{job}.{part}": config[job][part] for job in ("validate", "plan", "apply")
                    for part in ("script", "after_script") if part in config[job]})
    for name, lines in scripts.items():
        done = run(BIN / "shellcheck", "--shell=bash", "-", stdin="\n".join(lines) + "\n")

        assert done.returncode == 0, f"{name}:\n{done.stdout}"


def test_the_gitlab_jobs_plan_merge_requests_and_apply_the_default_branch() -> None:
    config = gitlab()

    assert config["stages"] == ["check", "plan", "apply"]
    assert config["plan"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert config["plan"]["allow_failure"] == {"exit_codes": [2, 3]}
    assert config["plan"]["artifacts"]["paths"] == ["plan.md"] and config["plan"]["artifacts"]["expose_as"]
    assert config["apply"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert config["apply"]["resource_group"] and config["apply"]["script"] == ['mktctl apply "$PLAYBOOK" --yes']
    assert 'mktctl validate --strict "$PLAYBOOK"' in config["validate"]["script"]


def test_the_github_jobs_plan_pull_requests_and_apply_main() -> None:
    jobs = workflow()["jobs"]

    assert jobs["plan"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["apply"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert jobs["apply"]["concurrency"]["group"] and jobs["apply"]["permissions"] == {"contents": "write"}
    assert github_step("apply", "Apply") == 'mktctl apply "$PLAYBOOK" --yes'
    for job in ("plan", "apply"):
        assert 'mktctl test "$PLAYBOOK"' in github_step(job, "Test the playbook's rules")


def referenced_secrets() -> set[str]:
    """The ``${env:NAME}`` references among the values of the ready playbooks' tenant profiles."""
    playbooks = Path(str(resources.files("mktctl") / "playbooks"))

    def values(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [v for item in node.values() for v in values(item)]
        return [node] if isinstance(node, str) else []

    found = [v for p in playbooks.glob("*/mktctl.tenants.yaml") for v in values(load_yaml_file(p).data)]
    return {name for value in found for name in re.findall(r"\$\{env:([A-Z0-9_]+)\}", value)}


def test_the_ci_files_read_the_secrets_that_the_tenant_profiles_reference() -> None:
    secrets = referenced_secrets()
    env = workflow()["env"]
    guide = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")

    assert secrets == {"FXIAOKE_APP_ID", "FXIAOKE_APP_SECRET", "FXIAOKE_PERMANENT_CODE", "FXIAOKE_OPEN_USER_ID"}
    assert {name: env.get(name) for name in secrets} == {name: f"${{{{ secrets.{name} }}}}" for name in secrets}
    assert all(f"| `{name}` |" in guide for name in secrets)
    assert env["MKTCTL_TENANT"] == gitlab()["variables"]["MKTCTL_TENANT"] == "production"


def test_the_guide_shows_the_files_as_they_are() -> None:
    guide = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", guide, re.MULTILINE | re.DOTALL)

    assert blocks == [GITHUB.read_text(encoding="utf-8"), GITLAB.read_text(encoding="utf-8")]


@pytest.fixture
def playbook(tmp_path: Path) -> Path:
    return write_starter(tmp_path / "acme", "standard").folder


def test_the_github_plan_step_reports_pending_changes_and_puts_the_plan_in_the_summary(playbook: Path,
                                                                                      tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = tools_env(PLAYBOOK=str(playbook), GITHUB_STEP_SUMMARY=str(summary))

    done = run("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", github_step("plan", "Plan"), cwd=tmp_path,
               env=env)  # as GitHub runs a step, against the embedded sandbox

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ("::warning title=mktctl plan::changes pending: merging applies them (see the job "
                           "summary)\n")
    assert summary.read_text(encoding="utf-8").startswith("# Plan for 示例科技 营销通实施")


def test_a_plan_step_fails_on_a_broken_playbook(playbook: Path, tmp_path: Path) -> None:
    organisation = playbook / "organisation.yaml"
    organisation.write_text(organisation.read_text(encoding="utf-8").replace("position:", "postion:", 1),
                            encoding="utf-8")
    env = tools_env(PLAYBOOK=str(playbook), GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"))

    github = run("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", github_step("plan", "Plan"),
                 cwd=tmp_path, env=env)
    gitlab_run = run("bash", "-eo", "pipefail", "-c", gitlab_script("plan"), cwd=tmp_path, env=env)

    assert github.returncode == 1 and "unknown field 'postion' in users" in github.stderr
    assert gitlab_run.returncode == 1 and "unknown field 'postion' in users" in gitlab_run.stderr


def test_the_gitlab_plan_job_ends_with_an_allowed_exit_code_when_changes_are_pending(playbook: Path,
                                                                                    tmp_path: Path) -> None:
    env = tools_env(PLAYBOOK=str(playbook))

    done = run("bash", "-eo", "pipefail", "-c", gitlab_script("plan"), cwd=tmp_path, env=env)

    assert done.returncode == 2, done.stdout + done.stderr
    assert done.returncode in gitlab()["plan"]["allow_failure"]["exit_codes"]
    assert (tmp_path / "plan.md").read_text(encoding="utf-8").startswith("# Plan for 示例科技 营销通实施")
