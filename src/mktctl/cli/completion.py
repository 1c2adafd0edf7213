"""Shell completion for bash, zsh and fish: ``mktctl completion SHELL`` prints (or ``--install``s) the script,
and the completers of playbook folders, kind names and manual step ids.

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


def complete_playbook_folder(incomplete: str) -> list[tuple[str, str]]:
    """The playbook folders (with a mktctl.yaml) up to three levels below the folder typed so far, each with
    its playbook's name. None found: the shell completes file names as usual."""
    from mktctl.playbook.discover import playbooks_below

    typed = incomplete[: incomplete.rfind("/") + 1]  # "", "clients/", "../", "/srv/"
    base = Path(typed or ".")
    found = []
    for folder in playbooks_below(base):
        relative = folder.relative_to(base).as_posix()
        candidate = typed + relative if relative != "." else typed
        if candidate and candidate.startswith(incomplete):
            found.append((candidate, _playbook_name(folder)))
    return found


def _playbook_name(folder: Path) -> str:
    """The ``name:`` of the entry file, read without parsing the YAML (completion must be quick)."""
    try:
        with (folder / "mktctl.yaml").open(encoding="utf-8", errors="replace") as stream:
            head = stream.read(8192)
    except OSError:
        return "playbook"
    for line in head.splitlines():
        if line.startswith("name:"):
            name = line.removeprefix("name:").split(" #")[0].strip().strip("'\"")
            return f"playbook: {name}" if name else "playbook"
    return "playbook"


def complete_kind(incomplete: str) -> list[tuple[str, str]]:
    """The kinds' names, each with its title."""
    from mktctl.kinds.registry import KINDS

    return [(kind.name, f"{kind.title}: {kind.summary}") for kind in KINDS if kind.name.startswith(incomplete)]


def complete_step(ctx: typer.Context, incomplete: str) -> list[str]:
    """The manual steps the playbook (``--dir``, default the current folder) can ask of a real tenant; read
    from the playbook alone. An unreadable playbook completes nothing."""
    from mktctl.engine.steps import possible_steps
    from mktctl.errors import MktctlError
    from mktctl.playbook.load import load_playbook

    directory = ctx.params.get("directory") or Path()
    chosen = set(ctx.params.get("step") or ())
    try:
        playbook, _warnings = load_playbook(Path(directory))
    except MktctlError:
        return []
    return [step for step in possible_steps(playbook) if step.startswith(incomplete) and step not in chosen]


def completion(
    ctx: typer.Context,
    shell: Annotated[Shell, typer.Argument(help="bash, zsh or fish.", metavar="SHELL",
                                                     show_default=False)],
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
