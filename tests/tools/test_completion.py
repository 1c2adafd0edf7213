"""Shell completion through the real `mktctl` command, the way bash, zsh and fish ask for it (typer's protocol:
`_MKTCTL_COMPLETE=complete_SHELL` and the words typed so far): command and group names, kind names for
`mktctl schema KIND`, the manual step ids of the playbook for `mktctl confirm STEP`, playbook folders for a
folder argument; `mktctl completion SHELL` prints the script (bash runs it here for real) or installs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mktctl.cli.completion import Shell, completion_script
from mktctl.engine.steps import possible_steps
from mktctl.kinds.registry import KINDS
from mktctl.playbook.load import load_playbook
from mktctl.playbook.starter import write_starter
from tests.conftest import Run, RunMktctl

STANDARD_STEPS = ("products/products", "roles/市场经理", "roles/市场专员", "roles/销售代表", "lead_pools/市场线索池")


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    """Two playbooks in clients/ and one folder that is none."""
    write_starter(tmp_path / "clients" / "acme", "standard")
    write_starter(tmp_path / "clients" / "beta", "overseas-ads")
    (tmp_path / "notes").mkdir()
    return tmp_path


def bash(mktctl: RunMktctl, typed: str) -> list[str]:
    """What bash gets back for the command line ``typed`` (the cursor at its end)."""
    words = typed.split(" ")
    run = mktctl(env={"_MKTCTL_COMPLETE": "complete_bash", "COMP_WORDS": typed, "COMP_CWORD": str(len(words) - 1)})
    assert run.code == 0, run.output
    return [line for line in run.stdout.splitlines() if line]


def test_bash_completes_the_kind_names_for_mktctl_schema(mktctl: RunMktctl) -> None:
    assert bash(mktctl, "mktctl schema ") == [kind.name for kind in KINDS]
    assert bash(mktctl, "mktctl schema role") == ["roles", "role_assignments"]


def test_bash_completes_the_step_ids_of_the_playbook_for_mktctl_confirm(mktctl: RunMktctl, clients: Path) -> None:
    every = bash(mktctl, "mktctl confirm --dir clients/acme ")
    roles = bash(mktctl, "mktctl confirm --dir clients/acme roles/市场经理 roles/")

    assert every == possible_steps(load_playbook(clients / "clients" / "acme")[0])
    assert every[:5] == list(STANDARD_STEPS)
    assert roles == ["roles/市场专员", "roles/销售代表"]  # a step already named is not offered again
    assert bash(mktctl, "mktctl confirm --dir notes ") == []  # no playbook there: the shell completes files


def test_bash_completes_playbook_folders(mktctl: RunMktctl, clients: Path) -> None:
    assert bash(mktctl, "mktctl plan ") == ["clients/acme", "clients/beta"]
    assert bash(mktctl, "mktctl validate clients/b") == ["clients/beta"]
    assert bash(mktctl, "mktctl confirm --dir cl") == ["clients/acme", "clients/beta"]
    assert bash(mktctl, "mktctl plan no") == []  # not a playbook: left to the shell's file completion


def test_bash_completes_commands_and_the_commands_of_a_group_loaded_lazily(mktctl: RunMktctl) -> None:
    assert {"init", "validate", "plan", "apply", "schema", "confirm", "completion", "leads"} <= set(
        bash(mktctl, "mktctl "))
    assert bash(mktctl, "mktctl leads ") == ["template", "check", "import", "link", "purge"]
    assert "--mapping" in bash(mktctl, "mktctl --tenant x leads import --")


def test_zsh_and_fish_get_the_kinds_with_their_titles(mktctl: RunMktctl, clients: Path) -> None:
    zsh = mktctl(env={"_MKTCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "mktctl schema lead_p"})
    fish = mktctl(env={"_MKTCTL_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args",
                       "_TYPER_COMPLETE_ARGS": "mktctl plan "})

    assert zsh.stdout.startswith("_arguments '*: :((\"lead_pools\":\"线索池\\\\: ")
    assert fish.stdout.splitlines() == ["clients/acme\tplaybook: 示例科技 营销通实施",
                                        "clients/beta\tplaybook: Example Tech overseas ads (示例科技 海外广告获客)"]


def test_folder_completion_reads_no_playbook_and_imports_no_heavy_library(clients: Path) -> None:
    probe = ("import sys\nfrom mktctl.cli.main import main\ntry:\n    main([])\nexcept SystemExit:\n    pass\n"
             "print(','.join(sorted({m.split('.')[0] for m in sys.modules} | set(sys.modules))))")
    env = {**os.environ, "_MKTCTL_COMPLETE": "complete_bash", "COMP_WORDS": "mktctl plan ", "COMP_CWORD": "2"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=clients, env=env, capture_output=True, text=True,
                          check=True)

    *completions, modules = done.stdout.strip().splitlines()
    assert completions == ["clients/acme", "clients/beta"]
    assert not {"pandas", "httpx", "fastapi", "ruamel", "mktctl.kinds", "mktctl.playbook.load"} & set(
        modules.split(","))  # (typer itself brings pydantic to parse the options)


def test_the_bash_script_completes_in_a_real_bash(mktctl: RunMktctl, clients: Path) -> None:
    script = mktctl("completion", "bash").stdout
    session = ('eval "$SCRIPT"\nCOMP_WORDS=(mktctl schema lead_f); COMP_CWORD=2; _mktctl_completion mktctl\n'
               'printf "%s\\n" "${COMPREPLY[@]}"\ncomplete -p mktctl\n')
    env = {**os.environ, "SCRIPT": script, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", session], cwd=clients, env=env,
                          capture_output=True, text=True, encoding="utf-8", check=True, timeout=120)

    assert done.stdout.splitlines() == ["lead_fields", "lead_follow_up_sla",
                                        "complete -o default -F _mktctl_completion mktctl"]


@pytest.mark.parametrize(("shell", "line"), [
    (Shell.bash, "complete -o default -F _mktctl_completion mktctl"),
    (Shell.zsh, "compdef _mktctl_completion mktctl"),
    (Shell.fish, "complete --command mktctl --no-files"),
])
def test_each_shells_script_asks_mktctl_in_that_shells_protocol(shell: Shell, line: str) -> None:
    script = completion_script(shell)

    assert line in script
    assert f"_MKTCTL_COMPLETE=complete_{shell}" in script


def test_an_unknown_shell_is_a_usage_error(mktctl: RunMktctl) -> None:
    run = mktctl("completion", "tcsh")

    assert run.code == 2 and "'tcsh' is not one of 'bash', 'zsh', 'fish'" in run.stderr


def installed(run: Run) -> Run:
    assert run.code == 0, run.output
    return run


def test_install_writes_each_script_where_its_shell_loads_it_and_loads_it_once(mktctl: RunMktctl,
                                                                               tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
           "XDG_CONFIG_HOME": str(home / ".config")}
    home.mkdir()
    (home / ".bashrc").write_text("alias ll='ls -l'", encoding="utf-8")  # no newline at the end

    bash_run = installed(mktctl("completion", "bash", "--install", env=env))
    installed(mktctl("completion", "bash", "--install", env=env))
    installed(mktctl("completion", "zsh", "--install", env=env))
    installed(mktctl("completion", "fish", "--install", env=env))

    script = home / ".local" / "share" / "bash-completion" / "completions" / "mktctl"
    assert "_MKTCTL_COMPLETE=complete_bash" in script.read_text(encoding="utf-8")
    assert f"wrote the bash completion script to {script}" in bash_run.stdout
    assert (home / ".bashrc").read_text(encoding="utf-8") == (
        f"alias ll='ls -l'\n# mktctl shell completion\n[ -f {script} ] && . {script}\n")  # once, after two runs
    assert "compdef _mktctl_completion mktctl" in (home / ".zfunc" / "_mktctl").read_text(encoding="utf-8")
    assert "fpath+=~/.zfunc; autoload -Uz compinit; compinit" in (home / ".zshrc").read_text(encoding="utf-8")
    fish = home / ".config" / "fish" / "completions" / "mktctl.fish"
    assert "_MKTCTL_COMPLETE=complete_fish" in fish.read_text(encoding="utf-8")
