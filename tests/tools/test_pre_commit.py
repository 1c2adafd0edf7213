"""The pre-commit hook of this repository (.pre-commit-hooks.yaml: `mktctl-validate`), run by pre-commit itself
in a temporary git repository: a client repository lists this repository as a hook repository (a copy of this
checkout, committed, so that uncommitted work is tested too), pre-commit installs mktctl into the hook's own
environment, and `git commit` of a good playbook goes through while a broken one is refused with the problem at
its file:line:col. Installing the hook's environment takes a while: both commits share it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mktctl.playbook.starter import write_starter

REPO = Path(__file__).resolve().parents[2]
HOOKS = REPO / ".pre-commit-hooks.yaml"


def run(*command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                          check=False, timeout=900)


def git_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_NAME": "王芳", "GIT_AUTHOR_EMAIL": "wangfang@example.cn",
            "GIT_COMMITTER_NAME": "王芳", "GIT_COMMITTER_EMAIL": "wangfang@example.cn", "GIT_CONFIG_NOSYSTEM": "1",
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1", "COLUMNS": "160",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def hook_repository(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """This checkout as pre-commit sees a hook repository: its hook definitions and the package, committed."""
    copy = tmp_path / "mktctl-hooks"
    shutil.copytree(REPO / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, copy / name)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "mktctl"]):
        assert run("git", *command, cwd=copy, env=env).returncode == 0
    return copy, run("git", "rev-parse", "HEAD", cwd=copy, env=env).stdout.strip()


def test_the_hook_definitions_are_a_valid_pre_commit_manifest(tmp_path: Path) -> None:
    done = run(sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS), cwd=tmp_path,
               env=git_env(tmp_path))

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_shows_the_hook_and_the_hook_runs_a_mktctl_command() -> None:
    from mktctl.base.yamlload import load_yaml_file
    from mktctl.cli.main import main

    (hook,) = load_yaml_file(HOOKS).data
    readme = (REPO / "README.md").read_text(encoding="utf-8")

    assert hook["id"] == "mktctl-validate" and f"- id: {hook['id']}" in readme
    assert hook["entry"] == "mktctl validate-files" and hook["require_serial"] is True
    assert main(["validate-files", "--help"]) == 0


@pytest.mark.slow
def test_a_good_playbook_commits_and_a_broken_one_is_refused_with_its_position(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    hooks, commit = hook_repository(tmp_path, env)
    client = tmp_path / "client-repo"
    client.mkdir()
    (client / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {commit}\n    hooks:\n      - id: mktctl-validate\n", encoding="utf-8")
    assert run("git", "init", "-q", cwd=client, env=env).returncode == 0
    installed = run(sys.executable, "-m", "pre_commit", "install", cwd=client, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    write_starter(client / "acme", "standard")

    run("git", "add", "-A", cwd=client, env=env)
    good = run("git", "commit", "-m", "acme: the starter playbook", cwd=client, env=env)

    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"^mktctl validate\.+Passed$", good.stderr, re.MULTILINE), good.stderr

    organisation = client / "acme" / "organisation.yaml"
    lines = organisation.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "position: 内容运营" in line)
    organisation.write_text(organisation.read_text(encoding="utf-8").replace("position: 内容运营", "postion: 内容运营"),
                            encoding="utf-8")
    run("git", "add", "-A", cwd=client, env=env)
    broken = run("git", "commit", "-m", "acme: a typo", cwd=client, env=env)

    assert broken.returncode == 1
    output = broken.stdout + broken.stderr
    assert re.search(r"^mktctl validate\.+Failed$", output, re.MULTILINE), output
    column = lines[number - 1].index("position") + 1
    assert (f"acme/organisation.yaml:{number}:{column}: error: unknown field 'postion' in users; did you mean "
            f"'position'?") in output
    assert "✗ acme: not valid" in output
    assert run("git", "rev-list", "--count", "HEAD", cwd=client, env=env).stdout.strip() == "1"
