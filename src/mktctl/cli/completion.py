"""Shell completion for bash, zsh and fish: ``mktctl completion SHELL`` prints (or ``--install``s) the script.
What completes where (playbook folders, kind names, step ids) is in :mod:`mktctl.cli.completers`.

The shell runs ``mktctl`` with ``_MKTCTL_COMPLETE=complete_SHELL`` and the words typed so far in its
environment (typer's protocol: ``COMP_WORDS``/``COMP_CWORD`` for bash, ``_TYPER_COMPLETE_ARGS`` for zsh and
fish). :func:`command_line` registers typer's completion classes and gives those words to the lazy
command-group loader (cli/commands.py), so that a group's own commands and options complete too. Completers
read only local files: never a tenant.
"""

from __future__ import annotations

import os
import shlex
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from mktctl.cli.context import State

PROG = "mktctl"
COMPLETE_VAR = "_MKTCTL_COMPLETE"


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"

    def __str__(self) -> str:
        return self.value


def command_line() -> list[str] | None:
    """When the shell asks for completions: the words typed after ``mktctl`` (typer's completion classes are
    registered on the way). None on an ordinary run."""
    if not os.environ.get(COMPLETE_VAR):
        return None
    from typer._completion_classes import completion_init

    completion_init()
    typed = os.environ.get("COMP_WORDS", os.environ.get("_TYPER_COMPLETE_ARGS", ""))  # bash, or zsh and fish
    try:
        words = shlex.split(typed)
    except ValueError:  # an open quote in what is being typed
        words = typed.split()
    return words[1:]


def completion(
    ctx: typer.Context,
    shell: Annotated[Shell, typer.Argument(help="bash, zsh or fish.", metavar="SHELL", show_default=False)],
    install: Annotated[bool, typer.Option("--install", help="Write the script where the shell loads it from "
                                                            "(and, for bash and zsh, a line in ~/.bashrc or "
                                                            "~/.zshrc to load it).")] = False,
) -> None:
    """Print the shell completion script: commands, options, playbook folders, kind names and step ids.

    bash: `eval "$(mktctl completion bash)"` in ~/.bashrc; zsh: the same in ~/.zshrc after compinit; fish:
    `mktctl completion fish > ~/.config/fish/completions/mktctl.fish`. Or let --install do it."""
    from mktctl.cli.context import state

    script = completion_script(shell)
    st = state(ctx)
    if not install:
        st.out.print(script, markup=False, highlight=False, soft_wrap=True)
        return
    _install(st, shell, script)


def completion_script(shell: Shell) -> str:
    """typer's own script for ``shell`` (typer makes it public only through ``--install-completion``, which
    this app leaves out to start fast); the tests run it, so a typer that changes it is noticed."""
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    completion_init()
    return str(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell.value))


def _install(st: State, shell: Shell, script: str) -> None:
    from rich.markup import escape

    from mktctl.base.files import write_atomic

    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    target, rc, line = {
        Shell.bash: (data / "bash-completion" / "completions" / PROG, home / ".bashrc", None),
        Shell.zsh: (home / ".zfunc" / f"_{PROG}", home / ".zshrc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit"),
        Shell.fish: (config / "fish" / "completions" / f"{PROG}.fish", None, None),
    }[shell]
    write_atomic(target, script + "\n")
    st.out.print(f"[green]✓[/green] wrote the {shell} completion script to {escape(str(target))}")
    if rc is None:
        return
    line = line or f"[ -f {shlex.quote(str(target))} ] && . {shlex.quote(str(target))}"
    existing = rc.read_text(encoding="utf-8") if rc.is_file() else ""
    if line not in existing.splitlines():
        separator = "" if not existing or existing.endswith("\n") else "\n"
        write_atomic(rc, f"{existing}{separator}# mktctl shell completion\n{line}\n",
                     mode=rc.stat().st_mode & 0o777 if rc.exists() else 0o644)
        st.out.print(f"[green]✓[/green] added a line to {escape(str(rc))} that loads it")
    st.out.print("open a new shell to use it")
