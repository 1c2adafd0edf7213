"""Options shared by the commands, so that each is spelt, explained and parsed the same way everywhere.

Use them as annotations: ``env: options.Env = None``. Options whose help depends on the command (``--out``,
``--yes``, ``--force``, ``--lang``) come from small factories that fix the spelling:
``out: Annotated[Path | None, options.out("Save the plan ...")] = None``.

Output formats are one enum, :class:`OutputFormat`; a command names the members it accepts with
:func:`output`, which shows only those in ``--help`` and refuses any other value as a usage error (exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from mktctl.cli.completers import complete_playbook_folder
from mktctl.errors import SettingsError


class OutputFormat(str, Enum):
    """Every format a command can print or write."""

    table = "table"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"
    html = "html"
    env = "env"
    junit = "junit"

    def __str__(self) -> str:
        return self.value


def output(*accepted: OutputFormat, help: str | None = None, flags: Sequence[str] = ("--output", "-o")) -> Any:
    """The output-format option of a command that accepts only ``accepted`` (in this order in ``--help``).

    Use it inside ``Annotated[OutputFormat, ...]`` with the command's default after ``=``.
    """
    names = [member.value for member in accepted]

    def parse(value: Any) -> OutputFormat:
        if isinstance(value, OutputFormat) and value in accepted:
            return value
        for member in accepted:
            if member.value == value:
                return member
        raise ValueError(f"{value!r} is not one of {', '.join(map(repr, names))}.")

    if help is None:
        help = f"{', '.join(names[:-1])} or {names[-1]}." if len(names) > 1 else f"{names[0]}."
    return typer.Option(*flags, parser=parse, metavar=f"<{'|'.join(names)}>", help=help)


Directory = Annotated[Path | None, typer.Argument(help="The playbook folder (default: the current folder).",
                                                  show_default=False, autocompletion=complete_playbook_folder)]
DirOption = Annotated[Path | None, typer.Option("--dir", "-d",
                                                help="The playbook folder (default: the current folder).",
                                                autocompletion=complete_playbook_folder)]
Env = Annotated[str | None, typer.Option("--env", "-e", help="Overlay envs/NAME.yaml on the playbook.")]
Vars = Annotated[list[str] | None, typer.Option("--var", help="Set a variable: NAME=VALUE (repeatable).")]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
ShowPii = Annotated[bool, typer.Option("--show-pii", help="Show phone numbers and emails unmasked.")]


def out(help: str, *, short: bool = False) -> Any:
    """``--out`` (and ``-o`` with ``short``): the file or folder a command writes."""
    return typer.Option("--out", *(["-o"] if short else []), help=help)


def yes(help: str) -> Any:
    """``--yes``/``-y``: go ahead without asking."""
    return typer.Option("--yes", "-y", help=help)


def force(help: str) -> Any:
    """``--force``: write over files that are already there."""
    return typer.Option("--force", help=help)


def lang(help: str) -> Any:
    """``--lang``: the language of what a command writes (zh-CN or en)."""
    return typer.Option("--lang", help=help)


def parse_vars(pairs: list[str] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise SettingsError(f"--var {pair!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def folder(directory: Path | None, *, create: bool = False) -> Path:
    """The playbook folder a command works in, resolved: the current folder, or ``directory``, which must be a
    folder unless the command ``create``s it (so that nothing is written under a path given by mistake)."""
    if directory is not None and not create:
        from mktctl.base.inputs import existing_folder

        existing_folder(directory, what="playbook folder")
    return (directory or Path.cwd()).resolve()
